//! Extension points for opt-in protocol rules (issue D mechanisms).
//!
//! A [`Poco`](crate::Poco) is generic over an [`Extension`]. Every hook has a default that does
//! nothing and reports "use the baseline", so [`Baseline`] is exactly PoCo 6.1.0 and compiles
//! to the same code as if the hooks did not exist.
//!
//! Hooks run inside the atomic call: ledger operations they perform (through
//! [`State::ledger`](crate::State)) are rolled back if the call fails. A hook that mutates its
//! own state or non-ledger core state must do so only after its last fallible step.
//!
//! * extra locks or checks at match: [`Extension::after_match`];
//! * extra checks or stakes at contribution: [`Extension::after_contribute`];
//! * different payouts: [`Extension::settle_success`] / [`Extension::settle_failure`] may take
//!   the settlement over entirely (return [`Settlement::Handled`]);
//! * new task outcomes or new entry points: [`Poco::ext_call`](crate::Poco::ext_call) gives an
//!   extension atomic mutable access to the whole state.

use alloy_primitives::{Address, B256};

use crate::{Env, Result, State};

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
    fn after_match(&mut self, _st: &mut State, _env: &Env, _deal_id: B256) -> Result<()> {
        Ok(())
    }

    /// After a contribution is recorded and the worker stake locked (before consensus is
    /// checked the task is already updated).
    fn after_contribute(&mut self, _st: &mut State, _env: &Env, _task_id: B256, _worker: Address) -> Result<()> {
        Ok(())
    }

    /// On success, before the baseline payout and before the task is marked COMPLETED (its
    /// status is still REVEALING, or ACTIVE on the fast path, so a failure leaves it intact).
    fn settle_success(&mut self, _st: &mut State, _env: &Env, _task_id: B256, _path: SuccessPath) -> Result<Settlement> {
        Ok(Settlement::Baseline)
    }

    /// On claim, before the baseline refund and stake release and before the task is marked
    /// FAILED.
    fn settle_failure(&mut self, _st: &mut State, _env: &Env, _task_id: B256) -> Result<Settlement> {
        Ok(Settlement::Baseline)
    }
}

/// PoCo 6.1.0 exactly: no extension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Baseline;

impl Extension for Baseline {}
