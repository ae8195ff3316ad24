//! M8: delayed policies, per-task deadlines, kitty rule, volume restoration, n_max.
//! P_w = 10 RLC; T = 300 s (category XS).

mod common;
use common::*;

fn m8() -> Mechanisms {
    mech(|m| m.market_integrity = Some(MarketIntegrity::default()))
}

#[test]
fn deals_use_the_delayed_policy_not_the_mutable_one() {
    let mut w = world(m8(), 1);
    let pool = w.workerpool;
    // front-running: the owner changes the contract's policy just before the match
    let env = w.env(sched(&w));
    w.poco.change_policy(&env, pool, u(90), u(50)).unwrap();
    w.poco.announce_policy(&env, pool, u(40), u(5)).unwrap();
    let (d, _) = deal_and_task(&mut w, &params(4));
    // announced policy not yet in force (1 h): defaults ρ = 30, σ = 1 → S_w = 3 RLC
    let deal = w.poco.view_deal(d);
    assert_eq!(
        (deal.worker_stake, deal.scheduler_reward_ratio),
        (rlc(3), u(1))
    );
    w.now += 3_600;
    let (d2, _) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(1),
            ..params(4)
        },
    );
    let deal = w.poco.view_deal(d2);
    assert_eq!(
        (deal.worker_stake, deal.scheduler_reward_ratio),
        (rlc(4), u(5))
    );
    let env = w.env(sched(&w));
    let before = w.poco.clone();
    assert!(w.poco.announce_policy(&env, pool, u(101), u(1)).is_err()); // ρ ≤ 100
    let env = w.env(anyone(&w));
    assert!(w.poco.announce_policy(&env, pool, u(10), u(1)).is_err()); // not the owner
    assert_eq!(before, w.poco);
}

#[test]
fn deadlines_anchor_at_initialize_within_i_max() {
    let mut w = world(m8(), 1);
    let o = w.orders(&OrderParams {
        volume: u(2),
        ..params(4)
    });
    let d = w.match_orders(&o).unwrap();
    let start = w.now;
    w.now += T; // initialize 1T after the deal: deadlines from now
    let t0 = w.initialize(d, 0).unwrap();
    let task = w.poco.view_task(t0);
    assert_eq!(task.contribution_deadline, u(start + 8 * T));
    assert_eq!(task.final_deadline, u(start + 11 * T));
    w.now = start + 4 * T; // beyond I_max = 3T: the deal's deadlines (start + 10T)
    let t1 = w.initialize(d, 1).unwrap();
    assert_eq!(w.poco.view_task(t1).final_deadline, u(start + 10 * T));
}

#[test]
fn kitty_rule_and_cap() {
    // seed the kitty with S_s = 3 RLC from a failed deal, then succeed with a cheap pool
    let run = |ext: Mechanisms, pw: U256| {
        let mut w = world(ext, 2);
        let (_, t0) = deal_and_task(
            &mut w,
            &OrderParams {
                salt: B256::repeat_byte(8),
                ..params(4)
            },
        );
        claim_after_deadline(&mut w, t0);
        let (_, t) = deal_and_task(
            &mut w,
            &OrderParams {
                workerpool_price: pw,
                ..params(4)
            },
        );
        replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
        acct(&w, KITTY_ADDRESS).frozen
    };
    // baseline pays max(0.3, 1) = 1 RLC even for P_w = 0.05 RLC (F6)
    assert_eq!(run(Mechanisms::default(), mrlc(50)), rlc(2));
    // M8: P_w < p_min = 0.1 RLC → no kitty share
    assert_eq!(run(m8(), mrlc(50)), rlc(3));
    // priced deal: paid, but capped per pool per epoch (cap 0.4 RLC here)
    let capped = mech(|m| {
        m.market_integrity = Some(MarketIntegrity::new(MarketIntegrityParams {
            kitty_cap_per_epoch: 400_000_000,
            ..Default::default()
        }))
    });
    assert_eq!(run(capped, rlc(10)), mrlc(2_600));
    assert_eq!(run(m8(), rlc(10)), rlc(2));
}

#[test]
fn volume_is_restored_on_pool_failure() {
    for enabled in [false, true] {
        let mut w = world(if enabled { m8() } else { Mechanisms::default() }, 1);
        let s = supply(&w);
        let o = w.orders(&params(4));
        let d = w.match_orders(&o).unwrap();
        let t = w.initialize(d, 0).unwrap();
        claim_after_deadline(&mut w, t);
        // a new request reuses the same app / dataset / pool orders
        let mut o2 = w.orders(&params(4));
        o2.request.salt = B256::repeat_byte(4);
        o2.workerpool.salt = B256::repeat_byte(4);
        let r = w.match_orders(&o2);
        assert_eq!(
            r.is_ok(),
            enabled,
            "app/dataset orders of volume 1 are consumed unless restored"
        );
        assert_conserved(&w, s);
    }
}

#[test]
fn contributor_list_is_bounded() {
    let ext = mech(|m| {
        m.market_integrity = Some(MarketIntegrity::new(MarketIntegrityParams {
            max_contributors: 2,
            ..Default::default()
        }))
    });
    let mut w = world(ext, 3);
    let (_, t) = deal_and_task(&mut w, &params(100));
    w.contribute(0, t, digest("a")).unwrap();
    w.contribute(1, t, digest("b")).unwrap();
    let before = w.poco.clone();
    assert_eq!(
        w.contribute(2, t, digest("c")).unwrap_err().class(),
        "extension:market_integrity:contributor list full"
    );
    assert_eq!(before, w.poco);
}
