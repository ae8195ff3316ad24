//! End-to-end behaviour of the PoCo-exact market against baseline PoCo.

use pocolab_sim::{Attack, MarketConfig, run};

fn cfg(attack: Attack) -> MarketConfig {
    MarketConfig {
        deals: 40,
        attack,
        ..MarketConfig::default()
    }
}

#[test]
fn honest_market_finalizes_everything_correctly() {
    let m = run(&cfg(Attack::None), 7, 0).unwrap();
    assert_eq!(m.tasks, 40);
    assert_eq!(m.finalized, 40);
    assert_eq!(m.wrong_accepted, 0);
    assert_eq!(m.failed, 0);
    // trust 5 with fresh workers needs 3 agreeing replicas (spec §7.5: 2^n ≥ 5)
    assert_eq!(m.replicas, 120);
    // the requester paid P per task, the providers got P_a + P_d per task
    let c = MarketConfig::default();
    assert_eq!(
        m.requester_outflow,
        40 * (c.app_price + c.dataset_price + c.workerpool_price) as i128
    );
    assert_eq!(m.provider_revenue, m.provider_entitled);
    assert!(m.honest_worker_income > 0);
    assert_eq!(m.reverted_calls, 0);
}

#[test]
fn same_seed_same_metrics_other_seed_differs() {
    let c = MarketConfig {
        honest_error_rate: 0.2,
        ..cfg(Attack::None)
    };
    let a = run(&c, 11, 3).unwrap();
    let b = run(&c, 11, 3).unwrap();
    assert_eq!(a, b);
    let d = run(&c, 12, 3).unwrap();
    assert_ne!(a, d);
}

#[test]
fn scheduler_sybils_capture_every_task() {
    // F1: ⌈log2 5⌉ = 3 agreeing fresh Sybils reach consensus at trust 5
    let m = run(
        &cfg(Attack::SchedulerSybils {
            sybils: 3,
            external_gain_nrlc: 0,
        }),
        1,
        0,
    )
    .unwrap();
    assert_eq!(m.finalized, 40);
    assert_eq!(m.wrong_accepted, 40);
    assert!(m.attacker_profit > 0, "profit {}", m.attacker_profit);
}

#[test]
fn unstable_inputs_fail_every_task_and_grief() {
    let m = run(&cfg(Attack::UnstableInputs), 1, 0).unwrap();
    assert_eq!(m.finalized, 0);
    assert_eq!(m.failed, 40);
    assert_eq!(m.requester_outflow, 0, "the requester is refunded in full");
    assert!(m.victim_loss > 0);
    assert!(
        m.scheduler_income < 0,
        "the pool lost its stakes to the kitty"
    );
}

#[test]
fn withheld_finalize_refunds_the_coalition() {
    // §1.1 R3: the coalition gains P_a + P_d per task and loses the pool stake 0.3·P_w
    let rlc = 1_000_000_000i128;
    let cheap_pool = MarketConfig {
        workerpool_price: 1_000_000_000,
        app_price: 3_000_000_000,
        dataset_price: 5_000_000_000,
        ..cfg(Attack::WithholdFinalize)
    };
    let m = run(&cheap_pool, 1, 0).unwrap();
    assert_eq!(m.failed, 40);
    assert_eq!(m.provider_revenue, 0);
    assert_eq!(m.attacker_profit, 40 * (8 * rlc - 3 * rlc / 10));
    // at the default prices P_a + P_d = 2 < 0.3·P_w = 3 RLC: unprofitable, as R3's condition says
    let m = run(&cfg(Attack::WithholdFinalize), 1, 0).unwrap();
    assert_eq!(m.attacker_profit, 40 * (2 * rlc - 3 * rlc));
}

#[test]
fn several_requesters_with_budgets_poisson_demand_and_trust_choices() {
    let rlc = 1_000_000_000u64;
    let c = MarketConfig {
        deals: 60,
        requesters: 3,
        poisson_arrivals: true,
        trust_choices: vec![1, 3, 5],
        // each requester can pay 10 deals of 12 RLC: 30 of the 60 requested deals happen
        requester_budget_nrlc: 10 * 12 * rlc + 1,
        ..MarketConfig::default()
    };
    let m = run(&c, 3, 0).unwrap();
    assert_eq!(m.matched_deals, 30, "budgets stop demand");
    assert_eq!(m.unmatched_deals, 30);
    assert_eq!(m.finalized, 30);
    assert_eq!(m.requester_outflow, 30 * 12 * rlc as i128);
    // trust 1 needs one replica, 3 needs two, 5 needs three: the mix lies strictly between
    assert!(m.replicas > 30 && m.replicas < 90, "{}", m.replicas);
    // same seed, same bytes; another seed, other arrivals
    assert_eq!(m, run(&c, 3, 0).unwrap());
    assert_ne!(m.time_to_finality, run(&c, 4, 0).unwrap().time_to_finality);
}

/// The roles' net positions (the outcome vector's losses are their differences) account for
/// every nRLC: on baseline PoCo without attack, what the requesters pay reaches the app and
/// dataset owners, the pool, the honest workers or the kitty; a correct result is worth its
/// fair price, so an honest market leaves the requesters' net at 0.
#[test]
fn role_nets_conserve_value() {
    let c = MarketConfig {
        honest_error_rate: 0.2,
        ..cfg(Attack::None)
    };
    let m = run(&c, 5, 1).unwrap();
    let n = m.nets;
    let get = |v: Option<pocolab_results::Nrlc>| v.expect("no role is the attacker's").get();
    let fair = (c.app_price + c.dataset_price + c.workerpool_price) as i128;
    let compute = (m.honest_replicas * c.compute_cost_nrlc) as i128;
    let requester = get(n.requester);
    assert_eq!(
        requester,
        m.correct() as i128 * fair - m.requester_outflow.get()
    );
    let received = get(n.app_owner)
        + get(n.dataset_owner)
        + get(n.pool)
        + get(n.honest_workers)
        + compute
        + m.kitty as i128;
    assert_eq!(m.requester_outflow.get(), received, "{m:?}");
    // with every task finalized correctly, the requesters got what they paid for
    let honest = run(&cfg(Attack::None), 5, 1).unwrap();
    assert_eq!(honest.correct(), 40);
    assert_eq!(get(honest.nets.requester), 0);
    // a role played by the attacker has no net position (its loss is undefined)
    let r1 = run(&cfg(Attack::UnstableInputs), 5, 1).unwrap();
    assert!(r1.nets.requester.is_none());
    assert!(
        r1.get(pocolab_sim::metrics::Metric::CorrectPerTask)
            .is_nan()
    );
}
