use super::*;

impl Market {
    pub(super) fn on_deal(&mut self, k: u64) -> Result<(), SimError> {
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
            self.poco.state.consumed.clear();
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
    pub(super) fn initial_replicas(&self, trust: u64) -> u64 {
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

    /// W4 for providers (Kerr & Cohen's re-entry): the garbage provider whose asset requesters
    /// avoid registers a fresh one — same artefact, new address, no ratings — and, under M4,
    /// bonds it as at set-up (a newcomer: with M7 at the maximum multiplier).
    pub(super) fn reenter(&mut self, source: Provider, k: u64) -> Result<(), SimError> {
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
    pub(super) fn avoids_providers(&self) -> bool {
        self.rated_low(self.app) || self.rated_low(self.dataset)
    }

    /// M7: `asset`'s average rating is below 2.5 stars.
    pub(super) fn rated_low(&self, asset: Address) -> bool {
        self.poco
            .ext
            .reputation
            .as_ref()
            .is_some_and(|rep| rep.rating_milli(asset).is_some_and(|r| r < 2_500))
    }
}
