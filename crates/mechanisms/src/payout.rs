//! The baseline payouts of `finalize`, `contributeAndFinalize` and `claim`, as data.
//!
//! The mechanisms take settlement over ([`pocolab_core::Settlement::Handled`]) so that they
//! can change it (kitty rule, escrow, attribution). [`SuccessPlan`] reproduces spec §8.1–8.3
//! and [`FailurePlan`] §8.4 / §7.10 step 3 operation by operation, in the contracts' order, so
//! that a plan executed unchanged gives the baseline balances to the nRLC (tested).

use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::rewards::{kitty_payout, mul_div, scheduler_stake};
use pocolab_core::{
    Address, B256, ContributionStatus, JournaledState, LedgerMut, Result, State, SuccessPath, U256,
};

use crate::util::{add, mul, u};

/// Who gets what on success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessPlan {
    /// payer of the deal
    pub sponsor: Address,
    /// `P`
    pub price: U256,
    /// app owner and `P_a`
    pub app: (Address, U256),
    /// dataset owner and `P_d` (0 without dataset)
    pub dataset: (Address, U256),
    /// workerpool owner
    pub pool_owner: Address,
    /// `P_w`
    pub pool_price: U256,
    /// `S_s`
    pub s_pool: U256,
    /// pay the kitty share (M8 may forbid it)
    pub kitty_allowed: bool,
    /// cap on the kitty share (M8 per-epoch cap)
    pub kitty_cap: Option<U256>,
    /// `S_w`
    pub s_w: U256,
    /// proved contributors and their rewards, in contributor order (their `S_w` is unlocked)
    pub winners: Vec<(Address, U256)>,
    /// contributors whose `S_w` is seized
    pub losers: Vec<Address>,
    /// what the pool owner gets from the worker reward pot (scheduler share + dust)
    pub pool_reward: U256,
    /// score updates (classic path only)
    pub scores: Vec<(Address, U256)>,
    /// contributeAndFinalize
    pub fast: bool,
}

impl SuccessPlan {
    /// Compute the baseline payout of task `tid`.
    pub fn baseline(st: &State, tid: B256, path: SuccessPath) -> Result<Self> {
        let task = &st.tasks[&tid];
        let deal = &st.deals[&task.dealid];
        let pd = if deal.dataset.pointer != Address::ZERO {
            deal.dataset.price
        } else {
            U256::ZERO
        };
        let mut plan = SuccessPlan {
            sponsor: deal.sponsor,
            price: deal.task_price()?,
            app: (deal.app.owner, deal.app.price),
            dataset: (deal.dataset.owner, pd),
            pool_owner: deal.workerpool.owner,
            pool_price: deal.workerpool.price,
            s_pool: scheduler_stake(deal.workerpool.price)?,
            kitty_allowed: true,
            kitty_cap: None,
            s_w: deal.worker_stake,
            winners: vec![],
            losers: vec![],
            pool_reward: U256::ZERO,
            scores: vec![],
            fast: false,
        };
        let sigma = deal.scheduler_reward_ratio;
        let hundred_minus_sigma =
            u(100)
                .checked_sub(sigma)
                .ok_or(pocolab_core::PocoError::Panic(
                    pocolab_core::Panic::Arithmetic,
                ))?;
        match path {
            SuccessPath::Fast(w) => {
                let wr = mul(deal.workerpool.price, hundred_minus_sigma)? / u(100);
                plan.fast = true;
                plan.s_w = U256::ZERO;
                plan.winners.push((w, wr));
                plan.pool_reward = deal.workerpool.price - wr;
            }
            SuccessPath::Finalize => {
                let mut total_log = U256::ZERO;
                let mut total = deal.workerpool.price;
                for c in &task.contributions {
                    if c.status == ContributionStatus::Proved {
                        total_log = add(total_log, c.weight)?;
                    } else {
                        total = add(total, deal.worker_stake)?;
                    }
                }
                let workers_reward = mul(total, hundred_minus_sigma)? / u(100);
                let replicated = task.contributors.len() > 1;
                for (w, c) in task.contributors.iter().zip(&task.contributions) {
                    let s = st.score(*w);
                    if c.status == ContributionStatus::Proved {
                        let r = mul_div(workers_reward, c.weight, total_log)?;
                        total = total.checked_sub(r).ok_or(pocolab_core::PocoError::Panic(
                            pocolab_core::Panic::Arithmetic,
                        ))?;
                        plan.winners.push((*w, r));
                        if replicated {
                            plan.scores.push((*w, s + u(1)));
                        }
                    } else {
                        plan.losers.push(*w);
                        plan.scores.push((*w, s.saturating_mul(u(2)) / u(3)));
                    }
                }
                plan.pool_reward = total;
            }
        }
        Ok(plan)
    }

    /// Execute the ledger operations in the contracts' order; returns the kitty share paid.
    pub fn execute(&self, l: &mut LedgerMut<'_>) -> Result<U256> {
        l.seize(self.sponsor, self.price)?;
        if self.app.1 > U256::ZERO {
            l.reward(self.app.0, self.app.1)?;
        }
        if self.dataset.1 > U256::ZERO {
            l.reward(self.dataset.0, self.dataset.1)?;
        }
        l.unlock(self.pool_owner, self.s_pool)?;
        let mut paid = U256::ZERO;
        let k = l.frozen_of(KITTY_ADDRESS);
        if self.kitty_allowed && k > U256::ZERO {
            let mut x = kitty_payout(k)?;
            if let Some(cap) = self.kitty_cap {
                x = x.min(cap);
            }
            if x > U256::ZERO {
                l.seize(KITTY_ADDRESS, x)?;
                l.reward(self.pool_owner, x)?;
            }
            paid = x;
        }
        if self.fast {
            let (w, r) = self.winners[0];
            l.reward(w, r)?;
            l.reward(self.pool_owner, self.pool_reward)?;
            return Ok(paid);
        }
        // distributeRewards: contributor order is winners and losers interleaved; the ledger
        // result does not depend on the interleaving, only on the amounts.
        for (w, r) in &self.winners {
            l.unlock(*w, self.s_w)?;
            l.reward(*w, *r)?;
        }
        for w in &self.losers {
            l.seize(*w, self.s_w)?;
        }
        l.reward(self.pool_owner, self.pool_reward)?;
        Ok(paid)
    }

    /// Write the score updates.
    pub fn apply_scores(&self, st: &mut JournaledState) {
        for (w, s) in &self.scores {
            st.set_score(*w, *s);
        }
    }
}

/// Who gets what on failure (baseline: refund `P`, seize `S_s` into the kitty, unlock `S_w`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailurePlan {
    /// payer
    pub sponsor: Address,
    /// `P`
    pub price: U256,
    /// app owner, `P_a`
    pub app: (Address, U256),
    /// dataset owner, `P_d` (0 without dataset)
    pub dataset: (Address, U256),
    /// pool owner
    pub pool_owner: Address,
    /// `P_w`
    pub pool_price: U256,
    /// `S_s`
    pub s_pool: U256,
    /// `S_w`
    pub s_w: U256,
    /// contributors
    pub contributors: Vec<Address>,
    /// σ
    pub sigma: U256,
    /// seize `S_s` into the kitty (else unlock it)
    pub seize_pool_stake: bool,
    /// amounts taken from the sponsor's locked `P` and paid to others instead of refunded
    pub from_price: Vec<(Address, U256)>,
}

impl FailurePlan {
    /// The baseline failure of task `tid`.
    pub fn baseline(st: &State, tid: B256) -> Result<Self> {
        let task = &st.tasks[&tid];
        let deal = &st.deals[&task.dealid];
        let pd = if deal.dataset.pointer != Address::ZERO {
            deal.dataset.price
        } else {
            U256::ZERO
        };
        Ok(FailurePlan {
            sponsor: deal.sponsor,
            price: deal.task_price()?,
            app: (deal.app.owner, deal.app.price),
            dataset: (deal.dataset.owner, pd),
            pool_owner: deal.workerpool.owner,
            pool_price: deal.workerpool.price,
            s_pool: scheduler_stake(deal.workerpool.price)?,
            s_w: deal.worker_stake,
            contributors: task.contributors.clone(),
            sigma: deal.scheduler_reward_ratio,
            seize_pool_stake: true,
            from_price: vec![],
        })
    }

    /// Execute (baseline order: refund, seize `S_s`, relock in the kitty, unlock stakes).
    pub fn execute(&self, l: &mut LedgerMut<'_>) -> Result<()> {
        let mut refund = self.price;
        for (a, v) in &self.from_price {
            if v.is_zero() {
                continue;
            }
            refund = refund
                .checked_sub(*v)
                .ok_or(pocolab_core::PocoError::Panic(
                    pocolab_core::Panic::Arithmetic,
                ))?;
            l.seize(self.sponsor, *v)?;
            l.reward(*a, *v)?;
        }
        l.unlock(self.sponsor, refund)?;
        if self.seize_pool_stake {
            l.seize(self.pool_owner, self.s_pool)?;
            l.kitty_relock(self.s_pool)?;
        } else {
            l.unlock(self.pool_owner, self.s_pool)?;
        }
        for w in &self.contributors {
            l.unlock(*w, self.s_w)?;
        }
        Ok(())
    }
}
