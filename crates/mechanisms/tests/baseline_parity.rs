//! With every mechanism disabled the composite is PoCo 6.1.0 to the bit; with a mechanism
//! enabled that does not change payouts (M5 without attestation), the settlement plans of the
//! crate reproduce the core's payouts exactly (kitty, losers, scores, fast path).

mod common;
use common::*;
use pocolab_core::Baseline;

/// Replicated success with a dissenter first (spec example B shape), trust 4, 5 workers.
fn scenario_success<E: Extension>(ext: E) -> World<E> {
    let mut w = world(ext, 5);
    // a first deal fails to seed the kitty with S_s = 3 RLC
    let (_, t0) = deal_and_task(
        &mut w,
        &OrderParams {
            salt: B256::repeat_byte(9),
            ..params(4)
        },
    );
    claim_after_deadline(&mut w, t0);
    let (_, t) = deal_and_task(&mut w, &params(4));
    w.set_score(3, 40);
    let (bad, good) = (digest("bad"), digest("good"));
    w.contribute(0, t, bad).unwrap();
    for i in 1..5 {
        w.contribute(i, t, good).unwrap();
        if w.poco.view_task(t).status == TaskStatus::Revealing {
            break;
        }
    }
    let task = w.poco.view_task(t);
    assert_eq!(task.status, TaskStatus::Revealing);
    for (i, c) in task.contributors.clone().iter().enumerate() {
        if task.contributions[i].result_hash != pocolab_core::orders::result_hash(t, bad) {
            let idx = (0..5).find(|j| w.worker(*j) == *c).unwrap();
            w.reveal(idx, t, good).unwrap();
        }
    }
    w.finalize(t, b"good").unwrap();
    w
}

fn scenario_fast<E: Extension>(ext: E) -> World<E> {
    let mut w = world(ext, 1);
    let (_, t) = deal_and_task(&mut w, &params(0));
    fast_finalize(&mut w, t, 0, digest("x"));
    w
}

fn scenario_failure<E: Extension>(ext: E) -> World<E> {
    let mut w = world(ext, 3);
    let (_, t) = deal_and_task(&mut w, &params(4));
    w.contribute(0, t, digest("a")).unwrap();
    w.contribute(1, t, digest("b")).unwrap();
    claim_after_deadline(&mut w, t);
    w
}

#[test]
fn disabled_composite_is_bit_identical_to_baseline() {
    assert_eq!(
        scenario_success(Baseline).poco.state,
        scenario_success(Mechanisms::default()).poco.state
    );
    assert_eq!(
        scenario_fast(Baseline).poco.state,
        scenario_fast(Mechanisms::default()).poco.state
    );
    assert_eq!(
        scenario_failure(Baseline).poco.state,
        scenario_failure(Mechanisms::default()).poco.state
    );
}

#[test]
fn settlement_plans_reproduce_core_payouts() {
    let m5 = || mech(|m| m.fair_exchange = Some(FairExchange::default()));
    let (a, b) = (scenario_success(Baseline), scenario_success(m5()));
    // the kitty paid max(3·10 %, 1 RLC) = 1 RLC to the pool owner in both
    assert_eq!(acct(&a, KITTY_ADDRESS).frozen, rlc(2));
    assert_eq!(a.poco.state, b.poco.state);
    assert_eq!(
        scenario_fast(Baseline).poco.state,
        scenario_fast(m5()).poco.state
    );
    assert_eq!(
        scenario_failure(Baseline).poco.state,
        scenario_failure(m5()).poco.state
    );
    // the standalone struct behaves as the composite with only it enabled
    assert_eq!(
        scenario_success(FairExchange::default()).poco.state,
        b.poco.state
    );
}

#[test]
fn config_deserializes_with_spec_defaults() {
    let c: MechanismsConfig =
        toml::from_str("[requester_bond]\n[optimistic_verification]\naudit_ppm = 100000\n")
            .unwrap();
    let m = Mechanisms::from_config(c);
    assert_eq!(
        m.requester_bond.as_ref().unwrap().params,
        RequesterBondParams::default()
    );
    let ov = &m.optimistic_verification.as_ref().unwrap().params;
    assert_eq!(
        (
            ov.beta_pct,
            ov.window_t,
            ov.audit_ppm,
            ov.challenge_deposit_pct,
            ov.panel_size
        ),
        (200, 2, 100_000, 100, 3)
    );
    assert!(m.committees.is_none() && m.market_integrity.is_none());
    let all = Mechanisms::all();
    assert_eq!(all.committees.as_ref().unwrap().params.lambda_ppm, 980_000);
    assert_eq!(all.reputation.as_ref().unwrap().params.fail_weight, 3);
    assert!(toml::from_str::<MechanismsConfig>("[requester_bond]\nbogus = 1\n").is_err());
}
