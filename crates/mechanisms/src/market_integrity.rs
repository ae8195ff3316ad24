//! **M8 — market-integrity hardening** (spec §3 M8): signed (delayed) pool policies with a
//! bounded worker stake ratio, volume restoration on non-provider failures, per-task deadlines
//! anchored at `initialize`, the kitty rule and a bounded contributor list.

use pocolab_core::constants::{
    CONTRIBUTION_DEADLINE_RATIO, DEFAULT_SCHEDULER_REWARD_RATIO, DEFAULT_WORKER_STAKE_RATIO,
    FINAL_DEADLINE_RATIO, RLC,
};
use pocolab_core::{Address, B256, Env, JournaledState, MatchedOrders, Result, State, U256};
use serde::Deserialize;

use crate::evidence::Attribution;
use crate::journal::JMap;
use crate::payout::SuccessPlan;
use crate::util::{add, ensure, mul, u};

const NAME: &str = "market_integrity";

/// Parameters of M8.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarketIntegrityParams {
    /// delay before an announced pool policy applies to new deals, seconds (`Δ_cancel`)
    pub policy_delay_secs: u64,
    /// upper bound on the worker stake ratio ρ_w, percent (rule 1)
    pub max_worker_stake_ratio: u64,
    /// restore `consumed` of the app and dataset orders on a non-provider failure (rule 3)
    pub restore_volume: bool,
    /// anchor deadlines at `initialize` (rule 4)
    pub per_task_deadlines: bool,
    /// maximum initialisation delay `I_max`, in units of the category time `T` (rule 4)
    pub max_init_delay_t: u64,
    /// kitty share paid only when `P_w ≥ p_min`, nRLC (rule 5)
    pub kitty_min_pool_price: u64,
    /// cap of kitty payouts per pool per epoch, nRLC (rule 5)
    pub kitty_cap_per_epoch: u64,
    /// epoch length, seconds
    pub epoch_secs: u64,
    /// maximum contributors per task `n_max` (rule 6)
    pub max_contributors: u64,
}

impl Default for MarketIntegrityParams {
    fn default() -> Self {
        Self {
            policy_delay_secs: 3_600,
            max_worker_stake_ratio: 100,
            restore_volume: true,
            per_task_deadlines: true,
            max_init_delay_t: 3,
            kitty_min_pool_price: RLC / 10,
            kitty_cap_per_epoch: 10 * RLC,
            epoch_secs: 86_400,
            max_contributors: 20,
        }
    }
}

/// A pool policy `(ρ_w, σ)` with a pending announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyState {
    /// in force
    pub current: (U256, U256),
    /// announced `(ρ_w, σ, effective_at)`
    pub pending: Option<(U256, U256, u64)>,
}

impl Default for PolicyState {
    fn default() -> Self {
        Self {
            current: (
                u(DEFAULT_WORKER_STAKE_RATIO),
                u(DEFAULT_SCHEDULER_REWARD_RATIO),
            ),
            pending: None,
        }
    }
}

impl PolicyState {
    /// The policy in force at `t`.
    pub fn at(&self, t: u64) -> (U256, U256) {
        match self.pending {
            Some((r, s, at)) if at <= t => (r, s),
            _ => self.current,
        }
    }
}

/// M8 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketIntegrity {
    /// parameters
    pub params: MarketIntegrityParams,
    /// workerpool → announced policy
    pub policies: JMap<Address, PolicyState>,
    /// deal → (app order hash, dataset order hash)
    pub deal_orders: JMap<B256, (B256, Option<B256>)>,
    /// (pool owner, epoch) → kitty paid
    pub kitty_paid: JMap<(Address, u64), U256>,
}

crate::journaled!(MarketIntegrity; policies, deal_orders, kitty_paid);

impl MarketIntegrity {
    /// M8 with `params`.
    pub fn new(params: MarketIntegrityParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// The policy applied to a deal matched at `t` with `pool`.
    pub fn policy(&self, pool: Address, t: u64) -> (U256, U256) {
        self.policies.get(&pool).copied().unwrap_or_default().at(t)
    }

    /// Entry point: the pool owner announces `(ρ_w, σ)`, applied to deals matched from
    /// `now + policy_delay_secs` on (the signed, delayed policy of rule 1).
    pub(crate) fn announce_policy(
        &mut self,
        st: &State,
        env: &Env,
        pool: Address,
        rho: U256,
        sigma: U256,
    ) -> Result<()> {
        let owner = st.registries.workerpools.get(&pool).map(|p| p.owner);
        ensure(owner == Some(env.sender), NAME, "not the workerpool owner")?;
        ensure(
            rho <= u(self.params.max_worker_stake_ratio),
            NAME,
            "worker stake ratio above bound",
        )?;
        ensure(sigma <= u(100), NAME, "scheduler reward ratio above 100")?;
        let mut p = self.policies.get(&pool).copied().unwrap_or_default();
        p.current = p.at(env.timestamp);
        p.pending = Some((rho, sigma, env.timestamp + self.params.policy_delay_secs));
        self.policies.insert(pool, p);
        Ok(())
    }

    pub(crate) fn on_match(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        deal_id: B256,
        orders: &MatchedOrders,
    ) -> Result<()> {
        let deal = st.deal_mut(deal_id).expect("deal stored before the hook");
        let (rho, sigma) = self.policy(deal.workerpool.pointer, env.timestamp);
        ensure(
            rho <= u(self.params.max_worker_stake_ratio),
            NAME,
            "worker stake ratio above bound",
        )?;
        deal.worker_stake = mul(deal.workerpool.price, rho)? / u(100);
        deal.scheduler_reward_ratio = sigma;
        self.deal_orders
            .insert(deal_id, (orders.app, orders.dataset));
        Ok(())
    }

    pub(crate) fn after_initialize(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
    ) -> Result<()> {
        if !self.params.per_task_deadlines {
            return Ok(());
        }
        let start = st.deals[&st.tasks[&tid].dealid].start_time;
        let task = st.task_mut(tid).expect("initialized");
        let t = task.timeref;
        let now = u(env.timestamp);
        if now <= add(start, mul(t, u(self.params.max_init_delay_t))?)? {
            task.contribution_deadline = add(now, mul(t, u(CONTRIBUTION_DEADLINE_RATIO))?)?;
            task.final_deadline = add(now, mul(t, u(FINAL_DEADLINE_RATIO))?)?;
        }
        Ok(())
    }

    pub(crate) fn check_contribution(&self, st: &State, tid: B256) -> Result<()> {
        ensure(
            (st.tasks[&tid].contributors.len() as u64) < self.params.max_contributors,
            NAME,
            "contributor list full",
        )
    }

    fn epoch(&self, t: u64) -> u64 {
        t / self.params.epoch_secs.max(1)
    }

    /// Rule 5 applied to the success plan.
    pub(crate) fn adjust_success(&self, st: &State, env: &Env, tid: B256, plan: &mut SuccessPlan) {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        if deal.workerpool.price < u(self.params.kitty_min_pool_price)
            || deal.requester == deal.workerpool.owner
        {
            plan.kitty_allowed = false;
        }
        let paid = self
            .kitty_paid
            .get(&(plan.pool_owner, self.epoch(env.timestamp)))
            .copied()
            .unwrap_or_default();
        plan.kitty_cap = Some(u(self.params.kitty_cap_per_epoch).saturating_sub(paid));
    }

    pub(crate) fn record_kitty(&mut self, env: &Env, pool_owner: Address, x: U256) {
        if !x.is_zero() {
            let k = (pool_owner, self.epoch(env.timestamp));
            let v = self.kitty_paid.get(&k).copied().unwrap_or_default() + x;
            self.kitty_paid.insert(k, v);
        }
    }

    /// Rule 3: give the app and dataset orders their volume back (not on provider faults).
    pub(crate) fn on_failure(&mut self, st: &mut JournaledState, tid: B256, att: &Attribution) {
        let deal = st.tasks[&tid].dealid;
        if let Some((app, ds)) = self.deal_orders.get(&deal).copied()
            && self.params.restore_volume
            && !matches!(att, Attribution::Provider { .. })
        {
            for h in [Some(app), ds].into_iter().flatten() {
                if let Some(v) = st.consumed.get(&h).copied()
                    && !v.is_zero()
                {
                    st.set_consumed(h, v - u(1));
                }
            }
        }
    }
}
