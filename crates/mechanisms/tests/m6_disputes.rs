//! M6: two-sided deposits and tiered disputes.
//! Prices: P = 13, P_w = 10 RLC. D_R = 100 %·P = 13, D_P = 100 %·P_w = 10 RLC per task.
//! C_arb(tier 1) = 10 %·P = 1.3 RLC. Dispute window Δ_d = 2T, T = 300 s.

mod common;
use common::*;

fn m6() -> Mechanisms {
    mech(|m| m.disputes = Some(Disputes::default()))
}

fn finalized() -> (World<Mechanisms>, B256, U256) {
    let mut w = world(m6(), 2);
    let s = supply(&w);
    let env = w.env(w.actors.admin.address());
    let arb = anyone(&w);
    w.poco.register_arbiter(&env, 1, arb, true).unwrap();
    let (_, t) = deal_and_task(&mut w, &params(4));
    assert_eq!(acct(&w, req(&w)).frozen, rlc(26)); // P + D_R
    assert_eq!(acct(&w, sched(&w)).frozen, rlc(13)); // S_s + D_P
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    (w, t, s)
}

#[test]
fn no_dispute_releases_deposits_after_the_window() {
    let (mut w, t, s) = finalized();
    let env = w.env(anyone(&w));
    let before = w.poco.clone();
    assert!(w.poco.release_deposits(&env, t).is_err()); // window open
    assert_eq!(before, w.poco);
    w.now += 2 * T;
    let env = w.env(anyone(&w));
    w.poco.release_deposits(&env, t).unwrap();
    // baseline: requester 87, pool owner 100.1
    assert_eq!(acct(&w, req(&w)), Account { balance: rlc(87), frozen: U256::ZERO });
    assert_eq!(acct(&w, sched(&w)), Account { balance: mrlc(100_100), frozen: U256::ZERO });
    assert_conserved(&w, s);
}

#[test]
fn requester_wins_tier_one() {
    let (mut w, t, s) = finalized();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco.resolve_dispute(&env, t, true).unwrap();
    // D_P = 10: 1.3 fee to the arbiter, 8.7 to the requester; D_R back
    assert_eq!(acct(&w, req(&w)), Account { balance: mrlc(95_700), frozen: U256::ZERO });
    assert_eq!(acct(&w, sched(&w)), Account { balance: mrlc(90_100), frozen: U256::ZERO });
    assert_eq!(acct(&w, anyone(&w)).balance, mrlc(101_300));
    assert_conserved(&w, s);
}

#[test]
fn pool_wins_tier_one() {
    let (mut w, t, s) = finalized();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco.resolve_dispute(&env, t, false).unwrap();
    // D_R = 13: 1.3 fee, 11.7 to the pool owner; D_P back
    assert_eq!(acct(&w, req(&w)), Account { balance: rlc(74), frozen: U256::ZERO });
    assert_eq!(acct(&w, sched(&w)), Account { balance: mrlc(111_800), frozen: U256::ZERO });
    assert_eq!(acct(&w, anyone(&w)).balance, mrlc(101_300));
    assert_conserved(&w, s);
}

#[test]
fn unanswered_dispute_releases_after_the_timeout() {
    let (mut w, t, s) = finalized();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    w.now += 2 * T;
    let env = w.env(anyone(&w));
    assert!(w.poco.release_deposits(&env, t).is_err()); // ruling still possible
    w.now += 10 * T;
    let env = w.env(anyone(&w));
    assert!(w.poco.resolve_dispute(&env, t, true).is_err()); // too late
    w.poco.release_deposits(&env, t).unwrap();
    assert_eq!(acct(&w, req(&w)).balance, rlc(87));
    assert_conserved(&w, s);
}

#[test]
fn failure_releases_deposits() {
    let mut w = world(m6(), 1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    claim_after_deadline(&mut w, t);
    // baseline failure: requester 100, pool 97 (S_s to the kitty), deposits back
    assert_eq!(acct(&w, req(&w)), Account { balance: rlc(100), frozen: U256::ZERO });
    assert_eq!(acct(&w, sched(&w)), Account { balance: rlc(97), frozen: U256::ZERO });
    assert_conserved(&w, s);
}

#[test]
fn failing_calls_change_nothing() {
    let (mut w, t, _) = finalized();
    let before = w.poco.clone();
    let env = w.env(anyone(&w));
    assert!(w.poco.open_dispute(&env, t, 1).is_err()); // not the requester
    let env = w.env(req(&w));
    assert!(w.poco.open_dispute(&env, t, 2).is_err()); // no tier-2 arbiter
    let env = w.env(anyone(&w));
    assert!(w.poco.register_arbiter(&env, 2, anyone(&w), true).is_err()); // not the owner
    assert!(w.poco.resolve_dispute(&env, t, true).is_err()); // nothing open
    assert_eq!(before, w.poco);
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let before = w.poco.clone();
    let env = w.env(req(&w));
    assert!(w.poco.resolve_dispute(&env, t, true).is_err()); // not an arbiter
    assert!(w.poco.open_dispute(&env, t, 1).is_err()); // already open
    assert_eq!(before, w.poco);
    w.now += 2 * T;
    let mut w2 = world(m6(), 1);
    let (_, t2) = deal_and_task(&mut w2, &params(4));
    let o = w2.orders(&OrderParams { salt: B256::repeat_byte(3), ..params(4) });
    let env = w2.env(req(&w2));
    w2.poco.withdraw(&env, rlc(74)).unwrap(); // 100 − 26 locked − 74 = 0 left
    let before = w2.poco.clone();
    assert!(w2.match_orders(&o).is_err()); // cannot lock P + D_R
    assert_eq!(before, w2.poco);
    let _ = t2;
}
