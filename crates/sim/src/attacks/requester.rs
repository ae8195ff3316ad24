//! Requester attacks (threats-and-mechanisms.md §1.1): R1 unstable inputs, R2 malformed input,
//! R5 withdraw race, R7 extreme trust. (R3/R8, the requester colluding with the scheduler, is
//! [`super::scheduler::WithholdFinalize`].)

use pocolab_core::{B256, Env};
use pocolab_mechanisms::Cause;
use rand::RngExt;

use super::{Adversary, Controls, WorkerRun, tag};
use crate::market::{Market, Orders};

fn requester() -> Controls {
    Controls {
        requester: true,
        ..Controls::default()
    }
}

/// R1: the requester serves per-worker inputs, so every replica differs; it is refunded at
/// claim. Under M3 the honest contributors report the input divergence.
pub(crate) struct UnstableInputs;

impl Adversary for UnstableInputs {
    fn controls(&self) -> Controls {
        requester()
    }

    fn run_on_worker(&self, r: &mut WorkerRun<'_>, _d: B256) -> B256 {
        tag(r.task.id, r.worker.as_slice())
    }

    fn divergence(&self) -> Option<Cause> {
        Some(Cause::InputDivergent)
    }
}

/// R2: malformed but deterministic input: every replica contributes the same error result
/// (contribute-on-error), which is the right output for that input.
pub(crate) struct MalformedInput;

impl Adversary for MalformedInput {
    fn controls(&self) -> Controls {
        requester()
    }

    fn truth(&self, id: B256) -> B256 {
        tag(id, b"error")
    }
}

/// R5: the requester withdraws its deposit just before the broker's `matchOrders` with
/// probability `p` (drawn from the scheduler's stream), then re-deposits; the broker retries.
pub(crate) struct WithdrawRace {
    pub p: f64,
}

impl Adversary for WithdrawRace {
    fn controls(&self) -> Controls {
        requester()
    }

    fn front_run(&self, m: &mut Market, o: &mut Orders, env: &Env) {
        if !m.sched_rng.random_bool(self.p.clamp(0.0, 1.0)) {
            return;
        }
        // the match lands between the withdrawal and the re-deposit, and reverts
        let bal = m.poco.view_account(o.req.requester).balance;
        let r = m.poco.withdraw(env, bal);
        m.call(r);
        let r = m.poco.match_orders(env, &o.app, &o.dataset, &o.wp, &o.req);
        m.call(r);
        let r = m.poco.deposit(env, bal);
        m.call(r);
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("p", self.p)]
    }
}

/// R7: the requester asks for a trust level above what the pool accepts: the match reverts,
/// nothing is locked, nobody works.
pub(crate) struct ExtremeTrust {
    pub trust: u64,
}

impl Adversary for ExtremeTrust {
    fn controls(&self) -> Controls {
        requester()
    }

    fn requested_trust(&self, _chosen: u64) -> u64 {
        self.trust
    }

    fn pool_may_refuse(&self) -> bool {
        true
    }
}
