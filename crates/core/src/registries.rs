//! App, dataset and workerpool registries (spec §2.2, §2.3, `contracts/registries/**`).
//!
//! Creation is permissionless and names any owner. The real registries deploy each asset with
//! CREATE2 at an address derived from the initializer calldata and the owner; the core derives
//! an address the same way in spirit (`keccak(kind ‖ fields ‖ owner)`), so re-creating an
//! identical asset for the same owner fails. The conformance harness maps core asset addresses
//! to EVM ones (they cannot be byte-equal without the proxy init code).

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use rustc_hash::FxHashMap;

use crate::constants::{DEFAULT_SCHEDULER_REWARD_RATIO, DEFAULT_WORKER_STAKE_RATIO};
use crate::error::{Check, PocoError, Result};

/// App asset record (spec §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct App {
    pub owner: Address,
    pub name: String,
    pub app_type: String,
    pub multiaddr: Bytes,
    pub checksum: B256,
    pub mrenclave: Bytes,
}

/// Dataset asset record (spec §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Dataset {
    pub owner: Address,
    pub name: String,
    pub multiaddr: Bytes,
    pub checksum: B256,
}

/// Workerpool asset record with its mutable policies (spec §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workerpool {
    /// current NFT owner (the scheduler)
    pub owner: Address,
    /// `m_workerpoolDescription`
    pub description: String,
    /// `m_workerStakeRatioPolicy` ρ (default 30, no upper bound)
    pub worker_stake_ratio: U256,
    /// `m_schedulerRewardRatioPolicy` σ (default 1, ≤ 100)
    pub scheduler_reward_ratio: U256,
}

/// Which registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetKind {
    /// AppRegistry
    App,
    /// DatasetRegistry
    Dataset,
    /// WorkerpoolRegistry
    Workerpool,
}

/// The three registries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registries {
    /// apps by asset address
    pub apps: FxHashMap<Address, App>,
    /// datasets by asset address
    pub datasets: FxHashMap<Address, Dataset>,
    /// workerpools by asset address
    pub workerpools: FxHashMap<Address, Workerpool>,
}

fn predict(kind: &str, fields: &[&[u8]], owner: Address) -> Address {
    let mut buf = Vec::with_capacity(64);
    buf.extend_from_slice(kind.as_bytes());
    for f in fields {
        buf.extend_from_slice(keccak256(f).as_slice());
    }
    buf.extend_from_slice(owner.as_slice());
    Address::from_slice(&keccak256(buf)[12..])
}

impl Registries {
    /// `predictApp(owner, …)`.
    pub fn predict_app(
        owner: Address,
        name: &str,
        app_type: &str,
        multiaddr: &[u8],
        checksum: B256,
        mrenclave: &[u8],
    ) -> Address {
        predict(
            "app",
            &[
                name.as_bytes(),
                app_type.as_bytes(),
                multiaddr,
                checksum.as_slice(),
                mrenclave,
            ],
            owner,
        )
    }

    /// `predictDataset(owner, …)`.
    pub fn predict_dataset(
        owner: Address,
        name: &str,
        multiaddr: &[u8],
        checksum: B256,
    ) -> Address {
        predict(
            "dataset",
            &[name.as_bytes(), multiaddr, checksum.as_slice()],
            owner,
        )
    }

    /// `predictWorkerpool(owner, description)`.
    pub fn predict_workerpool(owner: Address, description: &str) -> Address {
        predict("workerpool", &[description.as_bytes()], owner)
    }

    /// Is `a` an asset of any registry (i.e. an address with code that answers `owner()`)?
    pub fn owner_of_any(&self, a: Address) -> Option<Address> {
        self.apps
            .get(&a)
            .map(|x| x.owner)
            .or_else(|| self.datasets.get(&a).map(|x| x.owner))
            .or_else(|| self.workerpools.get(&a).map(|x| x.owner))
    }

    /// `isRegistered(a)` on the given registry.
    pub fn is_registered(&self, kind: AssetKind, a: Address) -> bool {
        match kind {
            AssetKind::App => self.apps.contains_key(&a),
            AssetKind::Dataset => self.datasets.contains_key(&a),
            AssetKind::Workerpool => self.workerpools.contains_key(&a),
        }
    }

    fn check_new(&self, owner: Address, a: Address) -> Result<()> {
        if owner == Address::ZERO {
            return Err(PocoError::Revert("ERC721: mint to the zero address"));
        }
        if self.owner_of_any(a).is_some() {
            return Err(PocoError::Revert("Create2: Failed on deploy"));
        }
        Ok(())
    }

    /// `createApp(owner, name, type, multiaddr, checksum, mrenclave)`.
    pub fn create_app(
        &mut self,
        owner: Address,
        name: &str,
        app_type: &str,
        multiaddr: Bytes,
        checksum: B256,
        mrenclave: Bytes,
    ) -> Result<Address> {
        let a = Self::predict_app(owner, name, app_type, &multiaddr, checksum, &mrenclave);
        self.check_new(owner, a)?;
        self.apps.insert(
            a,
            App {
                owner,
                name: name.into(),
                app_type: app_type.into(),
                multiaddr,
                checksum,
                mrenclave,
            },
        );
        Ok(a)
    }

    /// `createDataset(owner, name, multiaddr, checksum)`.
    pub fn create_dataset(
        &mut self,
        owner: Address,
        name: &str,
        multiaddr: Bytes,
        checksum: B256,
    ) -> Result<Address> {
        let a = Self::predict_dataset(owner, name, &multiaddr, checksum);
        self.check_new(owner, a)?;
        self.datasets.insert(
            a,
            Dataset {
                owner,
                name: name.into(),
                multiaddr,
                checksum,
            },
        );
        Ok(a)
    }

    /// `createWorkerpool(owner, description)` with default policies ρ = 30, σ = 1.
    pub fn create_workerpool(&mut self, owner: Address, description: &str) -> Result<Address> {
        let a = Self::predict_workerpool(owner, description);
        self.check_new(owner, a)?;
        self.workerpools.insert(
            a,
            Workerpool {
                owner,
                description: description.into(),
                worker_stake_ratio: U256::from(DEFAULT_WORKER_STAKE_RATIO),
                scheduler_reward_ratio: U256::from(DEFAULT_SCHEDULER_REWARD_RATIO),
            },
        );
        Ok(a)
    }

    /// Workerpool `changePolicy(ρ, σ)`: owner only, `σ ≤ 100` (spec §2.3).
    pub fn change_policy(
        &mut self,
        sender: Address,
        pool: Address,
        worker_stake_ratio: U256,
        scheduler_reward_ratio: U256,
    ) -> Result<()> {
        let wp = self
            .workerpools
            .get_mut(&pool)
            .ok_or(PocoError::Empty(Check::CallToNonContract))?;
        if wp.owner != sender {
            return Err(PocoError::Revert("caller is not the owner"));
        }
        if scheduler_reward_ratio > U256::from(100u8) {
            return Err(PocoError::Empty(Check::SchedulerRewardRatioTooHigh));
        }
        wp.worker_stake_ratio = worker_stake_ratio;
        wp.scheduler_reward_ratio = scheduler_reward_ratio;
        Ok(())
    }

    /// ERC-721 `transferFrom(owner, to, tokenId)` of an asset by its owner.
    pub fn transfer(
        &mut self,
        sender: Address,
        kind: AssetKind,
        asset: Address,
        to: Address,
    ) -> Result<()> {
        let owner = match kind {
            AssetKind::App => self.apps.get_mut(&asset).map(|x| &mut x.owner),
            AssetKind::Dataset => self.datasets.get_mut(&asset).map(|x| &mut x.owner),
            AssetKind::Workerpool => self.workerpools.get_mut(&asset).map(|x| &mut x.owner),
        }
        .ok_or(PocoError::Revert(
            "ERC721: operator query for nonexistent token",
        ))?;
        if *owner != sender {
            return Err(PocoError::Revert(
                "ERC721: transfer caller is not owner nor approved",
            ));
        }
        if to == Address::ZERO {
            return Err(PocoError::Revert("ERC721: transfer to the zero address"));
        }
        *owner = to;
        Ok(())
    }
}
