//! `pocolab`: the command-line entry point.

mod conformance;
mod demo;
mod evaluate_cmd;
mod experiment_cmd;
mod output;
mod sweep_cmd;
mod threats_cmd;
mod validate_cmd;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// pocolab: build, attack and harden PoCo-style decentralized computing marketplaces.
#[derive(Parser, Debug)]
#[command(name = "pocolab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Play one full PoCo 6.1.0 deal (match, 3 workers of which 1 wrong at trust 3, reveal,
    /// finalize) and print every account's balance, frozen amount and score.
    Demo,
    /// List the threat catalogue (threats-and-mechanisms.md §1); with --run, play every
    /// executable threat against baseline PoCo and print its damage with 95 % CIs.
    Threats(threats_cmd::Args),
    /// Run an experiment of threats-and-mechanisms.md §5.3 (E1: baseline parity with F1–F7).
    Experiment(experiment_cmd::Args),
    /// Parameter sweeps from scenario files: plan, run (optionally one shard), merge.
    #[command(subcommand)]
    Sweep(sweep_cmd::Cmd),
    /// Check the closed forms (Sarmenta voting, spot-checking, credibility; PoCo-lite;
    /// iExec's worked example and fresh-worker counts) against Monte Carlo simulation.
    Validate(validate_cmd::ValidateArgs),
    /// Evaluate every mechanism against every executable threat (matrix and experiments) and
    /// write the report: report.html, summary.md, matrix.csv/.parquet, figures/*.csv, JSON.
    Evaluate(evaluate_cmd::Args),
    /// Differential conformance of the core against the real PoCo 6.1.0 bytecode in revm
    /// (scenario files and/or random scenarios; needs `scripts/fetch-poco.sh`).
    Conformance(conformance::Args),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // no subcommand: say what there is, run nothing
        use clap::CommandFactory;
        Cli::command().print_help()?;
        println!();
        return Ok(());
    };
    match command {
        Command::Demo => {
            let o = demo::run()?;
            demo::print(&o);
        }
        Command::Threats(a) => threats_cmd::run(&a)?,
        Command::Experiment(a) => experiment_cmd::run(&a)?,
        Command::Sweep(c) => sweep_cmd::run(&c)?,
        Command::Validate(args) => validate_cmd::run(&args)?,
        Command::Evaluate(a) => evaluate_cmd::run(&a)?,
        Command::Conformance(args) => conformance::run(args)?,
    }
    Ok(())
}
