//! Market parameters and adversary behaviours (serde, TOML-friendly, every field defaulted).

use pocolab_mechanisms::MechanismsConfig;
use serde::{Deserialize, Serialize};

/// How one market run is set up. Amounts are nRLC, times seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarketConfig {
    /// number of deals (requests) arriving
    pub deals: u64,
    /// requesters sharing the demand (each deal comes from one, drawn uniformly); under a
    /// requester-side attack every requester plays it
    pub requesters: u64,
    /// inter-arrival times are exponential with mean `deal_interval_s` (Poisson demand)
    /// instead of fixed
    pub poisson_arrivals: bool,
    /// trust levels requesters choose from, uniformly per deal (empty: always `trust`); the
    /// pool accepts up to the highest
    pub trust_choices: Vec<u64>,
    /// each requester's deposit, nRLC (0: enough for every deal); a requester whose balance
    /// cannot pay a deal stops requesting
    pub requester_budget_nrlc: u64,
    /// tasks per deal (bag of tasks)
    pub volume: u64,
    /// category id (0 = XS, R = 300 s … 4 = XL)
    pub category: u64,
    /// requested trust level
    pub trust: u64,
    /// app price per task
    pub app_price: u64,
    /// dataset price per task
    pub dataset_price: u64,
    /// workerpool price per task
    pub workerpool_price: u64,
    /// the deal uses a dataset
    pub with_dataset: bool,
    /// workerpool ρ (worker stake ratio, %)
    pub worker_stake_ratio: u64,
    /// workerpool σ (scheduler reward ratio, %)
    pub scheduler_reward_ratio: u64,
    /// honest workers in the pool
    pub honest_workers: u64,
    /// score every worker starts with
    pub initial_score: u64,
    /// probability that an honest replica computes a wrong (random) result
    pub honest_error_rate: f64,
    /// mean compute time of a replica (exponential), seconds
    pub compute_mean_s: f64,
    /// delay between consensus and a worker's reveal, seconds
    pub reveal_delay_s: u64,
    /// time between two deals, seconds
    pub deal_interval_s: u64,
    /// maximum replicas the scheduler assigns to one task
    pub max_replicas: u64,
    /// cost of computing one replica (c), nRLC
    pub compute_cost_nrlc: u64,
    /// at trust 1, use `contributeAndFinalize` (the TEE/production path)
    pub fast_path: bool,
    /// the active attack
    pub attack: Attack,
    /// opt-in protocol mechanisms (M1–M8; all absent = PoCo 6.1.0 exactly), e.g.
    /// `[market.mechanisms.requester_bond]` enables M3 with its defaults
    pub mechanisms: MechanismsConfig,
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            deals: 200,
            requesters: 1,
            poisson_arrivals: false,
            trust_choices: Vec::new(),
            requester_budget_nrlc: 0,
            volume: 1,
            category: 0,
            trust: 5,
            app_price: 1_000_000_000,
            dataset_price: 1_000_000_000,
            workerpool_price: 10_000_000_000,
            with_dataset: true,
            worker_stake_ratio: 30,
            scheduler_reward_ratio: 1,
            honest_workers: 50,
            initial_score: 0,
            honest_error_rate: 0.0,
            compute_mean_s: 60.0,
            reveal_delay_s: 30,
            deal_interval_s: 60,
            max_replicas: 12,
            compute_cost_nrlc: 500_000_000,
            fast_path: false,
            attack: Attack::None,
            mechanisms: MechanismsConfig::default(),
        }
    }
}

/// Which provider an attack on artefacts comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// the app owner
    App,
    /// the dataset owner
    Dataset,
}

/// An adversary strategy, with its parameters. Each variant implements one or more threats of
/// threats-and-mechanisms.md §1; [`crate::threats`] maps every threat id to its variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Attack {
    /// Everyone honest.
    None,
    // ---- requester ----
    /// R1: the requester serves per-worker inputs, so every replica differs; it is refunded
    /// at claim.
    UnstableInputs,
    /// R2: malformed but deterministic input: every replica contributes the same error result
    /// (contribute-on-error), which is the correct output for that input.
    MalformedInput,
    /// R5: the requester withdraws its deposit just before the broker's `matchOrders` with
    /// probability `p`, then re-deposits; the broker retries one block later.
    WithdrawRace {
        /// probability per deal
        p: f64,
    },
    /// R7: the requester asks for a trust level above what the pool accepts.
    ExtremeTrust {
        /// requested trust
        trust: u64,
    },
    // ---- app / dataset providers ----
    /// A1: a non-deterministic app; each replica differs from the canonical output with
    /// probability `p`.
    NondeterministicApp {
        /// divergence probability per replica
        p: f64,
    },
    /// A2: the app image is re-pushed under the same tag from deal `from_deal` on; a worker
    /// runs the stale cached image with probability `p_stale`, the others the new code.
    ImageMutation {
        /// first deal run after the push
        from_deal: u64,
        /// probability that a replica still runs the old image
        p_stale: f64,
    },
    /// A3/C2: the app exfiltrates the dataset to a colluding requester; invisible on chain,
    /// modelled as a transfer of the data's value `V_d` per task from the dataset owner.
    ExfiltratingApp {
        /// confidentiality value of what one task reveals, nRLC
        data_value_nrlc: u64,
    },
    /// A4/D1/C6: a deterministic garbage app (or poisoned dataset): every replica agrees on a
    /// wrong output; the requester suffers loss `L` per accepted result. From deal `from_deal`
    /// on (0: from the start; later = build a reputation first, then cheat).
    DeterministicGarbage {
        /// who serves the garbage
        source: Provider,
        /// requester's loss per accepted garbage result (beyond the price), nRLC
        loss_nrlc: u64,
        /// first deal served garbage (earlier deals get correct results)
        #[serde(default)]
        from_deal: u64,
        /// whitewashing (W4 for providers, Kerr & Cohen's re-entry): once requesters avoid the
        /// asset (M7 ratings below 2.5 stars), register a fresh one — same artefact, new
        /// address — and, under M4, bond it
        #[serde(default)]
        reenter: bool,
    },
    /// A5/D4: the provider closes its cheap order when it sees a pending match (which then
    /// reverts) and republishes at the requester's maximum price.
    PriceFrontRun {
        /// who front-runs
        source: Provider,
        /// requester's max price above the provider's normal price, %
        markup_pct: u64,
    },
    /// A6: the app's determinism file is constant: replicas agree whatever they compute, and
    /// a fraction of lazy colluding workers return it without computing.
    TrivialisedConsensus {
        /// lazy workers / all workers
        lazy_fraction: f64,
    },
    /// A7: a resource bomb: each replica crashes the worker (WORKER_LOST) with probability
    /// `crash_p` after spending its compute.
    ResourceBomb {
        /// crash probability per replica
        crash_p: f64,
    },
    /// D2: the dataset becomes unavailable from deal `from_deal` on (file deleted, secret
    /// rotated): replicas agree on a download-error result that the requester pays in full.
    DatasetWithdrawal {
        /// first deal without access
        from_deal: u64,
    },
    /// D3: the dataset owner serves different content per worker (empty checksum, mutable URL).
    MutableDataset,
    // ---- scheduler ----
    /// S2/C3 (S1 when trust ≤ 1): the scheduler authorizes only its own Sybil addresses,
    /// which agree on a wrong result.
    SchedulerSybils {
        /// Sybil addresses the scheduler controls
        sybils: u64,
        /// external gain G per accepted wrong result (also the requester's loss L)
        external_gain_nrlc: u64,
    },
    /// S3: the scheduler never assigns workers to a fraction of the deals (censorship).
    Censorship {
        /// censored deals / all deals
        fraction: f64,
    },
    /// S4: a sniping pool matches public requests at the requester's maximum price.
    RequestSniping {
        /// requester's max price above the competitive workerpool price, %
        markup_pct: u64,
    },
    /// S5: the scheduler raises σ just before each match (policy front-running).
    PolicyFrontRun {
        /// scheduler reward ratio set before matching, % (≤ 100)
        scheduler_reward_ratio: u64,
    },
    /// S6/C1/R3/R8: the scheduler (colluding with the requester) never finalizes; the
    /// requester obtains the result off-chain and is refunded at claim.
    WithholdFinalize,
    /// S7/C5 (F6): after `seed_failures` honest tasks have failed (filling the kitty), a
    /// self-dealing ring runs `drain_deals` zero-price trust-1 deals through its own pool to
    /// collect the kitty share of each success.
    KittyDrain {
        /// honest deals that fail first (censored) and fill the kitty
        seed_failures: u64,
        /// zero-price self-deals run afterwards
        drain_deals: u64,
    },
    /// S9/W5/C5 (F5): before the market opens, two ring workers farm score with
    /// `farm_tasks` zero-price self-deals; then they join the victim pool and return wrong
    /// results.
    ScoreFarming {
        /// self-dealt tasks per worker
        farm_tasks: u64,
        /// external gain G per accepted wrong result
        external_gain_nrlc: u64,
    },
    /// G1: the pool accepts bags of tasks but starts only `tasks_per_hour` of a deal's tasks
    /// per hour; late tasks miss the shared deadline.
    SlowPool {
        /// throughput of the pool
        tasks_per_hour: u64,
    },
    // ---- workers ----
    /// W2/W3/C3: a fraction of the worker population colludes on one wrong result per task.
    ColludingWorkers {
        /// colluders / (colluders + honest workers)
        fraction: f64,
        /// external gain G per accepted wrong result (also the requester's loss L)
        external_gain_nrlc: u64,
    },
    /// W1: a fraction of workers copy an already-published result hash instead of computing.
    LazyCopying {
        /// copiers / all workers
        fraction: f64,
    },
    /// W1': a fraction of workers share results off chain: the first of them assigned to a task
    /// computes, the others submit its result without computing.
    ResultSharing {
        /// sharers / all workers
        fraction: f64,
    },
    /// W6/G2: a fraction of workers contribute the right value but never reveal.
    RevealWithholding {
        /// withholders / all workers
        fraction: f64,
    },
    /// W8: a fraction of workers guess a low-entropy output without computing.
    Guessing {
        /// guessers / all workers
        fraction: f64,
        /// probability that the guess is the right output
        p_correct: f64,
    },
    /// W9: a fraction of workers accept replicas and never contribute.
    Vanishing {
        /// vanishers / all workers
        fraction: f64,
    },
    /// Several attacks in one run (a coalition, §1.6): each member plays its part, their
    /// parties' balances all count as the attacker's. In a scenario file:
    /// `kind = "coalition"` with `[[market.attack.members]]` tables, one per attack.
    Coalition {
        /// the attacks, in the order their hooks run (at least two, none a coalition)
        members: Vec<Attack>,
    },
}
