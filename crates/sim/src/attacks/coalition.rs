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

/// Several adversaries in one run (`Attack::Coalition`).
pub(crate) struct Coalition {
    members: Vec<Box<dyn Adversary>>,
    /// the worker kinds each member brings
    kinds: Vec<Vec<WorkerKind>>,
}

impl Coalition {
    /// The coalition of `members`, in the order their hooks run.
    pub(crate) fn new(members: Vec<Box<dyn Adversary>>) -> Self {
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
        // every member decides (and draws), whatever the others decided
        let mut censored = false;
        for m in &self.members {
            censored |= m.censors(k, rng);
        }
        censored
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

    fn leak_per_result(&self) -> u64 {
        self.members.iter().map(|m| m.leak_per_result()).sum()
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

    fn counts(&self) -> Vec<(&'static str, u64)> {
        self.members.iter().flat_map(|m| m.counts()).collect()
    }

    fn amounts(&self) -> Vec<(&'static str, u64)> {
        self.members.iter().flat_map(|m| m.amounts()).collect()
    }

    fn check(&self) -> Result<(), &'static str> {
        self.members.iter().try_for_each(|m| m.check())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Attack;
    use crate::market::{Market, run};

    fn cfg(deals: u64) -> MarketConfig {
        MarketConfig {
            deals,
            ..MarketConfig::default()
        }
    }

    fn play(c: &MarketConfig, members: Vec<Box<dyn Adversary>>) -> RunMetrics {
        let coalition = Box::new(Coalition::new(members));
        Market::with_adversary(c, 7, 0, coalition)
            .and_then(Market::run)
            .expect("valid run")
    }

    #[test]
    fn a_coalition_of_one_plays_as_its_member() {
        for attack in [
            Attack::ColludingWorkers {
                fraction: 0.4,
                external_gain_nrlc: 1_000_000_000,
            },
            Attack::DeterministicGarbage {
                source: Provider::Dataset,
                loss_nrlc: 1_000_000_000,
                from_deal: 5,
                reenter: false,
            },
            Attack::WithholdFinalize,
            Attack::KittyDrain {
                seed_failures: 5,
                drain_deals: 10,
            },
            Attack::Guessing {
                fraction: 0.3,
                p_correct: 0.5,
            },
        ] {
            let c = MarketConfig {
                attack: attack.clone(),
                ..cfg(20)
            };
            let alone = run(&c, 7, 0).expect("valid run");
            assert_eq!(
                play(&c, vec![super::super::of(&attack)]),
                alone,
                "{attack:?}"
            );
        }
    }

    #[test]
    fn colluding_workers_and_a_censoring_scheduler_compose() {
        let colluders = || {
            super::super::of(&Attack::ColludingWorkers {
                fraction: 0.5,
                external_gain_nrlc: 1_000_000_000,
            })
        };
        let censor = || super::super::of(&Attack::Censorship { fraction: 0.5 });
        let c = cfg(40);
        let both = play(&c, vec![colluders(), censor()]);
        let only_colluders = play(&c, vec![colluders()]);
        let only_censor = play(&c, vec![censor()]);
        // the colluders' wrong results are accepted, and the censored tasks fail
        assert!(both.wrong_accepted > 0, "{both:?}");
        assert!(both.failed > only_colluders.failed, "{both:?}");
        assert_eq!(only_censor.wrong_accepted, 0);
        assert_eq!(both.tasks, 40);
        // the coalition controls the scheduler: its income counts in the attacker's profit
        let ctl = Coalition::new(vec![colluders(), censor()]).controls();
        assert!(ctl.scheduler && !ctl.requester);
    }
}
