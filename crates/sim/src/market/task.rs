use super::*;

impl Market {
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
    pub(super) fn compute(&mut self, t: u32, w: u32) -> Option<B256> {
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

    pub(super) fn on_contribute(&mut self, t: u32, w: u32) -> Result<(), SimError> {
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
            if core.reveal_counter == core.winner_counter
                && !matches!(self.cfg.attack, Attack::WithholdFinalize)
            {
                self.q.after(0, Ev::Finalize { t });
            }
        }
    }

    pub(super) fn on_reveal_deadline(&mut self, t: u32, deadline: u64) -> Result<(), SimError> {
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

    pub(super) fn on_finalize(&mut self, t: u32) -> Result<(), SimError> {
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

    pub(super) fn record_success(&mut self, t: u32) {
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
            self.poco.state.tasks.remove(&task.id).expect("core task")
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
                self.poco.state.tasks.remove(&id);
            }
            self.m.failed += 1;
            self.m.victim_loss +=
                (task.honest_computed * c.compute_cost_nrlc) as i128 + entitled - (after - before);
            self.close(task.deal);
        }
        Ok(())
    }
}
