//! The verdict on one (threat, protocol variant) cell of the evaluation matrix: one
//! classification, computed here only, that the evaluation's tables, the report (HTML,
//! Markdown, CSV, Parquet) and the docs all render.

use crate::evaluation::MatrixCell;

/// The verdict on one (threat, variant) cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// the baseline PoCo column (reference)
    Baseline,
    /// the variant could not be played (the cell's `not_run` says why)
    NotRun,
    /// attacker profit's CI below 0 and damage significantly below baseline
    UnprofitableMitigated,
    /// damage significantly below baseline, attack not shown unprofitable
    Mitigated,
    /// damage not significantly below baseline
    NotMitigated,
    /// the honest market delivers no correct result with the mechanism (liveness lost):
    /// nothing to attack, so no verdict on the attack
    Vacuous,
}

impl Verdict {
    /// Every verdict, in the order legends list them.
    pub const ALL: [Verdict; 6] = [
        Verdict::UnprofitableMitigated,
        Verdict::Mitigated,
        Verdict::NotMitigated,
        Verdict::Vacuous,
        Verdict::NotRun,
        Verdict::Baseline,
    ];

    /// The verdict of a cell: the one rule.
    pub fn of(c: &MatrixCell) -> Self {
        if c.not_run.is_some() {
            Verdict::NotRun
        } else if c.mechanism.is_baseline() {
            Verdict::Baseline
        } else if c.honest_cost.n == 0 {
            Verdict::Vacuous
        } else if c.unprofitable && c.mitigated {
            Verdict::UnprofitableMitigated
        } else if c.mitigated {
            Verdict::Mitigated
        } else {
            Verdict::NotMitigated
        }
    }

    /// Symbol (the verdict is never conveyed by colour alone).
    pub fn symbol(self) -> &'static str {
        match self {
            Verdict::Baseline => "●",
            Verdict::NotRun => "–",
            Verdict::UnprofitableMitigated => "✔",
            Verdict::Mitigated => "◐",
            Verdict::NotMitigated => "✘",
            Verdict::Vacuous => "⊘",
        }
    }

    /// Words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Baseline => "baseline",
            Verdict::NotRun => "not run",
            Verdict::UnprofitableMitigated => "unprofitable + mitigated",
            Verdict::Mitigated => "mitigated",
            Verdict::NotMitigated => "not mitigated",
            Verdict::Vacuous => "vacuous (liveness lost)",
        }
    }

    /// Machine name (CSV, CSS class).
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Baseline => "baseline",
            Verdict::NotRun => "not_run",
            Verdict::UnprofitableMitigated => "unprofitable_mitigated",
            Verdict::Mitigated => "mitigated",
            Verdict::NotMitigated => "not_mitigated",
            Verdict::Vacuous => "vacuous",
        }
    }

    /// The verdict of a cell in a sentence, for the experiment tables: the class of
    /// [`Verdict::of`] with the facts behind it (whether the attack was already unprofitable
    /// on baseline, whether it is unprofitable without being mitigated).
    pub fn sentence(c: &MatrixCell) -> String {
        let already = c.attacker_profit_baseline.n > 0 && c.attacker_profit_baseline.hi() < 0.0;
        match Verdict::of(c) {
            Verdict::NotRun => {
                "not run (mechanism needs agent behaviour not simulated yet)".into()
            }
            Verdict::Baseline if c.unprofitable => {
                "reference (attack already unprofitable)".into()
            }
            Verdict::Baseline => "reference".into(),
            Verdict::Vacuous => "vacuous: the honest market delivers no correct result with this mechanism (liveness lost)".into(),
            Verdict::UnprofitableMitigated if already => {
                "mitigated (attack already unprofitable on baseline)".into()
            }
            Verdict::UnprofitableMitigated => "unprofitable and mitigated".into(),
            Verdict::Mitigated => "mitigated (still profitable)".into(),
            Verdict::NotMitigated => match (c.unprofitable, already) {
                (true, true) => {
                    "no significant effect (attack already unprofitable on baseline)".into()
                }
                (true, false) => "unprofitable".into(),
                (false, _) => "no significant effect".into(),
            },
        }
    }
}
