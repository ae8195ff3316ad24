//! Coalitions (threats-and-mechanisms.md §1.6, C1–C6 in general): several adversaries playing
//! in one run through the same [`Adversary`] phases. Each hook is forwarded to the members in
//! order: populations are appended, controlled parties united, transforms (prices, reference
//! and per-worker outputs) chained, side effects run one after the other, gains and losses
//! added; a hook about a worker kind goes to the member whose population has that kind.

use std::ops::Range;

use pocolab_core::{B256, Env, Poco};
use pocolab_mechanisms::{Cause, Mechanisms, Party};

use super::{Adversary, Controls, Prices, Replica, Ring, TaskFacts, WorkerKind, WorkerRun, tag};
use crate::config::{MarketConfig, Provider};
use crate::market::{Market, Orders, SimError};
use crate::metrics::RunMetrics;
use crate::rng::SimRng;

/// Several adversaries in one run. (No configuration names a coalition yet: only the tests
/// build one.)
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Coalition {
    members: Vec<Box<dyn Adversary>>,
    /// the worker kinds each member brings
    kinds: Vec<Vec<WorkerKind>>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Coalition {
    /// The coalition of `members`, in the order their hooks run.
    pub fn new(members: Vec<Box<dyn Adversary>>) -> Self {
        let kinds = members
            .iter()
            .map(|m| m.population(1).into_iter().map(|(k, _)| k).collect())
            .collect();
        Coalition { members, kinds }
    }

    /// The member playing workers of `kind`.
    fn owner(&self, kind: WorkerKind) -> Option<&dyn Adversary> {
        self.kinds
            .iter()
            .position(|ks| ks.contains(&kind))
            .map(|i| &*self.members[i])
    }
}

impl Adversary for Coalition {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        self.members
            .iter()
            .flat_map(|m| m.population(honest))
            .collect()
    }

    fn candidates(&self, honest: u32, all: u32) -> Range<u32> {
        self.members
            .iter()
            .map(|m| m.candidates(honest, all))
            .find(|r| *r != (0..all))
            .unwrap_or(0..all)
    }

    fn controls(&self) -> Controls {
        self.members
            .iter()
            .fold(Controls::default(), |c, m| c.union(m.controls()))
    }

    fn is_honest(&self) -> bool {
        self.members.iter().all(|m| m.is_honest())
    }

    fn deploy(
        &self,
        poco: &mut Poco<Mechanisms>,
        own: Range<u32>,
    ) -> Result<Option<Ring>, SimError> {
        for m in &self.members {
            if let Some(r) = m.deploy(poco, own.clone())? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    fn prices(&self, p: Prices) -> Prices {
        self.members.iter().fold(p, |p, m| m.prices(p))
    }

    fn prepare(&self, mk: &mut Market) -> Result<(), SimError> {
        self.members.iter().try_for_each(|m| m.prepare(mk))
    }

    fn before_deal(&self, mk: &mut Market, k: u64) -> Result<(), SimError> {
        self.members.iter().try_for_each(|m| m.before_deal(mk, k))
    }

    fn requested_trust(&self, chosen: u64) -> u64 {
        self.members
            .iter()
            .fold(chosen, |t, m| m.requested_trust(t))
    }

    fn before_orders(&self, mk: &mut Market, k: u64) {
        self.members.iter().for_each(|m| m.before_orders(mk, k))
    }

    fn front_run(&self, mk: &mut Market, o: &mut Orders, env: &Env) {
        self.members.iter().for_each(|m| m.front_run(mk, o, env))
    }

    fn pool_may_refuse(&self) -> bool {
        self.members.iter().any(|m| m.pool_may_refuse())
    }

    fn censors(&self, k: u64, rng: &mut SimRng) -> bool {
        // every member draws, so each one's draws do not depend on the others' decisions
        self.members
            .iter()
            .fold(false, |c, m| m.censors(k, rng) || c)
    }

    fn start_delay(&self, idx: u64) -> Option<u64> {
        self.members.iter().filter_map(|m| m.start_delay(idx)).max()
    }

    fn truth(&self, id: B256) -> B256 {
        let honest = tag(id, b"truth");
        self.members
            .iter()
            .map(|m| m.truth(id))
            .find(|t| *t != honest)
            .unwrap_or(honest)
    }

    fn reference(&self, t: &TaskFacts, d: B256) -> B256 {
        self.members.iter().fold(d, |d, m| m.reference(t, d))
    }

    fn run_on_worker(&self, r: &mut WorkerRun<'_>, d: B256) -> B256 {
        self.members.iter().fold(d, |d, m| m.run_on_worker(r, d))
    }

    fn provider_fault(&self, deal_k: u64, rng: &mut SimRng) -> Option<Cause> {
        self.members
            .iter()
            .find_map(|m| m.provider_fault(deal_k, rng))
    }

    fn divergence(&self) -> Option<Cause> {
        self.members.iter().find_map(|m| m.divergence())
    }

    fn culprit(&self) -> Option<Party> {
        self.members.iter().find_map(|m| m.culprit())
    }

    fn replica(
        &self,
        kind: WorkerKind,
        t: &TaskFacts,
        shared: Option<B256>,
        rng: &mut SimRng,
    ) -> Replica {
        self.owner(kind)
            .map_or(Replica::Honest, |m| m.replica(kind, t, shared, rng))
    }

    fn crashes(&self, rng: &mut SimRng) -> bool {
        self.members.iter().any(|m| m.crashes(rng))
    }

    fn fetches_keys(&self, kind: WorkerKind) -> bool {
        self.owner(kind).is_none_or(|m| m.fetches_keys(kind))
    }

    fn reveals(&self, kind: WorkerKind) -> bool {
        self.owner(kind).is_none_or(|m| m.reveals(kind))
    }

    fn answers_known_task(&self, kind: WorkerKind, rng: &mut SimRng) -> bool {
        self.owner(kind)
            .is_some_and(|m| m.answers_known_task(kind, rng))
    }

    fn finalizes(&self) -> bool {
        self.members.iter().all(|m| m.finalizes())
    }

    fn after_market(&self, mk: &mut Market) -> Result<(), SimError> {
        self.members.iter().try_for_each(|m| m.after_market(mk))
    }

    fn loss_per_wrong(&self) -> u64 {
        self.members.iter().map(|m| m.loss_per_wrong()).sum()
    }

    fn gain_per_wrong(&self) -> u64 {
        self.members.iter().map(|m| m.gain_per_wrong()).sum()
    }

    fn loss_per_result(&self, c: &MarketConfig) -> u64 {
        self.members.iter().map(|m| m.loss_per_result(c)).sum()
    }

    fn gain_off_chain(&self, c: &MarketConfig, mt: &RunMetrics) -> i128 {
        self.members.iter().map(|m| m.gain_off_chain(c, mt)).sum()
    }

    fn honest_revenue(&self, who: Provider, price: u64, correct: u64) -> u64 {
        self.members
            .iter()
            .map(|m| m.honest_revenue(who, price, correct))
            .min()
            .unwrap_or(price * correct)
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        self.members
            .iter()
            .flat_map(|m| m.probabilities())
            .collect()
    }

    fn check(&self) -> Result<(), &'static str> {
        self.members.iter().try_for_each(|m| m.check())
    }
}
