//! Mechanism frontiers ([`Frontier`]): `frontiers.csv`, the HTML section "Mechanism
//! frontiers" (per swept parameter, attacker profit against the parameter's value, one line per
//! threat with its 95 % CI band, and a table of where each attack turns unprofitable or its
//! damage drops) and the Markdown section.

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};
use pocolab_results::evaluation::{
    Evaluation, Figure, FigureKind, Frontier, FrontierPoint, Series,
};
use pocolab_results::{Metric, Summary, Variant, Worse};

use crate::fmt_summary;
use crate::markdown::md;
use crate::svg::{self, esc, fmt_val, slug};

/// The summaries of a point, with their column prefixes (money ones end in `_nrlc`; `damage`
/// is in the unit of the row's `metric`).
fn point_summaries(p: &FrontierPoint) -> [(&'static str, &Summary); 5] {
    [
        ("attacker_profit_nrlc", &p.attacker_profit),
        ("damage", &p.damage),
        ("correct_per_task", &p.correct_per_task),
        ("correct_per_task_no_attack", &p.correct_per_task_no_attack),
        ("honest_cost_nrlc", &p.honest_cost),
    ]
}

const HEAD: [&str; 8] = [
    "mechanism",
    "parameter",
    "value",
    "default_value",
    "is_default",
    "threat",
    "metric",
    "worse",
];
const STATS: [&str; 6] = ["n", "mean", "sd", "ci95", "lo", "hi"];
const TAIL: [&str; 11] = [
    "damage_baseline_mean",
    "damage_baseline_ci95",
    "attacker_profit_baseline_nrlc_mean",
    "attacker_profit_baseline_nrlc_ci95",
    "unprofitable",
    "damage_lower",
    "unprofitable_from",
    "damage_lower_from",
    "not_run",
    "seeds",
    "config_hash",
];

/// The column names of `frontiers.csv`.
pub fn frontier_columns() -> Vec<String> {
    let mut h: Vec<String> = HEAD.iter().map(|s| s.to_string()).collect();
    let empty = Summary::of(&[]);
    let proto = FrontierPoint {
        value: 0.0,
        attacker_profit: empty,
        damage: empty,
        correct_per_task: empty,
        correct_per_task_no_attack: empty,
        honest_cost: empty,
        unprofitable: false,
        damage_lower: false,
        not_run: None,
    };
    for (p, _) in point_summaries(&proto) {
        h.extend(STATS.iter().map(|s| format!("{p}_{s}")));
    }
    h.extend(TAIL.iter().map(|s| s.to_string()));
    h
}

fn worse(w: Worse) -> &'static str {
    match w {
        Worse::Higher => "higher",
        Worse::Lower => "lower",
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// `frontiers.csv`: one row per (mechanism, parameter, threat, value), long format; every
/// summary flattened into `_n`, `_mean`, `_sd`, `_ci95`, `_lo`, `_hi`.
pub fn write_frontiers_csv(path: &Path, ev: &Evaluation) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(frontier_columns())?;
    for f in &ev.frontiers {
        for p in &f.points {
            let mut rec: Vec<String> = vec![
                f.mechanism.to_string(),
                f.parameter.clone(),
                p.value.to_string(),
                f.default_value.to_string(),
                (p.value == f.default_value).to_string(),
                f.threat.clone(),
                f.metric.to_string(),
                worse(f.worse).into(),
            ];
            for (_, s) in point_summaries(p) {
                rec.push(s.n.to_string());
                rec.extend(
                    [s.mean, s.sd, s.ci95, s.lo(), s.hi()]
                        .iter()
                        .map(|v| v.to_string()),
                );
            }
            rec.extend([
                f.damage_baseline.mean.to_string(),
                f.damage_baseline.ci95.to_string(),
                f.attacker_profit_baseline.mean.to_string(),
                f.attacker_profit_baseline.ci95.to_string(),
                p.unprofitable.to_string(),
                p.damage_lower.to_string(),
                opt(f.unprofitable_from),
                opt(f.damage_lower_from),
                p.not_run.clone().unwrap_or_default(),
                f.seeds.clone(),
                ev.config_hash.clone(),
            ]);
            w.write_record(&rec)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The swept parameters, in the evaluation's order: (variant, parameter, its frontiers).
fn sweeps(ev: &Evaluation) -> Vec<(Variant, &str, Vec<&Frontier>)> {
    let mut out: Vec<(Variant, &str, Vec<&Frontier>)> = Vec::new();
    for f in &ev.frontiers {
        match out
            .iter_mut()
            .find(|(m, p, _)| *m == f.mechanism && *p == f.parameter)
        {
            Some((_, _, v)) => v.push(f),
            None => out.push((f.mechanism, &f.parameter, vec![f])),
        }
    }
    out
}

/// One figure per swept parameter: attacker profit per task (RLC) against the value, one
/// series per threat (mean ± 95 % CI).
pub fn frontier_figures(ev: &Evaluation) -> Vec<Figure> {
    sweeps(ev)
        .into_iter()
        .map(|(m, param, fs)| {
            let rlc = |s: &Summary| Summary {
                mean: s.mean / 1e9,
                sd: s.sd / 1e9,
                ci95: s.ci95 / 1e9,
                ..*s
            };
            let series = fs
                .iter()
                .map(|f| Series {
                    name: f.threat.clone(),
                    points: f
                        .points
                        .iter()
                        .filter(|p| p.attacker_profit.n > 0)
                        .map(|p| (p.value, rlc(&p.attacker_profit)))
                        .collect(),
                })
                .collect();
            let seeds = fs.first().map(|f| f.seeds.as_str()).unwrap_or_default();
            Figure {
                id: format!("frontier-{m}-{param}"),
                title: format!("{m}: attacker profit vs {param}"),
                kind: FigureKind::Line,
                x_label: format!("{param} (default {})", fmt_val(fs[0].default_value)),
                y_label: "attacker profit per task (RLC)".into(),
                series,
                heatmap: None,
                caption: format!(
                    "Each threat's preset attack against {m} with {param} at each value, the other parameters at their defaults; below 0 the attack does not pay. Config hash {}, {seeds}.",
                    ev.config_hash
                ),
            }
        })
        .collect()
}

/// A value of the sweep, or `—`.
fn val(v: Option<f64>) -> String {
    v.map(fmt_val).unwrap_or_else(|| "—".into())
}

/// The point at `value`, if any.
fn at(f: &Frontier, value: Option<f64>) -> Option<&FrontierPoint> {
    let v = value?;
    f.points.iter().find(|p| p.value == v)
}

/// Honest cost at a value of the sweep, formatted.
fn cost_at(f: &Frontier, value: Option<f64>) -> String {
    at(f, value)
        .map(|p| fmt_summary(&p.honest_cost, true))
        .unwrap_or_else(|| "—".into())
}

fn money(m: Metric) -> bool {
    m.unit() == pocolab_results::metric::Unit::Nrlc
}

/// The HTML section `#frontiers` (nothing when the evaluation has no frontier).
pub(crate) fn html(o: &mut String, ev: &Evaluation) {
    if ev.frontiers.is_empty() {
        return;
    }
    o.push_str("<section id=\"frontiers\"><h2>Mechanism frontiers</h2><p>Each mechanism's key parameters swept, one at a time, from the weakest setting to the strongest, against every threat the mechanism targets. The attacker plays the catalogue's preset attack (no best-response search). <b>Unprofitable from</b>: the weakest value from which on the attacker's profit CI lies below 0; <b>damage lower from</b>: the weakest value from which on the damage is significantly below baseline PoCo's under the same attack (paired by run id). Honest cost: extra requester cost per correct result without attack, against baseline PoCo. Data: <a href=\"frontiers.csv\">frontiers.csv</a>.</p>");
    let figs = frontier_figures(ev);
    for ((m, param, fs), fig) in sweeps(ev).into_iter().zip(&figs) {
        let _ = write!(
            o,
            "<h3 id=\"frontier-{}\">{} · <code>{}</code> (default {})</h3>",
            slug(&format!("{m}-{param}")),
            esc(&m.to_string()),
            esc(param),
            esc(&fmt_val(fs[0].default_value))
        );
        let _ = write!(
            o,
            "<figure class=\"fig\" id=\"fig-{s}\">{}<figcaption><b>Figure {}.</b> {}. {}</figcaption></figure>",
            svg::render(fig),
            esc(&fig.id),
            esc(&fig.title),
            esc(&fig.caption),
            s = slug(&fig.id)
        );
        o.push_str("<div class=\"scroll\"><table class=\"exp-table\"><thead><tr><th>threat</th><th>damage metric</th><th>baseline profit / task</th><th>profit at the default</th><th>unprofitable from</th><th>damage lower from</th><th>honest cost at the default</th><th>honest cost at the frontier</th><th>values not run</th></tr></thead><tbody>");
        for f in fs {
            let d = Some(f.default_value);
            let frontier = f.unprofitable_from.or(f.damage_lower_from);
            let not_run: Vec<String> = f
                .points
                .iter()
                .filter(|p| p.not_run.is_some())
                .map(|p| fmt_val(p.value))
                .collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&f.threat),
                esc(&f.metric.to_string()),
                if f.worse == Worse::Higher {
                    "↑"
                } else {
                    "↓"
                },
                esc(&fmt_summary(&f.attacker_profit_baseline, true)),
                esc(&at(f, d)
                    .map(|p| fmt_summary(&p.attacker_profit, true))
                    .unwrap_or_else(|| "—".into())),
                esc(&val(f.unprofitable_from)),
                esc(&val(f.damage_lower_from)),
                esc(&cost_at(f, d)),
                esc(&cost_at(f, frontier)),
                esc(&not_run.join(", "))
            );
        }
        o.push_str("</tbody></table></div>");
    }
    let _ = write!(
        o,
        "<p class=\"small\">Config hash {}, {}; mean ± 95 % CI. The damage metric of each threat is in its own unit{}.</p></section>",
        esc(&ev.config_hash),
        esc(ev
            .frontiers
            .first()
            .map(|f| f.seeds.as_str())
            .unwrap_or_default()),
        if ev.frontiers.iter().any(|f| money(f.metric)) {
            " (money in RLC)"
        } else {
            ""
        }
    );
}

/// The Markdown section "Mechanism frontiers" (nothing when the evaluation has no frontier).
pub(crate) fn markdown(o: &mut String, ev: &Evaluation) {
    if ev.frontiers.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n## Mechanism frontiers\n\nKey parameters swept one at a time (weakest → strongest) against each targeted threat's preset attack; {}. *Unprofitable from* / *damage lower from*: the weakest value from which on the attacker's profit CI is below 0 / the damage is significantly below baseline PoCo's. Honest cost: extra requester cost per correct result without attack. All points: `frontiers.csv`.\n",
        md(ev
            .frontiers
            .first()
            .map(|f| f.seeds.as_str())
            .unwrap_or_default())
    );
    let _ = writeln!(
        o,
        "| mechanism | parameter (default) | threat | profit at the default | unprofitable from | damage lower from | honest cost at the frontier |\n|---|---|---|---:|---:|---:|---:|"
    );
    for f in &ev.frontiers {
        let frontier = f.unprofitable_from.or(f.damage_lower_from);
        let _ = writeln!(
            o,
            "| {} | {} ({}) | {} | {} | {} | {} | {} |",
            md(&f.mechanism.to_string()),
            md(&f.parameter),
            fmt_val(f.default_value),
            md(&f.threat),
            md(&at(f, Some(f.default_value))
                .map(|p| fmt_summary(&p.attacker_profit, true))
                .unwrap_or_else(|| "—".into())),
            val(f.unprofitable_from),
            val(f.damage_lower_from),
            md(&cost_at(f, frontier))
        );
    }
}

/// Fixture frontiers for [`crate::sample_evaluation`] (made-up numbers): an audit-rate sweep
/// of M1 against two threats (one turns unprofitable, one only loses damage) and a bond sweep
/// of M3 with a value that could not be played.
pub(crate) fn sample(seeds: &str) -> Vec<Frontier> {
    let sm = |mean: f64, ci95: f64| Summary {
        n: 4,
        mean,
        sd: ci95 * 2.0 / 3.182,
        ci95,
    };
    let point =
        |value: f64, profit: Summary, damage: Summary, cost: f64, worse: Worse, base: f64| {
            FrontierPoint {
                value,
                unprofitable: profit.hi() < 0.0,
                damage_lower: match worse {
                    Worse::Higher => damage.hi() < base,
                    Worse::Lower => damage.lo() > base,
                },
                attacker_profit: profit,
                damage,
                correct_per_task: sm(1.0 - damage.mean.min(1.0), 0.02),
                correct_per_task_no_attack: sm(0.98, 0.01),
                honest_cost: sm(cost, cost.abs() / 10.0),
                not_run: None,
            }
        };
    let frontier = |m: &str,
                    param: &str,
                    default: f64,
                    threat: &str,
                    metric,
                    worse,
                    points: Vec<FrontierPoint>,
                    base: Summary,
                    profit_base: Summary| {
        let from = |flag: fn(&FrontierPoint) -> bool| {
            let tail = points.iter().rev().take_while(|p| flag(p)).count();
            (tail > 0).then(|| points[points.len() - tail].value)
        };
        Frontier {
            mechanism: m.parse().expect("a variant id"),
            parameter: param.into(),
            default_value: default,
            threat: threat.into(),
            metric,
            worse,
            damage_baseline: base,
            attacker_profit_baseline: profit_base,
            unprofitable_from: from(|p| p.unprofitable),
            damage_lower_from: from(|p| p.damage_lower),
            points,
            seeds: seeds.into(),
        }
    };
    let q = [0.0, 10_000.0, 50_000.0, 200_000.0, 500_000.0, 1_000_000.0];
    let s1 = q
        .iter()
        .map(|&v| {
            let f = v / 1e6;
            point(
                v,
                sm((59.5 - 130.0 * f) * 1e9, 1.5e9),
                sm((1.0 - 1.2 * f).max(0.0), 0.05),
                (0.05 + 0.4 * f) * 1e9,
                Worse::Higher,
                1.0,
            )
        })
        .collect();
    let w2 = q
        .iter()
        .map(|&v| {
            let f = v / 1e6;
            point(
                v,
                sm((2.0 - 0.5 * f) * 1e9, 0.3e9),
                sm(0.4 * (1.0 - f), 0.04),
                (0.05 + 0.4 * f) * 1e9,
                Worse::Higher,
                0.4,
            )
        })
        .collect();
    let mut r1: Vec<FrontierPoint> = [50_000.0, 250_000.0, 500_000.0, 1_000_000.0, 2_000_000.0]
        .iter()
        .map(|&v| {
            let g = v / 1e6;
            point(
                v,
                sm((-12.0 * g + 1.0) * 1e9, 0.2e9),
                sm((11.0 - 12.0 * g).max(0.0) * 1e9, 0.3e9),
                0.01e9,
                Worse::Higher,
                11.0e9,
            )
        })
        .collect();
    let empty = Summary::of(&[]);
    r1[4] = FrontierPoint {
        attacker_profit: empty,
        damage: empty,
        correct_per_task: empty,
        correct_per_task_no_attack: empty,
        honest_cost: empty,
        unprofitable: false,
        damage_lower: false,
        not_run: Some("no requester <agent> posts a bond that large".into()),
        ..r1[4].clone()
    };
    vec![
        frontier(
            "M1",
            "audit_ppm",
            50_000.0,
            "S1",
            Metric::WrongResultRate,
            Worse::Higher,
            s1,
            sm(1.0, 0.0),
            sm(59.5e9, 1.5e9),
        ),
        frontier(
            "M1",
            "audit_ppm",
            50_000.0,
            "W2",
            Metric::WrongResultRate,
            Worse::Higher,
            w2,
            sm(0.4, 0.04),
            sm(2.0e9, 0.3e9),
        ),
        frontier(
            "M3",
            "gamma0_ppm",
            500_000.0,
            "R1",
            Metric::VictimLossPerTask,
            Worse::Higher,
            r1,
            sm(11.0e9, 0.0),
            sm(0.0, 0.0),
        ),
    ]
}
