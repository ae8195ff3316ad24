//! Adversaries: what each attack of [`crate::config::Attack`] does to the market, one place per
//! attack.
//!
//! The market ([`crate::market`]) plays the honest flow — demand, matching, assignment,
//! contribution, reveal, finalization, claim and the mechanisms' agents — and asks its
//! [`Adversary`] at each phase where an attack can deviate. Every phase is a default method
//! that behaves honestly (the threat model's "everyone honest"); an attack overrides only the
//! phases it changes, as revm's `Handler` lets an EVM variant override only some steps of a
//! transaction. The phases, in the order a run meets them:
//!
//! 1. population and control — [`Adversary::population`], [`Adversary::candidates`],
//!    [`Adversary::controls`];
//! 2. set-up — [`Adversary::deploy`] (extra assets), [`Adversary::prices`],
//!    [`Adversary::prepare`] (funding, farming before the market opens);
//! 3. demand and matching — [`Adversary::before_deal`], [`Adversary::requested_trust`],
//!    [`Adversary::before_orders`], [`Adversary::front_run`], [`Adversary::pool_may_refuse`];
//! 4. which tasks run, and when — [`Adversary::censors`], [`Adversary::start_delay`];
//! 5. what the inputs and artefacts make a run yield — [`Adversary::truth`],
//!    [`Adversary::reference`], [`Adversary::run_on_worker`], [`Adversary::provider_fault`],
//!    [`Adversary::divergence`], [`Adversary::culprit`];
//! 6. what each adversarial replica computes, commits and reveals — [`Adversary::replica`],
//!    [`Adversary::crashes`], [`Adversary::fetches_keys`], [`Adversary::reveals`],
//!    [`Adversary::answers_known_task`];
//! 7. finalization and settlement — [`Adversary::finalizes`], [`Adversary::after_market`],
//!    and what the attack is worth outside the chain: [`Adversary::loss_per_wrong`],
//!    [`Adversary::gain_per_wrong`], [`Adversary::loss_per_result`],
//!    [`Adversary::gain_off_chain`], [`Adversary::honest_revenue`].
//!
//! One module per threat family (ids of threats-and-mechanisms.md §1): [`requester`] (R),
//! [`provider`] (A, D), [`scheduler`] (S, G1), [`ring`] (S7, S9, C5), [`workers`] (W);
//! [`coalition`] composes several adversaries. [`of`] builds the adversary of an [`Attack`].
//! Adding an attack is one type in its family's module, its arm in [`of`], its `Attack`
//! variant and its entry in [`crate::threats`].

use std::ops::Range;

use pocolab_core::{Address, B256, Env, Poco, keccak256};
use pocolab_mechanisms::{Cause, Mechanisms, Party};

use crate::config::{Attack, MarketConfig, Provider};
use crate::market::{Market, Orders, SimError};
use crate::metrics::RunMetrics;
use crate::rng::SimRng;

pub(crate) mod coalition;
pub(crate) mod provider;
pub(crate) mod requester;
pub(crate) mod ring;
pub(crate) mod scheduler;
pub(crate) mod workers;

pub(crate) use ring::Ring;
pub(crate) use workers::WorkerKind;

/// Which parties an attack controls (their balance changes count as the attacker's).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Controls {
    pub requester: bool,
    pub scheduler: bool,
    pub app_owner: bool,
    pub dataset_owner: bool,
}

impl Controls {
    /// The owner of `source`'s asset.
    pub(crate) fn provider(source: Provider) -> Self {
        match source {
            Provider::App => Controls {
                app_owner: true,
                ..Controls::default()
            },
            Provider::Dataset => Controls {
                dataset_owner: true,
                ..Controls::default()
            },
        }
    }

    /// Both coalitions' parties.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn union(self, o: Controls) -> Self {
        Controls {
            requester: self.requester || o.requester,
            scheduler: self.scheduler || o.scheduler,
            app_owner: self.app_owner || o.app_owner,
            dataset_owner: self.dataset_owner || o.dataset_owner,
        }
    }
}

/// What the providers and the pool ask per task, and what requesters accept to pay at most
/// (nRLC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prices {
    pub app_ask: u128,
    pub dataset_ask: u128,
    pub pool_ask: u128,
    pub app_max: u128,
    pub dataset_max: u128,
    pub pool_max: u128,
}

impl Prices {
    /// The configured prices, which requesters pay exactly.
    pub(crate) fn listed(c: &MarketConfig) -> Self {
        let (a, d, w) = (
            c.app_price as u128,
            c.dataset_price as u128,
            c.workerpool_price as u128,
        );
        Prices {
            app_ask: a,
            dataset_ask: d,
            pool_ask: w,
            app_max: a,
            dataset_max: d,
            pool_max: w,
        }
    }
}

/// `p` raised by `pct` %.
pub(crate) fn markup(pct: u64, p: u128) -> u128 {
    p * (100 + pct as u128) / 100
}

/// `H(id ‖ s)`, the digest of a task-specific output named `s` (no allocation; `s` ≤ 64 bytes).
pub(crate) fn tag(id: B256, s: &[u8]) -> B256 {
    let mut buf = [0u8; 96];
    buf[..32].copy_from_slice(id.as_slice());
    buf[32..32 + s.len()].copy_from_slice(s);
    keccak256(&buf[..32 + s.len()])
}

/// The off-chain facts of a task an adversary's hooks read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskFacts {
    /// the core task id
    pub id: B256,
    /// the correct result
    pub truth: B256,
    /// index of its deal (arrival order)
    pub deal_k: u64,
}

/// One worker running the app on its own inputs.
pub(crate) struct WorkerRun<'a> {
    pub task: TaskFacts,
    pub worker: Address,
    /// the worker's stream
    pub rng: &'a mut SimRng,
    /// M4 is on: workers run the image digest pinned at set-up
    pub pinned: bool,
}

/// What an adversarial worker does with a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replica {
    /// runs the app honestly (its compute is counted)
    Honest,
    /// runs the app honestly and hands the result to its fellow sharers
    HonestShared,
    /// never contributes
    Lost,
    /// commits `d`, having spent compute or not
    Submit {
        /// the digest committed
        d: B256,
        /// the replica ran (its compute is counted)
        computed: bool,
    },
    /// commits a result hash already published on chain, without its seal
    Copy,
}

/// The adversary of a run: every phase where an attack can deviate from the honest flow, each
/// honest by default. Hooks that take a worker kind are called for adversarial workers only.
pub(crate) trait Adversary {
    // ------------------------------------------------------------ 1. population and control

    /// Adversarial workers joining after `honest` honest ones, by kind, in order.
    fn population(&self, _honest: u64) -> Vec<(WorkerKind, u64)> {
        Vec::new()
    }

    /// Indices of the workers the victim pool's scheduler selects from (honest workers are
    /// `0..honest`, all workers `0..all`).
    fn candidates(&self, _honest: u32, all: u32) -> Range<u32> {
        0..all
    }

    /// Which parties the adversary controls.
    fn controls(&self) -> Controls {
        Controls::default()
    }

    /// Everyone is honest (no attacker whose profit to measure).
    fn is_honest(&self) -> bool {
        false
    }

    // ------------------------------------------------------------ 2. set-up

    /// Assets of its own the adversary deploys once the honest parties are funded, before the
    /// mechanisms are set up; `own` are the indices of its workers.
    fn deploy(
        &self,
        _poco: &mut Poco<Mechanisms>,
        _own: Range<u32>,
    ) -> Result<Option<Ring>, SimError> {
        Ok(None)
    }

    /// Asks and requesters' maximum prices (from `p`, the listed ones).
    fn prices(&self, p: Prices) -> Prices {
        p
    }

    /// Runs once the market is set up and its actors' holdings snapshotted, before the first
    /// deal (funding its bonds, farming).
    fn prepare(&self, _m: &mut Market) -> Result<(), SimError> {
        Ok(())
    }

    // ------------------------------------------------------------ 3. demand and matching

    /// Before deal `k` is drawn.
    fn before_deal(&self, _m: &mut Market, _k: u64) -> Result<(), SimError> {
        Ok(())
    }

    /// The trust a requester asks for when it would choose `chosen`.
    fn requested_trust(&self, chosen: u64) -> u64 {
        chosen
    }

    /// Once deal `k`'s requester and trust are drawn, before its orders are published.
    fn before_orders(&self, _m: &mut Market, _k: u64) {}

    /// The deal's orders are published and its match is pending (sent from `env`): the
    /// adversary may race it, and may change the orders the match then uses.
    fn front_run(&self, _m: &mut Market, _o: &mut Orders, _env: &Env) {}

    /// A pool may refuse the requests (their match reverting is part of the attack).
    fn pool_may_refuse(&self) -> bool {
        false
    }

    // ------------------------------------------------------------ 4. which tasks run, when

    /// The scheduler never assigns deal `k`'s tasks (drawing from its stream `rng`).
    fn censors(&self, _k: u64, _rng: &mut SimRng) -> bool {
        false
    }

    /// How long after the match the scheduler starts task `idx` of a deal (`None`: at once).
    fn start_delay(&self, _idx: u64) -> Option<u64> {
        None
    }

    // ------------------------------------------------------------ 5. inputs and artefacts

    /// The correct result of task `id`.
    fn truth(&self, id: B256) -> B256 {
        tag(id, b"truth")
    }

    /// What an honest re-execution of the task's artefacts yields (no noise), from `d`: the
    /// evidence verifiers and arbiters produce.
    fn reference(&self, _t: &TaskFacts, d: B256) -> B256 {
        d
    }

    /// What a worker running the app on its own inputs yields, from `d` (the reference),
    /// before honest noise.
    fn run_on_worker(&self, _r: &mut WorkerRun<'_>, d: B256) -> B256 {
        d
    }

    /// M4: the provider fault an honest worker observes on a task of deal `deal_k` (drawing
    /// from its stream), if any.
    fn provider_fault(&self, _deal_k: u64, _rng: &mut SimRng) -> Option<Cause> {
        None
    }

    /// Why replicas diverge, as the honest contributors of a task without consensus report it
    /// (M3: input divergence; M4: non-determinism).
    fn divergence(&self) -> Option<Cause> {
        None
    }

    /// M6 court: the provider whose artefact makes a reproducible result useless.
    fn culprit(&self) -> Option<Party> {
        None
    }

    // ------------------------------------------------------------ 6. adversarial replicas

    /// What a worker of the adversary's `kind` does with a replica of `t`; `shared` is the
    /// result a fellow sharer computed, if any; `rng` is the worker's stream.
    fn replica(
        &self,
        _kind: WorkerKind,
        _t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        Replica::Honest
    }

    /// A replica that ran takes its worker down (drawing from the worker's stream).
    fn crashes(&self, _rng: &mut SimRng) -> bool {
        false
    }

    /// A worker of `kind` obtains the task's keys from the SMS (M5 attests it).
    fn fetches_keys(&self, _kind: WorkerKind) -> bool {
        true
    }

    /// A worker of `kind` in the consensus group reveals.
    fn reveals(&self, _kind: WorkerKind) -> bool {
        true
    }

    /// M2: a worker of `kind` returns the known answer of a spot-check (it cannot tell it from
    /// a real task).
    fn answers_known_task(&self, _kind: WorkerKind, _rng: &mut SimRng) -> bool {
        false
    }

    // ------------------------------------------------------------ 7. finalization, settlement

    /// The scheduler finalizes a task once its reveals are in, and at the reveal deadline
    /// finalizes or reopens it (a withholding scheduler does neither).
    fn finalizes(&self) -> bool {
        true
    }

    /// After the last event of the market.
    fn after_market(&self, _m: &mut Market) -> Result<(), SimError> {
        Ok(())
    }

    /// The requester's loss `L` per accepted wrong result, beyond the price (nRLC).
    fn loss_per_wrong(&self) -> u64 {
        0
    }

    /// The attacker's gain `G` per accepted wrong result (0 when `L` is pure damage).
    fn gain_per_wrong(&self) -> u64 {
        0
    }

    /// The victims' loss outside the price per finalized task (nRLC).
    fn loss_per_result(&self, _c: &MarketConfig) -> u64 {
        0
    }

    /// What leaks from the dataset owner off the chain per finalized task (nRLC): the part of
    /// [`Adversary::loss_per_result`] the dataset owner bears.
    fn leak_per_result(&self) -> u64 {
        0
    }

    /// What the attacker gains outside the chain over the run.
    fn gain_off_chain(&self, _c: &MarketConfig, _m: &RunMetrics) -> i128 {
        0
    }

    /// What a controlled provider would have earned honestly for `correct` correct results at
    /// `price` (subtracted from its revenue to measure its gain).
    fn honest_revenue(&self, _who: Provider, price: u64, correct: u64) -> u64 {
        price * correct
    }

    // ------------------------------------------------------------ parameters

    /// Probability parameters, by name (each must be in [0, 1]).
    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Count parameters (identities, deals, tasks), by name, each bounded by
    /// `market::limits::ATTACK_COUNT` so that no budget exhausts memory or time.
    fn counts(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }

    /// Amounts of nRLC the attack moves outside the prices (external gains `G`, losses `L`,
    /// data values `V_d`), by name, each bounded by `market::limits::ATTACK_AMOUNT_NRLC` so
    /// that their sums over a run stay exact.
    fn amounts(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }

    /// Other parameter checks.
    fn check(&self) -> Result<(), &'static str> {
        Ok(())
    }
}

/// Everyone honest.
pub(crate) struct Honest;

impl Adversary for Honest {
    fn is_honest(&self) -> bool {
        true
    }
}

/// The adversary playing `attack`.
pub(crate) fn of(attack: &Attack) -> Box<dyn Adversary> {
    use Attack::*;
    match *attack {
        None => Box::new(Honest),
        UnstableInputs => Box::new(requester::UnstableInputs),
        MalformedInput => Box::new(requester::MalformedInput),
        WithdrawRace { p } => Box::new(requester::WithdrawRace { p }),
        ExtremeTrust { trust } => Box::new(requester::ExtremeTrust { trust }),
        NondeterministicApp { p } => Box::new(provider::NondeterministicApp { p }),
        ImageMutation { from_deal, p_stale } => {
            Box::new(provider::ImageMutation { from_deal, p_stale })
        }
        ExfiltratingApp { data_value_nrlc } => {
            Box::new(provider::ExfiltratingApp { data_value_nrlc })
        }
        DeterministicGarbage {
            source,
            loss_nrlc,
            from_deal,
            reenter,
        } => Box::new(provider::DeterministicGarbage {
            source,
            loss_nrlc,
            from_deal,
            reenter,
        }),
        PriceFrontRun { source, markup_pct } => {
            Box::new(provider::PriceFrontRun { source, markup_pct })
        }
        TrivialisedConsensus { lazy_fraction } => {
            Box::new(provider::TrivialisedConsensus { lazy_fraction })
        }
        ResourceBomb { crash_p } => Box::new(provider::ResourceBomb { crash_p }),
        DatasetWithdrawal { from_deal } => Box::new(provider::DatasetWithdrawal { from_deal }),
        MutableDataset => Box::new(provider::MutableDataset),
        SchedulerSybils {
            sybils,
            external_gain_nrlc,
        } => Box::new(scheduler::SchedulerSybils {
            sybils,
            external_gain_nrlc,
        }),
        Censorship { fraction } => Box::new(scheduler::Censorship { fraction }),
        RequestSniping { markup_pct } => Box::new(scheduler::RequestSniping { markup_pct }),
        PolicyFrontRun {
            scheduler_reward_ratio,
        } => Box::new(scheduler::PolicyFrontRun {
            scheduler_reward_ratio,
        }),
        WithholdFinalize => Box::new(scheduler::WithholdFinalize),
        SlowPool { tasks_per_hour } => Box::new(scheduler::SlowPool { tasks_per_hour }),
        KittyDrain {
            seed_failures,
            drain_deals,
        } => Box::new(ring::KittyDrain {
            seed_failures,
            drain_deals,
        }),
        ScoreFarming {
            farm_tasks,
            external_gain_nrlc,
        } => Box::new(ring::ScoreFarming {
            farm_tasks,
            external_gain_nrlc,
        }),
        ColludingWorkers {
            fraction,
            external_gain_nrlc,
        } => Box::new(workers::ColludingWorkers {
            fraction,
            external_gain_nrlc,
        }),
        LazyCopying { fraction } => Box::new(workers::LazyCopying { fraction }),
        ResultSharing { fraction } => Box::new(workers::ResultSharing { fraction }),
        RevealWithholding { fraction } => Box::new(workers::RevealWithholding { fraction }),
        Guessing {
            fraction,
            p_correct,
        } => Box::new(workers::Guessing {
            fraction,
            p_correct,
        }),
        Vanishing { fraction } => Box::new(workers::Vanishing { fraction }),
        Coalition { ref members } => {
            Box::new(coalition::Coalition::new(members.iter().map(of).collect()))
        }
    }
}

/// Adversarial workers making up `fraction` of the population next to `honest` honest ones.
/// [`worker_share`] keeps `fraction` at most [`MAX_WORKER_SHARE`].
pub(crate) fn adversaries(honest: u64, fraction: f64) -> u64 {
    if fraction <= 0.0 {
        return 0;
    }
    ((honest as f64) * fraction / (1.0 - fraction)).round() as u64
}

/// The largest share of adversarial workers an attack may ask for: 99 adversaries per honest
/// worker (a share of 1 would leave no honest worker; the population grows as `f / (1 − f)`).
pub(crate) const MAX_WORKER_SHARE: f64 = 0.99;

/// Check a share of adversarial workers (in [0, 1] already: `probabilities`).
pub(crate) fn worker_share(f: f64) -> Result<(), &'static str> {
    if f <= MAX_WORKER_SHARE {
        Ok(())
    } else {
        Err(
            "the adversarial workers' fraction must be ≤ 0.99 (99 adversaries per honest worker; 1 would leave none honest)",
        )
    }
}
