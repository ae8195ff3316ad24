//! Reward distribution, kitty and scores (spec §8, §3.4).
//!
//! Ledger operations run in the contracts' order; score updates are applied after the
//! ledger operations (they are independent of them).

use alloy_primitives::{Address, B256, U256};

use crate::constants::{KITTY_ADDRESS, KITTY_MIN, KITTY_RATIO, WORKERPOOL_STAKE_RATIO, u};
use crate::error::{Checked, Panic, PocoError, Result};
use crate::escrow::LedgerMut;
use crate::journaled::score_entry;
use crate::task::ContributionStatus;
use crate::{JournaledState, max, min};

/// `S_pool = ⌊P_w·30/100⌋` (§6.5).
#[inline]
pub fn scheduler_stake(workerpool_price: U256) -> Result<U256> {
    Ok(workerpool_price.mul_(u(WORKERPOOL_STAKE_RATIO))? / u(100))
}

/// Kitty payout `x = min(max(⌊K·10/100⌋, 10⁹), K)` (§3.4).
#[inline]
pub fn kitty_payout(k: U256) -> Result<U256> {
    Ok(min(max(k.mul_(u(KITTY_RATIO))? / u(100), u(KITTY_MIN)), k))
}

/// `mulDiv(a, b, c) = ⌊a·b/c⌋` without intermediate overflow; `c = 0` is panic 0x12.
pub fn mul_div(a: U256, b: U256, c: U256) -> Result<U256> {
    if c.is_zero() {
        return Err(PocoError::Panic(Panic::DivisionByZero));
    }
    a.checked_mul(b).map(|p| p / c).map_or_else(
        || {
            let r = ruint_mul_div(a, b, c);
            r.ok_or(PocoError::Panic(Panic::Arithmetic))
        },
        Ok,
    )
}

fn ruint_mul_div(a: U256, b: U256, c: U256) -> Option<U256> {
    use alloy_primitives::U512;
    let q = U512::from(a) * U512::from(b) / U512::from(c);
    (q.bit_len() <= 256).then(|| U256::from_limbs_slice(&q.as_limbs()[..4]))
}

impl JournaledState {
    /// `successWork(deal, taskId)` (§8.1): seize the payer, pay app and dataset, release the
    /// scheduler stake, pay the kitty share.
    pub(crate) fn success_work(&mut self, tid: B256) -> Result<()> {
        let task = &self.tasks[&tid];
        let deal = &self.deals[&task.dealid];
        let (sponsor, pa, pd, dataset, app_owner, ds_owner, pool_owner) = (
            deal.sponsor,
            deal.app.price,
            deal.dataset.price,
            deal.dataset.pointer,
            deal.app.owner,
            deal.dataset.owner,
            deal.workerpool.owner,
        );
        let price = deal.task_price()?;
        let s_pool = scheduler_stake(deal.workerpool.price)?;
        let l = &mut self.ledger_mut();
        l.seize(sponsor, price)?;
        if pa > U256::ZERO {
            l.reward(app_owner, pa)?;
        }
        if pd > U256::ZERO && dataset != Address::ZERO {
            l.reward(ds_owner, pd)?;
        }
        l.unlock(pool_owner, s_pool)?;
        let k = l.frozen_of(KITTY_ADDRESS);
        if k > U256::ZERO {
            let x = kitty_payout(k)?;
            l.seize(KITTY_ADDRESS, x)?;
            l.reward(pool_owner, x)?;
        }
        Ok(())
    }

    /// `distributeRewards(taskId)` after finalize (§8.2).
    pub(crate) fn distribute_rewards(&mut self, tid: B256) -> Result<()> {
        let Self { state, journal, .. } = self;
        let task = &state.tasks[&tid];
        let deal = &state.deals[&task.dealid];
        let (s_w, sigma, pool_owner) = (
            deal.worker_stake,
            deal.scheduler_reward_ratio,
            deal.workerpool.owner,
        );
        let mut total_log_weight = U256::ZERO;
        let mut total_reward = deal.workerpool.price;
        for c in &task.contributions {
            if c.status == ContributionStatus::Proved {
                total_log_weight = total_log_weight.add_(c.weight)?;
            } else {
                total_reward = total_reward.add_(s_w)?;
            }
        }
        let workers_reward = total_reward.mul_(u(100).sub_(sigma)?)? / u(100);
        let replicated = task.contributors.len() > 1;
        // ledger first, in contributor order
        let l = &mut LedgerMut::new(&mut state.ledger, journal);
        for (w, c) in task.contributors.iter().zip(&task.contributions) {
            if c.status == ContributionStatus::Proved {
                let r = mul_div(workers_reward, c.weight, total_log_weight)?;
                total_reward = total_reward.sub_(r)?;
                l.unlock(*w, s_w)?;
                l.reward(*w, r)?;
            } else {
                l.seize(*w, s_w)?;
            }
        }
        l.reward(pool_owner, total_reward)?;
        // then scores (score policy 2/3 and 3/3, k = 3)
        for (w, c) in task.contributors.iter().zip(&task.contributions) {
            let s = score_entry(&mut state.scores, journal, *w);
            if c.status == ContributionStatus::Proved {
                if replicated {
                    *s += u(1);
                }
            } else {
                *s = s.saturating_mul(u(2)) / u(3);
            }
        }
        Ok(())
    }

    /// `distributeRewardsFast(taskId)` after contributeAndFinalize (§8.3).
    pub(crate) fn distribute_rewards_fast(&mut self, tid: B256, worker: Address) -> Result<()> {
        let deal = &self.deals[&self.tasks[&tid].dealid];
        let (pw, sigma, pool_owner) = (
            deal.workerpool.price,
            deal.scheduler_reward_ratio,
            deal.workerpool.owner,
        );
        let worker_reward = pw.mul_(u(100).sub_(sigma)?)? / u(100);
        let l = &mut self.ledger_mut();
        l.reward(worker, worker_reward)?;
        l.reward(pool_owner, pw - worker_reward)?;
        Ok(())
    }

    /// `failedWork(deal, taskId)` at claim (§8.4): refund the payer, seize the scheduler stake
    /// into the kitty.
    pub(crate) fn failed_work(&mut self, tid: B256) -> Result<()> {
        let deal = &self.deals[&self.tasks[&tid].dealid];
        let (sponsor, pool_owner) = (deal.sponsor, deal.workerpool.owner);
        let price = deal.task_price()?;
        let s_pool = scheduler_stake(deal.workerpool.price)?;
        let l = &mut self.ledger_mut();
        l.unlock(sponsor, price)?;
        l.seize(pool_owner, s_pool)?;
        l.kitty_relock(s_pool)
    }

    /// Claim step 3 (§7.10): unlock every contributor's `S_w`, whatever its status.
    pub(crate) fn release_contributor_stakes(&mut self, tid: B256) -> Result<()> {
        let Self { state, journal, .. } = self;
        let task = &state.tasks[&tid];
        let s_w = state.deals[&task.dealid].worker_stake;
        let l = &mut LedgerMut::new(&mut state.ledger, journal);
        for w in &task.contributors {
            l.unlock(*w, s_w)?;
        }
        Ok(())
    }
}
