//! The outcome vector of a matrix cell (what every run of an attacked market delivers to each
//! party) and its paired comparisons: the facts the verdict ([`crate::verdict`]) is computed
//! from.

use serde::{Deserialize, Serialize};

use crate::evaluation::Worse;
use crate::metric::Unit;
use crate::stats::Summary;

/// A component of the outcome vector, measured in every run under attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// correct results delivered per requested task (finalized, not overturned, true)
    Correct,
    /// wrong results accepted per requested task
    Wrong,
    /// share of requested tasks never finished
    Unfinished,
    /// median time to finality, unfinished tasks censored (Kaplan–Meier), seconds
    TtfP50,
    /// 95th percentile of time to finality, unfinished tasks censored, seconds
    TtfP95,
    /// the requesters' loss per requested task against the same market without the attack
    /// (same variant, same run id), nRLC
    LossRequester,
    /// the app owner's loss per requested task, nRLC
    LossAppOwner,
    /// the dataset owner's loss per requested task, nRLC
    LossDatasetOwner,
    /// the pool's (scheduler's) loss per requested task, nRLC
    LossPool,
    /// the honest workers' loss per requested task (compute included), nRLC
    LossHonestWorkers,
    /// the attacker's net profit per requested task, nRLC
    AttackerProfit,
    /// the threat's own damage metric (the catalogue's), in its unit
    Damage,
}

impl Outcome {
    /// Every component, in the order of tables and CSV columns.
    pub const ALL: [Outcome; 12] = [
        Outcome::Correct,
        Outcome::Wrong,
        Outcome::Unfinished,
        Outcome::TtfP50,
        Outcome::TtfP95,
        Outcome::LossRequester,
        Outcome::LossAppOwner,
        Outcome::LossDatasetOwner,
        Outcome::LossPool,
        Outcome::LossHonestWorkers,
        Outcome::AttackerProfit,
        Outcome::Damage,
    ];

    /// Its name (CSV column prefix).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Correct => "correct_per_task",
            Outcome::Wrong => "wrong_per_task",
            Outcome::Unfinished => "unfinished_share",
            Outcome::TtfP50 => "ttf_p50_censored_s",
            Outcome::TtfP95 => "ttf_p95_censored_s",
            Outcome::LossRequester => "loss_requester_nrlc",
            Outcome::LossAppOwner => "loss_app_owner_nrlc",
            Outcome::LossDatasetOwner => "loss_dataset_owner_nrlc",
            Outcome::LossPool => "loss_pool_nrlc",
            Outcome::LossHonestWorkers => "loss_honest_workers_nrlc",
            Outcome::AttackerProfit => "attacker_profit_nrlc",
            Outcome::Damage => "damage",
        }
    }

    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Correct => "correct results / task",
            Outcome::Wrong => "wrong results accepted / task",
            Outcome::Unfinished => "tasks never finished",
            Outcome::TtfP50 => "time to finality p50 (censored)",
            Outcome::TtfP95 => "time to finality p95 (censored)",
            Outcome::LossRequester => "requester loss / task",
            Outcome::LossAppOwner => "app owner loss / task",
            Outcome::LossDatasetOwner => "dataset owner loss / task",
            Outcome::LossPool => "pool loss / task",
            Outcome::LossHonestWorkers => "honest workers' loss / task",
            Outcome::AttackerProfit => "attacker profit / task",
            Outcome::Damage => "damage metric",
        }
    }

    /// Which direction is worse for the victims (`Damage` takes the threat's).
    pub fn worse(self, damage: Worse) -> Worse {
        match self {
            Outcome::Correct => Worse::Lower,
            Outcome::Damage => damage,
            _ => Worse::Higher,
        }
    }

    /// Is it a victim role's loss?
    pub fn is_loss(self) -> bool {
        matches!(
            self,
            Outcome::LossRequester
                | Outcome::LossAppOwner
                | Outcome::LossDatasetOwner
                | Outcome::LossPool
                | Outcome::LossHonestWorkers
        )
    }

    /// Its unit (`Damage` takes the threat metric's).
    pub fn unit(self, damage: Unit) -> Unit {
        match self {
            Outcome::Correct | Outcome::Wrong | Outcome::Unfinished => Unit::Ratio,
            Outcome::TtfP50 | Outcome::TtfP95 => Unit::Seconds,
            Outcome::Damage => damage,
            _ => Unit::Nrlc,
        }
    }
}

/// The smallest difference that counts as a change, per unit: 0.1 RLC for money (about 1 % of
/// the default task price of 12 RLC), half a percentage point for shares and rates, one second
/// for times. A change must be both
/// significant (its paired 95 % CI excludes 0) and at least this large, so that an
/// immaterial but precisely measured shift is not called an effect.
pub fn materiality(unit: Unit) -> f64 {
    match unit {
        Unit::Nrlc => 1e8,
        Unit::NrlcSeconds => 1e8,
        Unit::NrlcSquared => 0.0,
        Unit::Ratio => 0.005,
        Unit::Seconds => 1.0,
        Unit::Count => 0.5,
    }
}

/// How a quantity moved, for the victims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// significantly and materially better
    Better,
    /// significantly and materially worse
    Worse,
    /// no significant or material change
    Same,
    /// fewer than two paired samples: nothing can be said
    Undefined,
}

impl Change {
    /// The change a paired difference `d` (new − old) shows, `worse` being the bad direction.
    pub fn of(d: &Summary, worse: Worse, unit: Unit) -> Change {
        if d.n < 2 || !d.mean.is_finite() {
            return Change::Undefined;
        }
        let tol = materiality(unit);
        let up = d.lo() > 0.0 && d.mean > tol;
        let down = d.hi() < 0.0 && d.mean < -tol;
        match (up, down, worse) {
            (true, _, Worse::Higher) | (_, true, Worse::Lower) => Change::Worse,
            (true, _, Worse::Lower) | (_, true, Worse::Higher) => Change::Better,
            _ => Change::Same,
        }
    }

    /// Machine name.
    pub fn key(self) -> &'static str {
        match self {
            Change::Better => "better",
            Change::Worse => "worse",
            Change::Same => "same",
            Change::Undefined => "undefined",
        }
    }
}

/// One component of the outcome vector in one comparison: the variant under attack against
/// baseline PoCo under attack, paired by run id (common random numbers).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutcomeRow {
    /// the component
    pub outcome: Outcome,
    /// which direction is worse
    pub worse: Worse,
    /// its unit
    pub unit: Unit,
    /// baseline PoCo under attack (runs where it is defined)
    pub baseline: Summary,
    /// the variant under attack (runs where it is defined)
    pub variant: Summary,
    /// paired difference variant − baseline (run ids where both are defined)
    pub diff: Summary,
    /// how it moved
    pub change: Change,
    /// why it has no sample, when it has none
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

/// Which comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonKind {
    /// the attacker's best response to the variant against its best response to baseline
    BestResponse,
    /// baseline's best-response parameters replayed against the variant
    EqualStrength,
}

impl ComparisonKind {
    /// Machine name.
    pub fn key(self) -> &'static str {
        match self {
            ComparisonKind::BestResponse => "best_response",
            ComparisonKind::EqualStrength => "equal_strength",
        }
    }
}

/// One paired comparison of a cell, and the verdict it alone gives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    /// best response or equal strength
    pub kind: ComparisonKind,
    /// what the attacker maximised (`profit` or `damage`)
    pub objective: String,
    /// the attack parameters played on baseline PoCo
    pub baseline_strategy: String,
    /// the attack parameters played against the variant
    pub variant_strategy: String,
    /// the outcome vector, in [`Outcome::ALL`]'s order
    pub rows: Vec<OutcomeRow>,
    /// correct results per task with the variant and no attack (the liveness reference)
    pub correct_without_attack: Summary,
    /// the verdict of this comparison alone
    pub verdict: crate::verdict::Verdict,
}

impl Comparison {
    /// The row of one component.
    pub fn row(&self, o: Outcome) -> Option<&OutcomeRow> {
        self.rows.iter().find(|r| r.outcome == o)
    }
}
