//! Full task lifecycle: matchOrders + initialize + 3 contributions + 3 reveals + finalize,
//! with and without signature verification. Order building and signing happen in the
//! (unmeasured) setup: what is measured is the protocol's own work, signature *checks*
//! included when enabled.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pocolab_core::constants::RLC;
use pocolab_core::fixtures::{OrderParams, Orders, World, digest};
use pocolab_core::orders::{Order, deal_id, result_hash, result_seal, task_id};
use pocolab_core::{Address, B256, Bytes, U256};
use std::hint::black_box;

struct Prepared {
    orders: Orders,
    task: B256,
    auths: [Bytes; 3],
}

fn world(verify: bool) -> World {
    let mut w = World::new(3, verify);
    let big = U256::from(u64::MAX);
    for who in [
        w.actors.requester.address(),
        w.actors.scheduler.address(),
        w.worker(0),
        w.worker(1),
        w.worker(2),
    ] {
        w.fund(who, big).unwrap();
    }
    w
}

fn prepare(w: &World, n: u64) -> Prepared {
    let p = OrderParams {
        app_price: U256::from(RLC),
        dataset_price: U256::from(RLC),
        workerpool_price: U256::from(10 * RLC),
        trust: U256::from(5), // 3 fresh workers needed: 8·5 > 9·4
        salt: B256::from(U256::from(n)),
        ..Default::default()
    };
    let orders = w.orders(&p);
    let did = deal_id(orders.request.hash(w.poco.domain_separator()), U256::ZERO);
    let task = task_id(did, U256::ZERO);
    let auths = [0, 1, 2].map(|i| w.authorize(w.worker(i), task));
    Prepared {
        orders,
        task,
        auths,
    }
}

fn lifecycle(w: &mut World, p: &Prepared) {
    // scores grow by one per lifecycle; reset them so every lifecycle needs exactly 3 workers
    for k in 0..3 {
        w.poco.set_score(w.worker(k), U256::ZERO);
    }
    let d = digest("result");
    let anyone = w.env(w.actors.anyone.address());
    let o = &p.orders;
    let deal = w
        .poco
        .match_orders(&anyone, &o.app, &o.dataset, &o.workerpool, &o.request)
        .unwrap();
    let t = w.poco.initialize(&anyone, deal, U256::ZERO).unwrap();
    debug_assert_eq!(t, p.task);
    for i in 0..3 {
        let wk = w.worker(i);
        let env = w.env(wk);
        w.poco
            .contribute(
                &env,
                t,
                result_hash(t, d),
                result_seal(wk, t, d),
                Address::ZERO,
                &[],
                &p.auths[i],
            )
            .unwrap();
    }
    for i in 0..3 {
        let env = w.env(w.worker(i));
        w.poco.reveal(&env, t, d).unwrap();
    }
    let env = w.env(w.actors.scheduler.address());
    w.poco.finalize(&env, t, b"result", &[]).unwrap();
    black_box(&w.poco.state.tasks);
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("task_lifecycle");
    g.throughput(Throughput::Elements(1));
    for (name, verify) in [("no_signatures", false), ("with_signatures", true)] {
        let mut w = world(verify);
        // same deterministic actors, assets and domain: signs the orders in the setup
        let signer = world(verify);
        let mut n = 0u64;
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    n += 1;
                    prepare(&signer, n)
                },
                |p| lifecycle(&mut w, &p),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
