//! `matrix.csv`, `matrix.parquet`, `figures/<id>.csv`.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use pocolab_results::Summary;
use pocolab_results::Worse;
use pocolab_results::evaluation::{Evaluation, Figure, MatrixCell};
use pocolab_results::{ComparisonKind, Outcome, OutcomeRow};

use crate::Verdict;

/// The summaries of a cell, with their column prefixes (money ones end in `_nrlc`; the
/// damage columns are in the unit of the cell's `metric`).
fn summaries(c: &MatrixCell) -> [(&'static str, &Summary); 7] {
    let n = summaries_names();
    [
        (n[0], &c.no_attack),
        (n[1], &c.damage_baseline),
        (n[2], &c.damage),
        (n[3], &c.attacker_profit),
        (n[4], &c.attacker_profit_baseline),
        (n[5], &c.honest_cost),
        (n[6], &c.capital_time),
    ]
}

const STATS: [&str; 4] = ["n", "mean", "sd", "ci95"];

fn worse(w: Worse) -> &'static str {
    match w {
        Worse::Higher => "higher",
        Worse::Lower => "lower",
    }
}

/// One column of the matrix table.
enum Col {
    S(Vec<String>),
    F(Vec<f64>),
    U(Vec<u64>),
    B(Vec<bool>),
}

impl Col {
    fn cell(&self, i: usize) -> String {
        match self {
            Col::S(v) => v[i].clone(),
            Col::F(v) => v[i].to_string(),
            Col::U(v) => v[i].to_string(),
            Col::B(v) => v[i].to_string(),
        }
    }

    fn arrow(self) -> ArrayRef {
        match self {
            Col::S(v) => Arc::new(StringArray::from(v)),
            Col::F(v) => Arc::new(Float64Array::from(v)),
            Col::U(v) => Arc::new(UInt64Array::from(v)),
            Col::B(v) => Arc::new(BooleanArray::from(v)),
        }
    }
}

/// The verdict of a cell's comparisons of one kind (the most severe), empty when none.
fn verdict_of_kind(c: &MatrixCell, kind: ComparisonKind) -> String {
    let vs: Vec<Verdict> = c
        .comparisons
        .iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.verdict)
        .collect();
    if vs.is_empty() {
        String::new()
    } else {
        Verdict::combine(vs).key().into()
    }
}

/// The outcome row of the cell's first comparison of `kind` (the first objective's).
fn row(c: &MatrixCell, kind: ComparisonKind, o: Outcome) -> Option<&OutcomeRow> {
    c.comparisons
        .iter()
        .find(|k| k.kind == kind)
        .and_then(|k| k.row(o))
}

/// The matrix as named columns: what `matrix.csv` and `matrix.parquet` hold. After the
/// cell's identity and its summaries come the verdict (and the verdict of each comparison
/// kind), then the outcome vector of the first objective's comparisons: per component, its
/// mean on baseline PoCo and with the variant (both under attack), the paired difference with
/// its CI and how it changed; then the equal-strength difference and change.
fn matrix_table(ev: &Evaluation) -> Vec<(String, Col)> {
    let m = &ev.matrix;
    let s = |f: &dyn Fn(&MatrixCell) -> String| Col::S(m.iter().map(f).collect());
    let f = |g: &dyn Fn(&MatrixCell) -> f64| Col::F(m.iter().map(g).collect());
    let b = |g: &dyn Fn(&MatrixCell) -> bool| Col::B(m.iter().map(g).collect());
    let mut t: Vec<(String, Col)> = vec![
        ("threat".into(), s(&|c| c.threat.clone())),
        ("mechanism".into(), s(&|c| c.mechanism.to_string())),
        ("experiment".into(), s(&|c| c.experiment.clone())),
        ("metric".into(), s(&|c| c.metric.to_string())),
        ("worse".into(), s(&|c| worse(c.worse).into())),
    ];
    for j in 0..7 {
        let p = summaries_names()[j];
        t.push((
            format!("{p}_{}", STATS[0]),
            Col::U(m.iter().map(|c| summaries(c)[j].1.n as u64).collect()),
        ));
        for (k, st) in STATS.iter().enumerate().skip(1) {
            t.push((format!("{p}_{st}"), f(&|c| stat(summaries(c)[j].1, k))));
        }
    }
    t.extend([
        ("best_response".into(), s(&|c| c.best_response.clone())),
        ("unprofitable".into(), b(&|c| c.unprofitable)),
        ("mitigated".into(), b(&|c| c.mitigated)),
        ("verdict".into(), s(&|c| Verdict::of(c).key().into())),
        (
            "verdict_best_response".into(),
            s(&|c| verdict_of_kind(c, ComparisonKind::BestResponse)),
        ),
        (
            "verdict_equal_strength".into(),
            s(&|c| verdict_of_kind(c, ComparisonKind::EqualStrength)),
        ),
        ("adapts".into(), b(&|c| c.adapts)),
        ("not_needed".into(), b(&|c| c.not_needed)),
        ("objective".into(), s(&|c| c.objective.clone())),
        ("search".into(), s(&|c| c.search.clone())),
    ]);
    let nan = f64::NAN;
    for o in Outcome::ALL {
        let n = o.name();
        let br = ComparisonKind::BestResponse;
        let eq = ComparisonKind::EqualStrength;
        t.extend([
            (
                format!("{n}_baseline"),
                f(&|c| row(c, br, o).map_or(nan, |r| r.baseline.mean)),
            ),
            (
                n.to_string(),
                f(&|c| row(c, br, o).map_or(nan, |r| r.variant.mean)),
            ),
            (
                format!("{n}_ci95"),
                f(&|c| row(c, br, o).map_or(nan, |r| r.variant.ci95)),
            ),
            (
                format!("{n}_diff"),
                f(&|c| row(c, br, o).map_or(nan, |r| r.diff.mean)),
            ),
            (
                format!("{n}_diff_ci95"),
                f(&|c| row(c, br, o).map_or(nan, |r| r.diff.ci95)),
            ),
            (
                format!("{n}_change"),
                s(&|c| row(c, br, o).map_or(String::new(), |r| r.change.key().into())),
            ),
            (
                format!("{n}_equal_strength_diff"),
                f(&|c| row(c, eq, o).map_or(nan, |r| r.diff.mean)),
            ),
            (
                format!("{n}_equal_strength_change"),
                s(&|c| row(c, eq, o).map_or(String::new(), |r| r.change.key().into())),
            ),
        ]);
    }
    t.extend([
        ("seeds".into(), s(&|c| c.seeds.clone())),
        ("config_hash".into(), s(&|_| ev.config_hash.clone())),
        ("seed".into(), Col::U(vec![ev.seed; m.len()])),
        ("replicates".into(), Col::U(vec![ev.replicates; m.len()])),
    ]);
    t
}

/// The column prefixes of [`summaries`].
fn summaries_names() -> [&'static str; 7] {
    [
        "no_attack",
        "damage_baseline",
        "damage",
        "attacker_profit_nrlc",
        "attacker_profit_baseline_nrlc",
        "honest_cost_nrlc",
        "capital_time_nrlc_s",
    ]
}

fn stat(s: &Summary, k: usize) -> f64 {
    match k {
        0 => s.n as f64,
        1 => s.mean,
        2 => s.sd,
        _ => s.ci95,
    }
}

pub fn write_matrix_csv(path: &Path, ev: &Evaluation) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    let t = matrix_table(ev);
    w.write_record(t.iter().map(|(n, _)| n.as_str()))?;
    for i in 0..ev.matrix.len() {
        w.write_record(t.iter().map(|(_, c)| c.cell(i)))?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_matrix_parquet(path: &Path, ev: &Evaluation) -> Result<()> {
    let batch =
        RecordBatch::try_from_iter(matrix_table(ev).into_iter().map(|(n, c)| (n, c.arrow())))
            .context("building the Arrow batch")?;
    write_parquet(
        path,
        &batch,
        &[
            ("pocolab.config_hash", ev.config_hash.clone()),
            ("pocolab.seed", ev.seed.to_string()),
            ("pocolab.replicates", ev.replicates.to_string()),
            ("pocolab.schema_version", "2".to_string()),
        ],
    )
}

/// Write one Arrow batch as a Snappy-compressed Parquet file, with `metadata` as the file's
/// key-value metadata (in this order), atomically: every Parquet output of pocolab goes
/// through here.
pub fn write_parquet(path: &Path, batch: &RecordBatch, metadata: &[(&str, String)]) -> Result<()> {
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_key_value_metadata(Some(
            metadata
                .iter()
                .map(|(k, v)| KeyValue::new(k.to_string(), v.clone()))
                .collect(),
        ))
        .build();
    crate::write_atomically(path, |tmp| {
        let file =
            std::fs::File::create(tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props))
            .context("opening the Parquet writer")?;
        w.write(batch).context("writing Parquet")?;
        w.close().context("closing Parquet")?;
        Ok(())
    })
}

/// Series figures: `config_hash,figure,series,x,n,mean,sd,ci95,lo,hi`; heatmaps:
/// `config_hash,figure,x,y,z` plus the `z_label`.
pub fn write_figure_csv(path: &Path, ev: &Evaluation, f: &Figure) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    if let Some(h) = &f.heatmap {
        w.write_record([
            "config_hash",
            "figure",
            "x_label",
            "y_label",
            "z_label",
            "x",
            "y",
            "z",
        ])?;
        for (j, y) in h.y.iter().enumerate() {
            for (i, x) in h.x.iter().enumerate() {
                let z =
                    h.z.get(j)
                        .and_then(|r| r.get(i))
                        .copied()
                        .unwrap_or(f64::NAN);
                w.write_record([
                    ev.config_hash.clone(),
                    f.id.clone(),
                    f.x_label.clone(),
                    f.y_label.clone(),
                    h.z_label.clone(),
                    x.to_string(),
                    y.to_string(),
                    z.to_string(),
                ])?;
            }
        }
    } else {
        w.write_record([
            "config_hash",
            "figure",
            "x_label",
            "y_label",
            "series",
            "x",
            "n",
            "mean",
            "sd",
            "ci95",
            "lo",
            "hi",
        ])?;
        for s in &f.series {
            for (x, y) in &s.points {
                w.write_record([
                    ev.config_hash.clone(),
                    f.id.clone(),
                    f.x_label.clone(),
                    f.y_label.clone(),
                    s.name.clone(),
                    x.to_string(),
                    y.n.to_string(),
                    y.mean.to_string(),
                    y.sd.to_string(),
                    y.ci95.to_string(),
                    y.lo().to_string(),
                    y.hi().to_string(),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
