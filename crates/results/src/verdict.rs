//! The verdict on one (threat, protocol variant) cell of the evaluation matrix: one rule,
//! computed here only, from the cell's outcome vector and its paired comparisons
//! ([`crate::outcome`]); the evaluation's tables, the report (HTML, Markdown, CSV, Parquet)
//! and the docs all render it unchanged.
//!
//! # The rule
//!
//! A *change* is a paired difference (variant − baseline PoCo, both under attack, same run
//! ids) whose 95 % CI excludes 0 and whose mean exceeds the unit's materiality
//! ([`crate::outcome::materiality`]). For each comparison (best response, equal strength, for
//! each attacker objective), in this order:
//!
//! 1. `made_worse` — a victim role's loss, the wrong results accepted or the threat's damage
//!    metric changes for the worse, the correct results delivered change for the worse
//!    (significantly below baseline PoCo's under attack), or the attacker's profit rises while
//!    it is not shown to be negative with the variant;
//! 2. `liveness_lost` — correct results per task under attack fall below 90 % of the same
//!    variant's without attack (the market under attack no longer delivers, whether or not
//!    baseline PoCo does better);
//! 3. `not_needed` — on baseline PoCo the attack is neither profitable (profit not
//!    significantly above 0) nor damaging (no victim's loss, wrong result, lost correct result
//!    or damage metric significantly worse than without the attack);
//! 4. `unprofitable_mitigated` / `mitigated` / `unprofitable` — *mitigated*: the damage metric,
//!    the wrong results or a victim's loss changes for the better (nothing got worse: rule 2);
//!    *unprofitable*: the attacker's profit CI lies below 0 with the variant, and did not on
//!    baseline PoCo (a rational attacker's threat only);
//! 5. `no_effect` otherwise.
//!
//! The cell's verdict is the most severe of its comparisons' (order: `made_worse`,
//! `liveness_lost`, `no_effect`, `unprofitable`, `mitigated`, `unprofitable_mitigated`,
//! `not_needed`). When the comparisons disagree, the verdict says that the outcome depends on
//! the attacker adapting ([`crate::evaluation::MatrixCell::adapts`]). A cell whose variant
//! could not be played is `not_run` (with why); the baseline column is the reference.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::evaluation::MatrixCell;
use crate::outcome::{Change, Comparison, Outcome};

/// The verdict on one (threat, variant) cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// the baseline PoCo column (reference)
    Baseline,
    /// the variant could not be played (the cell's `not_run` says why)
    #[default]
    NotRun,
    /// neither profitable nor damaging on baseline PoCo, and the variant changes nothing for
    /// the worse
    NotNeeded,
    /// the attack turns unprofitable and its damage is lower
    UnprofitableMitigated,
    /// the damage is lower (the attack may still pay)
    Mitigated,
    /// the attack turns unprofitable, its damage is not significantly lower
    Unprofitable,
    /// no significant change for anyone
    NoEffect,
    /// a victim's loss, the wrong results, the damage or the attacker's profit is
    /// significantly higher than on baseline PoCo, or the correct results significantly fewer
    MadeWorse,
    /// under attack the variant delivers under 90 % of its correct results without attack
    LivenessLost,
}

impl Verdict {
    /// Every verdict, in the order legends list them.
    pub const ALL: [Verdict; 9] = [
        Verdict::UnprofitableMitigated,
        Verdict::Mitigated,
        Verdict::Unprofitable,
        Verdict::NoEffect,
        Verdict::NotNeeded,
        Verdict::MadeWorse,
        Verdict::LivenessLost,
        Verdict::NotRun,
        Verdict::Baseline,
    ];

    /// Severity, for combining comparisons: higher is worse for the victims.
    fn severity(self) -> u8 {
        match self {
            Verdict::Baseline | Verdict::NotRun => 0,
            Verdict::NotNeeded => 1,
            Verdict::UnprofitableMitigated => 2,
            Verdict::Mitigated => 3,
            Verdict::Unprofitable => 4,
            Verdict::NoEffect => 5,
            Verdict::LivenessLost => 6,
            Verdict::MadeWorse => 7,
        }
    }

    /// The verdict of one comparison (rules 1–5 of the module docs). `not_needed` is
    /// whether the attack is neither profitable nor damaging on baseline PoCo; `rational` is
    /// whether the attacker of this comparison plays for profit (only then does
    /// unprofitability count).
    pub fn judge(c: &Comparison, not_needed: bool, rational: bool) -> Verdict {
        // 1. made worse (a higher profit only counts while the attack is not shown to lose
        // money: a griefer whose loss shrinks but stays a loss harms no one more)
        let harms = c.rows.iter().any(|r| {
            r.change == Change::Worse
                && match r.outcome {
                    Outcome::Wrong | Outcome::Damage | Outcome::Correct => true,
                    Outcome::AttackerProfit => !(r.variant.n >= 2 && r.variant.hi() < 0.0),
                    o => o.is_loss(),
                }
        });
        if harms {
            return Verdict::MadeWorse;
        }
        // 2. liveness (correct delivery significantly below baseline's is rule 1's)
        if let Some(r) = c.row(Outcome::Correct) {
            let w = c.correct_without_attack;
            if r.variant.n > 0 && w.n > 0 && w.mean > 0.0 && r.variant.mean < 0.9 * w.mean {
                return Verdict::LivenessLost;
            }
        }
        // 3. not needed
        if not_needed {
            return Verdict::NotNeeded;
        }
        // 4. mitigated / unprofitable
        let mitigated = c
            .rows
            .iter()
            .filter(|r| {
                r.outcome.is_loss() || matches!(r.outcome, Outcome::Wrong | Outcome::Damage)
            })
            .any(|r| r.change == Change::Better);
        let unprofitable = rational
            && c.row(Outcome::AttackerProfit).is_some_and(|r| {
                let shown = |s: &crate::Summary| s.n >= 2 && s.hi() < 0.0;
                shown(&r.variant) && !shown(&r.baseline)
            });
        match (unprofitable, mitigated) {
            (true, true) => Verdict::UnprofitableMitigated,
            (false, true) => Verdict::Mitigated,
            (true, false) => Verdict::Unprofitable,
            (false, false) => Verdict::NoEffect,
        }
    }

    /// The cell's verdict from its comparisons' verdicts: the most severe.
    pub fn combine(vs: impl IntoIterator<Item = Verdict>) -> Verdict {
        vs.into_iter()
            .max_by_key(|v| v.severity())
            .unwrap_or(Verdict::NotRun)
    }

    /// The verdict of a cell, as stored (a not-run cell and the baseline column excepted).
    pub fn of(c: &MatrixCell) -> Self {
        if c.not_run.is_some() {
            Verdict::NotRun
        } else if c.mechanism.is_baseline() {
            Verdict::Baseline
        } else {
            c.verdict
        }
    }

    /// Symbol (the verdict is never conveyed by colour alone).
    pub fn symbol(self) -> &'static str {
        match self {
            Verdict::Baseline => "●",
            Verdict::NotRun => "–",
            Verdict::NotNeeded => "○",
            Verdict::UnprofitableMitigated => "✔",
            Verdict::Mitigated => "◐",
            Verdict::Unprofitable => "◑",
            Verdict::NoEffect => "✘",
            Verdict::MadeWorse => "▼",
            Verdict::LivenessLost => "⊘",
        }
    }

    /// Words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Baseline => "baseline",
            Verdict::NotRun => "not run",
            Verdict::NotNeeded => "not needed",
            Verdict::UnprofitableMitigated => "unprofitable + mitigated",
            Verdict::Mitigated => "mitigated",
            Verdict::Unprofitable => "unprofitable",
            Verdict::NoEffect => "no effect",
            Verdict::MadeWorse => "made worse",
            Verdict::LivenessLost => "liveness lost",
        }
    }

    /// Machine name (CSV, CSS class).
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Baseline => "baseline",
            Verdict::NotRun => "not_run",
            Verdict::NotNeeded => "not_needed",
            Verdict::UnprofitableMitigated => "unprofitable_mitigated",
            Verdict::Mitigated => "mitigated",
            Verdict::Unprofitable => "unprofitable",
            Verdict::NoEffect => "no_effect",
            Verdict::MadeWorse => "made_worse",
            Verdict::LivenessLost => "liveness_lost",
        }
    }

    /// The verdict with this machine name.
    pub fn from_key(k: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.key() == k)
    }

    /// The verdict of a cell in a sentence: the class, whether it depends on the attacker
    /// adapting (the comparisons disagree) and, for a not-run cell, why.
    pub fn sentence(c: &MatrixCell) -> String {
        let v = Verdict::of(c);
        match v {
            Verdict::NotRun => format!(
                "not run: {}",
                c.not_run
                    .as_deref()
                    .unwrap_or("the variant could not be played")
            ),
            Verdict::Baseline if c.not_needed => {
                "reference (neither profitable nor damaging on baseline PoCo)".into()
            }
            Verdict::Baseline => "reference".into(),
            _ if c.adapts => {
                let parts: Vec<String> = c
                    .comparisons
                    .iter()
                    .map(|k| {
                        format!(
                            "{} at {} ({})",
                            k.verdict.label(),
                            k.kind.key().replace('_', " "),
                            k.objective
                        )
                    })
                    .collect();
                format!(
                    "{} — depends on the attacker adapting: {}",
                    v.label(),
                    parts.join("; ")
                )
            }
            _ => v.label().into(),
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Verdict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let k = String::deserialize(d)?;
        Verdict::from_key(&k)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown verdict `{k}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Worse;
    use crate::outcome::{ComparisonKind, OutcomeRow};
    use crate::stats::Summary;

    fn s(mean: f64, ci95: f64) -> Summary {
        Summary {
            n: 50,
            mean,
            sd: ci95,
            ci95,
        }
    }

    /// A comparison where every component is unchanged at `base`, then `edit` applied.
    fn cmp(edit: impl Fn(&mut Vec<OutcomeRow>), correct_calm: f64) -> Comparison {
        let mut rows: Vec<OutcomeRow> = Outcome::ALL
            .iter()
            .map(|&o| {
                let unit = o.unit(crate::Unit::Ratio);
                OutcomeRow {
                    outcome: o,
                    worse: o.worse(Worse::Higher),
                    unit,
                    baseline: s(if o == Outcome::Correct { 1.0 } else { 0.0 }, 0.01),
                    variant: s(if o == Outcome::Correct { 1.0 } else { 0.0 }, 0.01),
                    diff: s(0.0, 0.01),
                    change: Change::Same,
                    undefined: None,
                }
            })
            .collect();
        edit(&mut rows);
        Comparison {
            kind: ComparisonKind::BestResponse,
            objective: "profit".into(),
            baseline_strategy: String::new(),
            variant_strategy: String::new(),
            rows,
            correct_without_attack: s(correct_calm, 0.01),
            verdict: Verdict::NoEffect,
        }
    }

    fn set(rows: &mut [OutcomeRow], o: Outcome, base: f64, var: f64, ci: f64) {
        let r = rows.iter_mut().find(|r| r.outcome == o).unwrap();
        r.baseline = s(base, ci);
        r.variant = s(var, ci);
        r.diff = s(var - base, ci);
        r.change = Change::of(&r.diff, r.worse, r.unit);
    }

    #[test]
    fn change_needs_significance_and_materiality() {
        let up = s(0.2, 0.1);
        assert_eq!(
            Change::of(&up, Worse::Higher, crate::Unit::Ratio),
            Change::Worse
        );
        assert_eq!(
            Change::of(&up, Worse::Lower, crate::Unit::Ratio),
            Change::Better
        );
        // significant but immaterial (0.001 of a share)
        let tiny = s(0.001, 0.0001);
        assert_eq!(
            Change::of(&tiny, Worse::Higher, crate::Unit::Ratio),
            Change::Same
        );
        // material but not significant
        let wide = s(0.2, 0.3);
        assert_eq!(
            Change::of(&wide, Worse::Higher, crate::Unit::Ratio),
            Change::Same
        );
        assert_eq!(
            Change::of(&Summary::of(&[]), Worse::Higher, crate::Unit::Ratio),
            Change::Undefined
        );
    }

    #[test]
    fn the_rule_in_order() {
        // nothing moves
        assert_eq!(
            Verdict::judge(&cmp(|_| {}, 1.0), false, true),
            Verdict::NoEffect
        );
        // correct delivery under attack below 90 % of the variant's without attack
        let starving = cmp(|r| set(r, Outcome::Correct, 0.5, 0.5, 0.01), 1.0);
        assert_eq!(
            Verdict::judge(&starving, false, true),
            Verdict::LivenessLost
        );
        // ... even when the damage is lower
        let both = cmp(
            |r| {
                set(r, Outcome::Correct, 0.5, 0.5, 0.01);
                set(r, Outcome::Damage, 1.0, 0.0, 0.01);
            },
            1.0,
        );
        assert_eq!(Verdict::judge(&both, false, true), Verdict::LivenessLost);
        // fewer correct results than baseline under attack: made worse (before liveness)
        let fewer = cmp(|r| set(r, Outcome::Correct, 0.9, 0.5, 0.01), 1.0);
        assert_eq!(Verdict::judge(&fewer, false, true), Verdict::MadeWorse);
        // a victim's loss up, though the damage metric is down: made worse, never mitigated
        let trade = cmp(
            |r| {
                set(r, Outcome::Damage, 1.0, 0.0, 0.01);
                set(r, Outcome::LossPool, 0.0, 5e8, 1e7);
            },
            1.0,
        );
        assert_eq!(Verdict::judge(&trade, false, true), Verdict::MadeWorse);
        // damage down, profit turned negative
        let good = cmp(
            |r| {
                set(r, Outcome::Damage, 1.0, 0.0, 0.01);
                set(r, Outcome::AttackerProfit, 1e9, -1e9, 1e8);
            },
            1.0,
        );
        assert_eq!(
            Verdict::judge(&good, false, true),
            Verdict::UnprofitableMitigated
        );
        // a griefer's unprofitability is not credited
        assert_eq!(Verdict::judge(&good, false, false), Verdict::Mitigated);
        // already unprofitable on baseline: the variant is not credited with it
        let already = cmp(|r| set(r, Outcome::AttackerProfit, -1e9, -2e9, 1e8), 1.0);
        assert_eq!(Verdict::judge(&already, false, true), Verdict::NoEffect);
        // not needed unless the variant makes something worse
        assert_eq!(
            Verdict::judge(&cmp(|_| {}, 1.0), true, true),
            Verdict::NotNeeded
        );
        assert_eq!(Verdict::judge(&trade, true, true), Verdict::MadeWorse);
        // a higher profit that stays a loss harms no one more
        let cheaper = cmp(|r| set(r, Outcome::AttackerProfit, -3e9, -1e9, 1e8), 1.0);
        assert_eq!(Verdict::judge(&cheaper, true, false), Verdict::NotNeeded);
        // a profit turning positive does
        let pays = cmp(|r| set(r, Outcome::AttackerProfit, -1e9, 1e9, 1e8), 1.0);
        assert_eq!(Verdict::judge(&pays, false, true), Verdict::MadeWorse);
    }

    #[test]
    fn combine_takes_the_most_severe_and_keys_round_trip() {
        use Verdict::*;
        assert_eq!(Verdict::combine([Mitigated, NoEffect]), NoEffect);
        assert_eq!(
            Verdict::combine([UnprofitableMitigated, Mitigated]),
            Mitigated
        );
        assert_eq!(Verdict::combine([MadeWorse, LivenessLost]), MadeWorse);
        assert_eq!(Verdict::combine([LivenessLost, NoEffect]), LivenessLost);
        assert_eq!(Verdict::combine([NotNeeded, MadeWorse]), MadeWorse);
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_key(v.key()), Some(v));
            let j = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<Verdict>(&j).unwrap(), v);
        }
    }
}
