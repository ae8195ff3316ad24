//! The experiment tables and findings, in words (formatted numbers with their CIs).

use pocolab_results::Unit;

use super::*;

/// A summary in the metric's unit: money in RLC, capital × time in RLC·s; `n/a` when the
/// metric had no defined value.
pub(super) fn fmt_metric(s: &Summary, unit: Unit) -> String {
    if s.n == 0 || !s.mean.is_finite() {
        return "n/a".into();
    }
    let in_rlc = || Summary {
        mean: s.mean / 1e9,
        sd: s.sd / 1e9,
        ci95: s.ci95 / 1e9,
        n: s.n,
    };
    match unit {
        Unit::Nrlc => format!("{} RLC", in_rlc().display(3)),
        Unit::NrlcSeconds => format!("{} RLC·s", in_rlc().display(1)),
        _ => s.display(3),
    }
}

pub(super) fn cell_table(cells: &[&MatrixCell]) -> Vec<Vec<String>> {
    let mut t = vec![
        [
            "threat",
            "mechanism",
            "metric",
            "no attack",
            "damage: baseline → mechanism",
            "attacker profit per task: baseline → mechanism",
            "honest cost per correct result",
            "best response",
            "verdict",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in cells {
        t.push(vec![
            c.threat.clone(),
            c.mechanism.to_string(),
            format!(
                "{} ({})",
                c.metric,
                if c.worse == Worse::Higher {
                    "↑ worse"
                } else {
                    "↓ worse"
                }
            ),
            fmt_metric(&c.no_attack, c.metric.unit()),
            format!(
                "{} → {}",
                fmt_metric(&c.damage_baseline, c.metric.unit()),
                fmt_metric(&c.damage, c.metric.unit())
            ),
            format!(
                "{} → {}",
                fmt_metric(&c.attacker_profit_baseline, Unit::Nrlc),
                fmt_metric(&c.attacker_profit, Unit::Nrlc)
            ),
            fmt_metric(&c.honest_cost, Unit::Nrlc),
            c.best_response.clone(),
            Verdict::sentence(c),
        ]);
    }
    t
}

pub(super) fn finding(cells: &[&MatrixCell]) -> String {
    let mech: Vec<&&MatrixCell> = cells
        .iter()
        .filter(|c| !c.mechanism.is_baseline())
        .collect();
    if mech.is_empty() {
        return "No mechanism cell.".into();
    }
    let mut parts = Vec::new();
    for v in Verdict::ALL {
        let of: Vec<String> = mech
            .iter()
            .filter(|c| Verdict::of(c) == v)
            .map(|c| format!("{}×{}", c.threat, c.mechanism))
            .collect();
        if !of.is_empty() {
            parts.push(format!("{} {} ({})", of.len(), v.label(), of.join(", ")));
        }
    }
    let adapts: Vec<String> = mech
        .iter()
        .filter(|c| c.adapts)
        .map(|c| format!("{}×{}", c.threat, c.mechanism))
        .collect();
    let tail = if adapts.is_empty() {
        String::new()
    } else {
        format!(
            " The verdict depends on the attacker adapting (best response and equal strength disagree) in {}.",
            adapts.join(", ")
        )
    };
    format!(
        "Of {} mechanism cells: {}.{tail}",
        mech.len(),
        parts.join("; ")
    )
}
