//! M7: reputation ledger, requirements, ratings, M3 bond sizing.
//! P = 13 RLC ≥ p_ref = 1 RLC: every event has weight 1.

mod common;
use common::*;

fn m7() -> Mechanisms {
    mech(|m| m.reputation = Some(Reputation::default()))
}

#[test]
fn success_and_failure_events() {
    let mut w = world(m7(), 2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    let r = w.poco.ext.reputation.as_ref().unwrap();
    // (1 + 1)/(2 + 1) = 0.666666
    for e in [w.app, w.dataset, w.workerpool, req(&w), w.worker(0)] {
        assert_eq!(r.score_ppm(e, w.now), 666_666);
    }
    assert_eq!(r.score_ppm(anyone(&w), w.now), 500_000); // newcomer
    // one epoch later: S = 0.98 → 1.98/2.98
    assert_eq!(r.score_ppm(w.app, w.now + 86_400), 664_429);
    // a pool failure: F = ρ_f·1 = 3 on the pool → (1 + 1)/(2 + 1 + 3) = 0.333333
    let (_, t2) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(2),
            ..params(4)
        },
    );
    claim_after_deadline(&mut w, t2);
    let r = w.poco.ext.reputation.as_ref().unwrap();
    // (the claim at start + 10T = 1 700 003 000 s is in the same 1-day epoch as the match)
    assert_eq!(r.score_ppm(w.workerpool, w.now), 333_333);
    assert_eq!(r.score_ppm(w.app, w.now), 666_666); // not the app's fault
    assert_eq!(acct(&w, req(&w)).balance, rlc(87)); // payouts untouched by M7
    assert_conserved(&w, s);
}

#[test]
fn cheap_deals_leave_no_trace() {
    let mut w = world(m7(), 2);
    let p = OrderParams {
        workerpool_price: mrlc(50),
        ..params(4)
    }; // P_w < p_min = 0.1 RLC
    let (_, t) = deal_and_task(&mut w, &p);
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    assert!(w.poco.ext.reputation.as_ref().unwrap().rep.is_empty());
}

#[test]
fn requirements_gate_the_match() {
    let mut w = world(m7(), 1);
    let env = w.env(req(&w));
    w.poco
        .set_requirements(
            &env,
            MinReps {
                pool: 600_000,
                ..Default::default()
            },
        )
        .unwrap();
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    assert_eq!(
        w.match_orders(&o).unwrap_err().class(),
        "extension:reputation:pool reputation below requirement"
    );
    assert_eq!(before, w.poco);
    // the pool owner requires requesters at 0.5 (a newcomer qualifies)
    let env = w.env(req(&w));
    w.poco.set_requirements(&env, MinReps::default()).unwrap();
    let env = w.env(sched(&w));
    w.poco
        .set_requirements(
            &env,
            MinReps {
                requester: 500_000,
                ..Default::default()
            },
        )
        .unwrap();
    w.match_orders(&o).unwrap();
}

#[test]
fn ratings_from_paid_requesters_once() {
    let mut w = world(m7(), 2);
    let (_, t) = deal_and_task(&mut w, &params(4));
    let env = w.env(req(&w));
    assert!(w.poco.rate(&env, t, 4).is_err()); // not completed yet
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    let env = w.env(req(&w));
    w.poco.rate(&env, t, 4).unwrap();
    let before = w.poco.clone();
    assert!(w.poco.rate(&env, t, 5).is_err()); // once per task
    let env = w.env(anyone(&w));
    assert!(w.poco.rate(&env, t, 1).is_err()); // not the requester
    let env = w.env(req(&w));
    assert!(w.poco.rate(&env, t, 6).is_err());
    assert_eq!(before, w.poco);
    let r = w.poco.ext.reputation.as_ref().unwrap();
    assert_eq!(r.rating_milli(w.app), Some(4_000));
    assert_eq!(r.rating_milli(w.dataset), Some(4_000));
}

#[test]
fn requester_reputation_sizes_the_m3_bond() {
    let mut w = world(
        mech(|m| {
            m.reputation = Some(Reputation::default());
            m.requester_bond = Some(RequesterBond::default());
        }),
        2,
    );
    let (_, t) = deal_and_task(&mut w, &params(4));
    // newcomer: γ = 0.5 → B_r = 5 RLC
    assert_eq!(acct(&w, req(&w)).frozen, rlc(18));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    // R = 666 666 ppm → γ = 2·0.5·(1 − 0.666666) = 333 334 ppm → B_r = 3.33334 RLC
    let (_, _) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(7),
            ..params(4)
        },
    );
    assert_eq!(
        acct(&w, req(&w)).frozen,
        rlc(13) + U256::from(3_333_340_000u64)
    );
}

/// M7 rule 3 on M4: reservation = κ·price·(1 + κ_r·(1 − R)), κ = 100 %, κ_r = 100 %.
#[test]
fn provider_reputation_sizes_the_m4_bond() {
    let mut w = world(
        mech(|m| {
            m.reputation = Some(Reputation::default());
            m.provider_bond = Some(ProviderBond::default());
        }),
        2,
    );
    let s = supply(&w);
    let (app, ds) = (w.app, w.dataset);
    let e = w.env(app_owner(&w));
    w.poco.bond_asset(&e, app, rlc(10)).unwrap();
    let e = w.env(ds_owner(&w));
    w.poco.bond_asset(&e, ds, rlc(10)).unwrap();
    let r = w.poco.ext.reputation.as_ref().unwrap();
    // a newcomer pays the maximum multiplier although its score reads 0.5
    assert_eq!(
        (r.score_ppm(app, w.now), r.bond_multiplier_ppm(app, w.now)),
        (500_000, 2_000_000)
    );
    let (d, t) = deal_and_task(&mut w, &params(4));
    let res = |w: &World<Mechanisms>, d: B256| {
        w.poco
            .ext
            .provider_bond
            .as_ref()
            .unwrap()
            .deal_res
            .get(&d)
            .copied()
            .unwrap()
    };
    assert_eq!(res(&w, d), (rlc(2), rlc(4))); // P_a 1 × 2, P_d 2 × 2
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    // after one success R = 2/3: multiplier 1 + 1/3
    assert_eq!(
        w.poco
            .ext
            .reputation
            .as_ref()
            .unwrap()
            .bond_multiplier_ppm(app, w.now),
        1_333_334
    );
    let (d2, _) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(2),
            ..params(4)
        },
    );
    assert_eq!(res(&w, d2), (u(1_333_334_000), u(2_666_668_000))); // nRLC
    // a fault (e.g. a lost dispute) raises it: R = 2/(2 + 1 + 3) = 1/3 → 1 + 2/3
    let mut r = w.poco.ext.reputation.clone().unwrap();
    r.record(app, w.now, rlc(13), true);
    assert_eq!(r.bond_multiplier_ppm(app, w.now), 1_666_667);
    // the bond multiplier changes what is locked, not who is paid: value is conserved
    assert_conserved(&w, s);
}
