//! **M6 — two-sided deposits and tiered dispute resolution** (spec §3 M6).
//!
//! The requester deposits `D_R = δ_R·P` and the pool `D_P = δ_P·P_w` per task at match. After
//! a success a dispute window `Δ_d` opens; the requester may dispute the result at a tier
//! (1: deterministic re-execution, 2: TEE-attested re-execution, 3: court). The tier's
//! arbiter — an address registered by the protocol owner that stands for the re-execution
//! verifier, the TEE re-execution service or the court — posts the verdict. The loser pays
//! the arbitration fees `C_arb(tier)` of every tier the dispute went through from its deposit
//! and forfeits the rest to the winner.
//!
//! **Rulings** ([`Ruling`]). A re-execution tier (1, 2) compares the pool's result with its own
//! run: the pool is at fault when they differ ([`Ruling::PoolAtFault`]); when the run
//! *reproduces* the result, the complaint is about the result's usefulness, which only the
//! court can judge, and the dispute moves to tier 3 ([`Ruling::Reproduced`]; spec rule 3, tier
//! 3 "non-deterministic or subjective"). The court may find the app or the dataset at fault
//! ([`Ruling::ProviderAtFault`], for deterministic garbage A4/D1/A6): the pool's and the
//! requester's deposits are released and the provider pays the fees and forfeits, with M4,
//! its per-task bond reservation to the payer (the provider's deposit; with M7 it is
//! reputation-sized). Without M4 a provider at fault loses only reputation (M7) and the fees
//! go unpaid. A frivolous dispute is [`Ruling::Upheld`]: the requester loses.

use pocolab_core::{Address, B256, Env, JournaledState, Result, State, U256};
use serde::Deserialize;

use crate::evidence::Party;
use crate::journal::JMap;
use crate::util::{ensure, lock, mul, pay_fees_then_rest, pct, unlock};

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
        Self {
            requester_deposit_pct: 100,
            pool_deposit_pct: 100,
            window_t: 2,
            resolve_timeout_t: 10,
            arbitration_fee_pct: [10, 20, 50],
        }
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
    /// the open dispute, if any
    pub dispute: Option<OpenDispute>,
}

/// A dispute under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDispute {
    /// current tier (1 … 3)
    pub tier: u8,
    /// the arbiter of this tier must rule before this timestamp
    pub rule_by: u64,
    /// fees owed to the arbiters of earlier tiers (paid by the final loser)
    pub fees: Vec<(Address, U256)>,
}

/// An arbiter's verdict on a disputed task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ruling {
    /// the result stands: the requester's dispute was frivolous and it loses
    Upheld,
    /// the pool delivered a wrong result (re-execution differs): the pool loses
    PoolAtFault,
    /// tiers 1–2: re-execution reproduces the result; the dispute moves to the court (tier 3)
    Reproduced,
    /// tier 3 only: the result is reproducible but useless because of the app or the dataset
    /// (deterministic garbage): that provider loses
    ProviderAtFault(Party),
}

/// What a ruling settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// moved to tier 3; nothing settled yet
    Escalated,
    /// deposits settled; a provider at fault still owes `provider_fees` (and its bond, M4) to
    /// the arbiters and to `sponsor`
    Settled {
        /// the final ruling
        ruling: Ruling,
        /// the payer (deal sponsor), the provider's creditor
        sponsor: Address,
        /// arbitration fees a provider at fault owes, in tier order
        provider_fees: Vec<(Address, U256)>,
    },
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
}
crate::journaled!(Disputes; deal_dep, windows, arbiters);

impl Disputes {
    /// M6 with `params`.
    pub fn new(params: DisputesParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    pub(crate) fn register_arbiter(
        &mut self,
        st: &State,
        env: &Env,
        tier: u8,
        who: Address,
        on: bool,
    ) -> Result<()> {
        ensure(
            env.sender == st.settings.owner,
            NAME,
            "only the protocol owner registers arbiters",
        )?;
        ensure((1..=3).contains(&tier), NAME, "tier must be 1, 2 or 3")?;
        self.arbiters.set_member((tier, who), on);
        Ok(())
    }

    pub(crate) fn on_match(
        &mut self,
        st: &mut JournaledState,
        deal_id: B256,
        volume: U256,
    ) -> Result<()> {
        let deal = &st.deals[&deal_id];
        let dr = pct(deal.task_price()?, self.params.requester_deposit_pct)?;
        let dp = pct(deal.workerpool.price, self.params.pool_deposit_pct)?;
        let (sponsor, owner) = (deal.sponsor, deal.workerpool.owner);
        lock(&mut st.ledger_mut(), sponsor, mul(dr, volume)?)?;
        lock(&mut st.ledger_mut(), owner, mul(dp, volume)?)?;
        self.deal_dep.insert(deal_id, (dr, dp));
        Ok(())
    }

    pub(crate) fn on_success(&mut self, st: &State, env: &Env, tid: B256) {
        let task = &st.tasks[&tid];
        let deal = &st.deals[&task.dealid];
        let t: u64 = task.timeref.try_into().unwrap_or(u64::MAX / 64);
        let w = DisputeWindow {
            end: env
                .timestamp
                .saturating_add(t.saturating_mul(self.params.window_t)),
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

    pub(crate) fn on_failure(&mut self, st: &mut JournaledState, tid: B256) -> Result<()> {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        let (dr, dp) = self
            .deal_dep
            .get(&st.tasks[&tid].dealid)
            .copied()
            .unwrap_or_default();
        let (sponsor, owner) = (deal.sponsor, deal.workerpool.owner);
        unlock(&mut st.ledger_mut(), sponsor, dr)?;
        unlock(&mut st.ledger_mut(), owner, dp)
    }

    pub(crate) fn open(&mut self, env: &Env, tid: B256, tier: u8) -> Result<()> {
        let mut w = self
            .windows
            .get(&tid)
            .cloned()
            .ok_or(crate::util::err(NAME, "no dispute window"))?;
        ensure(
            env.sender == w.requester,
            NAME,
            "only the requester disputes",
        )?;
        ensure(env.timestamp < w.end, NAME, "dispute window closed")?;
        ensure(w.dispute.is_none(), NAME, "dispute already open")?;
        ensure((1..=3).contains(&tier), NAME, "tier must be 1, 2 or 3")?;
        ensure(
            self.arbiters.iter().any(|((t, _), _)| *t == tier),
            NAME,
            "no arbiter for this tier",
        )?;
        w.dispute = Some(OpenDispute {
            tier,
            rule_by: self.rule_by(env, &w),
            fees: Vec::new(),
        });
        self.windows.insert(tid, w);
        Ok(())
    }

    fn rule_by(&self, env: &Env, w: &DisputeWindow) -> u64 {
        env.timestamp
            .saturating_add(w.timeref.saturating_mul(self.params.resolve_timeout_t))
    }

    /// The tier's arbiter rules (see the module docs for what each ruling does).
    pub(crate) fn resolve(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        ruling: Ruling,
    ) -> Result<Outcome> {
        let mut w = self
            .windows
            .get(&tid)
            .cloned()
            .ok_or(crate::util::err(NAME, "no dispute window"))?;
        let open = w
            .dispute
            .clone()
            .ok_or(crate::util::err(NAME, "no open dispute"))?;
        ensure(
            self.arbiters.get(&(open.tier, env.sender)).is_some(),
            NAME,
            "not an arbiter of this tier",
        )?;
        ensure(env.timestamp < open.rule_by, NAME, "ruling too late")?;
        let mut fees = open.fees.clone();
        fees.push((
            env.sender,
            pct(
                w.price,
                self.params.arbitration_fee_pct[(open.tier - 1) as usize],
            )?,
        ));
        let (dr, dp) = w.deposits;
        match ruling {
            Ruling::Reproduced => {
                ensure(open.tier < 3, NAME, "the court does not escalate")?;
                ensure(
                    self.arbiters.iter().any(|((t, _), _)| *t == 3),
                    NAME,
                    "no arbiter for tier 3",
                )?;
                w.dispute = Some(OpenDispute {
                    tier: 3,
                    rule_by: self.rule_by(env, &w),
                    fees,
                });
                self.windows.insert(tid, w);
                return Ok(Outcome::Escalated);
            }
            Ruling::ProviderAtFault(p) => {
                ensure(
                    open.tier == 3,
                    NAME,
                    "only the court (tier 3) finds a provider at fault",
                )?;
                let has_ds = st.deals[&st.tasks[&tid].dealid].dataset.pointer != Address::ZERO;
                ensure(
                    p == Party::App || (p == Party::Dataset && has_ds),
                    NAME,
                    "no such provider on the deal",
                )?;
                unlock(&mut st.ledger_mut(), w.sponsor, dr)?;
                unlock(&mut st.ledger_mut(), w.pool_owner, dp)?;
            }
            Ruling::Upheld | Ruling::PoolAtFault => {
                let (loser, loser_dep, winner, winner_dep) = if ruling == Ruling::PoolAtFault {
                    (w.pool_owner, dp, w.sponsor, dr)
                } else {
                    (w.sponsor, dr, w.pool_owner, dp)
                };
                let l = &mut st.ledger_mut();
                pay_fees_then_rest(l, loser, loser_dep, &std::mem::take(&mut fees), winner)?;
                unlock(l, winner, winner_dep)?;
            }
        }
        self.windows.remove(&tid);
        Ok(Outcome::Settled {
            ruling,
            sponsor: w.sponsor,
            provider_fees: fees,
        })
    }

    pub(crate) fn release(&mut self, st: &mut JournaledState, env: &Env, tid: B256) -> Result<()> {
        let w = self
            .windows
            .get(&tid)
            .cloned()
            .ok_or(crate::util::err(NAME, "no dispute window"))?;
        match w.dispute {
            None => ensure(env.timestamp >= w.end, NAME, "dispute window open")?,
            Some(OpenDispute { rule_by, .. }) => {
                ensure(env.timestamp >= rule_by, NAME, "dispute pending")?
            }
        }
        unlock(&mut st.ledger_mut(), w.sponsor, w.deposits.0)?;
        unlock(&mut st.ledger_mut(), w.pool_owner, w.deposits.1)?;
        self.windows.remove(&tid);
        Ok(())
    }
}
