//! M5: sealed result key and pay-on-consumption.
//! Prices: P_a = 1, P_d = 2, P_w = 10 RLC (P = 13), S_s = 3.

mod common;
use common::*;
use pocolab_mechanisms::fair_exchange::consumption_hash;

fn m5() -> Mechanisms {
    mech(|m| m.fair_exchange = Some(FairExchange::default()))
}

/// Signatures on (exact mode); the SMS is the TEE broker.
fn tee_world(n: usize) -> World<Mechanisms> {
    let mut w = world_sig(m5(), n, true);
    let env = w.env(w.actors.admin.address());
    let sms = w.actors.sms.address();
    w.poco.set_tee_broker(&env, sms).unwrap();
    w
}

fn attest(w: &mut World<Mechanisms>, t: B256, what: Consumption) -> pocolab_core::Result<()> {
    let sig = w.actors.sms.sign_eth_message(consumption_hash(t, what));
    let env = w.env(anyone(w));
    w.poco.attest_consumption(&env, t, what, &sig)
}

#[test]
fn self_hosted_pool_free_riding_pays_the_dataset() {
    // R3: the coalition's pool lets the enclave run, never finalizes, claims at 10T
    let mut w = tee_world(1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(1));
    attest(&mut w, t, Consumption::Dataset).unwrap();
    claim_after_deadline(&mut w, t);
    // P_d = 2 becomes non-refundable: requester refunded 13 − 2 = 11; S_s = 3 to the kitty
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(98),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, ds_owner(&w)).balance, rlc(102));
    assert_eq!(acct(&w, app_owner(&w)).balance, rlc(100));
    assert_eq!(acct(&w, KITTY_ADDRESS).frozen, rlc(3));
    assert_eq!(
        w.poco.ext.fair_exchange.as_ref().unwrap().key(t),
        KeyState::Destroyed
    );
    assert_conserved(&w, s);
}

#[test]
fn app_start_attestation_pays_the_app_too() {
    let mut w = tee_world(1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(1));
    attest(&mut w, t, Consumption::Dataset).unwrap();
    attest(&mut w, t, Consumption::App).unwrap();
    claim_after_deadline(&mut w, t);
    // refund 13 − 2 − 1 = 10
    assert_eq!(acct(&w, req(&w)).balance, rlc(97));
    assert_eq!(acct(&w, app_owner(&w)).balance, rlc(101));
    assert_conserved(&w, s);
}

#[test]
fn success_releases_the_key_with_baseline_payout() {
    let mut w = tee_world(2);
    let (_, t) = deal_and_task(&mut w, &params(4));
    assert_eq!(
        w.poco.ext.fair_exchange.as_ref().unwrap().key(t),
        KeyState::Sealed
    );
    attest(&mut w, t, Consumption::Dataset).unwrap();
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    let m = w.poco.ext.fair_exchange.as_ref().unwrap();
    assert_eq!(m.key(t), KeyState::Released);
    assert!(m.consumed.is_empty());
    assert_eq!(acct(&w, req(&w)).balance, rlc(87));
    assert_eq!(acct(&w, ds_owner(&w)).balance, rlc(102));
}

#[test]
fn without_attestation_failure_is_baseline() {
    let mut w = tee_world(1);
    let (_, t) = deal_and_task(&mut w, &params(1));
    claim_after_deadline(&mut w, t);
    assert_eq!(acct(&w, req(&w)).balance, rlc(100));
    assert_eq!(acct(&w, ds_owner(&w)).balance, rlc(100));
}

#[test]
fn forged_or_late_attestations_change_nothing() {
    let mut w = tee_world(1);
    let (_, t) = deal_and_task(&mut w, &params(1));
    // signed by the requester instead of the SMS
    let sig = w
        .actors
        .requester
        .sign_eth_message(consumption_hash(t, Consumption::Dataset));
    let env = w.env(anyone(&w));
    let before = w.poco.clone();
    assert_eq!(
        w.poco
            .attest_consumption(&env, t, Consumption::Dataset, &sig)
            .unwrap_err()
            .class(),
        "extension:fair_exchange:invalid SMS signature"
    );
    assert_eq!(before, w.poco);
    claim_after_deadline(&mut w, t);
    let before = w.poco.clone();
    assert!(attest(&mut w, t, Consumption::Dataset).is_err()); // task no longer running
    assert_eq!(before, w.poco);
    // no TEE broker configured
    let mut w = world(m5(), 1);
    let (_, t) = deal_and_task(&mut w, &params(1));
    let before = w.poco.clone();
    assert!(attest(&mut w, t, Consumption::Dataset).is_err());
    assert_eq!(before, w.poco);
}
