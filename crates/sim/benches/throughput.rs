//! Simulator throughput (issue C item 7, tooling.md §2.4): tasks simulated per second on
//! PoCo-lite (1 000 workers × 10 000 tasks per iteration, a fresh ChaCha8 stream each time)
//! and on the PoCo-exact market (`pocolab_sim::run`, default configuration — 200 deals of
//! volume 1 at trust 5 — and a volume-100 variant: 20 deals × 100 tasks). Criterion reports
//! `thrpt` in tasks (elements) per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pocolab_sim::MarketConfig;
use pocolab_sim::lite::{LiteParams, run_lite};

fn pocolite(c: &mut Criterion) {
    let mut g = c.benchmark_group("pocolite");
    let p = LiteParams::default();
    const TASKS: u64 = 10_000;
    g.throughput(Throughput::Elements(TASKS));
    let mut run = 0u64;
    g.bench_function("1000_workers_10000_tasks", |b| {
        b.iter(|| {
            run += 1;
            black_box(run_lite(black_box(&p), TASKS, 42, run))
        })
    });
    g.finish();
}

fn market(c: &mut Criterion) {
    let mut g = c.benchmark_group("market");
    g.sample_size(10);
    for (name, cfg) in [
        ("default_200_deals_volume_1", MarketConfig::default()),
        (
            "20_deals_volume_100",
            MarketConfig {
                deals: 20,
                volume: 100,
                ..MarketConfig::default()
            },
        ),
    ] {
        let tasks = cfg.deals * cfg.volume;
        g.throughput(Throughput::Elements(tasks));
        let mut run = 0u64;
        g.bench_function(name, |b| {
            b.iter(|| {
                run += 1;
                let m = pocolab_sim::run(black_box(&cfg), 42, run).expect("valid configuration");
                assert_eq!(m.tasks, tasks);
                black_box(m)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, pocolite, market);
criterion_main!(benches);
