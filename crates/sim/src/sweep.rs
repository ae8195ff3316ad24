//! Scenario files and parameter sweeps: full grids and Latin hypercubes over any market
//! parameter, variants compared with common random numbers, Monte Carlo replicates with 95 %
//! confidence intervals, and sharding whose merged output is byte-identical however the work
//! was split.
//!
//! A *unit* is one (variant, point, replicate). Its seed is the scenario's master seed and its
//! run id is the replicate index, whatever the variant and point: every variant and point sees
//! the same random streams (common random numbers), so differences between them are paired.
//! Shard `i/n` runs the units whose index ≡ i (mod n).

use std::collections::BTreeMap;

use pocolab_core::keccak256;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::MarketConfig;
use crate::market::{SimError, run};
use crate::rng::stream;
use crate::stats::Summary;

/// Errors of scenario handling.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The scenario is malformed.
    #[error("invalid scenario: {0}")]
    Scenario(String),
    /// A run failed.
    #[error("run of cell {cell} replicate {replicate} failed: {source}")]
    Run {
        /// cell index
        cell: usize,
        /// replicate
        replicate: u64,
        /// cause
        source: SimError,
    },
    /// Shard files do not belong together or are incomplete.
    #[error("cannot merge shards: {0}")]
    Merge(String),
}

/// How the parameter space is explored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// every combination of the listed values
    #[default]
    Grid,
    /// `samples` points of a Latin hypercube over `[min, max]` ranges
    Lhs,
}

/// The sweep section of a scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SweepSpec {
    /// grid or Latin hypercube
    pub mode: Mode,
    /// number of LHS points
    pub samples: usize,
    /// parameter (dotted path into the market, e.g. `trust` or `attack.fraction`) → values
    /// (grid) or `[min, max]` (LHS)
    pub params: BTreeMap<String, Vec<f64>>,
}

/// A named variant: overrides applied on top of the base market (e.g. attack on / off, a
/// mechanism on / off). Variants share random numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// name used in outputs
    pub name: String,
    /// dotted path → value (any TOML value, e.g. a whole `attack` table)
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
}

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// name
    pub name: String,
    /// free text
    #[serde(default)]
    pub description: String,
    /// master seed
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Monte Carlo replicates per (variant, point)
    #[serde(default = "default_replicates")]
    pub replicates: u64,
    /// the base market (every field optional)
    #[serde(default)]
    pub market: MarketConfig,
    /// parameter sweep (absent: one point)
    #[serde(default)]
    pub sweep: SweepSpec,
    /// variants (absent: one variant named `base`)
    #[serde(default)]
    pub variants: Vec<Variant>,
}

fn default_seed() -> u64 {
    2026
}
fn default_replicates() -> u64 {
    20
}

/// One cell: a variant at a parameter point.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// index in the plan
    pub index: usize,
    /// variant name
    pub variant: String,
    /// parameter values of the point, in path order
    pub point: Vec<(String, f64)>,
    /// the market run in this cell
    pub config: MarketConfig,
}

/// A resolved plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// scenario name
    pub name: String,
    /// keccak256 of the canonical JSON of the scenario: identifies the experiment
    pub config_hash: String,
    /// master seed
    pub seed: u64,
    /// replicates per cell
    pub replicates: u64,
    /// swept parameter paths
    pub params: Vec<String>,
    /// cells
    pub cells: Vec<Cell>,
}

impl Plan {
    /// Total units (cells × replicates).
    pub fn units(&self) -> u64 {
        self.cells.len() as u64 * self.replicates
    }
}

/// Most replicates per cell a scenario may ask for.
pub const MAX_REPLICATES: u64 = 1_000_000;
/// Most runs (cells × replicates) one sweep may plan.
pub const MAX_RUNS: u64 = 1_000_000_000;

impl Scenario {
    /// Parse a TOML scenario.
    pub fn from_toml(text: &str) -> Result<Self, SweepError> {
        let s: Scenario = toml::from_str(text).map_err(|e| SweepError::Scenario(e.to_string()))?;
        if s.replicates == 0 {
            return Err(SweepError::Scenario("replicates must be ≥ 1".into()));
        }
        if s.replicates > MAX_REPLICATES {
            return Err(SweepError::Scenario(format!(
                "replicates must be ≤ {MAX_REPLICATES}, got {}",
                s.replicates
            )));
        }
        Ok(s)
    }

    /// The canonical hash of the scenario (after parsing, so formatting does not matter).
    pub(crate) fn config_hash(&self) -> String {
        let canon = serde_json::to_string(self).expect("serializable");
        format!("{}", keccak256(canon.as_bytes()))
    }

    /// Resolve the plan: points × variants, each validated.
    pub fn plan(&self) -> Result<Plan, SweepError> {
        let params: Vec<String> = self.sweep.params.keys().cloned().collect();
        let points = self.points()?;
        let variants = if self.variants.is_empty() {
            vec![Variant {
                name: "base".into(),
                set: BTreeMap::new(),
            }]
        } else {
            self.variants.clone()
        };
        let base = serde_json::to_value(&self.market).expect("serializable");
        let mut cells = Vec::new();
        for v in &variants {
            for p in &points {
                let mut val = base.clone();
                for (path, tv) in &v.set {
                    let jv = serde_json::to_value(tv)
                        .map_err(|e| SweepError::Scenario(e.to_string()))?;
                    set_path(&mut val, path, jv)?;
                }
                let mut point = Vec::with_capacity(params.len());
                for (path, x) in params.iter().zip(p) {
                    let cur = get_path(&val, path).ok_or_else(|| {
                        SweepError::Scenario(format!(
                            "swept parameter `{path}` does not exist in the market (variant `{}`)",
                            v.name
                        ))
                    })?;
                    if !x.is_finite() {
                        return Err(SweepError::Scenario(format!(
                            "swept parameter `{path}`: {x} is not a finite number"
                        )));
                    }
                    // integer fields are rounded, and the rounded value is what outputs show
                    let (nv, shown) = if cur.is_u64() || cur.is_i64() {
                        if *x < 0.0 || x.round() >= u64::MAX as f64 {
                            return Err(SweepError::Scenario(format!(
                                "`{path}` is a non-negative integer below 2⁶⁴, got {x}"
                            )));
                        }
                        (Value::from(x.round() as u64), x.round())
                    } else {
                        (Value::from(*x), *x)
                    };
                    set_path(&mut val, path, nv)?;
                    point.push((path.clone(), shown));
                }
                let config: MarketConfig = serde_json::from_value(val)
                    .map_err(|e| SweepError::Scenario(format!("variant `{}`: {e}", v.name)))?;
                crate::market::validate(&config).map_err(|e| {
                    SweepError::Scenario(format!("variant `{}` at {:?}: {e}", v.name, p))
                })?;
                cells.push(Cell {
                    index: cells.len(),
                    variant: v.name.clone(),
                    point,
                    config,
                });
            }
        }
        let runs = (cells.len() as u64).checked_mul(self.replicates);
        if runs.is_none_or(|r| r > MAX_RUNS) {
            return Err(SweepError::Scenario(format!(
                "{} cells × {} replicates is more than {MAX_RUNS} runs",
                cells.len(),
                self.replicates
            )));
        }
        Ok(Plan {
            name: self.name.clone(),
            config_hash: self.config_hash(),
            seed: self.seed,
            replicates: self.replicates,
            params,
            cells,
        })
    }

    fn points(&self) -> Result<Vec<Vec<f64>>, SweepError> {
        let ps = &self.sweep.params;
        if ps.is_empty() {
            return Ok(vec![vec![]]);
        }
        match self.sweep.mode {
            Mode::Grid => {
                let mut pts: Vec<Vec<f64>> = vec![vec![]];
                for (k, vals) in ps {
                    if vals.is_empty() {
                        return Err(SweepError::Scenario(format!(
                            "grid parameter `{k}` has no values"
                        )));
                    }
                    pts = pts
                        .into_iter()
                        .flat_map(|p| vals.iter().map(move |v| [p.clone(), vec![*v]].concat()))
                        .collect();
                }
                Ok(pts)
            }
            Mode::Lhs => {
                let n = self.sweep.samples;
                if n == 0 {
                    return Err(SweepError::Scenario("lhs needs `samples` ≥ 1".into()));
                }
                let mut cols = Vec::new();
                for (d, (k, r)) in ps.iter().enumerate() {
                    let [lo, hi] = r.as_slice() else {
                        return Err(SweepError::Scenario(format!(
                            "lhs parameter `{k}` needs [min, max], got {r:?}"
                        )));
                    };
                    if lo > hi {
                        return Err(SweepError::Scenario(format!(
                            "lhs parameter `{k}`: min > max"
                        )));
                    }
                    // one stratum per sample, jittered inside, strata permuted: a Latin hypercube
                    let mut rng = stream(self.seed, 0, "lhs", d as u64);
                    let mut perm: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        let j = rng.random_range(0..=i);
                        perm.swap(i, j);
                    }
                    cols.push(
                        perm.iter()
                            .map(|&s| lo + (hi - lo) * (s as f64 + rng.random::<f64>()) / n as f64)
                            .collect::<Vec<f64>>(),
                    );
                }
                Ok((0..n)
                    .map(|i| cols.iter().map(|c| c[i]).collect())
                    .collect())
            }
        }
    }
}

fn get_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn set_path(v: &mut Value, path: &str, x: Value) -> Result<(), SweepError> {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, k) in parts.iter().enumerate() {
        let obj = cur.as_object_mut().ok_or_else(|| {
            SweepError::Scenario(format!(
                "`{path}`: `{}` is not a table",
                parts[..i].join(".")
            ))
        })?;
        if i + 1 == parts.len() {
            obj.insert((*k).to_string(), x);
            return Ok(());
        }
        cur = obj
            .entry((*k).to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    Ok(())
}

/// One run's row: identifies the unit and carries every scalar metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    /// cell index
    pub cell: usize,
    /// variant
    pub variant: String,
    /// replicate (= run id of the RNG streams)
    pub replicate: u64,
    /// metric values in [`metric_names`] order
    pub values: Vec<f64>,
}

/// Names of the metrics written per run (the order of [`RunRow::values`]).
pub fn metric_names() -> Vec<&'static str> {
    crate::metrics::RunMetrics::default()
        .scalars()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// Parse `i/n`.
pub fn parse_shard(s: &str) -> Result<(u64, u64), SweepError> {
    let bad = || SweepError::Scenario(format!("shard must be `i/n` with 0 ≤ i < n, got `{s}`"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Run the units of shard `i/n` in parallel; `progress` is called once per finished unit.
pub fn run_shard(
    plan: &Plan,
    shard: (u64, u64),
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<RunRow>, SweepError> {
    let (i, n) = shard;
    let units: Vec<u64> = (0..plan.units()).filter(|u| u % n == i).collect();
    run_units(plan, &units, &|_| progress())
}

/// The unit (index in `0..plan.units()`) of a run row.
pub fn unit_of(plan: &Plan, r: &RunRow) -> u64 {
    r.cell as u64 * plan.replicates + r.replicate
}

/// Run `units` in parallel; `done` sees each row as soon as its run finishes (in completion
/// order: to journal it), and the rows come back in the order of `units`.
pub fn run_units(
    plan: &Plan,
    units: &[u64],
    done: &(dyn Fn(&RunRow) + Sync),
) -> Result<Vec<RunRow>, SweepError> {
    units
        .par_iter()
        .map(|&u| {
            let cell = &plan.cells[(u / plan.replicates) as usize];
            let replicate = u % plan.replicates;
            let m = run(&cell.config, plan.seed, replicate).map_err(|source| SweepError::Run {
                cell: cell.index,
                replicate,
                source,
            })?;
            let row = RunRow {
                cell: cell.index,
                variant: cell.variant.clone(),
                replicate,
                values: m.scalars().into_iter().map(|(_, v)| v).collect(),
            };
            done(&row);
            Ok(row)
        })
        .collect()
}

/// Per-cell summary of every metric.
#[derive(Debug, Clone, Serialize)]
pub struct CellSummary {
    /// cell index
    pub cell: usize,
    /// variant
    pub variant: String,
    /// parameter point
    pub point: Vec<(String, f64)>,
    /// metric name → summary over replicates (NaN values, e.g. a rate with an empty
    /// denominator, are left out)
    pub metrics: BTreeMap<String, Summary>,
}

/// Merge rows from any set of shards: checks that every unit is present exactly once, sorts
/// by (cell, replicate) and summarises each cell. The result does not depend on the split.
pub fn merge(
    plan: &Plan,
    mut rows: Vec<RunRow>,
) -> Result<(Vec<RunRow>, Vec<CellSummary>), SweepError> {
    rows.sort_by_key(|r| (r.cell, r.replicate));
    rows.dedup_by(|a, b| {
        a.cell == b.cell
            && a.replicate == b.replicate
            && a.values
                .iter()
                .zip(&b.values)
                .all(|(x, y)| x.to_bits() == y.to_bits())
    });
    if rows.len() as u64 != plan.units() {
        return Err(SweepError::Merge(format!(
            "expected {} runs, found {} (missing shards, or shards of another plan)",
            plan.units(),
            rows.len()
        )));
    }
    for (k, r) in rows.iter().enumerate() {
        let (c, rep) = (
            (k as u64 / plan.replicates) as usize,
            k as u64 % plan.replicates,
        );
        if r.cell != c || r.replicate != rep {
            return Err(SweepError::Merge(format!(
                "run (cell {c}, replicate {rep}) is missing or conflicting"
            )));
        }
    }
    let names = metric_names();
    let summaries = plan
        .cells
        .iter()
        .map(|cell| {
            let rs = &rows[cell.index * plan.replicates as usize
                ..(cell.index + 1) * plan.replicates as usize];
            let metrics = names
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    let vals: Vec<f64> = rs
                        .iter()
                        .map(|r| r.values[j])
                        .filter(|v| !v.is_nan())
                        .collect();
                    (n.to_string(), Summary::of(&vals))
                })
                .collect();
            CellSummary {
                cell: cell.index,
                variant: cell.variant.clone(),
                point: cell.point.clone(),
                metrics,
            }
        })
        .collect();
    Ok((rows, summaries))
}
