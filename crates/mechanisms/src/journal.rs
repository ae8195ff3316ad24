//! Journaled mechanism state: [`JMap`], the map every mechanism keeps its state in, and
//! [`Journaled`], which makes a mechanism follow the core's checkpoints (one checkpoint per
//! atomic call covers the core's state and the extension's, see [`pocolab_core::journal`]).

use std::collections::BTreeMap;

use pocolab_core::{Checkpoint, Journal};

/// A `BTreeMap` whose writes are journaled, so that a mechanism's state follows the
/// checkpoints of the core (see [`pocolab_core::journal`] and
/// [`pocolab_core::Extension::checkpoint`]).
#[derive(Debug, Clone)]
pub struct JMap<K, V> {
    map: BTreeMap<K, V>,
    journal: Journal<(K, Option<V>)>,
}

impl<K, V> Default for JMap<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            journal: Journal::default(),
        }
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for JMap<K, V> {
    /// Content equality (the journal is ignored).
    fn eq(&self, o: &Self) -> bool {
        self.map == o.map
    }
}
impl<K: Eq, V: Eq> Eq for JMap<K, V> {}

impl<K: Ord + Clone, V: Clone> JMap<K, V> {
    /// Read.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.map.get(k)
    }
    /// Write (journaled).
    pub fn insert(&mut self, k: K, v: V) {
        if self.journal.is_recording() {
            let old = self.map.insert(k.clone(), v);
            self.journal.record((k, old));
        } else {
            self.map.insert(k, v);
        }
    }
    /// Remove (journaled).
    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.map.remove(k);
        if old.is_some() && self.journal.is_recording() {
            self.journal.record((k.clone(), old.clone()));
        }
        old
    }
    /// Add (`on`) or remove `k` (a set held as a map to `()`), journaled.
    pub fn set_member(&mut self, k: K, on: bool)
    where
        V: Default,
    {
        if on {
            self.insert(k, V::default());
        } else {
            self.remove(&k);
        }
    }
    /// Read-modify-write of an entry (default if missing).
    pub fn update(&mut self, k: K, f: impl FnOnce(&mut V))
    where
        V: Default,
    {
        let mut v = self.map.get(&k).cloned().unwrap_or_default();
        f(&mut v);
        self.insert(k, v);
    }
    /// Entries with keys in `r`, in key order.
    pub fn range<R: std::ops::RangeBounds<K>>(&self, r: R) -> impl Iterator<Item = (&K, &V)> {
        self.map.range(r)
    }
    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.map.iter()
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }
    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl<K: Ord + Clone, V: Clone> Journaled for JMap<K, V> {
    fn checkpoint(&mut self, cp: Checkpoint) {
        self.journal.follow(cp);
    }
    fn revert(&mut self, cp: Checkpoint) {
        let Self { map, journal } = self;
        journal.revert(cp, |(k, old)| {
            match old {
                Some(v) => map.insert(k, v),
                None => map.remove(&k),
            };
        });
    }
    fn commit(&mut self, cp: Checkpoint) {
        self.journal.commit(cp);
    }
}

/// State that follows the core's checkpoints: the [`pocolab_core::Extension`] checkpoint
/// discipline, for each journaled part of a mechanism.
pub trait Journaled {
    /// The core took checkpoint `cp`: open it here too.
    fn checkpoint(&mut self, cp: Checkpoint);
    /// Undo every write made since `cp`.
    fn revert(&mut self, cp: Checkpoint);
    /// Keep the writes made since `cp`.
    fn commit(&mut self, cp: Checkpoint);
}

/// Implement [`Journaled`] for a struct whose mutable state is a list of [`JMap`] fields.
#[macro_export]
#[doc(hidden)]
macro_rules! journaled {
    ($t:ty; $($f:ident),+) => {
        impl $crate::journal::Journaled for $t {
            fn checkpoint(&mut self, cp: pocolab_core::Checkpoint) {
                $( $crate::journal::Journaled::checkpoint(&mut self.$f, cp); )+
            }
            fn revert(&mut self, cp: pocolab_core::Checkpoint) {
                $( $crate::journal::Journaled::revert(&mut self.$f, cp); )+
            }
            fn commit(&mut self, cp: pocolab_core::Checkpoint) {
                $( $crate::journal::Journaled::commit(&mut self.$f, cp); )+
            }
        }
    };
}
