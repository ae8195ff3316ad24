//! Every `require` / revert of the PoCo 6.1.0 contracts, triggered once (issue A, item 4).
//!
//! Each test builds a state, then runs the failing call through [`fails`], which asserts
//! the exact error the core returns (the variant and message that mirror the contracts' revert
//! data) **and** that the whole state (`Poco`, compared with its semantic `PartialEq`: ledger,
//! registries, categories, presigned, consumed, deals, Boost deals, tasks, scores, contracts,
//! settings) is unchanged, and that the escrow invariants still hold.
//!
//! Tests are named `<entry point>_<code or check>_<what>`; the checklist is the spec
//! (`shared/spec/poco-protocol.md`): §1.2 configuration, §2.2–2.3 registries, §3 escrow,
//! §5.6–5.8 signatures and order management, §6.2 matchOrders (rows 1–33), §7.3–7.11 task
//! lifecycle, §9.2–9.4 Boost; plus the extension hooks (a rule rejecting after the baseline
//! effects must leave the state unchanged too).
//!
//! Requires that cannot be triggered against the core, and why:
//! - `configure` "already-configured", `updateDomainSeparator` "not-configured": the core is
//!   configured once at construction (`Poco::new`), there is no unconfigured state.
//! - `changeRegistries`, `recover`, `receiveApproval` ("wrong-token"), `receive`/`fallback`
//!   ("fallback-disabled"), native-mode deposits/withdrawals ("native-transfer-failed"),
//!   registry `setName` / `setBaseURI`, ERC-20 `increaseAllowance` / `decreaseAllowance` /
//!   `approveAndCall` ("approval-refused"): not modelled by the core (token mode only, §3.2).
//! - `importScore` with a nonzero v3 hub: no v3 hub can be configured (the external call always
//!   fails, which *is* tested); "score-already-imported" is tested by writing the flag directly.
//! - The callback gas assertion (`gasleft > callbackgas/63`, panic 0x01 in finalize /
//!   contributeAndFinalize, "PocoBoost: Not enough gas after callback"): `Env` carries no gas.
//! - ABI-decoding aborts (operation ≥ 2, malformed calldata): the Rust API is typed.
//! - Undecodable return data from an identity contract (§2.5) and ERC-1271 wallets that revert:
//!   `world::Contract` models only well-behaved contracts (revert ⇒ `false`, which is tested).
//! - Overflow of `consensus.total`/weights through scores (> 2²⁵⁵) and of `consumed` (the
//!   volume is bounded by the order volume): unreachable through entry points;
//!   the consensus product overflow itself is tested (trust = 2²⁵⁵).
//! - Panics 0x11 of `unlock` / `seize` in classic finalize / claim: unreachable in the baseline
//!   (the amounts were locked at match / contribute); the Boost B1 underflow is tested.
//! - `workerReward` SafeCast (uint96) in Boost: `workerReward ≤ workerpoolPrice`, whose own
//!   SafeCast fails first.
//! - Calls with `msg.sender = 0` (e.g. "IexecEscrow: Transfer to empty address" when rewarding
//!   a zero worker): impossible on chain; the escrow messages are checked on `Ledger` directly
//!   and "Transfer from empty address" through a request with `requester = 0`.
//! - "ERC20: burn from the zero address", SafeMath overflows of `mint` in the 0.6 ERC-20 core:
//!   need `msg.sender = 0` or more than 2²⁵⁶ RLC (the core's RLC model fails first, see
//!   docs/core.md).

use std::collections::BTreeSet;

use pocolab_core::constants::{KITTY_ADDRESS, RLC, u};
use pocolab_core::error::{ERR_EXCEEDS_BALANCE, ERR_FROM_EMPTY, ERR_TO_EMPTY};
use pocolab_core::fixtures::{OrderParams, Orders, World, digest};
use pocolab_core::matching::codes;
use pocolab_core::orders::{
    Order, authorization_hash, enclave_hash, result_hash, result_seal, task_id,
};
use pocolab_core::signatures::Wallet;
use pocolab_core::{
    Address, AssetKind, B256, Bytes, Check, Contract, Env, Extension, JournaledState, Operation,
    Panic, Poco, PocoError, Result, Settlement, State, SuccessPath, TaskStatus, U256, keccak256,
};

// ------------------------------------------------------------------------------------------
// harness

/// Category 0 (XS): R = 300 s.
const R: u64 = 300;

fn revert(m: &'static str) -> PocoError {
    PocoError::Revert(m)
}

fn empty(c: Check) -> PocoError {
    PocoError::Empty(c)
}

/// Names of the `State` fields that differ (diagnostics for the unchanged-state assertion).
fn state_diff(a: &State, b: &State) -> Vec<&'static str> {
    let mut d = vec![];
    macro_rules! cmp {
        ($($f:ident),*) => {$( if a.$f != b.$f { d.push(stringify!($f)); } )*};
    }
    cmp!(
        settings,
        ledger,
        registries,
        categories,
        presigned,
        consumed,
        deals,
        deals_boost,
        tasks,
        scores,
        score_imported,
        contracts,
        callbacks_delivered
    );
    d
}

/// Run a call expected to fail: exact error, unchanged state (extension state included),
/// invariants intact.
#[track_caller]
fn fails<T: std::fmt::Debug, E: Extension + Clone + PartialEq>(
    w: &mut World<E>,
    expected: PocoError,
    f: impl FnOnce(&mut World<E>) -> Result<T>,
) {
    let before: Poco<E> = w.poco.clone();
    let r = f(w);
    match r {
        Ok(v) => panic!("call succeeded with {v:?}, expected {expected:?}"),
        Err(e) => assert_eq!(
            e,
            expected,
            "wrong error (class {} vs {})",
            e.class(),
            expected.class()
        ),
    }
    assert!(
        w.poco == before,
        "failed call changed the state: {:?}",
        state_diff(&before.state, &w.poco.state)
    );
    w.poco
        .state
        .ledger
        .check_invariants()
        .expect("invariants after a failed call");
}

/// A world with 5 workers, everyone funded with 1 000 RLC.
fn world() -> World {
    let mut w = World::new(5, true);
    let a = &w.actors;
    let mut who = vec![
        a.requester.address(),
        a.sponsor.address(),
        a.scheduler.address(),
        a.anyone.address(),
    ];
    who.extend(a.workers.iter().map(|x| x.address()));
    for x in who {
        w.fund(x, u(1_000 * RLC)).unwrap();
    }
    w
}

fn priced() -> OrderParams {
    OrderParams {
        app_price: u(3 * RLC),
        dataset_price: u(2 * RLC),
        workerpool_price: u(10 * RLC),
        ..Default::default()
    }
}

fn tee_tag() -> B256 {
    let mut t = B256::ZERO;
    t.0[31] = 1;
    t
}

fn salt(x: u64) -> B256 {
    B256::from(U256::from(x))
}

/// Re-sign the four orders after an edit.
fn resign(w: &World, o: &mut Orders) {
    let ds = w.poco.domain_separator();
    let a = &w.actors;
    o.app.sign = a.app_provider.sign_hash(o.app.hash(ds));
    o.dataset.sign = a.dataset_provider.sign_hash(o.dataset.hash(ds));
    o.workerpool.sign = a.scheduler.sign_hash(o.workerpool.hash(ds));
    o.request.sign = a.requester.sign_hash(o.request.hash(ds));
}

fn matched(p: &OrderParams) -> (World, Orders, B256) {
    let mut w = world();
    let o = w.orders(p);
    let d = w.match_orders(&o).unwrap();
    (w, o, d)
}

fn active(p: &OrderParams) -> (World, B256, B256) {
    let (mut w, _, d) = matched(p);
    let t = w.initialize(d, 0).unwrap();
    (w, d, t)
}

/// τ = 1: one contribution of worker 0 reaches consensus.
fn revealing(p: &OrderParams) -> (World, B256) {
    let (mut w, _, t) = active(p);
    w.contribute(0, t, digest("result")).unwrap();
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Revealing);
    (w, t)
}

/// `contribute` by worker `i` with every argument explicit.
#[allow(clippy::too_many_arguments)]
fn contribute_raw(
    w: &mut World,
    i: usize,
    t: B256,
    rh: B256,
    rs: B256,
    enclave: Address,
    esig: &[u8],
    auth: &[u8],
) -> Result<()> {
    let env = w.env(w.worker(i));
    w.poco.contribute(&env, t, rh, rs, enclave, esig, auth)
}

#[allow(clippy::too_many_arguments)]
fn caf(
    w: &mut World,
    i: usize,
    t: B256,
    d: B256,
    cb: &[u8],
    enclave: Address,
    esig: &[u8],
    auth: &[u8],
) -> Result<()> {
    let env = w.env(w.worker(i));
    w.poco
        .contribute_and_finalize(&env, t, d, b"result", cb, enclave, esig, auth)
}

fn other() -> Address {
    Address::repeat_byte(0x42)
}

// ------------------------------------------------------------------------------------------
// configuration (§1.2), owner only

#[test]
fn config_set_tee_broker_not_owner() {
    let mut w = world();
    let env = w.env(w.actors.anyone.address());
    let sms = w.actors.sms.address();
    fails(&mut w, revert("Ownable: caller is not the owner"), |w| {
        w.poco.set_tee_broker(&env, sms)
    });
    let env = w.env(w.actors.admin.address());
    w.poco.set_tee_broker(&env, sms).unwrap();
    assert_eq!(w.poco.teebroker(), sms);
}

#[test]
fn config_set_callback_gas_not_owner() {
    let mut w = world();
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, revert("Ownable: caller is not the owner"), |w| {
        w.poco.set_callback_gas(&env, u(1))
    });
}

#[test]
fn config_create_category_not_owner() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, revert("Ownable: caller is not the owner"), |w| {
        w.poco.create_category(&env, "X", "x", u(1))
    });
    let env = w.env(w.actors.admin.address());
    assert_eq!(w.poco.create_category(&env, "X", "x", u(1)).unwrap(), u(5));
}

#[test]
fn config_view_category_unknown() {
    let mut w = world();
    fails(&mut w, empty(Check::UnknownCategory), |w| {
        w.poco.view_category(u(5))
    });
    fails(&mut w, empty(Check::UnknownCategory), |w| {
        w.poco.view_category(U256::MAX)
    });
}

#[test]
fn config_import_score_no_v3_hub() {
    let mut w = world();
    let env = w.env(w.actors.anyone.address());
    let wk = w.worker(0);
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco.import_score(&env, wk)
    });
}

#[test]
fn config_import_score_already_imported() {
    let mut w = world();
    let wk = w.worker(0);
    w.poco.set_score_imported(wk);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, revert("score-already-imported"), |w| {
        w.poco.import_score(&env, wk)
    });
}

#[test]
fn view_result_for_task_pending() {
    let (mut w, _, t) = active(&OrderParams::default());
    fails(&mut w, revert("task-pending"), |w| w.poco.result_for(t));
    fails(&mut w, revert("task-pending"), |w| {
        w.poco.result_for(B256::ZERO)
    });
}

// ------------------------------------------------------------------------------------------
// registries and policies (§2.2, §2.3)

#[test]
fn registry_create_app_owner_zero() {
    let mut w = world();
    fails(&mut w, revert("ERC721: mint to the zero address"), |w| {
        w.poco.create_app(
            Address::ZERO,
            "a",
            "T",
            Bytes::new(),
            B256::ZERO,
            Bytes::new(),
        )
    });
}

#[test]
fn registry_create_dataset_owner_zero() {
    let mut w = world();
    fails(&mut w, revert("ERC721: mint to the zero address"), |w| {
        w.poco
            .create_dataset(Address::ZERO, "d", Bytes::new(), B256::ZERO)
    });
}

#[test]
fn registry_create_workerpool_owner_zero() {
    let mut w = world();
    fails(&mut w, revert("ERC721: mint to the zero address"), |w| {
        w.poco.create_workerpool(Address::ZERO, "p")
    });
}

#[test]
fn registry_create_twice_create2_fails() {
    let mut w = world();
    let (ap, dp, s) = (
        w.actors.app_provider.address(),
        w.actors.dataset_provider.address(),
        w.actors.scheduler.address(),
    );
    fails(&mut w, revert("Create2: Failed on deploy"), |w| {
        w.poco.create_app(
            ap,
            "my-app",
            "APP_TYPE_0",
            Bytes::from_static(b"hello world"),
            keccak256("app-checksum"),
            Bytes::new(),
        )
    });
    fails(&mut w, revert("Create2: Failed on deploy"), |w| {
        w.poco.create_dataset(
            dp,
            "my-dataset",
            Bytes::from_static(b"dataset data"),
            keccak256("dataset-checksum"),
        )
    });
    fails(&mut w, revert("Create2: Failed on deploy"), |w| {
        w.poco.create_workerpool(s, "my-workerpool")
    });
    // the same workerpool for another owner is a new asset
    w.poco.create_workerpool(ap, "my-workerpool").unwrap();
}

#[test]
fn policy_change_not_owner() {
    let mut w = world();
    let env = w.env(w.actors.anyone.address());
    let pool = w.workerpool;
    fails(&mut w, revert("caller is not the owner"), |w| {
        w.poco.change_policy(&env, pool, u(10), u(10))
    });
}

#[test]
fn policy_change_sigma_above_100() {
    let mut w = world();
    let env = w.env(w.actors.scheduler.address());
    let pool = w.workerpool;
    fails(&mut w, empty(Check::SchedulerRewardRatioTooHigh), |w| {
        w.poco.change_policy(&env, pool, u(10), u(101))
    });
    // boundary: σ = 100 and any ρ are accepted
    w.poco.change_policy(&env, pool, U256::MAX, u(100)).unwrap();
}

#[test]
fn policy_change_not_a_workerpool() {
    let mut w = world();
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco.change_policy(&env, other(), u(10), u(10))
    });
}

#[test]
fn asset_transfer_nonexistent() {
    let mut w = world();
    let env = w.env(w.actors.scheduler.address());
    let app = w.app;
    // the app address is not a workerpool token
    fails(
        &mut w,
        revert("ERC721: operator query for nonexistent token"),
        |w| {
            w.poco
                .transfer_asset(&env, AssetKind::Workerpool, app, other())
        },
    );
}

#[test]
fn asset_transfer_not_owner() {
    let mut w = world();
    let env = w.env(w.actors.anyone.address());
    let (app, ds, pool) = (w.app, w.dataset, w.workerpool);
    let msg = "ERC721: transfer caller is not owner nor approved";
    fails(&mut w, revert(msg), |w| {
        w.poco.transfer_asset(&env, AssetKind::App, app, other())
    });
    fails(&mut w, revert(msg), |w| {
        w.poco.transfer_asset(&env, AssetKind::Dataset, ds, other())
    });
    fails(&mut w, revert(msg), |w| {
        w.poco
            .transfer_asset(&env, AssetKind::Workerpool, pool, other())
    });
}

#[test]
fn asset_transfer_to_zero() {
    let mut w = world();
    let env = w.env(w.actors.app_provider.address());
    let app = w.app;
    fails(
        &mut w,
        revert("ERC721: transfer to the zero address"),
        |w| {
            w.poco
                .transfer_asset(&env, AssetKind::App, app, Address::ZERO)
        },
    );
}

// ------------------------------------------------------------------------------------------
// escrow (§3)

#[test]
fn escrow_deposit_insufficient_rlc() {
    let mut w = world();
    let env = w.env(w.worker(0));
    fails(&mut w, revert("failled-transferFrom"), |w| {
        w.poco.deposit(&env, u(1))
    });
    let env = w.env(Wallet::from_label("poor").address());
    fails(&mut w, revert("failled-transferFrom"), |w| {
        w.poco.deposit(&env, u(1))
    });
}

#[test]
fn escrow_deposit_overflow() {
    let mut w = world();
    let (a, b) = (
        Wallet::from_label("whale").address(),
        Wallet::from_label("minnow").address(),
    );
    // the RLC held by the proxy plus a new deposit overflows
    w.poco.mint_rlc(a, U256::MAX - u(1_000_000 * RLC)).unwrap();
    w.poco.mint_rlc(b, u(1_000_000 * RLC)).unwrap();
    let env = w.env(a);
    w.poco
        .deposit(&env, U256::MAX - u(1_000_000 * RLC))
        .unwrap();
    let env = w.env(b);
    fails(&mut w, PocoError::Panic(Panic::Arithmetic), |w| {
        w.poco.deposit(&env, u(1_000_000 * RLC))
    });
}

#[test]
fn escrow_mint_rlc_overflow() {
    let mut w = world();
    let a = w.actors.requester.address();
    w.poco.mint_rlc(a, u(1)).unwrap();
    fails(&mut w, PocoError::Panic(Panic::Arithmetic), |w| {
        w.poco.mint_rlc(a, U256::MAX)
    });
}

#[test]
fn escrow_deposit_for_zero_target() {
    let mut w = world();
    w.poco.mint_rlc(w.actors.requester.address(), u(5)).unwrap();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, revert("ERC20: mint to the zero address"), |w| {
        w.poco.deposit_for(&env, u(5), Address::ZERO)
    });
}

#[test]
fn escrow_deposit_for_array_length_mismatch() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    w.poco.mint_rlc(w.actors.requester.address(), u(5)).unwrap();
    let t = w.worker(0);
    fails(&mut w, revert("invalid-array-length"), |w| {
        w.poco.deposit_for_array(&env, &[u(1), u(1)], &[t])
    });
}

#[test]
fn escrow_deposit_for_array_atomic() {
    let mut w = world();
    let r = w.actors.requester.address();
    w.poco.mint_rlc(r, u(5)).unwrap();
    let env = w.env(r);
    let (a, b) = (w.worker(0), w.worker(1));
    // the first deposit succeeds, the second exceeds the RLC left: nothing is deposited
    fails(&mut w, revert("failled-transferFrom"), |w| {
        w.poco.deposit_for_array(&env, &[u(3), u(3)], &[a, b])
    });
    fails(&mut w, revert("ERC20: mint to the zero address"), |w| {
        w.poco
            .deposit_for_array(&env, &[u(1), u(1)], &[a, Address::ZERO])
    });
    w.poco
        .deposit_for_array(&env, &[u(2), u(3)], &[a, b])
        .unwrap();
}

/// ERC-20 underflows revert with empty data in 6.1.0 (`SafeMathExtended.sub`, spec §3.1).
#[test]
fn escrow_withdraw_exceeds_balance() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, empty(Check::Erc20BurnExceedsBalance), |w| {
        w.poco.withdraw(&env, u(1_000 * RLC + 1))
    });
    let env = w.env(Wallet::from_label("poor").address());
    fails(&mut w, empty(Check::Erc20BurnExceedsBalance), |w| {
        w.poco.withdraw_to(&env, u(1), other())
    });
}

#[test]
fn escrow_withdraw_frozen_funds_cannot_be_withdrawn() {
    let (mut w, _, _) = matched(&priced());
    let r = w.actors.requester.address();
    let bal = w.poco.view_account(r).balance;
    assert!(w.poco.view_account(r).frozen > U256::ZERO);
    let env = w.env(r);
    fails(&mut w, empty(Check::Erc20BurnExceedsBalance), |w| {
        w.poco.withdraw(&env, bal + u(1))
    });
}

#[test]
fn escrow_withdraw_to_overflow() {
    let mut w = world();
    let t = Wallet::from_label("rich").address();
    w.poco.mint_rlc(t, U256::MAX).unwrap();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, PocoError::Panic(Panic::Arithmetic), |w| {
        w.poco.withdraw_to(&env, u(1), t)
    });
}

#[test]
fn erc20_transfer_exceeds_balance() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, empty(Check::Erc20TransferExceedsBalance), |w| {
        w.poco.transfer(&env, other(), u(1_000 * RLC + 1))
    });
}

#[test]
fn erc20_transfer_to_zero() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, revert("ERC20: transfer to the zero address"), |w| {
        w.poco.transfer(&env, Address::ZERO, u(1))
    });
}

#[test]
fn erc20_transfer_from_zero_sender() {
    let mut w = world();
    let env = w.env(Address::ZERO);
    fails(
        &mut w,
        revert("ERC20: transfer from the zero address"),
        |w| w.poco.transfer(&env, other(), u(0)),
    );
}

#[test]
fn erc20_approve_zero_spender() {
    let mut w = world();
    let env = w.env(w.actors.requester.address());
    fails(&mut w, revert("ERC20: approve to the zero address"), |w| {
        w.poco.approve(&env, Address::ZERO, u(1))
    });
}

#[test]
fn erc20_approve_from_zero() {
    let mut w = world();
    let env = w.env(Address::ZERO);
    fails(
        &mut w,
        revert("ERC20: approve from the zero address"),
        |w| w.poco.approve(&env, other(), u(1)),
    );
}

#[test]
fn erc20_transfer_from_exceeds_allowance() {
    let mut w = world();
    let (r, s) = (w.actors.requester.address(), w.actors.sponsor.address());
    let env = w.env(r);
    w.poco.approve(&env, s, u(10)).unwrap();
    let env = w.env(s);
    // the transfer itself would succeed: the allowance check comes after and undoes it
    fails(&mut w, empty(Check::Erc20TransferExceedsAllowance), |w| {
        w.poco.transfer_from(&env, r, other(), u(11))
    });
    fails(&mut w, empty(Check::Erc20TransferExceedsAllowance), |w| {
        let e = w.env(w.actors.anyone.address());
        w.poco.transfer_from(&e, r, other(), u(1))
    });
    w.poco.transfer_from(&env, r, other(), u(10)).unwrap();
    assert_eq!(w.poco.state.ledger.allowance(r, s), U256::ZERO);
}

#[test]
fn erc20_transfer_from_exceeds_balance() {
    let mut w = world();
    let (r, s) = (w.actors.requester.address(), w.actors.sponsor.address());
    let env = w.env(r);
    w.poco.approve(&env, s, U256::MAX).unwrap();
    let env = w.env(s);
    fails(&mut w, empty(Check::Erc20TransferExceedsBalance), |w| {
        w.poco.transfer_from(&env, r, other(), u(1_000 * RLC + 1))
    });
    fails(&mut w, revert("ERC20: transfer to the zero address"), |w| {
        w.poco.transfer_from(&env, r, Address::ZERO, u(1))
    });
}

/// The internal escrow primitives (§3.3) through the public `LedgerMut` API.
#[test]
fn escrow_primitives_messages() {
    let mut w = world();
    let r = w.actors.requester.address();
    let s = w.actors.sponsor.address();
    w.poco
        .ext_call(|_, st| {
            let l = &mut st.ledger_mut();
            assert_eq!(
                l.lock(r, u(1_000 * RLC + 1)),
                Err(revert(ERR_EXCEEDS_BALANCE))
            );
            assert_eq!(l.lock(Address::ZERO, u(0)), Err(revert(ERR_FROM_EMPTY)));
            assert_eq!(l.reward(Address::ZERO, u(0)), Err(revert(ERR_TO_EMPTY)));
            assert_eq!(l.unlock(r, u(1)), Err(revert(ERR_EXCEEDS_BALANCE)));
            assert_eq!(l.seize(r, u(1)), Err(PocoError::Panic(Panic::Arithmetic)));
            l.lock(r, u(5)).unwrap();
            assert_eq!(l.seize(r, u(6)), Err(PocoError::Panic(Panic::Arithmetic)));
            // unlock of more than frozen while the proxy has the balance: panic 0x11
            l.lock(s, u(10)).unwrap();
            assert_eq!(l.unlock(r, u(6)), Err(PocoError::Panic(Panic::Arithmetic)));
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------------------------------------
// signatures (§5.6)

#[test]
fn signature_invalid_format() {
    let mut w = world();
    let r = w.actors.requester.address();
    for len in [0usize, 1, 63, 66, 130] {
        let sig = vec![1u8; len];
        fails(&mut w, revert("invalid-signature-format"), |w| {
            w.poco.verify_signature(r, B256::ZERO, &sig)
        });
    }
    // 64 and 65 bytes never abort
    assert_eq!(
        w.poco.verify_signature(r, B256::ZERO, &[1u8; 64]),
        Ok(false)
    );
    assert_eq!(
        w.poco.verify_signature(r, B256::ZERO, &[1u8; 65]),
        Ok(false)
    );
    // account 0 "verifies" any well-sized invalid signature (§5.6 edge case)
    assert_eq!(
        w.poco
            .verify_signature(Address::ZERO, B256::ZERO, &[0u8; 65]),
        Ok(true)
    );
}

#[test]
fn signature_high_s_and_bad_v_rejected() {
    let w = world();
    let a = &w.actors.requester;
    let h = keccak256("msg");
    let sig = a.sign_hash(h);
    assert_eq!(w.poco.verify_signature(a.address(), h, &sig), Ok(true));
    // v not in {27, 28}
    let mut bad = sig.to_vec();
    bad[64] -= 27;
    assert_eq!(w.poco.verify_signature(a.address(), h, &bad), Ok(false));
    // high s: s' = n − s, v flipped
    let n = U256::from_str_radix(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        16,
    )
    .unwrap();
    let s = U256::from_be_slice(&sig[32..64]);
    let mut hi = sig.to_vec();
    hi[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    hi[64] = if sig[64] == 27 { 28 } else { 27 };
    assert_eq!(w.poco.verify_signature(a.address(), h, &hi), Ok(false));
    // EIP-2098 compact form of the same signature
    let mut compact = sig[..64].to_vec();
    if sig[64] == 28 {
        compact[32] |= 0x80;
    }
    assert_eq!(w.poco.verify_signature(a.address(), h, &compact), Ok(true));
}

// ------------------------------------------------------------------------------------------
// order management (§5.7)

#[test]
fn manage_app_order_wrong_sender_bad_signature() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let env = w.env(w.actors.anyone.address());
    let ds = w.poco.domain_separator();
    // signed by someone else than the owner
    let sig = w
        .actors
        .anyone
        .sign_hash(o.app.operation_hash(Operation::Close, ds));
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_app_order(&env, &o.app, Operation::Close, &sig)
    });
    // the owner's signature of the *order* (not of the operation)
    let sig = o.app.sign.clone();
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco.manage_app_order(&env, &o.app, Operation::Sign, &sig)
    });
    // the owner's signature of the CLOSE operation does not authorize SIGN
    let sig = w
        .actors
        .app_provider
        .sign_hash(o.app.operation_hash(Operation::Close, ds));
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco.manage_app_order(&env, &o.app, Operation::Sign, &sig)
    });
    // relayed by anyone: accepted
    w.poco
        .manage_app_order(&env, &o.app, Operation::Close, &sig)
        .unwrap();
    assert_eq!(w.poco.view_consumed(o.app.hash(ds)), o.app.volume);
}

#[test]
fn manage_app_order_bad_signature_length() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, revert("invalid-signature-format"), |w| {
        w.poco.manage_app_order(&env, &o.app, Operation::Close, &[])
    });
    // the owner needs no signature
    let env = w.env(w.actors.app_provider.address());
    w.poco
        .manage_app_order(&env, &o.app, Operation::Sign, &[])
        .unwrap();
}

#[test]
fn manage_app_order_not_a_contract() {
    let mut w = world();
    let mut o = w.orders(&OrderParams::default());
    o.app.app = other();
    let env = w.env(w.actors.app_provider.address());
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco.manage_app_order(&env, &o.app, Operation::Sign, &[])
    });
}

#[test]
fn manage_app_order_presigned_operation_not_accepted() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let ds = w.poco.domain_separator();
    let oh = o.app.operation_hash(Operation::Close, ds);
    let provider = w.actors.app_provider.address();
    w.poco
        .ext_call(|_, st| {
            st.presign(oh, provider);
            Ok(())
        })
        .unwrap();
    let env = w.env(w.actors.anyone.address());
    let sig = w.actors.anyone.sign_hash(oh);
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_app_order(&env, &o.app, Operation::Close, &sig)
    });
}

#[test]
fn manage_dataset_order_wrong_sender_bad_signature() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let env = w.env(w.actors.app_provider.address());
    let sig = w.actors.app_provider.sign_hash(
        o.dataset
            .operation_hash(Operation::Sign, w.poco.domain_separator()),
    );
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_dataset_order(&env, &o.dataset, Operation::Sign, &sig)
    });
    fails(&mut w, revert("invalid-signature-format"), |w| {
        w.poco
            .manage_dataset_order(&env, &o.dataset, Operation::Sign, &[0u8; 3])
    });
    let mut o2 = o.dataset.clone();
    o2.dataset = w.actors.dataset_provider.address(); // an EOA
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco.manage_dataset_order(&env, &o2, Operation::Sign, &[])
    });
}

#[test]
fn manage_workerpool_order_wrong_sender_bad_signature() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let env = w.env(w.worker(0));
    let sig = w.actors.workers[0].sign_hash(
        o.workerpool
            .operation_hash(Operation::Close, w.poco.domain_separator()),
    );
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_workerpool_order(&env, &o.workerpool, Operation::Close, &sig)
    });
    fails(&mut w, revert("invalid-signature-format"), |w| {
        w.poco
            .manage_workerpool_order(&env, &o.workerpool, Operation::Close, &[])
    });
    let mut o2 = o.workerpool.clone();
    o2.workerpool = Address::ZERO;
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco
            .manage_workerpool_order(&env, &o2, Operation::Close, &[])
    });
}

#[test]
fn manage_request_order_wrong_sender_bad_signature() {
    let mut w = world();
    let o = w.orders(&OrderParams::default());
    let env = w.env(w.actors.sponsor.address());
    let sig = w.actors.sponsor.sign_hash(
        o.request
            .operation_hash(Operation::Close, w.poco.domain_separator()),
    );
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_request_order(&env, &o.request, Operation::Close, &sig)
    });
    fails(&mut w, revert("invalid-signature-format"), |w| {
        w.poco
            .manage_request_order(&env, &o.request, Operation::Close, &[7u8; 66])
    });
}

#[test]
fn manage_order_erc1271_owner() {
    let mut w = world();
    let wallet = Address::repeat_byte(0x71);
    w.poco.deploy_contract(
        wallet,
        Contract::Erc1271Wallet {
            approved: BTreeSet::new(),
        },
    );
    let mut o = w.orders(&OrderParams::default());
    o.request.requester = wallet;
    let env = w.env(w.actors.anyone.address());
    // any bytes, any length: a contract owner is asked through ERC-1271 only
    fails(&mut w, revert("invalid-sender-or-signature"), |w| {
        w.poco
            .manage_request_order(&env, &o.request, Operation::Sign, &[])
    });
    let oh = o
        .request
        .operation_hash(Operation::Sign, w.poco.domain_separator());
    w.poco.deploy_contract(
        wallet,
        Contract::Erc1271Wallet {
            approved: [oh].into(),
        },
    );
    w.poco
        .manage_request_order(&env, &o.request, Operation::Sign, &[])
        .unwrap();
    assert_eq!(
        w.poco
            .view_presigned(o.request.hash(w.poco.domain_separator())),
        wallet
    );
}

// ------------------------------------------------------------------------------------------
// assertDatasetDealCompatibility (§5.8)

fn compat_setup() -> (World, B256, pocolab_core::DatasetOrder) {
    let (w, _, d) = matched(&OrderParams {
        with_dataset: false,
        ..Default::default()
    });
    let ds = w.poco.domain_separator();
    let mut o = pocolab_core::DatasetOrder {
        dataset: w.dataset,
        volume: u(1_000_000),
        ..Default::default()
    };
    o.sign = w.actors.dataset_provider.sign_hash(o.hash(ds));
    w.poco.assert_dataset_deal_compatibility(&o, d).unwrap();
    (w, d, o)
}

fn sign_ds(w: &World, o: &mut pocolab_core::DatasetOrder) {
    o.sign = w
        .actors
        .dataset_provider
        .sign_hash(o.hash(w.poco.domain_separator()));
}

#[test]
fn compat_1_revoked_or_consumed() {
    let (mut w, d, o) = compat_setup();
    let env = w.env(w.actors.dataset_provider.address());
    w.poco
        .manage_dataset_order(&env, &o, Operation::Close, &[])
        .unwrap();
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Dataset order is revoked or fully consumed"),
        |w| w.poco.assert_dataset_deal_compatibility(&o, d),
    );
}

#[test]
fn compat_2_bad_signature() {
    let (mut w, d, mut o) = compat_setup();
    o.sign = w.actors.anyone.sign_hash(o.hash(w.poco.domain_separator()));
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Invalid dataset order signature"),
        |w| w.poco.assert_dataset_deal_compatibility(&o, d),
    );
}

#[test]
fn compat_3_deal_not_found() {
    let (mut w, _, o) = compat_setup();
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Deal not found"),
        |w| w.poco.assert_dataset_deal_compatibility(&o, B256::ZERO),
    );
}

#[test]
fn compat_4_deal_has_dataset() {
    let (mut w, _, o) = compat_setup();
    let o2 = w.orders(&OrderParams {
        salt: salt(9),
        ..Default::default()
    });
    let d2 = w.match_orders(&o2).unwrap();
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Deal already has a dataset"),
        |w| w.poco.assert_dataset_deal_compatibility(&o, d2),
    );
}

#[test]
fn compat_5_6_7_restrictions() {
    let (mut w, d, o) = compat_setup();
    let mut a = o.clone();
    a.apprestrict = other();
    sign_ds(&w, &mut a);
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("App restriction not satisfied"),
        |w| w.poco.assert_dataset_deal_compatibility(&a, d),
    );
    let mut b = o.clone();
    b.workerpoolrestrict = other();
    sign_ds(&w, &mut b);
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Workerpool restriction not satisfied"),
        |w| w.poco.assert_dataset_deal_compatibility(&b, d),
    );
    let mut c = o.clone();
    c.requesterrestrict = other();
    sign_ds(&w, &mut c);
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Requester restriction not satisfied"),
        |w| w.poco.assert_dataset_deal_compatibility(&c, d),
    );
}

#[test]
fn compat_8_tag() {
    let (mut w, d, mut o) = compat_setup();
    o.tag = tee_tag();
    sign_ds(&w, &mut o);
    fails(
        &mut w,
        PocoError::IncompatibleDatasetOrder("Tag compatibility not satisfied"),
        |w| w.poco.assert_dataset_deal_compatibility(&o, d),
    );
}

#[test]
fn compat_not_a_contract() {
    let (mut w, d, mut o) = compat_setup();
    o.dataset = other();
    fails(&mut w, empty(Check::CallToNonContract), |w| {
        w.poco.assert_dataset_deal_compatibility(&o, d)
    });
}

// ------------------------------------------------------------------------------------------
// matchOrders (§6.2), one test per row

/// A world with funded accounts and signed orders; `edit` changes them; the match must fail
/// with `expected` (classic `matchOrders`, and the same for `sponsorMatchOrders`).
fn match_fails(p: &OrderParams, edit: impl FnOnce(&mut World, &mut Orders), expected: PocoError) {
    let mut w = world();
    let mut o = w.orders(p);
    edit(&mut w, &mut o);
    fails(&mut w, expected.clone(), |w| w.match_orders(&o));
    let env = w.env(w.actors.sponsor.address());
    fails(&mut w, expected, |w| {
        w.poco
            .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    });
}

macro_rules! match_case {
    ($name:ident, $code:expr, $params:expr, |$w:ident, $o:ident| $edit:block) => {
        #[test]
        fn $name() {
            #[allow(unused_variables, unused_mut)]
            match_fails(&$params, |$w: &mut World, $o: &mut Orders| $edit, $code);
        }
    };
}

fn d() -> OrderParams {
    OrderParams::default()
}

#[test]
fn match_control_succeeds() {
    let mut w = world();
    let o = w.orders(&priced());
    w.match_orders(&o).unwrap();
}

match_case!(
    match_0x00_category_mismatch,
    revert(codes::CATEGORY_MISMATCH),
    d(),
    |w, o| {
        o.request.category = u(1);
    }
);
match_case!(
    match_0x01_unknown_category,
    revert(codes::UNKNOWN_CATEGORY),
    OrderParams {
        category: u(5),
        ..d()
    },
    |w, o| {}
);
match_case!(
    match_0x02_trust_too_high,
    revert(codes::TRUST_TOO_HIGH),
    d(),
    |w, o| {
        o.request.trust = u(1);
    }
);
match_case!(
    match_0x03_app_overpriced,
    revert(codes::APP_OVERPRICED),
    priced(),
    |w, o| {
        o.request.appmaxprice -= u(1);
    }
);
match_case!(
    match_0x04_dataset_overpriced,
    revert(codes::DATASET_OVERPRICED),
    priced(),
    |w, o| {
        o.request.datasetmaxprice -= u(1);
    }
);
match_case!(
    match_0x04_null_dataset_price_still_checked,
    revert(codes::DATASET_OVERPRICED),
    OrderParams {
        with_dataset: false,
        ..d()
    },
    |w, o| {
        o.dataset.datasetprice = u(1);
    }
);
match_case!(
    match_0x05_workerpool_overpriced,
    revert(codes::WORKERPOOL_OVERPRICED),
    priced(),
    |w, o| {
        o.request.workerpoolmaxprice -= u(1);
    }
);
match_case!(
    match_0x06_tag_not_offered,
    revert(codes::TAG_NOT_OFFERED),
    d(),
    |w, o| {
        o.request.tag.0[0] = 0x80;
    }
);
match_case!(
    match_0x06_null_dataset_tag_counts,
    revert(codes::TAG_NOT_OFFERED),
    OrderParams {
        with_dataset: false,
        ..d()
    },
    |w, o| {
        o.dataset.tag.0[30] = 2;
    }
);
match_case!(
    match_0x07_tee_bit_mismatch,
    revert(codes::TEE_BIT_MISMATCH),
    d(),
    |w, o| {
        o.request.tag = tee_tag();
        o.workerpool.tag = tee_tag();
    }
);
match_case!(
    match_0x10_app_mismatch,
    revert(codes::APP_MISMATCH),
    d(),
    |w, o| {
        o.request.app = other();
    }
);
match_case!(
    match_0x11_dataset_mismatch,
    revert(codes::DATASET_MISMATCH),
    d(),
    |w, o| {
        o.request.dataset = Address::ZERO;
    }
);
match_case!(
    match_0x12_request_workerpool_restrict,
    revert(codes::REQUEST_WORKERPOOL_RESTRICT),
    d(),
    |w, o| {
        o.request.workerpool = other();
    }
);
match_case!(
    match_0x13_app_dataset_restrict,
    revert(codes::APP_DATASET_RESTRICT),
    d(),
    |w, o| {
        o.app.datasetrestrict = other();
    }
);
match_case!(
    match_0x13_app_dataset_restrict_without_dataset,
    revert(codes::APP_DATASET_RESTRICT),
    OrderParams {
        with_dataset: false,
        ..d()
    },
    |w, o| {
        o.app.datasetrestrict = w.dataset;
    }
);
match_case!(
    match_0x14_app_workerpool_restrict,
    revert(codes::APP_WORKERPOOL_RESTRICT),
    d(),
    |w, o| {
        o.app.workerpoolrestrict = other();
    }
);
match_case!(
    match_0x15_app_requester_restrict,
    revert(codes::APP_REQUESTER_RESTRICT),
    d(),
    |w, o| {
        o.app.requesterrestrict = other();
    }
);
match_case!(
    match_0x16_dataset_app_restrict,
    revert(codes::DATASET_APP_RESTRICT),
    d(),
    |w, o| {
        o.dataset.apprestrict = other();
    }
);
match_case!(
    match_0x17_dataset_workerpool_restrict,
    revert(codes::DATASET_WORKERPOOL_RESTRICT),
    d(),
    |w, o| {
        o.dataset.workerpoolrestrict = other();
    }
);
match_case!(
    match_0x18_dataset_requester_restrict,
    revert(codes::DATASET_REQUESTER_RESTRICT),
    d(),
    |w, o| {
        o.dataset.requesterrestrict = other();
    }
);
match_case!(
    match_0x18_null_dataset_restrictions_still_checked,
    revert(codes::DATASET_REQUESTER_RESTRICT),
    OrderParams {
        with_dataset: false,
        ..d()
    },
    |w, o| {
        o.dataset.requesterrestrict = other();
    }
);
match_case!(
    match_0x19_workerpool_app_restrict,
    revert(codes::WORKERPOOL_APP_RESTRICT),
    d(),
    |w, o| {
        o.workerpool.apprestrict = other();
    }
);
match_case!(
    match_0x1a_workerpool_dataset_restrict,
    revert(codes::WORKERPOOL_DATASET_RESTRICT),
    d(),
    |w, o| {
        o.workerpool.datasetrestrict = other();
    }
);
match_case!(
    match_0x1b_workerpool_requester_restrict,
    revert(codes::WORKERPOOL_REQUESTER_RESTRICT),
    d(),
    |w, o| {
        o.workerpool.requesterrestrict = other();
    }
);
match_case!(
    match_0x1b_identity_group_without_member,
    revert(codes::WORKERPOOL_REQUESTER_RESTRICT),
    d(),
    |w, o| {
        let group = Address::repeat_byte(0x61);
        w.poco.deploy_contract(
            group,
            Contract::Identity {
                members: [w.actors.sponsor.address()].into(),
            },
        );
        o.workerpool.requesterrestrict = group;
        resign(w, o);
    }
);
match_case!(
    match_row21_app_not_a_contract,
    empty(Check::CallToNonContract),
    d(),
    |w, o| {
        o.app.app = other();
        o.request.app = other();
    }
);
match_case!(
    match_0x20_app_not_registered,
    revert(codes::APP_NOT_REGISTERED),
    d(),
    |w, o| {
        // an address with code that answers owner() but is not an app
        o.app.app = w.dataset;
        o.request.app = w.dataset;
        resign(w, o);
    }
);
match_case!(
    match_0x21_app_bad_signature,
    revert(codes::APP_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.app.sign = w
            .actors
            .anyone
            .sign_hash(o.app.hash(w.poco.domain_separator()));
    }
);
match_case!(
    match_0x21_app_signature_of_other_order,
    revert(codes::APP_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.app.salt = salt(1);
    }
);
match_case!(
    match_0x21_app_signature_invalid_format,
    revert("invalid-signature-format"),
    d(),
    |w, o| {
        o.app.sign = Bytes::from_static(&[1, 2, 3]);
    }
);
match_case!(
    match_0x21_app_presigned_by_previous_owner,
    revert(codes::APP_BAD_SIGNATURE),
    d(),
    |w, o| {
        let env = w.env(w.actors.app_provider.address());
        w.poco
            .manage_app_order(&env, &o.app, Operation::Sign, &[])
            .unwrap();
        w.poco
            .transfer_asset(&env, AssetKind::App, w.app, other())
            .unwrap();
    }
);
match_case!(
    match_row24_dataset_not_a_contract,
    empty(Check::CallToNonContract),
    d(),
    |w, o| {
        o.dataset.dataset = other();
        o.request.dataset = other();
    }
);
match_case!(
    match_0x30_dataset_not_registered,
    revert(codes::DATASET_NOT_REGISTERED),
    d(),
    |w, o| {
        o.dataset.dataset = w.workerpool;
        o.request.dataset = w.workerpool;
        resign(w, o);
    }
);
match_case!(
    match_0x31_dataset_bad_signature,
    revert(codes::DATASET_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.dataset.sign = w
            .actors
            .app_provider
            .sign_hash(o.dataset.hash(w.poco.domain_separator()));
    }
);
match_case!(
    match_row27_workerpool_not_a_contract,
    empty(Check::CallToNonContract),
    d(),
    |w, o| {
        o.workerpool.workerpool = other();
        o.request.workerpool = Address::ZERO;
        resign(w, o);
    }
);
match_case!(
    match_0x40_workerpool_not_registered,
    revert(codes::WORKERPOOL_NOT_REGISTERED),
    d(),
    |w, o| {
        o.workerpool.workerpool = w.app;
        o.request.workerpool = w.app;
        resign(w, o);
    }
);
match_case!(
    match_0x41_workerpool_bad_signature,
    revert(codes::WORKERPOOL_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.workerpool.sign = w
            .actors
            .requester
            .sign_hash(o.workerpool.hash(w.poco.domain_separator()));
    }
);
match_case!(
    match_0x41_erc1271_owner_refuses,
    revert(codes::WORKERPOOL_BAD_SIGNATURE),
    d(),
    |w, o| {
        // the workerpool is now owned by a contract wallet that approves nothing
        let wallet = Address::repeat_byte(0x77);
        w.poco.deploy_contract(
            wallet,
            Contract::Erc1271Wallet {
                approved: BTreeSet::new(),
            },
        );
        let env = w.env(w.actors.scheduler.address());
        w.poco
            .transfer_asset(&env, AssetKind::Workerpool, w.workerpool, wallet)
            .unwrap();
    }
);
match_case!(
    match_0x50_request_bad_signature,
    revert(codes::REQUEST_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.request.sign = w
            .actors
            .sponsor
            .sign_hash(o.request.hash(w.poco.domain_separator()));
    }
);
match_case!(
    match_0x50_request_params_changed,
    revert(codes::REQUEST_BAD_SIGNATURE),
    d(),
    |w, o| {
        o.request.params = "x".into();
    }
);
match_case!(
    match_0x60_app_order_closed,
    revert(codes::VOLUME_ZERO),
    d(),
    |w, o| {
        let env = w.env(w.actors.app_provider.address());
        w.poco
            .manage_app_order(&env, &o.app, Operation::Close, &[])
            .unwrap();
    }
);
match_case!(
    match_0x60_request_volume_zero,
    revert(codes::VOLUME_ZERO),
    OrderParams {
        volume: u(0),
        ..d()
    },
    |w, o| {}
);
match_case!(
    match_0x60_dataset_consumed,
    revert(codes::VOLUME_ZERO),
    d(),
    |w, o| {
        let o2 = Orders {
            dataset: o.dataset.clone(),
            ..w.orders(&OrderParams {
                salt: salt(5),
                ..d()
            })
        };
        w.match_orders(&o2).unwrap();
    }
);
match_case!(
    match_0x60_workerpool_consumed,
    revert(codes::VOLUME_ZERO),
    d(),
    |w, o| {
        let o2 = Orders {
            workerpool: o.workerpool.clone(),
            ..w.orders(&OrderParams {
                salt: salt(5),
                ..d()
            })
        };
        w.match_orders(&o2).unwrap();
    }
);
match_case!(
    match_0x60_request_consumed,
    revert(codes::VOLUME_ZERO),
    d(),
    |w, o| {
        let o2 = Orders {
            request: o.request.clone(),
            ..w.orders(&OrderParams {
                salt: salt(5),
                ..d()
            })
        };
        w.match_orders(&o2).unwrap();
    }
);
// P_a + P_d + P_w overflows
match_case!(
    match_task_price_overflow,
    PocoError::Panic(Panic::Arithmetic),
    OrderParams {
        app_price: U256::MAX - u(5),
        workerpool_price: u(10),
        ..d()
    },
    |w, o| {}
);
// P · volume overflows
match_case!(
    match_price_times_volume_overflow,
    PocoError::Panic(Panic::Arithmetic),
    OrderParams {
        app_price: U256::MAX / u(2),
        volume: u(3),
        ..d()
    },
    |w, o| {}
);
match_case!(
    match_workerpool_stake_overflow,
    PocoError::Panic(Panic::Arithmetic),
    OrderParams {
        workerpool_price: U256::MAX / u(10),
        ..d()
    },
    |w, o| {}
);

/// Row 32: the sponsor (requester) cannot pay.
#[test]
fn match_row32_requester_cannot_pay() {
    let mut w = World::new(1, true);
    w.fund(w.actors.scheduler.address(), u(1_000 * RLC))
        .unwrap();
    w.fund(w.actors.requester.address(), u(15 * RLC - 1))
        .unwrap();
    let o = w.orders(&priced());
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| w.match_orders(&o));
}

/// Row 32 for sponsorMatchOrders: the caller pays, not the requester.
#[test]
fn sponsor_match_row32_sponsor_cannot_pay() {
    let mut w = World::new(1, true);
    w.fund(w.actors.scheduler.address(), u(1_000 * RLC))
        .unwrap();
    w.fund(w.actors.requester.address(), u(1_000 * RLC))
        .unwrap();
    let o = w.orders(&priced());
    let env = w.env(w.actors.sponsor.address());
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| {
        w.poco
            .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    });
    w.fund(w.actors.sponsor.address(), u(15 * RLC)).unwrap();
    let did = w
        .poco
        .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
        .unwrap();
    assert_eq!(w.poco.view_deal(did).sponsor, w.actors.sponsor.address());
    assert_eq!(
        w.poco.view_account(w.actors.requester.address()).frozen,
        U256::ZERO
    );
}

/// Row 33: the workerpool owner cannot stake; the sponsor's lock (row 32) is rolled back.
#[test]
fn match_row33_scheduler_cannot_stake() {
    let mut w = World::new(1, true);
    w.fund(w.actors.requester.address(), u(1_000 * RLC))
        .unwrap();
    w.fund(w.actors.scheduler.address(), u(3 * RLC - 1))
        .unwrap();
    let o = w.orders(&priced());
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| w.match_orders(&o));
    let env = w.env(w.actors.requester.address());
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| {
        w.poco
            .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    });
}

/// §5.6 edge case (§11 T17): a request with `requester = 0` "verifies" any well-sized invalid
/// signature; matchOrders then fails on the lock of the zero address, sponsorMatchOrders
/// goes through.
#[test]
fn match_row32_requester_zero_transfer_from_empty_address() {
    let mut w = world();
    let mut o = w.orders(&priced());
    o.request.requester = Address::ZERO;
    o.request.sign = Bytes::from(vec![0u8; 65]);
    fails(&mut w, revert(ERR_FROM_EMPTY), |w| w.match_orders(&o));
    let mut free = w.orders(&OrderParams {
        salt: salt(1),
        ..d()
    });
    free.request.requester = Address::ZERO;
    free.request.sign = Bytes::from(vec![0u8; 64]);
    fails(&mut w, revert(ERR_FROM_EMPTY), |w| w.match_orders(&free));
    let env = w.env(w.actors.sponsor.address());
    let did = w
        .poco
        .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
        .unwrap();
    assert_eq!(w.poco.view_deal(did).requester, Address::ZERO);
}

/// Presigned orders need no signature bytes; an empty signature of a non-presigned order
/// aborts with the format error.
#[test]
fn match_presigned_orders() {
    let mut w = world();
    let mut o = w.orders(&d());
    o.request.sign = Bytes::new();
    fails(&mut w, revert("invalid-signature-format"), |w| {
        w.match_orders(&o)
    });
    let env = w.env(w.actors.requester.address());
    w.poco
        .manage_request_order(&env, &o.request, Operation::Sign, &[])
        .unwrap();
    w.match_orders(&o).unwrap();
}

// ------------------------------------------------------------------------------------------
// initialize (§7.3), arrays (§7.11)

#[test]
fn initialize_1_idx_below_bot_first() {
    let mut w = world();
    // request of volume 2, app order of volume 1: two deals, the second starts at 1
    let mut o = w.orders(&d());
    o.request.volume = u(2);
    resign(&w, &mut o);
    let d1 = w.match_orders(&o).unwrap();
    let o2 = Orders {
        request: o.request.clone(),
        ..w.orders(&OrderParams {
            salt: salt(1),
            ..d()
        })
    };
    let d2 = w.match_orders(&o2).unwrap();
    assert_ne!(d1, d2);
    assert_eq!(w.poco.view_deal(d2).bot_first, u(1));
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::InitIdxBelowFirst), |w| {
        w.poco.initialize(&env, d2, u(0))
    });
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco.initialize(&env, d1, u(1))
    });
    w.poco.initialize(&env, d2, u(1)).unwrap();
}

#[test]
fn initialize_2_idx_above_last() {
    let (mut w, _, d) = matched(&OrderParams {
        volume: u(3),
        ..d()
    });
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco.initialize(&env, d, u(3))
    });
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco.initialize(&env, d, U256::MAX)
    });
    // unknown deal: botSize = 0
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco.initialize(&env, B256::ZERO, u(0))
    });
    w.poco.initialize(&env, d, u(2)).unwrap();
}

#[test]
fn initialize_3_task_not_unset() {
    let (mut w, d, _) = active(&d());
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::InitTaskNotUnset), |w| {
        w.poco.initialize(&env, d, u(0))
    });
}

#[test]
fn initialize_array_length_mismatch() {
    let (mut w, _, d) = matched(&d());
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::ArrayLengthMismatch), |w| {
        w.poco.initialize_array(&env, &[d, d], &[u(0)])
    });
    fails(&mut w, empty(Check::ArrayLengthMismatch), |w| {
        w.poco.initialize_and_claim_array(&env, &[d], &[])
    });
}

#[test]
fn initialize_array_atomic() {
    let (mut w, _, d) = matched(&OrderParams {
        volume: u(2),
        ..d()
    });
    let env = w.env(w.actors.anyone.address());
    // the third item fails: the first two tasks are not created
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco
            .initialize_array(&env, &[d, d, d], &[u(0), u(1), u(2)])
    });
    // a duplicate fails on its second occurrence
    fails(&mut w, empty(Check::InitTaskNotUnset), |w| {
        w.poco.initialize_array(&env, &[d, d], &[u(1), u(1)])
    });
    assert_eq!(
        w.poco
            .initialize_array(&env, &[d, d], &[u(0), u(1)])
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn initialize_and_claim_array_atomic() {
    let (mut w, _, d) = matched(&OrderParams {
        volume: u(2),
        ..priced()
    });
    let env = w.env(w.actors.anyone.address());
    // before the final deadline: the claim of the first item fails
    fails(&mut w, empty(Check::FinalDeadlineNotReached), |w| {
        w.poco.initialize_and_claim_array(&env, &[d], &[u(0)])
    });
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    // the first item succeeds (refund, kitty), the second fails: everything is undone
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco
            .initialize_and_claim_array(&env, &[d, d], &[u(0), u(5)])
    });
    fails(&mut w, empty(Check::InitTaskNotUnset), |w| {
        w.poco
            .initialize_and_claim_array(&env, &[d, d], &[u(1), u(1)])
    });
    w.poco
        .initialize_and_claim_array(&env, &[d, d], &[u(0), u(1)])
        .unwrap();
    assert_eq!(w.poco.view_account(KITTY_ADDRESS).frozen, u(2 * 3 * RLC));
}

// ------------------------------------------------------------------------------------------
// contribute (§7.4)

#[test]
fn contribute_1_task_not_active() {
    let (mut w, t) = revealing(&d());
    fails(&mut w, empty(Check::TaskNotActive), |w| {
        w.contribute(1, t, digest("result"))
    });
    // unknown task
    fails(&mut w, empty(Check::TaskNotActive), |w| {
        w.contribute(1, B256::ZERO, digest("result"))
    });
}

#[test]
fn contribute_2_deadline_reached() {
    let (mut w, _, t) = active(&d());
    w.advance(7 * R); // now == contributionDeadline
    fails(&mut w, empty(Check::ContributionDeadlineReached), |w| {
        w.contribute(0, t, digest("result"))
    });
    w.now -= 1;
    w.contribute(0, t, digest("result")).unwrap();
}

#[test]
fn contribute_3_already_contributed() {
    let (mut w, _, t) = active(&OrderParams {
        trust: u(100),
        ..d()
    });
    w.contribute(0, t, digest("a")).unwrap();
    fails(&mut w, empty(Check::AlreadyContributed), |w| {
        w.contribute(0, t, digest("b"))
    });
}

#[test]
fn contribute_3_rejected_worker_cannot_contribute_again() {
    let (mut w, t) = revealing(&d());
    w.advance(2 * R);
    let env = w.env(w.actors.scheduler.address());
    w.poco.reopen(&env, t).unwrap();
    fails(&mut w, empty(Check::AlreadyContributed), |w| {
        w.contribute(0, t, digest("result"))
    });
    w.contribute(1, t, digest("result")).unwrap();
}

#[test]
fn contribute_4_enclave_required() {
    let (mut w, _, t) = active(&OrderParams {
        tag: tee_tag(),
        ..d()
    });
    fails(&mut w, empty(Check::EnclaveRequired), |w| {
        w.contribute(0, t, digest("result"))
    });
}

#[test]
fn contribute_5_invalid_authorization() {
    let (mut w, _, t) = active(&d());
    let wk = w.worker(0);
    let dg = digest("result");
    let (rh, rs) = (result_hash(t, dg), result_seal(wk, t, dg));
    // signed by a worker, not the scheduler
    let auth = w.authorize_with(&w.actors.workers[1].clone(), wk, t, Address::ZERO);
    fails(&mut w, empty(Check::InvalidAuthorization), |w| {
        contribute_raw(w, 0, t, rh, rs, Address::ZERO, &[], &auth)
    });
    // the scheduler's authorization of another worker
    let auth = w.authorize(w.worker(1), t);
    fails(&mut w, empty(Check::InvalidAuthorization), |w| {
        contribute_raw(w, 0, t, rh, rs, Address::ZERO, &[], &auth)
    });
    // the raw hash instead of the eth-signed message
    let auth = w
        .actors
        .scheduler
        .sign_hash(authorization_hash(wk, t, Address::ZERO));
    fails(&mut w, empty(Check::InvalidAuthorization), |w| {
        contribute_raw(w, 0, t, rh, rs, Address::ZERO, &[], &auth)
    });
    // malformed
    fails(&mut w, revert("invalid-signature-format"), |w| {
        contribute_raw(w, 0, t, rh, rs, Address::ZERO, &[], &[])
    });
}

#[test]
fn contribute_5_scheduler_authorization_refused_when_broker_set() {
    let (mut w, _, t) = active(&OrderParams {
        tag: tee_tag(),
        ..d()
    });
    let env = w.env(w.actors.admin.address());
    w.poco.set_tee_broker(&env, w.actors.sms.address()).unwrap();
    let (wk, e) = (w.worker(0), w.actors.enclave.address());
    let dg = digest("result");
    let (rh, rs) = (result_hash(t, dg), result_seal(wk, t, dg));
    let esig = w.actors.enclave.sign_eth_message(enclave_hash(rh, rs));
    let auth = w.authorize_with(&w.actors.scheduler.clone(), wk, t, e);
    fails(&mut w, empty(Check::InvalidAuthorization), |w| {
        contribute_raw(w, 0, t, rh, rs, e, &esig, &auth)
    });
    let auth = w.authorize_with(&w.actors.sms.clone(), wk, t, e);
    contribute_raw(&mut w, 0, t, rh, rs, e, &esig, &auth).unwrap();
}

#[test]
fn contribute_6_invalid_enclave_signature() {
    let (mut w, _, t) = active(&OrderParams {
        tag: tee_tag(),
        ..d()
    });
    let (wk, e) = (w.worker(0), w.actors.enclave.address());
    let dg = digest("result");
    let (rh, rs) = (result_hash(t, dg), result_seal(wk, t, dg));
    let auth = w.authorize_with(&w.actors.scheduler.clone(), wk, t, e);
    let bad = w.actors.anyone.sign_eth_message(enclave_hash(rh, rs));
    fails(&mut w, empty(Check::InvalidEnclaveSignature), |w| {
        contribute_raw(w, 0, t, rh, rs, e, &bad, &auth)
    });
    // the enclave signs another result
    let bad = w.actors.enclave.sign_eth_message(enclave_hash(rs, rh));
    fails(&mut w, empty(Check::InvalidEnclaveSignature), |w| {
        contribute_raw(w, 0, t, rh, rs, e, &bad, &auth)
    });
    fails(&mut w, revert("invalid-signature-format"), |w| {
        contribute_raw(w, 0, t, rh, rs, e, &[0u8; 10], &auth)
    });
    let esig = w.actors.enclave.sign_eth_message(enclave_hash(rh, rs));
    contribute_raw(&mut w, 0, t, rh, rs, e, &esig, &auth).unwrap();
}

#[test]
fn contribute_stake_exceeds_balance() {
    let mut w = World::new(2, true);
    w.fund(w.actors.requester.address(), u(1_000 * RLC))
        .unwrap();
    w.fund(w.actors.scheduler.address(), u(1_000 * RLC))
        .unwrap();
    w.fund(w.worker(0), u(3 * RLC - 1)).unwrap(); // S_w = 30 % of 10 RLC
    let o = w.orders(&priced());
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| {
        w.contribute(0, t, digest("result"))
    });
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| {
        w.contribute(1, t, digest("result"))
    });
}

#[test]
fn contribute_consensus_product_overflow() {
    // τ = 2²⁵⁵: group·τ overflows at the first contribution (§7.5)
    let big = U256::from(1) << 255;
    let (mut w, _, t) = active(&OrderParams { trust: big, ..d() });
    fails(&mut w, PocoError::Panic(Panic::Arithmetic), |w| {
        w.contribute(0, t, digest("result"))
    });
}

/// §4: a category with R = 0 is legal; its tasks can never be contributed to and can be
/// claimed at once.
#[test]
fn contribute_2_category_with_zero_timeref() {
    let mut w = world();
    let env = w.env(w.actors.admin.address());
    let cat = w
        .poco
        .create_category(&env, "ZERO", "R = 0", U256::ZERO)
        .unwrap();
    let o = w.orders(&OrderParams {
        category: cat,
        ..priced()
    });
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    fails(&mut w, empty(Check::ContributionDeadlineReached), |w| {
        w.contribute(0, t, digest("result"))
    });
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::ContributionDeadlineReached), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
    let env = w.env(w.actors.anyone.address());
    w.poco.claim(&env, t).unwrap();
}

// ------------------------------------------------------------------------------------------
// reveal (§7.6)

#[test]
fn reveal_1_task_not_revealing() {
    let (mut w, _, t) = active(&OrderParams {
        trust: u(100),
        ..d()
    });
    w.contribute(0, t, digest("result")).unwrap();
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.reveal(0, t, digest("result"))
    });
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.reveal(0, B256::ZERO, digest("result"))
    });
}

#[test]
fn reveal_2_deadline_reached() {
    let (mut w, t) = revealing(&d());
    w.advance(2 * R); // now == revealDeadline
    fails(&mut w, empty(Check::RevealDeadlineReached), |w| {
        w.reveal(0, t, digest("result"))
    });
    w.now -= 1;
    w.reveal(0, t, digest("result")).unwrap();
}

#[test]
fn reveal_3_not_contributed() {
    let (mut w, t) = revealing(&d());
    fails(&mut w, empty(Check::ContributionNotContributed), |w| {
        w.reveal(1, t, digest("result"))
    });
    w.reveal(0, t, digest("result")).unwrap();
    // already PROVED
    fails(&mut w, empty(Check::ContributionNotContributed), |w| {
        w.reveal(0, t, digest("result"))
    });
}

#[test]
fn reveal_4_not_consensus_value() {
    let (mut w, _, t) = active(&OrderParams { trust: u(4), ..d() });
    w.set_score(1, 300); // ω = 99 decides alone against one dissenter
    w.contribute(0, t, digest("bad")).unwrap();
    w.contribute(1, t, digest("good")).unwrap();
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Revealing);
    fails(&mut w, empty(Check::NotConsensusValue), |w| {
        w.reveal(0, t, digest("bad"))
    });
}

#[test]
fn reveal_5_result_hash_mismatch() {
    let (mut w, t) = revealing(&d());
    fails(&mut w, empty(Check::ResultHashMismatch), |w| {
        w.reveal(0, t, digest("other"))
    });
}

#[test]
fn reveal_6_result_seal_mismatch() {
    let (mut w, _, t) = active(&d());
    let dg = digest("result");
    let wk = w.worker(0);
    let auth = w.authorize(wk, t);
    // the seal of another worker (copied commitment)
    let seal = result_seal(w.worker(1), t, dg);
    contribute_raw(
        &mut w,
        0,
        t,
        result_hash(t, dg),
        seal,
        Address::ZERO,
        &[],
        &auth,
    )
    .unwrap();
    fails(&mut w, empty(Check::ResultSealMismatch), |w| {
        w.reveal(0, t, dg)
    });
}

// ------------------------------------------------------------------------------------------
// reopen (§7.7)

#[test]
fn reopen_access_not_scheduler() {
    let (mut w, t) = revealing(&d());
    w.advance(2 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::NotScheduler), |w| {
        w.poco.reopen(&env, t)
    });
    // the current owner of the workerpool is not the stored one
    let env = w.env(w.actors.scheduler.address());
    let new_owner = w.actors.anyone.address();
    w.poco
        .transfer_asset(&env, AssetKind::Workerpool, w.workerpool, new_owner)
        .unwrap();
    let env = w.env(new_owner);
    fails(&mut w, empty(Check::NotScheduler), |w| {
        w.poco.reopen(&env, t)
    });
    let env = w.env(w.actors.scheduler.address());
    w.poco.reopen(&env, t).unwrap();
}

#[test]
fn reopen_1_not_revealing() {
    let (mut w, _, t) = active(&d());
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.poco.reopen(&env, t)
    });
}

#[test]
fn reopen_2_final_deadline_reached() {
    let (mut w, _, t) = active(&d());
    w.advance(7 * R - 1);
    w.contribute(0, t, digest("result")).unwrap(); // revealDeadline = start + 9R − 1
    w.advance(3 * R + 1); // now == start + 10R
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::FinalDeadlineReached), |w| {
        w.poco.reopen(&env, t)
    });
    w.now -= 1;
    let env = w.env(w.actors.scheduler.address());
    w.poco.reopen(&env, t).unwrap();
}

#[test]
fn reopen_3_reveal_deadline_not_reached() {
    let (mut w, t) = revealing(&d());
    w.advance(2 * R - 1);
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::RevealDeadlineNotReached), |w| {
        w.poco.reopen(&env, t)
    });
}

#[test]
fn reopen_4_someone_revealed() {
    let (mut w, _, t) = active(&OrderParams { trust: u(2), ..d() });
    w.contribute(0, t, digest("result")).unwrap(); // τ = 2: ω = 2 wins alone (2·2 > 3·1)
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Revealing);
    w.reveal(0, t, digest("result")).unwrap();
    w.advance(2 * R);
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::SomeoneRevealed), |w| {
        w.poco.reopen(&env, t)
    });
}

// ------------------------------------------------------------------------------------------
// finalize (§7.8)

#[test]
fn finalize_1_not_scheduler() {
    let (mut w, t) = revealing(&d());
    w.reveal(0, t, digest("result")).unwrap();
    let env = w.env(w.worker(0));
    fails(&mut w, empty(Check::NotScheduler), |w| {
        w.poco.finalize(&env, t, b"result", &[])
    });
}

#[test]
fn finalize_2_not_revealing() {
    let (mut w, _, t) = active(&d());
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.finalize(t, b"result")
    });
    // unknown task: the zero deal's pool owner is 0
    let env = w.env(Address::ZERO);
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.poco.finalize(&env, B256::ZERO, b"", &[])
    });
}

#[test]
fn finalize_2_already_completed() {
    let (mut w, t) = revealing(&d());
    w.reveal(0, t, digest("result")).unwrap();
    w.finalize(t, b"result").unwrap();
    fails(&mut w, empty(Check::TaskNotRevealing), |w| {
        w.finalize(t, b"result")
    });
}

#[test]
fn finalize_3_final_deadline_reached() {
    let (mut w, _, t) = active(&d());
    w.advance(7 * R - 1);
    w.contribute(0, t, digest("result")).unwrap();
    w.reveal(0, t, digest("result")).unwrap();
    w.advance(3 * R + 1); // now == start + 10R
    fails(&mut w, empty(Check::FinalDeadlineReached), |w| {
        w.finalize(t, b"result")
    });
}

#[test]
fn finalize_4_not_enough_reveals() {
    // nobody revealed
    let (mut w, t) = revealing(&d());
    fails(&mut w, empty(Check::NotEnoughReveals), |w| {
        w.finalize(t, b"result")
    });
    w.advance(2 * R);
    fails(&mut w, empty(Check::NotEnoughReveals), |w| {
        w.finalize(t, b"result")
    });
    // one of two winners revealed, before the reveal deadline
    let (mut w, _, t) = active(&OrderParams { trust: u(3), ..d() });
    w.contribute(0, t, digest("result")).unwrap();
    w.contribute(1, t, digest("result")).unwrap();
    assert_eq!(w.poco.view_task(t).winner_counter, u(2));
    w.reveal(0, t, digest("result")).unwrap();
    w.advance(2 * R - 1);
    fails(&mut w, empty(Check::NotEnoughReveals), |w| {
        w.finalize(t, b"result")
    });
    w.advance(1);
    w.finalize(t, b"result").unwrap();
}

#[test]
fn finalize_5_callback_data_mismatch() {
    // no callback: resultsCallback must be empty
    let (mut w, t) = revealing(&d());
    w.reveal(0, t, digest("result")).unwrap();
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::CallbackDataMismatch), |w| {
        w.poco.finalize(&env, t, b"result", b"x")
    });
    // with a callback: keccak(resultsCallback) must be the revealed digest
    let p = OrderParams {
        callback: Address::repeat_byte(0xcb),
        ..d()
    };
    let (mut w, _, t) = active(&p);
    let cb = b"callback-data";
    w.contribute(0, t, keccak256(cb)).unwrap();
    w.reveal(0, t, keccak256(cb)).unwrap();
    let env = w.env(w.actors.scheduler.address());
    fails(&mut w, empty(Check::CallbackDataMismatch), |w| {
        w.poco.finalize(&env, t, b"result", b"other")
    });
    fails(&mut w, empty(Check::CallbackDataMismatch), |w| {
        w.poco.finalize(&env, t, b"result", &[])
    });
    w.poco.finalize(&env, t, b"result", cb).unwrap();
    assert_eq!(w.poco.result_for(t).unwrap(), Bytes::from_static(cb));
}

// ------------------------------------------------------------------------------------------
// contributeAndFinalize (§7.9)

#[test]
fn caf_1_task_not_active() {
    let (mut w, t) = revealing(&d());
    let auth = w.authorize(w.worker(1), t);
    fails(&mut w, empty(Check::TaskNotActive), |w| {
        caf(w, 1, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
    fails(&mut w, empty(Check::TaskNotActive), |w| {
        caf(
            w,
            1,
            B256::ZERO,
            digest("r"),
            &[],
            Address::ZERO,
            &[],
            &auth,
        )
    });
}

#[test]
fn caf_2_deadline_reached() {
    let (mut w, _, t) = active(&d());
    w.advance(7 * R);
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::ContributionDeadlineReached), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
}

#[test]
fn caf_3_has_contributors() {
    // τ = 1: contributor, no reveal, reopen: the task is ACTIVE again with one contributor
    let (mut w, t) = revealing(&d());
    w.advance(2 * R);
    let env = w.env(w.actors.scheduler.address());
    w.poco.reopen(&env, t).unwrap();
    let auth = w.authorize(w.worker(1), t);
    fails(&mut w, empty(Check::HasContributors), |w| {
        caf(w, 1, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
}

#[test]
fn caf_4_trust_not_one() {
    let (mut w, _, t) = active(&OrderParams { trust: u(2), ..d() });
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::TrustNotOne), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
}

#[test]
fn caf_6_callback_data_mismatch() {
    let (mut w, _, t) = active(&d());
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::CallbackDataMismatch), |w| {
        caf(w, 0, t, digest("r"), b"x", Address::ZERO, &[], &auth)
    });
    let (mut w, _, t) = active(&OrderParams {
        callback: Address::repeat_byte(0xcb),
        ..d()
    });
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::CallbackDataMismatch), |w| {
        caf(w, 0, t, digest("r"), b"x", Address::ZERO, &[], &auth)
    });
    caf(
        &mut w,
        0,
        t,
        keccak256(b"x"),
        b"x",
        Address::ZERO,
        &[],
        &auth,
    )
    .unwrap();
    assert_eq!(w.poco.state.callbacks_delivered, 1);
}

#[test]
fn caf_7_enclave_required() {
    let (mut w, _, t) = active(&OrderParams {
        tag: tee_tag(),
        ..d()
    });
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, empty(Check::EnclaveRequired), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
}

#[test]
fn caf_8_invalid_authorization() {
    let (mut w, _, t) = active(&d());
    let auth = w.authorize(w.worker(1), t);
    fails(&mut w, empty(Check::InvalidAuthorization), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &auth)
    });
    fails(&mut w, revert("invalid-signature-format"), |w| {
        caf(w, 0, t, digest("r"), &[], Address::ZERO, &[], &[])
    });
}

#[test]
fn caf_9_invalid_enclave_signature() {
    let (mut w, _, t) = active(&OrderParams {
        tag: tee_tag(),
        ..priced()
    });
    let (wk, e) = (w.worker(0), w.actors.enclave.address());
    let dg = digest("r");
    let auth = w.authorize_with(&w.actors.scheduler.clone(), wk, t, e);
    let bad = w
        .actors
        .enclave
        .sign_eth_message(enclave_hash(result_hash(t, dg), B256::ZERO));
    fails(&mut w, empty(Check::InvalidEnclaveSignature), |w| {
        caf(w, 0, t, dg, &[], e, &bad, &auth)
    });
    let good = w
        .actors
        .enclave
        .sign_eth_message(enclave_hash(result_hash(t, dg), result_seal(wk, t, dg)));
    caf(&mut w, 0, t, dg, &[], e, &good, &auth).unwrap();
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Completed);
}

// ------------------------------------------------------------------------------------------
// claim (§7.10) and claimArray (§7.11)

#[test]
fn claim_1_not_claimable() {
    let (mut w, t) = revealing(&d());
    w.reveal(0, t, digest("result")).unwrap();
    w.finalize(t, b"result").unwrap();
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::TaskNotClaimable), |w| {
        w.poco.claim(&env, t)
    });
    fails(&mut w, empty(Check::TaskNotClaimable), |w| {
        w.poco.claim(&env, B256::ZERO)
    });
}

#[test]
fn claim_1_already_failed() {
    let (mut w, _, t) = active(&priced());
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    w.poco.claim(&env, t).unwrap();
    fails(&mut w, empty(Check::TaskNotClaimable), |w| {
        w.poco.claim(&env, t)
    });
}

#[test]
fn claim_2_final_deadline_not_reached() {
    let (mut w, t) = revealing(&priced());
    w.advance(10 * R - 1);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::FinalDeadlineNotReached), |w| {
        w.poco.claim(&env, t)
    });
    w.advance(1);
    let env = w.env(w.actors.anyone.address());
    w.poco.claim(&env, t).unwrap();
}

#[test]
fn claim_array_atomic() {
    let (mut w, _, d) = matched(&OrderParams {
        volume: u(2),
        ..priced()
    });
    let t0 = w.initialize(d, 0).unwrap();
    let t1 = w.initialize(d, 1).unwrap();
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::TaskNotClaimable), |w| {
        w.poco.claim_array(&env, &[t0, B256::ZERO])
    });
    fails(&mut w, empty(Check::TaskNotClaimable), |w| {
        w.poco.claim_array(&env, &[t0, t1, t0])
    });
    w.poco.claim_array(&env, &[t0, t1]).unwrap();
    w.poco.claim_array(&env, &[]).unwrap();
}

/// Pruning (a simulator memory optimisation, not a PoCo call): only a final task, and a deal
/// once all of its tasks are pruned.
#[test]
fn prune_final_tasks_then_their_deal() {
    let (mut w, _, d) = matched(&OrderParams {
        volume: u(2),
        ..priced()
    });
    let t0 = w.initialize(d, 0).unwrap();
    let t1 = w.initialize(d, 1).unwrap();
    assert_eq!(w.poco.prune_task(t0), None, "ACTIVE task pruned");
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    w.poco.claim(&env, t0).unwrap();
    assert_eq!(w.poco.prune_deal(d), None, "deal pruned before its tasks");
    let pruned = w.poco.prune_task(t0).expect("FAILED task");
    assert_eq!(pruned.status, TaskStatus::Failed);
    assert_eq!(w.poco.view_task(t0).status, TaskStatus::Unset);
    assert_eq!(
        w.poco.prune_deal(d),
        None,
        "deal pruned with a running task"
    );
    w.poco.claim(&env, t1).unwrap();
    assert!(w.poco.prune_task(t1).is_some());
    assert_eq!(w.poco.prune_deal(d).map(|x| x.bot_size), Some(u(2)));
    assert!(!w.poco.state.deals.contains_key(&d));
}

// ------------------------------------------------------------------------------------------
// Boost (§9.2–9.4)

fn boost_env(w: &World) -> pocolab_core::Env {
    w.env(w.actors.anyone.address())
}

fn boost_match(w: &mut World, o: &Orders) -> Result<B256> {
    let env = boost_env(w);
    w.poco
        .match_orders_boost(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
}

fn boost_fails(p: &OrderParams, edit: impl FnOnce(&mut World, &mut Orders), expected: PocoError) {
    let mut w = world();
    let mut o = w.orders(p);
    edit(&mut w, &mut o);
    fails(&mut w, expected.clone(), |w| boost_match(w, &o));
    let env = w.env(w.actors.sponsor.address());
    fails(&mut w, expected, |w| {
        w.poco
            .sponsor_match_orders_boost(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    });
}

macro_rules! boost_case {
    ($name:ident, $msg:expr, $params:expr, |$w:ident, $o:ident| $edit:block) => {
        #[test]
        fn $name() {
            #[allow(unused_variables, unused_mut)]
            boost_fails(&$params, |$w: &mut World, $o: &mut Orders| $edit, $msg);
        }
    };
}

boost_case!(
    boost_match_bad_trust,
    revert("PocoBoost: Bad trust level"),
    OrderParams { trust: u(2), ..d() },
    |w, o| {
        o.request.category = u(1); // the trust check comes first
    }
);
boost_case!(
    boost_match_category_mismatch,
    revert("PocoBoost: Category mismatch"),
    d(),
    |w, o| {
        o.workerpool.category = u(1);
    }
);
boost_case!(
    boost_match_unknown_category,
    revert("PocoBoost: Unknown category"),
    OrderParams {
        category: u(7),
        ..d()
    },
    |w, o| {}
);
boost_case!(
    boost_match_overpriced_app,
    revert("PocoBoost: Overpriced app"),
    priced(),
    |w, o| {
        o.app.appprice += u(1);
    }
);
boost_case!(
    boost_match_overpriced_dataset,
    revert("PocoBoost: Overpriced dataset"),
    priced(),
    |w, o| {
        o.dataset.datasetprice += u(1);
    }
);
boost_case!(
    boost_match_overpriced_workerpool,
    revert("PocoBoost: Overpriced workerpool"),
    priced(),
    |w, o| {
        o.workerpool.workerpoolprice += u(1);
    }
);
boost_case!(
    boost_match_workerpool_tag,
    revert("PocoBoost: Workerpool tag does not match demand"),
    d(),
    |w, o| {
        o.dataset.tag.0[31] = 2;
    }
);
boost_case!(
    boost_match_app_tag,
    revert("PocoBoost: App tag does not match demand"),
    d(),
    |w, o| {
        o.request.tag = tee_tag();
        o.workerpool.tag = tee_tag();
    }
);
boost_case!(
    boost_match_app_mismatch,
    revert("PocoBoost: App mismatch"),
    d(),
    |w, o| {
        o.app.app = other();
    }
);
boost_case!(
    boost_match_dataset_mismatch,
    revert("PocoBoost: Dataset mismatch"),
    d(),
    |w, o| {
        o.dataset.dataset = Address::ZERO;
    }
);
boost_case!(
    boost_match_restrict_request_workerpool,
    revert("PocoBoost: Workerpool restricted by request order"),
    d(),
    |w, o| {
        o.request.workerpool = other();
    }
);
boost_case!(
    boost_match_restrict_app_dataset,
    revert("PocoBoost: Dataset restricted by app order"),
    d(),
    |w, o| {
        o.app.datasetrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_app_workerpool,
    revert("PocoBoost: Workerpool restricted by app order"),
    d(),
    |w, o| {
        o.app.workerpoolrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_app_requester,
    revert("PocoBoost: Requester restricted by app order"),
    d(),
    |w, o| {
        o.app.requesterrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_dataset_app,
    revert("PocoBoost: App restricted by dataset order"),
    d(),
    |w, o| {
        o.dataset.apprestrict = other();
    }
);
boost_case!(
    boost_match_restrict_dataset_workerpool,
    revert("PocoBoost: Workerpool restricted by dataset order"),
    d(),
    |w, o| {
        o.dataset.workerpoolrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_dataset_requester,
    revert("PocoBoost: Requester restricted by dataset order"),
    d(),
    |w, o| {
        o.dataset.requesterrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_workerpool_app,
    revert("PocoBoost: App restricted by workerpool order"),
    d(),
    |w, o| {
        o.workerpool.apprestrict = other();
    }
);
boost_case!(
    boost_match_restrict_workerpool_dataset,
    revert("PocoBoost: Dataset restricted by workerpool order"),
    d(),
    |w, o| {
        o.workerpool.datasetrestrict = other();
    }
);
boost_case!(
    boost_match_restrict_workerpool_requester,
    revert("PocoBoost: Requester restricted by workerpool order"),
    d(),
    |w, o| {
        o.workerpool.requesterrestrict = other();
    }
);
// Boost checks the registry before owner(): an EOA app is "not registered", not an abort
boost_case!(
    boost_match_app_not_registered_eoa,
    revert("PocoBoost: App not registered"),
    d(),
    |w, o| {
        o.app.app = other();
        o.request.app = other();
    }
);
boost_case!(
    boost_match_app_not_registered,
    revert("PocoBoost: App not registered"),
    d(),
    |w, o| {
        o.app.app = w.workerpool;
        o.request.app = w.workerpool;
    }
);
boost_case!(
    boost_match_app_bad_signature,
    revert("PocoBoost: Invalid app order signature"),
    d(),
    |w, o| {
        o.app.salt = salt(3);
    }
);
boost_case!(
    boost_match_dataset_not_registered,
    revert("PocoBoost: Dataset not registered"),
    d(),
    |w, o| {
        o.dataset.dataset = other();
        o.request.dataset = other();
        resign(w, o);
    }
);
boost_case!(
    boost_match_dataset_bad_signature,
    revert("PocoBoost: Invalid dataset order signature"),
    d(),
    |w, o| {
        o.dataset.salt = salt(3);
    }
);
boost_case!(
    boost_match_workerpool_not_registered,
    revert("PocoBoost: Workerpool not registered"),
    d(),
    |w, o| {
        o.workerpool.workerpool = w.dataset;
        o.request.workerpool = w.dataset;
        resign(w, o);
    }
);
boost_case!(
    boost_match_workerpool_bad_signature,
    revert("PocoBoost: Invalid workerpool order signature"),
    d(),
    |w, o| {
        o.workerpool.salt = salt(3);
    }
);
boost_case!(
    boost_match_request_bad_signature,
    revert("PocoBoost: Invalid request order signature"),
    d(),
    |w, o| {
        o.request.salt = salt(3);
    }
);
boost_case!(
    boost_match_invalid_signature_format,
    revert("invalid-signature-format"),
    d(),
    |w, o| {
        o.request.sign = Bytes::new();
    }
);
boost_case!(
    boost_match_volume_zero,
    revert("PocoBoost: One or more orders consumed"),
    d(),
    |w, o| {
        let env = w.env(w.actors.scheduler.address());
        w.poco
            .manage_workerpool_order(&env, &o.workerpool, Operation::Close, &[])
            .unwrap();
    }
);
boost_case!(
    boost_match_safecast_app_price,
    PocoError::SafeCast {
        bits: 96,
        value: U256::from(1) << 96
    },
    OrderParams {
        app_price: U256::from(1) << 96,
        ..d()
    },
    |w, o| {}
);
boost_case!(
    boost_match_safecast_dataset_price,
    PocoError::SafeCast {
        bits: 96,
        value: U256::from(1) << 100
    },
    OrderParams {
        dataset_price: U256::from(1) << 100,
        ..d()
    },
    |w, o| {}
);
boost_case!(
    boost_match_safecast_workerpool_price,
    PocoError::SafeCast {
        bits: 96,
        value: U256::MAX
    },
    OrderParams {
        workerpool_price: U256::MAX,
        ..d()
    },
    |w, o| {}
);
boost_case!(
    boost_match_safecast_volume,
    PocoError::SafeCast {
        bits: 16,
        value: u(1 << 16)
    },
    OrderParams {
        volume: u(1 << 16),
        ..d()
    },
    |w, o| {}
);
boost_case!(
    boost_match_lock_exceeds_balance,
    revert(ERR_EXCEEDS_BALANCE),
    OrderParams {
        app_price: u(2_000 * RLC),
        ..d()
    },
    |w, o| {}
);
// B2: the null dataset order's price is locked: the lock can fail because of it
boost_case!(
    boost_match_b2_phantom_dataset_price_lock,
    revert(ERR_EXCEEDS_BALANCE),
    OrderParams {
        with_dataset: false,
        ..d()
    },
    |w, o| {
        o.request.datasetmaxprice = u(2_000 * RLC);
        o.dataset.datasetprice = u(2_000 * RLC);
        resign(w, o);
    }
);

#[test]
fn boost_match_safecast_deadline() {
    let mut w = world();
    let o = w.orders(&d());
    w.now = 1u64 << 40; // matchTime + 7R ≥ 2⁴⁰
    fails(
        &mut w,
        PocoError::SafeCast {
            bits: 40,
            value: u((1u64 << 40) + 7 * R),
        },
        |w| boost_match(w, &o),
    );
}

#[test]
fn boost_match_safecast_bot_first() {
    let mut w = world();
    let big = 1u64 << 16;
    let mut o = w.orders(&OrderParams {
        volume: u(big),
        ..d()
    });
    o.request.volume = u(big + 1);
    resign(&w, &mut o);
    // a classic match consumes 2¹⁶ of the request; the Boost deal would start at 2¹⁶
    w.match_orders(&o).unwrap();
    let o2 = Orders {
        request: o.request.clone(),
        ..w.orders(&OrderParams {
            salt: salt(2),
            ..d()
        })
    };
    fails(
        &mut w,
        PocoError::SafeCast {
            bits: 16,
            value: u(big),
        },
        |w| boost_match(w, &o2),
    );
}

#[test]
fn boost_match_workerpool_stake_exceeds_balance() {
    let mut w = World::new(1, true);
    w.fund(w.actors.requester.address(), u(1_000 * RLC))
        .unwrap();
    let o = w.orders(&priced());
    fails(&mut w, revert(ERR_EXCEEDS_BALANCE), |w| boost_match(w, &o));
}

fn boost_deal(p: &OrderParams) -> (World, B256) {
    let mut w = world();
    let o = w.orders(p);
    let did = boost_match(&mut w, &o).unwrap();
    (w, did)
}

#[allow(clippy::too_many_arguments)]
fn push(
    w: &mut World,
    i: usize,
    did: B256,
    idx: u64,
    results: &[u8],
    cb: &[u8],
    auth: &[u8],
    enclave: Address,
    esig: &[u8],
) -> Result<()> {
    let env = w.env(w.worker(i));
    w.poco
        .push_result_boost(&env, did, u(idx), results, cb, auth, enclave, esig)
}

fn boost_auth(w: &World, i: usize, did: B256, idx: u64) -> Bytes {
    w.authorize(w.worker(i), task_id(did, u(idx)))
}

#[test]
fn boost_push_unknown_task() {
    let (mut w, did) = boost_deal(&OrderParams {
        volume: u(2),
        ..d()
    });
    let auth = boost_auth(&w, 0, did, 2);
    fails(&mut w, revert("PocoBoost: Unknown task"), |w| {
        push(w, 0, did, 2, b"r", &[], &auth, Address::ZERO, &[])
    });
    fails(&mut w, revert("PocoBoost: Unknown task"), |w| {
        push(w, 0, B256::ZERO, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

#[test]
fn boost_push_task_not_unset() {
    let (mut w, did) = boost_deal(&priced());
    let auth = boost_auth(&w, 0, did, 0);
    push(&mut w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[]).unwrap();
    fails(&mut w, revert("PocoBoost: Task status not unset"), |w| {
        push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

#[test]
fn boost_push_deadline_reached() {
    let (mut w, did) = boost_deal(&d());
    w.advance(7 * R);
    let auth = boost_auth(&w, 0, did, 0);
    fails(&mut w, revert("PocoBoost: Deadline reached"), |w| {
        push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

#[test]
fn boost_push_tag_requires_enclave() {
    let (mut w, did) = boost_deal(&OrderParams {
        tag: tee_tag(),
        ..d()
    });
    let auth = boost_auth(&w, 0, did, 0);
    fails(
        &mut w,
        revert("PocoBoost: Tag requires enclave challenge"),
        |w| push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[]),
    );
}

#[test]
fn boost_push_invalid_authorization() {
    let (mut w, did) = boost_deal(&d());
    let auth = boost_auth(&w, 1, did, 0);
    fails(
        &mut w,
        revert("PocoBoost: Invalid contribution authorization signature"),
        |w| push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[]),
    );
    fails(&mut w, revert("invalid-signature-format"), |w| {
        push(w, 0, did, 0, b"r", &[], &[], Address::ZERO, &[])
    });
}

#[test]
fn boost_push_invalid_enclave_signature() {
    let (mut w, did) = boost_deal(&OrderParams {
        tag: tee_tag(),
        ..priced()
    });
    let (wk, e) = (w.worker(0), w.actors.enclave.address());
    let tid = task_id(did, u(0));
    let auth = w.authorize_with(&w.actors.scheduler.clone(), wk, tid, e);
    // the classic enclave message is not the Boost one
    let dg = keccak256(b"r");
    let bad = w
        .actors
        .enclave
        .sign_eth_message(enclave_hash(result_hash(tid, dg), result_seal(wk, tid, dg)));
    fails(
        &mut w,
        revert("PocoBoost: Invalid enclave signature"),
        |w| push(w, 0, did, 0, b"r", &[], &auth, e, &bad),
    );
    let mut buf = Vec::new();
    buf.extend_from_slice(wk.as_slice());
    buf.extend_from_slice(tid.as_slice());
    buf.extend_from_slice(dg.as_slice());
    let good = w.actors.enclave.sign_eth_message(keccak256(&buf));
    push(&mut w, 0, did, 0, b"r", &[], &auth, e, &good).unwrap();
}

#[test]
fn boost_push_callback_requires_data() {
    let (mut w, did) = boost_deal(&OrderParams {
        callback: Address::repeat_byte(0xcb),
        ..priced()
    });
    let auth = boost_auth(&w, 0, did, 0);
    // fails after the payouts: all of them are undone
    fails(&mut w, revert("PocoBoost: Callback requires data"), |w| {
        push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
    push(&mut w, 0, did, 0, b"r", b"cb", &auth, Address::ZERO, &[]).unwrap();
}

#[test]
fn boost_push_b1_sponsored_requester_not_frozen() {
    let mut w = world();
    let o = w.orders(&priced());
    let env = w.env(w.actors.sponsor.address());
    let did = w
        .poco
        .sponsor_match_orders_boost(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
        .unwrap();
    let auth = boost_auth(&w, 0, did, 0);
    // B1 (§9.5): the requester, who has nothing frozen, is seized
    fails(&mut w, PocoError::Panic(Panic::Arithmetic), |w| {
        push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

#[test]
fn boost_claim_unknown_task() {
    let (mut w, did) = boost_deal(&d());
    w.advance(7 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, revert("PocoBoost: Unknown task"), |w| {
        w.poco.claim_boost(&env, did, u(1))
    });
    fails(&mut w, revert("PocoBoost: Unknown task"), |w| {
        w.poco.claim_boost(&env, B256::ZERO, u(0))
    });
}

#[test]
fn boost_claim_task_not_unset() {
    let (mut w, did) = boost_deal(&priced());
    let auth = boost_auth(&w, 0, did, 0);
    push(&mut w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[]).unwrap();
    w.advance(7 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, revert("PocoBoost: Task status not unset"), |w| {
        w.poco.claim_boost(&env, did, u(0))
    });
}

#[test]
fn boost_claim_twice() {
    let (mut w, did) = boost_deal(&priced());
    w.advance(7 * R);
    let env = w.env(w.actors.anyone.address());
    w.poco.claim_boost(&env, did, u(0)).unwrap();
    fails(&mut w, revert("PocoBoost: Task status not unset"), |w| {
        w.poco.claim_boost(&env, did, u(0))
    });
    let auth = boost_auth(&w, 0, did, 0);
    fails(&mut w, revert("PocoBoost: Task status not unset"), |w| {
        push(w, 0, did, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

#[test]
fn boost_claim_deadline_not_reached() {
    let (mut w, did) = boost_deal(&d());
    w.advance(7 * R - 1);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, revert("PocoBoost: Deadline not reached"), |w| {
        w.poco.claim_boost(&env, did, u(0))
    });
}

/// Classic entry points do not accept Boost deals or tasks, and vice versa.
#[test]
fn boost_and_classic_do_not_mix() {
    let (mut w, did) = boost_deal(&priced());
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, empty(Check::InitIdxAboveLast), |w| {
        w.poco.initialize(&env, did, u(0))
    });
    let (mut w, d, _) = active(&d());
    let auth = w.authorize(w.worker(0), task_id(d, u(0)));
    fails(&mut w, revert("PocoBoost: Unknown task"), |w| {
        push(w, 0, d, 0, b"r", &[], &auth, Address::ZERO, &[])
    });
}

// ------------------------------------------------------------------------------------------
// extension hooks: a rule that rejects the call after the baseline effects (and after its own
// ledger operation) must leave the state unchanged (docs/core.md "Extension points", §0.2)

#[derive(Debug, Clone, Default, PartialEq)]
struct Reject {
    on_match: bool,
    on_contribute: bool,
    on_success: bool,
    on_failure: bool,
}

const REJECTED: PocoError = PocoError::Extension {
    extension: "reject",
    reason: "rejected",
};

impl Reject {
    /// Lock 1 nRLC of the sender (a bond), then reject.
    fn bond_then_reject(st: &mut JournaledState, env: &Env) -> Result<()> {
        st.ledger_mut().lock(env.sender, u(1))?;
        Err(REJECTED)
    }
}

impl Extension for Reject {
    fn name(&self) -> &'static str {
        "reject"
    }
    fn after_match(&mut self, st: &mut JournaledState, env: &Env, _deal_id: B256) -> Result<()> {
        if self.on_match {
            Self::bond_then_reject(st, env)
        } else {
            Ok(())
        }
    }
    fn after_contribute(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        _task_id: B256,
        _worker: Address,
    ) -> Result<()> {
        if self.on_contribute {
            Self::bond_then_reject(st, env)
        } else {
            Ok(())
        }
    }
    fn settle_success(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        _task_id: B256,
        _path: SuccessPath,
    ) -> Result<Settlement> {
        if self.on_success {
            Self::bond_then_reject(st, env).map(|_| Settlement::Handled)
        } else {
            Ok(Settlement::Baseline)
        }
    }
    fn settle_failure(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        _task_id: B256,
    ) -> Result<Settlement> {
        if self.on_failure {
            Self::bond_then_reject(st, env).map(|_| Settlement::Handled)
        } else {
            Ok(Settlement::Baseline)
        }
    }
}

fn reject_world(ext: Reject) -> World<Reject> {
    let mut w = World::with_extension(3, true, ext);
    let a = &w.actors;
    let who = [
        a.requester.address(),
        a.scheduler.address(),
        a.anyone.address(),
        w.worker(0),
        w.worker(1),
        w.worker(2),
    ];
    for x in who {
        w.fund(x, u(1_000 * RLC)).unwrap();
    }
    w
}

#[test]
fn extension_after_match_rejects_atomically() {
    let mut w = reject_world(Reject {
        on_match: true,
        ..Default::default()
    });
    let o = w.orders(&priced());
    fails(&mut w, REJECTED, |w| w.match_orders(&o));
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, REJECTED, |w| {
        w.poco
            .sponsor_match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    });
    w.poco.ext.on_match = false;
    w.match_orders(&o).unwrap();
}

#[test]
fn extension_after_contribute_rejects_atomically() {
    let mut w = reject_world(Reject {
        on_contribute: true,
        ..Default::default()
    });
    // τ = 3: the second contribution reaches consensus; reject both the plain and the
    // consensus-reaching contribution
    let o = w.orders(&OrderParams {
        trust: u(3),
        ..priced()
    });
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    fails(&mut w, REJECTED, |w| w.contribute(0, t, digest("result")));
    w.poco.ext.on_contribute = false;
    w.contribute(0, t, digest("result")).unwrap();
    w.poco.ext.on_contribute = true;
    fails(&mut w, REJECTED, |w| w.contribute(1, t, digest("result")));
    fails(&mut w, REJECTED, |w| w.contribute(1, t, digest("other")));
    w.poco.ext.on_contribute = false;
    w.contribute(1, t, digest("result")).unwrap();
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Revealing);
}

#[test]
fn extension_settle_success_rejects_atomically() {
    let mut w = reject_world(Reject {
        on_success: true,
        ..Default::default()
    });
    let o = w.orders(&priced());
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    // contributeAndFinalize
    let auth = w.authorize(w.worker(0), t);
    fails(&mut w, REJECTED, |w| {
        let env = w.env(w.worker(0));
        w.poco
            .contribute_and_finalize(&env, t, digest("r"), b"r", &[], Address::ZERO, &[], &auth)
    });
    // finalize
    w.contribute(0, t, digest("r")).unwrap();
    w.reveal(0, t, digest("r")).unwrap();
    fails(&mut w, REJECTED, |w| w.finalize(t, b"r"));
}

#[test]
fn extension_settle_failure_rejects_atomically() {
    let mut w = reject_world(Reject {
        on_failure: true,
        ..Default::default()
    });
    let o = w.orders(&OrderParams {
        volume: u(2),
        ..priced()
    });
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    w.contribute(0, t, digest("r")).unwrap();
    w.advance(10 * R);
    let env = w.env(w.actors.anyone.address());
    fails(&mut w, REJECTED, |w| w.poco.claim(&env, t));
    fails(&mut w, REJECTED, |w| w.poco.claim_array(&env, &[t]));
    fails(&mut w, REJECTED, |w| {
        w.poco.initialize_and_claim_array(&env, &[d], &[u(1)])
    });
}

#[test]
fn extension_ext_call_rolls_back_ledger() {
    let mut w = reject_world(Reject::default());
    let env = w.env(w.actors.requester.address());
    fails(&mut w, REJECTED, |w| {
        w.poco.ext_call(|_, st| Reject::bond_then_reject(st, &env))
    });
}

/// `ext_call` rolls back every ledger effect, allowances included.
#[test]
fn extension_ext_call_rolls_back_allowances() {
    let mut w = reject_world(Reject::default());
    let (r, s) = (w.actors.requester.address(), w.actors.anyone.address());
    let env = w.env(r);
    w.poco.approve(&env, s, u(10)).unwrap();
    fails(&mut w, REJECTED, |w| {
        w.poco.ext_call(|_, st| {
            st.ledger_mut().approve(r, s, u(99))?;
            st.ledger_mut().transfer_from(s, r, s, u(4))?;
            Err::<(), _>(REJECTED)
        })
    });
    assert_eq!(w.poco.state.ledger.allowance(r, s), u(10));
}
