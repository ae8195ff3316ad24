//! `pocolab`: the command-line entry point.

mod demo;
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
    /// Check the closed forms (Sarmenta voting, spot-checking, credibility; PoCo-lite;
    /// iExec's worked example and fresh-worker counts) against Monte Carlo simulation.
    Validate(validate_cmd::ValidateArgs),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => {
            let o = demo::run()?;
            demo::print(&o);
        }
        Command::Validate(args) => validate_cmd::run(&args)?,
    }
    Ok(())
}
