//! Off-EVM model of contract accounts the protocol calls into (spec §2.5, §5.6, §7.12):
//! ERC-1271 wallets, ERC-734 identity groups and callback targets. The core has no EVM; a
//! contract account is an address with a declared behaviour.

use alloy_primitives::{Address, B256};
use std::collections::BTreeSet;

/// Behaviour of an address that has code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contract {
    /// ERC-1271 wallet: `isValidSignature(hash, _)` returns the magic value iff `hash` is approved.
    Erc1271Wallet {
        /// approved hashes
        approved: BTreeSet<B256>,
    },
    /// ERC-734 identity used as a group restriction: `keyHasPurpose(bytes32(account), 4)`.
    Identity {
        /// members with purpose 4
        members: BTreeSet<Address>,
    },
    /// Any other contract (e.g. a callback consumer): every interface call reverts, which the
    /// protocol reads as `false`; callbacks are ignored whatever they do.
    Opaque,
}
