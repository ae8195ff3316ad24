//! `pocolab experiment e1`: baseline PoCo parity (threats-and-mechanisms.md §5.3 E1): F1–F7
//! of §0.3 reproduced on the core and the market, each beside its closed form.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use pocolab_sim::experiments::e1;

use crate::output::write_csv;

/// Arguments of `pocolab experiment`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Experiment id: `e1`. E2–E10 and B1 compare mechanisms and are part of
    /// `pocolab evaluate` (its report has their tables and figures; `--only-threats` narrows
    /// it).
    #[arg(default_value = "e1")]
    pub id: String,
    /// Replicates for the random rows.
    #[arg(long, default_value_t = 20)]
    pub replicates: u64,
    /// Master seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Write the rows as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write the rows as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Run the command.
pub fn run(a: &Args) -> Result<()> {
    let id = a.id.to_lowercase();
    if let Some(n) = id.strip_prefix('e').and_then(|n| n.parse::<u8>().ok())
        && (2..=10).contains(&n)
    {
        bail!(
            "E{n} compares mechanisms against threats: it is part of `pocolab evaluate`, whose report has its table and figures (`pocolab evaluate --only-threats <ids>` runs fewer threats)"
        );
    }
    if id == "b1" {
        bail!(
            "B1 (baselines: the honest market at trust 1, 2, 5, 100, 10⁴ and with erring honest workers, per protocol variant) is part of `pocolab evaluate`, whose report has its table and figures"
        );
    }
    if id != "e1" {
        bail!(
            "unknown experiment `{}` (available: e1 here; e2 … e10 and b1 in `pocolab evaluate`)",
            a.id
        );
    }
    if a.replicates < 2 {
        bail!("--replicates must be ≥ 2");
    }
    let rows = e1(a.replicates, a.seed).context("running E1")?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "E1 — baseline PoCo 6.1.0 parity with §0.3 (seed {}, {} replicates for random rows, commit {})\n",
        a.seed,
        a.replicates,
        pocolab_sim::code_version()
    )?;
    writeln!(
        out,
        "| id | quantity | parameters | formula | simulated | agrees | note |"
    )?;
    writeln!(out, "|---|---|---|---:|---:|---|---|")?;
    for r in &rows {
        let sim = if r.simulated.n > 1 {
            r.simulated.display(3)
        } else {
            format!("{}", r.simulated.mean)
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            r.quantity,
            r.params,
            r.formula,
            sim,
            if r.agrees { "yes" } else { "NO" },
            r.note
        )?;
    }
    let bad = rows.iter().filter(|r| !r.agrees).count();
    writeln!(out, "\n{} of {} rows agree.", rows.len() - bad, rows.len())?;
    if let Some(p) = &a.csv {
        let header = [
            "id",
            "quantity",
            "params",
            "formula",
            "simulated_mean",
            "simulated_ci95",
            "n",
            "agrees",
            "note",
            "seed",
        ];
        write_csv(
            p,
            header,
            rows.iter().map(|r| {
                [
                    r.id.to_string(),
                    r.quantity.clone(),
                    r.params.clone(),
                    r.formula.to_string(),
                    r.simulated.mean.to_string(),
                    r.simulated.ci95.to_string(),
                    r.simulated.n.to_string(),
                    r.agrees.to_string(),
                    r.note.clone(),
                    a.seed.to_string(),
                ]
            }),
        )?;
    }
    if let Some(p) = &a.json {
        crate::output::write_text(p, &serde_json::to_string_pretty(&rows)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if bad > 0 {
        bail!("{bad} rows of E1 disagree with their closed form");
    }
    Ok(())
}
