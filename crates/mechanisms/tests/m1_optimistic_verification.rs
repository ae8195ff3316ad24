//! M1: correctness bond, escrow during the challenge window, audits, challenges, panel.
//! Prices: P_a = 1, P_d = 2, P_w = 10 RLC (P = 13); B_c = 200 %·P = 26 RLC per task;
//! D_ch = 100 %·P_w = 10 RLC; Δ = 2T, T = 300 s. Two workers (4.95 RLC each) and the pool
//! (0.1 RLC) have their pay escrowed. Workers 2, 3, 4 are verifiers (5 RLC stake each).

mod common;
use common::*;

fn m1(audit_ppm: u64) -> Mechanisms {
    mech(|m| {
        m.optimistic_verification =
            Some(OptimisticVerification::new(OptimisticVerificationParams {
                audit_ppm,
                ..Default::default()
            }))
    })
}

fn finalized(audit_ppm: u64) -> (World<Mechanisms>, B256, U256) {
    let mut w = world(m1(audit_ppm), 5);
    let s = supply(&w);
    for i in 2..5 {
        let env = w.env(w.worker(i));
        w.poco.register_verifier(&env, rlc(5)).unwrap();
    }
    let (_, t) = deal_and_task(&mut w, &params(4));
    // S_s = 3 + B_c = 26
    assert_eq!(acct(&w, sched(&w)).frozen, rlc(29));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    // escrowed: 4.95 on each worker, 0.1 on the pool owner (plus B_c still locked)
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: rlc(100),
            frozen: mrlc(4_950)
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: rlc(74),
            frozen: mrlc(26_100)
        }
    );
    (w, t, s)
}

fn at<E: Extension>(w: &World<E>, who: Address) -> pocolab_core::Env {
    w.env(who)
}

#[test]
fn unchallenged_release_equals_baseline() {
    let (mut w, t, s) = finalized(0);
    let e = at(&w, anyone(&w));
    let before = w.poco.clone();
    assert!(w.poco.release_escrow(&e, t).is_err()); // window open
    assert_eq!(before, w.poco);
    w.now += 2 * T;
    let e = at(&w, anyone(&w));
    w.poco.release_escrow(&e, t).unwrap();
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: mrlc(104_950),
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
    assert_eq!(acct(&w, req(&w)).balance, rlc(87));
    assert_conserved(&w, s);
}

#[test]
fn wrong_challenge_pays_pool_and_majority() {
    let (mut w, t, s) = finalized(0);
    let e = at(&w, anyone(&w));
    w.poco.challenge(&e, t, digest("other")).unwrap();
    let panel = w
        .poco
        .ext
        .optimistic_verification
        .as_ref()
        .unwrap()
        .windows
        .get(&t)
        .unwrap()
        .panel
        .clone();
    assert_eq!(panel.len(), 3);
    let e = at(&w, panel[0]);
    assert_eq!(w.poco.vote(&e, t, digest("r")).unwrap(), Verdict::Pending);
    let e = at(&w, panel[1]);
    assert_eq!(w.poco.vote(&e, t, digest("r")).unwrap(), Verdict::Upheld);
    // D_ch = 10: 5 to the pool owner, 2.5 to each majority voter
    assert_eq!(
        acct(&w, anyone(&w)),
        Account {
            balance: rlc(90),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, panel[0]).balance, mrlc(97_500));
    assert_eq!(acct(&w, panel[2]).balance, rlc(95));
    w.now += 2 * T;
    let e = at(&w, anyone(&w));
    w.poco.release_escrow(&e, t).unwrap();
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(105_100),
            frozen: U256::ZERO
        }
    );
    assert_conserved(&w, s);
}

#[test]
fn overturned_result_slashes_the_bond() {
    let (mut w, t, s) = finalized(0);
    let e = at(&w, anyone(&w));
    w.poco.challenge(&e, t, digest("true")).unwrap();
    let panel = w
        .poco
        .ext
        .optimistic_verification
        .as_ref()
        .unwrap()
        .windows
        .get(&t)
        .unwrap()
        .panel
        .clone();
    let e = at(&w, panel[0]);
    w.poco.vote(&e, t, digest("true")).unwrap();
    let e = at(&w, panel[2]);
    assert_eq!(
        w.poco.vote(&e, t, digest("true")).unwrap(),
        Verdict::Overturned
    );
    // escrow (P_w = 10) back to the requester; B_c = 26: requester P_a + P_d = 3 plus half
    // of the rest (23/2 = 11.5) = 14.5; the other 11.5: 5.75 to the challenger, 2.875 to
    // each majority voter. Requester: 100 − 13 + 10 + 14.5 = 111.5.
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: mrlc(111_500),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: rlc(100),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: rlc(74),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, anyone(&w)),
        Account {
            balance: mrlc(105_750),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, panel[0]).balance, U256::from(97_875_000_000u64));
    assert_eq!(acct(&w, panel[2]).balance, U256::from(97_875_000_000u64));
    assert_eq!(acct(&w, panel[1]).balance, rlc(95));
    // providers keep P_a, P_d
    assert_eq!(acct(&w, app_owner(&w)).balance, rlc(101));
    assert!(
        w.poco
            .ext
            .optimistic_verification
            .as_ref()
            .unwrap()
            .windows
            .is_empty()
    );
    assert_conserved(&w, s);
}

#[test]
fn audit_drawn_and_mismatch_escalates() {
    let (mut w, t, s) = finalized(1_000_000);
    let win = w
        .poco
        .ext
        .optimistic_verification
        .as_ref()
        .unwrap()
        .windows
        .get(&t)
        .unwrap()
        .clone();
    let (auditor, done) = win.auditor.unwrap();
    assert!(!done);
    assert!(![w.worker(0), w.worker(1), sched(&w)].contains(&auditor));
    // a wrong re-execution escalates to the two remaining verifiers (auditor excluded)
    let e = at(&w, auditor);
    assert_eq!(
        w.poco.submit_audit(&e, t, digest("x")).unwrap(),
        Verdict::Pending
    );
    let panel = w
        .poco
        .ext
        .optimistic_verification
        .as_ref()
        .unwrap()
        .windows
        .get(&t)
        .unwrap()
        .panel
        .clone();
    assert_eq!(panel.len(), 2);
    assert!(!panel.contains(&auditor));
    for v in &panel {
        let e = at(&w, *v);
        w.poco.vote(&e, t, digest("r")).unwrap();
    }
    // upheld, no challenger deposit to share: nothing moves; release after the window
    w.now += 2 * T;
    let e = at(&w, anyone(&w));
    w.poco.release_escrow(&e, t).unwrap();
    assert_eq!(acct(&w, sched(&w)).balance, mrlc(100_100));
    assert_conserved(&w, s);
}

#[test]
fn fast_path_is_escrowed_too() {
    let mut w = world(m1(0), 1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(0));
    fast_finalize(&mut w, t, 0, digest("z"));
    // 10·99 % = 9.9 escrowed on the worker, 0.1 on the pool owner
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: rlc(100),
            frozen: mrlc(9_900)
        }
    );
    let e = at(&w, anyone(&w));
    // the challenge reads the fast path's digest from the task: agreeing is refused
    let before = w.poco.clone();
    assert!(w.poco.challenge(&e, t, digest("z")).is_err());
    assert_eq!(before, w.poco);
    w.now += 2 * T;
    let e = at(&w, anyone(&w));
    w.poco.release_escrow(&e, t).unwrap();
    assert_eq!(acct(&w, w.worker(0)).balance, mrlc(109_900));
    assert_conserved(&w, s);
}

#[test]
fn failure_releases_the_bond() {
    let mut w = world(m1(0), 1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    claim_after_deadline(&mut w, t);
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
    let (mut w, t, _) = finalized(0);
    let before = w.poco.clone();
    let e = at(&w, anyone(&w));
    assert!(w.poco.vote(&e, t, digest("r")).is_err()); // no panel
    assert!(w.poco.submit_audit(&e, t, digest("r")).is_err()); // no auditor
    let e = at(&w, Address::repeat_byte(0x77));
    assert!(w.poco.challenge(&e, t, digest("q")).is_err()); // cannot lock D_ch
    assert_eq!(before, w.poco);
    let e = at(&w, Address::repeat_byte(0x78));
    assert!(w.poco.register_verifier(&e, rlc(1)).is_err()); // no funds
    w.now += 2 * T;
    let e = at(&w, anyone(&w));
    let before = w.poco.clone();
    assert!(w.poco.challenge(&e, t, digest("q")).is_err()); // window closed
    assert_eq!(before, w.poco);
    // the pool owner cannot lock B_c: no match
    let mut w = world(m1(0), 1);
    let e = at(&w, sched(&w));
    w.poco.withdraw(&e, rlc(80)).unwrap(); // 20 < 3 + 26
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    assert!(w.match_orders(&o).is_err());
    assert_eq!(before, w.poco);
}

#[test]
fn overturn_feeds_reputation_and_credibility() {
    let ext = mech(|m| {
        m.optimistic_verification =
            Some(OptimisticVerification::new(OptimisticVerificationParams {
                audit_ppm: 0,
                ..Default::default()
            }));
        m.reputation = Some(Reputation::default());
        m.committees = Some(Committees::default());
    });
    let mut w = world(ext, 5);
    let s = supply(&w);
    for i in 2..5 {
        let env = w.env(w.worker(i));
        w.poco.register_verifier(&env, rlc(5)).unwrap();
    }
    let (_, t) = deal_and_task(&mut w, &params(1));
    fast_finalize(&mut w, t, 0, digest("lie"));
    let e = at(&w, anyone(&w));
    w.poco.challenge(&e, t, digest("truth")).unwrap();
    let panel = w
        .poco
        .ext
        .optimistic_verification
        .as_ref()
        .unwrap()
        .windows
        .get(&t)
        .unwrap()
        .panel
        .clone();
    for v in &panel[..2] {
        let e = at(&w, *v);
        w.poco.vote(&e, t, digest("truth")).unwrap();
    }
    // M7: pool had 1 success (from finalize), now 1 fault: (1 + 1)/(2 + 1 + 3) = 0.333333
    let r = w.poco.ext.reputation.as_ref().unwrap();
    assert_eq!(r.score_ppm(w.workerpool, w.now), 333_333);
    // M2: the lying worker gets ρ_f = 3 failures: E = 1/(2 + 3) = 0.2
    assert_eq!(
        w.poco
            .ext
            .committees
            .as_ref()
            .unwrap()
            .credibility_ppm(w.worker(0), w.now),
        200_000
    );
    // escrow (9.9 on the worker, 0.1 on the pool) back to the payer: worker ends at 100
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: rlc(100),
            frozen: U256::ZERO
        }
    );
    assert_conserved(&w, s);
}
