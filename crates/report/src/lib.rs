//! # pocolab-report
//!
//! Renders an [`Evaluation`] (what `pocolab evaluate` measured) into a directory:
//!
//! | file | content |
//! |---|---|
//! | `report.html` | self-contained page: inline CSS, figures as inline SVG ([`svg`]), no script, no network |
//! | `summary.md` | the verdicts and the threat × mechanism matrix in Markdown |
//! | `matrix.csv`, `matrix.parquet` | one row per matrix cell, every [`Summary`] flattened (`_n`, `_mean`, `_sd`, `_ci95`; money columns end in `_nrlc`) |
//! | `frontiers.csv` | mechanism frontiers: one row per (mechanism, parameter, threat, value), long format ([`write_frontiers_csv`]) |
//! | `figures/<id>.csv` | the data behind each figure |
//! | `evaluation.json` | the whole [`Evaluation`] (serde; non-finite numbers become `null`) |
//!
//! Verdict of a matrix cell ([`Verdict`]): computed by the simulator with the one rule of
//! `pocolab_results::verdict`, rendered here unchanged; the report states the rule
//! ([`VERDICT_RULE`]).

#![warn(missing_docs)]

mod data;
mod frontiers;
mod html;
mod markdown;
mod sample;
pub mod svg;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pocolab_results::Summary;
use pocolab_results::Variant;
use pocolab_results::evaluation::{Evaluation, Figure, MatrixCell};

pub use data::write_parquet;
pub use frontiers::{frontier_columns, frontier_figures, write_frontiers_csv};
pub use sample::sample_evaluation;

/// Options of [`write_report`].
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// the exact command that reruns this evaluation (the CLI passes its own arguments);
    /// `None`: reconstructed from the evaluation ([`rerun_command`])
    pub command: Option<String>,
}

/// What [`write_report`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// output directory
    pub dir: PathBuf,
    /// every file written, relative to `dir`
    pub files: Vec<PathBuf>,
}

/// Write `report.html`, `summary.md`, `matrix.csv`, `matrix.parquet`, `frontiers.csv`, `figures/*.csv` and
/// `evaluation.json` into `out` (created if needed). Each file is written atomically
/// ([`write_atomically`]); figure CSVs of an earlier run that this one does not write are
/// removed, so the folder holds one run.
pub fn write_report(ev: &Evaluation, out: &Path, opts: &ReportOptions) -> Result<Written> {
    std::fs::create_dir_all(out.join("figures"))
        .with_context(|| format!("creating {}", out.join("figures").display()))?;
    let command = opts.command.clone().unwrap_or_else(|| rerun_command(ev));
    let mut files = Vec::new();
    let mut put = |name: &str, text: String| -> Result<()> {
        write_atomically(&out.join(name), |tmp| {
            std::fs::write(tmp, &text).with_context(|| format!("writing {}", tmp.display()))
        })?;
        files.push(PathBuf::from(name));
        Ok(())
    };
    put("report.html", html::render(ev, &command))?;
    put("summary.md", markdown::render(ev, &command))?;
    put(
        "evaluation.json",
        serde_json::to_string_pretty(ev).context("serialising the evaluation")? + "\n",
    )?;
    write_atomically(&out.join("matrix.csv"), |tmp| {
        data::write_matrix_csv(tmp, ev)
    })?;
    files.push("matrix.csv".into());
    data::write_matrix_parquet(&out.join("matrix.parquet"), ev)?;
    files.push("matrix.parquet".into());
    write_atomically(&out.join("frontiers.csv"), |tmp| {
        frontiers::write_frontiers_csv(tmp, ev)
    })?;
    files.push("frontiers.csv".into());
    for f in figures(ev) {
        let rel = PathBuf::from("figures").join(format!("{}.csv", svg::slug(&f.id)));
        write_atomically(&out.join(&rel), |tmp| data::write_figure_csv(tmp, ev, f))?;
        files.push(rel);
    }
    remove_stale_figures(out, &files)?;
    Ok(Written {
        dir: out.to_path_buf(),
        files,
    })
}

/// Write `path` through `write` into a temporary file beside it, then rename that into place:
/// a reader, a crash or a full disk leaves the previous file or the whole new one, never part
/// of one. The temporary file is removed when `write` fails.
pub fn write_atomically(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} names no file", path.display()))?;
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let synced = write(&tmp).and_then(|()| {
        // on disk before it takes the name: after a power loss too, the name holds all of it
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("syncing {}", tmp.display()))
    });
    if let Err(e) = synced {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("moving {} to {}", tmp.display(), path.display()))
}

/// An output folder belongs to one run: figure CSVs that an earlier run left in `figures/` and
/// that this run did not write would be read as this run's, so they go.
fn remove_stale_figures(out: &Path, written: &[PathBuf]) -> Result<()> {
    let dir = out.join("figures");
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        let rel = PathBuf::from("figures").join(path.file_name().unwrap_or_default());
        if path.extension().is_some_and(|e| e == "csv") && !written.contains(&rel) {
            std::fs::remove_file(&path)
                .with_context(|| format!("removing the stale {}", path.display()))?;
        }
    }
    Ok(())
}

/// Every figure of every experiment, in order.
pub fn figures(ev: &Evaluation) -> impl Iterator<Item = &Figure> {
    ev.experiments.iter().flat_map(|e| e.figures.iter())
}

pub use pocolab_results::Verdict;

/// The verdict rule in words, as the report prints it (the rule itself is
/// `pocolab_results::Verdict::judge` and `Verdict::combine`; keep the two in step).
pub const VERDICT_RULE: [&str; 8] = [
    "Every comparison is paired (same run ids, common random numbers): the variant under attack against baseline PoCo under attack. A change counts when its 95 % CI excludes 0 and it exceeds a materiality threshold (0.1 RLC per task, half a percentage point, one second).",
    "Each cell has two comparisons per attacker objective: at the attacker's best response to the variant (against its best response to baseline), and at equal strength (baseline's best-response parameters replayed against the variant). A rational attacker maximises its profit; a griefer maximises the threat's damage metric within a budget of 2 RLC per task; threats played both ways have both.",
    "▼ made worse: a victim role's loss (requester, app owner, dataset owner, pool, honest workers), the wrong results accepted or the threat's damage metric is significantly worse than on baseline PoCo under attack, the correct results delivered are significantly fewer, or the attacker's profit is significantly higher while not shown negative.",
    "⊘ liveness lost: otherwise, correct results per requested task under attack fall below 90 % of the same variant's without attack (the market under attack no longer delivers, even if baseline PoCo does no better).",
    "○ not needed: on baseline PoCo the attack is neither profitable (profit not significantly above 0) nor damaging (no victim loss, wrong result, lost correct result or damage significantly worse than without it).",
    "✔ unprofitable + mitigated, ◐ mitigated, ◑ unprofitable: mitigated when the damage metric, the wrong results or a victim's loss is significantly lower (and nothing is worse); unprofitable when the attacker's profit CI lies below 0 with the variant and did not on baseline PoCo (rational attackers only).",
    "✘ no effect otherwise; – not run when the variant could not be played (the cell says why).",
    "The cell's verdict is the most severe of its comparisons' (▼, ⊘, ✘, ◑, ◐, ✔, ○); when they disagree, the cell says the outcome depends on the attacker adapting and lists each comparison's verdict.",
];

/// Capital locked × time per task with the mechanism and no attack, relative to baseline PoCo
/// on the same market (the honest actors' capital cost of the mechanism).
pub fn capital_ratio(ev: &Evaluation, c: &MatrixCell) -> Option<f64> {
    let base = ev
        .matrix
        .iter()
        .find(|b| b.threat == c.threat && b.mechanism.is_baseline())?;
    let r = c.capital_time.mean / base.capital_time.mean;
    (r.is_finite() && c.capital_time.n > 0).then_some(r)
}

/// The honest cost of a cell in words: extra requester cost per correct result, and capital ×
/// time relative to baseline.
pub fn honest_cost_text(ev: &Evaluation, c: &MatrixCell) -> String {
    let money = fmt_summary(&c.honest_cost, true);
    match capital_ratio(ev, c) {
        Some(r) => format!("{money}, capital×time ×{r:.2}"),
        None => money,
    }
}

/// `mean ± ci95` with the CI rounded to 2 significant digits and the mean to the same
/// decimals; money (nRLC) shown in RLC. Exact values (CI 0 or NaN) show the mean alone;
/// a single replicate says `n = 1`; a NaN mean is `—`.
pub fn fmt_summary(s: &Summary, money: bool) -> String {
    let scale = if money { 1e9 } else { 1.0 };
    let unit = if money { " RLC" } else { "" };
    let (m, c) = (s.mean / scale, s.ci95 / scale);
    if !m.is_finite() {
        return "—".into();
    }
    if s.n < 2 && s.n > 0 {
        return format!("{}{unit} (n = 1, no CI)", svg::fmt_val(m));
    }
    if c.is_infinite() {
        return format!("{} ± ∞{unit}", svg::fmt_val(m));
    }
    if !(c.is_finite() && c > 0.0) {
        return format!("{}{unit}", svg::fmt_val(m));
    }
    let dec = (1 - c.log10().floor() as i32).clamp(0, 9) as usize;
    let mm = format!("{m:.dec$}");
    let mm = if mm.parse::<f64>() == Ok(0.0) {
        format!("{:.dec$}", 0.0)
    } else {
        mm
    };
    format!("{} ± {:.dec$}{unit}", mm.replace('-', "−"), c)
}

/// The command that reruns an evaluation, reconstructed from it: seed, replicates, size, and
/// `--only-threats` / `--only-mechanisms` when the matrix covers fewer threats or mechanisms
/// than the catalogue (the evaluation does not record the filters themselves).
pub fn rerun_command(ev: &Evaluation) -> String {
    let mut c = format!(
        "pocolab evaluate --seed {} --replicates {}",
        ev.seed, ev.replicates
    );
    if ev.size.eq_ignore_ascii_case("large") {
        c.push_str(" --large");
    }
    if ev.size.starts_with("sample") {
        c.push_str(" --sample");
    }
    let simulated: Vec<&str> = ev
        .threats
        .iter()
        .filter(|t| t.not_simulated.is_empty())
        .map(|t| t.id.as_str())
        .collect();
    let in_matrix: Vec<&str> = simulated
        .iter()
        .copied()
        .filter(|t| ev.matrix.iter().any(|c| c.threat == *t))
        .collect();
    if !ev.size.starts_with("sample") && in_matrix.len() < simulated.len() && !in_matrix.is_empty()
    {
        c.push_str(" --only-threats ");
        c.push_str(&shell_quote(&in_matrix.join(",")));
    }
    c.push_str(" --out out/report");
    c
}

/// Quote a word for a POSIX shell (only when needed).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,/=:+@%".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The figure's caption, completed with the config hash and seeds when it lacks them.
pub fn caption(ev: &Evaluation, f: &Figure) -> String {
    let mut c = f.caption.trim().to_string();
    if !c.contains(&ev.config_hash) {
        if !c.is_empty() && !c.ends_with('.') {
            c.push('.');
        }
        if !c.is_empty() {
            c.push(' ');
        }
        c.push_str(&format!(
            "Config hash {}, seed {}, runs 0..{}.",
            ev.config_hash, ev.seed, ev.replicates
        ));
    }
    c
}

/// The matrix's threats (catalogue order, then any others) and mechanisms (declared order, then
/// any others) that have at least one cell.
pub(crate) fn axes(ev: &Evaluation) -> (Vec<String>, Vec<Variant>) {
    let mut threats: Vec<String> = ev
        .threats
        .iter()
        .map(|t| t.id.clone())
        .filter(|t| ev.matrix.iter().any(|c| &c.threat == t))
        .collect();
    let mut mechs: Vec<Variant> = ev
        .mechanisms
        .iter()
        .map(|m| m.id)
        .filter(|m| ev.matrix.iter().any(|c| c.mechanism == *m))
        .collect();
    for c in &ev.matrix {
        if !threats.contains(&c.threat) {
            threats.push(c.threat.clone());
        }
        if !mechs.contains(&c.mechanism) {
            mechs.push(c.mechanism);
        }
    }
    (threats, mechs)
}

pub(crate) fn cell<'a>(ev: &'a Evaluation, threat: &str, mech: Variant) -> Option<&'a MatrixCell> {
    ev.matrix
        .iter()
        .find(|c| c.threat == threat && c.mechanism == mech)
}

/// Per threat: the mechanisms by verdict, and the cheapest one that makes the attack
/// unprofitable and mitigates it (by mean honest cost), or failing that the cheapest that
/// mitigates it; none when the threat needs no mechanism.
pub(crate) struct ThreatVerdict<'a> {
    pub threat: String,
    pub baseline: Option<&'a MatrixCell>,
    pub any: &'a MatrixCell,
    /// ✔ unprofitable and mitigated
    pub secure: Vec<&'a MatrixCell>,
    /// ◐ mitigated, ◑ unprofitable
    pub mitigated: Vec<&'a MatrixCell>,
    /// ✘ no effect, ○ not needed, – not run
    pub not: Vec<&'a MatrixCell>,
    /// ▼ made worse, ⊘ liveness lost
    pub worse: Vec<&'a MatrixCell>,
    /// the threat is neither profitable nor damaging on baseline PoCo
    pub not_needed: bool,
    pub cheapest: Option<&'a MatrixCell>,
}

pub(crate) fn threat_verdicts(ev: &Evaluation) -> Vec<ThreatVerdict<'_>> {
    let (threats, mechs) = axes(ev);
    threats
        .into_iter()
        .filter_map(|t| {
            let cells: Vec<&MatrixCell> = mechs.iter().filter_map(|m| cell(ev, &t, *m)).collect();
            let any = *cells.first()?;
            let baseline = cells.iter().copied().find(|c| c.mechanism.is_baseline());
            let by = |v: Verdict| {
                cells
                    .iter()
                    .copied()
                    .filter(|c| Verdict::of(c) == v)
                    .collect::<Vec<_>>()
            };
            let secure = by(Verdict::UnprofitableMitigated);
            let mitigated = [by(Verdict::Mitigated), by(Verdict::Unprofitable)].concat();
            let not_needed = baseline.is_some_and(|b| b.not_needed);
            let candidates = if secure.is_empty() {
                by(Verdict::Mitigated)
            } else {
                secure.clone()
            };
            // cheapest: least extra cost per correct result, then least capital locked × time
            let key = |c: &MatrixCell| {
                (
                    c.honest_cost.mean,
                    capital_ratio(ev, c).unwrap_or(f64::INFINITY),
                )
            };
            let cheapest = candidates
                .iter()
                .copied()
                .filter(|c| !not_needed && c.honest_cost.mean.is_finite())
                .min_by(|a, b| {
                    let (ka, kb) = (key(a), key(b));
                    ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
                });
            Some(ThreatVerdict {
                threat: t,
                baseline,
                any,
                secure,
                mitigated,
                not: [
                    by(Verdict::NoEffect),
                    by(Verdict::NotNeeded),
                    by(Verdict::NotRun),
                ]
                .concat(),
                worse: [by(Verdict::MadeWorse), by(Verdict::LivenessLost)].concat(),
                not_needed,
                cheapest,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_formatting() {
        let s = |n, mean, ci95| Summary {
            n,
            mean,
            sd: 0.0,
            ci95,
        };
        assert_eq!(
            fmt_summary(&s(10, 0.123456, 0.0234), false),
            "0.123 ± 0.023"
        );
        assert_eq!(
            fmt_summary(&s(10, -1.5e9, 0.25e9), true),
            "−1.50 ± 0.25 RLC"
        );
        assert_eq!(fmt_summary(&s(10, 12345.0, 678.0), false), "12345 ± 678");
        assert_eq!(fmt_summary(&s(10, 0.5, 0.0), false), "0.5");
        assert_eq!(fmt_summary(&s(10, 0.5, f64::NAN), false), "0.5");
        assert_eq!(fmt_summary(&s(0, f64::NAN, f64::NAN), false), "—");
        assert_eq!(
            fmt_summary(&s(1, 2.0, f64::INFINITY), false),
            "2 (n = 1, no CI)"
        );
        assert_eq!(fmt_summary(&s(10, -0.0001, 0.01), false), "0.000 ± 0.010");
    }

    #[test]
    fn quoting_and_command() {
        assert_eq!(shell_quote("R1,S2"), "R1,S2");
        assert_eq!(shell_quote("W1'"), r"'W1'\'''");
        let mut ev = sample_evaluation();
        ev.size = "large".into();
        let c = rerun_command(&ev);
        assert!(
            c.starts_with(&format!(
                "pocolab evaluate --seed {} --replicates {} --large",
                ev.seed, ev.replicates
            )),
            "{c}"
        );
    }

    #[test]
    fn verdicts_of_sample() {
        let ev = sample_evaluation();
        let v = threat_verdicts(&ev);
        assert!(!v.is_empty());
        assert!(
            v.iter()
                .any(|t| !t.secure.is_empty() && t.cheapest.is_some())
        );
        assert!(v.iter().any(|t| !t.not.is_empty()));
        assert!(v.iter().all(|t| t.baseline.is_some()));
    }
}
