//! The undo journal behind the atomicity of every entry point (spec §0.2: a failed call
//! changes nothing), modelled on revm's journaled state (`JournalCheckpoint`,
//! `checkpoint` / `checkpoint_revert` / `checkpoint_commit`).
//!
//! A [`Journal`] records, for every write made while a checkpoint is open, what the write
//! overwrote. [`Journal::checkpoint`] opens a frame and returns its [`Checkpoint`];
//! [`Journal::revert`] undoes every write made since, newest first; [`Journal::commit`] keeps
//! them (a nested frame's writes stay revertible by the enclosing frame; when the outermost
//! frame commits the undo information is dropped).
//!
//! One atomic call takes one checkpoint. The core's journal (ledger and protocol state, see
//! [`JournaledState`](crate::JournaledState)) leads: its checkpoint is handed to the
//! extension ([`Extension::checkpoint`](crate::Extension::checkpoint)), whose own journals
//! [`follow`](Journal::follow) it, so the same value reverts or commits the call everywhere.
//! Writes made while no checkpoint is open cannot be reverted and are not recorded.

/// An open frame of the journal: the depth of the atomic call that took it. Only
/// [`Journal::checkpoint`] creates one, so it cannot be confused with another integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[must_use = "a checkpoint must be reverted or committed"]
pub struct Checkpoint {
    depth: usize,
}

/// An undo log of `U` entries, one frame per open [`Checkpoint`].
#[derive(Debug, Clone)]
pub struct Journal<U> {
    entries: Vec<U>,
    /// `entries.len()` when each open frame was opened, outermost first.
    frames: Vec<usize>,
}

impl<U> Default for Journal<U> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            frames: Vec::new(),
        }
    }
}

impl<U> Journal<U> {
    /// Open a frame: writes recorded from now on are undone by [`Journal::revert`] of the
    /// returned checkpoint.
    #[inline]
    pub fn checkpoint(&mut self) -> Checkpoint {
        let cp = Checkpoint {
            depth: self.frames.len(),
        };
        self.frames.push(self.entries.len());
        cp
    }

    /// Open the frame `cp`, taken by the journal this one follows (an extension's journals
    /// follow the core's), so that one checkpoint covers both.
    ///
    /// # Panics
    /// If this journal's open frames are not those of the journal that took `cp`.
    #[inline]
    pub fn follow(&mut self, cp: Checkpoint) {
        let own = self.checkpoint();
        assert_eq!(
            own, cp,
            "journal out of step with the checkpoint it follows"
        );
    }

    /// Is a frame open (are writes being recorded)?
    #[inline]
    pub fn is_recording(&self) -> bool {
        !self.frames.is_empty()
    }

    /// Record the undo entry of a write (nothing when no frame is open: no one can revert).
    #[inline]
    pub fn record(&mut self, entry: U) {
        if self.is_recording() {
            self.entries.push(entry);
        }
    }

    /// Close frame `cp` (and any frame opened after it) by undoing every write recorded since
    /// it was opened: `undo` receives the entries newest first.
    pub fn revert(&mut self, cp: Checkpoint, mut undo: impl FnMut(U)) {
        let start = self.frames[cp.depth];
        self.frames.truncate(cp.depth);
        while self.entries.len() > start {
            undo(self.entries.pop().expect("len > start"));
        }
    }

    /// Close frame `cp` (and any frame opened after it) keeping its writes: they stay
    /// revertible by the enclosing frame, and are forgotten when no frame is left open.
    pub fn commit(&mut self, cp: Checkpoint) {
        self.frames.truncate(cp.depth);
        if self.frames.is_empty() {
            self.entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_frames() {
        let mut j = Journal::default();
        let mut v = vec![];
        j.record(0); // no frame open: not recorded
        let outer = j.checkpoint();
        j.record(1);
        let inner = j.checkpoint();
        j.record(2);
        j.revert(inner, |e| v.push(e));
        assert_eq!(v, [2]);
        let inner = j.checkpoint();
        j.record(3);
        j.commit(inner); // kept for the outer frame
        j.revert(outer, |e| v.push(e));
        assert_eq!(v, [2, 3, 1]);
        assert!(!j.is_recording());
    }

    #[test]
    fn outermost_commit_forgets() {
        let mut j = Journal::default();
        let cp = j.checkpoint();
        j.record(1);
        j.commit(cp);
        let cp = j.checkpoint();
        let mut v = vec![];
        j.revert(cp, |e: i32| v.push(e));
        assert!(v.is_empty());
    }

    #[test]
    fn followers_share_the_checkpoint() {
        let mut lead = Journal::<u8>::default();
        let mut follower = Journal::<u8>::default();
        let cp = lead.checkpoint();
        follower.follow(cp);
        let inner = lead.checkpoint();
        follower.follow(inner);
        follower.record(7);
        let mut v = vec![];
        follower.revert(cp, |e| v.push(e));
        lead.revert(cp, |_| {});
        assert_eq!(v, [7]);
    }
}
