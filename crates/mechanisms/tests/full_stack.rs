//! All eight mechanisms together: a replicated success, an R1-style requester fault and an
//! R3-style pool failure, with value conserved and every lock released at the end except the
//! standing bonds (M2 registrations, M4 provider bonds, M1 verifier stakes).

mod common;
use common::*;
use pocolab_mechanisms::fair_exchange::consumption_hash;
use pocolab_mechanisms::util::DecayedBeta;

#[test]
fn full_stack_lifecycle_conserves_value() {
    let mut w = world(Mechanisms::all(), 5);
    // the pool owner locks 3 × (S_s 3 + D_P 10 + B_c 26) = 117 RLC for a volume-3 deal
    let sc = sched(&w);
    w.fund(sc, rlc(100)).unwrap();
    let s = supply(&w);
    let (pool, app, ds) = (w.workerpool, w.app, w.dataset);
    let env = w.env(w.actors.admin.address());
    let sms = w.actors.sms.address();
    w.poco.set_tee_broker(&env, sms).unwrap();
    let e = w.env(app_owner(&w));
    w.poco.bond_asset(&e, app, rlc(20)).unwrap();
    let e = w.env(ds_owner(&w));
    w.poco.bond_asset(&e, ds, rlc(20)).unwrap();
    for i in 0..3 {
        let e = w.env(w.worker(i));
        w.poco.register_worker(&e, pool, rlc(1)).unwrap();
        let a = w.worker(i);
        let epoch = w.now / 86_400;
        w.poco.ext.committees.as_mut().unwrap().credibility.insert(
            a,
            DecayedBeta {
                succ: 1_000_000,
                fail: 0,
                epoch,
            },
        );
    }
    for i in 3..5 {
        let e = w.env(w.worker(i));
        w.poco.register_verifier(&e, rlc(5)).unwrap();
    }
    // 1) success of a trust-4 task by the committee
    let o = w.orders(&OrderParams {
        volume: u(3),
        ..params(4)
    });
    let d = w.match_orders(&o).unwrap();
    // M7 sizes M4's reservations: newcomers pay the maximum multiplier 1 + κ_r = 2, so the
    // dataset reserves 3 tasks × P_d 2 × 2 = 12 RLC and the app 3 × 1 × 2 = 6 RLC
    let b = w.poco.ext.provider_bond.as_ref().unwrap();
    assert_eq!(
        (
            b.bonds.get(&app).unwrap().reserved,
            b.bonds.get(&ds).unwrap().reserved
        ),
        (rlc(6), rlc(12))
    );
    let t0 = w.initialize(d, 0).unwrap();
    let committee = w
        .poco
        .ext
        .committees
        .as_ref()
        .unwrap()
        .committees
        .get(&t0)
        .unwrap()
        .clone();
    let ids: Vec<usize> = (0..3)
        .filter(|i| committee.contains(&w.worker(*i)))
        .take(2)
        .collect();
    replicate_and_finalize(&mut w, t0, &ids, digest("r"));
    assert_eq!(
        w.poco.ext.fair_exchange.as_ref().unwrap().key(t0),
        KeyState::Released
    );
    // 2) requester fault on task 1 (two input reports)
    let t1 = w.initialize(d, 1).unwrap();
    for i in 0..2 {
        let e = w.env(w.worker(i));
        w.poco
            .report_failure(
                &e,
                t1,
                &ReportInput::plain(Cause::InputChecksumMismatch, digest("l"), digest("i")),
            )
            .unwrap();
    }
    // 3) R3 on task 2: the dataset is consumed in the enclave, the pool never finalizes
    let t2 = w.initialize(d, 2).unwrap();
    let sig = w
        .actors
        .sms
        .sign_eth_message(consumption_hash(t2, Consumption::Dataset));
    let e = w.env(anyone(&w));
    w.poco
        .attest_consumption(&e, t2, Consumption::Dataset, &sig)
        .unwrap();
    w.now += 12 * T;
    let e = w.env(anyone(&w));
    w.poco.claim_array(&e, &[t1, t2]).unwrap();
    w.poco.release_escrow(&e, t0).unwrap();
    w.poco.release_deposits(&e, t0).unwrap();
    assert_conserved(&w, s);
    // only standing bonds remain locked
    for i in 0..3 {
        assert_eq!(acct(&w, w.worker(i)).frozen, rlc(1));
    }
    for i in 3..5 {
        assert_eq!(acct(&w, w.worker(i)).frozen, rlc(5));
    }
    assert_eq!(acct(&w, req(&w)).frozen, U256::ZERO);
    assert_eq!(acct(&w, sched(&w)).frozen, U256::ZERO);
    let b = w.poco.ext.provider_bond.as_ref().unwrap();
    assert_eq!(b.bonds.get(&ds).unwrap().reserved, U256::ZERO);
    assert!(matches!(
        w.poco.ext.evidence.outcomes.get(&t1),
        Some(Attribution::Requester { .. })
    ));
    assert_eq!(
        w.poco.ext.evidence.outcomes.get(&t2),
        Some(&Attribution::Pool)
    );
    // the dataset owner was paid for tasks 0 and 2 (consumed), not for task 1
    assert_eq!(
        acct(&w, ds_owner(&w)).balance + acct(&w, ds_owner(&w)).frozen,
        rlc(104)
    );
}
