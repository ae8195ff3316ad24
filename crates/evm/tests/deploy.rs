//! Deployment per evm-oracle.md §A.2 and EIP-712 agreement with the core (§C).

use alloy_primitives::{Address, B256, Bytes, U256, address, b256};
use alloy_sol_types::SolCall;
use pocolab_core::{AppOrder, Config, Order, Poco, RequestOrder, WorkerpoolOrder, orders};
use pocolab_evm::{Artifacts, Deployment, abi};

fn deployment() -> Option<Deployment> {
    if !Artifacts::available() {
        panic!(
            "PoCo 6.1.0 artifacts missing: run scripts/setup.sh (or scripts/fetch-poco.sh) first"
        );
    }
    Some(Deployment::deploy_default().expect("deploy"))
}

/// Library functions with struct parameters use the struct's qualified name in their selector.
fn lib_call(d: &mut Deployment, sig: &str, args: Vec<u8>) -> B256 {
    let mut data = alloy_primitives::keccak256(sig.as_bytes())[..4].to_vec();
    data.extend_from_slice(&args);
    let lib = d.addrs.lib_orders;
    let o = d.chain.call(d.addrs.admin, lib, data.into());
    B256::from_slice(&o.result.expect("library view ok"))
}

fn view<C: SolCall>(d: &mut Deployment, to: Address, c: C) -> C::Return {
    let o = d.chain.call(d.addrs.admin, to, c.abi_encode().into());
    C::abi_decode_returns(&o.result.expect("view ok")).expect("decode")
}

#[test]
fn deploys_and_configures() {
    let Some(mut d) = deployment() else { return };
    assert_eq!(d.selector_count, 103);
    let p = d.addrs.proxy;
    assert_eq!(view(&mut d, p, abi::nameCall {}), "Staked RLC");
    assert_eq!(
        view(&mut d, p, abi::callbackgasCall {}),
        U256::from(100_000)
    );
    assert_eq!(view(&mut d, p, abi::countCategoryCall {}), U256::from(5));
    let rlc = d.addrs.rlc;
    assert_eq!(view(&mut d, p, abi::tokenCall {}), rlc);
    let cfg = Config::default();
    for (i, (n, desc, r)) in cfg.categories.iter().enumerate() {
        let c = view(
            &mut d,
            p,
            abi::viewCategoryCall {
                _catid: U256::from(i),
            },
        );
        assert_eq!(
            (&c.name, &c.description, c.workClockTimeRef),
            (n, desc, U256::from(*r))
        );
    }
    // gas: revm under Prague reproduces hardhat-gas-reporter (evm-oracle.md §D.1, D.3)
    let g = |step: &str| {
        d.gas
            .iter()
            .filter(|(s, _)| s == step)
            .map(|(_, g)| *g)
            .collect::<Vec<_>>()
    };
    assert_eq!(g("AppRegistry"), vec![4_000_071]);
    assert_eq!(g("DatasetRegistry"), vec![3_710_776]);
    assert_eq!(g("WorkerpoolRegistry"), vec![3_609_376]);
    assert_eq!(g("AppRegistry.initialize"), vec![45_987]);
    // the core's category descriptions ("category XS") are longer than the tests' `""`: calldata
    let cc = g("createCategory");
    assert!(
        cc[0].abs_diff(129_738) < 200 && cc[1].abs_diff(112_626) < 200,
        "{cc:?}"
    );
    assert_eq!(g("diamondCut IexecPocoAccessorsFacet"), vec![1_065_570]);
    assert_eq!(g("diamondCut IexecCategoryManagerFacet"), vec![77_642]);
    // RLC initial supply to the deployer
    let admin = d.addrs.admin;
    assert_eq!(
        view(&mut d, rlc, abi::balanceOfCall { who: admin }),
        U256::from(87_000_000_000_000_000u64)
    );
}

#[test]
fn native_mode_deploys() {
    if !Artifacts::available() {
        panic!(
            "PoCo 6.1.0 artifacts missing: run scripts/setup.sh (or scripts/fetch-poco.sh) first"
        );
    }
    let opts = pocolab_evm::DeployOptions {
        mode: pocolab_evm::EscrowMode::Native,
        ..Default::default()
    };
    let mut d = Deployment::deploy(&Artifacts::locate().unwrap(), &opts).expect("deploy native");
    assert_eq!(d.selector_count, 102);
    let p = d.addrs.proxy;
    assert_eq!(view(&mut d, p, abi::tokenCall {}), Address::ZERO);
    // payable deposit: 10 nRLC = 10 x 10^9 wei
    let mut e = pocolab_evm::EvmPoco::new(&d);
    let who = pocolab_core::signatures::Wallet::from_label("requester").address();
    e.mint_rlc(who, U256::from(25)).unwrap();
    let env = pocolab_core::Env::at(who, 1_700_000_000);
    e.deposit(&env, U256::from(10)).unwrap();
    assert_eq!(e.view_account(who).balance, U256::from(10));
    e.withdraw(&env, U256::from(4)).unwrap();
    assert_eq!(e.view_account(who).balance, U256::from(6));
    assert_eq!(e.rlc_balance(who), U256::from(19));
}

#[test]
fn asset_creation_gas_matches_hardhat() {
    let Some(d) = deployment() else { return };
    let mut e = pocolab_evm::EvmPoco::new(&d);
    let env = |w: &str| {
        pocolab_core::Env::at(
            pocolab_core::signatures::Wallet::from_label(w).address(),
            1_700_000_000,
        )
    };
    // the exact assets of PoCo's tests (evm-oracle.md §A.4): createApp 624,573, createDataset
    // 552,715, createWorkerpool 549,395. Our actors' addresses are not hardhat's, so the
    // calldata cost differs by a few zero bytes (12 gas each): allow ±64.
    let near = |a: u64, b: u64| assert!(a.abs_diff(b) <= 64, "{a} vs {b}");
    let ap = env("appProvider");
    e.create_app(
        &ap,
        ap.sender,
        "my-app",
        "APP_TYPE_0",
        Bytes::from_static(b"hello world"),
        b256!("1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"),
        Bytes::from(
            alloy_primitives::hex::decode(
                "abcdef1234567890abcdef1234567890abcdef1234567890abcdef1234567890",
            )
            .unwrap(),
        ),
    )
    .unwrap();
    near(e.last_gas(), 624_573);
    let dp = env("datasetProvider");
    e.create_dataset(
        &dp,
        dp.sender,
        "my-dataset",
        Bytes::from_static(b"dataset data"),
        b256!("fedcba0987654321fedcba0987654321fedcba0987654321fedcba0987654321"),
    )
    .unwrap();
    near(e.last_gas(), 552_715);
    let sc = env("scheduler");
    e.create_workerpool(&sc, sc.sender, "my-workerpool")
        .unwrap();
    near(e.last_gas(), 549_395);
}

#[test]
fn eip712_domain_and_hashes_equal_the_core() {
    let Some(mut d) = deployment() else { return };
    let proxy = d.addrs.proxy;
    let ds = view(&mut d, proxy, abi::eip712domain_separatorCall {});
    let core = Poco::new(Config {
        proxy,
        owner: d.addrs.admin,
        ..Config::default()
    });
    assert_eq!(ds, core.domain_separator());
    assert_eq!(ds, orders::domain_separator(31337, proxy));

    let app = AppOrder {
        app: address!("2EbD509d777B187E8394566bA6ec093B9dd73DF1"),
        appprice: U256::from(3),
        volume: U256::from(7),
        tag: B256::with_last_byte(1),
        datasetrestrict: address!("00000000000000000000000000000000000000aa"),
        salt: b256!("be858b0eee90cf2e85297bd3df81373f6b4de20c67a3e1f5db1a9d5be8abc3c4"),
        ..Default::default()
    };
    let evm_app = pocolab_evm::convert::app_order(&app);
    let h = lib_call(
        &mut d,
        "hash(IexecLibOrders_v5.AppOrder)",
        abi::hash_0Call { _apporder: evm_app }.abi_encode()[4..].to_vec(),
    );
    assert_eq!(h, app.struct_hash());

    let wp = WorkerpoolOrder {
        workerpool: address!("53Ef1328a96E40E125bca15b9a4da045C5e63E1A"),
        workerpoolprice: U256::from(99),
        volume: U256::from(2),
        category: U256::from(3),
        trust: U256::from(4),
        ..Default::default()
    };
    let h = lib_call(
        &mut d,
        "hash(IexecLibOrders_v5.WorkerpoolOrder)",
        abi::hash_1Call {
            _workerpoolorder: pocolab_evm::convert::workerpool_order(&wp),
        }
        .abi_encode()[4..]
            .to_vec(),
    );
    assert_eq!(h, wp.struct_hash());

    let req = RequestOrder {
        app: address!("6709CAe77CDa2cbA8Cb90A4F5a4eFfb5c8Fe8367"),
        workerpool: address!("506fA5EaCa52B5d2F133452a45FFA68aD1CfB3C5"),
        requester: address!("1ec09e1782a43a770d54e813379c730e0b29ad4b"),
        volume: U256::from(1),
        tag: B256::with_last_byte(1),
        params: "{\"iexec_args\":\"Alice\"}".into(),
        salt: b256!("ee5c64cd59eaa084f59dbaa8f20b87260c4d6ac35c83214da657681bfe4e7632"),
        sign: Bytes::new(),
        ..Default::default()
    };
    let h = lib_call(
        &mut d,
        "hash(IexecLibOrders_v5.RequestOrder)",
        abi::hash_2Call {
            _requestorder: pocolab_evm::convert::request_order(&req),
        }
        .abi_encode()[4..]
            .to_vec(),
    );
    assert_eq!(h, req.struct_hash());
    // typed-data hash as PoCo computes it, verified on chain with a real signature
    let w = pocolab_core::signatures::Wallet::from_label("requester");
    let typed = req.hash(ds);
    let sig = w.sign_hash(typed);
    let ok = view(
        &mut d,
        proxy,
        abi::verifySignatureCall {
            _identity: w.address(),
            _hash: typed,
            _signature: sig,
        },
    );
    assert!(ok);
}

#[test]
fn missing_artifacts_error_tells_what_to_run() {
    let e = Artifacts::at("/nonexistent/poco").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("scripts/fetch-poco.sh") && msg.contains("POCOLAB_POCO_ARTIFACTS"),
        "{msg}"
    );
}
