//! # pocolab-mechanisms
//!
//! The eight candidate mechanisms of `shared/spec/threats-and-mechanisms.md` §3 as opt-in
//! extensions of the PoCo core ([`pocolab_core::Extension`]). Each mechanism is a struct with
//! typed, deserialisable parameters (defaults = the spec's defaults) that implements
//! `Extension` alone; [`Mechanisms`] holds any subset of them and chains their hooks in the
//! order documented on [`Mechanisms`]. With every mechanism disabled the composite is exactly
//! the baseline (tested).
//!
//! | module | mechanism |
//! |---|---|
//! | [`optimistic_verification`] | M1 correctness bond, escrow, audits, challenges, panel |
//! | [`committees`] | M2 registered bonded workers, sampled committees, decaying credibility |
//! | [`requester_bond`] | M3 requester bond and failure attribution |
//! | [`provider_bond`] | M4 provider bonds, pinned artefacts, provider faults |
//! | [`fair_exchange`] | M5 sealed result key, pay-on-consumption |
//! | [`disputes`] | M6 two-sided deposits, tiered disputes |
//! | [`reputation`] | M7 multi-entity reputation ledger and ratings |
//! | [`market_integrity`] | M8 delayed policies, volume restoration, per-task deadlines, kitty rule |
//!
//! Information the chain cannot observe is submitted as **evidence** through the entry points
//! of [`MechanismCalls`] (failure reports, SMS consumption attestations, re-execution digests,
//! arbiter rulings); nothing reads the simulator's ground truth. See `docs/mechanisms.md`.

#![warn(missing_docs)]

pub mod committees;
pub mod disputes;
pub mod evidence;
pub mod fair_exchange;
pub mod market_integrity;
pub mod optimistic_verification;
pub mod payout;
pub mod provider_bond;
pub mod reputation;
pub mod requester_bond;
pub mod util;

use pocolab_core::orders::authorization_hash;
use pocolab_core::{
    Address, B256, Env, Extension, MatchedOrders, Poco, Result, Settlement, State, SuccessPath,
    TaskStatus, U256, Weight, keccak256,
};
use serde::Deserialize;

pub use committees::{Committees, CommitteesParams};
pub use disputes::{Disputes, DisputesParams, Outcome as DisputeOutcome, Ruling};
pub use evidence::{Attribution, Cause, Evidence, FailureReport, Party};
pub use fair_exchange::{Consumption, FairExchange, FairExchangeParams, KeyState};
pub use market_integrity::{MarketIntegrity, MarketIntegrityParams};
pub use optimistic_verification::{OptimisticVerification, OptimisticVerificationParams, Verdict};
pub use provider_bond::{ProviderBond, ProviderBondParams};
pub use reputation::{MinReps, Reputation, ReputationParams};
pub use requester_bond::{RequesterBond, RequesterBondParams};

use util::{Journaled, ensure, err, lock, unlock};

/// Any subset of M1–M8 (`None` = disabled), plus the failure evidence shared by M3 and M4.
///
/// **Hook order** (each hook runs the enabled mechanisms in this order):
///
/// * `on_match`: M8 (delayed policy, `ρ_w` bound) → M7 (reputation requirements) → M4
///   (pinned artefacts, bond reservation) → M3 (requester bond, sized by M7's `R`) → M6
///   (deposits) → M1 (correctness bond). Checks come before locks.
/// * attribution at `claim`: M4 provider fault (agreeing provider reports) first, then M3
///   requester fault (agreeing input reports), then M3 "unattributed" (contributions but no
///   proof), else the pool (no contribution: today's rule).
/// * `after_initialize`: M8 (per-task deadlines) → M2 (committee draw).
/// * `contribution_weight`: M8 (`n_max`) → M2 (membership, credibility weight).
/// * `settle_success` (taken over when any mechanism is enabled): baseline plan → M8 kitty
///   rule → execute → M3/M4 release bonds (M4: held until the dispute window closes when M6
///   is on) → M1 escrow + audit draw → M6 dispute window →
///   M5 key release → M2 credibility → M7 events → report stakes released → scores.
/// * `settle_failure`: attribution (M4 provider, then M3 requester / unattributed, else pool)
///   → baseline plan changed by M3, M4, M5 → execute → report stakes released → M3 bond
///   (forfeit or release) → M4 bond (compensate or release) → M1 / M6 release → M7 fault →
///   M8 volume restoration → M5 key destroyed → M2 committee dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mechanisms {
    /// M1
    pub optimistic_verification: Option<OptimisticVerification>,
    /// M2
    pub committees: Option<Committees>,
    /// M3
    pub requester_bond: Option<RequesterBond>,
    /// M4
    pub provider_bond: Option<ProviderBond>,
    /// M5
    pub fair_exchange: Option<FairExchange>,
    /// M6
    pub disputes: Option<Disputes>,
    /// M7
    pub reputation: Option<Reputation>,
    /// M8
    pub market_integrity: Option<MarketIntegrity>,
    /// failure reports and recorded attributions
    pub evidence: Evidence,
    cps: Vec<Vec<Vec<usize>>>,
}

/// Which mechanisms to enable, with their parameters (absent = disabled). Deserialisable,
/// e.g. from the simulator's TOML: `[requester_bond]` alone enables M3 with its defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MechanismsConfig {
    pub optimistic_verification: Option<OptimisticVerificationParams>,
    pub committees: Option<CommitteesParams>,
    pub requester_bond: Option<RequesterBondParams>,
    pub provider_bond: Option<ProviderBondParams>,
    pub fair_exchange: Option<FairExchangeParams>,
    pub disputes: Option<DisputesParams>,
    pub reputation: Option<ReputationParams>,
    pub market_integrity: Option<MarketIntegrityParams>,
}

impl MechanismsConfig {
    /// Enable mechanism `Mn` (n = 1 … 8, numbered as in threats-and-mechanisms.md §3) with its
    /// default parameters.
    ///
    /// # Panics
    /// If `n` is not in 1 … 8.
    pub fn with(mut self, n: u8) -> Self {
        match n {
            1 => self.optimistic_verification = Some(Default::default()),
            2 => self.committees = Some(Default::default()),
            3 => self.requester_bond = Some(Default::default()),
            4 => self.provider_bond = Some(Default::default()),
            5 => self.fair_exchange = Some(Default::default()),
            6 => self.disputes = Some(Default::default()),
            7 => self.reputation = Some(Default::default()),
            8 => self.market_integrity = Some(Default::default()),
            _ => panic!("no mechanism M{n}: the mechanisms are M1 … M8"),
        }
        self
    }

    /// Every mechanism with its default parameters.
    pub fn all() -> Self {
        (1..=8).fold(Self::default(), Self::with)
    }

    /// Which of M1 … M8 are enabled (index 0 is M1).
    pub fn enabled(&self) -> [bool; 8] {
        [
            self.optimistic_verification.is_some(),
            self.committees.is_some(),
            self.requester_bond.is_some(),
            self.provider_bond.is_some(),
            self.fair_exchange.is_some(),
            self.disputes.is_some(),
            self.reputation.is_some(),
            self.market_integrity.is_some(),
        ]
    }
}

impl Mechanisms {
    /// Build from a configuration.
    pub fn from_config(c: MechanismsConfig) -> Self {
        Self {
            optimistic_verification: c.optimistic_verification.map(OptimisticVerification::new),
            committees: c.committees.map(Committees::new),
            requester_bond: c.requester_bond.map(RequesterBond::new),
            provider_bond: c.provider_bond.map(ProviderBond::new),
            fair_exchange: c.fair_exchange.map(FairExchange::new),
            disputes: c.disputes.map(Disputes::new),
            reputation: c.reputation.map(Reputation::new),
            market_integrity: c.market_integrity.map(MarketIntegrity::new),
            ..Self::default()
        }
    }

    /// Every mechanism with its default parameters.
    pub fn all() -> Self {
        Self::from_config(MechanismsConfig::all())
    }

    fn parts(&mut self) -> Parts<'_> {
        Parts {
            m1: self.optimistic_verification.as_mut(),
            m2: self.committees.as_mut(),
            m3: self.requester_bond.as_mut(),
            m4: self.provider_bond.as_mut(),
            m5: self.fair_exchange.as_mut(),
            m6: self.disputes.as_mut(),
            m7: self.reputation.as_mut(),
            m8: self.market_integrity.as_mut(),
            ev: Some(&mut self.evidence),
        }
    }

    fn journals(&mut self) -> Vec<&mut dyn Journaled> {
        let mut v: Vec<&mut dyn Journaled> = vec![&mut self.evidence];
        macro_rules! push {
            ($($f:ident),*) => { $( if let Some(m) = self.$f.as_mut() { v.push(m); } )* };
        }
        push!(
            optimistic_verification,
            committees,
            requester_bond,
            provider_bond,
            fair_exchange,
            disputes,
            reputation,
            market_integrity
        );
        v
    }
}

/// Borrowed view of the enabled mechanisms: the one implementation of every hook.
pub(crate) struct Parts<'a> {
    m1: Option<&'a mut OptimisticVerification>,
    m2: Option<&'a mut Committees>,
    m3: Option<&'a mut RequesterBond>,
    m4: Option<&'a mut ProviderBond>,
    m5: Option<&'a mut FairExchange>,
    m6: Option<&'a mut Disputes>,
    m7: Option<&'a mut Reputation>,
    m8: Option<&'a mut MarketIntegrity>,
    ev: Option<&'a mut Evidence>,
}

impl<'a> Parts<'a> {
    fn none() -> Self {
        Parts {
            m1: None,
            m2: None,
            m3: None,
            m4: None,
            m5: None,
            m6: None,
            m7: None,
            m8: None,
            ev: None,
        }
    }

    fn any(&self) -> bool {
        self.m1.is_some()
            || self.m2.is_some()
            || self.m3.is_some()
            || self.m4.is_some()
            || self.m5.is_some()
            || self.m6.is_some()
            || self.m7.is_some()
            || self.m8.is_some()
    }

    fn on_match(
        &mut self,
        st: &mut State,
        env: &Env,
        deal_id: B256,
        orders: &MatchedOrders,
    ) -> Result<()> {
        if let Some(m) = self.m8.as_deref_mut() {
            m.on_match(st, env, deal_id, orders)?;
        }
        if let Some(m) = self.m7.as_deref() {
            m.on_match(st, env, deal_id)?;
        }
        if let Some(m) = self.m4.as_deref_mut() {
            // M7 rule 3: reputation-sized provider bonds (×1 without M7)
            let d = &st.deals[&deal_id];
            let mult = |a: Address| {
                self.m7
                    .as_deref()
                    .map_or(1_000_000, |r| r.bond_multiplier_ppm(a, env.timestamp))
            };
            let mult = (mult(d.app.pointer), mult(d.dataset.pointer));
            m.on_match(st, deal_id, orders.volume, mult)?;
        }
        if let Some(m) = self.m3.as_deref_mut() {
            let requester = st.deals[&deal_id].requester;
            let rep = self
                .m7
                .as_deref()
                .map(|r| r.score_ppm(requester, env.timestamp))
                .unwrap_or(500_000);
            m.on_match(st, deal_id, orders.volume, rep)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_match(st, deal_id, orders.volume)?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_match(st, deal_id, orders.volume)?;
        }
        Ok(())
    }

    fn after_initialize(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<()> {
        if let Some(m) = self.m8.as_deref_mut() {
            m.after_initialize(st, env, tid)?;
        }
        if let Some(m) = self.m2.as_deref_mut() {
            m.after_initialize(st, env, tid);
        }
        Ok(())
    }

    fn contribution_weight(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        w: Address,
    ) -> Result<Option<Weight>> {
        if let Some(m) = self.m8.as_deref() {
            m.check_contribution(st, tid)?;
        }
        match self.m2.as_deref() {
            Some(m) => m.contribution_weight(st, env, tid, w),
            None => Ok(None),
        }
    }

    fn release_report_stakes(&mut self, st: &mut State, tid: B256) -> Result<Vec<FailureReport>> {
        let Some(ev) = self.ev.as_deref_mut() else {
            return Ok(vec![]);
        };
        let reports = ev.reports.get(&tid).cloned().unwrap_or_default();
        for r in &reports {
            unlock(&mut st.ledger, r.reporter, r.stake)?;
        }
        if !reports.is_empty() {
            ev.reports.remove(&tid);
        }
        Ok(reports)
    }

    fn settle_success(
        &mut self,
        st: &mut State,
        env: &Env,
        tid: B256,
        path: SuccessPath,
    ) -> Result<Settlement> {
        if !self.any() {
            return Ok(Settlement::Baseline);
        }
        let mut plan = payout::SuccessPlan::baseline(st, tid, path)?;
        if let Some(m) = self.m8.as_deref() {
            m.adjust_success(st, env, tid, &mut plan);
        }
        let kitty = plan.execute(&mut st.ledger)?;
        if let Some(m) = self.m8.as_deref_mut() {
            m.record_kitty(env, plan.pool_owner, kitty);
        }
        if let Some(m) = self.m3.as_deref() {
            m.settle_bond(st, tid, false)?;
        }
        if let Some(m) = self.m4.as_deref_mut()
            && self.m6.is_none()
        {
            // (with M6 the reservations are held through the dispute window)
            m.settle(st, tid, None)?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_success(st, env, tid, &plan)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_success(st, env, tid);
        }
        if let Some(m) = self.m5.as_deref_mut() {
            m.on_success(tid);
        }
        let winners: Vec<Address> = plan.winners.iter().map(|(a, _)| *a).collect();
        if let Some(m) = self.m2.as_deref_mut() {
            m.on_success(st, env, tid, &winners, &plan.losers);
        }
        if let Some(m) = self.m7.as_deref_mut() {
            m.on_success(st, env, tid, &winners);
        }
        self.release_report_stakes(st, tid)?;
        plan.apply_scores(st);
        Ok(Settlement::Handled)
    }

    fn attribute(&self, st: &State, tid: B256, reports: &[FailureReport]) -> Attribution {
        if let Some(a) = self
            .m4
            .as_deref()
            .and_then(|m| m.attribute(st, tid, reports))
        {
            return a;
        }
        if let Some(m) = self.m3.as_deref() {
            if let Some(a) = m.attribute(st, tid, reports) {
                return a;
            }
            if !st.tasks[&tid].contributors.is_empty() {
                return Attribution::Unattributed;
            }
        }
        Attribution::Pool
    }

    fn settle_failure(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<Settlement> {
        if !self.any() {
            return Ok(Settlement::Baseline);
        }
        let reports = self
            .ev
            .as_deref()
            .and_then(|e| e.reports.get(&tid).cloned())
            .unwrap_or_default();
        let att = self.attribute(st, tid, &reports);
        let mut plan = payout::FailurePlan::baseline(st, tid)?;
        if let Some(m) = self.m3.as_deref() {
            m.plan_failure(st, tid, &att, &mut plan)?;
        }
        if let Some(m) = self.m4.as_deref() {
            m.plan_failure(&att, &mut plan);
        }
        if let Some(m) = self.m5.as_deref() {
            m.plan_failure(tid, &att, &mut plan);
        }
        plan.execute(&mut st.ledger)?;
        self.release_report_stakes(st, tid)?;
        if let Some(m) = self.m3.as_deref() {
            m.settle_bond(st, tid, matches!(att, Attribution::Requester { .. }))?;
        }
        if let Some(m) = self.m4.as_deref_mut() {
            m.settle(st, tid, Some(&att))?;
        }
        if let Some(m) = self.m1.as_deref_mut() {
            m.on_failure(st, tid)?;
        }
        if let Some(m) = self.m6.as_deref_mut() {
            m.on_failure(st, tid)?;
        }
        if let Some(m) = self.m7.as_deref_mut() {
            let d = &st.deals[&st.tasks[&tid].dealid];
            let who = match &att {
                Attribution::Pool => Some(d.workerpool.pointer),
                Attribution::Requester { .. } => Some(d.requester),
                Attribution::Provider {
                    party: Party::App, ..
                } => Some(d.app.pointer),
                Attribution::Provider { party: _, .. } => Some(d.dataset.pointer),
                Attribution::Unattributed => None,
            };
            if let Some(e) = who {
                m.fault(st, env, tid, e);
            }
        }
        if let Some(m) = self.m8.as_deref_mut() {
            m.on_failure(st, tid, &att);
        }
        if let Some(m) = self.m5.as_deref_mut() {
            m.on_failure(tid);
        }
        if let Some(m) = self.m2.as_deref_mut() {
            m.on_failure(tid);
        }
        if let Some(ev) = self.ev.as_deref_mut() {
            ev.outcomes.insert(tid, att);
        }
        Ok(Settlement::Handled)
    }
}

impl Extension for Mechanisms {
    fn name(&self) -> &'static str {
        "mechanisms"
    }
    fn on_match(
        &mut self,
        st: &mut State,
        env: &Env,
        deal_id: B256,
        orders: &MatchedOrders,
    ) -> Result<()> {
        self.parts().on_match(st, env, deal_id, orders)
    }
    fn after_initialize(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<()> {
        self.parts().after_initialize(st, env, tid)
    }
    fn contribution_weight(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        w: Address,
    ) -> Result<Option<Weight>> {
        self.parts().contribution_weight(st, env, tid, w)
    }
    fn settle_success(
        &mut self,
        st: &mut State,
        env: &Env,
        tid: B256,
        path: SuccessPath,
    ) -> Result<Settlement> {
        self.parts().settle_success(st, env, tid, path)
    }
    fn settle_failure(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<Settlement> {
        self.parts().settle_failure(st, env, tid)
    }
    fn checkpoint(&mut self) -> usize {
        let marks: Vec<Vec<usize>> = self.journals().iter().map(|j| j.marks()).collect();
        self.cps.push(marks);
        self.cps.len() - 1
    }
    fn rollback(&mut self, st: &mut State, cp: usize) {
        let marks = self.cps[cp].clone();
        for (j, m) in self.journals().into_iter().zip(&marks).rev() {
            j.undo(st, m);
        }
        self.cps.truncate(cp);
    }
    fn commit(&mut self) {
        for j in self.journals() {
            j.forget();
        }
        self.cps.clear();
    }
}

/// `impl Extension` for one mechanism alone (no evidence store: attribution then sees no
/// reports; entry points live on `Poco<Mechanisms>`).
macro_rules! standalone {
    ($t:ty, $f:ident, $name:literal) => {
        impl Extension for $t {
            fn name(&self) -> &'static str {
                $name
            }
            fn on_match(
                &mut self,
                st: &mut State,
                env: &Env,
                deal_id: B256,
                orders: &MatchedOrders,
            ) -> Result<()> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.on_match(st, env, deal_id, orders)
            }
            fn after_initialize(&mut self, st: &mut State, env: &Env, tid: B256) -> Result<()> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.after_initialize(st, env, tid)
            }
            fn contribution_weight(
                &mut self,
                st: &State,
                env: &Env,
                tid: B256,
                w: Address,
            ) -> Result<Option<Weight>> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.contribution_weight(st, env, tid, w)
            }
            fn settle_success(
                &mut self,
                st: &mut State,
                env: &Env,
                tid: B256,
                path: SuccessPath,
            ) -> Result<Settlement> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.settle_success(st, env, tid, path)
            }
            fn settle_failure(
                &mut self,
                st: &mut State,
                env: &Env,
                tid: B256,
            ) -> Result<Settlement> {
                let mut p = Parts::none();
                p.$f = Some(self);
                p.settle_failure(st, env, tid)
            }
            fn checkpoint(&mut self) -> usize {
                let m = Journaled::marks(self);
                self.cps.push(m);
                self.cps.len() - 1
            }
            fn rollback(&mut self, st: &mut State, cp: usize) {
                let m = self.cps[cp].clone();
                Journaled::undo(self, st, &m);
                self.cps.truncate(cp);
            }
            fn commit(&mut self) {
                Journaled::forget(self);
                self.cps.clear();
            }
        }
    };
}

standalone!(OptimisticVerification, m1, "optimistic_verification");
standalone!(Committees, m2, "committees");
standalone!(RequesterBond, m3, "requester_bond");
standalone!(ProviderBond, m4, "provider_bond");
standalone!(FairExchange, m5, "fair_exchange");
standalone!(Disputes, m6, "disputes");
standalone!(Reputation, m7, "reputation");
standalone!(MarketIntegrity, m8, "market_integrity");

/// A failure report as submitted (see [`MechanismCalls::report_failure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    /// cause
    pub cause: Cause,
    /// hash of the off-chain evidence
    pub evidence: B256,
    /// hash of the input bytes observed
    pub input_hash: B256,
    /// enclave challenge (0 = not enclave-signed)
    pub enclave: Address,
    /// enclave signature of [`report_hash`]
    pub enclave_sign: Vec<u8>,
    /// authorization of the reporter (scheduler or TEE broker), as for `contribute`
    pub auth_sign: Vec<u8>,
}

impl ReportInput {
    /// An unsigned (non-TEE) report.
    pub fn plain(cause: Cause, evidence: B256, input_hash: B256) -> Self {
        Self {
            cause,
            evidence,
            input_hash,
            enclave: Address::ZERO,
            enclave_sign: vec![],
            auth_sign: vec![],
        }
    }
}

/// The hash an enclave signs (eth-signed-message form) for a failure report.
pub fn report_hash(task: B256, cause: Cause, evidence: B256, input_hash: B256) -> B256 {
    keccak256(
        [
            task.as_slice(),
            &[cause.code()],
            evidence.as_slice(),
            input_hash.as_slice(),
        ]
        .concat(),
    )
}

/// The enabled mechanism `m`, or the "disabled" rejection named `name`.
fn enabled<'a, T>(m: &'a mut Option<T>, name: &'static str) -> Result<&'a mut T> {
    m.as_mut().ok_or(disabled(name))
}

fn disabled(m: &'static str) -> pocolab_core::PocoError {
    err(m, "mechanism disabled")
}

/// New entry points of the mechanisms, on `Poco<Mechanisms>`. Each is atomic: a failing call
/// changes nothing (ledger and mechanism state).
pub trait MechanismCalls {
    /// M8: the pool owner announces its policy `(ρ_w, σ)`, in force after the delay.
    fn announce_policy(
        &mut self,
        env: &Env,
        pool: Address,
        worker_stake_ratio: U256,
        scheduler_reward_ratio: U256,
    ) -> Result<()>;
    /// M2: bond `amount` to register with `pool`.
    fn register_worker(&mut self, env: &Env, pool: Address, amount: U256) -> Result<()>;
    /// M2: start unbonding from `pool`.
    fn request_unbond(&mut self, env: &Env, pool: Address) -> Result<()>;
    /// M2: withdraw the bond after the unbonding period.
    fn withdraw_worker_bond(&mut self, env: &Env, pool: Address) -> Result<()>;
    /// M2: the protocol owner registers (or removes) a spot-checker.
    fn register_spot_checker(&mut self, env: &Env, who: Address, enabled: bool) -> Result<()>;
    /// M2 rule 6: a spot-checker posts a known-answer verdict for a registered worker.
    fn spot_check(&mut self, env: &Env, pool: Address, worker: Address, passed: bool)
    -> Result<()>;
    /// M3/M4: post a failure report on a running task (locks `S_w` unless a contributor).
    fn report_failure(&mut self, env: &Env, task: B256, r: &ReportInput) -> Result<()>;
    /// M4: the asset owner adds to its provider bond.
    fn bond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()>;
    /// M4: the bond owner withdraws unreserved bond.
    fn unbond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()>;
    /// M5: record an SMS-signed consumption attestation.
    fn attest_consumption(
        &mut self,
        env: &Env,
        task: B256,
        what: Consumption,
        sms_sign: &[u8],
    ) -> Result<()>;
    /// M6: the protocol owner registers (or removes) an arbiter of a tier.
    fn register_arbiter(
        &mut self,
        env: &Env,
        tier: u8,
        arbiter: Address,
        enabled: bool,
    ) -> Result<()>;
    /// M6: the requester disputes a finalised task.
    fn open_dispute(&mut self, env: &Env, task: B256, tier: u8) -> Result<()>;
    /// M6: the tier's arbiter rules (see [`Ruling`]); returns what the ruling settled.
    fn resolve_dispute(&mut self, env: &Env, task: B256, ruling: Ruling) -> Result<DisputeOutcome>;
    /// M6: release both deposits after the window (or after an unanswered dispute).
    fn release_deposits(&mut self, env: &Env, task: B256) -> Result<()>;
    /// M7: the requester of a completed paid task rates its app and dataset (1–5).
    fn rate(&mut self, env: &Env, task: B256, stars: u8) -> Result<()>;
    /// M7: set the sender's minimum reputations for its counterparts.
    fn set_requirements(&mut self, env: &Env, reqs: MinReps) -> Result<()>;
    /// M1: register (or top up) as a verifier, locking `amount`.
    fn register_verifier(&mut self, env: &Env, amount: U256) -> Result<()>;
    /// M1: leave the verifier set (no pending audit or panel seat).
    fn unregister_verifier(&mut self, env: &Env) -> Result<()>;
    /// M1: the drawn auditor posts its re-execution digest.
    fn submit_audit(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict>;
    /// M1: challenge a finalised task with one's own digest (locks `D_ch`).
    fn challenge(&mut self, env: &Env, task: B256, digest: B256) -> Result<()>;
    /// M1: a panel member votes its re-execution digest.
    fn vote(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict>;
    /// M1: release escrow and `B_c` after the window.
    fn release_escrow(&mut self, env: &Env, task: B256) -> Result<()>;
}

impl MechanismCalls for Poco<Mechanisms> {
    fn announce_policy(&mut self, env: &Env, pool: Address, rho: U256, sigma: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.market_integrity, "market_integrity")?
                .announce_policy(st, env, pool, rho, sigma)
        })
    }

    fn register_worker(&mut self, env: &Env, pool: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.register(st, env, pool, amount)
        })
    }

    fn request_unbond(&mut self, env: &Env, pool: Address) -> Result<()> {
        self.ext_call(|m, _| enabled(&mut m.committees, "committees")?.request_unbond(env, pool))
    }

    fn withdraw_worker_bond(&mut self, env: &Env, pool: Address) -> Result<()> {
        self.ext_call(|m, st| enabled(&mut m.committees, "committees")?.withdraw(st, env, pool))
    }

    fn register_spot_checker(&mut self, env: &Env, who: Address, on: bool) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.register_spot_checker(st, env, who, on)
        })
    }

    fn spot_check(
        &mut self,
        env: &Env,
        pool: Address,
        worker: Address,
        passed: bool,
    ) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.spot_check(st, env, pool, worker, passed)
        })
    }

    fn report_failure(&mut self, env: &Env, task: B256, r: &ReportInput) -> Result<()> {
        self.ext_call(|m, st| {
            const N: &str = "evidence";
            ensure(
                m.requester_bond.is_some() || m.provider_bond.is_some(),
                N,
                "no mechanism uses failure reports",
            )?;
            let t = st.tasks.get(&task).ok_or(err(N, "unknown task"))?;
            ensure(
                matches!(t.status, TaskStatus::Active | TaskStatus::Revealing),
                N,
                "task not running",
            )?;
            ensure(
                U256::from(env.timestamp) < t.final_deadline,
                N,
                "final deadline reached",
            )?;
            let deal = &st.deals[&t.dealid];
            let broker = st.settings.teebroker;
            let authorizer = if r.enclave != Address::ZERO && broker != Address::ZERO {
                broker
            } else {
                deal.workerpool.owner
            };
            ensure(
                st.verify_eth_signed(
                    authorizer,
                    authorization_hash(env.sender, task, r.enclave),
                    &r.auth_sign,
                )?,
                N,
                "reporter not authorized",
            )?;
            if r.enclave != Address::ZERO {
                let h = report_hash(task, r.cause, r.evidence, r.input_hash);
                ensure(
                    st.verify_eth_signed(r.enclave, h, &r.enclave_sign)?,
                    N,
                    "invalid enclave signature",
                )?;
            }
            let mut list = m.evidence.reports.get(&task).cloned().unwrap_or_default();
            ensure(
                !list.iter().any(|x| x.reporter == env.sender),
                N,
                "already reported",
            )?;
            let stake = if t.position(env.sender).is_some() {
                U256::ZERO
            } else {
                deal.worker_stake
            };
            lock(&mut st.ledger, env.sender, stake)?;
            list.push(FailureReport {
                reporter: env.sender,
                cause: r.cause,
                evidence: r.evidence,
                input_hash: r.input_hash,
                enclave_signed: r.enclave != Address::ZERO,
                stake,
            });
            m.evidence.reports.insert(task, list);
            Ok(())
        })
    }

    fn bond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.provider_bond, "provider_bond")?.bond(st, env, asset, amount)
        })
    }

    fn unbond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.provider_bond, "provider_bond")?.unbond(st, env, asset, amount)
        })
    }

    fn attest_consumption(
        &mut self,
        env: &Env,
        task: B256,
        what: Consumption,
        sig: &[u8],
    ) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.fair_exchange, "fair_exchange")?.attest(st, env, task, what, sig)
        })
    }

    fn register_arbiter(&mut self, env: &Env, tier: u8, who: Address, on: bool) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.disputes, "disputes")?.register_arbiter(st, env, tier, who, on)
        })
    }

    fn open_dispute(&mut self, env: &Env, task: B256, tier: u8) -> Result<()> {
        self.ext_call(|m, _| enabled(&mut m.disputes, "disputes")?.open(env, task, tier))
    }

    fn resolve_dispute(&mut self, env: &Env, task: B256, ruling: Ruling) -> Result<DisputeOutcome> {
        self.ext_call(|m, st| {
            let out = enabled(&mut m.disputes, "disputes")?.resolve(st, env, task, ruling)?;
            let DisputeOutcome::Settled {
                ruling,
                sponsor,
                provider_fees,
            } = &out
            else {
                return Ok(out);
            };
            if let Some(b) = m.provider_bond.as_mut() {
                match ruling {
                    Ruling::ProviderAtFault(p) => {
                        b.forfeit(st, task, *p, provider_fees, *sponsor)?;
                    }
                    _ => b.settle(st, task, None)?,
                }
            }
            if let Some(r) = m.reputation.as_mut() {
                // M7 rule 1: a lost dispute is a fault of the loser
                let d = &st.deals[&st.tasks[&task].dealid];
                let e = match ruling {
                    Ruling::Upheld => d.requester,
                    Ruling::PoolAtFault | Ruling::Reproduced => d.workerpool.pointer,
                    Ruling::ProviderAtFault(Party::Dataset) => d.dataset.pointer,
                    Ruling::ProviderAtFault(_) => d.app.pointer,
                };
                r.fault(st, env, task, e);
            }
            Ok(out)
        })
    }

    fn release_deposits(&mut self, env: &Env, task: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.disputes, "disputes")?.release(st, env, task)?;
            if let Some(b) = m.provider_bond.as_mut() {
                b.settle(st, task, None)?;
            }
            Ok(())
        })
    }

    fn rate(&mut self, env: &Env, task: B256, stars: u8) -> Result<()> {
        self.ext_call(|m, st| enabled(&mut m.reputation, "reputation")?.rate(st, env, task, stars))
    }

    fn set_requirements(&mut self, env: &Env, reqs: MinReps) -> Result<()> {
        self.ext_call(|m, _| {
            enabled(&mut m.reputation, "reputation")?
                .requirements
                .insert(env.sender, reqs);
            Ok(())
        })
    }

    fn register_verifier(&mut self, env: &Env, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .register_verifier(st, env, amount)
        })
    }

    fn unregister_verifier(&mut self, env: &Env) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .unregister_verifier(st, env)
        })
    }

    fn submit_audit(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .submit_audit(st, env, task, digest)
        })
    }

    fn challenge(&mut self, env: &Env, task: B256, digest: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .challenge(st, env, task, digest)
        })
    }

    fn vote(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict> {
        self.ext_call(|m, st| {
            let ov = enabled(&mut m.optimistic_verification, "optimistic_verification")?;
            // the workers whose result is judged (the escrow minus the pool owner's share)
            let judged: Vec<Address> = ov
                .windows
                .get(&task)
                .map(|w| {
                    w.escrow
                        .iter()
                        .map(|(a, _)| *a)
                        .filter(|a| *a != w.pool_owner)
                        .collect()
                })
                .unwrap_or_default();
            let v = ov.vote(st, env, task, digest)?;
            if v == Verdict::Overturned {
                if let Some(r) = m.reputation.as_mut() {
                    let pool = st.deals[&st.tasks[&task].dealid].workerpool.pointer;
                    r.fault(st, env, task, pool);
                }
                if let Some(c) = m.committees.as_mut() {
                    for a in judged {
                        c.bump(a, env.timestamp, true);
                    }
                }
            }
            Ok(v)
        })
    }

    fn release_escrow(&mut self, env: &Env, task: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .release(st, env, task)
        })
    }
}
