//! `pocolab evaluate`: run the threat × mechanism evaluation (matrix, experiments E1–E10, B1)
//! and write the report: `report.html` (self-contained, inline SVG figures), `summary.md`,
//! `matrix.csv`, `matrix.parquet`, `figures/*.csv`, `evaluation.json`.
//!
//! ```text
//! pocolab evaluate --out out/report --seed 2026 --replicates 20
//! pocolab evaluate --only-threats S2,W2 --only-mechanisms baseline,M1,M2
//! pocolab evaluate --trust 100 --honest-error-rate 0.05   # the threat markets at trust 100, erring workers
//! pocolab evaluate --sample --out /tmp/r     # preview the report on built-in fixture numbers
//! ```

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use pocolab_report::{ReportOptions, sample_evaluation, shell_quote, write_report};
use pocolab_sim::evaluation::Evaluation;

/// Arguments of `pocolab evaluate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output directory.
    #[arg(long, default_value = "out/report")]
    pub out: PathBuf,
    /// Master seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Monte Carlo replicates per cell (run ids 0..R; the method asks for N ≥ 50).
    #[arg(long, default_value_t = 50)]
    pub replicates: u64,
    /// Use the large size preset (more deals and workers per market).
    #[arg(long)]
    pub large: bool,
    /// Only these threat ids (comma-separated, e.g. S2,W2,W1').
    #[arg(long, value_delimiter = ',')]
    pub only_threats: Vec<String>,
    /// Only these mechanism ids (comma-separated, e.g. baseline,M1,M2).
    #[arg(long, value_delimiter = ',')]
    pub only_mechanisms: Vec<String>,
    /// Trust of every threat market that uses the base market's trust (5); threats that set
    /// their own (trust-1 threats, R7) keep it. ≥ 1.
    #[arg(long)]
    pub trust: Option<u64>,
    /// Honest workers' error rate in every threat market that uses the base market's (0);
    /// W1' keeps its own. In [0, 1).
    #[arg(long)]
    pub honest_error_rate: Option<f64>,
    /// Render the built-in sample evaluation (fixture numbers, nothing simulated) to preview
    /// the report.
    #[arg(long)]
    pub sample: bool,
}

/// The command line that reruns these arguments exactly.
pub fn command_line(a: &Args) -> String {
    let mut c = format!(
        "pocolab evaluate --seed {} --replicates {}",
        a.seed, a.replicates
    );
    if a.large {
        c.push_str(" --large");
    }
    if !a.only_threats.is_empty() {
        c.push_str(&format!(
            " --only-threats {}",
            shell_quote(&a.only_threats.join(","))
        ));
    }
    if !a.only_mechanisms.is_empty() {
        c.push_str(&format!(
            " --only-mechanisms {}",
            shell_quote(&a.only_mechanisms.join(","))
        ));
    }
    if let Some(t) = a.trust {
        c.push_str(&format!(" --trust {t}"));
    }
    if let Some(e) = a.honest_error_rate {
        c.push_str(&format!(" --honest-error-rate {e}"));
    }
    if a.sample {
        c.push_str(" --sample");
    }
    c.push_str(&format!(
        " --out {}",
        shell_quote(&a.out.display().to_string())
    ));
    c
}

/// Run the evaluation itself (`pocolab_sim::evaluate`), with a progress line on a terminal.
fn run_evaluation(a: &Args) -> Result<Evaluation> {
    use std::io::IsTerminal;

    use pocolab_sim::evaluate::{EvaluateOptions, Size, evaluate};
    let opts = EvaluateOptions {
        seed: a.seed,
        replicates: a.replicates,
        size: if a.large { Size::Large } else { Size::Default },
        only_threats: a.only_threats.clone(),
        only_mechanisms: a.only_mechanisms.clone(),
        trust: a.trust,
        honest_error_rate: a.honest_error_rate,
    };
    let tty = std::io::stderr().is_terminal();
    // on a terminal the stage line is rewritten in place; piped, every stage is a line
    let progress = |msg: &str| {
        if tty {
            eprint!("\r\x1b[2K{msg}");
        } else {
            eprintln!("{msg}");
        }
    };
    let ev = evaluate(&opts, &progress).context("running the evaluation")?;
    if tty {
        eprint!("\r\x1b[2K");
    }
    Ok(ev)
}

/// Run the command.
pub fn run(a: &Args) -> Result<()> {
    if a.replicates < 2 {
        bail!("--replicates must be ≥ 2 for a confidence interval");
    }
    let ev = if a.sample {
        sample_evaluation()
    } else {
        run_evaluation(a)?
    };
    let written = write_report(
        &ev,
        &a.out,
        &ReportOptions {
            command: Some(command_line(a)),
        },
    )?;
    println!(
        "evaluation: {} threats × {} mechanisms, {} matrix cells, {} experiments (config hash {}, seed {}, {} replicates)",
        ev.threats.len(),
        ev.mechanisms.len(),
        ev.matrix.len(),
        ev.experiments.len(),
        ev.config_hash,
        ev.seed,
        ev.replicates
    );
    print_verdicts(&ev);
    println!(
        "wrote {} files to {}:",
        written.files.len(),
        written.dir.display()
    );
    for f in &written.files {
        println!("  {}", written.dir.join(f).display());
    }
    println!("open {}", written.dir.join("report.html").display());
    Ok(())
}

/// The verdicts of the mechanism cells, by class (the rule is in the report).
fn print_verdicts(ev: &Evaluation) {
    use pocolab_report::Verdict;
    for v in Verdict::ALL {
        let cells: Vec<String> = ev
            .matrix
            .iter()
            .filter(|c| !c.mechanism.is_baseline() && Verdict::of(c) == v)
            .map(|c| {
                format!(
                    "{}×{}{}",
                    c.threat,
                    c.mechanism,
                    if c.adapts { "*" } else { "" }
                )
            })
            .collect();
        if !cells.is_empty() {
            println!(
                "{} {} ({}): {}",
                v.symbol(),
                v.label(),
                cells.len(),
                cells.join(", ")
            );
        }
    }
    if ev.matrix.iter().any(|c| c.adapts) {
        println!(
            "* the verdict depends on the attacker adapting (best response and equal strength disagree)"
        );
    }
}
