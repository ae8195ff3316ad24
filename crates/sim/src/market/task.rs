//! A task's life: the scheduler assigns replicas, workers compute and commit, the consensus
//! group reveals, the scheduler finalizes — or, past the deadline, the requester claims.

use pocolab_core::orders::{result_hash, result_seal};
use pocolab_core::{Address, B256, ContributionStatus, TaskStatus, U256, keccak256};
use pocolab_mechanisms::{Consumption, MechanismCalls, ReportInput};
use rand::RngExt;

use super::{Ev, Market, SimError, holdings, synthetic};
use crate::attacks::{Replica, TaskFacts, WorkerKind, WorkerRun, workers};
use crate::rng::exponential;

/// What a replica commits.
enum Commit {
    /// the commitment of digest `d`
    Digest(B256),
    /// a copy of a result hash already published (W1)
    Copy,
}

impl Market {
    /// The scheduler assigns up to `n` more replicas of task `t`, each to a free eligible
    /// worker drawn uniformly, while replicas, candidates and time remain.
    pub(super) fn assign(&mut self, t: u32, n: u64) {
        let now = self.q.now();
        for _ in 0..n {
            let task = &self.tasks[&t];
            if task.assigned.len() as u64 >= self.cfg.max_replicas
                || task.assigned.len() >= self.candidates.len()
                || now >= task.contribution_deadline
            {
                return;
            }
            let Some(w) = self.draw_free_worker(t) else {
                return;
            };
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

    /// What worker `w` commits to task `t` (off-chain facts made explicit): `None` when the
    /// replica is lost. Compute is counted for replicas that actually ran.
    fn compute(&mut self, t: u32, w: u32) -> Option<Commit> {
        let task = &self.tasks[&t];
        let (facts, shared) = (task.facts(), task.shared);
        let worker = &mut self.workers[w as usize];
        let replica = match worker.kind {
            WorkerKind::Honest => Replica::Honest,
            kind => self.adv.replica(kind, &facts, shared, &mut worker.rng),
        };
        let (d, computed) = match replica {
            Replica::Lost => return None,
            Replica::Copy => return Some(Commit::Copy),
            Replica::Submit { d, computed } => (d, computed),
            Replica::Honest => (self.honest_run(&facts, w), true),
            Replica::HonestShared => {
                let d = self.honest_run(&facts, w);
                self.tasks.get_mut(&t).expect("live").shared = Some(d);
                (d, true)
            }
        };
        let worker = &mut self.workers[w as usize];
        if computed {
            worker.replicas += 1;
            self.m.replicas += 1;
            if worker.kind == WorkerKind::Honest {
                self.m.honest_replicas += 1;
                self.tasks.get_mut(&t).expect("live").honest_computed += 1;
            }
            if self.adv.crashes(&mut worker.rng) {
                return None; // the replica ran, then took the worker down
            }
        }
        Some(Commit::Digest(d))
    }

    /// What running the app on worker `w`'s inputs honestly yields, with honest noise.
    fn honest_run(&mut self, facts: &TaskFacts, w: u32) -> B256 {
        let noise = self.cfg.honest_error_rate.clamp(0.0, 1.0);
        // the deterministic output of an honest run (what a re-execution reproduces)
        let reference = self.reexec(facts);
        let worker = &mut self.workers[w as usize];
        let mut run = WorkerRun {
            task: *facts,
            worker: worker.addr,
            rng: &mut worker.rng,
            pinned: self.on.m4,
        };
        let d = self.adv.run_on_worker(&mut run, reference);
        if noise > 0.0 && worker.rng.random_bool(noise) {
            B256::from(worker.rng.random::<[u8; 32]>())
        } else {
            d
        }
    }

    /// What an honest re-execution of the task yields (no noise): the evidence verifiers and
    /// arbiters produce, and what an honest worker computes absent per-worker effects.
    pub(super) fn reexec(&self, t: &TaskFacts) -> B256 {
        self.adv.reference(t, t.truth)
    }

    /// Worker `w`'s replica of task `t` is due: it reports a provider fault (M4), or
    /// computes and commits; once the task reaches consensus, the consensus group reveals.
    pub(super) fn on_contribute(&mut self, t: u32, w: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get_mut(&t) else {
            return Ok(());
        };
        task.outstanding -= 1;
        let id = task.id;
        if self.poco.state.tasks.get(&id).map(|x| x.status) != Some(TaskStatus::Active) {
            return Ok(());
        }
        let (addr, kind) = (self.workers[w as usize].addr, self.workers[w as usize].kind);
        let env = self.env(addr);
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
            && (kind == WorkerKind::Honest || self.adv.fetches_keys(kind))
        {
            self.attest_keys(t);
        }
        let Some(commit) = self.compute(t, w) else {
            // lost: the scheduler notices and replaces the replica
            self.assign(t, 1);
            return Ok(());
        };
        let (result_hash, seal) = match commit {
            Commit::Copy => match workers::copied(&self.poco, id, addr) {
                Some(c) => c,
                None => {
                    // nothing to copy yet: the copier gives up and the scheduler replaces it
                    self.assign(t, 1);
                    return Ok(());
                }
            },
            Commit::Digest(d) => {
                let task = self.tasks.get_mut(&t).expect("live");
                task.assigned
                    .iter_mut()
                    .find(|(a, _)| *a == w)
                    .expect("assigned")
                    .1 = d;
                if self.cfg.fast_path && task.trust <= 1 {
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
                let rh = if d == task.truth {
                    *task.truth_hash.get_or_insert_with(|| result_hash(id, d))
                } else {
                    result_hash(id, d)
                };
                (rh, result_seal(addr, id, d))
            }
        };
        let r = self
            .poco
            .contribute(&env, id, result_hash, seal, Address::ZERO, &[], &[]);
        self.call(r);
        let core = &self.poco.state.tasks[&id];
        match core.status {
            TaskStatus::Revealing => self.reveal_consensus(t, id),
            TaskStatus::Active if self.tasks[&t].outstanding == 0 => self.assign(t, 1),
            _ => {}
        }
        Ok(())
    }

    /// M5: the SMS releases the dataset and app keys of task `t` to the enclave and attests it.
    fn attest_keys(&mut self, t: u32) {
        let task = self.tasks.get_mut(&t).expect("live");
        task.attested = true;
        let id = task.id;
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

    /// Task `t` reached consensus: the contributors of the consensus value reveal (those that
    /// will), and the reveal deadline is watched.
    fn reveal_consensus(&mut self, t: u32, id: B256) {
        let core = &self.poco.state.tasks[&id];
        let cv = core.consensus_value;
        let deadline = core.reveal_deadline.to::<u64>();
        let assigned = &self.tasks[&t].assigned;
        let revealers: Vec<u32> = core
            .contributors
            .iter()
            .zip(&core.contributions)
            .filter(|(_, c)| c.status == ContributionStatus::Contributed && c.result_hash == cv)
            .filter_map(|(a, _)| {
                // contributors are normally the task's assigned workers: look there first
                assigned
                    .iter()
                    .map(|(w, _)| *w)
                    .find(|w| self.workers[*w as usize].addr == *a)
                    .or_else(|| {
                        self.workers
                            .iter()
                            .position(|x| x.addr == *a)
                            .map(|i| i as u32)
                    })
            })
            .collect();
        for w in revealers {
            let kind = self.workers[w as usize].kind;
            if kind == WorkerKind::Honest || self.adv.reveals(kind) {
                self.q.after(self.cfg.reveal_delay_s, Ev::Reveal { t, w });
            }
        }
        self.q.at(deadline, Ev::RevealDeadline { t, deadline });
    }

    /// Worker `w` reveals its digest of task `t`; once every winner has revealed, the
    /// scheduler finalizes (unless it withholds).
    pub(super) fn on_reveal(&mut self, t: u32, w: u32) {
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
            if core.reveal_counter == core.winner_counter && self.adv.finalizes() {
                self.q.after(0, Ev::Finalize { t });
            }
        }
    }

    /// The reveal deadline of task `t` passed: the scheduler finalizes with the reveals it has,
    /// or reopens the task and assigns a fresh round (unless it withholds).
    pub(super) fn on_reveal_deadline(&mut self, t: u32, deadline: u64) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        let core = &self.poco.state.tasks[&id];
        if core.status != TaskStatus::Revealing || core.reveal_deadline != U256::from(deadline) {
            return Ok(());
        }
        if !self.adv.finalizes() {
            return Ok(());
        }
        if core.reveal_counter > U256::ZERO {
            return self.on_finalize(t);
        }
        let env = self.env(self.parties.scheduler);
        let r = self.poco.reopen(&env, id);
        if self.call(r).is_some() {
            let trust = self.tasks[&t].trust;
            self.assign(t, self.initial_replicas(trust));
        }
        Ok(())
    }

    /// The scheduler finalizes task `t`.
    pub(super) fn on_finalize(&mut self, t: u32) -> Result<(), SimError> {
        let Some(task) = self.tasks.get(&t) else {
            return Ok(());
        };
        let id = task.id;
        if self.poco.state.tasks.get(&id).map(|x| x.status) != Some(TaskStatus::Revealing) {
            return Ok(());
        }
        let env = self.env(self.parties.scheduler);
        let r = self.poco.finalize(&env, id, b"result", &[]);
        if self.call(r).is_some() {
            self.record_success(t);
        }
        Ok(())
    }

    /// Task `t` was finalized: the requester rates it (M7), watchers watch it (M1/M6), and the
    /// victims' losses are counted (a wrong result, overpayment, the attack's loss outside the
    /// price, honest stakes lost).
    pub(super) fn record_success(&mut self, t: u32) {
        let task = self.tasks.remove(&t).expect("live");
        let truth_hash = task
            .truth_hash
            .unwrap_or_else(|| result_hash(task.id, task.truth));
        if self.on.m7 {
            // M7: the requester rates what it received (it can tell a useful result from a
            // useless one once it uses it); needs the completed task, so before pruning
            let right = self.poco.state.tasks[&task.id].consensus_value == truth_hash;
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
        if keep {
            self.watch(&task, core.result_digest);
        }
        let c = &self.cfg;
        let deal = self.poco.state.deals.get(&task.deal).expect("open deal");
        let paid = (deal.app.price + deal.dataset.price + deal.workerpool.price).to::<u64>();
        if core.consensus_value != truth_hash {
            self.m.wrong_accepted += 1;
            self.m.victim_loss += paid as i128 + self.adv.loss_per_wrong() as i128;
        }
        // overpayment extracted by front-running or sniping (A5, D4, S4)
        let fair =
            c.app_price + if c.with_dataset { c.dataset_price } else { 0 } + c.workerpool_price;
        self.m.victim_loss += paid.saturating_sub(fair) as i128;
        // what the attack takes from the victims outside the price with every executed task
        self.m.victim_loss += self.adv.loss_per_result(c) as i128;
        self.m.leaked += self.adv.leak_per_result() as i128;
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

    /// Task `t`'s final deadline passed: the requester claims it (if still open) and the
    /// victims' losses of the failure are counted.
    pub(super) fn on_claim(&mut self, t: u32) -> Result<(), SimError> {
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
        let c = &self.cfg;
        let ctl = self.adv.controls();
        let mut entitled = 0i128;
        if !ctl.app_owner {
            victims.push(self.parties.app_owner);
            entitled += c.app_price as i128;
        }
        if c.with_dataset && !ctl.dataset_owner {
            victims.push(self.parties.dataset_owner);
            entitled += c.dataset_price as i128;
        }
        if !ctl.scheduler {
            victims.push(self.parties.scheduler);
        }
        let compute_cost = c.compute_cost_nrlc;
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
                task.honest_computed as i128 * compute_cost as i128 + entitled - (after - before);
            self.close(task.deal);
        }
        Ok(())
    }
}
