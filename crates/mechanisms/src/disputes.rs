//! **M6 — two-sided deposits and tiered dispute resolution** (spec §3 M6).
//!
//! The requester deposits `D_R = δ_R·P` and the pool `D_P = δ_P·P_w` per task at match. After
//! a success a dispute window `Δ_d` opens; the requester may dispute the result at a tier
//! (1: deterministic re-execution, 2: TEE-attested re-execution, 3: court). The tier's
//! arbiter — an address registered by the protocol owner that stands for the re-execution
//! verifier, the TEE re-execution service or the court — posts the verdict. The loser pays
//! the arbitration fee `C_arb(tier)` from its deposit and forfeits the rest to the winner.

use pocolab_core::{Address, B256, Env, Result, State, U256};
use serde::Deserialize;

use crate::util::{JMap, ensure, lock, mul, pay_from_frozen, pct, unlock};

const NAME: &str = "disputes";

/// Parameters of M6.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DisputesParams {
    /// `δ_R`: requester deposit, percent of `P`
    pub requester_deposit_pct: u64,
    /// `δ_P`: pool deposit, percent of `P_w`
    pub pool_deposit_pct: u64,
    /// `Δ_d`: dispute window after finality, in units of `T`
    pub window_t: u64,
    /// time the arbiter has to rule before both deposits are released, in units of `T`
    pub resolve_timeout_t: u64,
    /// `C_arb(tier)` for tiers 1, 2, 3, percent of `P`
    pub arbitration_fee_pct: [u64; 3],
}

impl Default for DisputesParams {
    fn default() -> Self {
        Self { requester_deposit_pct: 100, pool_deposit_pct: 100, window_t: 2, resolve_timeout_t: 10, arbitration_fee_pct: [10, 20, 50] }
    }
}

/// The dispute window of a finalised task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeWindow {
    /// window end (timestamp)
    pub end: u64,
    /// requester (who may dispute)
    pub requester: Address,
    /// payer of `D_R`
    pub sponsor: Address,
    /// payer of `D_P`
    pub pool_owner: Address,
    /// `D_R`, `D_P`
    pub deposits: (U256, U256),
    /// `P`
    pub price: U256,
    /// `T`
    pub timeref: u64,
    /// open dispute: (tier, rule-by timestamp)
    pub dispute: Option<(u8, u64)>,
}

/// Outcome of a resolved dispute (for M7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ruling {
    /// the requester won (the result was wrong)
    pub requester_wins: bool,
    /// the losing party's address
    pub loser: Address,
}

/// M6 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disputes {
    /// parameters
    pub params: DisputesParams,
    /// deal → per-task deposits (D_R, D_P)
    pub deal_dep: JMap<B256, (U256, U256)>,
    /// task → open window
    pub windows: JMap<B256, DisputeWindow>,
    /// (tier, arbiter) registered by the protocol owner
    pub arbiters: JMap<(u8, Address), ()>,
    #[doc(hidden)]
    pub cps: Vec<Vec<usize>>,
}
crate::journaled!(Disputes; deal_dep, windows, arbiters);

impl Disputes {
    /// M6 with `params`.
    pub fn new(params: DisputesParams) -> Self {
        Self { params, ..Self::default() }
    }

    pub(crate) fn register_arbiter(&mut self, st: &State, env: &Env, tier: u8, who: Address, on: bool) -> Result<()> {
        ensure(env.sender == st.settings.owner, NAME, "only the protocol owner registers arbiters")?;
        ensure((1..=3).contains(&tier), NAME, "tier must be 1, 2 or 3")?;
        if on {
            self.arbiters.insert((tier, who), ());
        } else {
            self.arbiters.remove(&(tier, who));
        }
        Ok(())
    }

    pub(crate) fn on_match(&mut self, st: &mut State, deal_id: B256, volume: U256) -> Result<()> {
        let deal = &st.deals[&deal_id];
        let dr = pct(deal.task_price()?, self.params.requester_deposit_pct)?;
        let dp = pct(deal.workerpool.price, self.params.pool_deposit_pct)?;
        let (sponsor, owner) = (deal.sponsor, deal.workerpool.owner);
        lock(&mut st.ledger, sponsor, mul(dr, volume)?)?;
        lock(&mut st.ledger, owner, mul(dp, volume)?)?;
        self.deal_dep.insert(deal_id, (dr, dp));
        Ok(())
    }

    pub(crate) fn on_success(&mut self, st: &State, env: &Env, tid: B256) {
        let task = &st.tasks[&tid];
        let deal = &st.deals[&task.dealid];
        let t: u64 = task.timeref.try_into().unwrap_or(u64::MAX / 64);
        let w = DisputeWindow {
            end: env.timestamp.saturating_add(t.saturating_mul(self.params.window_t)),
            requester: deal.requester,
            sponsor: deal.sponsor,
            pool_owner: deal.workerpool.owner,
            deposits: self.deal_dep.get(&task.dealid).copied().unwrap_or_default(),
            price: deal.task_price().unwrap_or_default(),
            timeref: t,
            dispute: None,
        };
        self.windows.insert(tid, w);
    }

    pub(crate) fn on_failure(&mut self, st: &mut State, tid: B256) -> Result<()> {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        let (dr, dp) = self.deal_dep.get(&st.tasks[&tid].dealid).copied().unwrap_or_default();
        let (sponsor, owner) = (deal.sponsor, deal.workerpool.owner);
        unlock(&mut st.ledger, sponsor, dr)?;
        unlock(&mut st.ledger, owner, dp)
    }

    pub(crate) fn open(&mut self, env: &Env, tid: B256, tier: u8) -> Result<()> {
        let mut w = self.windows.get(&tid).cloned().ok_or(crate::util::err(NAME, "no dispute window"))?;
        ensure(env.sender == w.requester, NAME, "only the requester disputes")?;
        ensure(env.timestamp < w.end, NAME, "dispute window closed")?;
        ensure(w.dispute.is_none(), NAME, "dispute already open")?;
        ensure((1..=3).contains(&tier), NAME, "tier must be 1, 2 or 3")?;
        ensure(self.arbiters.iter().any(|((t, _), _)| *t == tier), NAME, "no arbiter for this tier")?;
        w.dispute = Some((tier, env.timestamp.saturating_add(w.timeref.saturating_mul(self.params.resolve_timeout_t))));
        self.windows.insert(tid, w);
        Ok(())
    }

    pub(crate) fn resolve(&mut self, st: &mut State, env: &Env, tid: B256, requester_wins: bool) -> Result<Ruling> {
        let w = self.windows.get(&tid).cloned().ok_or(crate::util::err(NAME, "no dispute window"))?;
        let (tier, by) = w.dispute.ok_or(crate::util::err(NAME, "no open dispute"))?;
        ensure(self.arbiters.get(&(tier, env.sender)).is_some(), NAME, "not an arbiter of this tier")?;
        ensure(env.timestamp < by, NAME, "ruling too late")?;
        let fee = pct(w.price, self.params.arbitration_fee_pct[(tier - 1) as usize])?;
        let (dr, dp) = w.deposits;
        let l = &mut st.ledger;
        let (loser, loser_dep, winner, winner_dep) =
            if requester_wins { (w.pool_owner, dp, w.sponsor, dr) } else { (w.sponsor, dr, w.pool_owner, dp) };
        let fee = fee.min(loser_dep);
        pay_from_frozen(l, loser, env.sender, fee)?;
        pay_from_frozen(l, loser, winner, loser_dep - fee)?;
        unlock(l, winner, winner_dep)?;
        self.windows.remove(&tid);
        Ok(Ruling { requester_wins, loser: if requester_wins { w.pool_owner } else { w.requester } })
    }

    pub(crate) fn release(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<()> {
        let w = self.windows.get(&tid).cloned().ok_or(crate::util::err(NAME, "no dispute window"))?;
        match w.dispute {
            None => ensure(env.timestamp >= w.end, NAME, "dispute window open")?,
            Some((_, by)) => ensure(env.timestamp >= by, NAME, "dispute pending")?,
        }
        unlock(&mut st.ledger, w.sponsor, w.deposits.0)?;
        unlock(&mut st.ledger, w.pool_owner, w.deposits.1)?;
        self.windows.remove(&tid);
        Ok(())
    }
}
