//! # pocolab-core
//!
//! iExec's Proof-of-Contribution protocol, **PoCo v6.1.0**, as a deterministic state machine:
//! no I/O, no clock, no randomness. Every entry point takes an explicit [`Env`] (sender, block
//! timestamp, chain id) and is atomic: it either applies all of its effects or returns a typed
//! [`PocoError`] and leaves the state unchanged.
//!
//! The reference is `shared/spec/poco-protocol.md`; doc comments cite its sections (§).
//!
//! | module | spec |
//! |---|---|
//! | [`escrow`] | §3 accounts, lock / unlock / seize / reward, kitty |
//! | [`registries`] | §2 apps, datasets, workerpools and their policies |
//! | [`orders`] | §5 orders, EIP-712 hashes |
//! | [`signatures`] | §5.6 ECDSA / ERC-1271 / presign |
//! | [`matching`] | §6 `matchOrders`, §5.7 order management |
//! | [`lifecycle`] | §7 initialize, contribute, reveal, reopen, finalize, claim |
//! | [`rewards`] | §8 successWork, distributeRewards, failedWork, scores |
//! | [`boost`] | §9 PoCo Boost |
//! | [`extension`] | opt-in protocol rules (mechanisms) |
//! | [`journal`], [`journaled`] | §0.2 atomicity: the undo journal of every write |

#![warn(missing_docs)]

pub mod boost;
pub mod constants;
pub mod deal;
pub mod error;
pub mod escrow;
pub mod extension;
pub mod fixtures;
pub mod journal;
pub mod journaled;
pub mod lifecycle;
pub mod matching;
pub mod orders;
pub mod registries;
pub mod rewards;
pub mod signatures;
pub mod task;
pub mod world;

pub use alloy_primitives::{Address, B256, Bytes, U256, address, b256, keccak256};
pub use deal::{Deal, DealBoost, Resource};
pub use error::{Check, Panic, PocoError, Result};
pub use escrow::{Account, Ledger, LedgerMut};
pub use extension::{Baseline, Extension, MatchedOrders, Settlement, SuccessPath, Weight};
pub use journal::{Checkpoint, Journal};
pub use journaled::{JournaledState, ReadOnly};
pub use orders::{AppOrder, DatasetOrder, Operation, Order, RequestOrder, WorkerpoolOrder};
pub use registries::{AssetKind, Registries};
pub use task::{Contribution, ContributionStatus, Task, TaskStatus};
pub use world::Contract;

use rustc_hash::{FxHashMap, FxHashSet};

use constants::{DEFAULT_CALLBACK_GAS, DEPLOYED_CATEGORIES};
use error::{Checked, require, require_msg};
use signatures::eth_signed_message_hash;

/// The execution environment of one call: who sends it, in which block, on which chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Env {
    /// `msg.sender`
    pub sender: Address,
    /// `block.timestamp`, seconds
    pub timestamp: u64,
    /// `block.chainid`
    pub chain_id: u64,
}

impl Env {
    /// A call from `sender` at `timestamp` on chain 31337 (hardhat).
    pub fn at(sender: Address, timestamp: u64) -> Self {
        Self {
            sender,
            timestamp,
            chain_id: 31337,
        }
    }

    #[inline]
    pub(crate) fn now(&self) -> U256 {
        U256::from(self.timestamp)
    }
}

/// A category (spec §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Category {
    /// name
    pub name: String,
    /// description
    pub description: String,
    /// `workClockTimeRef` R, seconds
    pub work_clock_time_ref: U256,
}

/// Deployment parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Diamond owner (protocol owner).
    pub owner: Address,
    /// Diamond proxy address: escrow holder and EIP-712 verifying contract.
    pub proxy: Address,
    /// Chain id at `configure` time.
    pub chain_id: u64,
    /// Verify ECDSA signatures. `false` is the simulation mode: EOA signatures always verify
    /// (presignatures, ERC-1271 wallets and restrictions still apply).
    pub verify_signatures: bool,
    /// Categories created at deployment: (name, description, R).
    pub categories: Vec<(String, String, u64)>,
}

impl Default for Config {
    /// Hardhat-like deployment: chain 31337, the five deployed categories (§1.3), signatures on.
    fn default() -> Self {
        Self {
            owner: address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            proxy: address!("00000000000000000000000000000000000c0c0a"),
            chain_id: 31337,
            verify_signatures: true,
            categories: DEPLOYED_CATEGORIES
                .iter()
                .map(|(n, r)| (n.to_string(), format!("category {n}"), *r))
                .collect(),
        }
    }
}

/// Owner-set configuration (spec §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Diamond owner
    pub owner: Address,
    /// Diamond proxy
    pub proxy: Address,
    /// cached EIP-712 domain separator
    pub domain_separator: B256,
    /// TEE broker (0 = disabled)
    pub teebroker: Address,
    /// callback gas (100 000 in 6.1.0)
    pub callbackgas: U256,
    /// v3 hub for `importScore` (0 on Arbitrum)
    pub v3_hub: Address,
    /// signature checks on (exact) or off (simulation)
    pub verify_signatures: bool,
}

/// The whole persistent state of PoCo (spec §0.4).
///
/// Fields are public so that extensions and tools can read everything. A `State` is only
/// reachable read-only ([`Poco::state`] is [`ReadOnly`], hooks write through a
/// [`JournaledState`]), so every write is made by an entry point of [`Poco`], or by an
/// extension inside one, and is journaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// configuration
    pub settings: Settings,
    /// accounts, escrow and RLC
    pub ledger: Ledger,
    /// app / dataset / workerpool registries
    pub registries: Registries,
    /// categories, dense ids
    pub categories: Vec<Category>,
    /// `presigned[orderTypedHash]`
    pub presigned: FxHashMap<B256, Address>,
    /// `consumed[orderTypedHash]`
    pub consumed: FxHashMap<B256, U256>,
    /// classic deals
    pub deals: FxHashMap<B256, Deal>,
    /// Boost deals
    pub deals_boost: FxHashMap<B256, DealBoost>,
    /// tasks (classic and Boost), with contributions and consensus
    pub tasks: FxHashMap<B256, Task>,
    /// worker scores (global)
    pub scores: FxHashMap<Address, U256>,
    /// workers whose v3 score was imported
    pub score_imported: FxHashSet<Address>,
    /// addresses with code (ERC-1271 wallets, identity groups, callback consumers)
    pub contracts: FxHashMap<Address, Contract>,
    /// number of callbacks delivered (their outcome is ignored by the protocol, §7.12)
    pub callbacks_delivered: u64,
}

/// PoCo 6.1.0 state machine, optionally extended with opt-in rules `E`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poco<E = Baseline> {
    /// protocol state: anyone reads it (`poco.state.tasks`, `poco.state.ledger`, …); only the
    /// entry points write it
    pub state: ReadOnly<JournaledState>,
    /// extension (mechanism) state
    pub ext: E,
}

impl Poco<Baseline> {
    /// Deploy and configure PoCo (spec §1.2 `configure`) with no extension.
    pub fn new(cfg: Config) -> Self {
        Self::with_extension(cfg, Baseline)
    }
}

impl<E: Extension> Poco<E> {
    /// Deploy and configure PoCo with extension `ext`.
    pub fn with_extension(cfg: Config, ext: E) -> Self {
        let settings = Settings {
            owner: cfg.owner,
            proxy: cfg.proxy,
            domain_separator: orders::domain_separator(cfg.chain_id, cfg.proxy),
            teebroker: Address::ZERO,
            callbackgas: U256::from(DEFAULT_CALLBACK_GAS),
            v3_hub: Address::ZERO,
            verify_signatures: cfg.verify_signatures,
        };
        let categories = cfg
            .categories
            .into_iter()
            .map(|(name, description, r)| Category {
                name,
                description,
                work_clock_time_ref: U256::from(r),
            })
            .collect();
        Self {
            state: ReadOnly::new(JournaledState::new(State {
                settings,
                ledger: Ledger::new(cfg.proxy),
                registries: Registries::default(),
                categories,
                presigned: FxHashMap::default(),
                consumed: FxHashMap::default(),
                deals: FxHashMap::default(),
                deals_boost: FxHashMap::default(),
                tasks: FxHashMap::default(),
                scores: FxHashMap::default(),
                score_imported: FxHashSet::default(),
                contracts: FxHashMap::default(),
                callbacks_delivered: 0,
            })),
            ext,
        }
    }

    /// Write access to the state (journaled inside an atomic call).
    #[inline]
    pub(crate) fn st(&mut self) -> &mut JournaledState {
        self.state.get_mut()
    }

    /// Run `f` atomically: one checkpoint covers the state and the extension; if `f` fails,
    /// both are reverted to it, so the call changes nothing (spec §0.2).
    #[inline]
    pub(crate) fn atomic<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let cp = self.st().checkpoint();
        self.ext.checkpoint(cp);
        let r = f(self);
        if r.is_ok() {
            self.st().commit(cp);
            self.ext.commit(cp);
        } else {
            self.st().revert(cp);
            self.ext.revert(cp);
        }
        r
    }

    /// Give an extension atomic, journaled write access to the whole state (new entry points,
    /// new task outcomes): if `f` fails, the state and the extension are reverted.
    pub fn ext_call<R>(
        &mut self,
        f: impl FnOnce(&mut E, &mut JournaledState) -> Result<R>,
    ) -> Result<R> {
        self.atomic(|p| f(&mut p.ext, p.state.get_mut()))
    }

    // ------------------------------------------------------------ configuration (§1.2)

    fn only_owner(&self, env: &Env) -> Result<()> {
        require_msg(
            env.sender == self.state.settings.owner,
            "Ownable: caller is not the owner",
        )
    }

    /// `setTeeBroker(addr)` (owner).
    pub fn set_tee_broker(&mut self, env: &Env, broker: Address) -> Result<()> {
        self.only_owner(env)?;
        self.st().untracked().settings.teebroker = broker;
        Ok(())
    }

    /// `setCallbackGas(g)` (owner).
    pub fn set_callback_gas(&mut self, env: &Env, gas: U256) -> Result<()> {
        self.only_owner(env)?;
        self.st().untracked().settings.callbackgas = gas;
        Ok(())
    }

    /// `createCategory(name, description, workClockTimeRef)` (owner); returns the new id.
    pub fn create_category(
        &mut self,
        env: &Env,
        name: &str,
        description: &str,
        r: U256,
    ) -> Result<U256> {
        self.only_owner(env)?;
        self.st().untracked().categories.push(Category {
            name: name.into(),
            description: description.into(),
            work_clock_time_ref: r,
        });
        Ok(U256::from(self.state.categories.len() - 1))
    }

    /// `updateDomainSeparator()` (anyone): recompute from `env.chain_id` and the proxy.
    pub fn update_domain_separator(&mut self, env: &Env) -> Result<()> {
        let ds = orders::domain_separator(env.chain_id, self.state.settings.proxy);
        self.st().untracked().settings.domain_separator = ds;
        Ok(())
    }

    /// `importScore(worker)`: with `v3Hub = 0` (every 6.1.0 deployment) the external call fails.
    pub fn import_score(&mut self, _env: &Env, worker: Address) -> Result<()> {
        require_msg(
            !self.state.score_imported.contains(&worker),
            "score-already-imported",
        )?;
        require(
            self.state.settings.v3_hub != Address::ZERO,
            Check::CallToNonContract,
        )?;
        unreachable!("no v3 hub can be configured in the core")
    }

    /// Declare contract code at `a` (ERC-1271 wallet, identity group, callback consumer).
    pub fn deploy_contract(&mut self, a: Address, c: Contract) {
        self.st().untracked().contracts.insert(a, c);
    }

    /// Genesis helper: set worker `w`'s score to `s`, for a worker with a history (not a PoCo
    /// call: 6.1.0 has no score setter; PoCo's own tests write the storage slot).
    pub fn set_score(&mut self, w: Address, s: U256) {
        self.st().set_score(w, s);
    }

    /// Genesis helper: mark `w`'s v3 score as imported (not a PoCo call: with `v3Hub = 0`,
    /// `importScore` cannot succeed, so only a migrated deployment has such workers).
    pub fn set_score_imported(&mut self, w: Address) {
        self.st().untracked().score_imported.insert(w);
    }

    // ------------------------------------------------------------ pruning (not PoCo calls)

    /// Forget task `id` if it is final (COMPLETED or FAILED), and return it; `None`, and
    /// nothing changes, if it is unknown or still running.
    ///
    /// Pruning is a memory optimisation for long simulations, not a protocol call. No entry
    /// point writes a final task, but a pruned one reads as unknown: it could be initialized
    /// again, so only a caller that never calls the protocol about it again may prune it.
    pub fn prune_task(&mut self, id: B256) -> Option<Task> {
        if !self.state.tasks.get(&id)?.status.is_final() {
            return None;
        }
        self.st().prune_task(id)
    }

    /// Forget classic deal `id` once all of its tasks are final and pruned (every one of its
    /// `botSize` tasks was removed by [`Poco::prune_task`]), and return it; `None`, and
    /// nothing changes, otherwise. A memory optimisation, like [`Poco::prune_task`].
    pub fn prune_deal(&mut self, id: B256) -> Option<Deal> {
        self.st().prune_deal(id)
    }

    /// Forget every order's `consumed` counter (a memory optimisation, not a protocol call).
    ///
    /// Only for a caller that never submits a matched order again (the simulator gives every
    /// order its own salt): a forgotten order reads as unconsumed, so it would match again.
    pub fn forget_consumed(&mut self) {
        self.st().untracked().consumed.clear();
    }

    // ------------------------------------------------------------ escrow entry points (§3.2)

    /// Genesis helper: give `a` RLC outside PoCo (not a PoCo call).
    pub fn mint_rlc(&mut self, a: Address, v: U256) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().mint_rlc(a, v))
    }

    /// `deposit(amount)` (token mode).
    pub fn deposit(&mut self, env: &Env, amount: U256) -> Result<()> {
        self.atomic(|p| {
            p.st()
                .ledger_mut()
                .deposit_for(env.sender, amount, env.sender)
        })
    }

    /// `depositFor(amount, target)`.
    pub fn deposit_for(&mut self, env: &Env, amount: U256, target: Address) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().deposit_for(env.sender, amount, target))
    }

    /// `depositForArray(amounts, targets)`.
    pub fn deposit_for_array(
        &mut self,
        env: &Env,
        amounts: &[U256],
        targets: &[Address],
    ) -> Result<()> {
        require_msg(amounts.len() == targets.len(), "invalid-array-length")?;
        self.atomic(|p| {
            for (a, t) in amounts.iter().zip(targets) {
                p.st().ledger_mut().deposit_for(env.sender, *a, *t)?;
            }
            Ok(())
        })
    }

    /// `withdraw(amount)`.
    pub fn withdraw(&mut self, env: &Env, amount: U256) -> Result<()> {
        self.atomic(|p| {
            p.st()
                .ledger_mut()
                .withdraw_to(env.sender, amount, env.sender)
        })
    }

    /// `withdrawTo(amount, target)`.
    pub fn withdraw_to(&mut self, env: &Env, amount: U256, target: Address) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().withdraw_to(env.sender, amount, target))
    }

    /// ERC-20 `transfer(to, value)` on the SRLC ledger (balance only).
    pub fn transfer(&mut self, env: &Env, to: Address, v: U256) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().erc20_transfer(env.sender, to, v))
    }

    /// ERC-20 `approve(spender, value)`.
    pub fn approve(&mut self, env: &Env, spender: Address, v: U256) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().approve(env.sender, spender, v))
    }

    /// ERC-20 `transferFrom(from, to, value)`.
    pub fn transfer_from(&mut self, env: &Env, from: Address, to: Address, v: U256) -> Result<()> {
        self.atomic(|p| p.st().ledger_mut().transfer_from(env.sender, from, to, v))
    }

    // ------------------------------------------------------------ registries (§2.2)

    /// `createApp(owner, …)` (anyone, for any owner); returns the app address.
    pub fn create_app(
        &mut self,
        owner: Address,
        name: &str,
        app_type: &str,
        multiaddr: Bytes,
        checksum: B256,
        mrenclave: Bytes,
    ) -> Result<Address> {
        self.st()
            .untracked()
            .registries
            .create_app(owner, name, app_type, multiaddr, checksum, mrenclave)
    }

    /// `createDataset(owner, …)`.
    pub fn create_dataset(
        &mut self,
        owner: Address,
        name: &str,
        multiaddr: Bytes,
        checksum: B256,
    ) -> Result<Address> {
        self.st()
            .untracked()
            .registries
            .create_dataset(owner, name, multiaddr, checksum)
    }

    /// `createWorkerpool(owner, description)`.
    pub fn create_workerpool(&mut self, owner: Address, description: &str) -> Result<Address> {
        self.st()
            .untracked()
            .registries
            .create_workerpool(owner, description)
    }

    /// Workerpool `changePolicy(ρ, σ)`, sent by the pool owner.
    pub fn change_policy(
        &mut self,
        env: &Env,
        pool: Address,
        worker_stake_ratio: U256,
        scheduler_reward_ratio: U256,
    ) -> Result<()> {
        self.st().untracked().registries.change_policy(
            env.sender,
            pool,
            worker_stake_ratio,
            scheduler_reward_ratio,
        )
    }

    /// ERC-721 transfer of an asset by its owner.
    pub fn transfer_asset(
        &mut self,
        env: &Env,
        kind: AssetKind,
        asset: Address,
        to: Address,
    ) -> Result<()> {
        self.st()
            .untracked()
            .registries
            .transfer(env.sender, kind, asset, to)
    }

    // ------------------------------------------------------------ views (§1.1, §8, IexecPocoAccessors)

    /// `viewAccount(a)`.
    pub fn view_account(&self, a: Address) -> Account {
        self.state.ledger.account(a)
    }

    /// `viewScore(worker)`.
    pub fn view_score(&self, w: Address) -> U256 {
        self.state.scores.get(&w).copied().unwrap_or_default()
    }

    /// `viewDeal(id)` (zeroed for an unknown id).
    pub fn view_deal(&self, id: B256) -> Deal {
        self.state.deals.get(&id).cloned().unwrap_or_default()
    }

    /// `viewDealBoost(id)`.
    pub fn view_deal_boost(&self, id: B256) -> DealBoost {
        self.state.deals_boost.get(&id).cloned().unwrap_or_default()
    }

    /// `viewTask(id)` (zeroed for an unknown id).
    pub fn view_task(&self, id: B256) -> Task {
        self.state.tasks.get(&id).cloned().unwrap_or_default()
    }

    /// `viewContribution(taskId, worker)`.
    pub fn view_contribution(&self, task: B256, w: Address) -> Contribution {
        self.state
            .tasks
            .get(&task)
            .map(|t| t.contribution(w))
            .unwrap_or_default()
    }

    /// `viewConsumed(orderHash)`.
    pub fn view_consumed(&self, h: B256) -> U256 {
        self.state.consumed.get(&h).copied().unwrap_or_default()
    }

    /// `viewPresigned(orderHash)`.
    pub fn view_presigned(&self, h: B256) -> Address {
        self.state.presigned.get(&h).copied().unwrap_or_default()
    }

    /// `viewCategory(id)`; unknown id → `revert()`.
    pub fn view_category(&self, id: U256) -> Result<Category> {
        let i: usize = id
            .try_into()
            .map_err(|_| PocoError::Empty(Check::UnknownCategory))?;
        self.state
            .categories
            .get(i)
            .cloned()
            .ok_or(PocoError::Empty(Check::UnknownCategory))
    }

    /// `countCategory()`.
    pub fn count_category(&self) -> U256 {
        U256::from(self.state.categories.len())
    }

    /// `eip712domain_separator()`.
    pub fn domain_separator(&self) -> B256 {
        self.state.settings.domain_separator
    }

    /// `teebroker()`.
    pub fn teebroker(&self) -> Address {
        self.state.settings.teebroker
    }

    /// `callbackgas()`.
    pub fn callbackgas(&self) -> U256 {
        self.state.settings.callbackgas
    }

    /// `resultFor(taskId)`: `resultsCallback` of a COMPLETED task, else `revert("task-pending")`.
    pub fn result_for(&self, id: B256) -> Result<Bytes> {
        let t = self.state.tasks.get(&id);
        match t {
            Some(t) if t.status == TaskStatus::Completed => Ok(t.results_callback.clone()),
            _ => Err(PocoError::Revert("task-pending")),
        }
    }

    /// `verifySignature(account, hash, sign)` view.
    pub fn verify_signature(&self, account: Address, hash: B256, sig: &[u8]) -> Result<bool> {
        self.state.verify(account, hash, sig)
    }

    /// `verifyPresignature(account, hash)` view.
    pub fn verify_presignature(&self, account: Address, hash: B256) -> bool {
        self.state.verify_presigned(account, hash)
    }

    /// `verifyPresignatureOrSignature(account, hash, sign)` view.
    pub fn verify_presignature_or_signature(
        &self,
        account: Address,
        hash: B256,
        sig: &[u8],
    ) -> Result<bool> {
        self.state.verify_signed_or_presigned(account, hash, sig)
    }
}

impl State {
    /// Does `a` have code (a declared contract or a registry asset)?
    pub fn has_code(&self, a: Address) -> bool {
        self.contracts.contains_key(&a) || self.registries.owner_of_any(a).is_some()
    }

    /// `verify(account, hash, sign)` (spec §5.6).
    pub fn verify(&self, account: Address, hash: B256, sig: &[u8]) -> Result<bool> {
        if self.has_code(account) {
            return Ok(match self.contracts.get(&account) {
                Some(Contract::Erc1271Wallet { approved }) => approved.contains(&hash),
                _ => false,
            });
        }
        if !self.settings.verify_signatures {
            return Ok(true);
        }
        Ok(signatures::recover(hash, sig)? == account)
    }

    /// `verify` on the eth-signed-message form of `h` (authorizations and enclave signatures).
    pub fn verify_eth_signed(&self, account: Address, h: B256, sig: &[u8]) -> Result<bool> {
        if !self.settings.verify_signatures && !self.has_code(account) {
            return Ok(true);
        }
        self.verify(account, eth_signed_message_hash(h), sig)
    }

    /// `verifyPresigned(account, hash)`: `account ≠ 0 ∧ presigned[hash] == account`.
    pub fn verify_presigned(&self, account: Address, hash: B256) -> bool {
        account != Address::ZERO && self.presigned.get(&hash) == Some(&account)
    }

    /// `verifySignedOrPresigned`: presigned first, then the signature.
    pub fn verify_signed_or_presigned(
        &self,
        account: Address,
        hash: B256,
        sig: &[u8],
    ) -> Result<bool> {
        if self.verify_presigned(account, hash) {
            return Ok(true);
        }
        self.verify(account, hash, sig)
    }

    /// `authorized(restriction, account)` (spec §2.5).
    pub fn authorized(&self, restriction: Address, account: Address) -> bool {
        if restriction == Address::ZERO || restriction == account {
            return true;
        }
        match self.contracts.get(&restriction) {
            Some(Contract::Identity { members }) => members.contains(&account),
            _ => false,
        }
    }

    /// `owner()` of an asset; a call to an address without `owner()` aborts (spec §6.2 row 21).
    pub fn asset_owner(&self, a: Address) -> Result<Address> {
        self.registries
            .owner_of_any(a)
            .ok_or(PocoError::Empty(Check::CallToNonContract))
    }

    /// `consumed[h]`.
    #[inline]
    pub fn consumed(&self, h: B256) -> U256 {
        self.consumed.get(&h).copied().unwrap_or_default()
    }

    /// `score[w]`.
    #[inline]
    pub fn score(&self, w: Address) -> U256 {
        self.scores.get(&w).copied().unwrap_or_default()
    }

    /// `workClockTimeRef` of category `c`.
    pub(crate) fn timeref(&self, c: U256) -> Result<U256> {
        let i: usize = c
            .try_into()
            .map_err(|_| PocoError::Empty(Check::UnknownCategory))?;
        self.categories
            .get(i)
            .map(|c| c.work_clock_time_ref)
            .ok_or(PocoError::Empty(Check::UnknownCategory))
    }
}

/// `max(x, y)`.
#[inline]
pub(crate) fn max(a: U256, b: U256) -> U256 {
    if a > b { a } else { b }
}

/// `min(x, y)`.
#[inline]
pub(crate) fn min(a: U256, b: U256) -> U256 {
    if a < b { a } else { b }
}

/// `⌊log₂ x⌋`, `log2(0) = 0` (spec §0.2).
#[inline]
pub fn log2(x: U256) -> U256 {
    if x.is_zero() {
        U256::ZERO
    } else {
        U256::from(x.bit_len() - 1)
    }
}

#[allow(unused_imports)]
pub(crate) use Checked as _;
