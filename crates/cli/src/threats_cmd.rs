//! `pocolab threats`: the threat catalogue of threats-and-mechanisms.md §1, and (with `--run`)
//! every executable threat played against baseline PoCo with paired replicates.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use pocolab_sim::threats::{Simulation, ThreatResult, Worse, catalogue, run_threat};

use crate::output::write_csv;

/// Arguments of `pocolab threats`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run every executable threat (or those given with --only) and print its damage.
    #[arg(long)]
    pub run: bool,
    /// Only these threat ids (comma-separated, e.g. R1,S2,W1').
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Paired replicates per threat (attack vs. no attack, same seeds).
    #[arg(long, default_value_t = 10)]
    pub replicates: u64,
    /// Master seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Write the results as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Run the command.
pub fn run(a: &Args) -> Result<()> {
    let all = catalogue();
    for id in &a.only {
        if !all.iter().any(|t| t.id == id) {
            bail!(
                "unknown threat id `{id}` (known: {})",
                all.iter().map(|t| t.id).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|t| a.only.is_empty() || a.only.iter().any(|i| i == t.id))
        .collect();
    let mut out = std::io::stdout().lock();
    if !a.run {
        writeln!(
            out,
            "| id | threat | attacker | victims | PoCo today | attacker's objective | simulation |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for t in &chosen {
            let sim = match &t.sim {
                Simulation::Run { metric, cfg, .. } => {
                    let strategy = match pocolab_sim::evaluate::no_strategic_parameter(&cfg.attack)
                    {
                        Some(why) => format!("; no strategic parameter: {why}"),
                        None => String::new(),
                    };
                    format!("{} — damage metric `{metric}`{strategy}", t.status())
                }
                Simulation::NotSimulated(why) => format!("not simulated: {why}"),
            };
            let objective = match (&t.sim, t.objective.griefing_budget()) {
                (Simulation::NotSimulated(_), _) => "—".to_string(),
                (_, None) => t.objective.name().to_string(),
                (_, Some(b)) => format!(
                    "{} (griefing budget {} RLC / task)",
                    t.objective.name(),
                    b as f64 / 1e9
                ),
            };
            writeln!(
                out,
                "| {} | {} | {:?} | {} | {} | {} | {} |",
                t.id,
                t.title,
                t.attacker,
                t.victims,
                t.protection.symbol(),
                objective,
                sim
            )?;
        }
        let n = chosen.iter().filter(|t| t.executable()).count();
        writeln!(
            out,
            "\n{n} of {} threats executable; run them with `pocolab threats --run`.",
            chosen.len()
        )?;
        return Ok(());
    }
    if a.replicates < 2 {
        bail!("--replicates must be ≥ 2 for a confidence interval");
    }
    let mut results: Vec<ThreatResult> = Vec::new();
    let tty = std::io::stderr().is_terminal();
    for t in &chosen {
        if tty {
            eprint!("\r{:5} …", t.id);
        }
        if let Some(r) = run_threat(t, a.replicates, a.seed)
            .with_context(|| format!("running threat {}", t.id))?
        {
            results.push(r);
        }
    }
    if tty {
        eprint!("\r        \r");
    }
    writeln!(
        out,
        "Threats against baseline PoCo 6.1.0: {} paired replicates per threat, seed {}, commit {} (mean ± 95 % CI)\n",
        a.replicates,
        a.seed,
        pocolab_sim::code_version()
    )?;
    writeln!(
        out,
        "| id | PoCo today | damage metric | no attack | attack | attack − no attack | victim loss / task (RLC) | attacker profit / task (RLC) | damage shown |"
    )?;
    writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---|")?;
    for r in &results {
        let t = chosen.iter().find(|t| t.id == r.id).expect("chosen");
        let dir = if r.worse == Worse::Higher {
            "↑"
        } else {
            "↓"
        };
        let verdict = match (r.damage, r.expect_damage) {
            (true, true) => "yes",
            (false, false) => "no (mitigated, as §1 says)",
            (true, false) => "YES — unexpected",
            (false, true) => "no — unexpected",
        };
        writeln!(
            out,
            "| {} | {} | {} {dir} | {} | {} | {} | {} | {} | {verdict} |",
            r.id,
            t.protection.symbol(),
            r.metric,
            fmt(r.baseline.mean, r.baseline.ci95, r.metric.is_money()),
            fmt(r.attacked.mean, r.attacked.ci95, r.metric.is_money()),
            fmt(r.difference.mean, r.difference.ci95, r.metric.is_money()),
            fmt(r.victim_loss.mean / 1e9, r.victim_loss.ci95 / 1e9, false),
            fmt(
                r.attacker_profit.mean / 1e9,
                r.attacker_profit.ci95 / 1e9,
                false
            ),
        )?;
    }
    for t in chosen.iter().filter(|t| !t.executable()) {
        if let Simulation::NotSimulated(why) = &t.sim {
            writeln!(
                out,
                "| {} | {} | — | | | | | | not simulated: {why} |",
                t.id,
                t.protection.symbol()
            )?;
        }
    }
    if let Some(p) = &a.csv {
        let header = [
            "id",
            "metric",
            "worse",
            "replicates",
            "seed",
            "baseline_mean",
            "baseline_ci95",
            "attack_mean",
            "attack_ci95",
            "diff_mean",
            "diff_ci95",
            "victim_loss_per_task_nrlc",
            "attacker_profit_per_task_nrlc",
            "damage",
            "expected_damage",
        ];
        let rows = results.iter().map(|r| {
            [
                r.id.to_string(),
                r.metric.to_string(),
                format!("{:?}", r.worse).to_lowercase(),
                a.replicates.to_string(),
                a.seed.to_string(),
                r.baseline.mean.to_string(),
                r.baseline.ci95.to_string(),
                r.attacked.mean.to_string(),
                r.attacked.ci95.to_string(),
                r.difference.mean.to_string(),
                r.difference.ci95.to_string(),
                r.victim_loss.mean.to_string(),
                r.attacker_profit.mean.to_string(),
                r.damage.to_string(),
                r.expect_damage.to_string(),
            ]
        });
        write_csv(p, header, rows)?;
    }
    if let Some(p) = &a.json {
        crate::output::write_text(p, &serde_json::to_string_pretty(&results)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}

/// `mean ± ci`, money (nRLC) shown in RLC.
fn fmt(mean: f64, ci: f64, money: bool) -> String {
    let scale = if money { 1e9 } else { 1.0 };
    let (m, c) = (mean / scale, ci / scale);
    let unit = if scale > 1.0 { " RLC" } else { "" };
    if c == 0.0 {
        format!("{m:.3}{unit}")
    } else {
        format!("{m:.3} ± {c:.3}{unit}")
    }
}
