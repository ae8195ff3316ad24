//! Run N full task lifecycles (no signature checks) and print the rate: a profiling target
//! (`valgrind --tool=callgrind`, `perf`) beside the criterion benchmark.
//!
//! `cargo run --release -p pocolab-core --example lifecycles -- 100000`

use pocolab_core::fixtures::{OrderParams, World, digest};
use pocolab_core::orders::{result_hash, result_seal};
use pocolab_core::{Address, B256, U256};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut w = World::new(3, false);
    for who in [
        w.actors.requester.address(),
        w.actors.scheduler.address(),
        w.worker(0),
        w.worker(1),
        w.worker(2),
    ] {
        w.fund(who, U256::from(u64::MAX)).unwrap();
    }
    let mut p = OrderParams {
        app_price: U256::from(1_000_000_000u64),
        dataset_price: U256::from(1_000_000_000u64),
        workerpool_price: U256::from(10_000_000_000u64),
        trust: U256::from(5),
        ..Default::default()
    };
    let d = digest("result");
    let anyone = w.env(w.actors.anyone.address());
    let sched = w.env(w.actors.scheduler.address());
    let start = std::time::Instant::now();
    for i in 0..n {
        p.salt = B256::from(U256::from(i));
        let o = w.orders(&p);
        for k in 0..3 {
            w.poco.set_score(w.worker(k), U256::ZERO);
        }
        let deal = w
            .poco
            .match_orders(&anyone, &o.app, &o.dataset, &o.workerpool, &o.request)
            .unwrap();
        let t = w.poco.initialize(&anyone, deal, U256::ZERO).unwrap();
        for k in 0..3 {
            let wk = w.worker(k);
            let env = w.env(wk);
            w.poco
                .contribute(
                    &env,
                    t,
                    result_hash(t, d),
                    result_seal(wk, t, d),
                    Address::ZERO,
                    &[],
                    &[],
                )
                .unwrap();
        }
        for k in 0..3 {
            let env = w.env(w.worker(k));
            w.poco.reveal(&env, t, d).unwrap();
        }
        w.poco.finalize(&sched, t, b"result", &[]).unwrap();
    }
    let dt = start.elapsed().as_secs_f64();
    println!(
        "{n} lifecycles in {dt:.3} s: {:.0} lifecycles/s (order building included)",
        n as f64 / dt
    );
}
