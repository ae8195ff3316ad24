//! The worked examples of spec §8.6, checked to the nRLC.

use pocolab_core::constants::{KITTY_ADDRESS, RLC, u};
use pocolab_core::fixtures::{OrderParams, World, digest};
use pocolab_core::{ContributionStatus, TaskStatus, U256};

/// Σ balances (proxy included) = totalSupply and balance[proxy] = Σ frozen.
fn assert_conserved<E: pocolab_core::Extension>(w: &World<E>, supply: U256) {
    w.poco.state.ledger.check_invariants().unwrap();
    assert_eq!(w.poco.state.ledger.total_supply(), supply);
    let proxy = w.poco.state.ledger.balance_of(w.poco.state.ledger.proxy());
    assert_eq!(proxy, w.poco.state.ledger.total_frozen());
}

/// Example A: the documentation example (P_w = 20, P_d = 1, ρ = 35, σ = 5, τ = 100).
#[test]
fn example_a_documentation() {
    let mut w = World::new(3, true);
    let sched = w.actors.scheduler.address();
    let env = w.env(sched);
    w.poco
        .change_policy(&env, w.workerpool, u(35), u(5))
        .unwrap();
    let p = OrderParams {
        dataset_price: u(RLC),
        workerpool_price: u(20 * RLC),
        trust: u(100),
        ..Default::default()
    };
    let o = w.orders(&p);
    let req = w.actors.requester.address();
    w.fund(req, u(21 * RLC)).unwrap();
    w.fund(sched, u(6 * RLC)).unwrap();
    for i in 0..3 {
        w.fund(w.worker(i), u(7 * RLC)).unwrap();
    }
    let supply = w.poco.state.ledger.total_supply();
    let deal = w.match_orders(&o).unwrap();
    assert_eq!(w.poco.view_account(req).frozen, u(21 * RLC));
    assert_eq!(w.poco.view_account(sched).frozen, u(6 * RLC));
    assert_eq!(w.poco.view_deal(deal).worker_stake, u(7 * RLC));
    let t = w.initialize(deal, 0).unwrap();
    w.set_score(0, 12);
    w.set_score(1, 100);
    w.set_score(2, 300);
    let (v17, v42) = (digest("17"), digest("42"));
    w.contribute(0, t, v17).unwrap();
    let task = w.poco.view_task(t);
    assert_eq!(
        (
            task.group(pocolab_core::orders::result_hash(t, v17)),
            task.total
        ),
        (u(3), u(4))
    );
    w.contribute(1, t, v42).unwrap();
    let task = w.poco.view_task(t);
    assert_eq!(
        (
            task.group(pocolab_core::orders::result_hash(t, v42)),
            task.total
        ),
        (u(32), u(36))
    );
    assert_eq!(task.status, TaskStatus::Active);
    w.contribute(2, t, v42).unwrap();
    let task = w.poco.view_task(t);
    assert_eq!(
        (
            task.group(pocolab_core::orders::result_hash(t, v42)),
            task.total
        ),
        (u(3168), u(3172))
    );
    assert_eq!(task.status, TaskStatus::Revealing);
    assert_eq!(task.winner_counter, u(2));
    // log weights 1, 5, 6
    let weights: Vec<U256> = task.contributions.iter().map(|c| c.weight).collect();
    assert_eq!(weights, vec![u(1), u(5), u(6)]);
    w.reveal(1, t, v42).unwrap();
    w.reveal(2, t, v42).unwrap();
    w.finalize(t, b"result").unwrap();
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Completed);
    assert_eq!(
        w.poco.view_account(w.worker(0)),
        pocolab_core::Account {
            balance: u(0),
            frozen: u(0)
        }
    );
    assert_eq!(
        w.poco.view_account(w.worker(1)).balance,
        u(7 * RLC + 11_659_090_909)
    );
    assert_eq!(
        w.poco.view_account(w.worker(2)).balance,
        u(7 * RLC + 13_990_909_090)
    );
    assert_eq!(
        w.poco.view_account(sched).balance,
        u(6 * RLC + 1_350_000_001)
    );
    assert_eq!(
        w.poco
            .view_account(w.actors.dataset_provider.address())
            .balance,
        u(RLC)
    );
    assert_eq!(w.poco.view_account(req), pocolab_core::Account::default());
    assert_eq!(w.poco.view_score(w.worker(0)), u(8));
    assert_eq!(w.poco.view_score(w.worker(1)), u(101));
    assert_eq!(w.poco.view_score(w.worker(2)), u(301));
    assert_eq!(
        w.poco.view_contribution(t, w.worker(0)).status,
        ContributionStatus::Contributed
    );
    assert_conserved(&w, supply);
}

/// Example B: PoCo test `[7]` of `000_fullchain.test.ts` (5 workers, τ = 4, bad one first).
#[test]
fn example_b_fullchain_five_workers() {
    let mut w = World::new(5, true);
    let sched = w.actors.scheduler.address();
    let p = OrderParams {
        app_price: u(1_000),
        dataset_price: u(1_000_000),
        workerpool_price: u(1_000_000_000),
        trust: u(4),
        ..Default::default()
    };
    let o = w.orders(&p);
    let req = w.actors.requester.address();
    w.fund(req, u(1_000 + 1_000_000 + 1_000_000_000)).unwrap();
    w.fund(sched, u(300_000_000)).unwrap();
    for i in 0..5 {
        w.fund(w.worker(i), u(300_000_000)).unwrap();
    }
    let supply = w.poco.state.ledger.total_supply();
    let deal = w.match_orders(&o).unwrap();
    let t = w.initialize(deal, 0).unwrap();
    let (bad, good) = (digest("bad"), digest("result"));
    let trace = [(2u64, 3u64), (2, 5), (4, 7), (8, 11), (16, 19)];
    for (i, (group, total)) in trace.into_iter().enumerate() {
        let d = if i == 0 { bad } else { good };
        w.contribute(i, t, d).unwrap();
        let task = w.poco.view_task(t);
        let g = task.group(pocolab_core::orders::result_hash(t, d));
        assert_eq!(
            (g, task.total),
            (u(group), u(total)),
            "after contribution {i}"
        );
        assert_eq!(task.status == TaskStatus::Revealing, i == 4);
    }
    assert_eq!(w.poco.view_task(t).winner_counter, u(4));
    let before: Vec<U256> = (0..5)
        .map(|i| w.poco.view_account(w.worker(i)).balance)
        .collect();
    let sched_before = w.poco.view_account(sched).balance;
    for i in 1..5 {
        w.reveal(i, t, good).unwrap();
    }
    w.finalize(t, b"result").unwrap();
    for (i, b) in before.iter().enumerate().skip(1) {
        assert_eq!(
            w.poco.view_account(w.worker(i)).balance - *b,
            u(621_750_000)
        );
        assert_eq!(w.poco.view_score(w.worker(i)), u(1));
    }
    assert_eq!(w.poco.view_account(w.worker(0)).balance - before[0], u(0));
    assert_eq!(w.poco.view_account(w.worker(0)).frozen, u(0));
    assert_eq!(w.poco.view_score(w.worker(0)), u(0));
    assert_eq!(
        w.poco.view_account(sched).balance - sched_before,
        u(313_000_000)
    );
    assert_eq!(
        w.poco.view_account(w.actors.app_provider.address()).balance,
        u(1_000)
    );
    assert_eq!(
        w.poco
            .view_account(w.actors.dataset_provider.address())
            .balance,
        u(1_000_000)
    );
    assert_eq!(w.poco.view_account(KITTY_ADDRESS).frozen, u(0));
    assert_conserved(&w, supply);
}
