//! The PoCo-exact marketplace: a discrete-event run that drives the real protocol core
//! (`pocolab-core`, signatures off) with requester, scheduler and worker agents. Off-chain
//! facts the chain cannot see are explicit here: the correct result of each task
//! (`truth`), what each replica computes, whether inputs are stable and the app deterministic.

use pocolab_core::constants::{KITTY_ADDRESS, WORKERPOOL_STAKE_RATIO};
use pocolab_core::orders::{result_hash, result_seal};
use pocolab_core::{
    Address, AppOrder, B256, Bytes, Config, ContributionStatus, DatasetOrder, Env, Poco,
    RequestOrder, TaskStatus, U256, WorkerpoolOrder, keccak256,
};
use pocolab_mechanisms::{
    Cause, Consumption, DisputeOutcome, MechanismCalls, Mechanisms, Party, ReportInput, Ruling,
    Verdict,
};
use rand::RngExt;
use rustc_hash::FxHashMap;

use crate::config::{Attack, MarketConfig, Provider};
use crate::engine::Queue;
use crate::metrics::RunMetrics;
use crate::rng::{SimRng, exponential, stream};

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
}

/// What a worker agent does with a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerKind {
    /// computes (with honest error noise) and reveals
    Honest,
    /// colludes on the attacker's wrong value (W2/W3, or scheduler Sybil for S2)
    Colluder,
    /// computes the right value, never reveals (W6)
    Withholder,
    /// accepts and never contributes (W9)
    Vanisher,
    /// copies a published result hash (W1)
    Copier,
    /// shares results off chain with the other sharers (W1')
    Sharer,
    /// guesses a low-entropy output without computing (W8)
    Guesser,
    /// returns the trivial determinism file without computing (A6)
    Lazy,
}

impl WorkerKind {
    /// Is this worker controlled by the attacker?
    pub fn adversarial(self) -> bool {
        self != WorkerKind::Honest
    }
}

#[derive(Debug)]
struct Worker {
    addr: Address,
    kind: WorkerKind,
    rng: SimRng,
    replicas: u64,
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
    Watch {
        id: B256,
        accepted: B256,
        honest: B256,
        challengers: Vec<Address>,
    },
    /// M1: the escalation panel votes
    Panel {
        id: B256,
        honest: B256,
    },
    /// M1/M6: windows close, escrow and deposits are released
    Release {
        id: B256,
    },
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

#[derive(Debug)]
struct SimTask {
    id: B256,
    deal: B256,
    start: u64,
    contribution_deadline: u64,
    truth: B256,
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

/// Which mechanisms are on (agents use their entry points only then).
#[derive(Debug, Clone, Copy, Default)]
struct On {
    m1: bool,
    m2: bool,
    m3: bool,
    m4: bool,
    m5: bool,
    m6: bool,
    m7: bool,
    m8: bool,
}

/// Which parties an attack controls (their balance changes count as the attacker's).
#[derive(Debug, Clone, Copy, Default)]
struct Controls {
    requester: bool,
    scheduler: bool,
    app_owner: bool,
    dataset_owner: bool,
}

impl Controls {
    fn of(a: &Attack) -> Self {
        use Attack::*;
        let mut c = Controls::default();
        match a {
            UnstableInputs | MalformedInput | WithdrawRace { .. } | ExtremeTrust { .. } => {
                c.requester = true
            }
            NondeterministicApp { .. }
            | ImageMutation { .. }
            | TrivialisedConsensus { .. }
            | ResourceBomb { .. } => c.app_owner = true,
            ExfiltratingApp { .. } => (c.app_owner, c.requester) = (true, true),
            DeterministicGarbage { source, .. } | PriceFrontRun { source, .. } => match source {
                Provider::App => c.app_owner = true,
                Provider::Dataset => c.dataset_owner = true,
            },
            DatasetWithdrawal { .. } | MutableDataset => c.dataset_owner = true,
            SchedulerSybils { .. }
            | Censorship { .. }
            | RequestSniping { .. }
            | PolicyFrontRun { .. }
            | SlowPool { .. } => c.scheduler = true,
            WithholdFinalize => (c.scheduler, c.requester) = (true, true),
            _ => {}
        }
        c
    }
}

/// The self-dealing ring of S7/S9: its own requester, zero-price app and pool.
#[derive(Debug)]
struct Ring {
    owner: Address,
    app: Address,
    pool: Address,
    /// indices of the ring's workers in `workers`
    workers: Vec<u32>,
    deals: u64,
}

/// One PoCo-exact market run.
pub struct Market {
    cfg: MarketConfig,
    /// every requester (the first is `requester`)
    requesters: Vec<Address>,
    /// demand stream: arrivals, requester and trust choices
    demand_rng: SimRng,
    poco: Poco<Mechanisms>,
    q: Queue<Ev>,
    scheduler: Address,
    app_owner: Address,
    dataset_owner: Address,
    app: Address,
    dataset: Address,
    workerpool: Address,
    workers: Vec<Worker>,
    /// indices of workers the scheduler may select
    candidates: Vec<u32>,
    sched_rng: SimRng,
    tasks: FxHashMap<u32, SimTask>,
    deal_open: FxHashMap<B256, u64>,
    next_task: u32,
    m: RunMetrics,
    last_time: u64,
    initial: FxHashMap<Address, i128>,
    controls: Controls,
    on: On,
    /// M1 verifier agents
    verifiers: Vec<Address>,
    /// M1/M6: finalised tasks under watch → (ground truth, price paid)
    watched: FxHashMap<B256, (B256, u64, Address)>,
    /// M6 arbiter of tiers 1 (re-execution) and 3 (court)
    arbiter: Address,
    /// M2 spot-checker (the known-answer service)
    spotter: Address,
    /// M2: which committee seats get a known-answer task, and honest noise on them
    spot_rng: SimRng,
    ring: Option<Ring>,
    /// requester's loss `L` per accepted wrong result (beyond the price)
    external_gain: u64,
    /// the attacker's gain `G` per accepted wrong result (0 when `L` is pure damage)
    attacker_gain: u64,
    worker_stake: u64,
    r: u64,
}

const T0: u64 = 1_700_000_000;
const RLC: u128 = 1_000_000_000;

fn synthetic(kind: &str, i: u64) -> Address {
    Address::from_slice(&keccak256(format!("pocolab-sim:{kind}:{i}"))[12..])
}

fn holdings(p: &Poco<Mechanisms>, a: Address) -> i128 {
    let acc = p.view_account(a);
    (acc.balance + acc.frozen).to::<u128>() as i128
}

impl Market {
    /// Set up a run: deploy PoCo (signatures off), create assets, fund actors, build agents.
    pub fn new(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<Self, SimError> {
        validate(cfg)?;
        let mut poco = Poco::with_extension(
            Config {
                verify_signatures: false,
                ..Config::default()
            },
            Mechanisms::from_config(cfg.mechanisms.clone()),
        );
        let requester = synthetic("requester", 0);
        let scheduler = synthetic("scheduler", 0);
        let app_owner = synthetic("app-owner", 0);
        let dataset_owner = synthetic("dataset-owner", 0);
        let perr = |call| move |err| SimError::Protocol { call, err };
        let app = register_asset(&mut poco, Provider::App, app_owner, "app")?;
        let dataset = register_asset(&mut poco, Provider::Dataset, dataset_owner, "dataset")?;
        let workerpool = poco
            .create_workerpool(scheduler, "pool")
            .map_err(perr("createWorkerpool"))?;
        let senv = Env::at(scheduler, T0);
        poco.change_policy(
            &senv,
            workerpool,
            U256::from(cfg.worker_stake_ratio),
            U256::from(cfg.scheduler_reward_ratio),
        )
        .map_err(perr("changePolicy"))?;
        let r = poco
            .view_category(U256::from(cfg.category))
            .map_err(perr("viewCategory"))?
            .work_clock_time_ref
            .to::<u64>();

        // workers: honest first, then the attack's population
        let n_honest = cfg.honest_workers;
        let (adv_kind, n_adv) = match &cfg.attack {
            Attack::ColludingWorkers { fraction, .. } => {
                (WorkerKind::Colluder, adversaries(n_honest, *fraction))
            }
            Attack::SchedulerSybils { sybils, .. } => (WorkerKind::Colluder, *sybils),
            Attack::ScoreFarming { .. } => (WorkerKind::Colluder, 2),
            Attack::KittyDrain { .. } => (WorkerKind::Colluder, 1),
            Attack::RevealWithholding { fraction } => {
                (WorkerKind::Withholder, adversaries(n_honest, *fraction))
            }
            Attack::Vanishing { fraction } => {
                (WorkerKind::Vanisher, adversaries(n_honest, *fraction))
            }
            Attack::LazyCopying { fraction } => {
                (WorkerKind::Copier, adversaries(n_honest, *fraction))
            }
            Attack::ResultSharing { fraction } => {
                (WorkerKind::Sharer, adversaries(n_honest, *fraction))
            }
            Attack::Guessing { fraction, .. } => {
                (WorkerKind::Guesser, adversaries(n_honest, *fraction))
            }
            Attack::TrivialisedConsensus { lazy_fraction } => {
                (WorkerKind::Lazy, adversaries(n_honest, *lazy_fraction))
            }
            _ => (WorkerKind::Honest, 0),
        };
        let mut workers = Vec::new();
        for i in 0..n_honest + n_adv {
            let kind = if i < n_honest {
                WorkerKind::Honest
            } else {
                adv_kind
            };
            workers.push(Worker {
                addr: synthetic("worker", i),
                kind,
                rng: stream(master_seed, run, "worker", i),
                replicas: 0,
            });
        }
        let candidates: Vec<u32> = match &cfg.attack {
            Attack::SchedulerSybils { .. } => {
                (n_honest as u32..(n_honest + n_adv) as u32).collect()
            }
            // the kitty ring's worker serves only the ring's pool
            Attack::KittyDrain { .. } => (0..n_honest as u32).collect(),
            _ => (0..workers.len() as u32).collect(),
        };
        if candidates.is_empty() {
            return Err(SimError::Config("no worker can be selected".into()));
        }

        // funding: enough for every lock of the run, twice over
        let tasks = cfg.deals * cfg.volume;
        let markup = |pct: u64, p: u64| p as u128 * (100 + pct as u128) / 100;
        let price = markup(
            300,
            cfg.app_price + cfg.dataset_price + cfg.workerpool_price,
        );
        let worker_stake = cfg.workerpool_price as u128 * cfg.worker_stake_ratio as u128 / 100;
        let s_pool = markup(300, cfg.workerpool_price) * WORKERPOOL_STAKE_RATIO as u128 / 100;
        let requesters: Vec<Address> = std::iter::once(requester)
            .chain((1..cfg.requesters).map(|i| synthetic("requester", i)))
            .collect();
        for r in &requesters {
            let budget = if cfg.requester_budget_nrlc > 0 {
                cfg.requester_budget_nrlc as u128
            } else {
                2 * price * tasks as u128 + 1
            };
            fund(&mut poco, *r, budget)?;
        }
        fund(&mut poco, scheduler, 2 * s_pool * tasks as u128 + 1)?;
        for w in &workers {
            fund(
                &mut poco,
                w.addr,
                2 * worker_stake * (cfg.max_replicas as u128 * tasks as u128).min(10_000) + 1,
            )?;
        }
        for w in &workers {
            if cfg.initial_score > 0 {
                poco.set_score(w.addr, U256::from(cfg.initial_score));
            }
        }

        // the self-dealing ring of S7/S9
        let ring = match &cfg.attack {
            Attack::ScoreFarming { .. } | Attack::KittyDrain { .. } => {
                let owner = synthetic("ring", 0);
                let app = poco
                    .create_app(
                        owner,
                        "ring-app",
                        "DOCKER",
                        Bytes::from_static(b"ring/app:1"),
                        keccak256("ring-app"),
                        Bytes::new(),
                    )
                    .map_err(perr("createApp"))?;
                let pool = poco
                    .create_workerpool(owner, "ring-pool")
                    .map_err(perr("createWorkerpool"))?;
                Some(Ring {
                    owner,
                    app,
                    pool,
                    workers: (n_honest as u32..(n_honest + n_adv) as u32).collect(),
                    deals: 0,
                })
            }
            _ => None,
        };
        // mechanisms: agents set up what each enabled mechanism needs
        let mc = &cfg.mechanisms;
        let [m1, m2, m3, m4, m5, m6, m7, m8] = mc.enabled();
        let on = On {
            m1,
            m2,
            m3,
            m4,
            m5,
            m6,
            m7,
            m8,
        };
        let owner = Config::default().owner;
        let arbiter = synthetic("arbiter", 0);
        let spotter = synthetic("spot-checker", 0);
        let mut verifiers = Vec::new();
        {
            let at = |who| Env::at(who, T0);
            if on.m1 || on.m6 {
                // correctness bond 2·P (M1) and pool deposit (M6) per task
                fund(&mut poco, scheduler, 4 * price * tasks as u128)?;
            }
            if on.m1 {
                for i in 0..5 {
                    let v = synthetic("verifier", i);
                    fund(&mut poco, v, 100 * RLC)?;
                    poco.register_verifier(&at(v), U256::from(20 * RLC))
                        .map_err(perr("registerVerifier"))?;
                    verifiers.push(v);
                }
            }
            if on.m2 {
                let bond = U256::from(registration_bond(cfg));
                for w in &workers {
                    fund(&mut poco, w.addr, bond.to::<u128>())?;
                    poco.register_worker(&at(w.addr), workerpool, bond)
                        .map_err(perr("registerWorker"))?;
                }
                poco.register_spot_checker(&at(owner), spotter, true)
                    .map_err(perr("registerSpotChecker"))?;
            }
            if on.m4 {
                // each provider bonds what the run's reservations can need: κ·price per task,
                // at the highest price it may charge (front-running: the requester's max)
                // (with M7 the reservation is reputation-sized, up to 1 + κ_r for a newcomer)
                let up = |p: u64, who: Provider| match cfg.attack {
                    Attack::PriceFrontRun { source, markup_pct } if source == who => {
                        markup(markup_pct, p)
                    }
                    _ => p as u128,
                };
                for (who, asset, p) in [
                    (app_owner, app, up(cfg.app_price, Provider::App)),
                    (
                        dataset_owner,
                        dataset,
                        up(cfg.dataset_price, Provider::Dataset),
                    ),
                ] {
                    let b = provider_bond(cfg, p, tasks);
                    fund(&mut poco, who, b)?;
                    poco.bond_asset(&at(who), asset, U256::from(b))
                        .map_err(perr("bondAsset"))?;
                }
            }
            if on.m5 {
                poco.set_tee_broker(&at(owner), synthetic("sms", 0))
                    .map_err(perr("setTeeBroker"))?;
            }
            if on.m6 {
                // the same agent stands for the tier-1 re-execution service and the tier-3 court
                poco.register_arbiter(&at(owner), 1, arbiter, true)
                    .map_err(perr("registerArbiter"))?;
                poco.register_arbiter(&at(owner), 3, arbiter, true)
                    .map_err(perr("registerArbiter"))?;
            }
            if on.m8 {
                poco.announce_policy(
                    &at(scheduler),
                    workerpool,
                    U256::from(cfg.worker_stake_ratio),
                    U256::from(cfg.scheduler_reward_ratio),
                )
                .map_err(perr("announcePolicy"))?;
            }
        }
        let mut initial = FxHashMap::default();
        let ring_owner = ring.as_ref().map(|r| r.owner);
        for a in requesters
            .iter()
            .copied()
            .chain([scheduler, app_owner, dataset_owner])
            .chain(ring_owner)
            .chain(workers.iter().map(|w| w.addr))
        {
            initial.insert(a, holdings(&poco, a));
        }
        let m = RunMetrics {
            honest_workers: n_honest,
            demand_tasks: cfg.deals * cfg.volume,
            ..RunMetrics::default()
        };
        let external_gain = match &cfg.attack {
            Attack::ColludingWorkers {
                external_gain_nrlc, ..
            }
            | Attack::SchedulerSybils {
                external_gain_nrlc, ..
            }
            | Attack::ScoreFarming {
                external_gain_nrlc, ..
            } => *external_gain_nrlc,
            Attack::DeterministicGarbage { loss_nrlc, .. } => *loss_nrlc,
            _ => 0,
        };
        let mut q = Queue::starting_at(T0);
        q.at(T0, Ev::Deal(0));
        let mut market = Self {
            controls: Controls::of(&cfg.attack),
            on,
            verifiers,
            watched: FxHashMap::default(),
            arbiter,
            spotter,
            spot_rng: stream(master_seed, run, "spot-checks", 0),
            ring,
            cfg: cfg.clone(),
            requesters,
            demand_rng: stream(master_seed, run, "demand", 0),
            poco,
            q,
            scheduler,
            app_owner,
            dataset_owner,
            app,
            dataset,
            workerpool,
            workers,
            candidates,
            sched_rng: stream(master_seed, run, "scheduler", 0),
            tasks: FxHashMap::default(),
            deal_open: FxHashMap::default(),
            next_task: 0,
            m,
            last_time: T0,
            initial,
            external_gain,
            attacker_gain: if matches!(cfg.attack, Attack::DeterministicGarbage { .. }) {
                0
            } else {
                external_gain
            },
            worker_stake: worker_stake as u64,
            r,
        };
        if let Some(ring) = &market.ring
            && market.on.m4
        {
            // under M4 the ring must bond its own app like anyone else to be matched
            let (owner, app) = (ring.owner, ring.app);
            fund(&mut market.poco, owner, 2 * RLC)?;
            market
                .poco
                .bond_asset(&Env::at(owner, T0), app, U256::from(2 * RLC))
                .map_err(perr("bondAsset"))?;
        }
        if let Attack::ScoreFarming { farm_tasks, .. } = market.cfg.attack {
            market.farm_scores(farm_tasks)?;
        }
        Ok(market)
    }

    /// S9/W5 (F5): the ring's two workers self-deal zero-price tasks. Each task asks for the
    /// trust `ω(s) + 1`, the highest at which one of them alone cannot finalize, so both must
    /// contribute and both gain +1 (spec §7.8: only when more than one contributor).
    fn farm_scores(&mut self, tasks: u64) -> Result<(), SimError> {
        let ring = self.ring.as_ref().expect("ring");
        let (owner, app, pool) = (ring.owner, ring.app, ring.pool);
        let (w0, w1) = (ring.workers[0], ring.workers[1]);
        let perr = |call| move |err| SimError::Protocol { call, err };
        if self.on.m2 && tasks > 0 {
            // under M2 a trust ≥ 2 task needs a committee: the ring bonds its two workers with
            // its own pool (they are then its whole committee)
            let bond = registration_bond(&self.cfg);
            for w in [w0, w1] {
                let a = self.workers[w as usize].addr;
                self.fund_after_snapshot(a, bond as u128)?;
                self.poco
                    .register_worker(&Env::at(a, T0), pool, U256::from(bond))
                    .map_err(perr("registerWorker"))?;
            }
        }
        for k in 0..tasks {
            let env = Env::at(owner, T0);
            let s = self
                .poco
                .view_score(self.workers[w0 as usize].addr)
                .to::<u64>();
            let trust = U256::from((s / 3).max(3) - 1 + 1);
            let salt = keccak256(format!("farm:{k}"));
            let ao = AppOrder {
                app,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let wo = WorkerpoolOrder {
                workerpool: pool,
                volume: U256::ONE,
                trust,
                salt,
                ..Default::default()
            };
            let ro = RequestOrder {
                app,
                workerpool: pool,
                requester: owner,
                volume: U256::ONE,
                trust,
                salt,
                ..Default::default()
            };
            let deal = self
                .poco
                .match_orders(&env, &ao, &DatasetOrder::default(), &wo, &ro)
                .map_err(perr("matchOrders"))?;
            let tid = self
                .poco
                .initialize(&env, deal, U256::ZERO)
                .map_err(perr("initialize"))?;
            let d = keccak256([tid.as_slice(), b"farm"].concat());
            for w in [w0, w1] {
                let a = self.workers[w as usize].addr;
                self.poco
                    .contribute(
                        &Env::at(a, T0),
                        tid,
                        result_hash(tid, d),
                        result_seal(a, tid, d),
                        Address::ZERO,
                        &[],
                        &[],
                    )
                    .map_err(perr("contribute"))?;
            }
            self.m.calls += 4;
            if self.on.m2 && self.poco.state.tasks[&tid].status != TaskStatus::Revealing {
                // M2: two newcomers (weight 1 each) never reach consensus, and self-dealing
                // earns no credibility (rule 4): the farm stalls on its first task
                self.ring.as_mut().expect("ring").deals += k + 1;
                return Ok(());
            }
            for w in [w0, w1] {
                self.poco
                    .reveal(&Env::at(self.workers[w as usize].addr, T0), tid, d)
                    .map_err(perr("reveal"))?;
            }
            self.poco
                .finalize(&env, tid, b"farm", &[])
                .map_err(perr("finalize"))?;
            self.poco.prune_task(tid);
            self.poco.prune_deal(deal);
            self.m.calls += 3;
        }
        self.ring.as_mut().expect("ring").deals += tasks;
        Ok(())
    }

    /// S7 (F6): after the market has run, the ring self-deals zero-price trust-1 tasks and
    /// collects the kitty share of each success (`min(max(K/10, 1 RLC), K)`, spec §7.8).
    fn drain_kitty(&mut self, deals: u64) -> Result<(), SimError> {
        let ring = self.ring.as_ref().expect("ring");
        let (owner, app, pool, w) = (ring.owner, ring.app, ring.pool, ring.workers[0]);
        let worker = self.workers[w as usize].addr;
        let perr = |call| move |err| SimError::Protocol { call, err };
        let now = self.q.now();
        for k in 0..deals {
            let env = Env::at(owner, now);
            let salt = keccak256(format!("drain:{k}"));
            let ao = AppOrder {
                app,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let wo = WorkerpoolOrder {
                workerpool: pool,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let ro = RequestOrder {
                app,
                workerpool: pool,
                requester: owner,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let deal = self
                .poco
                .match_orders(&env, &ao, &DatasetOrder::default(), &wo, &ro)
                .map_err(perr("matchOrders"))?;
            let tid = self
                .poco
                .initialize(&env, deal, U256::ZERO)
                .map_err(perr("initialize"))?;
            let d = keccak256([tid.as_slice(), b"drain"].concat());
            self.poco
                .contribute_and_finalize(
                    &Env::at(worker, now),
                    tid,
                    d,
                    b"drain",
                    &[],
                    Address::ZERO,
                    &[],
                    &[],
                )
                .map_err(perr("contributeAndFinalize"))?;
            self.poco.prune_task(tid);
            self.poco.prune_deal(deal);
            self.m.calls += 3;
        }
        self.ring.as_mut().expect("ring").deals += deals;
        Ok(())
    }

    /// Play every event, then settle the metrics.
    pub fn run(mut self) -> Result<RunMetrics, SimError> {
        while let Some((now, ev)) = self.q.pop() {
            let locked = self
                .poco
                .state
                .ledger
                .balance_of(self.poco.state.ledger.proxy())
                - self.poco.state.ledger.frozen_of(KITTY_ADDRESS);
            self.m.capital_time += locked.to::<u128>() * (now - self.last_time) as u128;
            self.last_time = now;
            match ev {
                Ev::Deal(k) => self.on_deal(k)?,
                Ev::ReportFault { t } => self.on_report_fault(t),
                Ev::Watch {
                    id,
                    accepted,
                    honest,
                    challengers,
                } => self.on_watch(id, accepted, honest, &challengers),
                Ev::Panel { id, honest } => self.on_panel(id, honest),
                Ev::Release { id } => self.on_release(id),
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
        }
        if let Attack::KittyDrain { drain_deals, .. } = self.cfg.attack {
            self.drain_kitty(drain_deals)?;
        }
        self.poco
            .state
            .ledger
            .check_invariants()
            .map_err(SimError::Config)?;
        Ok(self.settle())
    }

    fn env(&self, who: Address) -> Env {
        Env::at(who, self.q.now())
    }

    fn call<R>(&mut self, r: pocolab_core::Result<R>) -> Option<R> {
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

    fn on_deal(&mut self, k: u64) -> Result<(), SimError> {
        let c = self.cfg.clone();
        let c = &c;
        if let Attack::DeterministicGarbage {
            source,
            reenter: true,
            ..
        } = c.attack
            && self.on.m7
        {
            // re-enter when requesters avoid the asset, unless they also avoid the other one
            // (a requester rates the app and the dataset of a task together: then a fresh asset
            // would not bring them back)
            let (own, other) = match source {
                Provider::App => (self.app, self.dataset),
                Provider::Dataset => (self.dataset, self.app),
            };
            if self.rated_low(own) && !self.rated_low(other) {
                self.reenter(source, k)?;
            }
        }
        if k + 1 < c.deals {
            let dt = if c.poisson_arrivals {
                exponential(&mut self.demand_rng, c.deal_interval_s as f64).round() as u64
            } else {
                c.deal_interval_s
            };
            self.q.after(dt, Ev::Deal(k + 1));
        }
        let req_addr = self.requesters[self.demand_rng.random_range(0..self.requesters.len())];
        let chosen_trust = if c.trust_choices.is_empty() {
            c.trust
        } else {
            c.trust_choices[self.demand_rng.random_range(0..c.trust_choices.len())]
        };
        let salt = B256::from(U256::from(k));
        let vol = U256::from(c.volume);
        let pct = |p: u64, m: u64| U256::from(p as u128 * (100 + m as u128) / 100);
        // what the requester accepts to pay (max prices) and what the providers ask
        let (app_ask, ds_ask, mut wp_ask) = (
            U256::from(c.app_price),
            U256::from(c.dataset_price),
            U256::from(c.workerpool_price),
        );
        let (mut app_max, mut ds_max, mut wp_max) = (app_ask, ds_ask, wp_ask);
        let mut req_trust = U256::from(chosen_trust);
        match c.attack {
            Attack::PriceFrontRun {
                source: Provider::App,
                markup_pct,
            } => app_max = pct(c.app_price, markup_pct),
            Attack::PriceFrontRun {
                source: Provider::Dataset,
                markup_pct,
            } => ds_max = pct(c.dataset_price, markup_pct),
            Attack::RequestSniping { markup_pct } => {
                wp_max = pct(c.workerpool_price, markup_pct);
                wp_ask = wp_max;
            }
            Attack::ExtremeTrust { trust } => req_trust = U256::from(trust),
            // S5 against M8: the policy must be announced and applies after the delay; the
            // best the scheduler can do is announce it once, in public
            Attack::PolicyFrontRun {
                scheduler_reward_ratio,
            } if self.on.m8 && k == 0 => {
                let env = self.env(self.scheduler);
                let r = self.poco.announce_policy(
                    &env,
                    self.workerpool,
                    U256::from(c.worker_stake_ratio),
                    U256::from(scheduler_reward_ratio),
                );
                self.call(r);
            }
            Attack::PolicyFrontRun { .. } if self.on.m8 => {}
            Attack::PolicyFrontRun {
                scheduler_reward_ratio,
            } => {
                // S5: raise σ just before the match; the deal reads the mutable policy
                let env = self.env(self.scheduler);
                let r = self.poco.change_policy(
                    &env,
                    self.workerpool,
                    U256::from(c.worker_stake_ratio),
                    U256::from(scheduler_reward_ratio),
                );
                self.call(r);
            }
            _ => {}
        }
        let mut app = AppOrder {
            app: self.app,
            appprice: app_ask,
            volume: vol,
            salt,
            ..Default::default()
        };
        let mut dataset = if c.with_dataset {
            DatasetOrder {
                dataset: self.dataset,
                datasetprice: ds_ask,
                volume: vol,
                salt,
                ..Default::default()
            }
        } else {
            DatasetOrder::default()
        };
        let wp = WorkerpoolOrder {
            workerpool: self.workerpool,
            workerpoolprice: wp_ask,
            volume: vol,
            category: U256::from(c.category),
            trust: U256::from(
                c.trust_choices
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(c.trust)
                    .max(c.trust),
            ),
            salt,
            ..Default::default()
        };
        let req = RequestOrder {
            app: self.app,
            appmaxprice: app_max,
            dataset: dataset.dataset,
            datasetmaxprice: if c.with_dataset { ds_max } else { U256::ZERO },
            workerpool: self.workerpool,
            workerpoolmaxprice: wp_max,
            requester: req_addr,
            volume: vol,
            category: wp.category,
            trust: req_trust,
            salt,
            ..Default::default()
        };
        let env = self.env(req_addr);
        let cost = (app_max + if c.with_dataset { ds_max } else { U256::ZERO } + wp_max)
            .saturating_mul(vol);
        if self.poco.view_account(req_addr).balance < cost {
            // the requester's budget is spent: it stops requesting
            self.m.unmatched_deals += 1;
            return Ok(());
        }
        if self.on.m7 && self.avoids_providers() {
            // M7: the requester reads the providers' public ratings and takes its demand
            // elsewhere (here: the deal is not placed)
            self.m.unmatched_deals += 1;
            return Ok(());
        }
        match c.attack {
            Attack::PriceFrontRun { source, .. } => {
                // A5/D4: the provider sees the pending match, closes its cheap order (the match
                // reverts), and republishes at the requester's maximum price
                let r = match source {
                    Provider::App => {
                        let e = self.env(self.app_owner);
                        self.poco.manage_app_order(
                            &e,
                            &app,
                            pocolab_core::orders::Operation::Close,
                            &[],
                        )
                    }
                    Provider::Dataset => {
                        let e = self.env(self.dataset_owner);
                        self.poco.manage_dataset_order(
                            &e,
                            &dataset,
                            pocolab_core::orders::Operation::Close,
                            &[],
                        )
                    }
                };
                self.call(r);
                let r = self.poco.match_orders(&env, &app, &dataset, &wp, &req);
                self.call(r);
                let salt2 = keccak256([salt.as_slice(), b"republished"].concat());
                match source {
                    Provider::App => (app.appprice, app.salt) = (app_max, salt2),
                    Provider::Dataset => (dataset.datasetprice, dataset.salt) = (ds_max, salt2),
                }
            }
            Attack::WithdrawRace { p } if self.sched_rng.random_bool(p.clamp(0.0, 1.0)) => {
                // R5: withdraw just before the match lands, then re-deposit; the match reverts
                let bal = self.poco.view_account(req_addr).balance;
                let r = self.poco.withdraw(&env, bal);
                self.call(r);
                let r = self.poco.match_orders(&env, &app, &dataset, &wp, &req);
                self.call(r);
                let r = self.poco.deposit(&env, bal);
                self.call(r);
            }
            _ => {}
        }
        let deal = match self.poco.match_orders(&env, &app, &dataset, &wp, &req) {
            Ok(d) => d,
            Err(_)
                if c.requester_budget_nrlc > 0
                    && self.poco.view_account(req_addr).balance
                        < cost.saturating_mul(U256::from(3u8)) =>
            {
                // a budget-limited requester near the end of its budget could not cover a
                // mechanism's extra locks (bonds, deposits)
                self.m.reverted_calls += 1;
                self.m.unmatched_deals += 1;
                return Ok(());
            }
            Err(err) if matches!(c.attack, Attack::ExtremeTrust { .. }) => {
                // R7: the pool does not accept the trust: nothing is locked, nobody works
                let _ = err;
                self.m.reverted_calls += 1;
                self.m.unmatched_deals += 1;
                return Ok(());
            }
            Err(err) => {
                return Err(SimError::Protocol {
                    call: "matchOrders",
                    err,
                });
            }
        };
        self.m.calls += 1;
        self.m.matched_deals += 1;
        self.deal_open.insert(deal, c.volume);
        if !self.on.m8 {
            // memory: the simulator never submits an order twice (every deal has its own
            // salt), so the `consumed` counters of matched orders are dead state; dropping
            // them keeps memory flat over 100 M tasks. (M8 restores volume at claim and
            // needs them.)
            self.poco.forget_consumed();
        }
        let now = self.q.now();
        let censored = match c.attack {
            Attack::Censorship { fraction } => self.sched_rng.random_bool(fraction.clamp(0.0, 1.0)),
            Attack::KittyDrain { seed_failures, .. } => k < seed_failures,
            _ => false,
        };
        for idx in 0..c.volume {
            let id = self
                .poco
                .initialize(&env, deal, U256::from(idx))
                .map_err(|err| SimError::Protocol {
                    call: "initialize",
                    err,
                })?;
            self.m.calls += 1;
            self.m.tasks += 1;
            let t = self.next_task;
            self.next_task += 1;
            let truth = if matches!(c.attack, Attack::MalformedInput) {
                // R2: for a malformed input the app's deterministic error IS the right output
                keccak256([id.as_slice(), b"error"].concat())
            } else {
                keccak256([id.as_slice(), b"truth"].concat())
            };
            let task = SimTask {
                id,
                deal,
                start: now,
                contribution_deadline: now + 7 * self.r,
                truth,
                assigned: Vec::new(),
                outstanding: 0,
                honest_computed: 0,
                deal_k: k,
                requester: req_addr,
                trust: req_trust.to::<u64>(),
                shared: None,
                attested: false,
            };
            self.tasks.insert(t, task);
            if self.on.m2 {
                self.spot_checks(id);
            }
            self.q.at(now + 10 * self.r, Ev::Claim { t });
            if (self.on.m3 || self.on.m4)
                && matches!(
                    c.attack,
                    Attack::UnstableInputs | Attack::NondeterministicApp { .. }
                )
            {
                self.q.at(now + 7 * self.r - 1, Ev::ReportFault { t });
            }
            if censored {
                continue;
            }
            let first = self.initial_replicas(chosen_trust);
            match c.attack {
                Attack::SlowPool { tasks_per_hour } => {
                    let delay = idx * 3600 / tasks_per_hour.max(1);
                    self.q.after(delay, Ev::Assign { t, n: first });
                }
                _ => self.assign(t, first),
            }
        }
        Ok(())
    }

    /// Replicas an honest scheduler assigns up front: the fewest fresh-weight workers whose
    /// agreement reaches consensus (spec §7.5; 1 on the fast path).
    fn initial_replicas(&self, trust: u64) -> u64 {
        let t = trust.max(1) as u128;
        if t == 1 {
            return 1;
        }
        let omega = (self.cfg.initial_score / 3).max(3) as u128 - 1;
        let (mut g, mut n) = (1u128, 0u64);
        loop {
            g = g.saturating_mul(omega);
            n += 1;
            if g.saturating_mul(t) > (1 + g).saturating_mul(t - 1) || n >= self.cfg.max_replicas {
                return n;
            }
        }
    }

    fn assign(&mut self, t: u32, n: u64) {
        let now = self.q.now();
        for _ in 0..n {
            let task = &self.tasks[&t];
            if task.assigned.len() as u64 >= self.cfg.max_replicas
                || task.assigned.len() >= self.candidates.len()
                || now >= task.contribution_deadline
            {
                return;
            }
            let pool: Vec<u32> = self.eligible(t);
            let free: Vec<u32> = pool
                .iter()
                .copied()
                .filter(|w| !task.assigned.iter().any(|(x, _)| x == w))
                .collect();
            if free.is_empty() {
                return;
            }
            let w = free[self.sched_rng.random_range(0..free.len())];
            let worker = &mut self.workers[w as usize];
            let dt = exponential(&mut worker.rng, self.cfg.compute_mean_s)
                .ceil()
                .max(1.0) as u64;
            let task = self.tasks.get_mut(&t).expect("live task");
            task.assigned.push((w, B256::ZERO));
            task.outstanding += 1;
            self.q.after(dt, Ev::Contribute { t, w });
        }
    }

    /// What worker `w` contributes to task `t` (off-chain facts made explicit): `None` when
    /// the replica is lost. Compute is counted for replicas that actually ran.
    fn compute(&mut self, t: u32, w: u32) -> Option<B256> {
        let task = &self.tasks[&t];
        let (id, truth, deal_k, shared) = (task.id, task.truth, task.deal_k, task.shared);
        let tag = |s: &[u8]| keccak256([id.as_slice(), s].concat());
        let attack = self.cfg.attack.clone();
        let noise = self.cfg.honest_error_rate.clamp(0.0, 1.0);
        let pinned = self.on.m4;
        // the deterministic output of an honest run (what a re-execution reproduces)
        let reference = self.reexec(&self.tasks[&t]);
        let worker = &mut self.workers[w as usize];
        let random = |rng: &mut SimRng| B256::from(rng.random::<[u8; 32]>());
        // what running the app on this worker's inputs honestly yields
        let honest_run = |worker: &mut Worker| -> B256 {
            let d = match attack {
                Attack::UnstableInputs | Attack::MutableDataset => {
                    keccak256([id.as_slice(), worker.addr.as_slice()].concat())
                }
                Attack::NondeterministicApp { p } if worker.rng.random_bool(p.clamp(0.0, 1.0)) => {
                    random(&mut worker.rng)
                }
                // under M4 the workers that pulled the mutated image reported it (digest
                // mismatch); whoever computes runs the pinned, stale image
                Attack::ImageMutation { .. } if pinned => truth,
                Attack::ImageMutation { from_deal, p_stale } if deal_k >= from_deal => {
                    if worker.rng.random_bool(p_stale.clamp(0.0, 1.0)) {
                        truth
                    } else {
                        tag(b"mutated image")
                    }
                }
                _ => reference,
            };
            if noise > 0.0 && worker.rng.random_bool(noise) {
                random(&mut worker.rng)
            } else {
                d
            }
        };
        let (d, computed) = match worker.kind {
            WorkerKind::Vanisher => return None,
            WorkerKind::Colluder => (tag(b"attacker"), true),
            WorkerKind::Copier => (B256::ZERO, false), // the caller copies a published hash
            WorkerKind::Lazy => (keccak256(b"constant determinism file"), false),
            WorkerKind::Guesser => {
                let p = guess_odds(&attack);
                (
                    if worker.rng.random_bool(p) {
                        truth
                    } else {
                        tag(b"likely answer")
                    },
                    false,
                )
            }
            WorkerKind::Sharer => match shared {
                Some(d) => (d, false),
                None => {
                    let d = honest_run(worker);
                    self.tasks.get_mut(&t).expect("live").shared = Some(d);
                    (d, true)
                }
            },
            WorkerKind::Honest | WorkerKind::Withholder => (honest_run(worker), true),
        };
        let worker = &mut self.workers[w as usize];
        if computed {
            worker.replicas += 1;
            self.m.replicas += 1;
            if worker.kind == WorkerKind::Honest {
                self.m.honest_replicas += 1;
                self.tasks.get_mut(&t).expect("live").honest_computed += 1;
            }
        }
        if let Attack::ResourceBomb { crash_p } = attack
            && computed
            && worker.rng.random_bool(crash_p.clamp(0.0, 1.0))
        {
            return None; // A7: the replica ran, then took the worker down
        }
        Some(d)
    }

    fn on_contribute(&mut self, t: u32, w: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        let status = self.poco.state.tasks.get(&id).map(|x| x.status);
        self.tasks.get_mut(&t).expect("live").outstanding -= 1;
        if status != Some(TaskStatus::Active) {
            return Ok(());
        }
        let addr = self.workers[w as usize].addr;
        let kind = self.workers[w as usize].kind;
        let env = self.env(addr);
        let fast = self.cfg.fast_path && self.tasks[&t].trust <= 1;
        if self.on.m4
            && kind == WorkerKind::Honest
            && let Some(cause) = self.provider_fault(t, w)
        {
            // M4: the worker observes a provider fault and reports it instead of computing
            let r = self.poco.report_failure(
                &env,
                id,
                &ReportInput::plain(cause, keccak256(addr.as_slice()), keccak256(id.as_slice())),
            );
            self.call(r);
            self.assign(t, 1);
            return Ok(());
        }
        if self.on.m5
            && !self.tasks[&t].attested
            && !matches!(kind, WorkerKind::Vanisher | WorkerKind::Copier)
        {
            // M5: the SMS releases the dataset and app keys to the enclave and attests it
            self.tasks.get_mut(&t).expect("live").attested = true;
            let sms = self.env(synthetic("sms", 0));
            if self.cfg.with_dataset {
                let r = self
                    .poco
                    .attest_consumption(&sms, id, Consumption::Dataset, &[]);
                self.call(r);
            }
            let r = self
                .poco
                .attest_consumption(&sms, id, Consumption::App, &[]);
            self.call(r);
        }
        match self.compute(t, w) {
            None => {
                // vanished: the scheduler notices and replaces the replica
                self.assign(t, 1);
                return Ok(());
            }
            Some(d) if kind == WorkerKind::Copier => {
                // copy a published hash, cannot produce the matching seal
                let _ = d;
                let Some(rh) = self.poco.state.tasks[&id]
                    .contributions
                    .first()
                    .map(|c| c.result_hash)
                else {
                    // nothing to copy yet: the copier gives up and the scheduler replaces it
                    self.assign(t, 1);
                    return Ok(());
                };
                let seal = keccak256(addr.as_slice()); // cannot forge H(worker‖taskid‖digest)
                let r = self
                    .poco
                    .contribute(&env, id, rh, seal, Address::ZERO, &[], &[]);
                self.call(r);
            }
            Some(d) => {
                self.tasks
                    .get_mut(&t)
                    .expect("live")
                    .assigned
                    .iter_mut()
                    .find(|(a, _)| *a == w)
                    .expect("assigned")
                    .1 = d;
                if fast {
                    let r = self.poco.contribute_and_finalize(
                        &env,
                        id,
                        d,
                        b"result",
                        &[],
                        Address::ZERO,
                        &[],
                        &[],
                    );
                    if self.call(r).is_some() {
                        self.record_success(t);
                    }
                    return Ok(());
                }
                let r = self.poco.contribute(
                    &env,
                    id,
                    result_hash(id, d),
                    result_seal(addr, id, d),
                    Address::ZERO,
                    &[],
                    &[],
                );
                self.call(r);
            }
        }
        let core = &self.poco.state.tasks[&id];
        match core.status {
            TaskStatus::Revealing => {
                let cv = core.consensus_value;
                let deadline = core.reveal_deadline.to::<u64>();
                let revealers: Vec<u32> = core
                    .contributors
                    .iter()
                    .zip(&core.contributions)
                    .filter(|(_, c)| {
                        c.status == ContributionStatus::Contributed && c.result_hash == cv
                    })
                    .filter_map(|(a, _)| {
                        self.workers
                            .iter()
                            .position(|x| x.addr == *a)
                            .map(|i| i as u32)
                    })
                    .collect();
                for w in revealers {
                    if !matches!(
                        self.workers[w as usize].kind,
                        WorkerKind::Withholder | WorkerKind::Copier
                    ) {
                        self.q.after(self.cfg.reveal_delay_s, Ev::Reveal { t, w });
                    }
                }
                self.q.at(deadline, Ev::RevealDeadline { t, deadline });
            }
            TaskStatus::Active if self.tasks[&t].outstanding == 0 => self.assign(t, 1),
            _ => {}
        }
        Ok(())
    }

    fn on_reveal(&mut self, t: u32, w: u32) {
        let Some(task) = self.tasks.get(&t) else {
            return;
        };
        let (id, d) = (
            task.id,
            task.assigned
                .iter()
                .find(|(a, _)| *a == w)
                .map(|x| x.1)
                .unwrap_or_default(),
        );
        let env = self.env(self.workers[w as usize].addr);
        let r = self.poco.reveal(&env, id, d);
        if self.call(r).is_some() {
            let core = &self.poco.state.tasks[&id];
            if core.reveal_counter == core.winner_counter
                && !matches!(self.cfg.attack, Attack::WithholdFinalize)
            {
                self.q.after(0, Ev::Finalize { t });
            }
        }
    }

    fn on_reveal_deadline(&mut self, t: u32, deadline: u64) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        let core = &self.poco.state.tasks[&id];
        if core.status != TaskStatus::Revealing || core.reveal_deadline != U256::from(deadline) {
            return Ok(());
        }
        if matches!(self.cfg.attack, Attack::WithholdFinalize) {
            return Ok(());
        }
        if core.reveal_counter > U256::ZERO {
            return self.on_finalize(t);
        }
        let env = self.env(self.scheduler);
        let r = self.poco.reopen(&env, id);
        if self.call(r).is_some() {
            let trust = self.tasks[&t].trust;
            self.assign(t, self.initial_replicas(trust));
        }
        Ok(())
    }

    fn on_finalize(&mut self, t: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        if self.poco.state.tasks.get(&id).map(|x| x.status) != Some(TaskStatus::Revealing) {
            return Ok(());
        }
        let env = self.env(self.scheduler);
        let r = self.poco.finalize(&env, id, b"result", &[]);
        if self.call(r).is_some() {
            self.record_success(t);
        }
        Ok(())
    }

    fn record_success(&mut self, t: u32) {
        let task = self.tasks.remove(&t).expect("live");
        if self.on.m7 {
            // M7: the requester rates what it received (it can tell a useful result from a
            // useless one once it uses it); needs the completed task, so before pruning
            let right =
                self.poco.state.tasks[&task.id].consensus_value == result_hash(task.id, task.truth);
            let env = self.env(task.requester);
            let r = self.poco.rate(&env, task.id, if right { 5 } else { 1 });
            self.call(r);
        }
        let keep = self.on.m1 || self.on.m6;
        let core = if keep {
            self.poco.state.tasks[&task.id].clone()
        } else {
            self.poco.prune_task(task.id).expect("core task")
        };
        self.m.finalized += 1;
        let accepted_digest = core.result_digest;
        let honest = self.reexec(&task);
        if keep {
            let challengers: Vec<Address> = task
                .assigned
                .iter()
                .filter(|(w, d)| {
                    self.workers[*w as usize].kind == WorkerKind::Honest
                        && *d != B256::ZERO
                        && *d != accepted_digest
                })
                .map(|(w, _)| self.workers[*w as usize].addr)
                .collect();
            self.q.after(
                60,
                Ev::Watch {
                    id: task.id,
                    accepted: accepted_digest,
                    honest,
                    challengers,
                },
            );
            // after every window and escalation of the enabled mechanisms' parameters
            let mc = &self.cfg.mechanisms;
            let m1 = mc
                .optimistic_verification
                .as_ref()
                .map_or(0, |p| p.window_t + p.escalation_timeout_t);
            let m6 = mc
                .disputes
                .as_ref()
                .map_or(0, |p| p.window_t + p.resolve_timeout_t);
            self.q
                .after(m1.max(m6) * self.r + 120, Ev::Release { id: task.id });
            self.watched.insert(
                task.id,
                (task.truth, paid_of(&self.poco, task.deal), task.requester),
            );
        }
        let c = &self.cfg;
        let deal = self.poco.state.deals.get(&task.deal).expect("open deal");
        let paid = (deal.app.price + deal.dataset.price + deal.workerpool.price).to::<u64>();
        if core.consensus_value != result_hash(task.id, task.truth) {
            self.m.wrong_accepted += 1;
            self.m.victim_loss += (paid + self.external_gain) as i128;
        }
        // overpayment extracted by front-running or sniping (A5, D4, S4)
        let fair =
            c.app_price + if c.with_dataset { c.dataset_price } else { 0 } + c.workerpool_price;
        self.m.victim_loss += paid.saturating_sub(fair) as i128;
        match c.attack {
            // S5: the workers' share moved to the scheduler
            Attack::PolicyFrontRun {
                scheduler_reward_ratio,
            } => {
                let moved = c.workerpool_price as u128
                    * scheduler_reward_ratio.saturating_sub(c.scheduler_reward_ratio) as u128
                    / 100;
                self.m.victim_loss += moved as i128;
            }
            // A3: the dataset's confidentiality value leaks with every executed task
            Attack::ExfiltratingApp { data_value_nrlc } => {
                self.m.victim_loss += data_value_nrlc as i128
            }
            _ => {}
        }
        // honest contributors that lost their stake
        for (a, c) in core.contributors.iter().zip(&core.contributions) {
            if c.status != ContributionStatus::Proved
                && self
                    .workers
                    .iter()
                    .any(|w| w.addr == *a && w.kind == WorkerKind::Honest)
            {
                self.m.victim_loss += self.worker_stake as i128;
            }
        }
        self.m.time_to_finality.record(self.q.now() - task.start);
        self.close(task.deal);
    }

    fn on_claim(&mut self, t: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        let env = self.env(task.requester);
        // victims of a failure: honest workers (unpaid compute, stakes), the providers
        // (forgone revenue) and the pool (seized stake) unless they are the attacker; what
        // mechanisms pay them back at claim (compensations, pay-on-consumption) is measured
        // from their balances around the call
        let mut victims: Vec<Address> = task
            .assigned
            .iter()
            .filter(|(w, _)| self.workers[*w as usize].kind == WorkerKind::Honest)
            .map(|(w, _)| self.workers[*w as usize].addr)
            .collect();
        victims.sort();
        victims.dedup();
        let c = self.cfg.clone();
        let mut entitled = 0i128;
        if !self.controls.app_owner {
            victims.push(self.app_owner);
            entitled += c.app_price as i128;
        }
        if c.with_dataset && !self.controls.dataset_owner {
            victims.push(self.dataset_owner);
            entitled += c.dataset_price as i128;
        }
        if !self.controls.scheduler {
            victims.push(self.scheduler);
        }
        let before: i128 = victims.iter().map(|a| holdings(&self.poco, *a)).sum();
        let r = self.poco.claim(&env, id);
        if self.call(r).is_some() {
            let after: i128 = victims.iter().map(|a| holdings(&self.poco, *a)).sum();
            let task = self.tasks.remove(&t).expect("live");
            if !(self.on.m1 || self.on.m6) {
                self.poco.prune_task(id);
            }
            self.m.failed += 1;
            self.m.victim_loss +=
                (task.honest_computed * c.compute_cost_nrlc) as i128 + entitled - (after - before);
            self.close(task.deal);
        }
        Ok(())
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

    // ------------------------------------------------------------------ mechanism agents

    /// Fund `who` with `amount` after the `initial` holdings were snapshotted: set-up funding
    /// for a bond, not income, so the snapshot moves with it.
    fn fund_after_snapshot(&mut self, who: Address, amount: u128) -> Result<(), SimError> {
        fund(&mut self.poco, who, amount)?;
        *self.initial.get_mut(&who).expect("actor snapshot") += amount as i128;
        Ok(())
    }

    /// W4 for providers (Kerr & Cohen's re-entry): the garbage provider whose asset requesters
    /// avoid registers a fresh one — same artefact, new address, no ratings — and, under M4,
    /// bonds it as at set-up (a newcomer: with M7 at the maximum multiplier).
    fn reenter(&mut self, source: Provider, k: u64) -> Result<(), SimError> {
        let c = self.cfg.clone();
        let (owner, price) = match source {
            Provider::App => (self.app_owner, c.app_price),
            Provider::Dataset => (self.dataset_owner, c.dataset_price),
        };
        let asset = register_asset(&mut self.poco, source, owner, &format!("reentry-{k}"))?;
        self.m.calls += 1;
        if self.on.m4 {
            // (for the tasks still to come)
            let b = provider_bond(&c, price as u128, (c.deals - k) * c.volume);
            self.fund_after_snapshot(owner, b)?;
            let r = self
                .poco
                .bond_asset(&Env::at(owner, self.q.now()), asset, U256::from(b));
            self.call(r);
        }
        match source {
            Provider::App => self.app = asset,
            Provider::Dataset => self.dataset = asset,
        }
        self.m.reentries += 1;
        Ok(())
    }

    /// M7: the requester avoids an app or dataset rated below 2.5 stars.
    fn avoids_providers(&self) -> bool {
        self.rated_low(self.app) || self.rated_low(self.dataset)
    }

    /// M7: `asset`'s average rating is below 2.5 stars.
    fn rated_low(&self, asset: Address) -> bool {
        self.poco
            .ext
            .reputation
            .as_ref()
            .is_some_and(|rep| rep.rating_milli(asset).is_some_and(|r| r < 2_500))
    }

    /// M2 rule 6: each seat of the task's committee gets a known-answer task with probability
    /// `q_s`; the worker answers it as it answers a real task (they are indistinguishable) and
    /// the spot-checker posts the verdict before the committee contributes.
    fn spot_checks(&mut self, id: B256) {
        let Some(c) = self.poco.ext.committees.as_ref() else {
            return;
        };
        let q = c.params.spot_check_rate_ppm.min(1_000_000) as f64 / 1e6;
        let members = c.committees.get(&id).cloned().unwrap_or_default();
        for a in members {
            if !self.spot_rng.random_bool(q) {
                continue;
            }
            let Some(i) = self.workers.iter().position(|w| w.addr == a) else {
                continue;
            };
            let kind = self.workers[i].kind;
            let pass = self.answers_known_task(kind);
            let env = self.env(self.spotter);
            let r = self.poco.spot_check(&env, self.workerpool, a, pass);
            self.call(r);
            if !pass && kind == WorkerKind::Honest {
                // an honest worker slashed for a noisy answer tops its bond back up to S_min
                // (below it, rule 1 keeps it out of committees)
                let c = self.poco.ext.committees.as_ref().expect("M2 on");
                let min = U256::from(c.params.min_bond);
                let bond = c
                    .registrations
                    .get(&(self.workerpool, a))
                    .map_or(min, |r| r.bond);
                if bond < min {
                    let env = self.env(a);
                    let r = self.poco.register_worker(&env, self.workerpool, min - bond);
                    self.call(r);
                }
            }
        }
    }

    /// Whether a worker of `kind` returns the known answer of a spot-check: honest workers do
    /// (but for honest noise), so do withholders and sharers (they compute); a guesser with
    /// its guessing odds; colluders, copiers, lazy workers and vanishers do not.
    fn answers_known_task(&mut self, kind: WorkerKind) -> bool {
        let noise = self.cfg.honest_error_rate.clamp(0.0, 1.0);
        match kind {
            WorkerKind::Honest => !(noise > 0.0 && self.spot_rng.random_bool(noise)),
            WorkerKind::Withholder | WorkerKind::Sharer => true,
            WorkerKind::Guesser => self.spot_rng.random_bool(guess_odds(&self.cfg.attack)),
            WorkerKind::Colluder | WorkerKind::Copier | WorkerKind::Lazy | WorkerKind::Vanisher => {
                false
            }
        }
    }

    /// Workers the scheduler may assign to task `t`: M2 restricts to the task's committee;
    /// under M8 honest workers refuse a pool that announced σ above 20 %.
    fn eligible(&self, t: u32) -> Vec<u32> {
        let id = self.tasks[&t].id;
        let committee = self
            .poco
            .ext
            .committees
            .as_ref()
            .and_then(|c| c.committees.get(&id).cloned());
        let refuse = self.on.m8
            && self.poco.ext.market_integrity.as_ref().is_some_and(|m| {
                let p = m
                    .policies
                    .get(&self.workerpool)
                    .copied()
                    .unwrap_or_default();
                let announced = p.pending.map_or(p.current.1, |x| x.1);
                announced > U256::from(20u8)
            });
        self.candidates
            .iter()
            .copied()
            .filter(|w| {
                committee
                    .as_ref()
                    .is_none_or(|c| c.contains(&self.workers[*w as usize].addr))
            })
            .filter(|w| !(refuse && self.workers[*w as usize].kind == WorkerKind::Honest))
            .collect()
    }

    /// M4: the provider fault an honest worker observes on task `t`, if any (checksum or
    /// digest mismatch, download failure).
    fn provider_fault(&mut self, t: u32, w: u32) -> Option<Cause> {
        let k = self.tasks[&t].deal_k;
        match self.cfg.attack {
            Attack::MutableDataset => Some(Cause::DatasetBadChecksum),
            Attack::DatasetWithdrawal { from_deal } if k >= from_deal => {
                Some(Cause::DatasetDownloadFailed)
            }
            Attack::ImageMutation { from_deal, p_stale } if k >= from_deal => {
                let stale = self.workers[w as usize]
                    .rng
                    .random_bool(p_stale.clamp(0.0, 1.0));
                (!stale).then_some(Cause::AppDigestMismatch)
            }
            _ => None,
        }
    }

    /// What an honest re-execution of the task yields (no noise): the evidence verifiers and
    /// arbiters produce, and what an honest worker computes absent per-worker effects.
    fn reexec(&self, task: &SimTask) -> B256 {
        let tag = |s: &[u8]| keccak256([task.id.as_slice(), s].concat());
        match self.cfg.attack {
            Attack::DeterministicGarbage { from_deal, .. } if task.deal_k >= from_deal => {
                tag(b"garbage")
            }
            Attack::TrivialisedConsensus { .. } => keccak256(b"constant determinism file"),
            Attack::DatasetWithdrawal { from_deal } if task.deal_k >= from_deal => {
                tag(b"dataset download error")
            }
            _ => task.truth,
        }
    }

    /// M3/M4: just before the contribution deadline of a task without consensus, its honest
    /// contributors report what they observed.
    fn on_report_fault(&mut self, t: u32) {
        let Some(task) = self.tasks.get(&t) else {
            return;
        };
        let id = task.id;
        if self.poco.state.tasks.get(&id).map(|x| x.status) != Some(TaskStatus::Active) {
            return;
        }
        let cause = match self.cfg.attack {
            Attack::UnstableInputs if self.on.m3 => Cause::InputDivergent,
            Attack::NondeterministicApp { .. } if self.on.m4 => Cause::NonDeterministic,
            _ => return,
        };
        let reporters: Vec<u32> = task
            .assigned
            .iter()
            .filter(|(w, d)| {
                *d != B256::ZERO && self.workers[*w as usize].kind == WorkerKind::Honest
            })
            .map(|(w, _)| *w)
            .collect();
        for w in reporters {
            let a = self.workers[w as usize].addr;
            // the input bytes this worker saw: per-worker under R1, the same otherwise
            let input = if cause == Cause::InputDivergent {
                keccak256([id.as_slice(), a.as_slice()].concat())
            } else {
                keccak256(id.as_slice())
            };
            let env = self.env(a);
            let r = self.poco.report_failure(
                &env,
                id,
                &ReportInput::plain(cause, keccak256(a.as_slice()), input),
            );
            self.call(r);
        }
    }

    /// M1: the drawn auditor (a verifier agent) posts its re-execution; an honest loser
    /// challenges a result it disagrees with. M6: a requester that received a useless result
    /// opens a tier-1 dispute; the re-execution arbiter finds the pool at fault if its run
    /// differs from the accepted result, otherwise the result is reproducible and the dispute
    /// goes to the court, which finds the provider whose artefact yields it at fault (the
    /// court's judgement of usefulness is the one place the model reads ground truth).
    fn on_watch(&mut self, id: B256, accepted: B256, honest: B256, challengers: &[Address]) {
        if let Some(w) = self
            .poco
            .ext
            .optimistic_verification
            .as_ref()
            .and_then(|m| m.windows.get(&id).cloned())
        {
            if let Some((a, false)) = w.auditor
                && self.verifiers.contains(&a)
            {
                let env = self.env(a);
                let r = self.poco.submit_audit(&env, id, honest);
                self.call(r);
            }
            if let Some(c) = challengers.first() {
                let env = self.env(*c);
                let r = self.poco.challenge(&env, id, honest);
                self.call(r);
            }
            self.q.after(60, Ev::Panel { id, honest });
        }
        if self.on.m6 {
            let (truth, _, requester) = self.watched[&id];
            if accepted != truth {
                let before = holdings(&self.poco, requester);
                let env = self.env(requester);
                let r = self.poco.open_dispute(&env, id, 1);
                if self.call(r).is_some() {
                    let env = self.env(self.arbiter);
                    let ruling = if accepted != honest {
                        Ruling::PoolAtFault
                    } else {
                        Ruling::Reproduced
                    };
                    let r = self.poco.resolve_dispute(&env, id, ruling);
                    let mut out = self.call(r);
                    if let Some(DisputeOutcome::Escalated) = out {
                        let ruling = self
                            .culprit()
                            .map_or(Ruling::Upheld, Ruling::ProviderAtFault);
                        let r = self.poco.resolve_dispute(&env, id, ruling);
                        out = self.call(r);
                    }
                    if let Some(DisputeOutcome::Settled {
                        ruling: Ruling::PoolAtFault | Ruling::ProviderAtFault(_),
                        ..
                    }) = out
                    {
                        let refund = holdings(&self.poco, requester) - before;
                        self.undo_wrong(id, Some(refund));
                    }
                }
            }
        }
    }

    /// M1: every verifier agent on the escalation panel votes its re-execution.
    fn on_panel(&mut self, id: B256, honest: B256) {
        let Some(w) = self
            .poco
            .ext
            .optimistic_verification
            .as_ref()
            .and_then(|m| m.windows.get(&id).cloned())
        else {
            return;
        };
        for v in w
            .panel
            .iter()
            .filter(|v| self.verifiers.contains(v))
            .copied()
            .collect::<Vec<_>>()
        {
            let env = self.env(v);
            let r = self.poco.vote(&env, id, honest);
            if let Some(Verdict::Overturned) = self.call(r) {
                self.undo_wrong(id, None);
            }
        }
    }

    /// A wrong result was overturned (M1: the escrowed payment goes back, `refund = None`) or
    /// won in a dispute (M6: the requester got `refund` back): the requester did not accept it
    /// after all, so it does not suffer the loss `L`.
    fn undo_wrong(&mut self, id: B256, refund: Option<i128>) {
        if let Some((truth, paid, _)) = self.watched.remove(&id)
            && self
                .poco
                .state
                .tasks
                .get(&id)
                .is_some_and(|t| t.consensus_value != result_hash(id, truth))
        {
            self.m.wrong_accepted -= 1;
            self.m.overturned += 1;
            self.m.victim_loss -= refund.unwrap_or(paid as i128) + self.external_gain as i128;
        }
    }

    /// M6 court: the provider whose artefact makes a reproducible result useless, if any (A4/D1
    /// garbage, A6's constant determinism file, D2's download-error result).
    fn culprit(&self) -> Option<Party> {
        match self.cfg.attack {
            Attack::DeterministicGarbage {
                source: Provider::App,
                ..
            }
            | Attack::TrivialisedConsensus { .. } => Some(Party::App),
            Attack::DeterministicGarbage {
                source: Provider::Dataset,
                ..
            }
            | Attack::DatasetWithdrawal { .. } => Some(Party::Dataset),
            _ => None,
        }
    }

    /// M1/M6: close the windows (anyone may call; the scheduler does).
    fn on_release(&mut self, id: B256) {
        let env = self.env(self.scheduler);
        if self.on.m1 {
            let r = self.poco.release_escrow(&env, id);
            self.call(r);
        }
        if self.on.m6 {
            let r = self.poco.release_deposits(&env, id);
            self.call(r);
        }
        self.watched.remove(&id);
    }

    fn settle(mut self) -> RunMetrics {
        let delta = |p: &Poco<Mechanisms>, initial: &FxHashMap<Address, i128>, a: Address| {
            holdings(p, a) - initial[&a]
        };
        let c = &self.cfg;
        let p = &self.poco;
        self.m.requester_outflow = -self
            .requesters
            .iter()
            .map(|r| delta(p, &self.initial, *r))
            .sum::<i128>();
        self.m.scheduler_income = delta(p, &self.initial, self.scheduler);
        let app_rev = delta(p, &self.initial, self.app_owner);
        let ds_rev = delta(p, &self.initial, self.dataset_owner);
        self.m.provider_revenue = app_rev + ds_rev;
        self.m.provider_entitled = ((c.app_price
            + if c.with_dataset { c.dataset_price } else { 0 })
            * self.m.tasks) as i128;
        let mut attacker = 0i128;
        let mut attacker_replicas = 0u64;
        for w in &self.workers {
            let d = delta(p, &self.initial, w.addr);
            if w.kind == WorkerKind::Honest {
                self.m.honest_worker_income += d;
                self.m.honest_worker_income_sq += (d as f64) * (d as f64);
            } else {
                attacker += d;
                attacker_replicas += w.replicas;
            }
        }
        let ctl = self.controls;
        if ctl.scheduler {
            attacker += self.m.scheduler_income;
        }
        if ctl.requester {
            attacker -= self.m.requester_outflow;
        }
        // a provider's gain from attacking is what it earned beyond the price of the correct
        // results it delivered (what it would have earned honestly)
        // (an overturned or refunded result was wrong all the same)
        let correct = self.m.finalized - self.m.wrong_accepted - self.m.overturned;
        if ctl.app_owner {
            // (under A3/C2 the app owner and the requester are one coalition: P_a is an
            // internal transfer, not revenue to correct for)
            let honest = if matches!(c.attack, Attack::ExfiltratingApp { .. }) {
                0
            } else {
                c.app_price * correct
            };
            attacker += app_rev - honest as i128;
        }
        if ctl.dataset_owner {
            attacker +=
                ds_rev - (if c.with_dataset { c.dataset_price } else { 0 } * correct) as i128;
        }
        if let Some(ring) = &self.ring {
            attacker += delta(p, &self.initial, ring.owner);
        }
        match c.attack {
            // the coalition obtained every failed task's result off-chain: worth its price
            // the coalition obtained every failed task's result off-chain; through its own pool
            // it would otherwise have paid the providers P_a + P_d for it (§1.1 R3)
            Attack::WithholdFinalize => {
                attacker += (self.m.failed
                    * (c.app_price + if c.with_dataset { c.dataset_price } else { 0 }))
                    as i128
            }
            Attack::ExfiltratingApp { data_value_nrlc } => {
                attacker += (self.m.finalized * data_value_nrlc) as i128
            }
            _ => {}
        }
        attacker += (self.m.wrong_accepted * self.attacker_gain) as i128;
        attacker -= (attacker_replicas * c.compute_cost_nrlc) as i128;
        self.m.attacker_profit = if matches!(c.attack, Attack::None) {
            0
        } else {
            attacker
        };
        self.m.kitty = p.view_account(KITTY_ADDRESS).frozen.to::<u128>();
        self.m.ring_tasks = self.ring.as_ref().map_or(0, |r| r.deals);
        self.m.top_attacker_score = self
            .workers
            .iter()
            .filter(|w| w.kind.adversarial())
            .map(|w| p.view_score(w.addr).to::<u64>())
            .max()
            .unwrap_or(0);
        self.m
    }
}

/// The app (`registry/app:1`) or dataset (`ipfs://data`) artefact of a run, registered to
/// `owner` under `name` (a fresh name gives a fresh address for the same artefact).
fn register_asset(
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
fn registration_bond(cfg: &MarketConfig) -> u64 {
    cfg.mechanisms
        .committees
        .as_ref()
        .map_or(0, |c| c.min_bond)
        .max(1)
}

/// A guesser's odds of guessing the right output (W8's `p_correct`, else 0).
fn guess_odds(attack: &Attack) -> f64 {
    match attack {
        Attack::Guessing { p_correct, .. } => p_correct.clamp(0.0, 1.0),
        _ => 0.0,
    }
}

/// M4: what a provider bonds for an asset priced `price` (nRLC) so that every reservation of
/// the run fits: `κ·price·tasks`, times `1 + κ_r` with M7 (a newcomer's reservations are
/// reputation-sized), at least 2 RLC.
fn provider_bond(cfg: &MarketConfig, price: u128, tasks: u64) -> u128 {
    let mc = &cfg.mechanisms;
    let kappa = mc.provider_bond.as_ref().map_or(100, |p| p.kappa_pct) as u128
        * (100 + mc.reputation.as_ref().map_or(0, |r| r.bond_kappa_pct) as u128)
        / 100;
    (price * kappa / 100 * tasks as u128).max(2 * RLC)
}

/// Mint `amount` RLC to `who` and deposit it into its PoCo account (setup).
fn fund(poco: &mut Poco<Mechanisms>, who: Address, amount: u128) -> Result<(), SimError> {
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

fn adversaries(honest: u64, fraction: f64) -> u64 {
    if fraction <= 0.0 {
        return 0;
    }
    let f = fraction.min(0.99);
    ((honest as f64) * f / (1.0 - f)).round() as u64
}

pub(crate) fn validate(c: &MarketConfig) -> Result<(), SimError> {
    let bad = |m: &str| Err(SimError::Config(m.to_string()));
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
    let probs: Vec<(&str, f64)> = match &c.attack {
        Attack::ColludingWorkers { fraction, .. }
        | Attack::RevealWithholding { fraction }
        | Attack::Vanishing { fraction }
        | Attack::LazyCopying { fraction }
        | Attack::ResultSharing { fraction }
        | Attack::Censorship { fraction } => vec![("fraction", *fraction)],
        Attack::Guessing {
            fraction,
            p_correct,
        } => vec![("fraction", *fraction), ("p_correct", *p_correct)],
        Attack::TrivialisedConsensus { lazy_fraction } => vec![("lazy_fraction", *lazy_fraction)],
        Attack::NondeterministicApp { p } | Attack::WithdrawRace { p } => vec![("p", *p)],
        Attack::ImageMutation { p_stale, .. } => vec![("p_stale", *p_stale)],
        Attack::ResourceBomb { crash_p } => vec![("crash_p", *crash_p)],
        _ => vec![],
    };
    if let Attack::PolicyFrontRun {
        scheduler_reward_ratio,
    } = c.attack
        && scheduler_reward_ratio > 100
    {
        return bad("attack.scheduler_reward_ratio must be ≤ 100");
    }
    if let Attack::SlowPool { tasks_per_hour: 0 } = c.attack {
        return bad("attack.tasks_per_hour must be ≥ 1");
    }
    for (name, p) in std::iter::once(("honest_error_rate", c.honest_error_rate)).chain(probs) {
        if !(0.0..=1.0).contains(&p) {
            return Err(SimError::Config(format!(
                "{name} must be in [0, 1], got {p}"
            )));
        }
    }
    if c.volume > 65_535 {
        return bad("volume must be < 65536");
    }
    Ok(())
}

/// Convenience: set up and play one run.
pub fn run(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<RunMetrics, SimError> {
    Market::new(cfg, master_seed, run)?.run()
}
