//! `pocolab sweep plan|run|merge`: scenario files (TOML), parameter sweeps and sharding.
//!
//! ```text
//! pocolab sweep plan  scenarios/colluders.toml
//! pocolab sweep run   scenarios/colluders.toml --out out/colluders              # all, merged
//! pocolab sweep run   scenarios/colluders.toml --out out/colluders --shard 0/4  # one shard
//! pocolab sweep merge scenarios/colluders.toml --out out/colluders              # after all shards
//! ```
//! Outputs: `runs.csv` / `runs.parquet` (one row per run), `summary.csv` / `summary.parquet`
//! (one row per cell and metric: n, mean, sd, 95 % CI), `summary.json` (the same with the
//! config hash, seed, replicates and every cell's full market configuration).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pocolab_sim::sweep::{
    CellSummary, Plan, RunRow, Scenario, merge, metric_names, parse_shard, run_units, unit_of,
};

/// `pocolab sweep` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Print the plan (cells, units, config hash) of a scenario.
    Plan {
        /// scenario file (TOML)
        scenario: PathBuf,
    },
    /// Run a scenario, or one shard of it.
    Run {
        /// scenario file (TOML)
        scenario: PathBuf,
        /// output directory
        #[arg(long, default_value = "out/sweep")]
        out: PathBuf,
        /// run only shard `i/n` (units whose index ≡ i mod n); without it, run all and merge
        #[arg(long)]
        shard: Option<String>,
        /// continue an interrupted run of this shard: keep the runs its journal
        /// (`shard-i-of-n.partial.csv`) holds and play only the others
        #[arg(long)]
        resume: bool,
    },
    /// Merge the shard files in the output directory.
    Merge {
        /// scenario file (TOML)
        scenario: PathBuf,
        /// output directory holding `shard-*.csv`
        #[arg(long, default_value = "out/sweep")]
        out: PathBuf,
    },
}

fn load(p: &Path) -> Result<(Scenario, Plan)> {
    let text =
        std::fs::read_to_string(p).with_context(|| format!("reading scenario {}", p.display()))?;
    let s = Scenario::from_toml(&text).with_context(|| format!("in {}", p.display()))?;
    let plan = s.plan().with_context(|| format!("in {}", p.display()))?;
    Ok((s, plan))
}

/// Run the command.
pub fn run(cmd: &Cmd) -> Result<()> {
    match cmd {
        Cmd::Plan { scenario } => {
            let (_, plan) = load(scenario)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "scenario `{}`  config hash {}  seed {}",
                plan.name, plan.config_hash, plan.seed
            )?;
            writeln!(
                out,
                "{} cells × {} replicates = {} runs",
                plan.cells.len(),
                plan.replicates,
                plan.units()
            )?;
            for c in &plan.cells {
                let pt: Vec<String> = c.point.iter().map(|(k, v)| format!("{k}={v}")).collect();
                writeln!(
                    out,
                    "  cell {:>4}  variant {:<16} {}",
                    c.index,
                    c.variant,
                    pt.join(" ")
                )?;
            }
        }
        Cmd::Run {
            scenario,
            out,
            shard,
            resume,
        } => {
            let (_, plan) = load(scenario)?;
            let (i, n) = match shard {
                Some(s) => parse_shard(s)?,
                None => (0, 1),
            };
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            let journal_path = out.join(format!("shard-{i}-of-{n}.partial.csv"));
            let kept = if *resume && journal_path.exists() {
                let kept = read_journal(&journal_path, &plan)?;
                if let Some(r) = kept.iter().find(|r| unit_of(&plan, r) % n != i) {
                    bail!(
                        "{}: run (cell {}, replicate {}) is not in shard {i}/{n}",
                        journal_path.display(),
                        r.cell,
                        r.replicate
                    );
                }
                kept
            } else {
                if journal_path.exists() {
                    eprintln!(
                        "warning: starting {} afresh (its runs are discarded; `--resume` keeps them)",
                        journal_path.display()
                    );
                }
                Vec::new()
            };
            let done: std::collections::BTreeSet<u64> =
                kept.iter().map(|r| unit_of(&plan, r)).collect();
            let units: Vec<u64> = (0..plan.units())
                .filter(|u| u % n == i && !done.contains(u))
                .collect();
            if *resume {
                eprintln!(
                    "resuming {}: {} runs kept, {} to play",
                    journal_path.display(),
                    kept.len(),
                    units.len()
                );
            }
            let todo = units.len() as u64;
            let bar = if std::io::stderr().is_terminal() {
                ProgressBar::new(todo)
            } else {
                ProgressBar::hidden()
            };
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} runs, {elapsed} elapsed, eta {eta}",
                )
                .expect("template"),
            );
            // every finished run is appended to the journal at once, so an interrupted shard
            // keeps its runs (`--resume`)
            let journal = std::sync::Mutex::new((open_journal(&journal_path, &plan, &kept)?, None));
            let fresh = run_units(&plan, &units, &|row| {
                let mut guard = journal.lock().expect("journal");
                let (j, failed) = &mut *guard;
                // a run that cannot be journaled is still returned (only resuming would miss
                // it); the first such error is reported at the end
                if let Err(e) = j
                    .write_record(run_record(&plan, row))
                    .and_then(|_| Ok(j.flush()?))
                {
                    failed.get_or_insert(e.to_string());
                }
                bar.inc(1);
            })?;
            bar.finish_and_clear();
            if let (_, Some(e)) = journal.into_inner().expect("journal") {
                eprintln!(
                    "warning: {} could not be written ({e}); the shard is complete, but an interruption could not have been resumed",
                    journal_path.display()
                );
            }
            let mut rows = kept;
            rows.extend(fresh);
            rows.sort_by_key(|r| unit_of(&plan, r));
            let path = out.join(format!("shard-{i}-of-{n}.csv"));
            pocolab_report::write_atomically(&path, |tmp| write_runs(tmp, &plan, &rows))?;
            std::fs::remove_file(&journal_path)
                .with_context(|| format!("removing {}", journal_path.display()))?;
            eprintln!("wrote {} runs to {}", rows.len(), path.display());
            if shard.is_none() {
                finish(&plan, out, rows)?;
            }
        }
        Cmd::Merge { scenario, out } => {
            let (_, plan) = load(scenario)?;
            let mut rows = Vec::new();
            let mut files: Vec<PathBuf> = std::fs::read_dir(out)
                .with_context(|| format!("reading {}", out.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".csv"))
                })
                .collect();
            files.sort();
            // a journal is a shard that was interrupted: its runs are not all there
            if let Some(j) = files
                .iter()
                .find(|f| f.to_string_lossy().ends_with(".partial.csv"))
            {
                bail!(
                    "{} is the journal of an interrupted shard: finish it with `sweep run --shard i/n --resume`",
                    j.display()
                );
            }
            if files.is_empty() {
                bail!("no shard-*.csv files in {}", out.display());
            }
            for f in &files {
                rows.extend(read_runs(f, &plan)?);
            }
            if let Err(e) = merge(&plan, rows.clone()) {
                return Err(match missing_shards(&files, plan.units()) {
                    Some(m) => anyhow::anyhow!("{e}; {m}"),
                    None => anyhow::Error::new(e),
                });
            }
            finish(&plan, out, rows)?;
        }
    }
    Ok(())
}

/// Which shards `shard-i-of-n.csv` are missing from the splits present (for a merge that
/// failed), unless one split is complete; splits of more shards than runs are ignored.
fn missing_shards(files: &[PathBuf], units: u64) -> Option<String> {
    let mut split: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let parsed = name
            .strip_prefix("shard-")
            .and_then(|r| r.strip_suffix(".csv"))
            .and_then(|r| r.split_once("-of-"))
            .and_then(|(i, n)| Some((i.parse::<u64>().ok()?, n.parse::<u64>().ok()?)));
        if let Some((i, n)) = parsed.filter(|(i, n)| i < n && *n <= units.max(1)) {
            split.entry(n).or_default().push(i);
        }
    }
    let missing: Vec<Vec<String>> = split
        .iter()
        .map(|(n, have)| {
            (0..*n)
                .filter(|i| !have.contains(i))
                .map(|i| format!("shard-{i}-of-{n}.csv"))
                .collect()
        })
        .collect();
    if missing.is_empty() || missing.iter().any(Vec::is_empty) {
        return None;
    }
    Some(format!(
        "missing shards: {} (run them with `sweep run --shard i/n`)",
        missing.concat().join(", ")
    ))
}

fn finish(plan: &Plan, out: &Path, rows: Vec<RunRow>) -> Result<()> {
    let (rows, summaries) = merge(plan, rows)?;
    write_runs(&out.join("runs.csv"), plan, &rows)?;
    write_summary(&out.join("summary.csv"), plan, &summaries)?;
    write_parquet(&out.join("runs.parquet"), plan, &rows, &summaries, false)?;
    write_parquet(&out.join("summary.parquet"), plan, &rows, &summaries, true)?;
    let json = serde_json::json!({
        "scenario": plan.name,
        "config_hash": plan.config_hash,
        "seed": plan.seed,
        "replicates": plan.replicates,
        "run_ids": format!("0..{}", plan.replicates),
        "pocolab_version": env!("CARGO_PKG_VERSION"),
        "git_commit": pocolab_sim::code_version(),
        "common_random_numbers": "every variant and point uses the master seed with run id = replicate",
        "cells": plan.cells.iter().zip(&summaries).map(|(c, s)| serde_json::json!({
            "cell": c.index, "variant": c.variant, "point": c.point, "config": c.config, "metrics": s.metrics,
        })).collect::<Vec<_>>(),
    });
    crate::output::write_text(
        &out.join("summary.json"),
        &(serde_json::to_string_pretty(&json)? + "\n"),
    )?;
    print_summary(plan, &summaries)?;
    eprintln!(
        "wrote runs.csv, runs.parquet, summary.csv, summary.parquet, summary.json to {}",
        out.display()
    );
    Ok(())
}

/// The header of a run file (shard, journal, `runs.csv`).
fn runs_header(plan: &Plan) -> Vec<String> {
    let mut header = vec!["config_hash".to_string(), "cell".into(), "variant".into()];
    header.extend(plan.params.iter().cloned());
    header.extend(["seed".into(), "replicate".into()]);
    header.extend(metric_names().into_iter().map(String::from));
    header
}

/// One run's record in a run file.
fn run_record(plan: &Plan, r: &RunRow) -> Vec<String> {
    let cell = &plan.cells[r.cell];
    let mut rec = vec![
        plan.config_hash.clone(),
        r.cell.to_string(),
        r.variant.clone(),
    ];
    rec.extend(cell.point.iter().map(|(_, v)| v.to_string()));
    rec.extend([plan.seed.to_string(), r.replicate.to_string()]);
    rec.extend(r.values.iter().map(|v| v.to_string()));
    rec
}

fn write_runs(path: &Path, plan: &Plan, rows: &[RunRow]) -> Result<()> {
    crate::output::write_csv_with(path, |w| {
        w.write_record(runs_header(plan))?;
        for r in rows {
            w.write_record(run_record(plan, r))?;
        }
        Ok(())
    })
}

/// A fresh journal holding the `kept` runs, ready for appending.
fn open_journal(path: &Path, plan: &Plan, kept: &[RunRow]) -> Result<csv::Writer<std::fs::File>> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(runs_header(plan))?;
    for r in kept {
        w.write_record(run_record(plan, r))?;
    }
    w.flush()?;
    Ok(w)
}

/// The runs an interrupted shard journaled; a last line cut by the interruption is dropped
/// (a journal without one complete line holds no run).
fn read_journal(path: &Path, plan: &Plan) -> Result<Vec<RunRow>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => return Ok(Vec::new()),
    };
    if complete.lines().count() <= 1 {
        return Ok(Vec::new());
    }
    read_runs_from(csv::Reader::from_reader(complete.as_bytes()), path, plan)
        .with_context(|| format!("{} is not a journal of this scenario", path.display()))
}

fn read_runs(path: &Path, plan: &Plan) -> Result<Vec<RunRow>> {
    let rd = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    read_runs_from(rd, path, plan)
}

/// The runs of a run file (`path` names it in errors); every row must be a run of `plan`.
fn read_runs_from<R: std::io::Read>(
    mut rd: csv::Reader<R>,
    path: &Path,
    plan: &Plan,
) -> Result<Vec<RunRow>> {
    let names = metric_names();
    let first_metric = 5 + plan.params.len();
    let mut rows = Vec::new();
    let width = first_metric + names.len();
    let header = rd
        .headers()
        .with_context(|| format!("{}: reading the header", path.display()))?;
    if header.len() != width {
        bail!(
            "{}: the header has {} columns, a shard of this plan has {width} (not a shard of this scenario, or truncated)",
            path.display(),
            header.len()
        );
    }
    for (k, rec) in rd.records().enumerate() {
        let rec = rec.with_context(|| format!("{} row {}", path.display(), k + 2))?;
        if rec.len() != width {
            bail!(
                "{} row {}: {} columns, expected {width} (a truncated or edited shard)",
                path.display(),
                k + 2,
                rec.len()
            );
        }
        if &rec[0] != plan.config_hash.as_str() {
            bail!(
                "{} was produced by another scenario (config hash {} ≠ {})",
                path.display(),
                &rec[0],
                plan.config_hash
            );
        }
        let parse = |i: usize| -> Result<f64> {
            rec[i]
                .parse::<f64>()
                .with_context(|| format!("{} row {} column {}", path.display(), k + 2, i + 1))
        };
        let values = (0..names.len())
            .map(|j| parse(first_metric + j))
            .collect::<Result<Vec<_>>>()?;
        let cell: usize = rec[1]
            .parse()
            .ok()
            .filter(|c| *c < plan.cells.len())
            .with_context(|| {
                format!(
                    "{} row {}: cell `{}` is not one of the plan's {} cells",
                    path.display(),
                    k + 2,
                    &rec[1],
                    plan.cells.len()
                )
            })?;
        let replicate: u64 = rec[first_metric - 1]
            .parse()
            .ok()
            .filter(|r| *r < plan.replicates)
            .with_context(|| {
                format!(
                    "{} row {}: replicate `{}` is not one of the plan's {} replicates",
                    path.display(),
                    k + 2,
                    &rec[first_metric - 1],
                    plan.replicates
                )
            })?;
        rows.push(RunRow {
            cell,
            variant: rec[2].to_string(),
            replicate,
            values,
        });
    }
    Ok(rows)
}

fn write_summary(path: &Path, plan: &Plan, sums: &[CellSummary]) -> Result<()> {
    crate::output::write_csv_with(path, |w| write_summary_rows(w, plan, sums))
}

fn write_summary_rows(
    w: &mut csv::Writer<std::fs::File>,
    plan: &Plan,
    sums: &[CellSummary],
) -> Result<()> {
    let mut header = vec!["config_hash".to_string(), "cell".into(), "variant".into()];
    header.extend(plan.params.iter().cloned());
    header.extend([
        "metric".into(),
        "n".into(),
        "mean".into(),
        "sd".into(),
        "ci95".into(),
        "lo".into(),
        "hi".into(),
    ]);
    w.write_record(&header)?;
    for s in sums {
        for (m, v) in &s.metrics {
            let mut rec = vec![
                plan.config_hash.clone(),
                s.cell.to_string(),
                s.variant.clone(),
            ];
            rec.extend(s.point.iter().map(|(_, x)| x.to_string()));
            rec.extend([
                m.clone(),
                v.n.to_string(),
                v.mean.to_string(),
                v.sd.to_string(),
                v.ci95.to_string(),
                v.lo().to_string(),
                v.hi().to_string(),
            ]);
            w.write_record(&rec)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn print_summary(plan: &Plan, sums: &[CellSummary]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    use pocolab_sim::metrics::Metric;
    let show = [
        Metric::WrongResultRate,
        Metric::FractionFinalized,
        Metric::AttackerProfitPerTask,
        Metric::VictimLossPerTask,
        Metric::TtfP95,
    ];
    writeln!(
        out,
        "scenario `{}` (config hash {}, seed {}, {} replicates; mean ± 95 % CI)\n",
        plan.name, plan.config_hash, plan.seed, plan.replicates
    )?;
    let mut head = vec!["variant".to_string()];
    head.extend(plan.params.iter().cloned());
    head.extend(show.iter().map(|m| match m.name().strip_suffix("_nrlc") {
        Some(b) if m.is_money() => format!("{b} (RLC)"),
        _ => m.to_string(),
    }));
    writeln!(out, "| {} |", head.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(head.len()))?;
    for s in sums {
        let mut row = vec![s.variant.clone()];
        row.extend(s.point.iter().map(|(_, v)| format!("{v:.4}")));
        for m in show {
            let v = &s.metrics[m.name()];
            let scale = if m.is_money() { 1e9 } else { 1.0 };
            row.push(if v.n == 0 {
                "—".into()
            } else if v.n > 1 {
                format!("{:.4} ± {:.4}", v.mean / scale, v.ci95 / scale)
            } else {
                format!("{:.4}", v.mean / scale)
            });
        }
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}

/// Write runs (`summary = false`) or the per-cell summaries as Parquet (snappy), with the
/// config hash in the file's key-value metadata.
fn write_parquet(
    path: &Path,
    plan: &Plan,
    rows: &[RunRow],
    sums: &[CellSummary],
    summary: bool,
) -> Result<()> {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};

    let mut cols: Vec<(String, ArrayRef)> = Vec::new();
    let str_col = |v: Vec<String>| Arc::new(StringArray::from(v)) as ArrayRef;
    let u_col = |v: Vec<u64>| Arc::new(UInt64Array::from(v)) as ArrayRef;
    let f_col = |v: Vec<f64>| Arc::new(Float64Array::from(v)) as ArrayRef;
    if !summary {
        cols.push((
            "config_hash".into(),
            str_col(rows.iter().map(|_| plan.config_hash.clone()).collect()),
        ));
        cols.push((
            "cell".into(),
            u_col(rows.iter().map(|r| r.cell as u64).collect()),
        ));
        cols.push((
            "variant".into(),
            str_col(rows.iter().map(|r| r.variant.clone()).collect()),
        ));
        for (j, p) in plan.params.iter().enumerate() {
            cols.push((
                p.clone(),
                f_col(rows.iter().map(|r| plan.cells[r.cell].point[j].1).collect()),
            ));
        }
        cols.push((
            "seed".into(),
            u_col(rows.iter().map(|_| plan.seed).collect()),
        ));
        cols.push((
            "replicate".into(),
            u_col(rows.iter().map(|r| r.replicate).collect()),
        ));
        for (j, m) in metric_names().into_iter().enumerate() {
            cols.push((
                m.to_string(),
                f_col(rows.iter().map(|r| r.values[j]).collect()),
            ));
        }
    } else {
        let flat: Vec<(&CellSummary, &String, &pocolab_sim::Summary)> = sums
            .iter()
            .flat_map(|s| s.metrics.iter().map(move |(m, v)| (s, m, v)))
            .collect();
        cols.push((
            "config_hash".into(),
            str_col(flat.iter().map(|_| plan.config_hash.clone()).collect()),
        ));
        cols.push((
            "cell".into(),
            u_col(flat.iter().map(|(s, _, _)| s.cell as u64).collect()),
        ));
        cols.push((
            "variant".into(),
            str_col(flat.iter().map(|(s, _, _)| s.variant.clone()).collect()),
        ));
        for (j, p) in plan.params.iter().enumerate() {
            cols.push((
                p.clone(),
                f_col(flat.iter().map(|(s, _, _)| s.point[j].1).collect()),
            ));
        }
        cols.push((
            "metric".into(),
            str_col(flat.iter().map(|(_, m, _)| (*m).clone()).collect()),
        ));
        cols.push((
            "n".into(),
            u_col(flat.iter().map(|(_, _, v)| v.n as u64).collect()),
        ));
        cols.push((
            "mean".into(),
            f_col(flat.iter().map(|(_, _, v)| v.mean).collect()),
        ));
        cols.push((
            "sd".into(),
            f_col(flat.iter().map(|(_, _, v)| v.sd).collect()),
        ));
        cols.push((
            "ci95".into(),
            f_col(flat.iter().map(|(_, _, v)| v.ci95).collect()),
        ));
        cols.push((
            "lo".into(),
            f_col(flat.iter().map(|(_, _, v)| v.lo()).collect()),
        ));
        cols.push((
            "hi".into(),
            f_col(flat.iter().map(|(_, _, v)| v.hi()).collect()),
        ));
    }
    let batch = RecordBatch::try_from_iter(cols).context("building the Arrow batch")?;
    pocolab_report::write_parquet(
        path,
        &batch,
        &[
            ("pocolab.config_hash", plan.config_hash.clone()),
            ("pocolab.seed", plan.seed.to_string()),
            ("pocolab.schema_version", "1".to_string()),
        ],
    )
}
