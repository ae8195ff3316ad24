//! Revert data decoding, mapped to the error classes of `PocoError::class()` in the core.

use alloy_sol_types::SolError;

use crate::abi;

/// Why an EVM transaction failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertReason {
    /// `Error(string)`
    Message(String),
    /// empty revert data (`revert()` / `require(c)`)
    Empty,
    /// `Panic(uint256)`
    Panic(u64),
    /// `IncompatibleDatasetOrder(string)`
    IncompatibleDatasetOrder(String),
    /// `SafeCastOverflowedUintDowncast(uint8, uint256)`
    SafeCast(u8),
    /// any other custom error: selector and raw data
    Custom(String),
    /// exceptional halt of the outermost frame (out of gas, invalid opcode, …)
    Halt(String),
}

impl RevertReason {
    /// The error class, comparable with `pocolab_core::PocoError::class()`.
    pub fn class(&self) -> String {
        match self {
            RevertReason::Message(m) => m.clone(),
            RevertReason::Empty => "revert()".into(),
            RevertReason::Panic(c) => format!("panic(0x{c:02x})"),
            RevertReason::IncompatibleDatasetOrder(r) => format!("IncompatibleDatasetOrder({r})"),
            RevertReason::SafeCast(b) => format!("SafeCastOverflowedUintDowncast({b})"),
            RevertReason::Custom(c) => format!("custom({c})"),
            RevertReason::Halt(h) => format!("halt({h})"),
        }
    }
}

impl std::fmt::Display for RevertReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.class())
    }
}

/// Decode revert data.
pub fn decode_revert(data: &[u8]) -> RevertReason {
    if data.is_empty() {
        return RevertReason::Empty;
    }
    if let Ok(e) = abi::Error::abi_decode(data) {
        return RevertReason::Message(e.message);
    }
    if let Ok(p) = abi::Panic::abi_decode(data) {
        return RevertReason::Panic(p.code.saturating_to());
    }
    if let Ok(e) = abi::IncompatibleDatasetOrder::abi_decode(data) {
        return RevertReason::IncompatibleDatasetOrder(e.reason);
    }
    if let Ok(e) = abi::SafeCastOverflowedUintDowncast::abi_decode(data) {
        return RevertReason::SafeCast(e.bits);
    }
    if let Ok(e) = abi::FunctionNotFound::abi_decode(data) {
        return RevertReason::Custom(format!(
            "FunctionNotFound(0x{})",
            alloy_primitives::hex::encode(e._functionSelector)
        ));
    }
    RevertReason::Custom(format!("0x{}", alloy_primitives::hex::encode(data)))
}
