//! Every number and verdict the docs quote from the evaluation names its cell, and this test
//! recomputes those cells with the current code and checks each quote.
//!
//! A quote is a Markdown code span that starts with a cell id, `THREAT×VARIANT:`, followed by
//! `key=value` pairs separated by `, ` — for example
//! `` `S1×M6: verdict=unprofitable_mitigated, attacker_profit_nrlc=+59.5→−0.5 RLC` ``.
//!
//! Keys:
//! * `verdict`, `br`, `eq`: the cell's verdict, the verdict of its best-response comparisons,
//!   of its equal-strength comparisons (machine names: `made_worse`, `liveness_lost`, …);
//! * `objective`, `not_needed`, `adapts`: the cell's fields;
//! * an outcome name (`correct_per_task`, `loss_requester_nrlc`, `attacker_profit_nrlc`,
//!   `damage`, … — `pocolab_results::Outcome::name`), optionally prefixed `eq.`: its value in
//!   the first objective's best-response (or equal-strength) comparison, written `b→v`
//!   (baseline PoCo → the variant, both under attack) or `v` (the variant alone);
//! * `honest_cost_nrlc`: extra requester cost per correct result without attack.
//!
//! In the baseline column (`T×baseline`) `damage` and `attacker_profit_nrlc` are the cell's
//! (baseline under attack) and `not_needed` its flag. Money (`…_nrlc`) is quoted in RLC;
//! shares may be quoted in percent (`%`). A number matches when it equals the current value
//! rounded to the quoted precision.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use pocolab_results::evaluation::MatrixCell;
use pocolab_results::{ComparisonKind, Outcome, Verdict};
use pocolab_sim::evaluate::{EvaluateOptions, matrix_cells};

/// The docs whose quotes are checked.
const DOCS: [&str; 2] = ["evaluation.md", "threat-model.md"];

#[derive(Debug, Clone, PartialEq)]
struct Quote {
    doc: String,
    threat: String,
    variant: String,
    pairs: Vec<(String, String)>,
}

/// The quotes of one Markdown text.
fn quotes(doc: &str, text: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        let Some((id, rest)) = span.split_once(": ") else {
            continue;
        };
        let Some((threat, variant)) = id.split_once('×') else {
            continue;
        };
        let looks_like_threat = threat.len() <= 3
            && threat.starts_with(|c: char| c.is_ascii_uppercase())
            && !threat.contains(' ');
        if !looks_like_threat || variant.contains(' ') {
            continue;
        }
        let pairs = rest
            .split(", ")
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect::<Vec<_>>();
        out.push(Quote {
            doc: doc.into(),
            threat: threat.into(),
            variant: variant.into(),
            pairs,
        });
    }
    out
}

/// A quoted number: its value and the half-width of its last printed digit.
fn number(s: &str) -> Result<(f64, f64), String> {
    let t = s
        .trim()
        .trim_end_matches("RLC")
        .trim_end_matches(" s")
        .trim()
        .replace('−', "-")
        .replace([' ', '\u{202f}', '\u{2009}'], "");
    let (t, scale) = match t.strip_suffix('%') {
        Some(p) => (p.to_string(), 0.01),
        None => (t, 1.0),
    };
    let v: f64 = t.parse().map_err(|_| format!("`{s}` is not a number"))?;
    let decimals = t.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    Ok((v * scale, 0.5 * 10f64.powi(-decimals) * scale + 1e-12))
}

fn close(quoted: &str, actual: f64, money: bool) -> Result<(), String> {
    let (q, tol) = number(quoted)?;
    let a = if money { actual / 1e9 } else { actual };
    if (q - a).abs() <= tol {
        Ok(())
    } else {
        Err(format!("quoted {quoted}, current value {a}"))
    }
}

/// Check one quote against the current cells.
fn check(q: &Quote, cells: &[MatrixCell]) -> Result<(), String> {
    let c = cells
        .iter()
        .find(|c| c.threat == q.threat && c.mechanism.to_string() == q.variant)
        .ok_or_else(|| format!("no cell {}×{}", q.threat, q.variant))?;
    if q.pairs.is_empty() {
        return Err("a quote without key=value".into());
    }
    for (k, v) in &q.pairs {
        let kind_verdict = |kind: ComparisonKind| {
            Verdict::combine(
                c.comparisons
                    .iter()
                    .filter(|x| x.kind == kind)
                    .map(|x| x.verdict),
            )
            .key()
        };
        let r = match k.as_str() {
            "verdict" => eq_str(v, Verdict::of(c).key()),
            "br" => eq_str(v, kind_verdict(ComparisonKind::BestResponse)),
            "eq" => eq_str(v, kind_verdict(ComparisonKind::EqualStrength)),
            "objective" => eq_str(v, &c.objective),
            "not_needed" => eq_str(v, &c.not_needed.to_string()),
            "adapts" => eq_str(v, &c.adapts.to_string()),
            "honest_cost_nrlc" => close(v, c.honest_cost.mean, true),
            "damage" if c.mechanism.is_baseline() => close(v, c.damage.mean, c.metric.is_money()),
            "attacker_profit_nrlc" if c.mechanism.is_baseline() => {
                close(v, c.attacker_profit.mean, true)
            }
            key => {
                let (kind, name) = match key.strip_prefix("eq.") {
                    Some(n) => (ComparisonKind::EqualStrength, n),
                    None => (ComparisonKind::BestResponse, key),
                };
                let o = Outcome::ALL
                    .into_iter()
                    .find(|o| o.name() == name)
                    .ok_or_else(|| format!("unknown key `{key}`"))?;
                let row = c
                    .comparisons
                    .iter()
                    .find(|x| x.kind == kind)
                    .and_then(|x| x.row(o))
                    .ok_or_else(|| format!("the cell has no {} comparison", kind.key()))?;
                let money = row.unit == pocolab_results::Unit::Nrlc;
                match v.split_once('→') {
                    Some((b, x)) => close(b, row.baseline.mean, money)
                        .and_then(|_| close(x, row.variant.mean, money)),
                    None => close(v, row.variant.mean, money),
                }
            }
        };
        r.map_err(|e| format!("{k}: {e}"))?;
    }
    Ok(())
}

fn eq_str(quoted: &str, actual: &str) -> Result<(), String> {
    if quoted == actual {
        Ok(())
    } else {
        Err(format!("quoted `{quoted}`, current `{actual}`"))
    }
}

#[test]
fn quote_syntax() {
    let q = quotes(
        "x",
        "text `S1×M6: verdict=mitigated, attacker_profit_nrlc=+59.5→−0.5 RLC` and `code` and `W1'×M1–M8: br=made_worse`",
    );
    assert_eq!(q.len(), 2);
    assert_eq!((q[0].threat.as_str(), q[0].variant.as_str()), ("S1", "M6"));
    assert_eq!(
        q[0].pairs[1],
        ("attacker_profit_nrlc".into(), "+59.5→−0.5 RLC".into())
    );
    assert_eq!(q[1].threat, "W1'");
    assert_eq!(q[1].variant, "M1–M8");
    assert_eq!(number("−0.50 RLC").unwrap(), (-0.5, 0.005 + 1e-12));
    assert!((number("44 %").unwrap().0 - 0.44).abs() < 1e-12);
    assert!(close("1.55", 1.549e9, true).is_ok());
    assert!(close("1.55", 1.56e9, true).is_err());
    assert!(number("about 3").is_err());
}

#[test]
fn docs_quote_the_current_evaluation() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    let mut all = Vec::new();
    for d in DOCS {
        let text = std::fs::read_to_string(dir.join(d)).expect("doc");
        all.extend(quotes(d, &text));
    }
    assert!(
        all.len() >= 10,
        "the evaluation docs quote their numbers by cell ({} quotes found)",
        all.len()
    );
    let threats: BTreeSet<String> = all.iter().map(|q| q.threat.clone()).collect();
    let variants: BTreeSet<String> = all
        .iter()
        .filter(|q| q.variant != "baseline")
        .map(|q| q.variant.clone())
        .collect();
    // the default evaluation's options, restricted to the quoted cells (a cell does not depend
    // on which others are selected)
    let opts = EvaluateOptions {
        only_threats: threats.into_iter().collect(),
        only_mechanisms: variants.into_iter().collect(),
        ..EvaluateOptions::default()
    };
    let cells = matrix_cells(&opts, &|_| {}).expect("evaluation");
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    for q in &all {
        if let Err(e) = check(q, &cells) {
            failures.insert(format!("{}: {}×{}", q.doc, q.threat, q.variant), e);
        }
    }
    assert!(
        failures.is_empty(),
        "quotes that no longer match the evaluation:\n{failures:#?}"
    );
}
