//! [`MechanismsConfig`]: which mechanisms are enabled, with their parameters.

use serde::Deserialize;

use crate::{
    CommitteesParams, DisputesParams, FairExchangeParams, MarketIntegrityParams,
    OptimisticVerificationParams, ProviderBondParams, ReputationParams, RequesterBondParams,
};

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
