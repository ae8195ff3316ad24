//! Settling a run: every party's balance against its snapshot, and the attacker's profit.

use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::{Address, Poco};
use pocolab_mechanisms::Mechanisms;
use rustc_hash::FxHashMap;

use super::{Market, holdings};
use crate::attacks::WorkerKind;
use crate::config::Provider;
use crate::metrics::{RoleNets, RunMetrics};

impl Market {
    /// The run's metrics: every party's balance change against its snapshot, and the
    /// attacker's profit (its parties' balances, its gains outside the chain, less its compute).
    pub(super) fn settle(mut self) -> RunMetrics {
        let delta = |p: &Poco<Mechanisms>, initial: &FxHashMap<Address, i128>, a: Address| {
            holdings(p, a) - initial[&a]
        };
        let c = &self.cfg;
        let p = &self.poco;
        self.m.requester_outflow = (-self
            .parties
            .requesters
            .iter()
            .map(|r| delta(p, &self.initial, *r))
            .sum::<i128>())
        .into();
        self.m.scheduler_income = delta(p, &self.initial, self.parties.scheduler).into();
        let app_rev = delta(p, &self.initial, self.parties.app_owner);
        let ds_rev = delta(p, &self.initial, self.parties.dataset_owner);
        self.m.provider_revenue = (app_rev + ds_rev).into();
        self.m.provider_entitled = (((c.app_price
            + if c.with_dataset { c.dataset_price } else { 0 })
            * self.m.tasks) as i128)
            .into();
        let mut attacker = 0i128;
        let mut attacker_replicas = 0u64;
        for w in &self.workers {
            let d = delta(p, &self.initial, w.addr);
            if w.kind == WorkerKind::Honest {
                self.m.honest_worker_income += d;
                self.m.honest_worker_income_sq += (d as f64) * (d as f64);
            } else {
                attacker += d;
                attacker_replicas += w.replicas;
            }
        }
        let ctl = self.adv.controls();
        let correct = self.m.correct();
        let fair =
            c.app_price + if c.with_dataset { c.dataset_price } else { 0 } + c.workerpool_price;
        let some = |attacker: bool, v: i128| (!attacker).then_some(v.into());
        self.m.nets = RoleNets {
            requester: some(
                ctl.requester,
                correct as i128 * fair as i128
                    - self.m.requester_outflow.get()
                    - self.m.wrong_accepted as i128 * self.adv.loss_per_wrong() as i128,
            ),
            app_owner: some(ctl.app_owner, app_rev),
            dataset_owner: some(
                ctl.dataset_owner || !c.with_dataset,
                ds_rev - self.m.leaked.get(),
            ),
            pool: some(ctl.scheduler, self.m.scheduler_income.get()),
            honest_workers: some(
                self.m.honest_workers == 0,
                self.m.honest_worker_income.get()
                    - self.m.honest_replicas as i128 * c.compute_cost_nrlc as i128,
            ),
        };
        if ctl.scheduler {
            attacker += self.m.scheduler_income;
        }
        if ctl.requester {
            attacker -= self.m.requester_outflow;
        }
        // a provider's gain from attacking is what it earned beyond the price of the correct
        // results it delivered (what it would have earned honestly)
        // (an overturned or refunded result was wrong all the same)
        let ds_price = if c.with_dataset { c.dataset_price } else { 0 };
        if ctl.app_owner {
            let honest = self.adv.honest_revenue(Provider::App, c.app_price, correct);
            attacker += app_rev - honest as i128;
        }
        if ctl.dataset_owner {
            let honest = self
                .adv
                .honest_revenue(Provider::Dataset, ds_price, correct);
            attacker += ds_rev - honest as i128;
        }
        if let Some(ring) = &self.ring {
            attacker += delta(p, &self.initial, ring.owner);
        }
        attacker += self.adv.gain_off_chain(c, &self.m);
        attacker += self.m.wrong_accepted as i128 * self.adv.gain_per_wrong() as i128;
        attacker -= attacker_replicas as i128 * c.compute_cost_nrlc as i128;
        self.m.attacker_profit = if self.adv.is_honest() { 0 } else { attacker }.into();
        self.m.kitty = p.view_account(KITTY_ADDRESS).frozen.to::<u128>();
        self.m.ring_tasks = self.ring.as_ref().map_or(0, |r| r.deals);
        self.m.top_attacker_score = self
            .workers
            .iter()
            .filter(|w| w.kind.adversarial())
            .map(|w| p.view_score(w.addr).to::<u64>())
            .max()
            .unwrap_or(0);
        self.m
    }
}
