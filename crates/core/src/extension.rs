//! Extension points for opt-in protocol rules (issue D mechanisms).
//!
//! A [`Poco`](crate::Poco) is generic over an [`Extension`]. Every hook has a default that does
//! nothing and reports "use the baseline", so [`Baseline`] is exactly PoCo 6.1.0 and compiles
//! to the same code as if the hooks did not exist.
//!
//! Hooks run inside the atomic call and write the protocol state through the
//! [`JournaledState`] they receive: if the call fails, in the core or in a hook, every write
//! of the call is reverted by the journal (see [`journal`](crate::journal)). The extension's
//! own state follows the same checkpoint: [`Extension::checkpoint`], [`Extension::revert`],
//! [`Extension::commit`].
//!
//! * extra locks or checks at match: [`Extension::after_match`];
//! * extra checks or stakes at contribution: [`Extension::after_contribute`];
//! * different payouts: [`Extension::settle_success`] / [`Extension::settle_failure`] may take
//!   the settlement over entirely (return [`Settlement::Handled`]);
//! * new task outcomes or new entry points: [`Poco::ext_call`](crate::Poco::ext_call) gives an
//!   extension atomic, journaled write access to the whole state.
//! * (for the mechanisms crate) order hashes at match: [`Extension::on_match`]; per-task
//!   rules at initialisation: [`Extension::after_initialize`]; eligibility and consensus
//!   weight of a contribution, before anything is written: [`Extension::contribution_weight`].
//!
//! Every added hook defaults to a no-op, so [`Baseline`] behaves bit for bit as the contracts.

use alloy_primitives::{Address, B256};

use crate::journal::Checkpoint;
use crate::{Env, JournaledState, Result, State};

/// The typed hashes of the orders consumed by a classic match (given to [`Extension::on_match`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchedOrders {
    /// app order hash
    pub app: B256,
    /// dataset order hash (`None` without dataset)
    pub dataset: Option<B256>,
    /// workerpool order hash
    pub workerpool: B256,
    /// request order hash
    pub request: B256,
    /// volume of the deal
    pub volume: alloy_primitives::U256,
}

/// A contribution weight chosen by an extension: `omega` replaces `ω(s)` in the consensus
/// product, `log_weight` replaces `⌊log₂ ω⌋` as the worker's reward share (it must be nonzero
/// for at least one proved contributor, else the baseline division by zero reverts finalize).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    /// consensus weight ω ≥ 1
    pub omega: alloy_primitives::U256,
    /// reward weight stored in `Contribution::weight`
    pub log_weight: alloy_primitives::U256,
}

/// Who settles a task outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Run the baseline 6.1.0 payout.
    Baseline,
    /// The extension has performed the payout itself.
    Handled,
}

/// How a task succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessPath {
    /// `finalize` by the scheduler (§7.8).
    Finalize,
    /// `contributeAndFinalize` by this worker (§7.9).
    Fast(Address),
}

/// Opt-in protocol rules. All methods default to the baseline behaviour.
pub trait Extension {
    /// Short name, used in error messages and reports.
    fn name(&self) -> &'static str {
        "baseline"
    }

    /// After a classic match has stored the deal and performed the baseline locks.
    fn after_match(&mut self, _st: &mut JournaledState, _env: &Env, _deal_id: B256) -> Result<()> {
        Ok(())
    }

    /// At a classic match, with the consumed order hashes; by default calls
    /// [`Extension::after_match`].
    fn on_match(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        deal_id: B256,
        _orders: &MatchedOrders,
    ) -> Result<()> {
        self.after_match(st, env, deal_id)
    }

    /// After `initialize` stored an ACTIVE task (it may rewrite the task's deadlines, or reject).
    fn after_initialize(
        &mut self,
        _st: &mut JournaledState,
        _env: &Env,
        _task_id: B256,
    ) -> Result<()> {
        Ok(())
    }

    /// In `contribute`, after the baseline checks and before any write: reject the contribution
    /// (return an error) or replace the worker's weight (`Some`). `None` keeps `ω(score)`.
    fn contribution_weight(
        &mut self,
        _st: &State,
        _env: &Env,
        _task_id: B256,
        _worker: Address,
    ) -> Result<Option<Weight>> {
        Ok(None)
    }

    /// Start of an atomic call (outermost or nested): the core took checkpoint `cp` of the
    /// state; the extension opens the same checkpoint on its own state.
    fn checkpoint(&mut self, _cp: Checkpoint) {}

    /// The call that took `cp` failed: undo the extension's own writes made since (the core
    /// reverts the state).
    fn revert(&mut self, _cp: Checkpoint) {}

    /// The call that took `cp` succeeded: keep the writes made since (the undo information is
    /// dropped when the outermost call commits).
    fn commit(&mut self, _cp: Checkpoint) {}

    /// After a contribution is recorded and the worker stake locked (before consensus is
    /// checked the task is already updated).
    fn after_contribute(
        &mut self,
        _st: &mut JournaledState,
        _env: &Env,
        _task_id: B256,
        _worker: Address,
    ) -> Result<()> {
        Ok(())
    }

    /// On success, before the baseline payout and before the task is marked COMPLETED (its
    /// status is still REVEALING, or ACTIVE on the fast path, so a failure leaves it intact).
    fn settle_success(
        &mut self,
        _st: &mut JournaledState,
        _env: &Env,
        _task_id: B256,
        _path: SuccessPath,
    ) -> Result<Settlement> {
        Ok(Settlement::Baseline)
    }

    /// On claim, before the baseline refund and stake release and before the task is marked
    /// FAILED.
    fn settle_failure(
        &mut self,
        _st: &mut JournaledState,
        _env: &Env,
        _task_id: B256,
    ) -> Result<Settlement> {
        Ok(Settlement::Baseline)
    }
}

/// PoCo 6.1.0 exactly: no extension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Baseline;

impl Extension for Baseline {}
