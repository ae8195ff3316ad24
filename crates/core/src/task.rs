//! Tasks, contributions and the consensus tally (spec §7.1).

use alloy_primitives::{Address, B256, Bytes, U256};

/// Task status enum (spec §7.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskStatus {
    /// 0
    #[default]
    Unset = 0,
    /// 1
    Active = 1,
    /// 2
    Revealing = 2,
    /// 3
    Completed = 3,
    /// 4
    Failed = 4,
}

impl TaskStatus {
    /// COMPLETED or FAILED: no entry point writes the task any more (spec §7.2).
    #[inline]
    pub fn is_final(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Failed)
    }
}

/// Contribution status enum (spec §7.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContributionStatus {
    /// 0
    #[default]
    Unset = 0,
    /// 1
    Contributed = 1,
    /// 2
    Proved = 2,
    /// 3
    Rejected = 3,
}

/// `viewContribution(taskId, worker)` (spec §7.1). `weight` is the **log** weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct Contribution {
    pub status: ContributionStatus,
    pub result_hash: B256,
    pub result_seal: B256,
    pub enclave_challenge: Address,
    pub weight: U256,
}

/// A task (`viewTask`) plus its contributions and consensus tally, which the contracts keep
/// in separate mappings keyed by task id. Contributions are stored in contributor order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct Task {
    pub status: TaskStatus,
    pub dealid: B256,
    pub idx: U256,
    pub timeref: U256,
    pub contribution_deadline: U256,
    pub reveal_deadline: U256,
    pub final_deadline: U256,
    pub consensus_value: B256,
    pub reveal_counter: U256,
    pub winner_counter: U256,
    /// ordered, append-only (`contributors` of the contract)
    pub contributors: Vec<Address>,
    /// `contributions[taskId][contributors[i]]`
    pub contributions: Vec<Contribution>,
    pub result_digest: B256,
    pub results: Bytes,
    /// never written in 6.1.0
    pub results_timestamp: U256,
    pub results_callback: Bytes,
    /// `consensus[taskId].group`: (resultHash, weight product), in first-seen order
    pub groups: Vec<(B256, U256)>,
    /// `consensus[taskId].total`
    pub total: U256,
}

impl Task {
    /// Index of `worker` in the contributor list.
    #[inline]
    pub fn position(&self, worker: Address) -> Option<usize> {
        self.contributors.iter().position(|w| *w == worker)
    }

    /// The contribution of `worker` (UNSET default if none).
    pub fn contribution(&self, worker: Address) -> Contribution {
        self.position(worker)
            .map(|i| self.contributions[i])
            .unwrap_or_default()
    }

    /// `consensus.group[h]`.
    pub fn group(&self, h: B256) -> U256 {
        self.groups
            .iter()
            .find(|(k, _)| *k == h)
            .map(|(_, v)| *v)
            .unwrap_or_default()
    }

    pub(crate) fn set_group(&mut self, h: B256, v: U256) {
        match self.groups.iter_mut().find(|(k, _)| *k == h) {
            Some(e) => e.1 = v,
            None => self.groups.push((h, v)),
        }
    }
}
