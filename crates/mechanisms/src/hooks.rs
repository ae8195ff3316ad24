//! The hook fan-out: [`Extension`] for [`Mechanisms`] (every hook runs the enabled
//! mechanisms in the order documented on [`Mechanisms`]) and for each mechanism alone, and
//! the checkpoints of their journaled state.

use pocolab_core::{
    Address, B256, Checkpoint, Env, Extension, JournaledState, MatchedOrders, Result, Settlement,
    State, SuccessPath, Weight,
};

use crate::journal::Journaled;
use crate::util::unlock;
use crate::{
    Attribution, Committees, Disputes, Evidence, FailureReport, FairExchange, MarketIntegrity,
    Mechanisms, OptimisticVerification, Party, ProviderBond, Reputation, RequesterBond, payout,
};

impl Mechanisms {
    pub(crate) fn parts(&mut self) -> Parts<'_> {
        Parts {
            m1: self.optimistic_verification.as_mut(),
            m2: self.committees.as_mut(),
            m3: self.requester_bond.as_mut(),
            m4: self.provider_bond.as_mut(),
            m5: self.fair_exchange.as_mut(),
            m6: self.disputes.as_mut(),
            m7: self.reputation.as_mut(),
            m8: self.market_integrity.as_mut(),
            ev: Some(&mut self.evidence),
        }
    }

    /// Apply `f` to the journaled state of the evidence store and of every enabled mechanism.
    fn each_journal(&mut self, mut f: impl FnMut(&mut dyn Journaled)) {
        f(&mut self.evidence);
        macro_rules! each {
            ($($f:ident),*) => { $( if let Some(m) = self.$f.as_mut() { f(m); } )* };
        }
        each!(
            optimistic_verification,
            committees,
            requester_bond,
            provider_bond,
            fair_exchange,
            disputes,
            reputation,
            market_integrity
        );
    }
}

/// Borrowed view of the enabled mechanisms: the one implementation of every hook.
pub(crate) struct Parts<'a> {
    m1: Option<&'a mut OptimisticVerification>,
    m2: Option<&'a mut Committees>,
    m3: Option<&'a mut RequesterBond>,
    m4: Option<&'a mut ProviderBond>,
    m5: Option<&'a mut FairExchange>,
    m6: Option<&'a mut Disputes>,
    m7: Option<&'a mut Reputation>,
    m8: Option<&'a mut MarketIntegrity>,
    ev: Option<&'a mut Evidence>,
}

impl<'a> Parts<'a> {
    fn none() -> Self {
        Parts {
            m1: None,
            m2: None,
            m3: None,
            m4: None,
            m5: None,
            m6: None,
            m7: None,
            m8: None,
            ev: None,
        }
    }

    fn any(&self) -> bool {
        self.m1.is_some()
            || self.m2.is_some()
            || self.m3.is_some()
            || self.m4.is_some()
            || self.m5.is_some()
            || self.m6.is_some()
            || self.m7.is_some()
            || self.m8.is_some()
    }

    fn on_match(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        deal_id: B256,
        orders: &MatchedOrders,
    ) -> Result<()> {
        if let Some(m) = self.m8.as_deref_mut() {
            m.on_match(st, env, deal_id, orders)?;
        }
        if let Some(m) = self.m7.as_deref() {
            m.on_match(st, env, deal_id)?;
        }
        if let Some(m) = self.m4.as_deref_mut() {
            // M7 rule 3: reputation-sized provider bonds (×1 without M7)
            let d = &st.deals[&deal_id];
            let mult = |a: Address| {
                self.m7
                    .as_deref()
                    .map_or(1_000_000, |r| r.bond_multiplier_ppm(a, env.timestamp))
            };
            let mult = (mult(d.app.pointer), mult(d.dataset.pointer));
            m.on_match(st, deal_id, orders.volume, mult)?;
        }
        if let Some(m) = self.m3.as_deref_mut() {
            let requester = st.deals[&deal_id].requester;
            let rep = self
                .m7
                .as_deref()
                .map(|r| r.score_ppm(requester, env.timestamp))
                .unwrap_or(500_000);
            m.on_match(st, deal_id, orders.volume, rep)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_match(st, deal_id, orders.volume)?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_match(st, deal_id, orders.volume)?;
        }
        Ok(())
    }

    fn after_initialize(&mut self, st: &mut JournaledState, env: &Env, tid: B256) -> Result<()> {
        if let Some(m) = self.m8.as_deref_mut() {
            m.after_initialize(st, env, tid)?;
        }
        if let Some(m) = self.m2.as_deref_mut() {
            m.after_initialize(st, env, tid);
        }
        Ok(())
    }

    fn contribution_weight(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        w: Address,
    ) -> Result<Option<Weight>> {
        if let Some(m) = self.m8.as_deref() {
            m.check_contribution(st, tid)?;
        }
        match self.m2.as_deref() {
            Some(m) => m.contribution_weight(st, env, tid, w),
            None => Ok(None),
        }
    }

    fn release_report_stakes(
        &mut self,
        st: &mut JournaledState,
        tid: B256,
    ) -> Result<Vec<FailureReport>> {
        let Some(ev) = self.ev.as_deref_mut() else {
            return Ok(vec![]);
        };
        let reports = ev.reports.get(&tid).cloned().unwrap_or_default();
        for r in &reports {
            unlock(&mut st.ledger_mut(), r.reporter, r.stake)?;
        }
        if !reports.is_empty() {
            ev.reports.remove(&tid);
        }
        Ok(reports)
    }

    fn settle_success(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        path: SuccessPath,
    ) -> Result<Settlement> {
        if !self.any() {
            return Ok(Settlement::Baseline);
        }
        let mut plan = payout::SuccessPlan::baseline(st, tid, path)?;
        if let Some(m) = self.m8.as_deref() {
            m.adjust_success(st, env, tid, &mut plan);
        }
        let kitty = plan.execute(&mut st.ledger_mut())?;
        if let Some(m) = self.m8.as_deref_mut() {
            m.record_kitty(env, plan.pool_owner, kitty);
        }
        if let Some(m) = self.m3.as_deref() {
            m.settle_bond(st, tid, false)?;
        }
        if let Some(m) = self.m4.as_deref_mut()
            && self.m6.is_none()
        {
            // (with M6 the reservations are held through the dispute window)
            m.settle(st, tid, None)?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_success(st, env, tid, &plan)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_success(st, env, tid);
        }
        if let Some(m) = self.m5.as_deref_mut() {
            m.on_success(tid);
        }
        let winners: Vec<Address> = plan.winners.iter().map(|(a, _)| *a).collect();
        if let Some(m) = self.m2.as_deref_mut() {
            m.on_success(st, env, tid, &winners, &plan.losers);
        }
        if let Some(m) = self.m7.as_deref_mut() {
            m.on_success(st, env, tid, &winners);
        }
        self.release_report_stakes(st, tid)?;
        plan.apply_scores(st);
        Ok(Settlement::Handled)
    }

    fn attribute(&self, st: &State, tid: B256, reports: &[FailureReport]) -> Attribution {
        if let Some(a) = self
            .m4
            .as_deref()
            .and_then(|m| m.attribute(st, tid, reports))
        {
            return a;
        }
        if let Some(m) = self.m3.as_deref() {
            if let Some(a) = m.attribute(st, tid, reports) {
                return a;
            }
            if !st.tasks[&tid].contributors.is_empty() {
                return Attribution::Unattributed;
            }
        }
        Attribution::Pool
    }

    fn settle_failure(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
    ) -> Result<Settlement> {
        if !self.any() {
            return Ok(Settlement::Baseline);
        }
        let reports = self
            .ev
            .as_deref()
            .and_then(|e| e.reports.get(&tid).cloned())
            .unwrap_or_default();
        let att = self.attribute(st, tid, &reports);
        let mut plan = payout::FailurePlan::baseline(st, tid)?;
        if let Some(m) = self.m3.as_deref() {
            m.plan_failure(st, tid, &att, &mut plan)?;
        }
        if let Some(m) = self.m4.as_deref() {
            m.plan_failure(&att, &mut plan);
        }
        if let Some(m) = self.m5.as_deref() {
            m.plan_failure(tid, &att, &mut plan);
        }
        plan.execute(&mut st.ledger_mut())?;
        self.release_report_stakes(st, tid)?;
        if let Some(m) = self.m3.as_deref() {
            m.settle_bond(st, tid, matches!(att, Attribution::Requester { .. }))?;
        }
        if let Some(m) = self.m4.as_deref_mut() {
            m.settle(st, tid, Some(&att))?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_failure(st, tid)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_failure(st, tid)?;
        }
        if let Some(m) = self.m7.as_deref_mut() {
            let d = &st.deals[&st.tasks[&tid].dealid];
            let who = match &att {
                Attribution::Pool => Some(d.workerpool.pointer),
                Attribution::Requester { .. } => Some(d.requester),
                Attribution::Provider {
                    party: Party::App, ..
                } => Some(d.app.pointer),
                Attribution::Provider { party: _, .. } => Some(d.dataset.pointer),
                Attribution::Unattributed => None,
            };
            if let Some(e) = who {
                m.fault(st, env, tid, e);
            }
        }
        if let Some(m) = self.m8.as_deref_mut() {
            m.on_failure(st, tid, &att);
        }
        if let Some(m) = self.m5.as_deref_mut() {
            m.on_failure(tid);
        }
        if let Some(m) = self.m2.as_deref_mut() {
            m.on_failure(tid);
        }
        if let Some(ev) = self.ev.as_deref_mut() {
            ev.outcomes.insert(tid, att);
        }
        Ok(Settlement::Handled)
    }
}

impl Extension for Mechanisms {
    fn name(&self) -> &'static str {
        "mechanisms"
    }
    fn on_match(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        deal_id: B256,
        orders: &MatchedOrders,
    ) -> Result<()> {
        self.parts().on_match(st, env, deal_id, orders)
    }
    fn after_initialize(&mut self, st: &mut JournaledState, env: &Env, tid: B256) -> Result<()> {
        self.parts().after_initialize(st, env, tid)
    }
    fn contribution_weight(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        w: Address,
    ) -> Result<Option<Weight>> {
        self.parts().contribution_weight(st, env, tid, w)
    }
    fn settle_success(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        path: SuccessPath,
    ) -> Result<Settlement> {
        self.parts().settle_success(st, env, tid, path)
    }
    fn settle_failure(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
    ) -> Result<Settlement> {
        self.parts().settle_failure(st, env, tid)
    }
    fn checkpoint(&mut self, cp: Checkpoint) {
        self.each_journal(|j| j.checkpoint(cp));
    }
    fn revert(&mut self, cp: Checkpoint) {
        self.each_journal(|j| j.revert(cp));
    }
    fn commit(&mut self, cp: Checkpoint) {
        self.each_journal(|j| j.commit(cp));
    }
}

/// `impl Extension` for one mechanism alone (no evidence store: attribution then sees no
/// reports; entry points live on `Poco<Mechanisms>`).
macro_rules! standalone {
    ($t:ty, $f:ident, $name:literal) => {
        impl Extension for $t {
            fn name(&self) -> &'static str {
                $name
            }
            fn on_match(
                &mut self,
                st: &mut JournaledState,
                env: &Env,
                deal_id: B256,
                orders: &MatchedOrders,
            ) -> Result<()> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.on_match(st, env, deal_id, orders)
            }
            fn after_initialize(
                &mut self,
                st: &mut JournaledState,
                env: &Env,
                tid: B256,
            ) -> Result<()> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.after_initialize(st, env, tid)
            }
            fn contribution_weight(
                &mut self,
                st: &State,
                env: &Env,
                tid: B256,
                w: Address,
            ) -> Result<Option<Weight>> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.contribution_weight(st, env, tid, w)
            }
            fn settle_success(
                &mut self,
                st: &mut JournaledState,
                env: &Env,
                tid: B256,
                path: SuccessPath,
            ) -> Result<Settlement> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.settle_success(st, env, tid, path)
            }
            fn settle_failure(
                &mut self,
                st: &mut JournaledState,
                env: &Env,
                tid: B256,
            ) -> Result<Settlement> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.settle_failure(st, env, tid)
            }
            fn checkpoint(&mut self, cp: Checkpoint) {
                Journaled::checkpoint(self, cp);
            }
            fn revert(&mut self, cp: Checkpoint) {
                Journaled::revert(self, cp);
            }
            fn commit(&mut self, cp: Checkpoint) {
                Journaled::commit(self, cp);
            }
        }
    };
}

standalone!(OptimisticVerification, m1, "optimistic_verification");
standalone!(Committees, m2, "committees");
standalone!(RequesterBond, m3, "requester_bond");
standalone!(ProviderBond, m4, "provider_bond");
standalone!(FairExchange, m5, "fair_exchange");
standalone!(Disputes, m6, "disputes");
standalone!(Reputation, m7, "reputation");
standalone!(MarketIntegrity, m8, "market_integrity");
