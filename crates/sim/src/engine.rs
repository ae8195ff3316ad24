//! Discrete-event engine in virtual time (block timestamps, seconds). Events are totally
//! ordered by `(time, sequence)`: the sequence number is the insertion order, so ties are
//! FIFO and the run is deterministic without any further care.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An event queue over payloads `E`.
#[derive(Debug)]
pub(crate) struct Queue<E> {
    heap: BinaryHeap<Reverse<(u64, u64, Slot<E>)>>,
    seq: u64,
    now: u64,
}

/// Wrapper so payloads need no ordering of their own (ordering is by `(time, seq)` only).
#[derive(Debug)]
struct Slot<E>(E);
impl<E> PartialEq for Slot<E> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<E> Eq for Slot<E> {}
impl<E> PartialOrd for Slot<E> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Slot<E> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
            now: 0,
        }
    }
}

impl<E> Queue<E> {
    /// An empty queue starting at time `now`.
    pub(crate) fn starting_at(now: u64) -> Self {
        Self {
            now,
            ..Self::default()
        }
    }

    /// Current virtual time (time of the last popped event).
    pub(crate) fn now(&self) -> u64 {
        self.now
    }

    /// Schedule `e` at `time` (never before now).
    pub(crate) fn at(&mut self, time: u64, e: E) {
        let t = time.max(self.now);
        self.heap.push(Reverse((t, self.seq, Slot(e))));
        self.seq += 1;
    }

    /// Schedule `e` after `delay` seconds.
    pub(crate) fn after(&mut self, delay: u64, e: E) {
        self.at(self.now + delay, e);
    }

    /// Pop the next event and advance time.
    pub(crate) fn pop(&mut self) -> Option<(u64, E)> {
        let Reverse((t, _, Slot(e))) = self.heap.pop()?;
        self.now = t;
        Some((t, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_insertion() {
        let mut q = Queue::starting_at(0);
        q.at(5, "b");
        q.at(3, "a");
        q.at(5, "c");
        q.at(3, "a2");
        let got: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(got, vec![(3, "a"), (3, "a2"), (5, "b"), (5, "c")]);
    }
}
