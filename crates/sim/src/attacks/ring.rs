//! Self-dealing rings (threats-and-mechanisms.md §1.4, §1.6; C5): S7 kitty draining (F6) and
//! S9/W5 score farming (F5). The ring is its own requester, app owner and pool owner, with a
//! zero-price app and pool of its own; its workers are the adversary's.

use std::ops::Range;

use pocolab_core::orders::{result_hash, result_seal};
use pocolab_core::{
    Address, AppOrder, B256, Bytes, DatasetOrder, Env, Poco, RequestOrder, TaskStatus, U256,
    WorkerpoolOrder, keccak256,
};
use pocolab_mechanisms::{MechanismCalls, Mechanisms};

use super::workers::collude;
use super::{Adversary, Replica, TaskFacts, WorkerKind};
use crate::market::{Market, RLC, SimError, T0, registration_bond, synthetic};
use crate::rng::SimRng;

/// The self-dealing ring of S7/S9: its own requester, zero-price app and pool.
#[derive(Debug)]
pub(crate) struct Ring {
    pub owner: Address,
    pub app: Address,
    pub pool: Address,
    /// indices of the ring's workers in the market's workers
    pub workers: Vec<u32>,
    /// self-dealt tasks run
    pub deals: u64,
}

impl Ring {
    /// Deploy the ring's app and pool; `workers` are its workers.
    fn deploy(poco: &mut Poco<Mechanisms>, workers: Range<u32>) -> Result<Self, SimError> {
        let perr = |call| move |err| SimError::Protocol { call, err };
        let owner = synthetic("ring", 0);
        let app = poco
            .create_app(
                owner,
                "ring-app",
                "DOCKER",
                Bytes::from_static(b"ring/app:1"),
                keccak256("ring-app"),
                Bytes::new(),
            )
            .map_err(perr("createApp"))?;
        let pool = poco
            .create_workerpool(owner, "ring-pool")
            .map_err(perr("createWorkerpool"))?;
        Ok(Ring {
            owner,
            app,
            pool,
            workers: workers.collect(),
            deals: 0,
        })
    }
}

/// Under M4 the ring must bond its own app like anyone else to be matched.
fn bond_app(m: &mut Market) -> Result<(), SimError> {
    let Some(ring) = &m.ring else {
        return Ok(());
    };
    if !m.on.m4 {
        return Ok(());
    }
    let (owner, app) = (ring.owner, ring.app);
    crate::market::fund(&mut m.poco, owner, 2 * RLC)?;
    m.poco
        .bond_asset(&Env::at(owner, T0), app, U256::from(2 * RLC))
        .map_err(|err| SimError::Protocol {
            call: "bondAsset",
            err,
        })
}

/// S7/C5 (F6): after `seed_failures` honest deals have failed (censored, filling the kitty),
/// the ring's one worker runs `drain_deals` zero-price trust-1 self-deals through the ring's
/// pool to collect the kitty share of each success. Its worker serves only the ring's pool.
pub(crate) struct KittyDrain {
    pub seed_failures: u64,
    pub drain_deals: u64,
}

impl Adversary for KittyDrain {
    fn counts(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("seed_failures", self.seed_failures),
            ("drain_deals", self.drain_deals),
        ]
    }

    fn population(&self, _honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Colluder, 1)]
    }

    fn candidates(&self, honest: u32, _all: u32) -> Range<u32> {
        0..honest
    }

    fn deploy(
        &self,
        poco: &mut Poco<Mechanisms>,
        own: Range<u32>,
    ) -> Result<Option<Ring>, SimError> {
        Ring::deploy(poco, own).map(Some)
    }

    fn prepare(&self, m: &mut Market) -> Result<(), SimError> {
        bond_app(m)
    }

    fn censors(&self, k: u64, _rng: &mut SimRng) -> bool {
        k < self.seed_failures
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

    fn after_market(&self, m: &mut Market) -> Result<(), SimError> {
        drain_kitty(m, self.drain_deals)
    }
}

/// S9/W5/C5 (F5): before the market opens, the ring's two workers farm score with
/// `farm_tasks` zero-price self-deals; then they join the victim pool and return wrong results
/// worth `G` to the ring.
pub(crate) struct ScoreFarming {
    pub farm_tasks: u64,
    pub external_gain_nrlc: u64,
}

impl Adversary for ScoreFarming {
    fn counts(&self) -> Vec<(&'static str, u64)> {
        vec![("farm_tasks", self.farm_tasks)]
    }

    fn amounts(&self) -> Vec<(&'static str, u64)> {
        vec![("external_gain_nrlc", self.external_gain_nrlc)]
    }

    fn population(&self, _honest: u64) -> Vec<(WorkerKind, u64)> {
        vec![(WorkerKind::Colluder, 2)]
    }

    fn deploy(
        &self,
        poco: &mut Poco<Mechanisms>,
        own: Range<u32>,
    ) -> Result<Option<Ring>, SimError> {
        Ring::deploy(poco, own).map(Some)
    }

    fn prepare(&self, m: &mut Market) -> Result<(), SimError> {
        bond_app(m)?;
        farm_scores(m, self.farm_tasks)
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
}

/// S9/W5 (F5): the ring's two workers self-deal zero-price tasks. Each task asks for the
/// trust `ω(s) + 1`, the highest at which one of them alone cannot finalize, so both must
/// contribute and both gain +1 (spec §7.8: only when more than one contributor).
fn farm_scores(m: &mut Market, tasks: u64) -> Result<(), SimError> {
    let ring = m.ring.as_ref().expect("ring");
    let (owner, app, pool) = (ring.owner, ring.app, ring.pool);
    let (w0, w1) = (ring.workers[0], ring.workers[1]);
    let perr = |call| move |err| SimError::Protocol { call, err };
    if m.on.m2 && tasks > 0 {
        // under M2 a trust ≥ 2 task needs a committee: the ring bonds its two workers with
        // its own pool (they are then its whole committee)
        let bond = registration_bond(&m.cfg);
        for w in [w0, w1] {
            let a = m.workers[w as usize].addr;
            m.fund_after_snapshot(a, bond as u128)?;
            m.poco
                .register_worker(&Env::at(a, T0), pool, U256::from(bond))
                .map_err(perr("registerWorker"))?;
        }
    }
    for k in 0..tasks {
        let env = Env::at(owner, T0);
        let s = m.poco.view_score(m.workers[w0 as usize].addr).to::<u64>();
        let trust = U256::from((s / 3).max(3) - 1 + 1);
        let salt = keccak256(format!("farm:{k}"));
        let (deal, tid) = self_deal(m, &env, (app, pool), trust, salt)?;
        let d = keccak256([tid.as_slice(), b"farm"].concat());
        for w in [w0, w1] {
            let a = m.workers[w as usize].addr;
            m.poco
                .contribute(
                    &Env::at(a, T0),
                    tid,
                    result_hash(tid, d),
                    result_seal(a, tid, d),
                    Address::ZERO,
                    &[],
                    &[],
                )
                .map_err(perr("contribute"))?;
        }
        m.m.calls += 4;
        if m.on.m2 && m.poco.state.tasks[&tid].status != TaskStatus::Revealing {
            // M2: two newcomers (weight 1 each) never reach consensus, and self-dealing
            // earns no credibility (rule 4): the farm stalls on its first task
            m.ring.as_mut().expect("ring").deals += k + 1;
            return Ok(());
        }
        for w in [w0, w1] {
            m.poco
                .reveal(&Env::at(m.workers[w as usize].addr, T0), tid, d)
                .map_err(perr("reveal"))?;
        }
        m.poco
            .finalize(&env, tid, b"farm", &[])
            .map_err(perr("finalize"))?;
        m.poco.prune_task(tid);
        m.poco.prune_deal(deal);
        m.m.calls += 3;
    }
    m.ring.as_mut().expect("ring").deals += tasks;
    Ok(())
}

/// One self-dealt task of the ring: its owner (`env`'s sender) requests its own zero-price `app`
/// on its own `pool` at `trust` (0: any), one task, and initializes it. Returns (deal, task).
fn self_deal(
    m: &mut Market,
    env: &Env,
    (app, pool): (Address, Address),
    trust: U256,
    salt: B256,
) -> Result<(B256, B256), SimError> {
    let perr = |call| move |err| SimError::Protocol { call, err };
    let ao = AppOrder {
        app,
        volume: U256::ONE,
        salt,
        ..Default::default()
    };
    let wo = WorkerpoolOrder {
        workerpool: pool,
        volume: U256::ONE,
        trust,
        salt,
        ..Default::default()
    };
    let ro = RequestOrder {
        app,
        workerpool: pool,
        requester: env.sender,
        volume: U256::ONE,
        trust,
        salt,
        ..Default::default()
    };
    let deal = m
        .poco
        .match_orders(env, &ao, &DatasetOrder::default(), &wo, &ro)
        .map_err(perr("matchOrders"))?;
    let tid = m
        .poco
        .initialize(env, deal, U256::ZERO)
        .map_err(perr("initialize"))?;
    Ok((deal, tid))
}

/// S7 (F6): after the market has run, the ring self-deals zero-price trust-1 tasks and
/// collects the kitty share of each success (`min(max(K/10, 1 RLC), K)`, spec §7.8).
fn drain_kitty(m: &mut Market, deals: u64) -> Result<(), SimError> {
    let ring = m.ring.as_ref().expect("ring");
    let (owner, app, pool, w) = (ring.owner, ring.app, ring.pool, ring.workers[0]);
    let worker = m.workers[w as usize].addr;
    let perr = |call| move |err| SimError::Protocol { call, err };
    let now = m.now();
    for k in 0..deals {
        let env = Env::at(owner, now);
        let salt = keccak256(format!("drain:{k}"));
        let (deal, tid) = self_deal(m, &env, (app, pool), U256::ZERO, salt)?;
        let d = keccak256([tid.as_slice(), b"drain"].concat());
        m.poco
            .contribute_and_finalize(
                &Env::at(worker, now),
                tid,
                d,
                b"drain",
                &[],
                Address::ZERO,
                &[],
                &[],
            )
            .map_err(perr("contributeAndFinalize"))?;
        m.poco.prune_task(tid);
        m.poco.prune_deal(deal);
        m.m.calls += 3;
    }
    m.ring.as_mut().expect("ring").deals += deals;
    Ok(())
}
