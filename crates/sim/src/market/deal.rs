//! Demand and matching: a requester arrives, the providers' and the pool's orders meet its
//! request order, the broker matches them, and the deal's tasks are initialized and handed to
//! the scheduler.

use std::rc::Rc;

use pocolab_core::{
    Address, AppOrder, B256, DatasetOrder, Env, RequestOrder, U256, WorkerpoolOrder,
};
use rand::RngExt;

use super::{Ev, Market, SimError, SimTask};
use crate::rng::exponential;

/// The four orders of one deal.
pub(crate) struct Orders {
    pub app: AppOrder,
    pub dataset: DatasetOrder,
    pub wp: WorkerpoolOrder,
    pub req: RequestOrder,
}

impl Market {
    /// Deal `k` arrives: draw its requester and trust, publish and match its orders, initialize
    /// its tasks and start them.
    pub(super) fn on_deal(&mut self, k: u64) -> Result<(), SimError> {
        let adv = Rc::clone(&self.adv);
        adv.before_deal(self, k)?;
        if k + 1 < self.cfg.deals {
            let dt = if self.cfg.poisson_arrivals {
                exponential(&mut self.demand_rng, self.cfg.deal_interval_s as f64).round() as u64
            } else {
                self.cfg.deal_interval_s
            };
            self.q.after(dt, Ev::Deal(k + 1));
        }
        let requester = self.parties.requesters[self
            .demand_rng
            .random_range(0..self.parties.requesters.len())];
        let chosen_trust = if self.cfg.trust_choices.is_empty() {
            self.cfg.trust
        } else {
            let c = &self.cfg.trust_choices;
            c[self.demand_rng.random_range(0..c.len())]
        };
        let trust = adv.requested_trust(chosen_trust);
        adv.before_orders(self, k);
        let mut o = self.orders(k, requester, trust);
        let env = self.env(requester);
        let cost = (o.req.appmaxprice + o.req.datasetmaxprice + o.req.workerpoolmaxprice)
            .saturating_mul(o.req.volume);
        if self.poco.view_account(requester).balance < cost {
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
        adv.front_run(self, &mut o, &env);
        let Some(deal) = self.match_deal(&o, &env, cost)? else {
            return Ok(());
        };
        self.m.calls += 1;
        self.m.matched_deals += 1;
        self.deal_open.insert(deal, self.cfg.volume);
        if !self.on.m8 {
            // memory: the simulator never submits an order twice (every deal has its own
            // salt), so the `consumed` counters of matched orders are dead state; dropping
            // them keeps memory flat over 100 M tasks. (M8 restores volume at claim and
            // needs them.)
            self.poco.forget_consumed();
        }
        let censored = adv.censors(k, &mut self.sched_rng);
        for idx in 0..self.cfg.volume {
            let t = self.open_task(&env, deal, k, idx, requester, trust)?;
            if censored {
                continue;
            }
            let first = self.initial_replicas(chosen_trust);
            match adv.start_delay(idx) {
                Some(delay) => self.q.after(delay, Ev::Assign { t, n: first }),
                None => self.assign(t, first),
            }
        }
        Ok(())
    }

    /// Deal `k`'s orders at the current prices: the providers' and the pool's asks, the
    /// requester's maxima, its `trust`; every order of a deal has the deal's own salt.
    fn orders(&self, k: u64, requester: Address, trust: u64) -> Orders {
        let c = &self.cfg;
        let p = &self.prices;
        let salt = B256::from(U256::from(k));
        let volume = U256::from(c.volume);
        let app = AppOrder {
            app: self.parties.app,
            appprice: U256::from(p.app_ask),
            volume,
            salt,
            ..Default::default()
        };
        let dataset = if c.with_dataset {
            DatasetOrder {
                dataset: self.parties.dataset,
                datasetprice: U256::from(p.dataset_ask),
                volume,
                salt,
                ..Default::default()
            }
        } else {
            DatasetOrder::default()
        };
        let wp = WorkerpoolOrder {
            workerpool: self.parties.workerpool,
            workerpoolprice: U256::from(p.pool_ask),
            volume,
            category: U256::from(c.category),
            // the pool accepts up to the highest trust requesters choose
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
            app: self.parties.app,
            appmaxprice: U256::from(p.app_max),
            dataset: dataset.dataset,
            datasetmaxprice: if c.with_dataset {
                U256::from(p.dataset_max)
            } else {
                U256::ZERO
            },
            workerpool: self.parties.workerpool,
            workerpoolmaxprice: U256::from(p.pool_max),
            requester,
            volume,
            category: wp.category,
            trust: U256::from(trust),
            salt,
            ..Default::default()
        };
        Orders {
            app,
            dataset,
            wp,
            req,
        }
    }

    /// The broker's `matchOrders`: the deal, or `None` when the match reverts for a reason the
    /// run expects (a budget-limited requester short of a mechanism's extra locks, or a pool
    /// that refuses the request under attack).
    fn match_deal(&mut self, o: &Orders, env: &Env, cost: U256) -> Result<Option<B256>, SimError> {
        match self
            .poco
            .match_orders(env, &o.app, &o.dataset, &o.wp, &o.req)
        {
            Ok(d) => Ok(Some(d)),
            Err(_)
                if self.cfg.requester_budget_nrlc > 0
                    && self.poco.view_account(o.req.requester).balance
                        < cost.saturating_mul(U256::from(3u8)) =>
            {
                // a budget-limited requester near the end of its budget could not cover a
                // mechanism's extra locks (bonds, deposits)
                self.m.reverted_calls += 1;
                self.m.unmatched_deals += 1;
                Ok(None)
            }
            Err(_) if self.adv.pool_may_refuse() => {
                // nothing is locked, nobody works
                self.m.reverted_calls += 1;
                self.m.unmatched_deals += 1;
                Ok(None)
            }
            Err(err) => Err(SimError::Protocol {
                call: "matchOrders",
                err,
            }),
        }
    }

    /// Initialize task `idx` of `deal` (deal `k`) and schedule its claim (and M3/M4's fault
    /// report when replicas may diverge); returns the simulator's task index.
    fn open_task(
        &mut self,
        env: &Env,
        deal: B256,
        k: u64,
        idx: u64,
        requester: Address,
        trust: u64,
    ) -> Result<u32, SimError> {
        let id = self
            .poco
            .initialize(env, deal, U256::from(idx))
            .map_err(|err| SimError::Protocol {
                call: "initialize",
                err,
            })?;
        self.m.calls += 1;
        self.m.tasks += 1;
        let t = self.next_task;
        self.next_task += 1;
        let now = self.q.now();
        let task = SimTask {
            id,
            deal,
            start: now,
            contribution_deadline: now + 7 * self.r,
            truth: self.adv.truth(id),
            truth_hash: None,
            assigned: Vec::new(),
            outstanding: 0,
            honest_computed: 0,
            deal_k: k,
            requester,
            trust,
            shared: None,
            attested: false,
        };
        self.tasks.insert(t, task);
        if self.on.m2 {
            self.spot_checks(id);
        }
        self.q.at(now + 10 * self.r, Ev::Claim { t });
        if (self.on.m3 || self.on.m4) && self.adv.divergence().is_some() {
            self.q.at(now + 7 * self.r - 1, Ev::ReportFault { t });
        }
        Ok(t)
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

    /// M7: the requester avoids an app or dataset rated below 2.5 stars.
    fn avoids_providers(&self) -> bool {
        self.rated_low(self.parties.app) || self.rated_low(self.parties.dataset)
    }

    /// M7: `asset`'s average rating is below 2.5 stars.
    pub(crate) fn rated_low(&self, asset: Address) -> bool {
        self.poco
            .ext
            .reputation
            .as_ref()
            .is_some_and(|rep| rep.rating_milli(asset).is_some_and(|r| r < 2_500))
    }
}
