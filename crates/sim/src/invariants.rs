//! The state checker: invariants of the protocol state that must hold after every transition
//! of a run, checked by a module of its own (as TigerBeetle's simulator checks its cluster after
//! every step), not inside the market's agents.
//!
//! * **Ledger** (poco-protocol.md §3.5): I1 `balance[PROXY] ≥ Σ frozen`, I2 `Σ balance =
//!   totalSupply` (no value appears or disappears inside PoCo), I3 the RLC the proxy holds
//!   covers `totalSupply`.
//! * **Task status machine** (§7.1): `UNSET → ACTIVE → REVEALING → COMPLETED`, `ACTIVE →
//!   COMPLETED` (the trust-1 fast path), `REVEALING → ACTIVE` (`reopen`, after a reveal deadline
//!   passed with no reveal), `ACTIVE | REVEALING → FAILED` (`claim`); `COMPLETED` and `FAILED`
//!   are final. A task that reads `UNSET` again was pruned by the
//!   simulator (memory) through `Poco::prune_task`, which refuses any task that is not final;
//!   the checker accepts it and forgets the task.
//!
//! The market runs the checker after every event in debug and test builds (release builds
//! check the ledger once, at the end of a run, so the measured speed is the protocol's).

// release builds check the ledger only once, at the end of a run: the per-event checks are
// compiled in but not called there
#![cfg_attr(not(debug_assertions), allow(dead_code))]

use pocolab_core::{B256, Extension, Poco, TaskStatus};
use rustc_hash::FxHashMap;

/// An invariant that does not hold: a bug in the core, a mechanism or the simulator, never a
/// property of the scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    /// I1, I2 or I3 of §3.5 (the description says which)
    #[error("ledger invariant violated: {0}")]
    Ledger(String),
    /// a task's status moved against the §7.1 status machine
    #[error("task {task} moved from {from:?} to {to:?}, against the status machine (§7.1)")]
    Status {
        /// the task
        task: B256,
        /// its status at the previous check
        from: TaskStatus,
        /// its status now
        to: TaskStatus,
    },
}

/// Checks the invariants of one run's protocol state; remembers each task's last status.
#[derive(Debug, Default)]
pub(crate) struct StateChecker {
    statuses: FxHashMap<B256, TaskStatus>,
}

/// May a task go from `from` to `to` between two checks (several calls may lie between)?
fn allowed(from: TaskStatus, to: TaskStatus) -> bool {
    use TaskStatus::*;
    from == to
        || matches!(
            (from, to),
            (Unset, Active | Revealing | Completed | Failed)
                | (Active, Revealing | Completed | Failed)
                | (Revealing, Active | Completed | Failed)
        )
}

impl StateChecker {
    /// The ledger invariants I1–I3.
    pub(crate) fn check_ledger<E: Extension>(
        &self,
        poco: &Poco<E>,
    ) -> Result<(), InvariantViolation> {
        poco.state
            .ledger
            .check_invariants()
            .map_err(InvariantViolation::Ledger)
    }

    /// The status of `task` now, against the status it had at the previous check.
    pub(crate) fn check_task<E: Extension>(
        &mut self,
        poco: &Poco<E>,
        task: B256,
    ) -> Result<(), InvariantViolation> {
        let to = poco.view_task(task).status;
        let from = self
            .statuses
            .get(&task)
            .copied()
            .unwrap_or(TaskStatus::Unset);
        if from != TaskStatus::Unset && to == TaskStatus::Unset {
            // pruned: the core prunes final tasks only (`Poco::prune_task`), possibly in the
            // same event that finished the task
            self.statuses.remove(&task);
            return Ok(());
        }
        if !allowed(from, to) {
            return Err(InvariantViolation::Status { task, from, to });
        }
        self.statuses.insert(task, to);
        Ok(())
    }

    /// Everything: the ledger, then each of `tasks`.
    pub(crate) fn check<E: Extension>(
        &mut self,
        poco: &Poco<E>,
        tasks: impl IntoIterator<Item = B256>,
    ) -> Result<(), InvariantViolation> {
        self.check_ledger(poco)?;
        tasks.into_iter().try_for_each(|t| self.check_task(poco, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskStatus::*;

    #[test]
    fn the_status_machine_allows_only_the_protocols_moves() {
        for (from, to) in [
            (Unset, Active),
            (Active, Revealing),
            (Revealing, Completed),
            (Active, Completed),
            (Active, Failed),
            (Revealing, Failed),
            (Revealing, Active),
            (Completed, Completed),
        ] {
            assert!(allowed(from, to), "{from:?} → {to:?}");
        }
        for (from, to) in [
            (Active, Unset),
            (Completed, Active),
            (Completed, Failed),
            (Failed, Active),
            (Completed, Revealing),
        ] {
            assert!(!allowed(from, to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn a_fresh_protocol_passes_and_unknown_tasks_read_unset() {
        let poco = Poco::new(pocolab_core::Config::default());
        let mut c = StateChecker::default();
        c.check(&poco, [B256::repeat_byte(7)]).unwrap();
        // a task seen final and then gone was pruned: accepted and forgotten
        c.statuses.insert(B256::repeat_byte(7), Completed);
        c.check_task(&poco, B256::repeat_byte(7)).unwrap();
        assert!(c.statuses.is_empty());
        // so was one seen active: the core's prune_task refuses a task that is not final
        c.statuses.insert(B256::repeat_byte(8), Active);
        c.check_task(&poco, B256::repeat_byte(8)).unwrap();
        assert!(c.statuses.is_empty());
    }
}
