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

mod calls;
pub mod committees;
mod config;
pub mod disputes;
pub mod evidence;
pub mod fair_exchange;
mod hooks;
pub mod journal;
pub mod market_integrity;
pub mod optimistic_verification;
pub mod payout;
pub mod provider_bond;
pub mod reputation;
pub mod requester_bond;
pub mod util;

pub use calls::{MechanismCalls, ReportInput, report_hash};
pub use committees::{Committees, CommitteesParams};
pub use config::MechanismsConfig;
pub use disputes::{Disputes, DisputesParams, Outcome as DisputeOutcome, Ruling};
pub use evidence::{Attribution, Cause, Evidence, FailureReport, Party};
pub use fair_exchange::{Consumption, FairExchange, FairExchangeParams, KeyState};
pub use market_integrity::{MarketIntegrity, MarketIntegrityParams};
pub use optimistic_verification::{OptimisticVerification, OptimisticVerificationParams, Verdict};
pub use provider_bond::{ProviderBond, ProviderBondParams};
pub use reputation::{MinReps, Reputation, ReputationParams};
pub use requester_bond::{RequesterBond, RequesterBondParams};

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
}
