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
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(87),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(100_100),
            frozen: U256::ZERO
        }
    );
    assert_conserved(&w, s);
}

#[test]
fn requester_wins_tier_one() {
    let (mut w, t, s) = finalized();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco
        .resolve_dispute(&env, t, Ruling::PoolAtFault)
        .unwrap();
    // D_P = 10: 1.3 fee to the arbiter, 8.7 to the requester; D_R back
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: mrlc(95_700),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(90_100),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, anyone(&w)).balance, mrlc(101_300));
    assert_conserved(&w, s);
}

#[test]
fn pool_wins_tier_one() {
    let (mut w, t, s) = finalized();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco.resolve_dispute(&env, t, Ruling::Upheld).unwrap();
    // D_R = 13: 1.3 fee, 11.7 to the pool owner; D_P back
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(74),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(111_800),
            frozen: U256::ZERO
        }
    );
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
    assert!(
        w.poco
            .resolve_dispute(&env, t, Ruling::PoolAtFault)
            .is_err()
    ); // too late
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
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(100),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: rlc(97),
            frozen: U256::ZERO
        }
    );
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
    assert!(
        w.poco
            .resolve_dispute(&env, t, Ruling::PoolAtFault)
            .is_err()
    ); // nothing open
    assert_eq!(before, w.poco);
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let before = w.poco.clone();
    let env = w.env(req(&w));
    assert!(
        w.poco
            .resolve_dispute(&env, t, Ruling::PoolAtFault)
            .is_err()
    ); // not an arbiter
    assert!(w.poco.open_dispute(&env, t, 1).is_err()); // already open
    assert_eq!(before, w.poco);
    w.now += 2 * T;
    let mut w2 = world(m6(), 1);
    let (_, t2) = deal_and_task(&mut w2, &params(4));
    let o = w2.orders(&OrderParams {
        salt: B256::repeat_byte(3),
        ..params(4)
    });
    let env = w2.env(req(&w2));
    w2.poco.withdraw(&env, rlc(74)).unwrap(); // 100 − 26 locked − 74 = 0 left
    let before = w2.poco.clone();
    assert!(w2.match_orders(&o).is_err()); // cannot lock P + D_R
    assert_eq!(before, w2.poco);
    let _ = t2;
}

/// M4 + M6 world: bonded app (owner `app_owner`) and dataset, arbiters for tiers 1 and 3 (the
/// same address, `anyone`). κ = 500 % reserves 5 RLC (app) and 10 RLC (dataset) per task.
fn with_bonds() -> (World<Mechanisms>, B256, U256) {
    bonded_world(false)
}

fn bonded_world(m7: bool) -> (World<Mechanisms>, B256, U256) {
    let mut w = world(
        mech(|m| {
            m.disputes = Some(Disputes::default());
            m.provider_bond = Some(ProviderBond::new(ProviderBondParams {
                kappa_pct: 500,
                ..Default::default()
            }));
            if m7 {
                m.reputation = Some(Reputation::new(ReputationParams {
                    bond_kappa_pct: 0,
                    ..Default::default()
                }));
            }
        }),
        2,
    );
    let s = supply(&w);
    let env = w.env(w.actors.admin.address());
    let arb = anyone(&w);
    w.poco.register_arbiter(&env, 1, arb, true).unwrap();
    w.poco.register_arbiter(&env, 3, arb, true).unwrap();
    let (app, ds) = (w.app, w.dataset);
    let e = w.env(app_owner(&w));
    w.poco.bond_asset(&e, app, rlc(20)).unwrap();
    let e = w.env(ds_owner(&w));
    w.poco.bond_asset(&e, ds, rlc(20)).unwrap();
    let (_, t) = deal_and_task(&mut w, &params(4));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    (w, t, s)
}

fn reserved(w: &World<Mechanisms>, asset: Address) -> U256 {
    w.poco
        .ext
        .provider_bond
        .as_ref()
        .unwrap()
        .bonds
        .get(&asset)
        .unwrap()
        .reserved
}

#[test]
fn provider_bonds_are_held_through_the_window() {
    let (mut w, t, s) = with_bonds();
    // finalized, but the reservations stay until the window closes
    assert_eq!(
        (reserved(&w, w.app), reserved(&w, w.dataset)),
        (rlc(5), rlc(10))
    );
    let ds = w.dataset;
    let e = w.env(ds_owner(&w));
    assert!(w.poco.unbond_asset(&e, ds, rlc(11)).is_err()); // only 10 free
    w.now += 2 * T;
    let env = w.env(anyone(&w));
    w.poco.release_deposits(&env, t).unwrap();
    assert_eq!(
        (reserved(&w, w.app), reserved(&w, w.dataset)),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(acct(&w, app_owner(&w)).frozen, rlc(20));
    assert_conserved(&w, s);
}

#[test]
fn reproduced_result_escalates_and_the_court_finds_the_dataset_at_fault() {
    let (mut w, t, s) = with_bonds();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(req(&w));
    let before = w.poco.clone();
    assert!(w.poco.resolve_dispute(&env, t, Ruling::Reproduced).is_err()); // not an arbiter
    let env = w.env(anyone(&w));
    assert!(
        w.poco
            .resolve_dispute(&env, t, Ruling::ProviderAtFault(Party::Dataset))
            .is_err()
    ); // tier 1 cannot
    assert_eq!(before, w.poco);
    assert_eq!(
        w.poco.resolve_dispute(&env, t, Ruling::Reproduced).unwrap(),
        DisputeOutcome::Escalated
    );
    // nothing settled yet; the window's dispute is now at tier 3
    assert_eq!(acct(&w, req(&w)).frozen, rlc(13));
    let before = w.poco.clone();
    assert!(w.poco.resolve_dispute(&env, t, Ruling::Reproduced).is_err()); // the court does not escalate
    assert_eq!(before, w.poco);
    let out = w
        .poco
        .resolve_dispute(&env, t, Ruling::ProviderAtFault(Party::Dataset))
        .unwrap();
    assert!(matches!(
        out,
        DisputeOutcome::Settled {
            ruling: Ruling::ProviderAtFault(Party::Dataset),
            ..
        }
    ));
    // the dataset's reservation (10 RLC) pays C_arb(1) = 1.3 and C_arb(3) = 50 %·13 = 6.5 to the
    // arbiter and the rest, 2.2, to the requester; both deposits come back
    assert_eq!(acct(&w, anyone(&w)).balance, mrlc(107_800));
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: mrlc(89_200),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, ds_owner(&w)),
        Account {
            balance: rlc(82),
            frozen: rlc(10)
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(100_100),
            frozen: U256::ZERO
        }
    );
    // the app's reservation is released untouched
    assert_eq!(
        (reserved(&w, w.app), reserved(&w, w.dataset)),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(81),
            frozen: rlc(20)
        }
    );
    assert_conserved(&w, s);
}

#[test]
fn provider_at_fault_without_a_bond_releases_deposits() {
    let (mut w, t, s) = finalized();
    let env = w.env(w.actors.admin.address());
    let arb = anyone(&w);
    w.poco.register_arbiter(&env, 3, arb, true).unwrap();
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco.resolve_dispute(&env, t, Ruling::Reproduced).unwrap();
    w.poco
        .resolve_dispute(&env, t, Ruling::ProviderAtFault(Party::App))
        .unwrap();
    // no M4: nothing to forfeit, the fees go unpaid, both deposits are back (as with no dispute)
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(87),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(100_100),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, anyone(&w)).balance, rlc(100));
    assert_conserved(&w, s);
}

#[test]
fn a_lost_dispute_is_the_provider_s_fault_in_m7() {
    let (mut w, t, s) = bonded_world(true);
    let env = w.env(req(&w));
    w.poco.open_dispute(&env, t, 1).unwrap();
    let env = w.env(anyone(&w));
    w.poco.resolve_dispute(&env, t, Ruling::Reproduced).unwrap();
    w.poco
        .resolve_dispute(&env, t, Ruling::ProviderAtFault(Party::App))
        .unwrap();
    let r = w.poco.ext.reputation.as_ref().unwrap();
    // success then fault on the app: (1 + 1)/(2 + 1 + 3); the pool keeps its success
    assert_eq!(r.score_ppm(w.app, w.now), 333_333);
    assert_eq!(r.score_ppm(w.workerpool, w.now), 666_666);
    assert_eq!(r.score_ppm(w.dataset, w.now), 666_666);
    // κ_r = 0 here: the app's reservation is κ·P_a = 5 RLC, all of it to the fees (1.3 + 6.5 > 5)
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(81),
            frozen: rlc(15)
        }
    );
    assert_eq!(acct(&w, anyone(&w)).balance, rlc(105));
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(87),
            frozen: U256::ZERO
        }
    );
    assert_conserved(&w, s);
}
