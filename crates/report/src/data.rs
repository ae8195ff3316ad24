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

use crate::Verdict;

/// The summaries of a cell, with their column prefixes (money ones end in `_nrlc`; the
/// damage columns are in the unit of the cell's `metric`).
fn summaries(c: &MatrixCell) -> [(&'static str, &Summary); 7] {
    [
        ("no_attack", &c.no_attack),
        ("damage_baseline", &c.damage_baseline),
        ("damage", &c.damage),
        ("attacker_profit_nrlc", &c.attacker_profit),
        ("attacker_profit_baseline_nrlc", &c.attacker_profit_baseline),
        ("honest_cost_nrlc", &c.honest_cost),
        ("capital_time_nrlc_s", &c.capital_time),
    ]
}

const STATS: [&str; 4] = ["n", "mean", "sd", "ci95"];
const HEAD: [&str; 5] = ["threat", "mechanism", "experiment", "metric", "worse"];
const TAIL: [&str; 8] = [
    "best_response",
    "unprofitable",
    "mitigated",
    "verdict",
    "seeds",
    "config_hash",
    "seed",
    "replicates",
];

fn worse(w: Worse) -> &'static str {
    match w {
        Worse::Higher => "higher",
        Worse::Lower => "lower",
    }
}

/// The column names of `matrix.csv` / `matrix.parquet`.
pub fn matrix_columns() -> Vec<String> {
    let mut h: Vec<String> = HEAD.iter().map(|s| s.to_string()).collect();
    let proto = pocolab_results::evaluation::MatrixCell {
        threat: String::new(),
        mechanism: pocolab_results::Variant::BASELINE,
        experiment: String::new(),
        metric: pocolab_results::Metric::WrongResultRate,
        worse: Worse::Higher,
        no_attack: Summary::of(&[]),
        damage_baseline: Summary::of(&[]),
        damage: Summary::of(&[]),
        attacker_profit: Summary::of(&[]),
        attacker_profit_baseline: Summary::of(&[]),
        best_response: String::new(),
        honest_cost: Summary::of(&[]),
        capital_time: Summary::of(&[]),
        unprofitable: false,
        mitigated: false,
        seeds: String::new(),
        not_run: None,
    };
    for (p, _) in summaries(&proto) {
        h.extend(STATS.iter().map(|s| format!("{p}_{s}")));
    }
    h.extend(TAIL.iter().map(|s| s.to_string()));
    h
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
    w.write_record(matrix_columns())?;
    for c in &ev.matrix {
        let mut rec: Vec<String> = vec![
            c.threat.clone(),
            c.mechanism.to_string(),
            c.experiment.clone(),
            c.metric.to_string(),
            worse(c.worse).into(),
        ];
        for (_, s) in summaries(c) {
            rec.push(s.n.to_string());
            rec.extend([s.mean, s.sd, s.ci95].iter().map(|v| v.to_string()));
        }
        rec.extend([
            c.best_response.clone(),
            c.unprofitable.to_string(),
            c.mitigated.to_string(),
            Verdict::of(c).key().into(),
            c.seeds.clone(),
            ev.config_hash.clone(),
            ev.seed.to_string(),
            ev.replicates.to_string(),
        ]);
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_matrix_parquet(path: &Path, ev: &Evaluation) -> Result<()> {
    let m = &ev.matrix;
    let names = matrix_columns();
    let str_col = |f: &dyn Fn(&MatrixCell) -> String| {
        Arc::new(StringArray::from(m.iter().map(f).collect::<Vec<_>>())) as ArrayRef
    };
    let mut cols: Vec<ArrayRef> = vec![
        str_col(&|c| c.threat.clone()),
        str_col(&|c| c.mechanism.to_string()),
        str_col(&|c| c.experiment.clone()),
        str_col(&|c| c.metric.to_string()),
        str_col(&|c| worse(c.worse).into()),
    ];
    for j in 0..7 {
        cols.push(Arc::new(UInt64Array::from(
            m.iter()
                .map(|c| summaries(c)[j].1.n as u64)
                .collect::<Vec<_>>(),
        )));
        for k in 1..4 {
            cols.push(Arc::new(Float64Array::from(
                m.iter()
                    .map(|c| stat(summaries(c)[j].1, k))
                    .collect::<Vec<_>>(),
            )));
        }
    }
    cols.push(str_col(&|c| c.best_response.clone()));
    cols.push(Arc::new(BooleanArray::from(
        m.iter().map(|c| c.unprofitable).collect::<Vec<_>>(),
    )));
    cols.push(Arc::new(BooleanArray::from(
        m.iter().map(|c| c.mitigated).collect::<Vec<_>>(),
    )));
    cols.push(str_col(&|c| Verdict::of(c).key().into()));
    cols.push(str_col(&|c| c.seeds.clone()));
    cols.push(str_col(&|_| ev.config_hash.clone()));
    cols.push(Arc::new(UInt64Array::from(vec![ev.seed; m.len()])));
    cols.push(Arc::new(UInt64Array::from(vec![ev.replicates; m.len()])));
    let batch = RecordBatch::try_from_iter(names.into_iter().zip(cols))
        .context("building the Arrow batch")?;
    write_parquet(
        path,
        &batch,
        &[
            ("pocolab.config_hash", ev.config_hash.clone()),
            ("pocolab.seed", ev.seed.to_string()),
            ("pocolab.replicates", ev.replicates.to_string()),
            ("pocolab.schema_version", "1".to_string()),
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
