//! The four orders and their EIP-712 hashes (spec §5.1, §5.5, `IexecLibOrders_v5.sol`).
//!
//! Struct hashes are `keccak256(typeHash ‖ field₁ ‖ … ‖ fieldₙ)` with each field one 32-byte
//! word (addresses left-padded, uint256 big-endian, bytes32 as is, `params` replaced by its
//! keccak); `sign` is excluded. Order hashes are `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`.

use alloy_primitives::{Address, B256, Bytes, U256, b256, keccak256};

use crate::constants::{EIP712_DOMAIN_NAME, EIP712_DOMAIN_VERSION};

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
pub const EIP712_DOMAIN_TYPEHASH: B256 =
    b256!("8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f");
/// AppOrder type hash (spec §5.5).
pub const APPORDER_TYPEHASH: B256 =
    b256!("60815a0eeec47dddf1615fe53b31d016c31444e01b9d796db365443a6445d008");
/// DatasetOrder type hash.
pub const DATASETORDER_TYPEHASH: B256 =
    b256!("6cfc932a5a3d22c4359295b9f433edff52b60703fa47690a04a83e40933dd47c");
/// WorkerpoolOrder type hash.
pub const WORKERPOOLORDER_TYPEHASH: B256 =
    b256!("aa3429fb281b34691803133d3d978a75bb77c617ed6bc9aa162b9b30920022bb");
/// RequestOrder type hash.
pub const REQUESTORDER_TYPEHASH: B256 =
    b256!("f24e853034a3a450aba845a82914fbb564ad85accca6cf62be112a154520fae0");
/// AppOrderOperation type hash.
pub const APPORDEROPERATION_TYPEHASH: B256 =
    b256!("0638bb0702457e2b4b01be8a202579b8bf97e587fb4f2cc4d4aad01f21a06ee0");
/// DatasetOrderOperation type hash.
pub const DATASETORDEROPERATION_TYPEHASH: B256 =
    b256!("075eb6f7578ff4292c241bd2484cd5c1d5e6ecc2ddd3317e1d8176b5a45865ec");
/// WorkerpoolOrderOperation type hash.
pub const WORKERPOOLORDEROPERATION_TYPEHASH: B256 =
    b256!("322d980b7d7a6a1f7c39ff0c5445da6ae1d8e0393ff0dd468c8be3e2c8644388");
/// RequestOrderOperation type hash.
pub const REQUESTORDEROPERATION_TYPEHASH: B256 =
    b256!("0ded7b52c2d77595a40d242eca751df172b18e686326dbbed3f4748828af77c7");

/// Type strings, kept to prove the constants above (tests recompute them).
pub mod type_strings {
    /// AppOrder.
    pub const APP: &str = "AppOrder(address app,uint256 appprice,uint256 volume,bytes32 tag,address datasetrestrict,address workerpoolrestrict,address requesterrestrict,bytes32 salt)";
    /// DatasetOrder.
    pub const DATASET: &str = "DatasetOrder(address dataset,uint256 datasetprice,uint256 volume,bytes32 tag,address apprestrict,address workerpoolrestrict,address requesterrestrict,bytes32 salt)";
    /// WorkerpoolOrder.
    pub const WORKERPOOL: &str = "WorkerpoolOrder(address workerpool,uint256 workerpoolprice,uint256 volume,bytes32 tag,uint256 category,uint256 trust,address apprestrict,address datasetrestrict,address requesterrestrict,bytes32 salt)";
    /// RequestOrder.
    pub const REQUEST: &str = "RequestOrder(address app,uint256 appmaxprice,address dataset,uint256 datasetmaxprice,address workerpool,uint256 workerpoolmaxprice,address requester,uint256 volume,bytes32 tag,uint256 category,uint256 trust,address beneficiary,address callback,string params,bytes32 salt)";
}

/// Word-by-word encoder into a stack buffer.
struct Words<const N: usize> {
    buf: [u8; N],
    at: usize,
}

impl<const N: usize> Words<N> {
    #[inline]
    fn new() -> Self {
        Self {
            buf: [0u8; N],
            at: 0,
        }
    }
    #[inline]
    fn b256(mut self, w: B256) -> Self {
        self.buf[self.at..self.at + 32].copy_from_slice(w.as_slice());
        self.at += 32;
        self
    }
    #[inline]
    fn addr(mut self, a: Address) -> Self {
        self.buf[self.at + 12..self.at + 32].copy_from_slice(a.as_slice());
        self.at += 32;
        self
    }
    #[inline]
    fn u256(mut self, v: U256) -> Self {
        self.buf[self.at..self.at + 32].copy_from_slice(&v.to_be_bytes::<32>());
        self.at += 32;
        self
    }
    #[inline]
    fn hash(self) -> B256 {
        debug_assert_eq!(self.at, N);
        keccak256(self.buf)
    }
}

/// The EIP-712 domain separator for `{name: "iExecODB", version: "5.0.0", chainId, verifyingContract}`.
pub fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    Words::<160>::new()
        .b256(EIP712_DOMAIN_TYPEHASH)
        .b256(keccak256(EIP712_DOMAIN_NAME))
        .b256(keccak256(EIP712_DOMAIN_VERSION))
        .u256(U256::from(chain_id))
        .addr(verifying_contract)
        .hash()
}

/// `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ structHash)`.
#[inline]
pub fn typed_data_hash(domain_separator: B256, struct_hash: B256) -> B256 {
    let mut buf = [0u8; 66];
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf[2..34].copy_from_slice(domain_separator.as_slice());
    buf[34..66].copy_from_slice(struct_hash.as_slice());
    keccak256(buf)
}

/// Order-management operation (spec §5.7): SIGN = 0 (presign), CLOSE = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// presign: `presigned[orderHash] = owner`
    Sign = 0,
    /// close: `consumed[orderHash] = order.volume`
    Close = 1,
}

/// Common interface of the four orders.
pub trait Order {
    /// EIP-712 struct hash (§5.5).
    fn struct_hash(&self) -> B256;
    /// Type hash of `XOrderOperation`.
    fn operation_typehash() -> B256;
    /// `volume` field.
    fn volume(&self) -> U256;
    /// `sign` field.
    fn sign(&self) -> &Bytes;
    /// The order hash (typed-data hash): key of `consumed` and `presigned`, what gets signed.
    fn hash(&self, domain_separator: B256) -> B256 {
        typed_data_hash(domain_separator, self.struct_hash())
    }
    /// The typed hash of an operation on this order (§5.5, operation hash).
    fn operation_hash(&self, op: Operation, domain_separator: B256) -> B256 {
        let sh = Words::<96>::new()
            .b256(Self::operation_typehash())
            .b256(self.struct_hash())
            .u256(U256::from(op as u8))
            .hash();
        typed_data_hash(domain_separator, sh)
    }
}

/// AppOrder, signed by the app owner (spec §5.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct AppOrder {
    pub app: Address,
    pub appprice: U256,
    pub volume: U256,
    pub tag: B256,
    pub datasetrestrict: Address,
    pub workerpoolrestrict: Address,
    pub requesterrestrict: Address,
    pub salt: B256,
    pub sign: Bytes,
}

/// DatasetOrder, signed by the dataset owner; `dataset = 0` is the "null" order (spec §6.2 M-notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct DatasetOrder {
    pub dataset: Address,
    pub datasetprice: U256,
    pub volume: U256,
    pub tag: B256,
    pub apprestrict: Address,
    pub workerpoolrestrict: Address,
    pub requesterrestrict: Address,
    pub salt: B256,
    pub sign: Bytes,
}

/// WorkerpoolOrder, signed by the workerpool owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct WorkerpoolOrder {
    pub workerpool: Address,
    pub workerpoolprice: U256,
    pub volume: U256,
    pub tag: B256,
    pub category: U256,
    pub trust: U256,
    pub apprestrict: Address,
    pub datasetrestrict: Address,
    pub requesterrestrict: Address,
    pub salt: B256,
    pub sign: Bytes,
}

/// RequestOrder, signed by the requester.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct RequestOrder {
    pub app: Address,
    pub appmaxprice: U256,
    pub dataset: Address,
    pub datasetmaxprice: U256,
    pub workerpool: Address,
    pub workerpoolmaxprice: U256,
    pub requester: Address,
    pub volume: U256,
    pub tag: B256,
    pub category: U256,
    pub trust: U256,
    pub beneficiary: Address,
    pub callback: Address,
    pub params: String,
    pub salt: B256,
    pub sign: Bytes,
}

impl Order for AppOrder {
    fn struct_hash(&self) -> B256 {
        Words::<288>::new()
            .b256(APPORDER_TYPEHASH)
            .addr(self.app)
            .u256(self.appprice)
            .u256(self.volume)
            .b256(self.tag)
            .addr(self.datasetrestrict)
            .addr(self.workerpoolrestrict)
            .addr(self.requesterrestrict)
            .b256(self.salt)
            .hash()
    }
    fn operation_typehash() -> B256 {
        APPORDEROPERATION_TYPEHASH
    }
    fn volume(&self) -> U256 {
        self.volume
    }
    fn sign(&self) -> &Bytes {
        &self.sign
    }
}

impl Order for DatasetOrder {
    fn struct_hash(&self) -> B256 {
        Words::<288>::new()
            .b256(DATASETORDER_TYPEHASH)
            .addr(self.dataset)
            .u256(self.datasetprice)
            .u256(self.volume)
            .b256(self.tag)
            .addr(self.apprestrict)
            .addr(self.workerpoolrestrict)
            .addr(self.requesterrestrict)
            .b256(self.salt)
            .hash()
    }
    fn operation_typehash() -> B256 {
        DATASETORDEROPERATION_TYPEHASH
    }
    fn volume(&self) -> U256 {
        self.volume
    }
    fn sign(&self) -> &Bytes {
        &self.sign
    }
}

impl Order for WorkerpoolOrder {
    fn struct_hash(&self) -> B256 {
        Words::<352>::new()
            .b256(WORKERPOOLORDER_TYPEHASH)
            .addr(self.workerpool)
            .u256(self.workerpoolprice)
            .u256(self.volume)
            .b256(self.tag)
            .u256(self.category)
            .u256(self.trust)
            .addr(self.apprestrict)
            .addr(self.datasetrestrict)
            .addr(self.requesterrestrict)
            .b256(self.salt)
            .hash()
    }
    fn operation_typehash() -> B256 {
        WORKERPOOLORDEROPERATION_TYPEHASH
    }
    fn volume(&self) -> U256 {
        self.volume
    }
    fn sign(&self) -> &Bytes {
        &self.sign
    }
}

impl Order for RequestOrder {
    fn struct_hash(&self) -> B256 {
        Words::<512>::new()
            .b256(REQUESTORDER_TYPEHASH)
            .addr(self.app)
            .u256(self.appmaxprice)
            .addr(self.dataset)
            .u256(self.datasetmaxprice)
            .addr(self.workerpool)
            .u256(self.workerpoolmaxprice)
            .addr(self.requester)
            .u256(self.volume)
            .b256(self.tag)
            .u256(self.category)
            .u256(self.trust)
            .addr(self.beneficiary)
            .addr(self.callback)
            .b256(params_hash(&self.params))
            .b256(self.salt)
            .hash()
    }
    fn operation_typehash() -> B256 {
        REQUESTORDEROPERATION_TYPEHASH
    }
    fn volume(&self) -> U256 {
        self.volume
    }
    fn sign(&self) -> &Bytes {
        &self.sign
    }
}

/// `keccak256("")`, the `params` word of a request order without parameters.
const KECCAK256_EMPTY_PARAMS: B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// `keccak256(params)`: the common empty case is a constant (one Keccak-f permutation per
/// request order hash saved).
#[inline]
fn params_hash(params: &str) -> B256 {
    if params.is_empty() {
        KECCAK256_EMPTY_PARAMS
    } else {
        keccak256(params.as_bytes())
    }
}

/// `keccak256(a ‖ b)` of two 32-byte words (deal and task ids, result hashes).
#[inline]
pub fn keccak_pair(a: B256, b: B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(a.as_slice());
    buf[32..].copy_from_slice(b.as_slice());
    keccak256(buf)
}

/// `dealId = keccak256(requestHash ‖ uint256(botFirst))` (spec §6.3).
#[inline]
pub fn deal_id(request_hash: B256, bot_first: U256) -> B256 {
    keccak_pair(request_hash, B256::from(bot_first.to_be_bytes::<32>()))
}

/// `taskId = keccak256(dealId ‖ uint256(idx))` (spec §7.3, §9.3).
#[inline]
pub fn task_id(deal_id: B256, idx: U256) -> B256 {
    keccak_pair(deal_id, B256::from(idx.to_be_bytes::<32>()))
}

/// `resultHash = keccak256(taskId ‖ resultDigest)` (spec §7.4).
#[inline]
pub fn result_hash(task_id: B256, digest: B256) -> B256 {
    keccak_pair(task_id, digest)
}

/// `resultSeal = keccak256(worker ‖ taskId ‖ resultDigest)` (spec §7.4), 84 packed bytes.
#[inline]
pub fn result_seal(worker: Address, task_id: B256, digest: B256) -> B256 {
    let mut buf = [0u8; 84];
    buf[..20].copy_from_slice(worker.as_slice());
    buf[20..52].copy_from_slice(task_id.as_slice());
    buf[52..].copy_from_slice(digest.as_slice());
    keccak256(buf)
}

/// Authorization message `keccak256(worker ‖ taskId ‖ enclaveChallenge)` (72 packed bytes, §7.4 step 5).
#[inline]
pub fn authorization_hash(worker: Address, task_id: B256, enclave: Address) -> B256 {
    let mut buf = [0u8; 72];
    buf[..20].copy_from_slice(worker.as_slice());
    buf[20..52].copy_from_slice(task_id.as_slice());
    buf[52..].copy_from_slice(enclave.as_slice());
    keccak256(buf)
}

/// Classic enclave message `keccak256(resultHash ‖ resultSeal)` (§7.4 step 6).
#[inline]
pub fn enclave_hash(result_hash: B256, result_seal: B256) -> B256 {
    keccak_pair(result_hash, result_seal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_params_hash_is_keccak_of_nothing() {
        assert_eq!(KECCAK256_EMPTY_PARAMS, keccak256(b""));
        assert_eq!(params_hash(""), keccak256(b""));
        assert_eq!(params_hash("{\"a\":1}"), keccak256(b"{\"a\":1}"));
    }
}
