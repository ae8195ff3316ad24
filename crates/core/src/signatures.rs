//! Signature verification (spec §5.6, `SignatureVerifier.sol`) and a deterministic test
//! signer.
//!
//! * EOA, 65 bytes `r ‖ s ‖ v`: OpenZeppelin v5 `tryRecover` — `s` must be low, `v ∈ {27, 28}`
//!   (not normalised); any failure recovers address 0.
//! * EOA, 64 bytes: EIP-2098 compact `r ‖ vs`.
//! * any other length for an EOA: `revert("invalid-signature-format")`.
//! * contract accounts: ERC-1271 `isValidSignature(hash, sig) == 0x1626ba7e` (modelled by
//!   [`crate::world::Contract`]).
//!
//! Edge case kept on purpose: with `account == 0` any well-sized invalid signature verifies.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};

use crate::error::{PocoError, Result};

/// secp256k1 group order / 2: the OpenZeppelin low-s bound.
const HALF_N: U256 = U256::from_limbs([
    0xDFE92F46681B20A0,
    0x5D576E7357A4501D,
    0xFFFFFFFFFFFFFFFF,
    0x7FFFFFFFFFFFFFFF,
]);

/// `keccak256("\x19Ethereum Signed Message:\n32" ‖ h)`.
pub fn eth_signed_message_hash(h: B256) -> B256 {
    let mut buf = [0u8; 60];
    buf[..28].copy_from_slice(b"\x19Ethereum Signed Message:\n32");
    buf[28..].copy_from_slice(h.as_slice());
    keccak256(buf)
}

/// `ecrecover` as OpenZeppelin v5 `tryRecover` does it: `Ok(Address::ZERO)` for any invalid
/// signature of a valid length; `Err(invalid-signature-format)` for another length.
pub fn recover(hash: B256, sig: &[u8]) -> Result<Address> {
    let (r, s, v) = match sig.len() {
        65 => (
            B256::from_slice(&sig[..32]),
            B256::from_slice(&sig[32..64]),
            sig[64],
        ),
        64 => {
            let r = B256::from_slice(&sig[..32]);
            let mut vs = B256::from_slice(&sig[32..64]);
            let v = 27 + (vs[0] >> 7);
            vs[0] &= 0x7f;
            (r, vs, v)
        }
        _ => return Err(PocoError::Revert("invalid-signature-format")),
    };
    Ok(ecrecover(hash, r, s, v))
}

fn ecrecover(hash: B256, r: B256, s: B256, v: u8) -> Address {
    if U256::from_be_bytes(s.0) > HALF_N {
        return Address::ZERO;
    }
    if v != 27 && v != 28 {
        return Address::ZERO;
    }
    let Ok(sig) = Signature::from_scalars(r.0, s.0) else {
        return Address::ZERO;
    };
    let Some(recid) = RecoveryId::from_byte(v - 27) else {
        return Address::ZERO;
    };
    match VerifyingKey::recover_from_prehash(hash.as_slice(), &sig, recid) {
        Ok(key) => pubkey_to_address(&key),
        Err(_) => Address::ZERO,
    }
}

fn pubkey_to_address(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

/// A deterministic secp256k1 key for tests, demos and simulation agents.
#[derive(Clone)]
pub struct Wallet {
    key: SigningKey,
    address: Address,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wallet({})", self.address)
    }
}

impl Wallet {
    /// Key derived from a label: `secret = keccak256("pocolab-wallet:" ‖ label)`.
    pub fn from_label(label: &str) -> Self {
        let mut n = 0u32;
        loop {
            let secret = keccak256(format!("pocolab-wallet:{label}:{n}"));
            if let Ok(key) = SigningKey::from_slice(secret.as_slice()) {
                return Self::from_key(key);
            }
            n += 1;
        }
    }

    /// Wallet from a 32-byte secret key.
    pub fn from_secret(secret: B256) -> Option<Self> {
        SigningKey::from_slice(secret.as_slice())
            .ok()
            .map(Self::from_key)
    }

    fn from_key(key: SigningKey) -> Self {
        let address = pubkey_to_address(key.verifying_key());
        Self { key, address }
    }

    /// The wallet's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// 65-byte `r ‖ s ‖ v` signature of a prehashed message, low-s, `v ∈ {27, 28}`.
    pub fn sign_hash(&self, hash: B256) -> Bytes {
        let (sig, recid) = self
            .key
            .sign_prehash_recoverable(hash.as_slice())
            .expect("valid prehash");
        let (sig, recid) = match sig.normalize_s() {
            Some(n) => (n, RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced())),
            None => (sig, recid),
        };
        let mut out = Vec::with_capacity(65);
        out.extend_from_slice(&sig.to_bytes());
        out.push(27 + recid.to_byte());
        out.into()
    }

    /// Signature of the eth-signed-message form of `hash` (worker authorizations, enclave).
    pub fn sign_eth_message(&self, hash: B256) -> Bytes {
        self.sign_hash(eth_signed_message_hash(hash))
    }
}
