//! Journaled mechanism state: [`JMap`], the map every mechanism keeps its state in, and
//! [`Journaled`], the undo support of a mechanism's state.

use std::collections::BTreeMap;

/// A `BTreeMap` with an undo log, so a mechanism's state can follow the atomicity of the core
/// (see [`pocolab_core::Extension::checkpoint`]).
#[derive(Debug, Clone)]
pub struct JMap<K, V> {
    map: BTreeMap<K, V>,
    log: Vec<(K, Option<V>)>,
}

impl<K, V> Default for JMap<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            log: Vec::new(),
        }
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for JMap<K, V> {
    /// Content equality (the undo log is ignored).
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
        let old = self.map.insert(k.clone(), v);
        self.log.push((k, old));
    }
    /// Remove (journaled).
    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.map.remove(k);
        if old.is_some() {
            self.log.push((k.clone(), old.clone()));
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
    /// Position in the undo log.
    pub fn mark(&self) -> usize {
        self.log.len()
    }
    /// Undo every write after `mark`.
    pub fn undo_to(&mut self, mark: usize) {
        while self.log.len() > mark {
            let (k, old) = self.log.pop().expect("len > mark");
            match old {
                Some(v) => self.map.insert(k, v),
                None => self.map.remove(&k),
            };
        }
    }
    /// Drop the undo log.
    pub fn forget(&mut self) {
        self.log.clear();
    }
}

/// Undo support of a mechanism's state.
pub trait Journaled {
    /// Current marks of every journaled map.
    fn marks(&self) -> Vec<usize>;
    /// Undo to `marks` (also restoring any non-ledger core state the mechanism wrote).
    fn undo(&mut self, st: &mut pocolab_core::State, marks: &[usize]);
    /// Drop undo information.
    fn forget(&mut self);
}

/// Implement [`Journaled`] for a struct whose mutable state is a list of [`JMap`] fields.
#[macro_export]
#[doc(hidden)]
macro_rules! journaled {
    ($t:ty; $($f:ident),+) => {
        impl $crate::journal::Journaled for $t {
            fn marks(&self) -> Vec<usize> {
                vec![$(self.$f.mark()),+]
            }
            fn undo(&mut self, _st: &mut pocolab_core::State, m: &[usize]) {
                let mut i = 0usize;
                $( self.$f.undo_to(m[i]); i += 1; )+
                let _ = i;
            }
            fn forget(&mut self) {
                $( self.$f.forget(); )+
            }
        }
    };
}
