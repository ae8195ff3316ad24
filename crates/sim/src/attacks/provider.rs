//! App and dataset provider attacks (threats-and-mechanisms.md §1.2–1.3): A1 non-deterministic
//! app, A2 image mutation, A3/C2 exfiltrating app, A4/D1/C6 deterministic garbage (with W4
//! re-entry), A5/D4 price front-running, A6 trivialised consensus, A7 resource bomb, D2 dataset
//! withdrawal, D3 mutable dataset.

use pocolab_core::orders::Operation;
use pocolab_core::{B256, Env, U256, keccak256};
use pocolab_mechanisms::{Cause, MechanismCalls, Party};
use rand::RngExt;

use super::{
    Adversary, Controls, Prices, Replica, TaskFacts, WorkerKind, WorkerRun, adversaries, markup,
    tag,
};
use crate::config::{MarketConfig, Provider};
use crate::market::{Market, Orders, SimError, provider_bond, register_asset};
use crate::metrics::RunMetrics;
use crate::rng::SimRng;

fn app_owner() -> Controls {
    Controls::provider(Provider::App)
}

fn dataset_owner() -> Controls {
    Controls::provider(Provider::Dataset)
}

/// A1: a non-deterministic app; each replica differs from the canonical output with
/// probability `p`. Under M4 the honest contributors report the non-determinism.
pub(crate) struct NondeterministicApp {
    pub p: f64,
}

impl Adversary for NondeterministicApp {
    fn controls(&self) -> Controls {
        app_owner()
    }

    fn run_on_worker(&self, r: &mut WorkerRun<'_>, d: B256) -> B256 {
        if r.rng.random_bool(self.p.clamp(0.0, 1.0)) {
            B256::from(r.rng.random::<[u8; 32]>())
        } else {
            d
        }
    }

    fn divergence(&self) -> Option<Cause> {
        Some(Cause::NonDeterministic)
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("p", self.p)]
    }
}

/// A2: the app image is re-pushed under the same tag from deal `from_deal` on; a worker runs
/// the stale cached image with probability `p_stale`, the others the new code. Under M4 the
/// workers that pulled the new image see the digest mismatch and report it, and whoever
/// computes runs the pinned (stale) image.
pub(crate) struct ImageMutation {
    pub from_deal: u64,
    pub p_stale: f64,
}

impl Adversary for ImageMutation {
    fn controls(&self) -> Controls {
        app_owner()
    }

    fn run_on_worker(&self, r: &mut WorkerRun<'_>, d: B256) -> B256 {
        if r.pinned {
            // under M4 the workers that pulled the mutated image reported it (digest
            // mismatch); whoever computes runs the pinned, stale image
            r.task.truth
        } else if r.task.deal_k >= self.from_deal {
            if r.rng.random_bool(self.p_stale.clamp(0.0, 1.0)) {
                r.task.truth
            } else {
                tag(r.task.id, b"mutated image")
            }
        } else {
            d
        }
    }

    fn provider_fault(&self, deal_k: u64, rng: &mut SimRng) -> Option<Cause> {
        if deal_k < self.from_deal {
            return None;
        }
        let stale = rng.random_bool(self.p_stale.clamp(0.0, 1.0));
        (!stale).then_some(Cause::AppDigestMismatch)
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("p_stale", self.p_stale)]
    }
}

/// A3/C2: the app exfiltrates the dataset to a colluding requester: invisible on chain, a
/// transfer of the data's value `V_d` per executed task from the dataset owner.
pub(crate) struct ExfiltratingApp {
    pub data_value_nrlc: u64,
}

impl Adversary for ExfiltratingApp {
    fn amounts(&self) -> Vec<(&'static str, u64)> {
        vec![("data_value_nrlc", self.data_value_nrlc)]
    }

    fn controls(&self) -> Controls {
        Controls {
            app_owner: true,
            requester: true,
            ..Controls::default()
        }
    }

    fn loss_per_result(&self, _c: &MarketConfig) -> u64 {
        self.data_value_nrlc
    }

    fn leak_per_result(&self) -> u64 {
        self.data_value_nrlc
    }

    fn gain_off_chain(&self, _c: &MarketConfig, m: &RunMetrics) -> i128 {
        m.finalized as i128 * self.data_value_nrlc as i128
    }

    fn honest_revenue(&self, who: Provider, price: u64, correct: u64) -> u64 {
        // the app owner and the requester are one coalition: P_a is an internal transfer, not
        // revenue to correct for
        match who {
            Provider::App => 0,
            Provider::Dataset => price * correct,
        }
    }
}

/// A4/D1/C6: a deterministic garbage app or poisoned dataset from deal `from_deal` on: every
/// replica agrees on a wrong output, the requester loses `L` per accepted result, the M6 court
/// finds the provider at fault. With `reenter` (W4 for providers, Kerr & Cohen's re-entry),
/// once M7 requesters avoid the asset the provider registers a fresh one.
pub(crate) struct DeterministicGarbage {
    pub source: Provider,
    pub loss_nrlc: u64,
    pub from_deal: u64,
    pub reenter: bool,
}

impl Adversary for DeterministicGarbage {
    fn amounts(&self) -> Vec<(&'static str, u64)> {
        vec![("loss_nrlc", self.loss_nrlc)]
    }

    fn counts(&self) -> Vec<(&'static str, u64)> {
        vec![("from_deal", self.from_deal)]
    }

    fn controls(&self) -> Controls {
        Controls::provider(self.source)
    }

    fn before_deal(&self, m: &mut Market, k: u64) -> Result<(), SimError> {
        if !(self.reenter && m.on.m7) {
            return Ok(());
        }
        // re-enter when requesters avoid the asset, unless they also avoid the other one (a
        // requester rates the app and the dataset of a task together: then a fresh asset would
        // not bring them back)
        let (own, other) = match self.source {
            Provider::App => (m.parties.app, m.parties.dataset),
            Provider::Dataset => (m.parties.dataset, m.parties.app),
        };
        if m.rated_low(own) && !m.rated_low(other) {
            reenter(m, self.source, k)?;
        }
        Ok(())
    }

    fn reference(&self, t: &TaskFacts, d: B256) -> B256 {
        if t.deal_k >= self.from_deal {
            tag(t.id, b"garbage")
        } else {
            d
        }
    }

    fn culprit(&self) -> Option<Party> {
        Some(match self.source {
            Provider::App => Party::App,
            Provider::Dataset => Party::Dataset,
        })
    }

    fn loss_per_wrong(&self) -> u64 {
        self.loss_nrlc
    }
}

/// W4 for providers: the provider whose asset requesters avoid registers a fresh one — same
/// artefact, new address, no ratings — and, under M4, bonds it as at set-up for the tasks still
/// to come (a newcomer: with M7 at the maximum multiplier).
fn reenter(m: &mut Market, source: Provider, k: u64) -> Result<(), SimError> {
    let c = &m.cfg;
    let (owner, price) = match source {
        Provider::App => (m.parties.app_owner, c.app_price),
        Provider::Dataset => (m.parties.dataset_owner, c.dataset_price),
    };
    let bond = provider_bond(c, price as u128, (c.deals - k) * c.volume);
    let asset = register_asset(&mut m.poco, source, owner, &format!("reentry-{k}"))?;
    m.m.calls += 1;
    if m.on.m4 {
        m.fund_after_snapshot(owner, bond)?;
        let r = m
            .poco
            .bond_asset(&Env::at(owner, m.now()), asset, U256::from(bond));
        m.call(r);
    }
    match source {
        Provider::App => m.parties.app = asset,
        Provider::Dataset => m.parties.dataset = asset,
    }
    m.m.reentries += 1;
    Ok(())
}

/// A5/D4: the provider closes its cheap order when it sees a pending match (which then
/// reverts) and republishes at the requester's maximum price, `markup_pct` above its own.
pub(crate) struct PriceFrontRun {
    pub source: Provider,
    pub markup_pct: u64,
}

impl Adversary for PriceFrontRun {
    fn controls(&self) -> Controls {
        Controls::provider(self.source)
    }

    fn prices(&self, mut p: Prices) -> Prices {
        match self.source {
            Provider::App => p.app_max = markup(self.markup_pct, p.app_ask),
            Provider::Dataset => p.dataset_max = markup(self.markup_pct, p.dataset_ask),
        }
        p
    }

    fn front_run(&self, m: &mut Market, o: &mut Orders, env: &Env) {
        let r = match self.source {
            Provider::App => {
                let e = m.env(m.parties.app_owner);
                m.poco.manage_app_order(&e, &o.app, Operation::Close, &[])
            }
            Provider::Dataset => {
                let e = m.env(m.parties.dataset_owner);
                m.poco
                    .manage_dataset_order(&e, &o.dataset, Operation::Close, &[])
            }
        };
        m.call(r);
        let r = m.poco.match_orders(env, &o.app, &o.dataset, &o.wp, &o.req);
        m.call(r);
        let salt = keccak256([o.req.salt.as_slice(), b"republished"].concat());
        match self.source {
            Provider::App => (o.app.appprice, o.app.salt) = (U256::from(m.prices.app_max), salt),
            Provider::Dataset => {
                (o.dataset.datasetprice, o.dataset.salt) = (U256::from(m.prices.dataset_max), salt)
            }
        }
    }
}

/// A6: the app's determinism file is constant: replicas agree whatever they compute, and
/// `lazy_fraction` of the workers collude with the app owner and return it without computing.
pub(crate) struct TrivialisedConsensus {
    pub lazy_fraction: f64,
}

/// A6's constant determinism file.
fn constant_file() -> B256 {
    keccak256(b"constant determinism file")
}

impl Adversary for TrivialisedConsensus {
    fn population(&self, honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Lazy, adversaries(honest, self.lazy_fraction))]
    }

    fn check(&self) -> Result<(), &'static str> {
        super::worker_share(self.lazy_fraction)
    }

    fn controls(&self) -> Controls {
        app_owner()
    }

    fn reference(&self, _t: &TaskFacts, _d: B256) -> B256 {
        constant_file()
    }

    fn culprit(&self) -> Option<Party> {
        Some(Party::App)
    }

    fn replica(
        &self,
        _kind: WorkerKind,
        _t: &TaskFacts,
        _shared: Option<B256>,
        _rng: &mut SimRng,
    ) -> Replica {
        Replica::Submit {
            d: constant_file(),
            computed: false,
        }
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("lazy_fraction", self.lazy_fraction)]
    }
}

/// A7: a resource bomb: each replica crashes its worker (WORKER_LOST) with probability
/// `crash_p` after spending its compute.
pub(crate) struct ResourceBomb {
    pub crash_p: f64,
}

impl Adversary for ResourceBomb {
    fn controls(&self) -> Controls {
        app_owner()
    }

    fn crashes(&self, rng: &mut SimRng) -> bool {
        rng.random_bool(self.crash_p.clamp(0.0, 1.0))
    }

    fn probabilities(&self) -> Vec<(&'static str, f64)> {
        vec![("crash_p", self.crash_p)]
    }
}

/// D2: the dataset becomes unavailable from deal `from_deal` on: replicas agree on a
/// download-error result the requester pays in full (under M4 workers report the failure; the
/// M6 court finds the dataset owner at fault).
pub(crate) struct DatasetWithdrawal {
    pub from_deal: u64,
}

impl Adversary for DatasetWithdrawal {
    fn controls(&self) -> Controls {
        dataset_owner()
    }

    fn reference(&self, t: &TaskFacts, d: B256) -> B256 {
        if t.deal_k >= self.from_deal {
            tag(t.id, b"dataset download error")
        } else {
            d
        }
    }

    fn provider_fault(&self, deal_k: u64, _rng: &mut SimRng) -> Option<Cause> {
        (deal_k >= self.from_deal).then_some(Cause::DatasetDownloadFailed)
    }

    fn culprit(&self) -> Option<Party> {
        Some(Party::Dataset)
    }
}

/// D3: the dataset owner serves different content per worker (empty checksum, mutable URL);
/// under M4 workers see the checksum mismatch and report it.
pub(crate) struct MutableDataset;

impl Adversary for MutableDataset {
    fn controls(&self) -> Controls {
        dataset_owner()
    }

    fn run_on_worker(&self, r: &mut WorkerRun<'_>, _d: B256) -> B256 {
        tag(r.task.id, r.worker.as_slice())
    }

    fn provider_fault(&self, _deal_k: u64, _rng: &mut SimRng) -> Option<Cause> {
        Some(Cause::DatasetBadChecksum)
    }
}
