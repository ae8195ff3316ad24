//! Workerpool manager (scheduler) attacks (threats-and-mechanisms.md §1.4, §1.6–1.7): S1/S2/C3
//! Sybil capture, S3 censorship, S4 request sniping, S5 policy front-running, S6/C1/R3/R8
//! withheld finalization, G1 slow pool. (S7 and S9, the self-dealing rings, are in
//! [`super::ring`].)

use pocolab_core::{B256, U256};
use pocolab_mechanisms::MechanismCalls;
use rand::RngExt;

use super::workers::collude;
use super::{Adversary, Controls, Prices, Replica, TaskFacts, WorkerKind, markup};
use crate::config::MarketConfig;
use crate::market::Market;
use crate::metrics::RunMetrics;
use crate::rng::SimRng;
use std::ops::Range;

fn scheduler() -> Controls {
    Controls {
        scheduler: true,
        ..Controls::default()
    }
}

/// S2/C3 (S1 when trust ≤ 1): the scheduler authorizes only its own `sybils` addresses, which
/// agree on a wrong result worth `G` to it (and costing the requester as much).
pub(crate) struct SchedulerSybils {
    pub sybils: u64,
    pub external_gain_nrlc: u64,
}

impl Adversary for SchedulerSybils {
    fn counts(&self) -> Vec<(&'static str, u64)> {
        vec![("sybils", self.sybils)]
    }

    fn amounts(&self) -> Vec<(&'static str, u64)> {
        vec![("external_gain_nrlc", self.external_gain_nrlc)]
    }

    fn population(&self, _honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Colluder, self.sybils)]
    }

    fn candidates(&self, honest: u32, all: u32) -> Range<u32> {
        honest..all
    }

    fn controls(&self) -> Controls {
        scheduler()
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        collude(t)
    }

    fn loss_per_wrong(&self) -> u64 {
        self.external_gain_nrlc
    }

    fn gain_per_wrong(&self) -> u64 {
        self.external_gain_nrlc
    }
}

/// S3: the scheduler never assigns workers to `fraction` of the deals (drawn per deal from its
/// stream).
pub(crate) struct Censorship {
    pub fraction: f64,
}

impl Adversary for Censorship {
    fn controls(&self) -> Controls {
        scheduler()
    }

    fn censors(&self, _k: u64, rng: &mut SimRng) -> bool {
        rng.random_bool(self.fraction.clamp(0.0, 1.0))
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}

/// S4: a sniping pool matches public requests at the requester's maximum price,
/// `markup_pct` above the competitive one.
pub(crate) struct RequestSniping {
    pub markup_pct: u64,
}

impl Adversary for RequestSniping {
    fn controls(&self) -> Controls {
        scheduler()
    }

    fn prices(&self, mut p: Prices) -> Prices {
        p.pool_max = markup(self.markup_pct, p.pool_ask);
        p.pool_ask = p.pool_max;
        p
    }
}

/// S5: the scheduler raises σ to `scheduler_reward_ratio` just before each match; the deal
/// reads the mutable policy and the workers' share moves to the scheduler. Against M8 the
/// policy must be announced and applies after the delay: the best the scheduler can do is
/// announce it once, in public.
pub(crate) struct PolicyFrontRun {
    pub scheduler_reward_ratio: u64,
}

impl Adversary for PolicyFrontRun {
    fn controls(&self) -> Controls {
        scheduler()
    }

    fn before_orders(&self, m: &mut Market, k: u64) {
        if m.on.m8 && k > 0 {
            return;
        }
        let env = m.env(m.parties.scheduler);
        let (rho, sigma) = (
            U256::from(m.cfg.worker_stake_ratio),
            U256::from(self.scheduler_reward_ratio),
        );
        let r = if m.on.m8 {
            m.poco
                .announce_policy(&env, m.parties.workerpool, rho, sigma)
        } else {
            m.poco.change_policy(&env, m.parties.workerpool, rho, sigma)
        };
        m.call(r);
    }

    fn loss_per_result(&self, c: &MarketConfig) -> u64 {
        (c.workerpool_price as u128
            * self
                .scheduler_reward_ratio
                .saturating_sub(c.scheduler_reward_ratio) as u128
            / 100) as u64
    }

    fn check(&self) -> Result<(), &'static str> {
        if self.scheduler_reward_ratio > 100 {
            return Err("attack.scheduler_reward_ratio must be ≤ 100");
        }
        Ok(())
    }
}

/// S6/C1/R3/R8: the scheduler, colluding with the requester, never finalizes; the requester
/// obtains the result off-chain and is refunded at claim.
pub(crate) struct WithholdFinalize;

impl Adversary for WithholdFinalize {
    fn controls(&self) -> Controls {
        Controls {
            scheduler: true,
            requester: true,
            ..Controls::default()
        }
    }

    fn finalizes(&self) -> bool {
        false
    }

    fn gain_off_chain(&self, c: &MarketConfig, m: &RunMetrics) -> i128 {
        // the coalition obtained every failed task's result off-chain; through its own pool it
        // would otherwise have paid the providers P_a + P_d for it (§1.1 R3)
        m.failed as i128 * (c.app_price + if c.with_dataset { c.dataset_price } else { 0 }) as i128
    }
}

/// G1: the pool accepts bags of tasks but starts only `tasks_per_hour` of a deal's tasks per
/// hour; late tasks miss the shared deadline.
pub(crate) struct SlowPool {
    pub tasks_per_hour: u64,
}

impl Adversary for SlowPool {
    fn controls(&self) -> Controls {
        scheduler()
    }

    fn start_delay(&self, idx: u64) -> Option<u64> {
        Some(idx * 3600 / self.tasks_per_hour.max(1))
    }

    fn check(&self) -> Result<(), &'static str> {
        if self.tasks_per_hour == 0 {
            return Err("attack.tasks_per_hour must be ≥ 1");
        }
        Ok(())
    }
}
