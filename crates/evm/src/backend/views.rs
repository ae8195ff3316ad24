//! The getters, converted to the core's types.

use alloy_primitives::{Address, B256, U256};
use pocolab_core::{self as core, constants::KITTY_ADDRESS};

use super::EvmPoco;
use crate::{abi, convert};

impl EvmPoco {
    /// `viewAccount(a)`.
    pub fn view_account(&mut self, a: Address) -> core::Account {
        let acc = self
            .view(abi::viewAccountCall { account: a })
            .expect("viewAccount");
        core::Account {
            balance: acc.stake,
            frozen: acc.locked,
        }
    }

    /// Frozen balance of the kitty.
    pub fn kitty(&mut self) -> U256 {
        self.view_account(KITTY_ADDRESS).frozen
    }

    /// `viewScore(w)`.
    pub fn view_score(&mut self, w: Address) -> U256 {
        self.view(abi::viewScoreCall { _worker: w })
            .expect("viewScore")
    }

    /// `viewDeal(id)`.
    pub fn view_deal(&mut self, id: B256) -> core::Deal {
        convert::deal(self.view(abi::viewDealCall { id }).expect("viewDeal"))
    }

    /// `viewDealBoost(id)`.
    pub fn view_deal_boost(&mut self, id: B256) -> core::DealBoost {
        let d = self
            .view(abi::viewDealBoostCall { id })
            .expect("viewDealBoost");
        core::DealBoost {
            app_owner: d.appOwner,
            app_price: U256::from(d.appPrice),
            dataset_owner: d.datasetOwner,
            dataset_price: U256::from(d.datasetPrice),
            workerpool_owner: d.workerpoolOwner,
            workerpool_price: U256::from(d.workerpoolPrice),
            requester: d.requester,
            worker_reward: U256::from(d.workerReward),
            callback: d.callback,
            deadline: U256::from(d.deadline),
            bot_first: U256::from(d.botFirst),
            bot_size: U256::from(d.botSize),
            short_tag: d.shortTag.0,
            sponsor: d.sponsor,
        }
    }

    /// `viewContribution(task, w)`.
    pub fn view_contribution(&mut self, task: B256, w: Address) -> core::Contribution {
        let c = self
            .view(abi::viewContributionCall {
                _taskid: task,
                _worker: w,
            })
            .expect("viewContribution");
        core::Contribution {
            status: contribution_status(c.status),
            result_hash: c.resultHash,
            result_seal: c.resultSeal,
            enclave_challenge: c.enclaveChallenge,
            weight: c.weight,
        }
    }

    /// `viewTask(id)`, with the contributions of its contributors filled in (the consensus
    /// tally `groups`/`total` has no getter and is left empty).
    pub fn view_task(&mut self, id: B256) -> core::Task {
        let t = self.view(abi::viewTaskCall { id }).expect("viewTask");
        let contributions = t
            .contributors
            .iter()
            .map(|w| self.view_contribution(id, *w))
            .collect();
        core::Task {
            status: task_status(t.status),
            dealid: t.dealid,
            idx: t.idx,
            timeref: t.timeref,
            contribution_deadline: t.contributionDeadline,
            reveal_deadline: t.revealDeadline,
            final_deadline: t.finalDeadline,
            consensus_value: t.consensusValue,
            reveal_counter: t.revealCounter,
            winner_counter: t.winnerCounter,
            contributors: t.contributors,
            contributions,
            result_digest: t.resultDigest,
            results: t.results,
            results_timestamp: t.resultsTimestamp,
            results_callback: t.resultsCallback,
            groups: Vec::new(),
            total: U256::ZERO,
        }
    }

    /// `viewConsumed(h)`.
    pub fn view_consumed(&mut self, h: B256) -> U256 {
        self.view(abi::viewConsumedCall { _id: h })
            .expect("viewConsumed")
    }

    /// `viewPresigned(h)`.
    pub fn view_presigned(&mut self, h: B256) -> Address {
        self.view(abi::viewPresignedCall { _id: h })
            .expect("viewPresigned")
    }

    /// `eip712domain_separator()`.
    pub fn domain_separator(&mut self) -> B256 {
        self.view(abi::eip712domain_separatorCall {})
            .expect("domain separator")
    }

    /// `totalSupply()` of SRLC.
    pub fn total_supply(&mut self) -> U256 {
        self.view(abi::totalSupplyCall {}).expect("totalSupply")
    }
}

/// A `TaskStatusEnum` value as the core's status.
fn task_status(s: u8) -> core::TaskStatus {
    use core::TaskStatus::*;
    match s {
        1 => Active,
        2 => Revealing,
        3 => Completed,
        4 => Failed,
        _ => Unset,
    }
}

/// A `ContributionStatusEnum` value as the core's status.
fn contribution_status(s: u8) -> core::ContributionStatus {
    use core::ContributionStatus::*;
    match s {
        1 => Contributed,
        2 => Proved,
        3 => Rejected,
        _ => Unset,
    }
}
