//! The differential runner: plays a [`Scenario`] on the core (signatures verified) and on the
//! real bytecode, and compares outcomes and state after every call.
//!
//! Asset addresses differ between the backends (the core's registries use synthetic
//! addresses, the EVM's use CREATE2), so order hashes, deal ids and task ids differ too. The
//! runner keeps, per backend, the map from scenario names to addresses and ids, and compares
//! *canonical* values: every address or hash that names a scenario object is printed as that
//! name (`asset:app`, `deal:d1`, `task:d1#0`, `rh(good)`, `seal(worker1,good)`, …).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::orders::{authorization_hash, enclave_hash, result_hash, result_seal, task_id};
use pocolab_core::signatures::Wallet;
use pocolab_core::{
    self as core, AppOrder, Config, DatasetOrder, Env, Operation, Order, Poco, RequestOrder,
    WorkerpoolOrder,
};

use crate::backend::EvmPoco;
use crate::deploy::Deployment;
use crate::scenario::{
    AssetKindSpec, BatchKind, Call, Num, Op, OpKind, OrderSpec, Scenario, Which,
};

type Res<T> = Result<T, String>;

/// Error classes that are *expected* to differ, (core, evm), documented in
/// `docs/conformance.md`.
pub const KNOWN_EQUIVALENT: &[(&str, &str)] = &[
    // The core models the RLC balance check as `failled-transferFrom`; the faucet RLC
    // (solc 0.4.24) underflows in `safeSub` (`assert`, invalid opcode) inside `transferFrom`,
    // and the revert bubbles up without data (evm-oracle.md §A.3) through `deposit`; through
    // `approveAndCall` (the RLC is the outermost frame, solc 0.4.24) the whole transaction
    // ends on the invalid opcode.
    ("failled-transferFrom", "revert()"),
    ("failled-transferFrom", "halt(InvalidFEOpcode)"),
];

/// The four orders of a match.
#[derive(Debug, Clone)]
pub struct Orders {
    /// app order
    pub app: AppOrder,
    /// dataset order
    pub dataset: DatasetOrder,
    /// workerpool order
    pub workerpool: WorkerpoolOrder,
    /// request order
    pub request: RequestOrder,
}

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

/// The scenario's actors: hardhat roles of PoCo's tests with the core fixtures' keys.
#[derive(Debug, Clone)]
pub struct ActorSet {
    /// name → wallet
    pub wallets: BTreeMap<String, Wallet>,
}

/// Role names (besides `worker1` … `workerN`).
pub const ROLES: [&str; 10] = [
    "admin",
    "requester",
    "sponsor",
    "beneficiary",
    "appProvider",
    "datasetProvider",
    "scheduler",
    "enclave",
    "sms",
    "anyone",
];

impl ActorSet {
    /// The roles and `n` workers.
    pub fn new(n_workers: usize) -> Self {
        let mut wallets = BTreeMap::new();
        for r in ROLES {
            wallets.insert(r.to_string(), Wallet::from_label(r));
        }
        for i in 1..=n_workers {
            let n = format!("worker{i}");
            wallets.insert(n.clone(), Wallet::from_label(&n));
        }
        Self { wallets }
    }
    /// Address of an actor.
    pub fn addr(&self, name: &str) -> Option<Address> {
        self.wallets.get(name).map(Wallet::address)
    }
    /// Worker names.
    pub fn workers(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .wallets
            .keys()
            .filter(|k| k.starts_with("worker"))
            .cloned()
            .collect();
        w.sort_by_key(|k| k[6..].parse::<u32>().unwrap_or(0));
        w
    }
}

/// Per-backend bookkeeping: names → addresses and ids.
struct Side<B> {
    b: B,
    assets: BTreeMap<String, Address>,
    deals: BTreeMap<String, B256>,
    ds: B256,
}

impl<B: Backend> Side<B> {
    fn resolve(&self, actors: &ActorSet, who: &str) -> Address {
        if who.is_empty() || who == "none" || who == "0" {
            return Address::ZERO;
        }
        if let Some(a) = self.assets.get(who) {
            return *a;
        }
        if let Some(a) = actors.addr(who) {
            return a;
        }
        if who == "kitty" {
            return KITTY_ADDRESS;
        }
        who.parse().unwrap_or(Address::ZERO)
    }

    fn deal(&self, name: &str) -> B256 {
        self.deals.get(name).copied().unwrap_or_default()
    }
}

fn bytes32(s: &Option<String>) -> B256 {
    match s {
        None => B256::ZERO,
        Some(s) if s.starts_with("0x") => {
            let h = s.trim_start_matches("0x");
            let v = U256::from_str_radix(h, 16).unwrap_or_default();
            B256::from(v)
        }
        Some(s) => keccak256(s.as_bytes()),
    }
}

/// The default signer of each order: its asset's owner / the requester.
fn owner_of(sc: &Scenario, asset: &str) -> String {
    sc.assets
        .iter()
        .find(|a| a.name == asset)
        .map(|a| a.owner.clone())
        .unwrap_or_else(|| "none".into())
}

fn build_orders<B: Backend>(
    sc: &Scenario,
    spec: &OrderSpec,
    actors: &ActorSet,
    side: &Side<B>,
) -> Orders {
    let r = |w: &str| side.resolve(actors, w);
    let restrict = |k: &str| spec.restrict.get(k).map(|w| r(w)).unwrap_or(Address::ZERO);
    let vol = spec.volume.clone().unwrap_or(Num::Int(1)).value();
    let tag = bytes32(&spec.tag);
    let salt = bytes32(&spec.salt);
    let app = AppOrder {
        app: r(&spec.app),
        appprice: spec.app_price.value(),
        volume: vol,
        tag,
        datasetrestrict: restrict("app.datasetrestrict"),
        workerpoolrestrict: restrict("app.workerpoolrestrict"),
        requesterrestrict: restrict("app.requesterrestrict"),
        salt,
        sign: Bytes::new(),
    };
    let dataset = if spec.dataset.is_empty() {
        DatasetOrder::default()
    } else {
        DatasetOrder {
            dataset: r(&spec.dataset),
            datasetprice: spec.dataset_price.value(),
            volume: vol,
            tag,
            apprestrict: restrict("dataset.apprestrict"),
            workerpoolrestrict: restrict("dataset.workerpoolrestrict"),
            requesterrestrict: restrict("dataset.requesterrestrict"),
            salt,
            sign: Bytes::new(),
        }
    };
    let workerpool = WorkerpoolOrder {
        workerpool: r(&spec.workerpool),
        workerpoolprice: spec.workerpool_price.value(),
        volume: spec
            .workerpool_volume
            .as_ref()
            .map(Num::value)
            .unwrap_or(vol),
        tag,
        category: spec.category.value(),
        trust: spec.trust.value(),
        apprestrict: restrict("workerpool.apprestrict"),
        datasetrestrict: restrict("workerpool.datasetrestrict"),
        requesterrestrict: restrict("workerpool.requesterrestrict"),
        salt,
        sign: Bytes::new(),
    };
    let request = RequestOrder {
        app: app.app,
        appmaxprice: spec
            .app_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(app.appprice),
        dataset: dataset.dataset,
        datasetmaxprice: spec
            .dataset_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(dataset.datasetprice),
        workerpool: workerpool.workerpool,
        workerpoolmaxprice: spec
            .workerpool_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(workerpool.workerpoolprice),
        requester: r(spec.requester.as_deref().unwrap_or("requester")),
        volume: spec.request_volume.as_ref().map(Num::value).unwrap_or(vol),
        tag: if spec.request_tag.is_some() {
            bytes32(&spec.request_tag)
        } else {
            tag
        },
        category: spec
            .request_category
            .as_ref()
            .map(Num::value)
            .unwrap_or(workerpool.category),
        trust: workerpool.trust,
        beneficiary: r(spec.beneficiary.as_deref().unwrap_or("beneficiary")),
        callback: spec.callback.as_deref().map(r).unwrap_or(Address::ZERO),
        params: spec.params.clone(),
        salt,
        sign: Bytes::new(),
    };
    let mut o = Orders {
        app,
        dataset,
        workerpool,
        request,
    };
    let ds = side.ds;
    let signer = |which: &str, default: String| -> Option<&Wallet> {
        let who = spec.signer.get(which).cloned().unwrap_or(default);
        actors.wallets.get(&who)
    };
    if let Some(w) = signer("app", owner_of(sc, &spec.app)) {
        o.app.sign = w.sign_hash(o.app.hash(ds));
    }
    if !spec.dataset.is_empty()
        && let Some(w) = signer("dataset", owner_of(sc, &spec.dataset))
    {
        o.dataset.sign = w.sign_hash(o.dataset.hash(ds));
    }
    if let Some(w) = signer("workerpool", owner_of(sc, &spec.workerpool)) {
        o.workerpool.sign = w.sign_hash(o.workerpool.hash(ds));
    }
    if let Some(w) = signer(
        "request",
        spec.requester.clone().unwrap_or_else(|| "requester".into()),
    ) {
        o.request.sign = w.sign_hash(o.request.hash(ds));
    }
    o
}

/// One divergence: call, field, values on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// index of the call in the scenario (`None`: setup)
    pub call: Option<usize>,
    /// call label
    pub label: String,
    /// field path (`outcome`, `account.requester.balance`, `task.d1#0.status`, …)
    pub field: String,
    /// core value
    pub core: String,
    /// EVM value
    pub evm: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.call {
            Some(i) => write!(
                f,
                "call #{i} {}: {}: core={} evm={}",
                self.label, self.field, self.core, self.evm
            ),
            None => write!(
                f,
                "setup {}: {}: core={} evm={}",
                self.label, self.field, self.core, self.evm
            ),
        }
    }
}

/// The outcome of one call on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// label
    pub label: String,
    /// EVM entry point name (for the gas table)
    pub op: &'static str,
    /// core outcome (`ok` or class)
    pub core: String,
    /// EVM outcome
    pub evm: String,
    /// EVM gas used
    pub gas: Option<u64>,
}

/// Result of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// scenario name
    pub name: String,
    /// calls
    pub calls: Vec<CallRecord>,
    /// divergences between the backends
    pub divergences: Vec<Divergence>,
    /// failed expectations (`expect = …`)
    pub expectation_failures: Vec<String>,
}

impl Report {
    /// No divergence and every expectation met.
    pub fn passed(&self) -> bool {
        self.divergences.is_empty() && self.expectation_failures.is_empty()
    }

    /// Human-readable summary.
    pub fn render(&self, verbose: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "scenario {:?}: {} calls, {} divergences, {} failed expectations",
            self.name,
            self.calls.len(),
            self.divergences.len(),
            self.expectation_failures.len()
        );
        if verbose {
            for (i, c) in self.calls.iter().enumerate() {
                let gas = c.gas.map(|g| format!(" gas={g}")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  #{i:<3} {:<55} core={:<28} evm={}{gas}",
                    c.label, c.core, c.evm
                );
            }
        }
        for d in &self.divergences {
            let _ = writeln!(s, "  DIVERGENCE {d}");
        }
        for e in &self.expectation_failures {
            let _ = writeln!(s, "  EXPECTATION {e}");
        }
        s
    }
}

fn outcome<T>(r: &Res<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.clone(),
    }
}

fn equivalent(core: &str, evm: &str) -> bool {
    core == evm
        || KNOWN_EQUIVALENT
            .iter()
            .any(|(c, e)| *c == core && *e == evm)
}

/// Canonical names of addresses and hashes on one side.
struct Canon {
    addrs: BTreeMap<Address, String>,
    hashes: BTreeMap<B256, String>,
}

impl Canon {
    fn a(&self, a: Address) -> String {
        self.addrs
            .get(&a)
            .cloned()
            .unwrap_or_else(|| format!("{a}"))
    }
    fn h(&self, h: B256) -> String {
        self.hashes
            .get(&h)
            .cloned()
            .unwrap_or_else(|| format!("{h}"))
    }
}

/// Plays scenarios against a deployment snapshot.
pub struct Runner<'a> {
    deployment: &'a Deployment,
    /// compare the whole observable state after every call (else only at the end)
    pub check_every_call: bool,
}

impl<'a> Runner<'a> {
    /// A runner over `deployment`.
    pub fn new(deployment: &'a Deployment) -> Self {
        Self {
            deployment,
            check_every_call: true,
        }
    }

    /// Play `sc` on both backends.
    pub fn run(&self, sc: &Scenario) -> Report {
        let d = self.deployment;
        let actors = ActorSet::new(sc.workers);
        let admin = actors.addr("admin").expect("admin");
        assert_eq!(
            admin, d.addrs.admin,
            "the deployment must be made by the runner's admin"
        );
        let cfg = Config {
            owner: admin,
            proxy: d.addrs.proxy,
            ..Config::default()
        };
        let mut core_side = Side {
            b: Poco::new(cfg),
            assets: BTreeMap::new(),
            deals: BTreeMap::new(),
            ds: B256::ZERO,
        };
        let mut evm_side = Side {
            b: EvmPoco::new(d),
            assets: BTreeMap::new(),
            deals: BTreeMap::new(),
            ds: B256::ZERO,
        };
        core_side.ds = core_side.b.domain_separator();
        evm_side.ds = evm_side.b.domain_separator();
        let mut rep = Report {
            name: sc.name.clone(),
            ..Default::default()
        };
        if core_side.ds != evm_side.ds {
            rep.divergences.push(Divergence {
                call: None,
                label: "deploy".into(),
                field: "eip712domain_separator".into(),
                core: format!("{}", core_side.ds),
                evm: format!("{}", evm_side.ds),
            });
        }
        let mut now = sc.start;
        let env = |who: Address, now: u64| Env {
            sender: who,
            timestamp: now,
            chain_id: 31337,
        };

        // setup: assets, deposits
        for a in &sc.assets {
            let owner = actors.addr(&a.owner).unwrap_or_default();
            let e = env(owner, now);
            let mr = a.mrenclave.as_bytes();
            let rc = core_side.b.create_asset(&e, a.kind, owner, &a.name, mr);
            let re = evm_side.b.create_asset(&e, a.kind, owner, &a.name, mr);
            if outcome(&rc) != outcome(&re) {
                rep.divergences.push(Divergence {
                    call: None,
                    label: format!("create {}", a.name),
                    field: "outcome".into(),
                    core: outcome(&rc),
                    evm: outcome(&re),
                });
            }
            if let Ok(x) = rc {
                core_side.assets.insert(a.name.clone(), x);
            }
            if let Ok(x) = re {
                evm_side.assets.insert(a.name.clone(), x);
            }
        }
        for dep in &sc.deposits {
            let who = actors.addr(&dep.actor).unwrap_or_default();
            let v = dep.amount.value();
            let e = env(who, now);
            let rc = Backend::mint(&mut core_side.b, who, v)
                .and_then(|_| Backend::deposit(&mut core_side.b, &e, v));
            let re = Backend::mint(&mut evm_side.b, who, v)
                .and_then(|_| Backend::deposit(&mut evm_side.b, &e, v));
            if !equivalent(&outcome(&rc), &outcome(&re)) {
                rep.divergences.push(Divergence {
                    call: None,
                    label: format!("deposit {}", dep.actor),
                    field: "outcome".into(),
                    core: outcome(&rc),
                    evm: outcome(&re),
                });
            }
        }

        // words used for canonical hashes
        let mut words: BTreeSet<String> = BTreeSet::new();
        for c in &sc.calls {
            match &c.op {
                Op::Contribute { result, .. } | Op::Reveal { result, .. } => {
                    words.insert(result.clone());
                }
                Op::ContributeAndFinalize {
                    result,
                    results,
                    callback_data,
                    ..
                } => {
                    words.insert(result.clone());
                    words.insert(results.clone());
                    words.insert(callback_data.clone());
                }
                Op::Finalize {
                    results,
                    callback_data,
                    ..
                }
                | Op::PushResultBoost {
                    results,
                    callback_data,
                    ..
                } => {
                    words.insert(results.clone());
                    words.insert(callback_data.clone());
                }
                _ => {}
            }
        }
        let mut tasks: BTreeSet<(String, u64)> = BTreeSet::new();
        let mut boost_deals: BTreeSet<String> = BTreeSet::new();

        let ctx = Ctx {
            sc,
            actors: &actors,
            words: &words,
        };
        if self.check_every_call || sc.calls.is_empty() {
            let _ = self.compare(
                &ctx,
                &mut core_side,
                &mut evm_side,
                &tasks,
                &boost_deals,
                None,
                "setup",
                &mut rep,
            );
        }

        for (i, call) in sc.calls.iter().enumerate() {
            now += call.dt;
            if let Some(at) = call.at {
                now = at.max(now - call.dt);
            }
            match &call.op {
                Op::Initialize { deal, idx }
                | Op::Contribute { deal, idx, .. }
                | Op::Reveal { deal, idx, .. }
                | Op::Reopen { deal, idx }
                | Op::Finalize { deal, idx, .. }
                | Op::ContributeAndFinalize { deal, idx, .. }
                | Op::Claim { deal, idx }
                | Op::PushResultBoost { deal, idx, .. }
                | Op::ClaimBoost { deal, idx } => {
                    tasks.insert((deal.clone(), *idx));
                }
                Op::MatchBoost { deal, .. } => {
                    boost_deals.insert(deal.clone());
                }
                Op::Batch { tasks: ts, .. } => {
                    for t in ts {
                        let (d, i) = split_task(t);
                        tasks.insert((d.to_string(), i));
                    }
                }
                _ => {}
            }
            let (op_name, rc, gas_c) = play(&ctx, call, now, &mut core_side);
            let (_, re, gas) = play(&ctx, call, now, &mut evm_side);
            debug_assert!(gas_c.is_none());
            let (oc, oe) = (outcome(&rc), outcome(&re));
            let label = call.op.label();
            if !equivalent(&oc, &oe) {
                rep.divergences.push(Divergence {
                    call: Some(i),
                    label: label.clone(),
                    field: "outcome".into(),
                    core: oc.clone(),
                    evm: oe.clone(),
                });
            }
            if let Some(exp) = &call.expect {
                for (side, o) in [("core", &oc), ("evm", &oe)] {
                    if exp != o {
                        rep.expectation_failures.push(format!(
                            "call #{i} {label}: expected {exp}, {side} gave {o}"
                        ));
                    }
                }
            }
            rep.calls.push(CallRecord {
                label: label.clone(),
                op: op_name,
                core: oc,
                evm: oe,
                gas,
            });
            if self.check_every_call || i + 1 == sc.calls.len() || !call.check.is_empty() {
                let (a, b) = self.compare(
                    &ctx,
                    &mut core_side,
                    &mut evm_side,
                    &tasks,
                    &boost_deals,
                    Some(i),
                    &label,
                    &mut rep,
                );
                for (field, want) in &call.check {
                    for (side, m) in [("core", &a), ("evm", &b)] {
                        let got = m.get(field).map(String::as_str).unwrap_or("<absent>");
                        if got != want {
                            rep.expectation_failures.push(format!(
                                "call #{i} {label}: {field}: expected {want}, {side} has {got}"
                            ));
                        }
                    }
                }
            }
        }
        rep
    }

    #[allow(clippy::too_many_arguments)]
    fn compare(
        &self,
        ctx: &Ctx,
        c: &mut Side<Poco>,
        e: &mut Side<EvmPoco>,
        tasks: &BTreeSet<(String, u64)>,
        boost: &BTreeSet<String>,
        call: Option<usize>,
        label: &str,
        rep: &mut Report,
    ) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let sc = ctx.sc;
        let a = observe(ctx, c, tasks, boost);
        let b = observe(ctx, e, tasks, boost);
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        let none = String::from("<absent>");
        for k in keys {
            let (x, y) = (a.get(k).unwrap_or(&none), b.get(k).unwrap_or(&none));
            if x != y {
                rep.divergences.push(Divergence {
                    call,
                    label: label.to_string(),
                    field: k.clone(),
                    core: x.clone(),
                    evm: y.clone(),
                });
            }
        }
        let _ = sc;
        (a, b)
    }
}

/// Play `sc` on one backend only, without any comparison (benchmarks, profiling): returns
/// the backend and the outcome of every call (`ok` or the error class).
pub fn play_only<B: Backend>(sc: &Scenario, backend: B) -> (B, Vec<String>) {
    let actors = ActorSet::new(sc.workers);
    let mut s = Side {
        b: backend,
        assets: BTreeMap::new(),
        deals: BTreeMap::new(),
        ds: B256::ZERO,
    };
    s.ds = s.b.domain_separator();
    let now = sc.start;
    for a in &sc.assets {
        let owner = actors.addr(&a.owner).unwrap_or_default();
        let e = Env {
            sender: owner,
            timestamp: now,
            chain_id: 31337,
        };
        if let Ok(x) =
            s.b.create_asset(&e, a.kind, owner, &a.name, a.mrenclave.as_bytes())
        {
            s.assets.insert(a.name.clone(), x);
        }
    }
    for dep in &sc.deposits {
        let who = actors.addr(&dep.actor).unwrap_or_default();
        let e = Env {
            sender: who,
            timestamp: now,
            chain_id: 31337,
        };
        let _ =
            s.b.mint(who, dep.amount.value())
                .and_then(|_| s.b.deposit(&e, dep.amount.value()));
    }
    let words = BTreeSet::new();
    let ctx = Ctx {
        sc,
        actors: &actors,
        words: &words,
    };
    let mut now = sc.start;
    let mut out = Vec::with_capacity(sc.calls.len());
    for call in &sc.calls {
        now += call.dt;
        if let Some(at) = call.at {
            now = at.max(now - call.dt);
        }
        let (_, r, _) = play(&ctx, call, now, &mut s);
        out.push(outcome(&r));
    }
    (s.b, out)
}

/// A core configured like the deployment (owner, proxy, chain 31337, signatures verified).
pub fn core_for(d: &Deployment) -> Poco {
    Poco::new(Config {
        owner: d.addrs.admin,
        proxy: d.addrs.proxy,
        ..Config::default()
    })
}

struct Ctx<'a> {
    sc: &'a Scenario,
    actors: &'a ActorSet,
    words: &'a BTreeSet<String>,
}

fn canon<B: Backend>(ctx: &Ctx, s: &Side<B>, tasks: &BTreeSet<(String, u64)>) -> Canon {
    let mut addrs = BTreeMap::new();
    for (n, w) in &ctx.actors.wallets {
        addrs.insert(w.address(), n.clone());
    }
    for (n, a) in &s.assets {
        addrs.insert(*a, format!("asset:{n}"));
    }
    addrs.insert(KITTY_ADDRESS, "kitty".into());
    addrs.insert(Address::ZERO, "0".into());
    let mut hashes = BTreeMap::new();
    hashes.insert(B256::ZERO, "0".into());
    for (n, d) in &s.deals {
        if !d.is_zero() {
            hashes.insert(*d, format!("deal:{n}"));
        }
    }
    for w in ctx.words {
        hashes.insert(keccak256(w.as_bytes()), format!("digest({w})"));
    }
    for (dn, idx) in tasks {
        let tid = task_id(s.deal(dn), U256::from(*idx));
        hashes.insert(tid, format!("task:{dn}#{idx}"));
        for w in ctx.words {
            let dg = keccak256(w.as_bytes());
            hashes.insert(result_hash(tid, dg), format!("rh({w})"));
            for (wn, wal) in &ctx.actors.wallets {
                hashes.insert(
                    result_seal(wal.address(), tid, dg),
                    format!("seal({wn},{w})"),
                );
            }
        }
    }
    Canon { addrs, hashes }
}

fn observe<B: Backend>(
    ctx: &Ctx,
    s: &mut Side<B>,
    tasks: &BTreeSet<(String, u64)>,
    boost: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let cn = canon(ctx, s, tasks);
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    for (n, w) in &ctx.actors.wallets {
        let acc = s.b.account(w.address());
        put(format!("account.{n}.balance"), acc.balance.to_string());
        put(format!("account.{n}.frozen"), acc.frozen.to_string());
        if n != "admin" {
            put(format!("rlc.{n}"), s.b.rlc(w.address()).to_string());
        }
        if n.starts_with("worker") {
            put(format!("score.{n}"), s.b.score(w.address()).to_string());
        }
    }
    for c in &ctx.sc.calls {
        let (owner, spender) = match (&c.op, &c.sender) {
            (Op::Approve { spender, .. }, snd) => (
                snd.clone().unwrap_or_else(|| "requester".into()),
                spender.clone(),
            ),
            (Op::TransferFrom { from, .. }, snd) => (
                from.clone(),
                snd.clone().unwrap_or_else(|| "requester".into()),
            ),
            _ => continue,
        };
        let (o, sp) = (
            s.resolve(ctx.actors, &owner),
            s.resolve(ctx.actors, &spender),
        );
        put(
            format!("allowance.{owner}.{spender}"),
            s.b.allowance(o, sp).to_string(),
        );
    }
    let k = s.b.account(KITTY_ADDRESS);
    put("account.kitty.balance".into(), k.balance.to_string());
    put("account.kitty.frozen".into(), k.frozen.to_string());
    put("totalSupply".into(), s.b.total_supply().to_string());
    for spec in &ctx.sc.orders {
        let o = build_orders(ctx.sc, spec, ctx.actors, s);
        let ds = s.ds;
        let hs = [
            ("app", o.app.hash(ds)),
            ("dataset", o.dataset.hash(ds)),
            ("workerpool", o.workerpool.hash(ds)),
            ("request", o.request.hash(ds)),
        ];
        for (w, h) in hs {
            if w == "dataset" && spec.dataset.is_empty() {
                continue;
            }
            put(
                format!("consumed.{}.{w}", spec.name),
                s.b.consumed(h).to_string(),
            );
            put(
                format!("presigned.{}.{w}", spec.name),
                cn.a(s.b.presigned(h)),
            );
        }
    }
    let deals: Vec<(String, B256)> = s.deals.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (n, id) in deals {
        if boost.contains(&n) {
            let d = s.b.deal_boost(id);
            let p = format!("dealBoost.{n}");
            put(format!("{p}.appOwner"), cn.a(d.app_owner));
            put(format!("{p}.appPrice"), d.app_price.to_string());
            put(format!("{p}.datasetOwner"), cn.a(d.dataset_owner));
            put(format!("{p}.datasetPrice"), d.dataset_price.to_string());
            put(format!("{p}.workerpoolOwner"), cn.a(d.workerpool_owner));
            put(
                format!("{p}.workerpoolPrice"),
                d.workerpool_price.to_string(),
            );
            put(format!("{p}.requester"), cn.a(d.requester));
            put(format!("{p}.workerReward"), d.worker_reward.to_string());
            put(format!("{p}.callback"), cn.a(d.callback));
            put(format!("{p}.deadline"), d.deadline.to_string());
            put(format!("{p}.botFirst"), d.bot_first.to_string());
            put(format!("{p}.botSize"), d.bot_size.to_string());
            put(
                format!("{p}.shortTag"),
                alloy_primitives::hex::encode(d.short_tag),
            );
            put(format!("{p}.sponsor"), cn.a(d.sponsor));
        } else {
            let d = s.b.deal(id);
            let p = format!("deal.{n}");
            for (r, res) in [
                ("app", &d.app),
                ("dataset", &d.dataset),
                ("workerpool", &d.workerpool),
            ] {
                put(format!("{p}.{r}.pointer"), cn.a(res.pointer));
                put(format!("{p}.{r}.owner"), cn.a(res.owner));
                put(format!("{p}.{r}.price"), res.price.to_string());
            }
            put(format!("{p}.trust"), d.trust.to_string());
            put(format!("{p}.category"), d.category.to_string());
            put(format!("{p}.tag"), format!("{}", d.tag));
            put(format!("{p}.requester"), cn.a(d.requester));
            put(format!("{p}.beneficiary"), cn.a(d.beneficiary));
            put(format!("{p}.callback"), cn.a(d.callback));
            put(format!("{p}.params"), d.params.clone());
            put(format!("{p}.startTime"), d.start_time.to_string());
            put(format!("{p}.botFirst"), d.bot_first.to_string());
            put(format!("{p}.botSize"), d.bot_size.to_string());
            put(format!("{p}.workerStake"), d.worker_stake.to_string());
            put(
                format!("{p}.schedulerRewardRatio"),
                d.scheduler_reward_ratio.to_string(),
            );
            put(format!("{p}.sponsor"), cn.a(d.sponsor));
        }
    }
    let workers: Vec<(String, Address)> = ctx
        .actors
        .workers()
        .into_iter()
        .map(|n| (n.clone(), ctx.actors.addr(&n).unwrap_or_default()))
        .collect();
    for (dn, idx) in tasks {
        let tid = task_id(s.deal(dn), U256::from(*idx));
        let t = s.b.task(tid);
        let p = format!("task.{dn}#{idx}");
        put(format!("{p}.status"), format!("{:?}", t.status));
        put(format!("{p}.dealid"), cn.h(t.dealid));
        put(format!("{p}.idx"), t.idx.to_string());
        put(format!("{p}.timeref"), t.timeref.to_string());
        put(
            format!("{p}.contributionDeadline"),
            t.contribution_deadline.to_string(),
        );
        put(format!("{p}.revealDeadline"), t.reveal_deadline.to_string());
        put(format!("{p}.finalDeadline"), t.final_deadline.to_string());
        put(format!("{p}.consensusValue"), cn.h(t.consensus_value));
        put(format!("{p}.revealCounter"), t.reveal_counter.to_string());
        put(format!("{p}.winnerCounter"), t.winner_counter.to_string());
        put(
            format!("{p}.contributors"),
            t.contributors
                .iter()
                .map(|a| cn.a(*a))
                .collect::<Vec<_>>()
                .join(","),
        );
        put(format!("{p}.resultDigest"), cn.h(t.result_digest));
        put(
            format!("{p}.results"),
            alloy_primitives::hex::encode(&t.results),
        );
        put(
            format!("{p}.resultsTimestamp"),
            t.results_timestamp.to_string(),
        );
        put(
            format!("{p}.resultsCallback"),
            alloy_primitives::hex::encode(&t.results_callback),
        );
        for (wn, w) in &workers {
            let c = s.b.contribution(tid, *w);
            let q = format!("contribution.{dn}#{idx}.{wn}");
            put(format!("{q}.status"), format!("{:?}", c.status));
            put(format!("{q}.resultHash"), cn.h(c.result_hash));
            put(format!("{q}.resultSeal"), cn.h(c.result_seal));
            put(format!("{q}.enclaveChallenge"), cn.a(c.enclave_challenge));
            put(format!("{q}.weight"), c.weight.to_string());
        }
    }
    m
}

/// `"d1#3"` → `("d1", 3)`.
fn split_task(t: &str) -> (&str, u64) {
    match t.rsplit_once('#') {
        Some((d, i)) => (d, i.parse().unwrap_or(0)),
        None => (t, 0),
    }
}

fn default_sender(op: &Op) -> &'static str {
    match op {
        Op::Deposit { .. }
        | Op::Withdraw { .. }
        | Op::DepositFor { .. }
        | Op::WithdrawTo { .. }
        | Op::Transfer { .. }
        | Op::Approve { .. }
        | Op::TransferFrom { .. } => "requester",
        Op::Match {
            sponsored: true, ..
        }
        | Op::MatchBoost {
            sponsored: true, ..
        } => "sponsor",
        Op::Finalize { .. } | Op::Reopen { .. } | Op::ChangePolicy { .. } => "scheduler",
        Op::SetTeeBroker { .. } => "admin",
        Op::Contribute { .. }
        | Op::Reveal { .. }
        | Op::ContributeAndFinalize { .. }
        | Op::PushResultBoost { .. } => "worker1",
        _ => "anyone",
    }
}

/// Play one call on one side: (EVM op name, outcome, gas).
fn play<B: Backend>(
    ctx: &Ctx,
    call: &Call,
    now: u64,
    s: &mut Side<B>,
) -> (&'static str, Res<()>, Option<u64>) {
    let actors = ctx.actors;
    let sender_name = call
        .sender
        .clone()
        .unwrap_or_else(|| default_sender(&call.op).to_string());
    let sender = s.resolve(actors, &sender_name);
    let env = Env {
        sender,
        timestamp: now,
        chain_id: 31337,
    };
    let wallet = |n: &str| actors.wallets.get(n);
    let find_orders = |n: &str| ctx.sc.orders.iter().find(|o| o.name == n);
    // the scheduler of a deal: the owner actor of its workerpool asset (authorization signer)
    let scheduler_of = |deal: &str| -> String {
        for c in &ctx.sc.calls {
            if let Op::Match {
                orders, deal: d, ..
            }
            | Op::MatchBoost {
                orders, deal: d, ..
            } = &c.op
                && d == deal
                && let Some(spec) = find_orders(orders)
            {
                return owner_of(ctx.sc, &spec.workerpool);
            }
        }
        "scheduler".into()
    };
    let auth = |deal: &str,
                authorizer: &Option<String>,
                worker: Address,
                tid: B256,
                enclave: Address|
     -> Bytes {
        let who = authorizer.clone().unwrap_or_else(|| scheduler_of(deal));
        wallet(&who)
            .map(|w| w.sign_eth_message(authorization_hash(worker, tid, enclave)))
            .unwrap_or_default()
    };
    let tid_of = |s: &Side<B>, deal: &str, idx: u64| task_id(s.deal(deal), U256::from(idx));
    let enclave_of = |e: &Option<String>| {
        e.as_deref()
            .map(|n| s.resolve(actors, n))
            .unwrap_or(Address::ZERO)
    };

    let (name, r): (&'static str, Res<()>) = match &call.op {
        Op::Mint { actor, amount } => {
            let a = s.resolve(actors, actor);
            ("mint", s.b.mint(a, amount.value()))
        }
        Op::Deposit { amount } => ("deposit", s.b.deposit(&env, amount.value())),
        Op::Withdraw { amount } => ("withdraw", s.b.withdraw(&env, amount.value())),
        Op::Match {
            orders,
            deal,
            sponsored,
        }
        | Op::MatchBoost {
            orders,
            deal,
            sponsored,
        } => {
            let boost = matches!(call.op, Op::MatchBoost { .. });
            let name = match (boost, sponsored) {
                (false, false) => "matchOrders",
                (false, true) => "sponsorMatchOrders",
                (true, false) => "matchOrdersBoost",
                (true, true) => "sponsorMatchOrdersBoost",
            };
            match find_orders(orders) {
                None => (name, Err(format!("unknown order set {orders}"))),
                Some(spec) => {
                    let o = build_orders(ctx.sc, spec, actors, s);
                    let r = s.b.match_orders(&env, boost, *sponsored, &o);
                    if let Ok(id) = &r {
                        s.deals.insert(deal.clone(), *id);
                    }
                    (name, r.map(|_| ()))
                }
            }
        }
        Op::Manage { orders, which, op } => {
            let name = match which {
                Which::App => "manageAppOrder",
                Which::Dataset => "manageDatasetOrder",
                Which::Workerpool => "manageWorkerpoolOrder",
                Which::Request => "manageRequestOrder",
            };
            match find_orders(orders) {
                None => (name, Err(format!("unknown order set {orders}"))),
                Some(spec) => {
                    let o = build_orders(ctx.sc, spec, actors, s);
                    let operation = match op {
                        OpKind::Sign => Operation::Sign,
                        OpKind::Close => Operation::Close,
                    };
                    let ds = s.ds;
                    let (owner, h) = match which {
                        Which::App => (
                            owner_of(ctx.sc, &spec.app),
                            o.app.operation_hash(operation, ds),
                        ),
                        Which::Dataset => (
                            owner_of(ctx.sc, &spec.dataset),
                            o.dataset.operation_hash(operation, ds),
                        ),
                        Which::Workerpool => (
                            owner_of(ctx.sc, &spec.workerpool),
                            o.workerpool.operation_hash(operation, ds),
                        ),
                        Which::Request => (
                            spec.requester.clone().unwrap_or_else(|| "requester".into()),
                            o.request.operation_hash(operation, ds),
                        ),
                    };
                    let sign = wallet(&owner).map(|w| w.sign_hash(h)).unwrap_or_default();
                    (name, s.b.manage(&env, *which, operation, &o, &sign))
                }
            }
        }
        Op::Initialize { deal, idx } => (
            "initialize",
            s.b.initialize(&env, s.deal(deal), U256::from(*idx))
                .map(|_| ()),
        ),
        Op::Contribute {
            deal,
            idx,
            result,
            authorizer,
            enclave,
        } => {
            let tid = tid_of(s, deal, *idx);
            let dg = keccak256(result.as_bytes());
            let (rh, seal) = (result_hash(tid, dg), result_seal(sender, tid, dg));
            let enc = enclave_of(enclave);
            let esign = match enclave.as_deref().and_then(wallet) {
                Some(w) => w.sign_eth_message(enclave_hash(rh, seal)),
                None => Bytes::new(),
            };
            let a = auth(deal, authorizer, sender, tid, enc);
            (
                "contribute",
                s.b.contribute(&env, tid, rh, seal, enc, &esign, &a),
            )
        }
        Op::Reveal { deal, idx, result } => (
            "reveal",
            s.b.reveal(&env, tid_of(s, deal, *idx), keccak256(result.as_bytes())),
        ),
        Op::Reopen { deal, idx } => ("reopen", s.b.reopen(&env, tid_of(s, deal, *idx))),
        Op::Finalize {
            deal,
            idx,
            results,
            callback_data,
        } => (
            "finalize",
            s.b.finalize(
                &env,
                tid_of(s, deal, *idx),
                results.as_bytes(),
                callback_data.as_bytes(),
            ),
        ),
        Op::ContributeAndFinalize {
            deal,
            idx,
            result,
            results,
            callback_data,
            authorizer,
            enclave,
        } => {
            let tid = tid_of(s, deal, *idx);
            let dg = keccak256(result.as_bytes());
            let (rh, seal) = (result_hash(tid, dg), result_seal(sender, tid, dg));
            let enc = enclave_of(enclave);
            let esign = match enclave.as_deref().and_then(wallet) {
                Some(w) => w.sign_eth_message(enclave_hash(rh, seal)),
                None => Bytes::new(),
            };
            let a = auth(deal, authorizer, sender, tid, enc);
            (
                "contributeAndFinalize",
                s.b.contribute_and_finalize(
                    &env,
                    tid,
                    dg,
                    results.as_bytes(),
                    callback_data.as_bytes(),
                    enc,
                    &esign,
                    &a,
                ),
            )
        }
        Op::Claim { deal, idx } => ("claim", s.b.claim(&env, tid_of(s, deal, *idx))),
        Op::PushResultBoost {
            deal,
            idx,
            results,
            callback_data,
            authorizer,
            enclave,
        } => {
            let tid = tid_of(s, deal, *idx);
            let enc = enclave_of(enclave);
            let a = auth(deal, authorizer, sender, tid, enc);
            let esign = match enclave.as_deref().and_then(wallet) {
                Some(w) => {
                    let data = if callback_data.is_empty() {
                        results
                    } else {
                        callback_data
                    };
                    let mut buf = Vec::with_capacity(84);
                    buf.extend_from_slice(sender.as_slice());
                    buf.extend_from_slice(tid.as_slice());
                    buf.extend_from_slice(keccak256(data.as_bytes()).as_slice());
                    w.sign_eth_message(keccak256(&buf))
                }
                None => Bytes::new(),
            };
            (
                "pushResultBoost",
                s.b.push_result_boost(
                    &env,
                    s.deal(deal),
                    U256::from(*idx),
                    results.as_bytes(),
                    callback_data.as_bytes(),
                    &a,
                    enc,
                    &esign,
                ),
            )
        }
        Op::ClaimBoost { deal, idx } => (
            "claimBoost",
            s.b.claim_boost(&env, s.deal(deal), U256::from(*idx)),
        ),
        Op::SetScore { worker, score } => {
            let w = s.resolve(actors, worker);
            s.b.set_score(w, U256::from(*score));
            ("setScore", Ok(()))
        }
        Op::DepositFor { amount, target } => {
            let t = s.resolve(actors, target);
            ("depositFor", s.b.deposit_for(&env, amount.value(), t))
        }
        Op::WithdrawTo { amount, target } => {
            let t = s.resolve(actors, target);
            ("withdrawTo", s.b.withdraw_to(&env, amount.value(), t))
        }
        Op::Transfer { to, amount } => {
            let t = s.resolve(actors, to);
            ("transfer", s.b.transfer(&env, t, amount.value()))
        }
        Op::Approve { spender, amount } => {
            let t = s.resolve(actors, spender);
            ("approve", s.b.approve(&env, t, amount.value()))
        }
        Op::TransferFrom { from, to, amount } => {
            let (f, t) = (s.resolve(actors, from), s.resolve(actors, to));
            (
                "transferFrom",
                s.b.transfer_from(&env, f, t, amount.value()),
            )
        }
        Op::Batch { kind, tasks } => {
            let (deals, idxs): (Vec<B256>, Vec<U256>) = tasks
                .iter()
                .map(|t| {
                    let (d, i) = split_task(t);
                    (s.deal(d), U256::from(i))
                })
                .unzip();
            let name = match kind {
                BatchKind::Initialize => "initializeArray",
                BatchKind::Claim => "claimArray",
                BatchKind::InitializeAndClaim => "initializeAndClaimArray",
            };
            (name, s.b.batch(&env, *kind, &deals, &idxs))
        }
        Op::CreateAsset { kind, name, owner } => {
            let o = s.resolve(actors, owner);
            let op = match kind {
                AssetKindSpec::App => "createApp",
                AssetKindSpec::Dataset => "createDataset",
                AssetKindSpec::Workerpool => "createWorkerpool",
            };
            let r = s.b.create_asset(&env, *kind, o, name, b"");
            if let Ok(a) = &r {
                // a name already bound keeps its asset; the new one is `name~2`, `name~3`, …
                let mut key = name.clone();
                let mut n = 1;
                while s.assets.contains_key(&key) {
                    n += 1;
                    key = format!("{name}~{n}");
                }
                s.assets.insert(key, *a);
            }
            (op, r.map(|_| ()))
        }
        Op::SetTeeBroker { broker } => {
            let b = s.resolve(actors, broker);
            ("setTeeBroker", s.b.set_tee_broker(&env, b))
        }
        Op::ChangePolicy {
            pool,
            worker_stake_ratio,
            scheduler_reward_ratio,
        } => {
            let p = s.resolve(actors, pool);
            (
                "changePolicy",
                s.b.change_policy(
                    &env,
                    p,
                    worker_stake_ratio.value(),
                    scheduler_reward_ratio.value(),
                ),
            )
        }
    };
    let gas = match &call.op {
        Op::SetScore { .. } | Op::Mint { .. } => None,
        _ => s.b.last_gas(),
    };
    (name, r, gas)
}
