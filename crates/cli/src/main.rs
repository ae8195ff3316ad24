//! `pocolab`: the command-line entry point.

mod conformance;
mod demo;

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
    /// Differential conformance of the core against the real PoCo 6.1.0 bytecode in revm
    /// (scenario files and/or random scenarios; needs `scripts/fetch-poco.sh`).
    Conformance(conformance::Args),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => {
            let o = demo::run()?;
            demo::print(&o);
        }
        Command::Conformance(args) => conformance::run(args)?,
    }
    Ok(())
}
