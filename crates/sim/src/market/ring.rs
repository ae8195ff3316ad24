use super::*;

impl Market {
    /// S9/W5 (F5): the ring's two workers self-deal zero-price tasks. Each task asks for the
    /// trust `ω(s) + 1`, the highest at which one of them alone cannot finalize, so both must
    /// contribute and both gain +1 (spec §7.8: only when more than one contributor).
    pub(super) fn farm_scores(&mut self, tasks: u64) -> Result<(), SimError> {
        let ring = self.ring.as_ref().expect("ring");
        let (owner, app, pool) = (ring.owner, ring.app, ring.pool);
        let (w0, w1) = (ring.workers[0], ring.workers[1]);
        let perr = |call| move |err| SimError::Protocol { call, err };
        if self.on.m2 && tasks > 0 {
            // under M2 a trust ≥ 2 task needs a committee: the ring bonds its two workers with
            // its own pool (they are then its whole committee)
            let bond = registration_bond(&self.cfg);
            for w in [w0, w1] {
                let a = self.workers[w as usize].addr;
                self.fund_after_snapshot(a, bond as u128)?;
                self.poco
                    .register_worker(&Env::at(a, T0), pool, U256::from(bond))
                    .map_err(perr("registerWorker"))?;
            }
        }
        for k in 0..tasks {
            let env = Env::at(owner, T0);
            let s = self
                .poco
                .view_score(self.workers[w0 as usize].addr)
                .to::<u64>();
            let trust = U256::from((s / 3).max(3) - 1 + 1);
            let salt = keccak256(format!("farm:{k}"));
            let ao = AppOrder {
                app,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let wo = WorkerpoolOrder {
                workerpool: pool,
                volume: U256::ONE,
                trust,
                salt,
                ..Default::default()
            };
            let ro = RequestOrder {
                app,
                workerpool: pool,
                requester: owner,
                volume: U256::ONE,
                trust,
                salt,
                ..Default::default()
            };
            let deal = self
                .poco
                .match_orders(&env, &ao, &DatasetOrder::default(), &wo, &ro)
                .map_err(perr("matchOrders"))?;
            let tid = self
                .poco
                .initialize(&env, deal, U256::ZERO)
                .map_err(perr("initialize"))?;
            let d = keccak256([tid.as_slice(), b"farm"].concat());
            for w in [w0, w1] {
                let a = self.workers[w as usize].addr;
                self.poco
                    .contribute(
                        &Env::at(a, T0),
                        tid,
                        result_hash(tid, d),
                        result_seal(a, tid, d),
                        Address::ZERO,
                        &[],
                        &[],
                    )
                    .map_err(perr("contribute"))?;
            }
            self.m.calls += 4;
            if self.on.m2 && self.poco.state.tasks[&tid].status != TaskStatus::Revealing {
                // M2: two newcomers (weight 1 each) never reach consensus, and self-dealing
                // earns no credibility (rule 4): the farm stalls on its first task
                self.ring.as_mut().expect("ring").deals += k + 1;
                return Ok(());
            }
            for w in [w0, w1] {
                self.poco
                    .reveal(&Env::at(self.workers[w as usize].addr, T0), tid, d)
                    .map_err(perr("reveal"))?;
            }
            self.poco
                .finalize(&env, tid, b"farm", &[])
                .map_err(perr("finalize"))?;
            self.poco.state.tasks.remove(&tid);
            self.poco.state.deals.remove(&deal);
            self.m.calls += 3;
        }
        self.ring.as_mut().expect("ring").deals += tasks;
        Ok(())
    }

    /// S7 (F6): after the market has run, the ring self-deals zero-price trust-1 tasks and
    /// collects the kitty share of each success (`min(max(K/10, 1 RLC), K)`, spec §7.8).
    pub(super) fn drain_kitty(&mut self, deals: u64) -> Result<(), SimError> {
        let ring = self.ring.as_ref().expect("ring");
        let (owner, app, pool, w) = (ring.owner, ring.app, ring.pool, ring.workers[0]);
        let worker = self.workers[w as usize].addr;
        let perr = |call| move |err| SimError::Protocol { call, err };
        let now = self.q.now();
        for k in 0..deals {
            let env = Env::at(owner, now);
            let salt = keccak256(format!("drain:{k}"));
            let ao = AppOrder {
                app,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let wo = WorkerpoolOrder {
                workerpool: pool,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let ro = RequestOrder {
                app,
                workerpool: pool,
                requester: owner,
                volume: U256::ONE,
                salt,
                ..Default::default()
            };
            let deal = self
                .poco
                .match_orders(&env, &ao, &DatasetOrder::default(), &wo, &ro)
                .map_err(perr("matchOrders"))?;
            let tid = self
                .poco
                .initialize(&env, deal, U256::ZERO)
                .map_err(perr("initialize"))?;
            let d = keccak256([tid.as_slice(), b"drain"].concat());
            self.poco
                .contribute_and_finalize(
                    &Env::at(worker, now),
                    tid,
                    d,
                    b"drain",
                    &[],
                    Address::ZERO,
                    &[],
                    &[],
                )
                .map_err(perr("contributeAndFinalize"))?;
            self.poco.state.tasks.remove(&tid);
            self.poco.state.deals.remove(&deal);
            self.m.calls += 3;
        }
        self.ring.as_mut().expect("ring").deals += deals;
        Ok(())
    }
}
