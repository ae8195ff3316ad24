//! EIP-712 vectors of the spec (`evm-oracle.md` §C, §C.1, §C.2; `poco-protocol.md` §5.5),
//! asserted byte for byte against the core's hashing functions.

use pocolab_core::orders::{
    self, APPORDER_TYPEHASH, APPORDEROPERATION_TYPEHASH, DATASETORDER_TYPEHASH,
    DATASETORDEROPERATION_TYPEHASH, EIP712_DOMAIN_TYPEHASH, Order, REQUESTORDER_TYPEHASH,
    REQUESTORDEROPERATION_TYPEHASH, WORKERPOOLORDER_TYPEHASH, WORKERPOOLORDEROPERATION_TYPEHASH,
    domain_separator, type_strings, typed_data_hash,
};
use pocolab_core::signatures::recover;
use pocolab_core::{
    Address, AppOrder, B256, Bytes, Config, DatasetOrder, Env, Operation, Poco, RequestOrder, U256,
    WorkerpoolOrder, address, b256, keccak256,
};

/// §C type hashes, recomputed from the type strings and compared with the core's constants.
#[test]
fn type_hashes() {
    let domain =
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    let cases: [(String, B256, B256); 9] = [
        (
            domain.into(),
            EIP712_DOMAIN_TYPEHASH,
            b256!("8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f"),
        ),
        (
            type_strings::APP.into(),
            APPORDER_TYPEHASH,
            b256!("60815a0eeec47dddf1615fe53b31d016c31444e01b9d796db365443a6445d008"),
        ),
        (
            type_strings::DATASET.into(),
            DATASETORDER_TYPEHASH,
            b256!("6cfc932a5a3d22c4359295b9f433edff52b60703fa47690a04a83e40933dd47c"),
        ),
        (
            type_strings::WORKERPOOL.into(),
            WORKERPOOLORDER_TYPEHASH,
            b256!("aa3429fb281b34691803133d3d978a75bb77c617ed6bc9aa162b9b30920022bb"),
        ),
        (
            type_strings::REQUEST.into(),
            REQUESTORDER_TYPEHASH,
            b256!("f24e853034a3a450aba845a82914fbb564ad85accca6cf62be112a154520fae0"),
        ),
        (
            format!(
                "AppOrderOperation(AppOrder order,uint256 operation){}",
                type_strings::APP
            ),
            APPORDEROPERATION_TYPEHASH,
            b256!("0638bb0702457e2b4b01be8a202579b8bf97e587fb4f2cc4d4aad01f21a06ee0"),
        ),
        (
            format!(
                "DatasetOrderOperation(DatasetOrder order,uint256 operation){}",
                type_strings::DATASET
            ),
            DATASETORDEROPERATION_TYPEHASH,
            b256!("075eb6f7578ff4292c241bd2484cd5c1d5e6ecc2ddd3317e1d8176b5a45865ec"),
        ),
        (
            format!(
                "WorkerpoolOrderOperation(WorkerpoolOrder order,uint256 operation){}",
                type_strings::WORKERPOOL
            ),
            WORKERPOOLORDEROPERATION_TYPEHASH,
            b256!("322d980b7d7a6a1f7c39ff0c5445da6ae1d8e0393ff0dd468c8be3e2c8644388"),
        ),
        (
            format!(
                "RequestOrderOperation(RequestOrder order,uint256 operation){}",
                type_strings::REQUEST
            ),
            REQUESTORDEROPERATION_TYPEHASH,
            b256!("0ded7b52c2d77595a40d242eca751df172b18e686326dbbed3f4748828af77c7"),
        ),
    ];
    for (s, constant, spec) in cases {
        assert_eq!(keccak256(s.as_bytes()), spec, "keccak of {s}");
        assert_eq!(constant, spec, "core constant for {s}");
    }
    assert_eq!(
        <AppOrder as Order>::operation_typehash(),
        APPORDEROPERATION_TYPEHASH
    );
    assert_eq!(
        <DatasetOrder as Order>::operation_typehash(),
        DATASETORDEROPERATION_TYPEHASH
    );
    assert_eq!(
        <WorkerpoolOrder as Order>::operation_typehash(),
        WORKERPOOLORDEROPERATION_TYPEHASH
    );
    assert_eq!(
        <RequestOrder as Order>::operation_typehash(),
        REQUESTORDEROPERATION_TYPEHASH
    );
}

// ------------------------------------------------------------------------------------------
// §C.1: iexec-commons-poco vectors (chain 133)

const C1_CHAIN: u64 = 133;
const C1_VERIFYING: Address = address!("3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f");
const C1_DOMAIN: B256 = b256!("fe74a571c117ad1e52a111b47ec87ee86756b7100d374152c3d0f6c039575397");
/// The test wallet of iexec-commons-poco (`src/test/resources/wallet.json`).
const C1_SIGNER: Address = address!("000a9c787a972f70f0903890e266f41c795c4dca");

fn tag1() -> B256 {
    b256!("0000000000000000000000000000000000000000000000000000000000000001")
}

fn c1_app() -> AppOrder {
    AppOrder {
        app: address!("2EbD509d777B187E8394566bA6ec093B9dd73DF1"),
        appprice: U256::ZERO,
        volume: U256::from(1),
        tag: B256::ZERO,
        salt: b256!("be858b0eee90cf2e85297bd3df81373f6b4de20c67a3e1f5db1a9d5be8abc3c4"),
        ..Default::default()
    }
}

fn c1_dataset() -> DatasetOrder {
    DatasetOrder {
        dataset: address!("2550E5B60f48742aBce2275F34417e7cBf5AcA86"),
        datasetprice: U256::ZERO,
        volume: U256::from(1_000_000),
        tag: tag1(),
        salt: b256!("c49d07f99c47096900653b6ade4ccde4c52f773a5ad68f1da0a47c993cad4595"),
        ..Default::default()
    }
}

fn c1_workerpool() -> WorkerpoolOrder {
    WorkerpoolOrder {
        workerpool: address!("53Ef1328a96E40E125bca15b9a4da045C5e63E1A"),
        workerpoolprice: U256::ZERO,
        volume: U256::from(1),
        tag: B256::ZERO,
        category: U256::ZERO,
        trust: U256::ZERO,
        salt: b256!("40af1a4975ca6ca7285d7738e51c8da91a9daee4a23fb45d105068be56f85e56"),
        ..Default::default()
    }
}

/// `params` of `EIP712RequestOrderTest.java` (iexec-commons-poco), verbatim.
const C1_PARAMS: &str = concat!(
    r#"{"iexec_tee_post_compute_fingerprint":"76bfdee97e692b729e989694f3a566cf0e1de95fc456ff5ee88c75b1cb865e33|1eb627c1c94bbca03178b099b13fb4d1|13076027fc67accba753a3ed2edf03227dfd013b450d68833a5589ec44132100","#,
    r#""iexec_tee_post_compute_image":"iexechub/tee-worker-post-compute:1.0.0","iexec_result_storage_provider":"ipfs","#,
    r#""iexec_result_storage_proxy":"https://result.viviani.iex.ec","iexec_result_encryption":false,"iexec_input_files":[],"iexec_args":"Alice"}"#
);

fn c1_request() -> RequestOrder {
    RequestOrder {
        app: address!("6709CAe77CDa2cbA8Cb90A4F5a4eFfb5c8Fe8367"),
        dataset: Address::ZERO,
        workerpool: address!("506fA5EaCa52B5d2F133452a45FFA68aD1CfB3C5"),
        requester: address!("1ec09e1782a43a770d54e813379c730e0b29ad4b"),
        volume: U256::from(1),
        tag: tag1(),
        params: C1_PARAMS.into(),
        salt: b256!("ee5c64cd59eaa084f59dbaa8f20b87260c4d6ac35c83214da657681bfe4e7632"),
        ..Default::default()
    }
}

fn hex(s: &str) -> Vec<u8> {
    let s = s.trim_start_matches("0x");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Struct hash, typed-data hash, and the published signature recovering to the test wallet.
fn check<O: Order>(o: &O, struct_hash: B256, typed: B256, sig: &str) {
    assert_eq!(o.struct_hash(), struct_hash, "struct hash");
    assert_eq!(
        typed_data_hash(C1_DOMAIN, o.struct_hash()),
        typed,
        "typed-data hash"
    );
    assert_eq!(o.hash(C1_DOMAIN), typed, "Order::hash");
    let sig = hex(sig);
    assert_eq!(sig.len(), 65);
    assert_eq!(
        recover(typed, &sig).unwrap(),
        C1_SIGNER,
        "signature recovers to the test wallet"
    );
}

#[test]
fn c1_domain_separator() {
    assert_eq!(domain_separator(C1_CHAIN, C1_VERIFYING), C1_DOMAIN);
    // the same through a configured Poco
    let p = Poco::new(Config {
        chain_id: C1_CHAIN,
        proxy: C1_VERIFYING,
        ..Config::default()
    });
    assert_eq!(p.domain_separator(), C1_DOMAIN);
}

#[test]
fn c1_app_order() {
    check(
        &c1_app(),
        b256!("b80a475500e9316e4951c0e4621f3641bac75563c18ba14fa67754b70f96f729"),
        b256!("ba3386e38e2048de59653fed9f717a2b4400efe2d704b2980f814a91ef1f90e1"),
        "0x82c2d8a5f59f1088eb0b9a627c367ae7dae1772c8bd98c394699ae24830611e1171026f4e28d2c60302c34a04c60c4fc2f1363e165072dca04a9f203734978671c",
    );
}

#[test]
fn c1_dataset_order() {
    check(
        &c1_dataset(),
        b256!("8b729a905f3606a7df58201561743301f4c3c084487d64de9a6036fbf0f18fad"),
        b256!("87c9e55f03233ddcbfd9f37dbef06b2932d7c20a9998ea01f26d1efe055edeb9"),
        "0x94661cab25380e7a6e1c20762988f6f854c5123a17ad27c65580d7c3edcfa2025a9d255c679c4cf7d489560917c17d3af3da83737b3722824918d39aecfedf711c",
    );
}

#[test]
fn c1_workerpool_order() {
    check(
        &c1_workerpool(),
        b256!("5fe3a4e32c3aecba18e7454fdbefa80046f20efdb549361792bcc388dea33482"),
        b256!("66df04fcab380857d682cfc64a4c8906587e918857d481a29f79f7c3abd06620"),
        "0x18bb5dbf608ade315c9e81f0b89929a93aa36aee0a1d51e9119c66799af126596c6cfd1e676ea394e346c616710a675388d5b270a195e494e75d107c87a45dce1c",
    );
}

#[test]
fn c1_request_order() {
    check(
        &c1_request(),
        b256!("47a57e4a7847df97b8503bcbacc54e7117f2203441cc90b7a30c19aac4bfb174"),
        b256!("03f960f8c4153017ca091fe3eb5169a51af3b7b2eae9b85a72e1af9ed2493b45"),
        "0x611511fa5169dff40f7b4c0013e9f149e79dfddacd80a19852a1e9b42294eaef4329367f01eb48930f990a418befed0c5634e493809f2e9a6a60727137964df51c",
    );
}

/// The published signatures verify through the protocol's `verifySignature` view, and a
/// matchOrders-style check accepts them for their signer only.
#[test]
fn c1_signatures_verify_through_poco() {
    let p = Poco::new(Config {
        chain_id: C1_CHAIN,
        proxy: C1_VERIFYING,
        ..Config::default()
    });
    let sig = hex(
        "0x82c2d8a5f59f1088eb0b9a627c367ae7dae1772c8bd98c394699ae24830611e1171026f4e28d2c60302c34a04c60c4fc2f1363e165072dca04a9f203734978671c",
    );
    let h = c1_app().hash(p.domain_separator());
    assert_eq!(p.verify_signature(C1_SIGNER, h, &sig), Ok(true));
    assert_eq!(
        p.verify_presignature_or_signature(C1_SIGNER, h, &sig),
        Ok(true)
    );
    assert_eq!(p.verify_signature(C1_VERIFYING, h, &sig), Ok(false));
    // a different salt is a different order
    let mut o = c1_app();
    o.salt = B256::ZERO;
    assert_eq!(
        p.verify_signature(C1_SIGNER, o.hash(p.domain_separator()), &sig),
        Ok(false)
    );
}

/// `sign` is not part of the struct hash; every other field is.
#[test]
fn struct_hash_covers_every_field_but_sign() {
    let base = c1_request();
    let h = base.struct_hash();
    let mut o = base.clone();
    o.sign = Bytes::from_static(&[1, 2, 3]);
    assert_eq!(o.struct_hash(), h);
    let edits: Vec<fn(&mut RequestOrder)> = vec![
        |o| o.app = Address::ZERO,
        |o| o.appmaxprice = U256::from(1),
        |o| o.dataset = Address::repeat_byte(1),
        |o| o.datasetmaxprice = U256::from(1),
        |o| o.workerpool = Address::ZERO,
        |o| o.workerpoolmaxprice = U256::from(1),
        |o| o.requester = Address::ZERO,
        |o| o.volume = U256::from(2),
        |o| o.tag = B256::ZERO,
        |o| o.category = U256::from(1),
        |o| o.trust = U256::from(1),
        |o| o.beneficiary = Address::repeat_byte(1),
        |o| o.callback = Address::repeat_byte(1),
        |o| o.params.push(' '),
        |o| o.salt = B256::ZERO,
    ];
    for (i, e) in edits.iter().enumerate() {
        let mut o = base.clone();
        e(&mut o);
        assert_ne!(o.struct_hash(), h, "field {i} not covered");
    }
}

// ------------------------------------------------------------------------------------------
// §C.2: other domain separators

/// A generic EIP-712 domain separator (name, version, chainId, optional verifyingContract).
fn generic_domain(name: &str, version: &str, chain: u64, verifying: Option<Address>) -> B256 {
    let ty = if verifying.is_some() {
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    } else {
        "EIP712Domain(string name,string version,uint256 chainId)"
    };
    let mut buf = Vec::new();
    buf.extend_from_slice(keccak256(ty).as_slice());
    buf.extend_from_slice(keccak256(name).as_slice());
    buf.extend_from_slice(keccak256(version).as_slice());
    buf.extend_from_slice(&U256::from(chain).to_be_bytes::<32>());
    if let Some(v) = verifying {
        buf.extend_from_slice(B256::left_padding_from(v.as_slice()).as_slice());
    }
    keccak256(buf)
}

#[test]
fn c2_custom_domains() {
    // the encoder used to cross-check the core is itself checked on the two asserted vectors
    let one = address!("0000000000000000000000000000000000000001");
    assert_eq!(
        generic_domain("iExec Custom Module Domain", "1", 2, Some(one)),
        b256!("b3b1dcc957351eff67866cbc947be104a71d09ff7e146a2c42e8f7edc2bf501c")
    );
    assert_eq!(
        generic_domain("iExec Custom Module Domain", "1", 2, None),
        b256!("c1ca0800eccc218e09b4b90ca3ba732ee9a923d115f880316caf56c466c0bc34")
    );
    // and agrees with the core for the iExecODB domain
    assert_eq!(
        generic_domain("iExecODB", "5.0.0", C1_CHAIN, Some(C1_VERIFYING)),
        C1_DOMAIN
    );
}

#[test]
fn c2_deployed_domains() {
    assert_eq!(
        domain_separator(42161, address!("098bFCb1E50ebcA0BaA92C12eA0c3F045A1aD9f0")),
        b256!("3b211ab198ac0c745a332d34416d88c417c2f06a87bd9f0d2fdd37b242c75402")
    );
    assert_eq!(
        domain_separator(421614, address!("B2157BF2fAb286b2A4170E3491Ac39770111Da3E")),
        b256!("de6e7a8f1c22386ba73ee5376e4ec7089a2d2b07ebbfce54d4cb386daa34cc92")
    );
}

/// `updateDomainSeparator` recomputes from the chain id of the call (§1.2).
#[test]
fn update_domain_separator_follows_chain_id() {
    let mut p = Poco::new(Config {
        chain_id: 1,
        proxy: C1_VERIFYING,
        ..Config::default()
    });
    assert_ne!(p.domain_separator(), C1_DOMAIN);
    let env = Env {
        sender: Address::repeat_byte(9),
        timestamp: 0,
        chain_id: C1_CHAIN,
    };
    p.update_domain_separator(&env).unwrap();
    assert_eq!(p.domain_separator(), C1_DOMAIN);
}

// ------------------------------------------------------------------------------------------
// operation hashes, deal and task ids (§5.5, §6.3, §7.3)

#[test]
fn operation_hash_layout() {
    let o = c1_app();
    for (op, n) in [(Operation::Sign, 0u8), (Operation::Close, 1u8)] {
        let mut buf = Vec::new();
        buf.extend_from_slice(APPORDEROPERATION_TYPEHASH.as_slice());
        buf.extend_from_slice(o.struct_hash().as_slice());
        buf.extend_from_slice(&U256::from(n).to_be_bytes::<32>());
        assert_eq!(
            o.operation_hash(op, C1_DOMAIN),
            typed_data_hash(C1_DOMAIN, keccak256(buf))
        );
    }
    let mut buf = vec![0x19, 0x01];
    buf.extend_from_slice(C1_DOMAIN.as_slice());
    buf.extend_from_slice(o.struct_hash().as_slice());
    assert_eq!(typed_data_hash(C1_DOMAIN, o.struct_hash()), keccak256(buf));
}

#[test]
fn deal_and_task_ids_are_packed_keccak() {
    let rh = b256!("03f960f8c4153017ca091fe3eb5169a51af3b7b2eae9b85a72e1af9ed2493b45");
    for first in [0u64, 1, 65_535, u64::MAX] {
        let mut buf = rh.to_vec();
        buf.extend_from_slice(&U256::from(first).to_be_bytes::<32>());
        let d = orders::deal_id(rh, U256::from(first));
        assert_eq!(d, keccak256(&buf));
        let idx = U256::from(first) + U256::from(1);
        let mut tb2 = d.to_vec();
        tb2.extend_from_slice(&idx.to_be_bytes::<32>());
        assert_eq!(orders::task_id(d, idx), keccak256(&tb2));
    }
    // worker messages (§7.4, evm-oracle §A.4)
    let w = address!("000a9c787a972f70f0903890e266f41c795c4dca");
    let (t, dg) = (keccak256("task"), keccak256("result"));
    assert_eq!(
        orders::result_hash(t, dg),
        keccak256([t.as_slice(), dg.as_slice()].concat())
    );
    assert_eq!(
        orders::result_seal(w, t, dg),
        keccak256([w.as_slice(), t.as_slice(), dg.as_slice()].concat())
    );
    assert_eq!(
        orders::authorization_hash(w, t, Address::ZERO),
        keccak256([w.as_slice(), t.as_slice(), &[0u8; 20]].concat())
    );
    let (rh2, rs2) = (orders::result_hash(t, dg), orders::result_seal(w, t, dg));
    assert_eq!(
        orders::enclave_hash(rh2, rs2),
        keccak256([rh2.as_slice(), rs2.as_slice()].concat())
    );
}
