//! M2: registered bonded workers, sampled committees, credibility weights.
//! Prices: P_w = 10 RLC, S_w = 3 RLC, σ = 1 %. Bonds S_reg = 1 RLC = S_ref.

mod common;
use common::*;
use pocolab_mechanisms::util::DecayedBeta;

fn m2(committee_size: u64) -> Mechanisms {
    mech(|m| {
        m.committees = Some(Committees::new(CommitteesParams {
            committee_size,
            ..Default::default()
        }))
    })
}

fn registered(n: usize, committee_size: u64) -> World<Mechanisms> {
    let mut w = world(m2(committee_size), n);
    let pool = w.workerpool;
    for i in 0..n {
        let env = w.env(w.worker(i));
        w.poco.register_worker(&env, pool, rlc(1)).unwrap();
    }
    w
}

/// Give worker `i` one past success (E = 2/3, odds 2): weight 2 with a full bond.
fn seasoned(w: &mut World<Mechanisms>, i: usize) {
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

#[test]
fn newcomers_add_no_credibility() {
    let mut w = registered(3, 5);
    let (_, t) = deal_and_task(&mut w, &params(4));
    for i in 0..3 {
        w.contribute(i, t, digest("r")).unwrap();
    }
    // ω = 1 for everyone: group weight stays 1, total 2: 1·4 > 2·3 never holds
    let task = w.poco.view_task(t);
    assert_eq!(task.status, TaskStatus::Active);
    assert_eq!((task.groups[0].1, task.total), (u(1), u(2)));
    // baseline would have reached consensus at the second fresh worker (ω = 2)
}

#[test]
fn only_sampled_registered_workers_contribute() {
    let mut w = registered(3, 2);
    let mut w_unreg = world(m2(5), 1);
    let (_, t) = deal_and_task(&mut w, &params(4));
    let committee = w
        .poco
        .ext
        .committees
        .as_ref()
        .unwrap()
        .committees
        .get(&t)
        .unwrap()
        .clone();
    assert_eq!(committee.len(), 2);
    let out = (0..3).find(|i| !committee.contains(&w.worker(*i))).unwrap();
    let before = w.poco.clone();
    let e = w.contribute(out, t, digest("r")).unwrap_err();
    assert_eq!(
        e.class(),
        "extension:committees:worker not sampled for this task"
    );
    assert_eq!(before, w.poco); // no stake locked, task untouched
    // nobody registered: the committee is empty
    let (_, t2) = deal_and_task(&mut w_unreg, &params(4));
    assert!(w_unreg.contribute(0, t2, digest("r")).is_err());
    // trust 1 deals are not sampled
    let (_, t3) = deal_and_task(
        &mut w_unreg,
        &OrderParams {
            salt: B256::repeat_byte(5),
            ..params(1)
        },
    );
    w_unreg.contribute(0, t3, digest("r")).unwrap();
}

#[test]
fn seasoned_workers_reach_consensus_and_gain_credibility() {
    let mut w = registered(2, 5);
    let s = supply(&w);
    seasoned(&mut w, 0);
    seasoned(&mut w, 1);
    let (_, t) = deal_and_task(&mut w, &params(4));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    // ω = 2 each: g = 4, total = 5, 16 > 15; reward weights log2(2) + 1 = 2 each → 4.95 each
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: mrlc(103_950),
            frozen: rlc(1)
        }
    );
    let m = w.poco.ext.committees.as_ref().unwrap();
    // independent priced deal: +1 success → E = (1 + 2)/(2 + 2) = 0.75, odds 3
    assert_eq!(m.credibility_ppm(w.worker(0), w.now), 750_000);
    assert_eq!(m.weight(w.workerpool, w.worker(0), w.now), u(3));
    assert!(m.committees.is_empty());
    assert_conserved(&w, s);
}

#[test]
fn weight_formula() {
    let mut m = Committees::default();
    let (pool, a) = (Address::repeat_byte(1), Address::repeat_byte(2));
    m.registrations.insert(
        (pool, a),
        committees::Registration {
            bond: mrlc(500),
            unbond_at: 0,
        },
    );
    m.credibility.insert(
        a,
        DecayedBeta {
            succ: 3_000_000,
            fail: 0,
            epoch: 0,
        },
    );
    // odds (1 + 3)/(1 + 0) = 4, bond 0.5/1 → ⌊4·0.5⌋ = 2
    assert_eq!(m.weight(pool, a, 0), u(2));
    // one failure weighs ρ_f = 3: odds 4/4 = 1
    m.credibility.insert(
        a,
        DecayedBeta {
            succ: 3_000_000,
            fail: 3_000_000,
            epoch: 0,
        },
    );
    assert_eq!(m.weight(pool, a, 0), u(1));
    // decay: 100 epochs at 0.98 → succ 3·0.98^100 ≈ 0.3979, E = 1.3979/2.3979 + fail part
    m.credibility.insert(
        a,
        DecayedBeta {
            succ: 3_000_000,
            fail: 0,
            epoch: 0,
        },
    );
    assert!(m.credibility_ppm(a, 100 * 86_400) < 600_000);
    // the cap: odds 2000 > W_cap = 1000, full bond
    m.registrations.insert(
        (pool, a),
        committees::Registration {
            bond: rlc(1),
            unbond_at: 0,
        },
    );
    m.credibility.insert(
        a,
        DecayedBeta {
            succ: 1_999_000_000,
            fail: 0,
            epoch: 0,
        },
    );
    assert_eq!(m.weight(pool, a, 0), u(1_000));
}

#[test]
fn registration_and_unbonding() {
    let mut w = world(m2(5), 1);
    let s = supply(&w);
    let pool = w.workerpool;
    let env = w.env(w.worker(0));
    let before = w.poco.clone();
    assert!(w.poco.register_worker(&env, pool, mrlc(500)).is_err()); // below S_min
    assert!(w.poco.request_unbond(&env, pool).is_err()); // not registered
    assert_eq!(before, w.poco);
    w.poco.register_worker(&env, pool, rlc(2)).unwrap();
    assert_eq!(acct(&w, w.worker(0)).frozen, rlc(2));
    w.poco.request_unbond(&env, pool).unwrap();
    let before = w.poco.clone();
    assert!(w.poco.withdraw_worker_bond(&env, pool).is_err()); // U = 7 days
    assert!(w.poco.register_worker(&env, pool, rlc(1)).is_err()); // unbonding
    assert_eq!(before, w.poco);
    w.now += 7 * 86_400;
    let env = w.env(w.worker(0));
    w.poco.withdraw_worker_bond(&env, pool).unwrap();
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: rlc(100),
            frozen: U256::ZERO
        }
    );
    assert_conserved(&w, s);
}

/// Rule 6: a passed known-answer task doubles a newcomer's odds (weight 1 → 2); a failed one
/// counts ρ_f = 3 failures and slashes φ_s = 10 % of S_reg to the kitty.
#[test]
fn spot_checks_bootstrap_credibility_and_slash_failures() {
    let mut w = registered(3, 5);
    let s = supply(&w);
    let (pool, checker) = (w.workerpool, anyone(&w));
    let (a0, a1) = (w.worker(0), w.worker(1));
    // only the protocol owner registers spot-checkers, only they post verdicts
    let before = w.poco.clone();
    let env = w.env(checker);
    assert!(w.poco.register_spot_checker(&env, checker, true).is_err());
    assert!(w.poco.spot_check(&env, pool, a0, true).is_err());
    assert_eq!(before, w.poco);
    let env = w.env(w.actors.admin.address());
    w.poco.register_spot_checker(&env, checker, true).unwrap();
    let env = w.env(checker);
    let before = w.poco.clone();
    assert!(w.poco.spot_check(&env, pool, anyone(&w), true).is_err()); // not registered
    assert_eq!(before, w.poco);
    let c = |w: &World<Mechanisms>| w.poco.ext.committees.clone().unwrap();
    assert_eq!(c(&w).weight(pool, a0, w.now), u(1));
    w.poco.spot_check(&env, pool, a0, true).unwrap();
    assert_eq!(c(&w).weight(pool, a0, w.now), u(2)); // odds (1 + 1)/(1 + 0)
    w.poco.spot_check(&env, pool, a1, false).unwrap();
    assert_eq!(c(&w).credibility_ppm(a1, w.now), 200_000); // 1/(2 + 3)
    assert_eq!(c(&w).weight(pool, a1, w.now), u(1));
    assert_eq!(
        c(&w).registrations.get(&(pool, a1)).unwrap().bond,
        mrlc(900)
    );
    assert_eq!(acct(&w, a1).frozen, mrlc(900));
    assert_eq!(acct(&w, KITTY_ADDRESS).frozen, mrlc(100));
    assert_conserved(&w, s);
    // rule 1: below S_min after the slash, a1 is no longer sampled until it tops up
    let (_, t0) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(9),
            ..params(4)
        },
    );
    let committee = c(&w).committees.get(&t0).cloned().unwrap();
    assert_eq!(committee.len(), 2);
    assert!(!committee.contains(&a1));
    let e1 = w.env(a1);
    w.poco.register_worker(&e1, pool, mrlc(100)).unwrap();
    assert_eq!(c(&w).registrations.get(&(pool, a1)).unwrap().bond, rlc(1));
    let env = w.env(checker);
    // a2 passes once; a1 passes three times after its failure
    let a2 = w.worker(2);
    w.poco.spot_check(&env, pool, a2, true).unwrap();
    w.poco.spot_check(&env, pool, a1, true).unwrap();
    w.poco.spot_check(&env, pool, a1, true).unwrap();
    w.poco.spot_check(&env, pool, a1, true).unwrap();
    // a1: odds (1 + 3)/(1 + 3) = 1 → still weight 1 after one failure and three passes
    assert_eq!(c(&w).weight(pool, a1, w.now), u(1));
    let (_, t) = deal_and_task(&mut w, &params(4));
    for i in 0..3 {
        w.contribute(i, t, digest("r")).unwrap();
    }
    let task = w.poco.view_task(t);
    // weights 2 (a0), 1 (a1), 2 (a2): group 4, total 5
    assert_eq!((task.groups[0].1, task.total), (u(4), u(5)));
    assert_eq!(task.status, TaskStatus::Revealing); // 4·4 = 16 > 5·3 = 15
    assert_conserved(&w, s);
}
