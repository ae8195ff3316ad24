//! **M3 — requester input commitment, requester bond and failure attribution** (spec §3 M3).
//!
//! The requester locks `B_r = γ(rep_R)·P_w` per task at match. Failure reports (evidence)
//! decide at `claim` whether the failure is requester-attributable (compensate workers, forfeit
//! `B_r`, spare `S_s`), unattributable (split the loss) or the pool's (today's rule).

use pocolab_core::{Address, B256, JournaledState, Result, State, U256};
use serde::Deserialize;

use crate::evidence::{Attribution, Cause, FailureReport, agreeing};
use crate::journal::JMap;
use crate::payout::FailurePlan;
use crate::util::{frozen_to_kitty, lock, mul, pay_from_frozen, pct, ppm, u, unlock};

/// Parameters of M3.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequesterBondParams {
    /// `γ_0`, ppm of `P_w` (0.5)
    pub gamma0_ppm: u64,
    /// `γ_min`, ppm of `P_w` (lower clip of `γ(rep)`)
    pub gamma_min_ppm: u64,
    /// `φ_c`: compensation to reporting workers on a requester fault, percent of `P_w` (≤ 100)
    pub compensation_pct: u64,
    /// `φ_u`: share of `P_w` paid to contributors on an unattributed failure, percent (≤ 100)
    pub unattributed_pct: u64,
    /// `m_r`: agreeing input reports needed (also a strict majority of participants)
    pub min_reports: u64,
    /// share of a forfeited `B_r` paid to the pool owner (rest to the kitty), percent
    pub forfeit_to_pool_pct: u64,
}

impl Default for RequesterBondParams {
    fn default() -> Self {
        Self {
            gamma0_ppm: 500_000,
            gamma_min_ppm: 100_000,
            compensation_pct: 100,
            unattributed_pct: 30,
            min_reports: 2,
            forfeit_to_pool_pct: 50,
        }
    }
}

/// M3 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequesterBond {
    /// parameters
    pub params: RequesterBondParams,
    /// deal → per-task bond `B_r` (locked on the sponsor)
    pub deal_bond: JMap<B256, U256>,
}
crate::journaled!(RequesterBond; deal_bond);

impl RequesterBond {
    /// M3 with `params`.
    pub fn new(params: RequesterBondParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// `γ(rep)` in ppm: `γ_0·(2 − 2·rep)` clipped to `[γ_min, 2γ_0]`.
    pub fn gamma_ppm(&self, rep_ppm: u64) -> u64 {
        let g =
            2 * self.params.gamma0_ppm as u128 * (1_000_000u128.saturating_sub(rep_ppm as u128))
                / 1_000_000;
        (g as u64).clamp(
            self.params.gamma_min_ppm.min(2 * self.params.gamma0_ppm),
            2 * self.params.gamma0_ppm,
        )
    }

    pub(crate) fn on_match(
        &mut self,
        st: &mut JournaledState,
        deal_id: B256,
        volume: U256,
        rep_ppm: u64,
    ) -> Result<()> {
        let deal = &st.deals[&deal_id];
        let b = ppm(deal.workerpool.price, self.gamma_ppm(rep_ppm))?;
        let sponsor = deal.sponsor;
        lock(&mut st.ledger_mut(), sponsor, mul(b, volume)?)?;
        self.deal_bond.insert(deal_id, b);
        Ok(())
    }

    /// Requester attribution from the task's reports (rule 3).
    pub fn attribute(
        &self,
        st: &State,
        tid: B256,
        reports: &[FailureReport],
    ) -> Option<Attribution> {
        let task = &st.tasks[&tid];
        let mut participants: Vec<Address> = task.contributors.clone();
        for r in reports {
            if !participants.contains(&r.reporter) {
                participants.push(r.reporter);
            }
        }
        let m = self.params.min_reports.max(1) as usize;
        for cause in [Cause::InputChecksumMismatch, Cause::InputUnavailable] {
            let (who, tee) = agreeing(reports, |c| c == cause);
            if tee || (who.len() >= m && 2 * who.len() > participants.len()) {
                return Some(Attribution::Requester { reporters: who });
            }
        }
        // divergent inputs: ≥ 3 distinct result hashes, and agreeing reports whose observed
        // input hashes differ
        let distinct = task.groups.iter().filter(|(_, w)| !w.is_zero()).count();
        let div: Vec<&FailureReport> = reports
            .iter()
            .filter(|r| r.cause == Cause::InputDivergent)
            .collect();
        let differ = div.iter().any(|r| r.input_hash != div[0].input_hash);
        if distinct >= 3 && div.len() >= m && differ {
            return Some(Attribution::Requester {
                reporters: div.iter().map(|r| r.reporter).collect(),
            });
        }
        None
    }

    /// Adjust the failure plan, and settle `B_r` (after the plan ran).
    pub(crate) fn plan_failure(
        &self,
        st: &State,
        tid: B256,
        att: &Attribution,
        plan: &mut FailurePlan,
    ) -> Result<()> {
        match att {
            Attribution::Requester { reporters } => {
                let comp = pct(plan.pool_price, self.params.compensation_pct.min(100))?;
                let to_workers = mul(comp, u(100) - plan.sigma.min(u(100)))? / u(100);
                push_split(plan, reporters, to_workers);
                plan.from_price.push((plan.pool_owner, comp - to_workers));
                plan.seize_pool_stake = false;
            }
            Attribution::Unattributed => {
                let x = pct(plan.pool_price, self.params.unattributed_pct.min(100))?;
                push_split(plan, &st.tasks[&tid].contributors, x);
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn settle_bond(
        &self,
        st: &mut JournaledState,
        tid: B256,
        forfeit: bool,
    ) -> Result<()> {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        let (sponsor, pool_owner) = (deal.sponsor, deal.workerpool.owner);
        let b = self
            .deal_bond
            .get(&st.tasks[&tid].dealid)
            .copied()
            .unwrap_or_default();
        let l = &mut st.ledger_mut();
        if forfeit {
            let to_pool = pct(b, self.params.forfeit_to_pool_pct.min(100))?;
            pay_from_frozen(l, sponsor, pool_owner, to_pool)?;
            frozen_to_kitty(l, sponsor, b - to_pool)
        } else {
            unlock(l, sponsor, b)
        }
    }
}

/// Add an equal split of `v` among `to` (dust to the first) to the plan's payments.
pub(crate) fn push_split(plan: &mut FailurePlan, to: &[Address], v: U256) {
    if to.is_empty() || v.is_zero() {
        if !v.is_zero() {
            plan.from_price.push((plan.pool_owner, v));
        }
        return;
    }
    let n = u(to.len() as u64);
    let share = v / n;
    let mut dust = v - share * n;
    for a in to {
        let mut x = share;
        if !dust.is_zero() {
            x += u(1);
            dust -= u(1);
        }
        plan.from_price.push((*a, x));
    }
}
