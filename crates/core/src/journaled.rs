//! Write access to the protocol state: [`JournaledState`] pairs the [`State`] with the
//! [`Journal`] of every write an atomic call makes (ledger, deals, tasks, `consumed`,
//! presignatures, scores, callbacks), so that a failing call, whether it fails in the core or
//! in an extension hook, is reverted by the journal alone (spec §0.2, atomicity).
//!
//! Anyone can read the state; outside the core it is [`ReadOnly`]. The entry points of
//! [`Poco`](crate::Poco) write it, and so do extensions, inside an atomic call, through the
//! `&mut JournaledState` their hooks and [`Poco::ext_call`](crate::Poco::ext_call) receive.

use std::ops::Deref;

use alloy_primitives::{Address, B256, Bytes, U256};
use rustc_hash::FxHashMap;

use crate::escrow::{LedgerChange, LedgerMut};
use crate::journal::{Checkpoint, Journal};
use crate::task::{Contribution, TaskStatus};
use crate::{Deal, DealBoost, State, Task};

/// A value anyone can read (through `Deref`) and only the core can write.
///
/// ```
/// let p = pocolab_core::Poco::new(Default::default());
/// assert!(p.state.tasks.is_empty());
/// ```
///
/// ```compile_fail
/// let mut p = pocolab_core::Poco::new(Default::default());
/// p.state.tasks.clear();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnly<T>(T);

impl<T> Deref for ReadOnly<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> ReadOnly<T> {
    #[inline]
    pub(crate) fn new(t: T) -> Self {
        Self(t)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// What one write overwrote: the journal entry that undoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Ledger(LedgerChange),
    Consumed(B256, Option<U256>),
    Presigned(B256, Option<Address>),
    Deal(B256, Option<Box<Deal>>),
    DealBoost(B256, Option<Box<DealBoost>>),
    Task(B256, Option<Box<Task>>),
    /// a contribution appended to the task (the undo pops it) and what came with it
    Contributed(B256, Box<Contributed>),
    /// the task completed: its previous status, `results` and `results_callback`
    Completed(B256, Box<(TaskStatus, Bytes, Bytes)>),
    Score(Address, Option<U256>),
    CallbacksDelivered(u64),
}

/// What a contribution overwrote besides appending itself: the scalar fields it may set
/// (consensus reached or not) and its group's previous weight (`None`: it created the group,
/// which was appended). Journaling these instead of a copy of the task keeps the task's
/// lists out of the undo log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contributed {
    status: TaskStatus,
    consensus_value: B256,
    reveal_deadline: U256,
    reveal_counter: U256,
    winner_counter: U256,
    total: U256,
    group: Option<(usize, U256)>,
}

/// The protocol state and its journal. Reads go through `Deref<Target = State>`; every
/// write below is journaled while a checkpoint is open (inside an atomic call).
#[derive(Debug, Clone)]
pub struct JournaledState {
    pub(crate) state: State,
    pub(crate) journal: Journal<Change>,
    /// classic deal → number of its tasks pruned so far (see [`Poco::prune_deal`]); not
    /// protocol state
    ///
    /// [`Poco::prune_deal`]: crate::Poco::prune_deal
    pruned_tasks: FxHashMap<B256, U256>,
}

impl PartialEq for JournaledState {
    /// Equality of the states (between calls the journal is empty; the pruning count is
    /// bookkeeping, not state).
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}
impl Eq for JournaledState {}

impl Deref for JournaledState {
    type Target = State;
    #[inline]
    fn deref(&self) -> &State {
        &self.state
    }
}

/// Put `old` back at `k` (`None`: the write created the entry, remove it).
fn restore<K: std::hash::Hash + Eq, V>(m: &mut FxHashMap<K, V>, k: K, old: Option<V>) {
    match old {
        Some(v) => {
            m.insert(k, v);
        }
        None => {
            m.remove(&k);
        }
    }
}

/// `scores[w]`, for writing (created at 0), journaled: for code that holds other parts of
/// the state at the same time.
pub(crate) fn score_entry<'a>(
    scores: &'a mut FxHashMap<Address, U256>,
    journal: &mut Journal<Change>,
    w: Address,
) -> &'a mut U256 {
    let e = scores.entry(w);
    let old = match &e {
        std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
        std::collections::hash_map::Entry::Vacant(_) => None,
    };
    journal.record(Change::Score(w, old));
    e.or_default()
}

impl State {
    fn undo(&mut self, c: Change) {
        match c {
            Change::Ledger(c) => self.ledger.undo(c),
            Change::Consumed(h, old) => restore(&mut self.consumed, h, old),
            Change::Presigned(h, old) => restore(&mut self.presigned, h, old),
            Change::Deal(id, old) => restore(&mut self.deals, id, old.map(|d| *d)),
            Change::DealBoost(id, old) => restore(&mut self.deals_boost, id, old.map(|d| *d)),
            Change::Task(id, old) => restore(&mut self.tasks, id, old.map(|t| *t)),
            Change::Contributed(id, old) => {
                let t = self.tasks.get_mut(&id).expect("contributed task");
                t.contributors.pop();
                t.contributions.pop();
                match old.group {
                    Some((i, g)) => t.groups[i].1 = g,
                    None => {
                        t.groups.pop();
                    }
                }
                t.status = old.status;
                t.consensus_value = old.consensus_value;
                t.reveal_deadline = old.reveal_deadline;
                t.reveal_counter = old.reveal_counter;
                t.winner_counter = old.winner_counter;
                t.total = old.total;
            }
            Change::Completed(id, old) => {
                let t = self.tasks.get_mut(&id).expect("completed task");
                let (status, results, results_callback) = *old;
                t.status = status;
                t.results = results;
                t.results_callback = results_callback;
            }
            Change::Score(w, old) => restore(&mut self.scores, w, old),
            Change::CallbacksDelivered(n) => self.callbacks_delivered = n,
        }
    }
}

impl JournaledState {
    pub(crate) fn new(state: State) -> Self {
        Self {
            state,
            journal: Journal::default(),
            pruned_tasks: FxHashMap::default(),
        }
    }

    // ------------------------------------------------------------ checkpoints

    /// Start of an atomic call.
    #[inline]
    pub(crate) fn checkpoint(&mut self) -> Checkpoint {
        self.journal.checkpoint()
    }

    /// The call that took `cp` failed: undo every write it made, newest first.
    pub(crate) fn revert(&mut self, cp: Checkpoint) {
        let Self { state, journal, .. } = self;
        journal.revert(cp, |c| state.undo(c));
    }

    /// The call that took `cp` succeeded.
    #[inline]
    pub(crate) fn commit(&mut self, cp: Checkpoint) {
        self.journal.commit(cp);
    }

    /// The state, for the writes no atomic call makes (configuration, categories, registries,
    /// declared contracts, imported scores): those entry points check everything before their
    /// only write, so they never need a revert and are not journaled.
    #[inline]
    pub(crate) fn untracked(&mut self) -> &mut State {
        debug_assert!(
            !self.journal.is_recording(),
            "unjournaled write inside an atomic call"
        );
        &mut self.state
    }

    // ------------------------------------------------------------ journaled writes

    /// Write access to the ledger (lock, unlock, seize, reward, …).
    #[inline]
    pub fn ledger_mut(&mut self) -> LedgerMut<'_> {
        LedgerMut::new(&mut self.state.ledger, &mut self.journal)
    }

    /// The task `id`, for writing (`None` if it does not exist).
    pub fn task_mut(&mut self, id: B256) -> Option<&mut Task> {
        if self.journal.is_recording() {
            let old = self.state.tasks.get(&id)?.clone();
            self.journal.record(Change::Task(id, Some(Box::new(old))));
        }
        self.state.tasks.get_mut(&id)
    }

    /// Task `id` receives `worker`'s contribution `c`, which brings its group to `group` and
    /// the task's total to `total`; returns the task for the consensus fields (status,
    /// consensus value, reveal deadline, counters), which the same journal entry restores.
    /// `None` if the task does not exist.
    pub(crate) fn contribute_to_task(
        &mut self,
        id: B256,
        worker: Address,
        c: Contribution,
        group: U256,
        total: U256,
    ) -> Option<&mut Task> {
        let task = self.state.tasks.get_mut(&id)?;
        if self.journal.is_recording() {
            let group = task
                .groups
                .iter()
                .position(|(k, _)| *k == c.result_hash)
                .map(|i| (i, task.groups[i].1));
            self.journal.record(Change::Contributed(
                id,
                Box::new(Contributed {
                    status: task.status,
                    consensus_value: task.consensus_value,
                    reveal_deadline: task.reveal_deadline,
                    reveal_counter: task.reveal_counter,
                    winner_counter: task.winner_counter,
                    total: task.total,
                    group,
                }),
            ));
        }
        task.contributors.push(worker);
        task.contributions.push(c);
        task.set_group(c.result_hash, group);
        task.total = total;
        Some(task)
    }

    /// Task `id` becomes COMPLETED with `results` and `results_callback` (no-op if it does
    /// not exist).
    pub(crate) fn complete_task(&mut self, id: B256, results: Bytes, results_callback: Bytes) {
        let Some(task) = self.state.tasks.get_mut(&id) else {
            return;
        };
        let status = std::mem::replace(&mut task.status, TaskStatus::Completed);
        let results = std::mem::replace(&mut task.results, results);
        let results_callback = std::mem::replace(&mut task.results_callback, results_callback);
        self.journal.record(Change::Completed(
            id,
            Box::new((status, results, results_callback)),
        ));
    }

    /// The classic deal `id`, for writing (`None` if it does not exist).
    pub fn deal_mut(&mut self, id: B256) -> Option<&mut Deal> {
        if self.journal.is_recording() {
            let old = self.state.deals.get(&id)?.clone();
            self.journal.record(Change::Deal(id, Some(Box::new(old))));
        }
        self.state.deals.get_mut(&id)
    }

    /// `consumed[h] = v`.
    pub fn set_consumed(&mut self, h: B256, v: U256) {
        let old = self.state.consumed.insert(h, v);
        self.journal.record(Change::Consumed(h, old));
    }

    /// `presigned[h] = signer`.
    pub fn presign(&mut self, h: B256, signer: Address) {
        let old = self.state.presigned.insert(h, signer);
        self.journal.record(Change::Presigned(h, old));
    }

    /// `score[w] = s`.
    pub fn set_score(&mut self, w: Address, s: U256) {
        *self.score_mut(w) = s;
    }

    /// `score[w]`, for writing (created at 0).
    pub(crate) fn score_mut(&mut self, w: Address) -> &mut U256 {
        score_entry(&mut self.state.scores, &mut self.journal, w)
    }

    /// Store task `id` (a new one, or over an UNSET one).
    pub(crate) fn insert_task(&mut self, id: B256, t: Task) {
        let old = self.state.tasks.insert(id, t);
        self.journal.record(Change::Task(id, old.map(Box::new)));
    }

    /// Store classic deal `id`.
    pub(crate) fn insert_deal(&mut self, id: B256, d: Deal) {
        let old = self.state.deals.insert(id, d);
        self.journal.record(Change::Deal(id, old.map(Box::new)));
    }

    /// Store Boost deal `id`.
    pub(crate) fn insert_deal_boost(&mut self, id: B256, d: DealBoost) {
        let old = self.state.deals_boost.insert(id, d);
        self.journal
            .record(Change::DealBoost(id, old.map(Box::new)));
    }

    // ------------------------------------------------------------ pruning (outside any call)

    /// Remove task `id` (the caller checked that it is final) and count it for its deal.
    pub(crate) fn prune_task(&mut self, id: B256) -> Option<Task> {
        let t = self.untracked().tasks.remove(&id)?;
        if self.state.deals.contains_key(&t.dealid) {
            *self.pruned_tasks.entry(t.dealid).or_default() += U256::from(1u8);
        }
        Some(t)
    }

    /// Remove classic deal `id` if all of its tasks were pruned.
    pub(crate) fn prune_deal(&mut self, id: B256) -> Option<Deal> {
        let size = self.state.deals.get(&id)?.bot_size;
        if self.pruned_tasks.get(&id).copied().unwrap_or_default() != size {
            return None;
        }
        self.pruned_tasks.remove(&id);
        self.untracked().deals.remove(&id)
    }

    /// Count one delivered callback (§7.12).
    pub(crate) fn deliver_callback(&mut self) {
        self.journal
            .record(Change::CallbacksDelivered(self.state.callbacks_delivered));
        self.state.callbacks_delivered += 1;
    }
}
