//! [`Backend`], the call surface the runner drives, and its two implementations: the core
//! ([`Poco`], signatures verified) and the real bytecode ([`EvmPoco`]).

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use pocolab_core::orders::task_id;
use pocolab_core::{self as core, Env, Operation, Poco};

use super::{Orders, Res};
use crate::backend::EvmPoco;
use crate::scenario::{AssetKindSpec, BatchKind, Which};

/// A backend the runner can drive.
pub trait Backend {
    /// Short name (`core`, `evm`).
    fn name(&self) -> &'static str;
    /// Genesis RLC.
    fn mint(&mut self, a: Address, v: U256) -> Res<()>;
    /// `deposit`
    fn deposit(&mut self, env: &Env, v: U256) -> Res<()>;
    /// `withdraw`
    fn withdraw(&mut self, env: &Env, v: U256) -> Res<()>;
    /// Create an asset through its registry.
    fn create_asset(
        &mut self,
        env: &Env,
        kind: AssetKindSpec,
        owner: Address,
        name: &str,
        mrenclave: &[u8],
    ) -> Res<Address>;
    /// classic / boost, sponsored or not
    fn match_orders(&mut self, env: &Env, boost: bool, sponsored: bool, o: &Orders) -> Res<B256>;
    /// `manage*Order`
    fn manage(
        &mut self,
        env: &Env,
        which: Which,
        op: Operation,
        o: &Orders,
        sign: &[u8],
    ) -> Res<()>;
    /// `initialize`
    fn initialize(&mut self, env: &Env, deal: B256, idx: U256) -> Res<B256>;
    /// `contribute`
    fn contribute(
        &mut self,
        env: &Env,
        tid: B256,
        rh: B256,
        seal: B256,
        enclave: Address,
        esign: &[u8],
        auth: &[u8],
    ) -> Res<()>;
    /// `reveal`
    fn reveal(&mut self, env: &Env, tid: B256, digest: B256) -> Res<()>;
    /// `reopen`
    fn reopen(&mut self, env: &Env, tid: B256) -> Res<()>;
    /// `finalize`
    fn finalize(&mut self, env: &Env, tid: B256, results: &[u8], cb: &[u8]) -> Res<()>;
    /// `contributeAndFinalize`
    #[allow(clippy::too_many_arguments)]
    fn contribute_and_finalize(
        &mut self,
        env: &Env,
        tid: B256,
        digest: B256,
        results: &[u8],
        cb: &[u8],
        enclave: Address,
        esign: &[u8],
        auth: &[u8],
    ) -> Res<()>;
    /// `claim`
    fn claim(&mut self, env: &Env, tid: B256) -> Res<()>;
    /// `pushResultBoost`
    #[allow(clippy::too_many_arguments)]
    fn push_result_boost(
        &mut self,
        env: &Env,
        deal: B256,
        idx: U256,
        results: &[u8],
        cb: &[u8],
        auth: &[u8],
        enclave: Address,
        esign: &[u8],
    ) -> Res<()>;
    /// `claimBoost`
    fn claim_boost(&mut self, env: &Env, deal: B256, idx: U256) -> Res<()>;
    /// set a worker score
    fn set_score(&mut self, w: Address, s: U256);
    /// `depositFor`
    fn deposit_for(&mut self, env: &Env, v: U256, target: Address) -> Res<()>;
    /// `withdrawTo`
    fn withdraw_to(&mut self, env: &Env, v: U256, target: Address) -> Res<()>;
    /// SRLC `transfer`
    fn transfer(&mut self, env: &Env, to: Address, v: U256) -> Res<()>;
    /// SRLC `approve`
    fn approve(&mut self, env: &Env, spender: Address, v: U256) -> Res<()>;
    /// SRLC `transferFrom`
    fn transfer_from(&mut self, env: &Env, from: Address, to: Address, v: U256) -> Res<()>;
    /// SRLC `allowance`
    fn allowance(&mut self, owner: Address, spender: Address) -> U256;
    /// array helpers
    fn batch(&mut self, env: &Env, kind: BatchKind, deals: &[B256], idxs: &[U256]) -> Res<()>;
    /// `setTeeBroker`
    fn set_tee_broker(&mut self, env: &Env, broker: Address) -> Res<()>;
    /// `changePolicy`
    fn change_policy(&mut self, env: &Env, pool: Address, wsr: U256, srr: U256) -> Res<()>;
    /// views
    fn account(&mut self, a: Address) -> core::Account;
    /// RLC outside PoCo
    fn rlc(&mut self, a: Address) -> U256;
    /// score
    fn score(&mut self, w: Address) -> U256;
    /// classic deal
    fn deal(&mut self, id: B256) -> core::Deal;
    /// boost deal
    fn deal_boost(&mut self, id: B256) -> core::DealBoost;
    /// task (with contributions of its contributors)
    fn task(&mut self, id: B256) -> core::Task;
    /// contribution
    fn contribution(&mut self, id: B256, w: Address) -> core::Contribution;
    /// consumed
    fn consumed(&mut self, h: B256) -> U256;
    /// presigned
    fn presigned(&mut self, h: B256) -> Address;
    /// SRLC total supply
    fn total_supply(&mut self) -> U256;
    /// EIP-712 domain separator
    fn domain_separator(&mut self) -> B256;
    /// gas of the last call (EVM only)
    fn last_gas(&self) -> Option<u64>;
}

/// A core result with its error as the comparable class.
fn cls<T>(r: core::Result<T>) -> Res<T> {
    r.map_err(|e| e.class())
}

/// The `Backend` methods whose body is the same on both sides: `$ty`'s entry point of the same
/// name, its error mapped by `$cls`.
macro_rules! shared_backend_methods {
    ($ty:ident, $cls:ident) => {
        fn mint(&mut self, a: Address, v: U256) -> Res<()> {
            $cls(self.mint_rlc(a, v))
        }
        fn deposit(&mut self, env: &Env, v: U256) -> Res<()> {
            $cls($ty::deposit(self, env, v))
        }
        fn withdraw(&mut self, env: &Env, v: U256) -> Res<()> {
            $cls($ty::withdraw(self, env, v))
        }
        fn match_orders(
            &mut self,
            env: &Env,
            boost: bool,
            sponsored: bool,
            o: &Orders,
        ) -> Res<B256> {
            $cls(match (boost, sponsored) {
                (false, false) => {
                    $ty::match_orders(self, env, &o.app, &o.dataset, &o.workerpool, &o.request)
                }
                (false, true) => {
                    self.sponsor_match_orders(env, &o.app, &o.dataset, &o.workerpool, &o.request)
                }
                (true, false) => {
                    self.match_orders_boost(env, &o.app, &o.dataset, &o.workerpool, &o.request)
                }
                (true, true) => self.sponsor_match_orders_boost(
                    env,
                    &o.app,
                    &o.dataset,
                    &o.workerpool,
                    &o.request,
                ),
            })
        }
        fn manage(
            &mut self,
            env: &Env,
            which: Which,
            op: Operation,
            o: &Orders,
            sign: &[u8],
        ) -> Res<()> {
            $cls(match which {
                Which::App => self.manage_app_order(env, &o.app, op, sign),
                Which::Dataset => self.manage_dataset_order(env, &o.dataset, op, sign),
                Which::Workerpool => self.manage_workerpool_order(env, &o.workerpool, op, sign),
                Which::Request => self.manage_request_order(env, &o.request, op, sign),
            })
        }
        fn initialize(&mut self, env: &Env, deal: B256, idx: U256) -> Res<B256> {
            $cls($ty::initialize(self, env, deal, idx))
        }
        fn contribute(
            &mut self,
            env: &Env,
            tid: B256,
            rh: B256,
            seal: B256,
            enclave: Address,
            esign: &[u8],
            auth: &[u8],
        ) -> Res<()> {
            $cls($ty::contribute(
                self, env, tid, rh, seal, enclave, esign, auth,
            ))
        }
        fn reveal(&mut self, env: &Env, tid: B256, digest: B256) -> Res<()> {
            $cls($ty::reveal(self, env, tid, digest))
        }
        fn reopen(&mut self, env: &Env, tid: B256) -> Res<()> {
            $cls($ty::reopen(self, env, tid))
        }
        fn finalize(&mut self, env: &Env, tid: B256, results: &[u8], cb: &[u8]) -> Res<()> {
            $cls($ty::finalize(self, env, tid, results, cb))
        }
        fn contribute_and_finalize(
            &mut self,
            env: &Env,
            tid: B256,
            digest: B256,
            results: &[u8],
            cb: &[u8],
            enclave: Address,
            esign: &[u8],
            auth: &[u8],
        ) -> Res<()> {
            $cls($ty::contribute_and_finalize(
                self, env, tid, digest, results, cb, enclave, esign, auth,
            ))
        }
        fn claim(&mut self, env: &Env, tid: B256) -> Res<()> {
            $cls($ty::claim(self, env, tid))
        }
        fn push_result_boost(
            &mut self,
            env: &Env,
            deal: B256,
            idx: U256,
            results: &[u8],
            cb: &[u8],
            auth: &[u8],
            enclave: Address,
            esign: &[u8],
        ) -> Res<()> {
            $cls($ty::push_result_boost(
                self, env, deal, idx, results, cb, auth, enclave, esign,
            ))
        }
        fn claim_boost(&mut self, env: &Env, deal: B256, idx: U256) -> Res<()> {
            $cls($ty::claim_boost(self, env, deal, idx))
        }
        fn change_policy(&mut self, env: &Env, pool: Address, wsr: U256, srr: U256) -> Res<()> {
            $cls($ty::change_policy(self, env, pool, wsr, srr))
        }
        fn set_tee_broker(&mut self, env: &Env, broker: Address) -> Res<()> {
            $cls($ty::set_tee_broker(self, env, broker))
        }
        fn deposit_for(&mut self, env: &Env, v: U256, target: Address) -> Res<()> {
            $cls($ty::deposit_for(self, env, v, target))
        }
        fn withdraw_to(&mut self, env: &Env, v: U256, target: Address) -> Res<()> {
            $cls($ty::withdraw_to(self, env, v, target))
        }
        fn transfer(&mut self, env: &Env, to: Address, v: U256) -> Res<()> {
            $cls($ty::transfer(self, env, to, v))
        }
        fn approve(&mut self, env: &Env, spender: Address, v: U256) -> Res<()> {
            $cls($ty::approve(self, env, spender, v))
        }
        fn transfer_from(&mut self, env: &Env, from: Address, to: Address, v: U256) -> Res<()> {
            $cls($ty::transfer_from(self, env, from, to, v))
        }
        fn batch(&mut self, env: &Env, kind: BatchKind, deals: &[B256], idxs: &[U256]) -> Res<()> {
            $cls(match kind {
                BatchKind::Initialize => self.initialize_array(env, deals, idxs).map(|_| ()),
                BatchKind::Claim => {
                    let tids: Vec<B256> = deals
                        .iter()
                        .zip(idxs)
                        .map(|(d, i)| task_id(*d, *i))
                        .collect();
                    self.claim_array(env, &tids)
                }
                BatchKind::InitializeAndClaim => self.initialize_and_claim_array(env, deals, idxs),
            })
        }
        fn account(&mut self, a: Address) -> core::Account {
            self.view_account(a)
        }
        fn score(&mut self, w: Address) -> U256 {
            self.view_score(w)
        }
        fn deal(&mut self, id: B256) -> core::Deal {
            self.view_deal(id)
        }
        fn deal_boost(&mut self, id: B256) -> core::DealBoost {
            self.view_deal_boost(id)
        }
        fn task(&mut self, id: B256) -> core::Task {
            self.view_task(id)
        }
        fn contribution(&mut self, id: B256, w: Address) -> core::Contribution {
            self.view_contribution(id, w)
        }
        fn consumed(&mut self, h: B256) -> U256 {
            self.view_consumed(h)
        }
        fn presigned(&mut self, h: B256) -> Address {
            self.view_presigned(h)
        }
        fn domain_separator(&mut self) -> B256 {
            $ty::domain_separator(self)
        }
    };
}

impl Backend for Poco {
    shared_backend_methods!(Poco, cls);
    fn name(&self) -> &'static str {
        "core"
    }
    fn create_asset(
        &mut self,
        _env: &Env,
        kind: AssetKindSpec,
        owner: Address,
        name: &str,
        mrenclave: &[u8],
    ) -> Res<Address> {
        cls(match kind {
            AssetKindSpec::App => self.create_app(
                owner,
                name,
                "APP_TYPE_0",
                asset_multiaddr(name),
                asset_checksum(name),
                Bytes::copy_from_slice(mrenclave),
            ),
            AssetKindSpec::Dataset => {
                self.create_dataset(owner, name, asset_multiaddr(name), asset_checksum(name))
            }
            AssetKindSpec::Workerpool => self.create_workerpool(owner, name),
        })
    }
    fn set_score(&mut self, w: Address, s: U256) {
        Poco::set_score(self, w, s);
    }
    fn allowance(&mut self, owner: Address, spender: Address) -> U256 {
        self.state.ledger.allowance(owner, spender)
    }
    fn rlc(&mut self, a: Address) -> U256 {
        self.state.ledger.rlc_balance(a)
    }
    fn total_supply(&mut self) -> U256 {
        self.state.ledger.total_supply()
    }
    fn last_gas(&self) -> Option<u64> {
        None
    }
}

/// An EVM result with its revert reason as the comparable class.
fn ecls<T>(r: crate::EvmResult<T>) -> Res<T> {
    r.map_err(|e| e.class())
}

impl Backend for EvmPoco {
    shared_backend_methods!(EvmPoco, ecls);
    fn name(&self) -> &'static str {
        "evm"
    }
    fn create_asset(
        &mut self,
        env: &Env,
        kind: AssetKindSpec,
        owner: Address,
        name: &str,
        mrenclave: &[u8],
    ) -> Res<Address> {
        ecls(match kind {
            AssetKindSpec::App => self.create_app(
                env,
                owner,
                name,
                "APP_TYPE_0",
                asset_multiaddr(name),
                asset_checksum(name),
                Bytes::copy_from_slice(mrenclave),
            ),
            AssetKindSpec::Dataset => self.create_dataset(
                env,
                owner,
                name,
                asset_multiaddr(name),
                asset_checksum(name),
            ),
            AssetKindSpec::Workerpool => self.create_workerpool(env, owner, name),
        })
    }
    fn set_score(&mut self, w: Address, s: U256) {
        EvmPoco::set_score(self, w, s)
    }
    fn allowance(&mut self, owner: Address, spender: Address) -> U256 {
        EvmPoco::allowance(self, owner, spender)
    }
    fn rlc(&mut self, a: Address) -> U256 {
        self.rlc_balance(a)
    }
    fn total_supply(&mut self) -> U256 {
        EvmPoco::total_supply(self)
    }
    fn last_gas(&self) -> Option<u64> {
        EvmPoco::last_gas(self).into()
    }
}

/// Multiaddr of an asset created by the runner.
pub fn asset_multiaddr(name: &str) -> Bytes {
    Bytes::from(format!("/ipfs/{name}").into_bytes())
}

/// Checksum of an asset created by the runner.
pub fn asset_checksum(name: &str) -> B256 {
    keccak256(format!("checksum:{name}"))
}
