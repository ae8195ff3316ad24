//! Typed errors. Each variant maps to the revert data the 6.1.0 contracts produce, so the
//! conformance harness can compare error *classes* with the real bytecode (spec §0.2).

use alloy_primitives::U256;

/// An `require` without message (`revert()`): the contracts give no reason string, so the
/// core names the condition that failed. Every variant cites the spec rule it implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    // initialize (§7.3)
    /// `idx ≥ deal.botFirst` (§7.3 check 1)
    InitIdxBelowFirst,
    /// `idx < deal.botFirst + deal.botSize` (§7.3 check 2)
    InitIdxAboveLast,
    /// task status must be UNSET (§7.3 check 3)
    InitTaskNotUnset,
    // contribute (§7.4) / contributeAndFinalize (§7.9)
    /// task status must be ACTIVE
    TaskNotActive,
    /// `now < contributionDeadline`
    ContributionDeadlineReached,
    /// contribution of the sender must be UNSET
    AlreadyContributed,
    /// TEE deal requires a nonzero enclave challenge
    EnclaveRequired,
    /// scheduler / TEE-broker authorization signature invalid
    InvalidAuthorization,
    /// enclave signature invalid
    InvalidEnclaveSignature,
    /// contributeAndFinalize: contributors must be empty (§7.9 check 3)
    HasContributors,
    /// contributeAndFinalize: `deal.trust == 1` (§7.9 check 4)
    TrustNotOne,
    /// callback rule (§7.8 check 5, §7.9 check 6)
    CallbackDataMismatch,
    // reveal (§7.6)
    /// status REVEALING
    TaskNotRevealing,
    /// `now < revealDeadline`
    RevealDeadlineReached,
    /// contribution status CONTRIBUTED
    ContributionNotContributed,
    /// `resultHash == consensusValue`
    NotConsensusValue,
    /// `resultHash == keccak(taskId ‖ digest)`
    ResultHashMismatch,
    /// `resultSeal == keccak(w ‖ taskId ‖ digest)`
    ResultSealMismatch,
    // reopen / finalize (§7.7, §7.8)
    /// sender must be the deal's stored workerpool owner
    NotScheduler,
    /// `now < finalDeadline`
    FinalDeadlineReached,
    /// reopen: `revealDeadline ≤ now`
    RevealDeadlineNotReached,
    /// reopen: `revealCounter == 0`
    SomeoneRevealed,
    /// finalize: `revealCounter == winnerCounter` or (`revealCounter > 0` and `revealDeadline ≤ now`)
    NotEnoughReveals,
    // claim (§7.10)
    /// status ACTIVE or REVEALING
    TaskNotClaimable,
    /// `finalDeadline ≤ now`
    FinalDeadlineNotReached,
    /// array helpers: equal lengths (§7.11)
    ArrayLengthMismatch,
    /// `viewCategory(id)` with `id ≥ count` (§4)
    UnknownCategory,
    /// workerpool `changePolicy`: `σ ≤ 100` (§2.3)
    SchedulerRewardRatioTooHigh,
    /// a call to an address without code (e.g. `app.owner()` on an EOA, §6.2 row 21)
    CallToNonContract,
    // ERC-20 view of the accounts (§3.1, §3.2): the underflows of the 6.1.0 ERC-20 core
    // (`SafeMathExtended.sub`, a `require(b <= a)` without message) revert with empty data
    /// ERC-20 `transfer` / `transferFrom`: `amount ≤ balance[sender]`
    Erc20TransferExceedsBalance,
    /// `withdraw` / `withdrawTo` (burn): `amount ≤ balance[sender]`
    Erc20BurnExceedsBalance,
    /// `transferFrom`: `amount ≤ allowance[sender][msg.sender]` (checked after the transfer)
    Erc20TransferExceedsAllowance,
}

/// Solidity panic codes (spec §0.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panic {
    /// `assert` failure (0x01), e.g. not enough gas left after a callback (§7.12).
    Assert = 0x01,
    /// Arithmetic overflow or underflow (0x11).
    Arithmetic = 0x11,
    /// Division by zero (0x12).
    DivisionByZero = 0x12,
}

/// Every way a core call can fail. A failed call leaves the state unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PocoError {
    /// `revert("…")` with the contracts' reason string, e.g. `iExecV5-matchOrders-0x12`,
    /// `IexecEscrow: Transfer amount exceeds balance`, `PocoBoost: Unknown task`.
    #[error("revert: {0}")]
    Revert(&'static str),
    /// `revert()` with empty data; [`Check`] names the failed condition.
    #[error("revert() [{0:?}]")]
    Empty(Check),
    /// Solidity panic.
    #[error("panic 0x{code:02x} ({0:?})", code = *.0 as u8)]
    Panic(Panic),
    /// Custom error `IncompatibleDatasetOrder(reason)` of `assertDatasetDealCompatibility` (§5.8).
    #[error("IncompatibleDatasetOrder({0})")]
    IncompatibleDatasetOrder(&'static str),
    /// OpenZeppelin `SafeCastOverflowedUintDowncast(bits, value)` (Boost packing, §9.1).
    #[error("SafeCastOverflowedUintDowncast({bits}, {value})")]
    SafeCast {
        /// target width
        bits: u8,
        /// value that did not fit
        value: U256,
    },
    /// A rule added by an opt-in extension (issue D mechanisms) rejected the call.
    #[error("extension {extension}: {reason}")]
    Extension {
        /// extension name
        extension: &'static str,
        /// why
        reason: &'static str,
    },
}

impl PocoError {
    /// The error class used by the differential harness: the revert reason string, or a
    /// canonical name for empty reverts and panics (which the bytecode cannot distinguish).
    pub fn class(&self) -> String {
        match self {
            PocoError::Revert(m) => (*m).to_string(),
            PocoError::Empty(_) => "revert()".to_string(),
            PocoError::Panic(p) => format!("panic(0x{:02x})", *p as u8),
            PocoError::IncompatibleDatasetOrder(r) => format!("IncompatibleDatasetOrder({r})"),
            PocoError::SafeCast { bits, .. } => format!("SafeCastOverflowedUintDowncast({bits})"),
            PocoError::Extension { extension, reason } => format!("extension:{extension}:{reason}"),
        }
    }
}

/// Result alias of the core.
pub type Result<T, E = PocoError> = std::result::Result<T, E>;

/// `revert("IexecEscrow: Transfer amount exceeds balance")` (spec §3.3).
pub const ERR_EXCEEDS_BALANCE: &str = "IexecEscrow: Transfer amount exceeds balance";
/// `revert("IexecEscrow: Transfer from empty address")` (spec §3.3).
pub const ERR_FROM_EMPTY: &str = "IexecEscrow: Transfer from empty address";
/// `revert("IexecEscrow: Transfer to empty address")` (spec §3.3).
pub const ERR_TO_EMPTY: &str = "IexecEscrow: Transfer to empty address";

/// Checked arithmetic helpers mapping overflow to panic 0x11 (spec §0.2).
pub(crate) trait Checked: Sized {
    fn add_(self, o: Self) -> Result<Self>;
    fn sub_(self, o: Self) -> Result<Self>;
    fn mul_(self, o: Self) -> Result<Self>;
}

impl Checked for U256 {
    #[inline]
    fn add_(self, o: Self) -> Result<Self> {
        self.checked_add(o)
            .ok_or(PocoError::Panic(Panic::Arithmetic))
    }
    #[inline]
    fn sub_(self, o: Self) -> Result<Self> {
        self.checked_sub(o)
            .ok_or(PocoError::Panic(Panic::Arithmetic))
    }
    #[inline]
    fn mul_(self, o: Self) -> Result<Self> {
        self.checked_mul(o)
            .ok_or(PocoError::Panic(Panic::Arithmetic))
    }
}

/// `require(cond)` with empty revert data.
#[inline]
pub(crate) fn require(cond: bool, check: Check) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(PocoError::Empty(check))
    }
}

/// `require(cond, "msg")`.
#[inline]
pub(crate) fn require_msg(cond: bool, msg: &'static str) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(PocoError::Revert(msg))
    }
}
