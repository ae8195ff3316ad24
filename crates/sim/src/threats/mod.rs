//! The threat catalogue of threats-and-mechanisms.md §1 as executable attacks.
//!
//! Every threat id of §1 (R1–R8, A1–A7, D1–D5, S1–S9, W1–W9 with W1', C1–C6, G1–G4) has an
//! entry: either an [`Attack`] preset run on the PoCo-exact market, with the metric that
//! measures its damage, or the reason it is not meaningful in this simulator. Each executable
//! entry is run paired with the same market without the attack (common random numbers: same
//! seeds, same honest agents), so the damage shows as a difference against baseline PoCo.

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Attack, MarketConfig};
use crate::market::{SimError, run};
use crate::metrics::{Metric, RunMetrics};
use crate::stats::Summary;

mod catalogue;

pub use catalogue::catalogue;

/// Who attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// requester
    Requester,
    /// app owner
    AppProvider,
    /// dataset owner
    DatasetProvider,
    /// workerpool manager
    Scheduler,
    /// worker
    Worker,
    /// a coalition across roles
    Coalition,
    /// anyone (generic DoS and griefing)
    Generic,
}

/// PoCo 6.1.0's protection, as the spec's "PoCo today" column states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// ✔ mitigated
    Mitigated,
    /// ◐ partially mitigated
    Partial,
    /// ✘ not mitigated
    None,
}

impl Protection {
    /// The spec's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Protection::Mitigated => "✔",
            Protection::Partial => "◐",
            Protection::None => "✘",
        }
    }
}

pub use pocolab_results::Worse;

/// How a threat is simulated.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a catalogue of ~50 entries built once
pub enum Simulation {
    /// Run this market (the attack is in `cfg.attack`) against the same market with
    /// `Attack::None`, and compare `metric`.
    Run {
        /// the attacked market
        cfg: MarketConfig,
        /// the metric that measures the damage
        metric: Metric,
        /// which direction is damage
        worse: Worse,
        /// baseline PoCo is expected to show damage (false for the threats §1 marks ✔)
        expect_damage: bool,
    },
    /// Not meaningful in this simulator, and why.
    NotSimulated(&'static str),
}

/// What a threat's attacker maximises when it picks its parameters (its best response to a
/// protocol variant, `pocolab evaluate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Objective {
    /// a rational attacker: its mean net profit per requested task
    Profit,
    /// a griefer: the threat's damage metric (in its worse direction), among the strategies
    /// whose mean cost to the attacker (its negative profit) stays within
    /// `budget_nrlc_per_task` per requested task
    Damage {
        /// the most the griefer spends per requested task, nRLC
        budget_nrlc_per_task: u64,
    },
    /// both attackers are searched separately and both best responses reported
    Both {
        /// the griefer's budget per requested task, nRLC
        budget_nrlc_per_task: u64,
    },
}

impl Objective {
    /// Does a profit-maximising attacker play this threat?
    pub fn rational(self) -> bool {
        matches!(self, Objective::Profit | Objective::Both { .. })
    }

    /// The griefer's budget per requested task, when a griefer plays this threat.
    pub fn griefing_budget(self) -> Option<u64> {
        match self {
            Objective::Profit => None,
            Objective::Damage {
                budget_nrlc_per_task,
            }
            | Objective::Both {
                budget_nrlc_per_task,
            } => Some(budget_nrlc_per_task),
        }
    }

    /// Short name (`profit`, `damage`, `profit+damage`).
    pub fn name(self) -> &'static str {
        match self {
            Objective::Profit => "profit",
            Objective::Damage { .. } => "damage",
            Objective::Both { .. } => "profit+damage",
        }
    }
}

/// One threat of §1.
#[derive(Debug, Clone)]
pub struct Threat {
    /// the spec's id (R1, W1', ...)
    pub id: &'static str,
    /// short title
    pub title: &'static str,
    /// attacker
    pub attacker: Role,
    /// victims
    pub victims: &'static str,
    /// PoCo today (spec)
    pub protection: Protection,
    /// simulation
    pub sim: Simulation,
    /// what its attacker maximises (see [`Objective`])
    pub objective: Objective,
}

impl Threat {
    /// Is it executable?
    pub fn executable(&self) -> bool {
        matches!(self.sim, Simulation::Run { .. })
    }

    /// Status string for listings.
    pub fn status(&self) -> String {
        match &self.sim {
            Simulation::Run { cfg, .. } => format!("executable ({})", attack_kind(&cfg.attack)),
            Simulation::NotSimulated(_) => "not simulated".to_string(),
        }
    }
}

/// The serde tag of an attack (its `kind` in scenario files).
pub(crate) fn attack_kind(a: &Attack) -> String {
    let v = serde_json::to_value(a).unwrap_or_default();
    v.get("kind")
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| v.as_str().unwrap_or("?").to_string())
}

/// The market every threat is run on, unless its entry says otherwise: 60 single-task deals,
/// 20 honest workers, trust 5, prices 1 / 1 / 10 RLC, category XS.
pub(crate) fn base_market() -> MarketConfig {
    MarketConfig {
        deals: 60,
        honest_workers: 20,
        ..MarketConfig::default()
    }
}

/// Result of running one threat.
#[derive(Debug, Clone, Serialize)]
pub struct ThreatResult {
    /// threat id
    pub id: &'static str,
    /// damage metric
    pub metric: Metric,
    /// which direction is damage
    pub worse: Worse,
    /// the metric on the same market without the attack
    pub baseline: Summary,
    /// the metric under attack
    pub attacked: Summary,
    /// paired difference attacked − baseline (common random numbers)
    pub difference: Summary,
    /// victim loss per task under attack, nRLC
    pub victim_loss: Summary,
    /// attacker net profit per task under attack, nRLC
    pub attacker_profit: Summary,
    /// is the damage significant (95 % CI of the paired difference excludes 0 on the worse side)
    pub damage: bool,
    /// what §1 leads to expect
    pub expect_damage: bool,
}

/// Run one executable threat: `replicates` paired runs (run ids 0..replicates under
/// `seed`), attack vs. no attack. `None` for threats that are not simulated.
pub fn run_threat(
    th: &Threat,
    replicates: u64,
    seed: u64,
) -> Result<Option<ThreatResult>, SimError> {
    let Simulation::Run {
        cfg,
        metric,
        worse,
        expect_damage,
    } = &th.sim
    else {
        return Ok(None);
    };
    let base_cfg = MarketConfig {
        attack: Attack::None,
        ..cfg.clone()
    };
    let pairs: Vec<(RunMetrics, RunMetrics)> = (0..replicates)
        .into_par_iter()
        .map(|r| Ok((run(&base_cfg, seed, r)?, run(cfg, seed, r)?)))
        .collect::<Result<_, SimError>>()?;
    // a value undefined in a run (e.g. a rate over no finalized task) is left out, never
    // counted as 0: each summary's n says how many runs had it
    let finite = |v: Vec<f64>| -> Summary {
        Summary::of(&v.into_iter().filter(|x| x.is_finite()).collect::<Vec<_>>())
    };
    let col = |f: &dyn Fn(&(RunMetrics, RunMetrics)) -> f64| -> Summary {
        finite(pairs.iter().map(f).collect())
    };
    let baseline = col(&|p| p.0.get(*metric));
    let attacked = col(&|p| p.1.get(*metric));
    let difference = col(&|p| p.1.get(*metric) - p.0.get(*metric));
    let damage = match worse {
        Worse::Higher => difference.mean > 0.0 && difference.lo() > 0.0,
        Worse::Lower => difference.mean < 0.0 && difference.hi() < 0.0,
    };
    Ok(Some(ThreatResult {
        id: th.id,
        metric: *metric,
        worse: *worse,
        baseline,
        attacked,
        difference,
        victim_loss: col(&|p| p.1.get(Metric::VictimLossPerTask)),
        attacker_profit: col(&|p| p.1.attacker_profit_per_task()),
        damage,
        expect_damage: *expect_damage,
    }))
}
