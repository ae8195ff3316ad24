//! `report.html`: one self-contained page (inline CSS and SVG, no script, no external URL).

use crate::honest_cost_text;
use std::fmt::Write;

use pocolab_results::Variant;
use pocolab_results::Worse;
use pocolab_results::evaluation::{Evaluation, MatrixCell};

use crate::svg::{self, esc, slug};
use crate::{Verdict, axes, caption, cell, fmt_summary, threat_verdicts};

const CSS: &str = r#"
:root { --fg:#1d1d1f; --muted:#5b5b63; --line:#d9d9de; --ok:#d5efe5; --ok-b:#009E73; --mid:#fbf1c7; --mid-b:#b59a00; --bad:#f8dccd; --bad-b:#D55E00; --base:#eef0f4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
header { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 24px; }
main { padding: 8px 32px 48px; max-width: 1500px; }
nav ol { columns: 2; margin: 8px 0; }
h2 { margin-top: 40px; border-bottom: 2px solid var(--fg); padding-bottom: 4px; }
h3 { margin-top: 28px; }
.meta { color: var(--muted); font-size: 14px; }
.banner { background: var(--mid); border: 1px solid var(--mid-b); padding: 8px 12px; margin: 12px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f6f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.matrix td { min-width: 150px; }
table.matrix th.rowh { white-space: nowrap; position: sticky; left: 0; z-index: 1; }
.v-unprofitable_mitigated { background: var(--ok); border-left: 4px solid var(--ok-b); }
.v-mitigated { background: var(--mid); border-left: 4px solid var(--mid-b); }
.v-no_effect, .v-not_mitigated { background: var(--bad); border-left: 4px solid var(--bad-b); }
.v-unprofitable { background: var(--mid); border-left: 4px dashed var(--mid-b); }
.v-made_worse, .v-liveness_lost { background: var(--bad); border-left: 8px double var(--bad-b); font-weight: 600; }
.v-not_needed { border-left: 4px dotted #888; }
.v-not_run { background: #eeeeee; border-left: 4px solid #9e9e9e; }
.v-baseline { background: var(--base); }
.sym { font-weight: 700; margin-right: 4px; }
.cellline { display: block; white-space: nowrap; font-variant-numeric: tabular-nums; }
.small { font-size: 12px; color: var(--muted); }
.mitem { white-space: nowrap; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 8px; }
figure { margin: 16px 0 24px; }
svg.plot { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: 13px; color: var(--muted); max-width: 720px; }
.finding { border-left: 4px solid #0072B2; background: #eef5fb; padding: 8px 12px; }
pre { background: #f6f6f8; padding: 10px 12px; overflow-x: auto; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
dl.repro { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.repro dt { font-weight: 600; }
dl.repro dd { margin: 0; word-break: break-all; }
"#;

fn dir(w: Worse) -> &'static str {
    match w {
        Worse::Higher => "↑ worse",
        Worse::Lower => "↓ worse",
    }
}

fn mech_name(ev: &Evaluation, id: Variant) -> String {
    ev.mechanisms
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

fn mech_list(ev: &Evaluation, cells: &[&MatrixCell]) -> String {
    if cells.is_empty() {
        return "—".into();
    }
    cells
        .iter()
        .map(|c| {
            let v = Verdict::of(c);
            let adapts = if c.adapts { ", depends on the attacker adapting" } else { "" };
            format!("<span class=\"mitem\">{} <b>{}</b> <span class=\"small\">({}{adapts}; cost {})</span></span>", v.symbol(), esc(&c.mechanism.to_string()), v.label(), esc(&honest_cost_text(ev, c)))
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Render the page.
pub fn render(ev: &Evaluation, command: &str) -> String {
    let mut o = String::with_capacity(256 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>pocolab evaluation — {}</title><style>{CSS}</style></head><body>",
        esc(&ev.config_hash)
    );
    let _ = write!(
        o,
        "<header><h1>pocolab evaluation: PoCo 6.1.0 threats × incentive mechanisms</h1><div class=\"meta\">pocolab {} · config hash <code>{}</code> · seed {} · {} replicates per cell (runs 0..{}) · size {} · every number is mean ± 95 % CI</div></header><main>",
        esc(&ev.pocolab_version),
        esc(&ev.config_hash),
        ev.seed,
        ev.replicates,
        ev.replicates,
        esc(&ev.size)
    );
    if ev.size.starts_with("sample") {
        o.push_str("<div class=\"banner\" id=\"sample-banner\"><b>Sample report.</b> These are fixture numbers built into pocolab to preview the report; nothing was simulated.</div>");
    }
    // table of contents
    o.push_str("<nav><h2 id=\"contents\">Contents</h2><ol><li><a href=\"#summary\">Summary verdicts</a></li><li><a href=\"#matrix\">Threat × mechanism matrix</a></li>");
    for e in &ev.experiments {
        let _ = write!(
            o,
            "<li><a href=\"#exp-{}\">{}: {}</a></li>",
            slug(&e.id),
            esc(&e.id),
            esc(&e.question)
        );
    }
    if !ev.frontiers.is_empty() {
        o.push_str("<li><a href=\"#frontiers\">Mechanism frontiers</a></li>");
    }
    o.push_str("<li><a href=\"#threats\">Threat catalogue</a></li><li><a href=\"#mechanisms\">Mechanisms</a></li><li><a href=\"#repro\">Reproducibility</a></li></ol></nav>");
    summary(&mut o, ev);
    matrix(&mut o, ev);
    for e in &ev.experiments {
        let _ = write!(
            o,
            "<section class=\"experiment\" id=\"exp-{}\"><h2>{}: {}</h2>",
            slug(&e.id),
            esc(&e.id),
            esc(&e.question)
        );
        let mut meta = Vec::new();
        if !e.threats.is_empty() {
            meta.push(format!("threats {}", esc(&e.threats.join(", "))));
        }
        if !e.mechanisms.is_empty() {
            meta.push(format!("mechanisms {}", esc(&e.mechanisms.join(", "))));
        }
        let cells = ev.matrix.iter().filter(|c| c.experiment == e.id).count();
        if cells > 0 {
            meta.push(format!("backs {cells} matrix cells"));
        }
        if !meta.is_empty() {
            let _ = write!(o, "<p class=\"meta\">{}</p>", meta.join(" · "));
        }
        if !e.table.is_empty() {
            o.push_str("<div class=\"scroll\"><table class=\"exp-table\"><thead><tr>");
            for h in &e.table[0] {
                let _ = write!(o, "<th>{}</th>", esc(h));
            }
            o.push_str("</tr></thead><tbody>");
            for row in &e.table[1..] {
                o.push_str("<tr>");
                for (k, v) in row.iter().enumerate() {
                    let cls = if k > 0
                        && v.chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit() || c == '−' || c == '-')
                    {
                        " class=\"num\""
                    } else {
                        ""
                    };
                    let _ = write!(o, "<td{cls}>{}</td>", esc(v));
                }
                o.push_str("</tr>");
            }
            let _ = write!(
                o,
                "</tbody></table></div><p class=\"small\">Config hash {}, seed {}, runs 0..{}; mean ± 95 % CI.</p>",
                esc(&ev.config_hash),
                ev.seed,
                ev.replicates
            );
        }
        for f in &e.figures {
            let _ = write!(
                o,
                "<figure class=\"fig\" id=\"fig-{s}\">{}<figcaption><b>Figure {}.</b> {}. {} <a href=\"figures/{s}.csv\">data (CSV)</a></figcaption></figure>",
                svg::render(f),
                esc(&f.id),
                esc(&f.title),
                esc(&caption(ev, f)),
                s = slug(&f.id)
            );
        }
        if !e.finding.is_empty() {
            let _ = write!(
                o,
                "<p class=\"finding\"><b>Finding.</b> {}</p>",
                esc(&e.finding)
            );
        }
        o.push_str("</section>");
    }
    crate::frontiers::html(&mut o, ev);
    catalogue(&mut o, ev);
    mechanisms(&mut o, ev);
    repro(&mut o, ev, command);
    o.push_str("</main></body></html>\n");
    o
}

fn summary(o: &mut String, ev: &Evaluation) {
    o.push_str("<section id=\"summary\"><h2>Summary verdicts</h2><p>For each simulated threat: the attacker's profit and the damage on baseline PoCo, then which mechanisms make the attack <b>unprofitable and mitigate it</b>, which only <b>mitigate</b> it or make it <b>unprofitable</b>, which have <b>no effect</b>, and which <b>make it worse</b> or <b>lose liveness</b>, each with the extra cost per task it puts on honest requesters when nobody attacks.</p>");
    o.push_str(&rule_html());
    o.push_str("<div class=\"scroll\"><table class=\"verdicts\"><thead><tr><th>threat</th><th>damage metric</th><th>baseline damage (no attack → attack)</th><th>attacker profit / task on baseline</th><th>✔ unprofitable + mitigated</th><th>◐ mitigated · ◑ unprofitable</th><th>✘ no effect · ○ not needed · – not run</th><th>▼ made worse · ⊘ liveness lost</th><th>cheapest ✔ (or ◐) (honest cost / task)</th></tr></thead><tbody>");
    for v in threat_verdicts(ev) {
        let c = v.baseline.unwrap_or(v.any);
        let title = ev
            .threats
            .iter()
            .find(|t| t.id == v.threat)
            .map(|t| t.title.as_str())
            .unwrap_or("");
        let m = c.metric.is_money();
        let cls = if v.not_needed {
            "v-not_needed"
        } else if !v.secure.is_empty() {
            "v-unprofitable_mitigated"
        } else if !v.mitigated.is_empty() {
            "v-mitigated"
        } else {
            "v-no_effect"
        };
        let _ = write!(
            o,
            "<tr id=\"verdict-{}\"><th class=\"{cls}\">{} <span class=\"small\">{}</span></th><td><code>{}</code> <span class=\"small\">{}</span></td><td class=\"num\">{} → {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            slug(&v.threat),
            esc(&v.threat),
            esc(title),
            esc(c.metric.name()),
            dir(c.worse),
            esc(&fmt_summary(&c.no_attack, m)),
            esc(&fmt_summary(&c.damage_baseline, m)),
            esc(&fmt_summary(&c.attacker_profit_baseline, true)),
            mech_list(ev, &v.secure),
            mech_list(ev, &v.mitigated),
            mech_list(ev, &v.not),
            mech_list(ev, &v.worse),
            v.cheapest
                .map(|c| format!(
                    "<b>{}</b> ({})",
                    esc(&c.mechanism.to_string()),
                    esc(&honest_cost_text(ev, c))
                ))
                .unwrap_or_else(|| if v.not_needed {
                    "none needed".into()
                } else {
                    "none".into()
                }),
        );
    }
    o.push_str("</tbody></table></div></section>");
}

/// The verdict rule, as the report states it.
fn rule_html() -> String {
    let mut s = String::from("<details open><summary>How a verdict is decided</summary><ol>");
    for line in crate::VERDICT_RULE {
        let _ = write!(s, "<li>{}</li>", esc(line));
    }
    s.push_str("</ol></details>");
    s
}

fn legend() -> String {
    let mut s = String::from("<p class=\"legend\">");
    for v in Verdict::ALL {
        let _ = write!(
            s,
            "<span class=\"v-{}\"><span class=\"sym\">{}</span>{}</span>",
            v.key(),
            v.symbol(),
            v.label()
        );
    }
    s.push_str("</p>");
    s
}

fn matrix(o: &mut String, ev: &Evaluation) {
    let (threats, mechs) = axes(ev);
    o.push_str("<section id=\"matrix\"><h2>Threat × mechanism matrix</h2><p>Each cell: verdict, the damage metric under attack (baseline PoCo's in the first column), the attacker's net profit per task at its best response, the extra honest cost per task, and the experiment that backs the cell. Hover a cell for the attacker's best response, capital × time and seeds.</p>");
    o.push_str(&legend());
    o.push_str("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>threat</th>");
    for m in &mechs {
        let _ = write!(
            o,
            "<th title=\"{}\">{}</th>",
            esc(&mech_name(ev, *m)),
            esc(&m.to_string())
        );
    }
    o.push_str("</tr></thead><tbody>");
    for t in &threats {
        let metric = ev
            .matrix
            .iter()
            .find(|c| &c.threat == t)
            .map(|c| (c.metric, c.worse));
        let _ = write!(o, "<tr><th class=\"rowh\">{}", esc(t));
        if let Some((m, w)) = &metric {
            let _ = write!(
                o,
                "<br><span class=\"small\"><code>{}</code> {}</span>",
                esc(m.name()),
                dir(*w)
            );
        }
        o.push_str("</th>");
        for m in &mechs {
            match cell(ev, t, *m) {
                None => o.push_str("<td class=\"small\">· not targeted</td>"),
                Some(c) => {
                    let v = Verdict::of(c);
                    let money = c.metric.is_money();
                    let tip = format!(
                        "{t} × {m}: {}. Best response: {}. No attack: {}. Capital × time / task: {} RLC·s. {}.",
                        Verdict::sentence(c),
                        c.best_response,
                        fmt_summary(&c.no_attack, money),
                        fmt_summary(
                            &pocolab_results::Summary {
                                mean: c.capital_time.mean / 1e9,
                                ci95: c.capital_time.ci95 / 1e9,
                                ..c.capital_time
                            },
                            false
                        ),
                        c.seeds
                    );
                    let _ = write!(
                        o,
                        "<td class=\"cell v-{}\" title=\"{}\"><span class=\"cellline\"><span class=\"sym\">{}</span>{}</span><span class=\"cellline\">damage {}</span><span class=\"cellline\">profit {}</span>",
                        v.key(),
                        esc(&tip),
                        v.symbol(),
                        v.label(),
                        esc(&fmt_summary(&c.damage, money)),
                        esc(&fmt_summary(&c.attacker_profit, true))
                    );
                    if !c.mechanism.is_baseline() {
                        let _ = write!(
                            o,
                            "<span class=\"cellline\">honest cost {}</span>",
                            esc(&honest_cost_text(ev, c))
                        );
                    }
                    let _ = write!(
                        o,
                        "<span class=\"cellline small\">backed by <a href=\"#exp-{}\">{}</a></span></td>",
                        slug(&c.experiment),
                        esc(&c.experiment)
                    );
                }
            }
        }
        o.push_str("</tr>");
    }
    let _ = write!(
        o,
        "</tbody></table></div><p class=\"small\">Config hash {}, seed {}, runs 0..{} per cell, common random numbers across mechanisms. Data: <a href=\"matrix.csv\">matrix.csv</a>, <a href=\"matrix.parquet\">matrix.parquet</a>.</p></section>",
        esc(&ev.config_hash),
        ev.seed,
        ev.replicates
    );
}

fn catalogue(o: &mut String, ev: &Evaluation) {
    o.push_str("<section id=\"threats\"><h2>Threat catalogue</h2><div class=\"scroll\"><table class=\"catalogue\"><thead><tr><th>id</th><th>threat</th><th>attacker</th><th>victims</th><th>PoCo today</th><th>damage metric</th><th>status</th><th>targeted by</th></tr></thead><tbody>");
    for t in &ev.threats {
        let cells = ev.matrix.iter().filter(|c| c.threat == t.id).count();
        let status = if !t.not_simulated.is_empty() {
            format!("<b>not simulated:</b> {}", esc(&t.not_simulated))
        } else if cells > 0 {
            format!(
                "simulated: <a href=\"#verdict-{}\">{cells} matrix cells</a>",
                slug(&t.id)
            )
        } else {
            "simulated, not in this run".into()
        };
        let targeted: Vec<String> = ev
            .mechanisms
            .iter()
            .filter(|m| m.targets.iter().any(|x| x == &t.id))
            .map(|m| m.id.to_string())
            .collect();
        let _ = write!(
            o,
            "<tr id=\"threat-{}\"><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td>{}</td></tr>",
            slug(&t.id),
            esc(&t.id),
            esc(&t.title),
            esc(&t.attacker),
            esc(&t.victims),
            esc(&t.protection),
            if t.metric.is_empty() {
                "—".into()
            } else {
                format!("<code>{}</code>", esc(&t.metric))
            },
            esc(&targeted.join(", "))
        );
    }
    o.push_str("</tbody></table></div><p class=\"small\">PoCo today: ✔ protected, ◐ partly, ✘ not.</p></section>");
}

fn mechanisms(o: &mut String, ev: &Evaluation) {
    o.push_str("<section id=\"mechanisms\"><h2>Mechanisms</h2><table><thead><tr><th>id</th><th>mechanism</th><th>targets</th></tr></thead><tbody>");
    for m in &ev.mechanisms {
        let _ = write!(
            o,
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            esc(&m.id.to_string()),
            esc(&m.name),
            esc(&m.targets.join(", "))
        );
    }
    o.push_str("</tbody></table></section>");
}

fn repro(o: &mut String, ev: &Evaluation, command: &str) {
    let _ = write!(
        o,
        "<section id=\"repro\"><h2>Reproducibility</h2><dl class=\"repro\"><dt>pocolab version</dt><dd>{}</dd><dt>config hash</dt><dd><code>{}</code> (keccak256 of the canonical JSON of the evaluation options)</dd><dt>master seed</dt><dd>{}</dd><dt>replicates</dt><dd>{} per cell, run ids 0..{}; every mechanism and the no-attack run use the same seeds (common random numbers)</dd><dt>size</dt><dd>{}</dd><dt>mechanisms</dt><dd>{}</dd><dt>cells</dt><dd>{} threat × mechanism cells, {} experiments, {} figures</dd></dl><p>Rerun exactly:</p><pre><code id=\"rerun\">{}</code></pre><p class=\"small\">Outputs beside this page: <code>summary.md</code>, <code>matrix.csv</code>, <code>matrix.parquet</code>, <code>figures/*.csv</code>, <code>evaluation.json</code>.</p></section>",
        esc(&ev.pocolab_version),
        esc(&ev.config_hash),
        ev.seed,
        ev.replicates,
        ev.replicates,
        esc(&ev.size),
        esc(&ev
            .mechanisms
            .iter()
            .map(|m| m.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")),
        ev.matrix.len(),
        ev.experiments.len(),
        crate::figures(ev).count(),
        esc(command)
    );
}
