//! Market throughput for instruction counts (issue G item 7): plays `RUNS` PoCo-exact market
//! runs of `DEALS` deals × `VOLUME` tasks (default configuration otherwise) and prints the
//! tasks simulated and a digest of the metrics, so that `valgrind --tool=callgrind` on the
//! release binary gives instructions per task (subtract a `RUNS = 0` run for start-up).
//!
//! `cargo run --release -p pocolab-sim --example throughput -- [DEALS] [VOLUME] [RUNS]`
//! (defaults 200, 1, 1).

use pocolab_sim::MarketConfig;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let deals = args.first().copied().unwrap_or(200);
    let volume = args.get(1).copied().unwrap_or(1);
    let runs = args.get(2).copied().unwrap_or(1);
    let cfg = MarketConfig {
        deals,
        volume,
        ..MarketConfig::default()
    };
    let mut tasks = 0u64;
    for run in 1..=runs {
        let m = pocolab_sim::run(&cfg, 42, run).expect("valid configuration");
        tasks += m.tasks;
        println!("run {run}: {m:?}");
    }
    println!("{tasks} tasks");
}
