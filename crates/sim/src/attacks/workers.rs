//! Worker attacks (threats-and-mechanisms.md §1.5, §1.6–1.7): W2/W3/C3 collusion on a wrong
//! result, W1 lazy copying, W1' off-chain result sharing, W6/G2 reveal withholding, W8 guessing,
//! W9 vanishing. Each worker attack adds a fraction of adversarial workers of one kind to the
//! population; the scheduler picks them like anyone else.

use pocolab_core::{Address, B256, Poco, keccak256};
use pocolab_mechanisms::Mechanisms;
use rand::RngExt;

use super::{Adversary, Replica, TaskFacts, adversaries, tag};
use crate::rng::SimRng;

/// What a worker agent does with a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkerKind {
    /// computes (with honest error noise) and reveals
    Honest,
    /// colludes on the attacker's wrong value (W2/W3, or scheduler Sybil for S2)
    Colluder,
    /// computes the right value, never reveals (W6)
    Withholder,
    /// accepts and never contributes (W9)
    Vanisher,
    /// copies a published result hash (W1)
    Copier,
    /// shares results off chain with the other sharers (W1')
    Sharer,
    /// guesses a low-entropy output without computing (W8)
    Guesser,
    /// returns the trivial determinism file without computing (A6)
    Lazy,
}

impl WorkerKind {
    /// Is this worker controlled by the attacker?
    pub(crate) fn adversarial(self) -> bool {
        self != WorkerKind::Honest
    }
}

/// A colluder's replica: it runs and commits the attacker's wrong value (shared by every
/// colluding population: W2/W3, S2 Sybils, the rings' workers).
pub(crate) fn collude(t: &TaskFacts) -> Replica {
    Replica::Submit {
        d: tag(t.id, b"attacker"),
        computed: true,
    }
}

/// W2/W3/C3: `fraction` of the worker population colludes on one wrong result per task,
/// worth `G` to the attacker (and costing the requester as much).
pub(crate) struct ColludingWorkers {
    pub fraction: f64,
    pub external_gain_nrlc: u64,
}

impl Adversary for ColludingWorkers {
    fn amounts(&self) -> Vec<(&'static str, u64)> {
        vec![("external_gain_nrlc", self.external_gain_nrlc)]
    }

    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Colluder, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        collude(t)
    }

    fn loss_per_wrong(&self) -> u64 {
        self.external_gain_nrlc
    }

    fn gain_per_wrong(&self) -> u64 {
        self.external_gain_nrlc
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}

/// W1: `fraction` of the workers copy an already-published result hash instead of computing;
/// they cannot forge its seal, so they never reveal, and never fetch the keys.
pub(crate) struct LazyCopying {
    pub fraction: f64,
}

impl Adversary for LazyCopying {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Copier, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        _t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        Replica::Copy
    }

    fn fetches_keys(&self, _kind: WorkerKind) -> bool {
        false
    }

    fn reveals(&self, _kind: WorkerKind) -> bool {
        false
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}

/// W1: what a copier commits to task `id`: the first result hash published on chain, with a
/// seal it cannot forge (it is `H(worker ‖ taskid ‖ digest)`); `None` when nothing is published
/// yet.
pub(crate) fn copied(poco: &Poco<Mechanisms>, id: B256, copier: Address) -> Option<(B256, B256)> {
    let published = poco.state.tasks[&id].contributions.first()?.result_hash;
    Some((published, keccak256(copier.as_slice())))
}

/// W1': `fraction` of the workers share results off chain: the first of them assigned to a
/// task computes, the others submit its result without computing.
pub(crate) struct ResultSharing {
    pub fraction: f64,
}

impl Adversary for ResultSharing {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Sharer, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        _t: &TaskFacts,
        shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        match shared {
            Some(d) => Replica::Submit { d, computed: false },
            None => Replica::HonestShared,
        }
    }

    fn answers_known_task(&self, _kind: WorkerKind, _rng: &mut SimRng) -> bool {
        true // the first sharer computes it
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}

/// W6/G2: `fraction` of the workers contribute the right value but never reveal.
pub(crate) struct RevealWithholding {
    pub fraction: f64,
}

impl Adversary for RevealWithholding {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Withholder, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn reveals(&self, _kind: WorkerKind) -> bool {
        false
    }

    fn answers_known_task(&self, _kind: WorkerKind, _rng: &mut SimRng) -> bool {
        true // it computes
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}

/// W8: `fraction` of the workers guess a low-entropy output without computing, right with
/// probability `p_correct` (on real tasks and on M2's known-answer tasks alike).
pub(crate) struct Guessing {
    pub fraction: f64,
    pub p_correct: f64,
}

impl Guessing {
    fn odds(&self) -> f64 {
        self.p_correct.clamp(0.0, 1.0)
    }
}

impl Adversary for Guessing {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Guesser, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        t: &TaskFacts,
        _shared: Option<B256>,
        rng: &mut SimRng,
    ) -> Replica {
        let d = if rng.random_bool(self.odds()) {
            t.truth
        } else {
            tag(t.id, b"likely answer")
        };
        Replica::Submit { d, computed: false }
    }

    fn answers_known_task(&self, _kind: WorkerKind, rng: &mut SimRng) -> bool {
        rng.random_bool(self.odds())
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction), ("p_correct", self.p_correct)]
    }
}

/// W9: `fraction` of the workers accept replicas and never contribute.
pub(crate) struct Vanishing {
    pub fraction: f64,
}

impl Adversary for Vanishing {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Vanisher, adversaries(honest, self.fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.fraction)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        _t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        Replica::Lost
    }

    fn fetches_keys(&self, _kind: WorkerKind) -> bool {
        false
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("fraction", self.fraction)]
    }
}
