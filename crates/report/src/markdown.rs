//! `summary.md`: the verdicts and the matrix in Markdown.

use crate::honest_cost_text;
use std::fmt::Write;

use pocolab_results::Worse;
use pocolab_results::evaluation::{Evaluation, MatrixCell};

use crate::{Verdict, axes, cell, fmt_summary, threat_verdicts};

/// Escape text for Markdown (inline, table-safe).
pub fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// A code span (table-safe).
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
}

fn dir(w: Worse) -> &'static str {
    if w == Worse::Higher { "↑" } else { "↓" }
}

fn list(ev: &Evaluation, cells: &[&MatrixCell]) -> String {
    if cells.is_empty() {
        return "—".into();
    }
    cells
        .iter()
        .map(|c| {
            let v = Verdict::of(c);
            format!(
                "{} {} ({}{}; {})",
                v.symbol(),
                md(&c.mechanism.to_string()),
                v.label(),
                if c.adapts {
                    ", depends on the attacker adapting"
                } else {
                    ""
                },
                md(&honest_cost_text(ev, c))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Render `summary.md`.
pub fn render(ev: &Evaluation, command: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# pocolab evaluation: PoCo 6.1.0 threats × incentive mechanisms\n"
    );
    if ev.size.starts_with("sample") {
        let _ = writeln!(
            o,
            "> **Sample report**: fixture numbers built into pocolab; nothing was simulated.\n"
        );
    }
    let _ = writeln!(
        o,
        "pocolab {} · config hash {} · seed {} · {} replicates per cell (runs 0..{}) · size {} · every number is mean ± 95 % CI; money in RLC.\n",
        md(&ev.pocolab_version),
        code(&ev.config_hash),
        ev.seed,
        ev.replicates,
        ev.replicates,
        md(&ev.size)
    );
    let _ = writeln!(o, "Rerun: {}\n", code(command));
    let _ = writeln!(o, "## Summary verdicts\n");
    let _ = writeln!(o, "How a verdict is decided:\n");
    for (i, line) in crate::VERDICT_RULE.iter().enumerate() {
        let _ = writeln!(o, "{}. {}", i + 1, md(line));
    }
    let _ = writeln!(
        o,
        "\nIn brackets: the verdict, and the honest actors' cost with no attack — extra requester cost per correct result, and capital locked × time relative to baseline PoCo.\n"
    );
    let _ = writeln!(
        o,
        "| threat | damage metric | baseline: no attack → attack | attacker profit / task on baseline | ✔ unprofitable + mitigated | ◐ mitigated · ◑ unprofitable | ✘ no effect · ○ not needed · – not run | ▼ made worse · ⊘ liveness lost | cheapest ✔ (or ◐) |"
    );
    let _ = writeln!(o, "|---|---|---:|---:|---|---|---|---|---|");
    for v in threat_verdicts(ev) {
        let c = v.baseline.unwrap_or(v.any);
        let m = c.metric.is_money();
        let _ = writeln!(
            o,
            "| {} | {} {} | {} → {} | {} | {} | {} | {} | {} | {} |",
            md(&v.threat),
            code(c.metric.name()),
            dir(c.worse),
            md(&fmt_summary(&c.no_attack, m)),
            md(&fmt_summary(&c.damage_baseline, m)),
            md(&fmt_summary(&c.attacker_profit_baseline, true)),
            list(ev, &v.secure),
            list(ev, &v.mitigated),
            list(ev, &v.not),
            list(ev, &v.worse),
            v.cheapest
                .map(|c| format!(
                    "{} ({})",
                    md(&c.mechanism.to_string()),
                    md(&honest_cost_text(ev, c))
                ))
                .unwrap_or_else(|| if v.not_needed {
                    "none needed".into()
                } else {
                    "none".into()
                })
        );
    }
    let (threats, mechs) = axes(ev);
    let _ = writeln!(o, "\n## Threat × mechanism matrix\n");
    let _ = writeln!(
        o,
        "Each cell: verdict, damage under attack, attacker profit per task, honest cost per task (mechanisms only), backing experiment.\n"
    );
    let _ = writeln!(
        o,
        "| threat | {} |",
        mechs
            .iter()
            .map(|m| md(&m.to_string()))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(o, "|---|{}", "---|".repeat(mechs.len()));
    for t in &threats {
        let mut row = vec![md(t)];
        for m in &mechs {
            row.push(match cell(ev, t, *m) {
                None => "· (not targeted)".into(),
                Some(c) => {
                    let v = Verdict::of(c);
                    let money = c.metric.is_money();
                    let mut s = format!(
                        "{} {}<br>damage {}<br>profit {}",
                        v.symbol(),
                        v.label(),
                        md(&fmt_summary(&c.damage, money)),
                        md(&fmt_summary(&c.attacker_profit, true))
                    );
                    if !c.mechanism.is_baseline() {
                        s.push_str(&format!("<br>honest cost {}", md(&honest_cost_text(ev, c))));
                    }
                    s.push_str(&format!("<br>({})", md(&c.experiment)));
                    s
                }
            });
        }
        let _ = writeln!(o, "| {} |", row.join(" | "));
    }
    let _ = writeln!(o, "\n## Experiments\n");
    for e in &ev.experiments {
        let _ = writeln!(
            o,
            "- **{}**: {} — {}",
            md(&e.id),
            md(&e.question),
            md(&e.finding)
        );
    }
    crate::frontiers::markdown(&mut o, ev);
    let not: Vec<_> = ev
        .threats
        .iter()
        .filter(|t| !t.not_simulated.is_empty())
        .collect();
    if !not.is_empty() {
        let _ = writeln!(o, "\n## Threats not simulated\n");
        for t in not {
            let _ = writeln!(
                o,
                "- **{}** {}: {}",
                md(&t.id),
                md(&t.title),
                md(&t.not_simulated)
            );
        }
    }
    let _ = writeln!(
        o,
        "\nFull report with figures: `report.html`; data: `matrix.csv`, `matrix.parquet`, `figures/*.csv`, `evaluation.json`."
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown() {
        assert_eq!(md("a|b_c*<d>&"), r"a\|b\_c\*&lt;d&gt;&amp;");
        assert_eq!(code("x|y"), r"`x\|y`");
    }
}
