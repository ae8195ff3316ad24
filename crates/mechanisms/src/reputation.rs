//! **M7 — multi-entity reputation ledger** (spec §3 M7).
//!
//! Objective events written by the protocol at settlement, per entity (app, dataset,
//! workerpool assets; requester and worker accounts): a decayed Beta score
//! `R = (1 + S)/(2 + S + ρ_f·F)` with forgetting `λ` per epoch, counted only on independent
//! priced deals and weighted by `min(1, price/p_ref)`. Subjective 1–5 ratings are accepted from
//! the requester of a completed paid task, once per task, weighted by the rater's own `R`.
//! Uses (rule 3): minimum-reputation requirements checked at match, the requester bond of M3
//! (`γ(R)`), and the provider bonds of M4 (`bond = base·(1 + κ_r·(1 − R))`, newcomers at the
//! maximum multiplier — [`Reputation::bond_multiplier_ppm`]).

use pocolab_core::constants::RLC;
use pocolab_core::{Address, B256, Deal, Env, Result, State, TaskStatus, U256};
use serde::Deserialize;

use crate::journal::JMap;
use crate::util::{DecayedBeta, ensure};

const NAME: &str = "reputation";

/// Parameters of M7.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReputationParams {
    /// `λ` per epoch, ppm (0.98)
    pub lambda_ppm: u64,
    /// `ρ_f`: weight of a fault relative to a success
    pub fail_weight: u64,
    /// epoch length, seconds
    pub epoch_secs: u64,
    /// `p_ref`: price at which an event counts fully, nRLC
    pub ref_price: u64,
    /// `p_min`: minimum `P_w` of a deal whose events count, nRLC
    pub min_pool_price: u64,
    /// `κ_r`: bond multiplier slope, percent (`bond = base·(1 + κ_r·(1 − R))`)
    pub bond_kappa_pct: u64,
}

impl Default for ReputationParams {
    fn default() -> Self {
        Self {
            lambda_ppm: 980_000,
            fail_weight: 3,
            epoch_secs: 86_400,
            ref_price: RLC,
            min_pool_price: RLC / 10,
            bond_kappa_pct: 100,
        }
    }
}

/// Minimum reputations (ppm) an account requires of its counterparts at match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MinReps {
    /// required of the app (checked for the requester's deals)
    pub app: u64,
    /// required of the dataset
    pub dataset: u64,
    /// required of the workerpool
    pub pool: u64,
    /// required of the requester (checked for the provider's / pool owner's deals)
    pub requester: u64,
}

/// M7 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reputation {
    /// parameters
    pub params: ReputationParams,
    /// entity → evidence
    pub rep: JMap<Address, DecayedBeta>,
    /// asset → (Σ weight·score, Σ weight), weights in ppm
    pub ratings: JMap<Address, (u128, u128)>,
    /// tasks already rated
    pub rated: JMap<B256, ()>,
    /// account → requirements
    pub requirements: JMap<Address, MinReps>,
}
crate::journaled!(Reputation; rep, ratings, rated, requirements);

/// The entities of a deal whose events count.
pub(crate) fn independent(deal: &Deal, min_pool_price: u64) -> bool {
    let (r, a, p) = (deal.requester, deal.app.owner, deal.workerpool.owner);
    r != a && r != p && a != p && deal.workerpool.price >= U256::from(min_pool_price)
}

impl Reputation {
    /// M7 with `params`.
    pub fn new(params: ReputationParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    fn epoch(&self, t: u64) -> u64 {
        t / self.params.epoch_secs.max(1)
    }

    /// `R_e` at time `t`, ppm (newcomers: 500 000).
    pub fn score_ppm(&self, e: Address, t: u64) -> u64 {
        let mut b = self.rep.get(&e).copied().unwrap_or_default();
        b.decay_to(self.epoch(t), self.params.lambda_ppm);
        b.mean_ppm()
    }

    /// Bond multiplier of entity `e` at `t`, ppm (10⁶ = ×1): `1 + κ_r·(1 − R_e)` (T&M M7 rule 3).
    /// A newcomer (no event recorded yet) pays the maximum `1 + κ_r` ("pay your dues"), although
    /// its score reads 0.5.
    pub fn bond_multiplier_ppm(&self, e: Address, t: u64) -> u64 {
        let r = if self.rep.get(&e).is_some() {
            self.score_ppm(e, t).min(1_000_000)
        } else {
            0
        };
        1_000_000 + self.params.bond_kappa_pct.saturating_mul(1_000_000 - r) / 100
    }

    /// Average subjective rating of an asset, in thousandths (1 000 … 5 000).
    pub fn rating_milli(&self, asset: Address) -> Option<u64> {
        self.ratings
            .get(&asset)
            .filter(|(_, w)| *w > 0)
            .map(|(s, w)| (*s * 1_000 / *w) as u64)
    }

    fn weight(&self, price: U256) -> u128 {
        let p: u128 = price.try_into().unwrap_or(u128::MAX);
        let r = self.params.ref_price.max(1) as u128;
        if p >= r { 1_000_000 } else { p * 1_000_000 / r }
    }

    /// Record a success (`fault = false`) or a fault of entity `e` at `price`.
    pub fn record(&mut self, e: Address, t: u64, price: U256, fault: bool) {
        let w = self.weight(price);
        if w == 0 {
            return;
        }
        let mut b = self.rep.get(&e).copied().unwrap_or_default();
        b.decay_to(self.epoch(t), self.params.lambda_ppm);
        if fault {
            b.fail += w * self.params.fail_weight as u128;
        } else {
            b.succ += w;
        }
        self.rep.insert(e, b);
    }

    pub(crate) fn on_match(&self, st: &State, env: &Env, deal_id: B256) -> Result<()> {
        let d = &st.deals[&deal_id];
        let t = env.timestamp;
        let req = self
            .requirements
            .get(&d.requester)
            .copied()
            .unwrap_or_default();
        ensure(
            self.score_ppm(d.app.pointer, t) >= req.app,
            NAME,
            "app reputation below requirement",
        )?;
        if d.dataset.pointer != Address::ZERO {
            ensure(
                self.score_ppm(d.dataset.pointer, t) >= req.dataset,
                NAME,
                "dataset reputation below requirement",
            )?;
        }
        ensure(
            self.score_ppm(d.workerpool.pointer, t) >= req.pool,
            NAME,
            "pool reputation below requirement",
        )?;
        let r = self.score_ppm(d.requester, t);
        for owner in [d.app.owner, d.dataset.owner, d.workerpool.owner] {
            if owner != Address::ZERO {
                let m = self.requirements.get(&owner).copied().unwrap_or_default();
                ensure(
                    r >= m.requester,
                    NAME,
                    "requester reputation below requirement",
                )?;
            }
        }
        Ok(())
    }

    /// Success events: app, dataset, pool, requester and proved workers.
    pub(crate) fn on_success(&mut self, st: &State, env: &Env, tid: B256, winners: &[Address]) {
        let d = st.deals[&st.tasks[&tid].dealid].clone();
        if !independent(&d, self.params.min_pool_price) {
            return;
        }
        let (t, p) = (env.timestamp, d.task_price().unwrap_or_default());
        self.record(d.app.pointer, t, p, false);
        if d.dataset.pointer != Address::ZERO {
            self.record(d.dataset.pointer, t, p, false);
        }
        self.record(d.workerpool.pointer, t, p, false);
        self.record(d.requester, t, p, false);
        for w in winners {
            self.record(*w, t, p, false);
        }
    }

    /// A fault of `e` on the deal of `tid` (attributed failure, slash, lost dispute).
    pub(crate) fn fault(&mut self, st: &State, env: &Env, tid: B256, e: Address) {
        let d = &st.deals[&st.tasks[&tid].dealid];
        if independent(d, self.params.min_pool_price) {
            self.record(e, env.timestamp, d.task_price().unwrap_or_default(), true);
        }
    }

    /// Entry point: the requester of a completed paid task rates its app and dataset.
    pub(crate) fn rate(&mut self, st: &State, env: &Env, tid: B256, stars: u8) -> Result<()> {
        ensure((1..=5).contains(&stars), NAME, "rating must be 1 to 5")?;
        let task = st
            .tasks
            .get(&tid)
            .ok_or(crate::util::err(NAME, "unknown task"))?;
        ensure(
            task.status == TaskStatus::Completed,
            NAME,
            "task not completed",
        )?;
        let d = &st.deals[&task.dealid];
        ensure(env.sender == d.requester, NAME, "only the requester rates")?;
        ensure(!d.task_price()?.is_zero(), NAME, "unpaid task")?;
        ensure(self.rated.get(&tid).is_none(), NAME, "task already rated")?;
        let w = self.score_ppm(env.sender, env.timestamp) as u128;
        for asset in [d.app.pointer, d.dataset.pointer] {
            if asset != Address::ZERO {
                let (s, n) = self.ratings.get(&asset).copied().unwrap_or_default();
                self.ratings.insert(asset, (s + w * stars as u128, n + w));
            }
        }
        self.rated.insert(tid, ());
        Ok(())
    }
}
