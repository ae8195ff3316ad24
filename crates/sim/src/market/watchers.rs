//! The mechanisms' agents: M2's spot-checker, the M3/M4 fault reports of honest workers, M1's
//! verifiers (audits, challenges, panels) and M6's disputing requesters and arbiter, which
//! watch finalized tasks until their windows close.

use pocolab_core::orders::result_hash;
use pocolab_core::{Address, B256, TaskStatus, U256, keccak256};
use pocolab_mechanisms::{Cause, DisputeOutcome, MechanismCalls, ReportInput, Ruling, Verdict};
use rand::RngExt;

use super::{Ev, Market, SimTask, Watch, holdings, paid_of};
use crate::attacks::WorkerKind;

impl Market {
    /// M1/M6: a finalized task goes under watch: watchers act on it after a minute, its
    /// windows are released after the longest of them; `accepted` is its result digest.
    pub(super) fn watch(&mut self, task: &SimTask, accepted: B256) {
        let honest = self.reexec(&task.facts());
        let challengers: Vec<Address> = task
            .assigned
            .iter()
            .filter(|(w, d)| {
                self.workers[*w as usize].kind == WorkerKind::Honest
                    && *d != B256::ZERO
                    && *d != accepted
            })
            .map(|(w, _)| self.workers[*w as usize].addr)
            .collect();
        self.q.after(
            60,
            Ev::Watch(Box::new(Watch {
                id: task.id,
                accepted,
                honest,
                challengers,
            })),
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
            .after(m1.max(m6) * self.r + 120, Ev::Release(Box::new(task.id)));
        self.agents.watched.insert(
            task.id,
            (task.truth, paid_of(&self.poco, task.deal), task.requester),
        );
    }

    /// M2 rule 6: each seat of the task's committee gets a known-answer task with probability
    /// `q_s`; the worker answers it as it answers a real task (they are indistinguishable) and
    /// the spot-checker posts the verdict before the committee contributes.
    pub(super) fn spot_checks(&mut self, id: B256) {
        let Some(c) = self.poco.ext.committees.as_ref() else {
            return;
        };
        let q = c.params.spot_check_rate_ppm.min(1_000_000) as f64 / 1e6;
        let members = c.committees.get(&id).cloned().unwrap_or_default();
        for a in members {
            if !self.agents.spot_rng.random_bool(q) {
                continue;
            }
            let Some(i) = self.workers.iter().position(|w| w.addr == a) else {
                continue;
            };
            let kind = self.workers[i].kind;
            let pass = self.answers_known_task(kind);
            let env = self.env(self.agents.spotter);
            let r = self.poco.spot_check(&env, self.parties.workerpool, a, pass);
            self.call(r);
            if !pass && kind == WorkerKind::Honest {
                // an honest worker slashed for a noisy answer tops its bond back up to S_min
                // (below it, rule 1 keeps it out of committees)
                let c = self.poco.ext.committees.as_ref().expect("M2 on");
                let min = U256::from(c.params.min_bond);
                let bond = c
                    .registrations
                    .get(&(self.parties.workerpool, a))
                    .map_or(min, |r| r.bond);
                if bond < min {
                    let env = self.env(a);
                    let r = self
                        .poco
                        .register_worker(&env, self.parties.workerpool, min - bond);
                    self.call(r);
                }
            }
        }
    }

    /// Whether a worker of `kind` returns the known answer of a spot-check: an honest worker
    /// does (but for honest noise); an adversarial one as its attack has it.
    fn answers_known_task(&mut self, kind: WorkerKind) -> bool {
        if kind != WorkerKind::Honest {
            return self.adv.answers_known_task(kind, &mut self.agents.spot_rng);
        }
        let noise = self.cfg.honest_error_rate.clamp(0.0, 1.0);
        !(noise > 0.0 && self.agents.spot_rng.random_bool(noise))
    }

    /// The scheduler's draw of a worker for one more replica of task `t`: uniform over the
    /// workers it may assign that do not hold a replica of `t` yet (`None` if there is none).
    /// Eligible: M2 restricts to the task's committee; under M8 honest workers refuse a pool
    /// that announced σ above 20 %. The candidates are counted, then the drawn one is found
    /// by a second pass, so no list is built per replica.
    pub(super) fn draw_free_worker(&mut self, t: u32) -> Option<u32> {
        let task = &self.tasks[&t];
        let committee = self
            .poco
            .ext
            .committees
            .as_ref()
            .and_then(|c| c.committees.get(&task.id));
        let refuse = self.on.m8
            && self.poco.ext.market_integrity.as_ref().is_some_and(|m| {
                let p = m
                    .policies
                    .get(&self.parties.workerpool)
                    .copied()
                    .unwrap_or_default();
                let announced = p.pending.map_or(p.current.1, |x| x.1);
                announced > U256::from(20u8)
            });
        let lo = self.candidates.start;
        if committee.is_none() && !refuse {
            // every candidate is eligible: the free ones are the range minus the task's
            // replicas, so the k-th free index is the smallest x with
            // x = lo + k + #{assigned ≤ x}, reached by iterating from lo + k
            let taken = |x: u32| {
                task.assigned
                    .iter()
                    .filter(|(a, _)| self.candidates.contains(a) && *a <= x)
                    .count() as u32
            };
            let n = self.candidates.len() - taken(u32::MAX) as usize;
            if n == 0 {
                return None;
            }
            let k = self.sched_rng.random_range(0..n) as u32;
            let mut x = lo + k;
            loop {
                let next = lo + k + taken(x);
                if next == x {
                    return Some(x);
                }
                x = next;
            }
        }
        let workers = &self.workers;
        let free = |w: &u32| {
            let worker = &workers[*w as usize];
            committee.is_none_or(|c| c.contains(&worker.addr))
                && !(refuse && worker.kind == WorkerKind::Honest)
                && !task.assigned.iter().any(|(x, _)| x == w)
        };
        let n = self.candidates.clone().filter(free).count();
        if n == 0 {
            return None;
        }
        let k = self.sched_rng.random_range(0..n);
        self.candidates.clone().filter(free).nth(k)
    }

    /// M4: the provider fault an honest worker `w` observes on task `t`, if any (checksum or
    /// digest mismatch, download failure).
    pub(super) fn provider_fault(&mut self, t: u32, w: u32) -> Option<Cause> {
        let k = self.tasks[&t].deal_k;
        self.adv
            .provider_fault(k, &mut self.workers[w as usize].rng)
    }

    /// M3/M4: just before the contribution deadline of a task without consensus, its honest
    /// contributors report what they observed.
    pub(super) fn on_report_fault(&mut self, t: u32) {
        let Some(task) = self.tasks.get(&t) else {
            return;
        };
        let id = task.id;
        if self.poco.state.tasks.get(&id).map(|x| x.status) != Some(TaskStatus::Active) {
            return;
        }
        // M3 takes input divergence, M4 the providers' faults
        let cause = match self.adv.divergence() {
            Some(c @ Cause::InputDivergent) if self.on.m3 => c,
            Some(c @ Cause::NonDeterministic) if self.on.m4 => c,
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
    pub(super) fn on_watch(
        &mut self,
        id: B256,
        accepted: B256,
        honest: B256,
        challengers: &[Address],
    ) {
        if let Some(w) = self
            .poco
            .ext
            .optimistic_verification
            .as_ref()
            .and_then(|m| m.windows.get(&id).cloned())
        {
            if let Some((a, false)) = w.auditor
                && self.agents.verifiers.contains(&a)
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
            self.q.after(60, Ev::Panel(Box::new((id, honest))));
        }
        if self.on.m6 {
            let (truth, _, requester) = self.agents.watched[&id];
            if accepted != truth {
                let before = holdings(&self.poco, requester);
                let env = self.env(requester);
                let r = self.poco.open_dispute(&env, id, 1);
                if self.call(r).is_some() {
                    let env = self.env(self.agents.arbiter);
                    let ruling = if accepted != honest {
                        Ruling::PoolAtFault
                    } else {
                        Ruling::Reproduced
                    };
                    let r = self.poco.resolve_dispute(&env, id, ruling);
                    let mut out = self.call(r);
                    if let Some(DisputeOutcome::Escalated) = out {
                        let ruling = self
                            .adv
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
    pub(super) fn on_panel(&mut self, id: B256, honest: B256) {
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
            .filter(|v| self.agents.verifiers.contains(v))
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
        if let Some((truth, paid, _)) = self.agents.watched.remove(&id)
            && self
                .poco
                .state
                .tasks
                .get(&id)
                .is_some_and(|t| t.consensus_value != result_hash(id, truth))
        {
            self.m.wrong_accepted -= 1;
            self.m.overturned += 1;
            self.m.victim_loss -=
                refund.unwrap_or(paid as i128) + self.adv.loss_per_wrong() as i128;
        }
    }

    /// M1/M6: close the windows (anyone may call; the scheduler does).
    pub(super) fn on_release(&mut self, id: B256) {
        let env = self.env(self.parties.scheduler);
        if self.on.m1 {
            let r = self.poco.release_escrow(&env, id);
            self.call(r);
        }
        if self.on.m6 {
            let r = self.poco.release_deposits(&env, id);
            self.call(r);
        }
        self.agents.watched.remove(&id);
    }
}
