//! Quick look: each requester↔provider threat against baseline and against the mechanisms
//! that target it (attacker profit and damage, mean over replicates).
//!
//! `cargo run --release -p pocolab-sim --example mechanisms_vs_threats`

use pocolab_mechanisms::MechanismsConfig;
use pocolab_sim::threats::{Simulation, catalogue};
use pocolab_sim::{Summary, run};

fn main() {
    let mechs: Vec<(String, MechanismsConfig)> =
        std::iter::once(("baseline".to_string(), MechanismsConfig::default()))
            .chain((1..=8).map(|n| (format!("M{n}"), MechanismsConfig::default().with(n))))
            .collect();
    let only: Vec<String> = std::env::args().skip(1).collect();
    for th in catalogue() {
        if !only.is_empty() && !only.iter().any(|o| o == th.id) {
            continue;
        }
        let Simulation::Run { cfg, metric, .. } = &th.sim else {
            continue;
        };
        for (name, mc) in &mechs {
            let c = pocolab_sim::MarketConfig {
                mechanisms: mc.clone(),
                ..cfg.clone()
            };
            let runs: Result<Vec<_>, _> = (0..6).map(|r| run(&c, 2026, r)).collect();
            match runs {
                Ok(runs) => {
                    let profit = Summary::of(
                        &runs
                            .iter()
                            .map(|m| m.attacker_profit_per_task() / 1e9)
                            .collect::<Vec<_>>(),
                    );
                    let dmg = Summary::of(&runs.iter().map(|m| m.get(*metric)).collect::<Vec<_>>());
                    let fin = Summary::of(
                        &runs
                            .iter()
                            .map(|m| m.finalized_fraction())
                            .collect::<Vec<_>>(),
                    );
                    println!(
                        "{:4} {:8} profit/task {:>10.3} ± {:<8.3} {metric} {:>12.4} finalized {:.3}",
                        th.id, name, profit.mean, profit.ci95, dmg.mean, fin.mean
                    );
                }
                Err(e) => println!("{:4} {:8} ERROR {e}", th.id, name),
            }
        }
    }
}
