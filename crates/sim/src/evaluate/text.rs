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
    let not_run: Vec<String> = cells
        .iter()
        .filter(|c| c.not_run.is_some())
        .map(|c| format!("{}×{}", c.threat, c.mechanism))
        .collect();
    let mech: Vec<&&MatrixCell> = cells
        .iter()
        .filter(|c| !c.mechanism.is_baseline() && c.not_run.is_none())
        .collect();
    let tail = if not_run.is_empty() {
        String::new()
    } else {
        format!(
            " Not run (a run of the variant failed with the current agents): {}.",
            not_run.join(", ")
        )
    };
    if mech.is_empty() {
        return format!("No mechanism cell could be run.{tail}");
    }
    let list = |f: &dyn Fn(&MatrixCell) -> bool| -> Vec<String> {
        mech.iter()
            .filter(|c| f(c))
            .map(|c| format!("{}×{}", c.threat, c.mechanism))
            .collect()
    };
    let flipped = list(&|c| {
        c.honest_cost.n > 0
            && c.unprofitable
            && !(c.attacker_profit_baseline.n > 0 && c.attacker_profit_baseline.hi() < 0.0)
    });
    let mitigated = list(&|c| c.honest_cost.n > 0 && c.mitigated);
    let vacuous = list(&|c| c.honest_cost.n == 0);
    let tail = if vacuous.is_empty() {
        tail
    } else {
        format!(
            " Vacuous (the honest market delivers no correct result with the mechanism, so nothing is attacked either): {}.{tail}",
            vacuous.join(", ")
        )
    };
    let show = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "Of {} mechanism cells, {} turn a profitable (or break-even) best response into a loss ({}), and {} lower the damage significantly ({}).{tail}",
        mech.len(),
        flipped.len(),
        show(&flipped),
        mitigated.len(),
        show(&mitigated)
    )
}
