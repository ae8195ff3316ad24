//! Memory per task (issue C item 7): peak resident set size (`VmHWM` of `/proc/self/status`)
//! while PoCo-lite runs up to `LITE_TASKS` tasks (default 100 M) and while PoCo-exact market
//! runs of growing size are played, to show that memory does not grow with the number of
//! tasks (streaming metrics; finished tasks and deals are dropped).
//!
//! `cargo run --release -p pocolab-sim --example memory -- [LITE_TASKS] [MARKET_V100_MAX_TASKS] [MARKET_V1_MAX_TASKS]`
//! (defaults 100 000 000, 200 000, 100 000).

use std::time::Instant;

use pocolab_sim::MarketConfig;
use pocolab_sim::lite::{Lite, LiteParams, closed_form};

fn status_kib(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let lite_tasks = args.first().copied().unwrap_or(100_000_000);
    let market_max = args.get(1).copied().unwrap_or(200_000);
    println!(
        "start: VmHWM {:.1} MiB, VmRSS {:.1} MiB",
        mib(status_kib("VmHWM:")),
        mib(status_kib("VmRSS:"))
    );

    // PoCo-lite, one long run, checkpoints at 10^k tasks
    let p = LiteParams::default();
    let (pw, pf) = closed_form(&p);
    println!(
        "\nPoCo-lite N={} f={} e={} m={} (closed form: wrong {pw:.5}, failed {pf:.5})",
        p.workers, p.f, p.e, p.m
    );
    println!(
        "{:>14} {:>12} {:>12} {:>10} {:>10} {:>14}",
        "tasks", "VmHWM MiB", "VmRSS MiB", "wrong", "failed", "tasks/s"
    );
    let mut lite = Lite::new(p, 42, 0);
    let (mut done, mut next) = (0u64, 1_000u64);
    let t0 = Instant::now();
    while done < lite_tasks {
        let target = next.min(lite_tasks);
        lite.run_tasks(target - done);
        done = target;
        let o = lite.outcome();
        println!(
            "{:>14} {:>12.2} {:>12.2} {:>10.5} {:>10.5} {:>14.0}",
            done,
            mib(status_kib("VmHWM:")),
            mib(status_kib("VmRSS:")),
            o.wrong_rate(),
            o.failed_rate(),
            done as f64 / t0.elapsed().as_secs_f64()
        );
        next *= 10;
    }
    let o = lite.finish();
    println!("conservation holds after {} tasks", o.tasks);

    // PoCo-exact market, runs of growing size (the whole run is one call)
    let market_v1_max = args.get(2).copied().unwrap_or(100_000);
    market_series(100, market_max);
    market_series(1, market_v1_max);
}

fn market_series(volume: u64, max_tasks: u64) {
    println!("\nPoCo-exact market (default configuration, volume {volume}), one run per line");
    println!(
        "{:>10} {:>8} {:>12} {:>12} {:>12} {:>14}",
        "tasks", "deals", "VmHWM MiB", "VmRSS MiB", "finalized", "tasks/s"
    );
    let mut sizes: Vec<u64> = std::iter::successors(Some(1_000u64), |x| Some(x * 10))
        .take_while(|&x| x <= max_tasks)
        .collect();
    if sizes.last() != Some(&max_tasks) && max_tasks >= volume {
        sizes.push(max_tasks);
    }
    for tasks in sizes {
        let cfg = MarketConfig {
            deals: tasks / volume,
            volume,
            ..MarketConfig::default()
        };
        let t0 = Instant::now();
        let m = pocolab_sim::run(&cfg, 42, 0).expect("valid configuration");
        let dt = t0.elapsed().as_secs_f64();
        println!(
            "{:>10} {:>8} {:>12.2} {:>12.2} {:>12} {:>14.0}",
            m.tasks,
            cfg.deals,
            mib(status_kib("VmHWM:")),
            mib(status_kib("VmRSS:")),
            m.finalized,
            m.tasks as f64 / dt
        );
    }
}
