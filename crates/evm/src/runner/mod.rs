//! The differential runner: plays a [`Scenario`] on the core (signatures verified) and on the
//! real bytecode, and compares outcomes and state after every call.
//!
//! Asset addresses differ between the backends (the core's registries use synthetic
//! addresses, the EVM's use CREATE2), so order hashes, deal ids and task ids differ too. The
//! runner keeps, per backend, the map from scenario names to addresses and ids, and compares
//! *canonical* values: every address or hash that names a scenario object is printed as that
//! name (`asset:app`, `deal:d1`, `task:d1#0`, `rh(good)`, `seal(worker1,good)`, …).
//!
//! The parts: [`Backend`] and its two implementations (`backends`), the actors (`actors`), one
//! backend's names → addresses and ids (`side`), the orders of an order set (`orders`), one call
//! played on one side (`play`), the canonical observable state (`observe`) and the [`Report`]
//! (`report`).

mod actors;
mod backends;
mod observe;
mod orders;
mod play;
mod report;
mod side;

use std::collections::{BTreeMap, BTreeSet};

use pocolab_core::{Config, Poco};

use crate::backend::EvmPoco;
use crate::deploy::Deployment;
use crate::scenario::{Call, Op, Scenario};

pub use actors::{ActorSet, ROLES};
pub use backends::{Backend, asset_checksum, asset_multiaddr};
pub use orders::Orders;
pub use report::{CallRecord, Divergence, Report};

use observe::{canonical_words, observe};
use play::{play, split_task};
use side::Side;

/// A backend call's result, its error as the comparable class.
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

/// `ok` or the error class.
fn outcome<T>(r: &Res<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.clone(),
    }
}

/// The same outcome, or a pair of [`KNOWN_EQUIVALENT`] classes.
fn equivalent(core: &str, evm: &str) -> bool {
    core == evm
        || KNOWN_EQUIVALENT
            .iter()
            .any(|(c, e)| *c == core && *e == evm)
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
        let mut core_side = Side::new(core_for(d));
        let mut evm_side = Side::new(EvmPoco::new(d));
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

        // setup: assets, deposits
        for a in &sc.assets {
            let rc = core_side.setup_asset(&actors, a, sc.start);
            let re = evm_side.setup_asset(&actors, a, sc.start);
            if outcome(&rc) != outcome(&re) {
                rep.divergences.push(Divergence {
                    call: None,
                    label: format!("create {}", a.name),
                    field: "outcome".into(),
                    core: outcome(&rc),
                    evm: outcome(&re),
                });
            }
        }
        for dep in &sc.deposits {
            let rc = core_side.setup_deposit(&actors, dep, sc.start);
            let re = evm_side.setup_deposit(&actors, dep, sc.start);
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

        let words = canonical_words(sc);
        let mut tasks: BTreeSet<(String, u64)> = BTreeSet::new();
        let mut boost_deals: BTreeSet<String> = BTreeSet::new();

        let ctx = Ctx {
            sc,
            actors: &actors,
            words: &words,
        };
        if self.check_every_call || sc.calls.is_empty() {
            compare(
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

        let mut now = sc.start;
        for (i, call) in sc.calls.iter().enumerate() {
            now = advance(now, call);
            note_observed(call, &mut tasks, &mut boost_deals);
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
                let (a, b) = compare(
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
}

/// Observe both sides, record every field that differs in `rep`, and return both
/// observations (for the call's `check`s).
fn compare(
    ctx: &Ctx,
    c: &mut Side<Poco>,
    e: &mut Side<EvmPoco>,
    tasks: &BTreeSet<(String, u64)>,
    boost: &BTreeSet<String>,
    call: Option<usize>,
    label: &str,
    rep: &mut Report,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
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
    (a, b)
}

/// The time of `call`: `dt` after `now`, or its absolute `at` when that is later than `now`.
fn advance(now: u64, call: &Call) -> u64 {
    match call.at {
        Some(at) => at.max(now),
        None => now.saturating_add(call.dt),
    }
}

/// Add the tasks and Boost deals that `call` names to those the comparison observes.
fn note_observed(
    call: &Call,
    tasks: &mut BTreeSet<(String, u64)>,
    boost_deals: &mut BTreeSet<String>,
) {
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
}

/// Play `sc` on one backend only, without any comparison (benchmarks, profiling): returns
/// the backend and the outcome of every call (`ok` or the error class).
pub fn play_only<B: Backend>(sc: &Scenario, backend: B) -> (B, Vec<String>) {
    let actors = ActorSet::new(sc.workers);
    let mut s = Side::new(backend);
    for a in &sc.assets {
        let _ = s.setup_asset(&actors, a, sc.start);
    }
    for dep in &sc.deposits {
        let _ = s.setup_deposit(&actors, dep, sc.start);
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
        now = advance(now, call);
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

/// What every call of a scenario reads: the scenario, its actors and the words whose digests
/// are named canonically.
struct Ctx<'a> {
    sc: &'a Scenario,
    actors: &'a ActorSet,
    words: &'a BTreeSet<String>,
}
