//! Bad market configurations get one clear error before anything runs: sizes beyond the
//! documented limits, durations that are negative, not numbers or too long, and prices whose
//! sums would not be representable (a wrapped sum would make every deal go unmatched while the
//! run "succeeds").

use pocolab_sim::market::limits;
use pocolab_sim::{MarketConfig, SimError, run};

fn error_of(c: MarketConfig) -> String {
    match run(&c, 1, 0) {
        Err(SimError::Config(m)) => m,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn sizes_beyond_the_limits_are_named() {
    let e = error_of(MarketConfig {
        deals: limits::DEALS + 1,
        ..MarketConfig::default()
    });
    assert!(e.contains("deals must be ≤ 10000000"), "{e}");
    let e = error_of(MarketConfig {
        honest_workers: u64::MAX,
        ..MarketConfig::default()
    });
    assert!(e.contains("honest_workers"), "{e}");
    let e = error_of(MarketConfig {
        deal_interval_s: u64::MAX,
        ..MarketConfig::default()
    });
    assert!(e.contains("deal_interval_s"), "{e}");
}

#[test]
fn durations_must_be_numbers_of_seconds() {
    for bad in [-1.0, f64::NAN, f64::INFINITY, 1e12] {
        let e = error_of(MarketConfig {
            compute_mean_s: bad,
            ..MarketConfig::default()
        });
        assert!(e.contains("compute_mean_s"), "{bad}: {e}");
    }
}

#[test]
fn prices_that_would_wrap_are_refused() {
    let e = error_of(MarketConfig {
        app_price: u64::MAX,
        dataset_price: 1,
        ..MarketConfig::default()
    });
    assert!(e.contains("overflows"), "{e}");
    let e = error_of(MarketConfig {
        workerpool_price: u64::MAX / 2,
        deals: 10,
        ..MarketConfig::default()
    });
    assert!(e.contains("the run's prices overflow"), "{e}");
}

#[test]
fn the_default_market_is_within_the_limits() {
    let m = run(&MarketConfig::default(), 1, 0).expect("default market runs");
    assert_eq!(m.tasks, 200);
}

#[test]
fn swept_values_must_be_finite_and_fit_their_field() {
    use pocolab_sim::sweep::Scenario;
    for (v, want) in [
        ("nan", "`trust`: NaN is not a finite number"),
        ("inf", "`trust`: inf is not a finite number"),
        ("1e30", "`trust` is a non-negative integer below 2⁶⁴"),
        ("-2", "`trust` is a non-negative integer below 2⁶⁴"),
    ] {
        let text = format!("name = \"x\"\n[sweep.params]\ntrust = [{v}]\n");
        let e = Scenario::from_toml(&text)
            .unwrap()
            .plan()
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{v}: {e}");
    }
    let text = "name = \"x\"\n[sweep.params]\ncompute_mean_s = [nan]\n";
    let e = Scenario::from_toml(text)
        .unwrap()
        .plan()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`compute_mean_s`: NaN is not a finite number"),
        "{e}"
    );
}

#[test]
fn an_adversarial_worker_share_of_one_is_refused_not_clamped() {
    use pocolab_sim::Attack;
    let e = error_of(MarketConfig {
        attack: Attack::ColludingWorkers {
            fraction: 1.0,
            external_gain_nrlc: 0,
        },
        ..MarketConfig::default()
    });
    assert!(e.contains("fraction must be ≤ 0.99"), "{e}");
    let e = error_of(MarketConfig {
        attack: Attack::Vanishing { fraction: 1.3 },
        ..MarketConfig::default()
    });
    assert!(e.contains("fraction must be in [0, 1], got 1.3"), "{e}");
    let ok = MarketConfig {
        deals: 5,
        attack: Attack::Vanishing { fraction: 0.99 },
        ..MarketConfig::default()
    };
    run(&ok, 1, 0).expect("0.99 is allowed");
}

#[test]
fn attack_budgets_are_bounded_inside_coalitions_too() {
    use pocolab_sim::Attack;
    let with = |attack| MarketConfig {
        attack,
        ..MarketConfig::default()
    };
    let e = error_of(with(Attack::SchedulerSybils {
        sybils: u64::MAX,
        external_gain_nrlc: 0,
    }));
    assert!(e.contains("attack.sybils must be ≤ 1000000"), "{e}");
    let e = error_of(with(Attack::KittyDrain {
        seed_failures: 1,
        drain_deals: limits::ATTACK_COUNT + 1,
    }));
    assert!(e.contains("attack.drain_deals"), "{e}");
    let e = error_of(with(Attack::Coalition {
        members: vec![
            Attack::ScoreFarming {
                farm_tasks: 3,
                external_gain_nrlc: u64::MAX,
            },
            Attack::Censorship { fraction: 0.1 },
        ],
    }));
    assert!(e.contains("attack.external_gain_nrlc"), "{e}");
    // at the limit, external amounts are summed exactly (no wrap, no panic)
    let m = run(
        &MarketConfig {
            deals: 20,
            ..with(Attack::ColludingWorkers {
                fraction: 0.5,
                external_gain_nrlc: limits::ATTACK_AMOUNT_NRLC,
            })
        },
        1,
        0,
    )
    .unwrap();
    assert!(m.wrong_accepted > 0, "{m:?}");
    let gains = m.wrong_accepted as i128 * limits::ATTACK_AMOUNT_NRLC as i128;
    // on-chain flows are a few RLC: the profit is the external gains to within 10⁶ RLC
    assert!(
        (m.attacker_profit.get() - gains).abs() < 1_000_000_000_000_000,
        "{m:?}"
    );
}
