//! The PoCo-exact marketplace: a discrete-event run that drives the real protocol core
//! (`pocolab-core`, signatures off) with requester, scheduler and worker agents. Off-chain
//! facts the chain cannot see are explicit here: the correct result of each task
//! (`truth`), what each replica computes, whether inputs are stable and the app deterministic.

use pocolab_core::constants::{KITTY_ADDRESS, WORKERPOOL_STAKE_RATIO};
use pocolab_core::orders::{result_hash, result_seal};
use pocolab_core::{
    Address, AppOrder, B256, Bytes, Config, ContributionStatus, DatasetOrder, Env, Poco, RequestOrder, TaskStatus, U256,
    WorkerpoolOrder, keccak256,
};
use rand::RngExt;
use rustc_hash::FxHashMap;

use crate::config::{Attack, MarketConfig};
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
    Contribute { t: u32, w: u32 },
    Reveal { t: u32, w: u32 },
    RevealDeadline { t: u32, deadline: u64 },
    Finalize { t: u32 },
    Claim { t: u32 },
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
}

/// One PoCo-exact market run.
pub struct Market {
    cfg: MarketConfig,
    poco: Poco,
    q: Queue<Ev>,
    requester: Address,
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
    attacker_scheduler: bool,
    attacker_requester: bool,
    external_gain: u64,
    worker_stake: u64,
    r: u64,
}

const T0: u64 = 1_700_000_000;

fn synthetic(kind: &str, i: u64) -> Address {
    Address::from_slice(&keccak256(format!("pocolab-sim:{kind}:{i}"))[12..])
}

fn holdings(p: &Poco, a: Address) -> i128 {
    let acc = p.view_account(a);
    (acc.balance + acc.frozen).to::<u128>() as i128
}

impl Market {
    /// Set up a run: deploy PoCo (signatures off), create assets, fund actors, build agents.
    pub fn new(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<Self, SimError> {
        validate(cfg)?;
        let mut poco = Poco::new(Config { verify_signatures: false, ..Config::default() });
        let requester = synthetic("requester", 0);
        let scheduler = synthetic("scheduler", 0);
        let app_owner = synthetic("app-owner", 0);
        let dataset_owner = synthetic("dataset-owner", 0);
        let perr = |call| move |err| SimError::Protocol { call, err };
        let app = poco
            .create_app(app_owner, "app", "DOCKER", Bytes::from_static(b"registry/app:1"), keccak256("app"), Bytes::new())
            .map_err(perr("createApp"))?;
        let dataset = poco.create_dataset(dataset_owner, "dataset", Bytes::from_static(b"ipfs://data"), keccak256("data")).map_err(perr("createDataset"))?;
        let workerpool = poco.create_workerpool(scheduler, "pool").map_err(perr("createWorkerpool"))?;
        let senv = Env::at(scheduler, T0);
        poco.change_policy(&senv, workerpool, U256::from(cfg.worker_stake_ratio), U256::from(cfg.scheduler_reward_ratio))
            .map_err(perr("changePolicy"))?;
        let r = poco.view_category(U256::from(cfg.category)).map_err(perr("viewCategory"))?.work_clock_time_ref.to::<u64>();

        // workers: honest first, then the attack's population
        let n_honest = cfg.honest_workers;
        let (adv_kind, n_adv) = match &cfg.attack {
            Attack::ColludingWorkers { fraction, .. } => (WorkerKind::Colluder, adversaries(n_honest, *fraction)),
            Attack::SchedulerSybils { sybils, .. } => (WorkerKind::Colluder, *sybils),
            Attack::RevealWithholding { fraction } => (WorkerKind::Withholder, adversaries(n_honest, *fraction)),
            Attack::Vanishing { fraction } => (WorkerKind::Vanisher, adversaries(n_honest, *fraction)),
            Attack::LazyCopying { fraction } => (WorkerKind::Copier, adversaries(n_honest, *fraction)),
            _ => (WorkerKind::Honest, 0),
        };
        let mut workers = Vec::new();
        for i in 0..n_honest + n_adv {
            let kind = if i < n_honest { WorkerKind::Honest } else { adv_kind };
            workers.push(Worker { addr: synthetic("worker", i), kind, rng: stream(master_seed, run, "worker", i), replicas: 0 });
        }
        let candidates: Vec<u32> = match &cfg.attack {
            Attack::SchedulerSybils { .. } => (n_honest as u32..(n_honest + n_adv) as u32).collect(),
            _ => (0..workers.len() as u32).collect(),
        };
        if candidates.is_empty() {
            return Err(SimError::Config("no worker can be selected".into()));
        }

        // funding: enough for every lock of the run, twice over
        let tasks = cfg.deals * cfg.volume;
        let price = cfg.app_price as u128 + cfg.dataset_price as u128 + cfg.workerpool_price as u128;
        let worker_stake = cfg.workerpool_price as u128 * cfg.worker_stake_ratio as u128 / 100;
        let s_pool = cfg.workerpool_price as u128 * WORKERPOOL_STAKE_RATIO as u128 / 100;
        let mut fund = |who: Address, amount: u128| -> Result<(), SimError> {
            let v = U256::from(amount);
            poco.mint_rlc(who, v).map_err(perr("mint"))?;
            poco.deposit(&Env::at(who, T0), v).map_err(perr("deposit"))
        };
        fund(requester, 2 * price * tasks as u128 + 1)?;
        fund(scheduler, 2 * s_pool * tasks as u128 + 1)?;
        for w in &workers {
            fund(w.addr, worker_stake * (2 * cfg.max_replicas as u128 * tasks as u128).min(10_000) + 1)?;
        }
        for w in &workers {
            if cfg.initial_score > 0 {
                poco.state.scores.insert(w.addr, U256::from(cfg.initial_score));
            }
        }
        let mut initial = FxHashMap::default();
        for a in [requester, scheduler, app_owner, dataset_owner].into_iter().chain(workers.iter().map(|w| w.addr)) {
            initial.insert(a, holdings(&poco, a));
        }
        let m = RunMetrics { honest_workers: n_honest, ..RunMetrics::default() };
        let external_gain = match &cfg.attack {
            Attack::ColludingWorkers { external_gain_nrlc, .. } | Attack::SchedulerSybils { external_gain_nrlc, .. } => *external_gain_nrlc,
            _ => 0,
        };
        let mut q = Queue::starting_at(T0);
        q.at(T0, Ev::Deal(0));
        Ok(Self {
            attacker_scheduler: matches!(cfg.attack, Attack::SchedulerSybils { .. } | Attack::WithholdFinalize),
            attacker_requester: matches!(cfg.attack, Attack::UnstableInputs | Attack::WithholdFinalize),
            cfg: cfg.clone(),
            poco,
            q,
            requester,
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
            worker_stake: worker_stake as u64,
            r,
        })
    }

    /// Play every event, then settle the metrics.
    pub fn run(mut self) -> Result<RunMetrics, SimError> {
        while let Some((now, ev)) = self.q.pop() {
            let locked = self.poco.state.ledger.balance_of(self.poco.state.ledger.proxy()) - self.poco.state.ledger.frozen_of(KITTY_ADDRESS);
            self.m.capital_time += locked.to::<u128>() * (now - self.last_time) as u128;
            self.last_time = now;
            match ev {
                Ev::Deal(k) => self.on_deal(k)?,
                Ev::Contribute { t, w } => self.on_contribute(t, w)?,
                Ev::Reveal { t, w } => self.on_reveal(t, w),
                Ev::RevealDeadline { t, deadline } => self.on_reveal_deadline(t, deadline)?,
                Ev::Finalize { t } => self.on_finalize(t)?,
                Ev::Claim { t } => self.on_claim(t)?,
            }
        }
        self.poco.state.ledger.check_invariants().map_err(SimError::Config)?;
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
        let salt = B256::from(U256::from(k));
        let vol = U256::from(c.volume);
        let app = AppOrder { app: self.app, appprice: U256::from(c.app_price), volume: vol, salt, ..Default::default() };
        let dataset = if c.with_dataset {
            DatasetOrder { dataset: self.dataset, datasetprice: U256::from(c.dataset_price), volume: vol, salt, ..Default::default() }
        } else {
            DatasetOrder::default()
        };
        let wp = WorkerpoolOrder {
            workerpool: self.workerpool,
            workerpoolprice: U256::from(c.workerpool_price),
            volume: vol,
            category: U256::from(c.category),
            trust: U256::from(c.trust),
            salt,
            ..Default::default()
        };
        let req = RequestOrder {
            app: self.app,
            appmaxprice: app.appprice,
            dataset: dataset.dataset,
            datasetmaxprice: dataset.datasetprice,
            workerpool: self.workerpool,
            workerpoolmaxprice: wp.workerpoolprice,
            requester: self.requester,
            volume: vol,
            category: wp.category,
            trust: wp.trust,
            salt,
            ..Default::default()
        };
        let env = self.env(self.requester);
        let deal = self.poco.match_orders(&env, &app, &dataset, &wp, &req).map_err(|err| SimError::Protocol { call: "matchOrders", err })?;
        self.m.calls += 1;
        self.deal_open.insert(deal, c.volume);
        let now = self.q.now();
        for idx in 0..c.volume {
            let id = self.poco.initialize(&env, deal, U256::from(idx)).map_err(|err| SimError::Protocol { call: "initialize", err })?;
            self.m.calls += 1;
            self.m.tasks += 1;
            let t = self.next_task;
            self.next_task += 1;
            let task = SimTask {
                id,
                deal,
                start: now,
                contribution_deadline: now + 7 * self.r,
                truth: keccak256([id.as_slice(), b"truth"].concat()),
                assigned: Vec::new(),
                outstanding: 0,
                honest_computed: 0,
            };
            self.tasks.insert(t, task);
            self.q.at(now + 10 * self.r, Ev::Claim { t });
            let first = self.initial_replicas();
            self.assign(t, first);
        }
        if k + 1 < c.deals {
            self.q.after(c.deal_interval_s, Ev::Deal(k + 1));
        }
        Ok(())
    }

    /// Replicas an honest scheduler assigns up front: the fewest fresh-weight workers whose
    /// agreement reaches consensus (spec §7.5; 1 on the fast path).
    fn initial_replicas(&self) -> u64 {
        let t = self.cfg.trust.max(1) as u128;
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
            if task.assigned.len() as u64 >= self.cfg.max_replicas || task.assigned.len() >= self.candidates.len() || now >= task.contribution_deadline {
                return;
            }
            let w = loop {
                let w = self.candidates[self.sched_rng.random_range(0..self.candidates.len())];
                if !task.assigned.iter().any(|(x, _)| *x == w) {
                    break w;
                }
            };
            let worker = &mut self.workers[w as usize];
            let dt = exponential(&mut worker.rng, self.cfg.compute_mean_s).ceil().max(1.0) as u64;
            let task = self.tasks.get_mut(&t).expect("live task");
            task.assigned.push((w, B256::ZERO));
            task.outstanding += 1;
            self.q.after(dt, Ev::Contribute { t, w });
        }
    }

    /// What worker `w` contributes to task `t` (off-chain facts made explicit).
    fn compute(&mut self, t: u32, w: u32) -> Option<B256> {
        let task = &self.tasks[&t];
        let (id, truth) = (task.id, task.truth);
        let worker = &mut self.workers[w as usize];
        let random = |rng: &mut SimRng| B256::from(rng.random::<[u8; 32]>());
        let d = match worker.kind {
            WorkerKind::Vanisher => return None,
            WorkerKind::Colluder => keccak256([id.as_slice(), b"attacker"].concat()),
            WorkerKind::Copier => return Some(B256::ZERO), // handled by the caller
            WorkerKind::Honest | WorkerKind::Withholder => {
                if matches!(self.cfg.attack, Attack::UnstableInputs) {
                    keccak256([id.as_slice(), worker.addr.as_slice()].concat())
                } else if let Attack::NondeterministicApp { p } = self.cfg.attack
                    && worker.rng.random_bool(p.clamp(0.0, 1.0))
                {
                    random(&mut worker.rng)
                } else if self.cfg.honest_error_rate > 0.0 && worker.rng.random_bool(self.cfg.honest_error_rate.clamp(0.0, 1.0)) {
                    random(&mut worker.rng)
                } else {
                    truth
                }
            }
        };
        worker.replicas += 1;
        if worker.kind == WorkerKind::Honest {
            self.m.honest_replicas += 1;
            self.tasks.get_mut(&t).expect("live").honest_computed += 1;
        }
        self.m.replicas += 1;
        Some(d)
    }

    fn on_contribute(&mut self, t: u32, w: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else { return Ok(()) };
        let id = task.id;
        let status = self.poco.state.tasks.get(&id).map(|x| x.status);
        self.tasks.get_mut(&t).expect("live").outstanding -= 1;
        if status != Some(TaskStatus::Active) {
            return Ok(());
        }
        let addr = self.workers[w as usize].addr;
        let kind = self.workers[w as usize].kind;
        let env = self.env(addr);
        let fast = self.cfg.fast_path && self.cfg.trust <= 1;
        match self.compute(t, w) {
            None => {
                // vanished: the scheduler notices and replaces the replica
                self.assign(t, 1);
                return Ok(());
            }
            Some(d) if kind == WorkerKind::Copier => {
                // copy a published hash, cannot produce the matching seal
                let published = self.poco.state.tasks[&id].contributions.first().map(|c| c.result_hash);
                let (rh, seal) = match published {
                    Some(h) => (h, keccak256(addr.as_slice())),
                    None => (result_hash(id, d), result_seal(addr, id, d)),
                };
                let r = self.poco.contribute(&env, id, rh, seal, Address::ZERO, &[], &[]);
                self.call(r);
            }
            Some(d) => {
                self.tasks.get_mut(&t).expect("live").assigned.iter_mut().find(|(a, _)| *a == w).expect("assigned").1 = d;
                if fast {
                    let r = self.poco.contribute_and_finalize(&env, id, d, b"result", &[], Address::ZERO, &[], &[]);
                    if self.call(r).is_some() {
                        self.record_success(t);
                    }
                    return Ok(());
                }
                let r = self.poco.contribute(&env, id, result_hash(id, d), result_seal(addr, id, d), Address::ZERO, &[], &[]);
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
                    .filter(|(_, c)| c.status == ContributionStatus::Contributed && c.result_hash == cv)
                    .filter_map(|(a, _)| self.workers.iter().position(|x| x.addr == *a).map(|i| i as u32))
                    .collect();
                for w in revealers {
                    if !matches!(self.workers[w as usize].kind, WorkerKind::Withholder | WorkerKind::Copier) {
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
        let Some(task) = self.tasks.get(&t) else { return };
        let (id, d) = (task.id, task.assigned.iter().find(|(a, _)| *a == w).map(|x| x.1).unwrap_or_default());
        let env = self.env(self.workers[w as usize].addr);
        let r = self.poco.reveal(&env, id, d);
        if self.call(r).is_some() {
            let core = &self.poco.state.tasks[&id];
            if core.reveal_counter == core.winner_counter && !matches!(self.cfg.attack, Attack::WithholdFinalize) {
                self.q.after(0, Ev::Finalize { t });
            }
        }
    }

    fn on_reveal_deadline(&mut self, t: u32, deadline: u64) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else { return Ok(()) };
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
            self.assign(t, self.initial_replicas());
        }
        Ok(())
    }

    fn on_finalize(&mut self, t: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else { return Ok(()) };
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
        let core = self.poco.state.tasks.remove(&task.id).expect("core task");
        self.m.finalized += 1;
        if core.consensus_value != result_hash(task.id, task.truth) {
            self.m.wrong_accepted += 1;
            let price = self.cfg.app_price + self.cfg.dataset_price + self.cfg.workerpool_price;
            self.m.victim_loss += (price + self.external_gain) as i128;
        }
        // honest contributors that lost their stake
        for (a, c) in core.contributors.iter().zip(&core.contributions) {
            if c.status != ContributionStatus::Proved && self.workers.iter().any(|w| w.addr == *a && w.kind == WorkerKind::Honest) {
                self.m.victim_loss += self.worker_stake as i128;
            }
        }
        self.m.time_to_finality.record(self.q.now() - task.start);
        self.close(task.deal);
    }

    fn on_claim(&mut self, t: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else { return Ok(()) };
        let id = task.id;
        let env = self.env(self.requester);
        let r = self.poco.claim(&env, id);
        if self.call(r).is_some() {
            let task = self.tasks.remove(&t).expect("live");
            self.poco.state.tasks.remove(&id);
            self.m.failed += 1;
            let c = &self.cfg;
            // victims: workers' unpaid compute, providers' forgone revenue, and the pool's
            // seized stake unless the scheduler is the attacker
            let mut loss = (task.honest_computed * c.compute_cost_nrlc) as i128 + (c.app_price + c.dataset_price) as i128;
            if !self.attacker_scheduler {
                loss += (c.workerpool_price * WORKERPOOL_STAKE_RATIO / 100) as i128;
            }
            self.m.victim_loss += loss;
            self.close(task.deal);
        }
        Ok(())
    }

    fn close(&mut self, deal: B256) {
        let left = self.deal_open.get_mut(&deal).expect("open deal");
        *left -= 1;
        if *left == 0 {
            self.deal_open.remove(&deal);
            self.poco.state.deals.remove(&deal);
        }
    }

    fn settle(mut self) -> RunMetrics {
        let delta = |p: &Poco, initial: &FxHashMap<Address, i128>, a: Address| holdings(p, a) - initial[&a];
        let c = &self.cfg;
        let p = &self.poco;
        self.m.requester_outflow = -delta(p, &self.initial, self.requester);
        self.m.scheduler_income = delta(p, &self.initial, self.scheduler);
        self.m.provider_revenue = delta(p, &self.initial, self.app_owner) + delta(p, &self.initial, self.dataset_owner);
        self.m.provider_entitled = ((c.app_price + if c.with_dataset { c.dataset_price } else { 0 }) * self.m.tasks) as i128;
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
        if self.attacker_scheduler {
            attacker += self.m.scheduler_income;
        }
        if self.attacker_requester {
            attacker -= self.m.requester_outflow;
        }
        if matches!(c.attack, Attack::WithholdFinalize) {
            // the coalition obtained every failed task's result off-chain: worth its price
            attacker += (self.m.failed * (c.app_price + c.dataset_price + c.workerpool_price)) as i128;
        }
        attacker += (self.m.wrong_accepted * self.external_gain) as i128;
        attacker -= (attacker_replicas * c.compute_cost_nrlc) as i128;
        self.m.attacker_profit = if matches!(c.attack, Attack::None) { 0 } else { attacker };
        self.m
    }
}

fn adversaries(honest: u64, fraction: f64) -> u64 {
    if fraction <= 0.0 {
        return 0;
    }
    let f = fraction.min(0.99);
    ((honest as f64) * f / (1.0 - f)).round() as u64
}

fn validate(c: &MarketConfig) -> Result<(), SimError> {
    let bad = |m: &str| Err(SimError::Config(m.to_string()));
    if c.deals == 0 || c.volume == 0 {
        return bad("deals and volume must be ≥ 1");
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
    for (name, p) in [("honest_error_rate", c.honest_error_rate)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(SimError::Config(format!("{name} must be in [0, 1], got {p}")));
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
