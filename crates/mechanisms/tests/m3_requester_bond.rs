//! M3: requester bond and failure attribution.
//! Prices: P_a = 1, P_d = 2, P_w = 10 RLC (P = 13), S_s = 3, S_w = 3, σ = 1 %.
//! B_r = γ·P_w with γ(0.5) = 0.5 → 5 RLC.

mod common;
use common::*;

fn m3() -> Mechanisms {
    mech(|m| m.requester_bond = Some(RequesterBond::default()))
}

fn report(w: &mut World<Mechanisms>, i: usize, t: B256, c: Cause) -> pocolab_core::Result<()> {
    let env = w.env(w.worker(i));
    w.poco.report_failure(
        &env,
        t,
        &ReportInput::plain(c, digest("log"), digest("input")),
    )
}

#[test]
fn bond_locked_at_match_and_released_on_success() {
    let mut w = world(m3(), 2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    // frozen: P = 13 + B_r = 5
    assert_eq!(acct(&w, req(&w)).frozen, rlc(18));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    // baseline payout: requester 100 − 13 = 87, bond back
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(87),
            frozen: U256::ZERO
        }
    );
    // workers: 10·99/100 = 9.9 RLC shared by log weight 1:1 → 4.95 each
    assert_eq!(acct(&w, w.worker(0)).balance, mrlc(104_950));
    assert_eq!(acct(&w, sched(&w)).balance, mrlc(100_100));
    assert_conserved(&w, s);
}

#[test]
fn gamma_follows_reputation_and_is_clipped() {
    let m = RequesterBond::default();
    assert_eq!(m.gamma_ppm(500_000), 500_000); // γ0·(2 − 1)
    assert_eq!(m.gamma_ppm(0), 1_000_000); // 2γ0
    assert_eq!(m.gamma_ppm(1_000_000), 100_000); // clipped to γ_min
    assert_eq!(m.gamma_ppm(750_000), 250_000);
}

#[test]
fn requester_fault_compensates_reporters_and_spares_the_pool() {
    let mut w = world(m3(), 2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    report(&mut w, 0, t, Cause::InputChecksumMismatch).unwrap();
    report(&mut w, 1, t, Cause::InputChecksumMismatch).unwrap();
    // each report locks S_w = 3 RLC
    assert_eq!(acct(&w, w.worker(0)).frozen, rlc(3));
    claim_after_deadline(&mut w, t);
    // φ_c·P_w = 10 RLC taken from P: workers 10·99 % = 9.9 → 4.95 each, pool 0.1;
    // refund 13 − 10 = 3; B_r = 5 forfeited: 2.5 to the pool, 2.5 to the kitty; S_s unlocked
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(85),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: mrlc(104_950),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, w.worker(1)).balance, mrlc(104_950));
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: mrlc(102_600),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, KITTY_ADDRESS).frozen, mrlc(2_500));
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Failed);
    assert!(matches!(
        w.poco.ext.evidence.outcomes.get(&t),
        Some(Attribution::Requester { .. })
    ));
    assert_conserved(&w, s);
}

#[test]
fn unattributed_failure_splits_the_loss() {
    let mut w = world(m3(), 2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    w.contribute(0, t, digest("a")).unwrap();
    w.contribute(1, t, digest("b")).unwrap();
    claim_after_deadline(&mut w, t);
    // φ_u·P_w = 3 RLC to the 2 contributors (1.5 each); refund 10; S_s = 3 to the kitty;
    // B_r released
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(97),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: mrlc(101_500),
            frozen: U256::ZERO
        }
    );
    assert_eq!(acct(&w, sched(&w)).balance, rlc(97));
    assert_eq!(acct(&w, KITTY_ADDRESS).frozen, rlc(3));
    assert_conserved(&w, s);
}

#[test]
fn lone_report_is_not_enough_and_pool_failure_is_baseline() {
    let mut w = world(m3(), 2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    report(&mut w, 0, t, Cause::InputUnavailable).unwrap();
    claim_after_deadline(&mut w, t);
    // 1 report < m_r = 2 and no contribution: the pool's failure (today's rule), the
    // reporter's stake back, B_r released
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(100),
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
    assert_eq!(acct(&w, sched(&w)).balance, rlc(97));
    assert_eq!(acct(&w, KITTY_ADDRESS).frozen, rlc(3));
    assert_eq!(
        w.poco.ext.evidence.outcomes.get(&t),
        Some(&Attribution::Pool)
    );
    assert_conserved(&w, s);
}

#[test]
fn divergent_inputs_need_three_result_groups() {
    let mut w = world(m3(), 3);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(100));
    for (i, d) in ["a", "b", "c"].iter().enumerate() {
        w.contribute(i, t, digest(d)).unwrap();
    }
    for i in 0..2 {
        let env = w.env(w.worker(i));
        let inp = digest(&format!("input{i}"));
        w.poco
            .report_failure(
                &env,
                t,
                &ReportInput::plain(Cause::InputDivergent, digest("log"), inp),
            )
            .unwrap();
    }
    claim_after_deadline(&mut w, t);
    // requester fault: 10 RLC from P → 9.9 split over the 2 reporters (4.95 each), 0.1 pool
    assert!(matches!(
        w.poco.ext.evidence.outcomes.get(&t),
        Some(Attribution::Requester { .. })
    ));
    assert_eq!(acct(&w, w.worker(0)).balance, mrlc(104_950));
    assert_eq!(acct(&w, w.worker(2)).balance, rlc(100));
    assert_eq!(acct(&w, req(&w)).balance, rlc(85));
    assert_conserved(&w, s);
}

#[test]
fn failing_calls_change_nothing() {
    let mut w = world(m3(), 2);
    let (_, t) = deal_and_task(&mut w, &params(4));
    report(&mut w, 0, t, Cause::InputUnavailable).unwrap();
    let before = w.poco.clone();
    assert!(report(&mut w, 0, t, Cause::InputUnavailable).is_err()); // twice
    assert_eq!(before, w.poco);
    // a reporter without funds for S_w
    let poor = w.worker(1);
    let env = w.env(poor);
    w.poco.withdraw(&env, rlc(100)).unwrap();
    let before = w.poco.clone();
    assert!(report(&mut w, 1, t, Cause::InputUnavailable).is_err());
    assert_eq!(before, w.poco);
    // after the final deadline
    w.now += 10 * T;
    let before = w.poco.clone();
    assert!(report(&mut w, 0, t, Cause::InputUnavailable).is_err());
    assert_eq!(before, w.poco);
    // a requester without funds for B_r cannot match
    let mut w = world(m3(), 1);
    let env = w.env(req(&w));
    w.poco.withdraw(&env, rlc(90)).unwrap(); // 10 left < 13 + 5
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    assert!(w.match_orders(&o).is_err());
    assert_eq!(before, w.poco);
}

#[test]
fn reports_need_a_mechanism_that_uses_them() {
    let mut w = world(Mechanisms::default(), 1);
    let (_, t) = deal_and_task(&mut w, &params(4));
    let before = w.poco.clone();
    assert!(report(&mut w, 0, t, Cause::InputUnavailable).is_err());
    assert_eq!(before, w.poco);
}
