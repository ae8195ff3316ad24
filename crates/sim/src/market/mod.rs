//! The PoCo-exact marketplace: a discrete-event run that drives the real protocol core
//! (`pocolab-core`, signatures off) with requester, scheduler and worker agents. Off-chain
//! facts the chain cannot see are explicit here: the correct result of each task
//! (`truth`), what each replica computes, whether inputs are stable and the app deterministic.
//!
//! The market plays the honest flow, one module per phase: `setup` (deployment, funding,
//! the mechanisms' set-up), `deal` (demand and matching), `task` (assignment, contribution,
//! reveal, finalization, claim), `watchers` (the mechanisms' agents) and `settle` (balances
//! and the attacker's profit). Wherever an attack deviates it asks its adversary
//! (`crate::attacks`).

use std::rc::Rc;

use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::{Address, B256, Bytes, Env, Poco, U256, keccak256};
use pocolab_mechanisms::Mechanisms;
use rustc_hash::FxHashMap;

use crate::attacks::{Adversary, Prices, Ring};
use crate::config::{MarketConfig, Provider};
use crate::engine::Queue;
use crate::invariants::{InvariantViolation, StateChecker};
use crate::metrics::RunMetrics;
use crate::rng::SimRng;

mod deal;
mod settle;
mod setup;
mod task;
mod watchers;

pub(crate) use crate::attacks::WorkerKind;
pub(crate) use deal::Orders;

/// Errors of a simulation run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The configuration cannot be simulated.
    #[error("invalid market configuration: {0}")]
    Config(String),
    /// A protocol call that the honest flow requires failed (a bug or an impossible setup).
    #[error("protocol call `{call}` failed unexpectedly: {err}")]
    Protocol {
        /// the call
        call: &'static str,
        /// the core's error
        err: pocolab_core::PocoError,
    },
    /// An invariant of the protocol state broke (a bug, never a property of the scenario).
    #[error(transparent)]
    Invariant(#[from] InvariantViolation),
}

#[derive(Debug)]
pub(crate) struct Worker {
    pub addr: Address,
    pub kind: WorkerKind,
    /// the worker's stream: compute times, its replicas' random outcomes
    pub rng: SimRng,
    /// replicas it computed
    pub replicas: u64,
}

#[derive(Debug)]
enum Ev {
    Deal(u64),
    Assign {
        t: u32,
        n: u64,
    },
    /// M3/M4: contributors report why no consensus formed, just before the contribution deadline
    ReportFault {
        t: u32,
    },
    /// M1/M6: watchers act on a finalised task (audit, challenge, dispute)
    Watch(Box<Watch>),
    /// M1: the escalation panel votes on task `.0` (honest digest `.1`)
    Panel(Box<(B256, B256)>),
    /// M1/M6: windows close, escrow and deposits are released (task id)
    Release(Box<B256>),
    Contribute {
        t: u32,
        w: u32,
    },
    Reveal {
        t: u32,
        w: u32,
    },
    RevealDeadline {
        t: u32,
        deadline: u64,
    },
    Finalize {
        t: u32,
    },
    Claim {
        t: u32,
    },
}

const _: () = assert!(std::mem::size_of::<Ev>() <= 16);

/// What watchers act on (boxed in [`Ev`]: the mechanisms' events are rare, and keeping the
/// common flow's events 16 bytes makes every push and pop of the queue cheaper).
#[derive(Debug)]
struct Watch {
    id: B256,
    accepted: B256,
    honest: B256,
    challengers: Vec<Address>,
}

#[derive(Debug)]
struct SimTask {
    id: B256,
    deal: B256,
    start: u64,
    contribution_deadline: u64,
    truth: B256,
    /// `resultHash(id, truth)` once a replica committed the true digest (its worker computed
    /// it then), read again by later such replicas and by the accounting at finalization
    truth_hash: Option<B256>,
    /// (worker, digest it contributed), in assignment order
    assigned: Vec<(u32, B256)>,
    outstanding: u32,
    honest_computed: u64,
    /// index of the deal (arrival order)
    deal_k: u64,
    /// the deal's requester
    requester: Address,
    /// the deal's trust
    trust: u64,
    /// W1': the result the first sharer computed
    shared: Option<B256>,
    /// M5: the SMS attested the consumption of the dataset/app keys
    attested: bool,
}

impl SimTask {
    /// What the adversary's hooks read of the task.
    fn facts(&self) -> crate::attacks::TaskFacts {
        crate::attacks::TaskFacts {
            id: self.id,
            truth: self.truth,
            deal_k: self.deal_k,
        }
    }
}

/// Which mechanisms are on (agents use their entry points only then).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct On {
    pub m1: bool,
    pub m2: bool,
    pub m3: bool,
    pub m4: bool,
    pub m5: bool,
    pub m6: bool,
    pub m7: bool,
    pub m8: bool,
}

/// The honest parties: requesters, the app and dataset owners and their assets, the pool's
/// scheduler and its pool.
pub(crate) struct Parties {
    /// every requester
    pub requesters: Vec<Address>,
    pub scheduler: Address,
    pub app_owner: Address,
    pub dataset_owner: Address,
    /// the app requesters use (a re-entering provider replaces it)
    pub app: Address,
    /// the dataset requesters use (a re-entering provider replaces it)
    pub dataset: Address,
    pub workerpool: Address,
}

/// The agents of the enabled mechanisms.
struct Agents {
    /// M1 verifier agents
    verifiers: Vec<Address>,
    /// M1/M6: finalised tasks under watch → (ground truth, price paid, requester)
    watched: FxHashMap<B256, (B256, u64, Address)>,
    /// M6 arbiter of tiers 1 (re-execution) and 3 (court)
    arbiter: Address,
    /// M2 spot-checker (the known-answer service)
    spotter: Address,
    /// M2: which committee seats get a known-answer task, and honest noise on them
    spot_rng: SimRng,
}

/// One PoCo-exact market run. The market plays the honest flow; its adversary (see
/// `crate::attacks`) deviates where its attack does.
pub(crate) struct Market {
    pub(crate) cfg: MarketConfig,
    /// the attack, phase by phase
    pub(crate) adv: Rc<dyn Adversary>,
    /// what providers and the pool ask, and what requesters accept to pay
    pub(crate) prices: Prices,
    pub(crate) parties: Parties,
    /// demand stream: arrivals, requester and trust choices
    demand_rng: SimRng,
    pub(crate) poco: Poco<Mechanisms>,
    q: Queue<Ev>,
    pub(crate) workers: Vec<Worker>,
    /// indices of workers the scheduler may select
    candidates: std::ops::Range<u32>,
    /// the scheduler's stream: worker selection (and its attacks' draws)
    pub(crate) sched_rng: SimRng,
    tasks: FxHashMap<u32, SimTask>,
    deal_open: FxHashMap<B256, u64>,
    next_task: u32,
    pub(crate) m: RunMetrics,
    last_time: u64,
    /// checks the protocol state after every event (debug and test builds) and at the end
    checker: StateChecker,
    initial: FxHashMap<Address, i128>,
    pub(crate) on: On,
    /// the mechanisms' agents
    agents: Agents,
    /// the adversary's self-dealing ring, if it has one
    pub(crate) ring: Option<Ring>,
    worker_stake: u64,
    r: u64,
}

pub(crate) const T0: u64 = 1_700_000_000;
pub(crate) const RLC: u128 = pocolab_core::constants::RLC as u128;

pub(crate) fn synthetic(kind: &str, i: u64) -> Address {
    Address::from_slice(&keccak256(format!("pocolab-sim:{kind}:{i}"))[12..])
}

fn holdings(p: &Poco<Mechanisms>, a: Address) -> i128 {
    let acc = p.view_account(a);
    (acc.balance + acc.frozen).to::<u128>() as i128
}

impl Market {
    /// Play every event, then settle the metrics.
    pub(crate) fn run(mut self) -> Result<RunMetrics, SimError> {
        while let Some((now, ev)) = self.q.pop() {
            if now != self.last_time {
                // capital locked since the previous event (nothing accrues between events
                // at the same time, most of them)
                let locked = self
                    .poco
                    .state
                    .ledger
                    .balance_of(self.poco.state.ledger.proxy())
                    - self.poco.state.ledger.frozen_of(KITTY_ADDRESS);
                self.m.capital_time += locked.to::<u128>() * (now - self.last_time) as u128;
                self.last_time = now;
            }
            #[cfg(debug_assertions)]
            let touched = self.touched_task(&ev);
            match ev {
                Ev::Deal(k) => self.on_deal(k)?,
                Ev::ReportFault { t } => self.on_report_fault(t),
                Ev::Watch(w) => self.on_watch(w.id, w.accepted, w.honest, &w.challengers),
                Ev::Panel(p) => self.on_panel(p.0, p.1),
                Ev::Release(id) => self.on_release(*id),
                Ev::Assign { t, n } => {
                    if self.tasks.contains_key(&t) {
                        self.assign(t, n)
                    }
                }
                Ev::Contribute { t, w } => self.on_contribute(t, w)?,
                Ev::Reveal { t, w } => self.on_reveal(t, w),
                Ev::RevealDeadline { t, deadline } => self.on_reveal_deadline(t, deadline)?,
                Ev::Finalize { t } => self.on_finalize(t)?,
                Ev::Claim { t } => self.on_claim(t)?,
            }
            #[cfg(debug_assertions)]
            self.checker.check(&self.poco, touched)?;
        }
        Rc::clone(&self.adv).after_market(&mut self)?;
        self.checker.check_ledger(&self.poco)?;
        Ok(self.settle())
    }

    /// The protocol task an event acts on, if any (read before the event: a finished task may
    /// be pruned by it).
    #[cfg(debug_assertions)]
    fn touched_task(&self, ev: &Ev) -> Option<B256> {
        match ev {
            Ev::Watch(w) => Some(w.id),
            Ev::Panel(p) => Some(p.0),
            Ev::Release(id) => Some(**id),
            Ev::Assign { t, .. }
            | Ev::ReportFault { t }
            | Ev::Contribute { t, .. }
            | Ev::Reveal { t, .. }
            | Ev::RevealDeadline { t, .. }
            | Ev::Finalize { t }
            | Ev::Claim { t } => self.tasks.get(t).map(|task| task.id),
            Ev::Deal(_) => None,
        }
    }

    /// The current time.
    pub(crate) fn now(&self) -> u64 {
        self.q.now()
    }

    /// A call from `who`, now.
    pub(crate) fn env(&self, who: Address) -> Env {
        Env::at(who, self.q.now())
    }

    /// Count a protocol call an agent makes (reverted or not); its result, if it succeeded.
    pub(crate) fn call<R>(&mut self, r: pocolab_core::Result<R>) -> Option<R> {
        match r {
            Ok(v) => {
                self.m.calls += 1;
                Some(v)
            }
            Err(_) => {
                self.m.reverted_calls += 1;
                None
            }
        }
    }

    fn close(&mut self, deal: B256) {
        let left = self.deal_open.get_mut(&deal).expect("open deal");
        *left -= 1;
        if *left == 0 {
            self.deal_open.remove(&deal);
            if !(self.on.m1 || self.on.m6) {
                self.poco.prune_deal(deal);
            }
        }
    }

    /// Fund `who` with `amount` after the `initial` holdings were snapshotted: set-up funding
    /// for a bond, not income, so the snapshot moves with it.
    pub(crate) fn fund_after_snapshot(
        &mut self,
        who: Address,
        amount: u128,
    ) -> Result<(), SimError> {
        fund(&mut self.poco, who, amount)?;
        *self.initial.get_mut(&who).expect("actor snapshot") += amount as i128;
        Ok(())
    }
}

/// The app (`registry/app:1`) or dataset (`ipfs://data`) artefact of a run, registered to
/// `owner` under `name` (a fresh name gives a fresh address for the same artefact).
pub(crate) fn register_asset(
    poco: &mut Poco<Mechanisms>,
    kind: Provider,
    owner: Address,
    name: &str,
) -> Result<Address, SimError> {
    let perr = |call| move |err| SimError::Protocol { call, err };
    match kind {
        Provider::App => poco
            .create_app(
                owner,
                name,
                "DOCKER",
                Bytes::from_static(b"registry/app:1"),
                keccak256("app"),
                Bytes::new(),
            )
            .map_err(perr("createApp")),
        Provider::Dataset => poco
            .create_dataset(
                owner,
                name,
                Bytes::from_static(b"ipfs://data"),
                keccak256("data"),
            )
            .map_err(perr("createDataset")),
    }
}

/// M2: what each worker bonds with a pool, `max(S_min, 1 nRLC)`.
pub(crate) fn registration_bond(cfg: &MarketConfig) -> u64 {
    cfg.mechanisms
        .committees
        .as_ref()
        .map_or(0, |c| c.min_bond)
        .max(1)
}

/// M4: what a provider bonds for an asset priced `price` (nRLC) so that every reservation of
/// the run fits: `κ·price·tasks`, times `1 + κ_r` with M7 (a newcomer's reservations are
/// reputation-sized), at least 2 RLC.
pub(crate) fn provider_bond(cfg: &MarketConfig, price: u128, tasks: u64) -> u128 {
    let mc = &cfg.mechanisms;
    let kappa = mc.provider_bond.as_ref().map_or(100, |p| p.kappa_pct) as u128
        * (100 + mc.reputation.as_ref().map_or(0, |r| r.bond_kappa_pct) as u128)
        / 100;
    (price * kappa / 100 * tasks as u128).max(2 * RLC)
}

/// Mint `amount` RLC to `who` and deposit it into its PoCo account (setup).
pub(crate) fn fund(
    poco: &mut Poco<Mechanisms>,
    who: Address,
    amount: u128,
) -> Result<(), SimError> {
    let v = U256::from(amount);
    poco.mint_rlc(who, v)
        .map_err(|err| SimError::Protocol { call: "mint", err })?;
    poco.deposit(&Env::at(who, T0), v)
        .map_err(|err| SimError::Protocol {
            call: "deposit",
            err,
        })
}

fn paid_of(p: &Poco<Mechanisms>, deal: B256) -> u64 {
    p.state.deals.get(&deal).map_or(0, |d| {
        (d.app.price + d.dataset.price + d.workerpool.price).to::<u64>()
    })
}

/// Check that `c` can be simulated.
pub(crate) fn validate(c: &MarketConfig) -> Result<(), SimError> {
    validate_with(c, &*crate::attacks::of(&c.attack))
}

/// A coalition names at least two different attacks, none a coalition.
fn check_coalition(c: &MarketConfig) -> Result<(), SimError> {
    if let crate::config::Attack::Coalition { members } = &c.attack {
        let kinds: Vec<String> = members.iter().map(crate::threats::attack_kind).collect();
        if members.len() < 2 {
            return Err(SimError::Config(
                "a coalition needs at least two member attacks".into(),
            ));
        }
        if let Some(k) = kinds.iter().find(|k| *k == "coalition") {
            return Err(SimError::Config(format!(
                "a coalition's members are attacks, not a {k}: list them all in one coalition"
            )));
        }
        if let Some((i, k)) = kinds
            .iter()
            .enumerate()
            .find(|(i, k)| kinds[..*i].contains(k))
        {
            return Err(SimError::Config(format!(
                "coalition member {i} repeats the attack `{k}`: give it once, with its parameters"
            )));
        }
    }
    Ok(())
}

/// Check that `c` can be simulated with adversary `adv`.
fn validate_with(c: &MarketConfig, adv: &dyn Adversary) -> Result<(), SimError> {
    let bad = |m: &str| Err(SimError::Config(m.to_string()));
    check_coalition(c)?;
    if c.deals == 0 || c.volume == 0 {
        return bad("deals and volume must be ≥ 1");
    }
    if c.requesters == 0 {
        return bad("requesters must be ≥ 1");
    }
    if c.poisson_arrivals && c.deal_interval_s == 0 {
        return bad("poisson_arrivals needs deal_interval_s ≥ 1");
    }
    if c.category > 4 {
        return bad("category must be 0..=4 (XS..XL)");
    }
    if c.scheduler_reward_ratio > 100 {
        return bad("scheduler_reward_ratio must be ≤ 100");
    }
    if c.max_replicas == 0 {
        return bad("max_replicas must be ≥ 1");
    }
    let probs = adv.probabilities();
    for (name, p) in std::iter::once(("honest_error_rate", c.honest_error_rate)).chain(probs) {
        if !(0.0..=1.0).contains(&p) {
            return Err(SimError::Config(format!(
                "{name} must be in [0, 1], got {p}"
            )));
        }
    }
    adv.check().map_err(|m| SimError::Config(m.to_string()))?;
    for (name, v) in adv.counts() {
        if v > limits::ATTACK_COUNT {
            return Err(SimError::Config(format!(
                "attack.{name} must be ≤ {}, got {v}",
                limits::ATTACK_COUNT
            )));
        }
    }
    for (name, v) in adv.amounts() {
        if v > limits::ATTACK_AMOUNT_NRLC {
            return Err(SimError::Config(format!(
                "attack.{name} must be ≤ {} nRLC (10⁹ RLC), got {v}",
                limits::ATTACK_AMOUNT_NRLC
            )));
        }
    }
    if c.volume > 65_535 {
        return bad("volume must be < 65536");
    }
    check_limits(c)
}

/// Upper limits on the sizes and durations of a market, so that none of them exhausts memory
/// or time or makes arithmetic wrap (documented in `docs/scenarios.md`), attack budgets
/// included (each adversary lists its counts and amounts).
pub mod limits {
    /// deals in one run
    pub const DEALS: u64 = 10_000_000;
    /// requesters
    pub const REQUESTERS: u64 = 1_000_000;
    /// honest workers
    pub const HONEST_WORKERS: u64 = 100_000;
    /// replicas the scheduler assigns to one task
    pub const MAX_REPLICAS: u64 = 10_000;
    /// any duration of the configuration, seconds (≈ 31.7 years)
    pub const SECONDS: u64 = 1_000_000_000;
    /// the ratios in percent
    pub const PERCENT: u64 = 100;
    /// an attack's count parameters (Sybil identities, farming tasks, draining deals, seeded
    /// failures, the deal an attack starts from)
    pub const ATTACK_COUNT: u64 = 1_000_000;
    /// an attack's amounts outside the prices (`G`, `L`, `V_d`), nRLC (10⁹ RLC)
    pub const ATTACK_AMOUNT_NRLC: u64 = 1_000_000_000_000_000_000;
}

fn check_limits(c: &MarketConfig) -> Result<(), SimError> {
    let over = |name: &str, v: u64, max: u64| {
        Err(SimError::Config(format!("{name} must be ≤ {max}, got {v}")))
    };
    for (name, v, max) in [
        ("deals", c.deals, limits::DEALS),
        ("requesters", c.requesters, limits::REQUESTERS),
        ("honest_workers", c.honest_workers, limits::HONEST_WORKERS),
        ("max_replicas", c.max_replicas, limits::MAX_REPLICAS),
        ("reveal_delay_s", c.reveal_delay_s, limits::SECONDS),
        ("deal_interval_s", c.deal_interval_s, limits::SECONDS),
        ("worker_stake_ratio", c.worker_stake_ratio, limits::PERCENT),
    ] {
        if v > max {
            return over(name, v, max);
        }
    }
    let mean = c.compute_mean_s;
    if !(mean.is_finite() && (0.0..=limits::SECONDS as f64).contains(&mean)) {
        return Err(SimError::Config(format!(
            "compute_mean_s must be a number of seconds in [0, {}], got {mean}",
            limits::SECONDS
        )));
    }
    // what one task costs, and what the whole run can lock, must be representable
    let per_task = c
        .app_price
        .checked_add(c.dataset_price)
        .and_then(|p| p.checked_add(c.workerpool_price));
    let Some(per_task) = per_task else {
        return Err(SimError::Config(format!(
            "app_price + dataset_price + workerpool_price overflows 2⁶⁴ nRLC ({} + {} + {})",
            c.app_price, c.dataset_price, c.workerpool_price
        )));
    };
    if u128::from(per_task) * u128::from(c.volume) * u128::from(c.deals) > u128::from(u64::MAX) {
        return Err(SimError::Config(format!(
            "the run's prices overflow 2⁶⁴ nRLC: {per_task} per task × volume {} × {} deals",
            c.volume, c.deals
        )));
    }
    Ok(())
}

/// Convenience: set up and play one run.
pub fn run(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<RunMetrics, SimError> {
    Market::new(cfg, master_seed, run)?.run()
}
