//! Market parameters and adversary behaviours (serde, TOML-friendly, every field defaulted).

use serde::{Deserialize, Serialize};

/// How one market run is set up. Amounts are nRLC, times seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarketConfig {
    /// number of deals (requests) arriving
    pub deals: u64,
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
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            deals: 200,
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
        }
    }
}

/// An adversary strategy, with its parameters. Each variant implements one or more threats of
/// threats-and-mechanisms.md §1 (see [`crate::threats`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Attack {
    /// Everyone honest.
    None,
    /// W2/W3/C3: a fraction of the worker population colludes on one wrong result per task.
    ColludingWorkers {
        /// colluders / (colluders + honest workers)
        fraction: f64,
        /// external gain G per accepted wrong result (also the requester's loss L)
        external_gain_nrlc: u64,
    },
    /// S2/C3: the scheduler authorizes only its own Sybil addresses, which agree on a wrong
    /// result (S1 when trust ≤ 1).
    SchedulerSybils {
        /// Sybil addresses the scheduler controls
        sybils: u64,
        /// external gain G per accepted wrong result
        external_gain_nrlc: u64,
    },
    /// R1/D3: the requester serves per-worker inputs, so every replica differs.
    UnstableInputs,
    /// A1: a non-deterministic app; each replica differs from the canonical output with
    /// probability `p`.
    NondeterministicApp {
        /// divergence probability per replica
        p: f64,
    },
    /// W6/G2: a fraction of workers contribute the right value but never reveal.
    RevealWithholding {
        /// withholders / all workers
        fraction: f64,
    },
    /// W9: a fraction of workers accept replicas and never contribute.
    Vanishing {
        /// vanishers / all workers
        fraction: f64,
    },
    /// W1: a fraction of workers copy an already-published result hash instead of computing.
    LazyCopying {
        /// copiers / all workers
        fraction: f64,
    },
    /// S6/C1/R3: the scheduler (colluding with the requester) never finalizes; the requester
    /// obtains the result off-chain and is refunded at claim.
    WithholdFinalize,
}
