//! Run `evaluate` with default options (or `small`/`large` and a replicate count from the
//! command line) and print the timing and the matrix; `cargo run --release -p pocolab-sim
//! --example evaluate -- default 30 out.json`.

use std::time::Instant;

use pocolab_sim::evaluate::{EvaluateOptions, Size, evaluate};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut o = EvaluateOptions::default();
    if let Some(s) = args.get(1) {
        o.size = match s.as_str() {
            "small" => Size::Small,
            "large" => Size::Large,
            _ => Size::Default,
        };
    }
    if let Some(r) = args.get(2) {
        o.replicates = r.parse().expect("replicates");
    }
    let t = Instant::now();
    let e = evaluate(&o, &|s| {
        eprintln!("[{:7.1}s] {s}", t.elapsed().as_secs_f64())
    })
    .expect("evaluate");
    eprintln!("total {:.1}s", t.elapsed().as_secs_f64());
    for c in &e.matrix {
        println!(
            "{:4} {:6} {:4} profit {:>10.3} → {:>10.3} RLC  damage {:>10.3} → {:>10.3}  unprof {:5} mitig {:5}  br {}",
            c.threat,
            c.mechanism,
            c.experiment,
            c.attacker_profit_baseline.mean / 1e9,
            c.attacker_profit.mean / 1e9,
            c.damage_baseline.mean,
            c.damage.mean,
            c.unprofitable,
            c.mitigated,
            c.best_response
        );
    }
    for x in &e.experiments {
        println!("{}: {}", x.id, x.finding);
    }
    if let Some(p) = args.get(3) {
        std::fs::write(p, serde_json::to_string(&e).expect("json")).expect("write");
    }
}
