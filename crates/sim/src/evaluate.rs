//! `pocolab evaluate`: every executable threat of §1 against baseline PoCo, each mechanism of
//! §3 that targets it (§3.9) alone, and the full stack M1–M8, with **adaptive attackers** that
//! play their best response to each protocol variant; then the experiments E1–E10 of §5.3 with
//! their tables and figures (§5.2 item 7). The output is the [`Evaluation`] data model.
//!
//! # Protocol variants
//!
//! `baseline` (PoCo 6.1.0, all mechanisms off), `M1` … `M8` alone with their default
//! parameters, the combinations of [`COMBINATIONS`] (`M4+M6`, and `M4+M6+M7`: provider
//! accountability), and
//! the full stack [`FULL_STACK`] (`M1–M8`). A threat's matrix cells are: `baseline`, every
//! mechanism that targets it ([`COVERAGE`], from §3.9 plus the few documented extensions), the
//! combinations that list it, and the full stack.
//!
//! # Adaptive attackers
//!
//! Each attack has a small **strategy space** over its parameters ([`strategy_space`]): the
//! catalogue's preset first, then a grid (fractions of colluders, Sybil counts, probabilities,
//! mark-ups, the deal from which a fault starts, farming and draining budgets, …). Parameters
//! that describe the victim or nature (external gain `G`, loss `L`, data value, the provider
//! serving garbage, the guess's success probability) are not the attacker's to choose and stay
//! at the preset. Per protocol variant the attacker picks the parameters that maximise its
//! mean net profit per task (`attacker_profit_per_task_nrlc`) by **successive halving**
//! ([`successive_halving`]): every arm is played with `⌈R/4⌉` replicates (at least 2), the
//! better half is kept and the replicates doubled, until one arm remains with the full `R`
//! replicates. Ties go to the earlier arm (the preset). Replicate `r` of any arm and any
//! variant uses seed `S` and run id `r` (common random numbers), so every comparison is paired
//! by run id.
//!
//! # A cell
//!
//! * `damage` / `attacker_profit`: at the best response to the variant, `R` replicates;
//! * `damage_baseline` / `attacker_profit_baseline`: at the best response to baseline PoCo;
//! * `no_attack`: the damage metric on the same market and variant without the attack;
//! * `honest_cost`: paired difference (run id by run id) of the requester's cost per correct
//!   result without attack, variant minus baseline; replicates with no correct result are left
//!   out (its `n` says how many remain);
//! * `capital_time`: capital locked × time per task, variant, no attack;
//! * `unprofitable`: the 95 % CI of the attacker's profit lies below 0;
//! * `mitigated`: the paired difference of the damage metric (variant at its best response
//!   minus baseline at its best response) has a 95 % CI entirely on the good side of 0.
//!
//! As in [`crate::threats::run_threat`], a damage metric or profit that is undefined in a run
//! (e.g. a wrong-result rate with nothing finalized) counts as 0.
//!
//! # Experiment mapping (§5.3)
//!
//! A cell belongs to the experiment whose threat list contains its threat ([`experiment_of`]);
//! threats the §5.3 table does not list go to the closest one:
//!
//! | exp. | threats (§5.3) | added here (closest) |
//! |---|---|---|
//! | E1 | S2, W4, W5, S7, R1 (parity: no mechanism, no cells; F1–F7 table) | |
//! | E2 | S1, W7, C4 | |
//! | E3 | S2, W2, W3, W5 | C3, S9 (capture), W1, W1', W8 (lazy workers: §3.9 row of W2) |
//! | E4 | R1, R6, R4 | R2, R5, R7 (requester), W6, W9, G2 (deadline griefing) |
//! | E5 | D2, D3, A1, A2 | A7 (resource bomb), A3, C2 (exfiltration: provider fault, M4/M7) |
//! | E6 | R3, C1 | R8, S6 (the same withheld-finalize attack) |
//! | E7 | A4, D1, C6 | A6 (deterministic garbage row of §3.9) |
//! | E8 | W4, D5, C5 | |
//! | E9 | A5, D4, S5, S7, G1 | S3 (censorship row with G1), S4 (sniping), S8 |
//! | E10 | all (full stack vs baseline) | summarises every `M1–M8` cell |
//!
//! Figures: E2 attacker-profit heatmaps over (`G`, `t`) for S1-type Sybil capture; E3
//! wrong-result rate vs. colluding fraction per mechanism; E4 time-to-finality CDFs under
//! reveal withholding; E6 attacker-profit heatmaps over (`P_a + P_d`, `P_w`) for withheld
//! finalize; E8 reputation trajectories (attacker score vs. deals played) under score
//! farming; E9 kitty-drain profit vs. drain budget; E10 time-to-finality CDFs of the honest
//! market and the capital-vs-security frontier.

use std::collections::{BTreeMap, BTreeSet};

use pocolab_core::keccak256;
use pocolab_mechanisms::MechanismsConfig;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Attack, MarketConfig};
use crate::evaluation::{
    Evaluation, ExperimentResult, Figure, FigureKind, Heatmap, MatrixCell, MechanismInfo, Series,
    ThreatInfo,
};
use crate::experiments;
use crate::market::{SimError, run};
use crate::metrics::{Histogram, RunMetrics};
use crate::stats::Summary;
use crate::threats::{Simulation, Threat, Worse, base_market, catalogue};

/// Size preset of an evaluation: how large the simulated markets are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    /// markets a third of the default (≈ 20 deals): tests and smoke runs
    Small,
    /// the catalogue's markets (60 deals, 20 honest workers): a few minutes on 2 cores
    #[default]
    Default,
    /// markets four times longer (240 deals)
    Large,
}

impl Size {
    fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Default => "default",
            Size::Large => "large",
        }
    }

    /// deal-count scale factor (numerator, denominator)
    fn scale(self) -> (u64, u64) {
        match self {
            Size::Small => (1, 3),
            Size::Default => (1, 1),
            Size::Large => (4, 1),
        }
    }
}

/// What to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluateOptions {
    /// master seed
    pub seed: u64,
    /// Monte Carlo replicates per cell (≥ 2); run ids `0..replicates`
    pub replicates: u64,
    /// market size preset
    pub size: Size,
    /// only these threat ids (empty = all)
    pub only_threats: Vec<String>,
    /// only these protocol variants besides `baseline` (`M1` … `M8`, `M1–M8`; empty = all)
    pub only_mechanisms: Vec<String>,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        Self {
            seed: 2026,
            replicates: 50,
            size: Size::Default,
            only_threats: Vec::new(),
            only_mechanisms: Vec::new(),
        }
    }
}

impl EvaluateOptions {
    /// keccak256 of the canonical JSON of the options.
    pub fn config_hash(&self) -> String {
        let canon = serde_json::to_string(self).expect("serializable");
        format!("{}", keccak256(canon.as_bytes()))
    }
}

/// Prefix of `best_response` in a cell whose variant could not be played (a run failed, e.g.
/// a mechanism whose bonds no agent posts yet); its summaries are empty (n = 0).
pub const NOT_RUN: &str = "not run: ";

/// Id of the full stack: every mechanism, M1 … M8, at its defaults. (M2's fresh committees
/// reach consensus only once members have passed spot-checks, rule 6: a group of weight-1
/// newcomers never passes `P̃_g·t > (1 + ΣP̃)(t − 1)` at `t ≥ 2`.)
pub const FULL_STACK: &str = "M1–M8";
/// Id of baseline PoCo.
pub const BASELINE: &str = "baseline";

const MECHANISMS: [(&str, &str); 8] = [
    (
        "M1",
        "optimistic verification (correctness bond, audits, challenges)",
    ),
    ("M2", "sampled committees with bonded, decaying credibility"),
    ("M3", "requester bond and failure attribution"),
    ("M4", "provider bonds, pinned artefacts, provider faults"),
    ("M5", "fair exchange and pay-on-consumption"),
    ("M6", "two-sided deposits and tiered disputes"),
    ("M7", "multi-entity reputation ledger"),
    ("M8", "market-integrity hardening"),
];

/// Combined variants: mechanisms that act together, with the threats they are played against
/// (besides each mechanism alone). `M4+M6+M7` is the provider-accountability stack: T&M M7
/// rule 3 sizes M4's bonds by reputation (newcomers at the maximum multiplier) and M6's court
/// attributes a lost dispute over a reproducible but useless result to the provider, whose
/// reservation is forfeited (M7 alone only starves a provider; it has nothing to take).
/// `M4+M6` is the same without M7, played against deterministic garbage to show what M7's bond
/// sizing and ratings add.
pub const COMBINATIONS: [(&str, &str, &[u8], &[&str]); 2] = [
    (
        "M4+M6",
        "provider bonds (M4) forfeited in lost disputes (M6), without reputation",
        &[4, 6],
        &["A4", "D1", "A6", "C6"],
    ),
    (
        "M4+M6+M7",
        "provider accountability: reputation-sized provider bonds (M7 → M4) forfeited in lost disputes (M6)",
        &[4, 6, 7],
        &["A1", "A2", "D2", "D3", "A7", "A4", "D1", "A6", "C6"],
    ),
];

/// A coverage row: threat ids, and (mechanism number, main defence) pairs.
pub type CoverageRow = (&'static [&'static str], &'static [(u8, bool)]);

/// Threat × mechanism coverage (§3.9; `true` = main defence ●, `false` = partial ○), one row
/// per group of threats. Extensions beyond §3.9's rows, from the "Threats:" lines of
/// `docs/mechanisms.md` or because the catalogue plays the same attack: W3 with W2 (M2 lists
/// W3), R8 and S6 with R3/C1 (same withheld-finalize attack; M5 lists R8), A7 with the provider
/// faults (M4 lists A7), C6 with deterministic garbage (M6 lists C6), C5 with the kitty row
/// (the catalogue plays C5 as a kitty drain; M7 lists C5), G2 → M3 ○ (M3 lists G2 partly),
/// R5 → M8 ○ (M8 lists R5). Threats in no row (R2, R7, S4, W1, W6, W9) get baseline and the
/// full stack only.
pub const COVERAGE: &[CoverageRow] = &[
    (&["S1", "W7", "C4"], &[(1, true), (6, false), (7, false)]),
    (&["S2", "C3"], &[(1, true), (2, true), (7, false)]),
    (&["W5", "S9", "W4"], &[(2, true), (7, true), (8, false)]),
    (
        &["W2", "W1'", "W8", "W3"],
        &[(1, true), (2, true), (7, false)],
    ),
    (&["R1", "R6"], &[(3, true), (7, false), (8, true)]),
    (
        &["R3", "C1", "R8", "S6"],
        &[(3, false), (5, true), (6, false), (7, false)],
    ),
    (&["A3", "C2"], &[(4, false), (5, false), (7, true)]),
    (
        &["A1", "A2", "D2", "D3", "A7"],
        &[(3, false), (4, true), (6, false), (7, true)],
    ),
    (
        &["A4", "D1", "A6", "C6"],
        &[(1, false), (6, true), (7, true)],
    ),
    (&["A5", "D4", "S5"], &[(8, true)]),
    (&["S3", "G1"], &[(2, false), (7, false), (8, true)]),
    (&["S7", "S8", "R4"], &[(2, false), (3, false), (8, true)]),
    (&["C5"], &[(2, false), (3, false), (7, false), (8, true)]),
    (&["G2"], &[(3, false)]),
    (&["R5"], &[(8, false)]),
];

/// Mechanism ids (`M1` …, then the [`COMBINATIONS`]) that target a threat, in order.
pub fn mechanisms_targeting(threat: &str) -> Vec<String> {
    let mut s = BTreeSet::new();
    for (ids, ms) in COVERAGE {
        if ids.contains(&threat) {
            s.extend(ms.iter().map(|(m, _)| *m));
        }
    }
    let combos = COMBINATIONS
        .iter()
        .filter(|c| c.3.contains(&threat))
        .map(|c| c.0.to_string());
    s.into_iter()
        .map(|m| format!("M{m}"))
        .chain(combos)
        .collect()
}

/// The experiments of §5.3: id, question, threats (the spec's, then the added closest ones),
/// mechanisms.
const EXPERIMENTS: [(&str, &str, &[&str], &[&str]); 10] = [
    (
        "E1",
        "Baseline PoCo parity: do we reproduce F1–F7?",
        &["S2", "W4", "W5", "S7", "R1"],
        &[],
    ),
    ("E2", "Low-trust correctness", &["S1", "W7", "C4"], &["M1"]),
    (
        "E3",
        "Consensus capture and collusion",
        &["S2", "W2", "W3", "W5", "C3", "S9", "W1", "W1'", "W8"],
        &["M2", "M1"],
    ),
    (
        "E4",
        "Requester griefing",
        &["R1", "R6", "R4", "R2", "R5", "R7", "W6", "W9", "G2"],
        &["M3", "M8"],
    ),
    (
        "E5",
        "Provider faults",
        &["D2", "D3", "A1", "A2", "A7", "A3", "C2"],
        &["M4"],
    ),
    (
        "E6",
        "Free-riding via refund",
        &["R3", "C1", "R8", "S6"],
        &["M5", "M3"],
    ),
    ("E7", "Disputes", &["A4", "D1", "C6", "A6"], &["M6"]),
    ("E8", "Reputation robustness", &["W4", "D5", "C5"], &["M7"]),
    (
        "E9",
        "Market integrity",
        &["A5", "D4", "S5", "S7", "G1", "S3", "S4", "S8"],
        &["M8"],
    ),
    ("E10", "Full stack vs. baseline", &[], &[FULL_STACK]),
];

/// The experiment (E2 … E9) that backs a threat's cells (see the module docs for the mapping).
pub fn experiment_of(threat: &str) -> &'static str {
    EXPERIMENTS[1..9]
        .iter()
        .find(|e| e.2.contains(&threat))
        .map(|e| e.0)
        .unwrap_or("E10")
}

fn variant_mechanisms(id: &str) -> MechanismsConfig {
    let none = MechanismsConfig::default();
    match id {
        FULL_STACK => MechanismsConfig::all(),
        _ if let Some(c) = COMBINATIONS.iter().find(|c| c.0 == id) => {
            c.2.iter().copied().fold(none, MechanismsConfig::with)
        }
        _ => match id.strip_prefix('M').and_then(|n| n.parse::<u8>().ok()) {
            Some(n) if (1..=8).contains(&n) => none.with(n),
            _ => none,
        },
    }
}

fn mechanism_flags(c: &MechanismsConfig) -> String {
    let v: Vec<String> = c
        .enabled()
        .iter()
        .enumerate()
        .filter(|(_, b)| **b)
        .map(|(i, _)| format!("M{}", i + 1))
        .collect();
    if v.is_empty() {
        BASELINE.into()
    } else {
        v.join("+")
    }
}

fn normalise_mechanism(s: &str) -> Option<String> {
    let t = s.trim();
    match t {
        "M1–M8" | "M1-M8" | "all" | "full" | "full_stack" => Some(FULL_STACK.to_string()),
        "baseline" => Some(BASELINE.to_string()),
        _ => {
            let u = t.to_ascii_uppercase();
            if let Some(c) = COMBINATIONS.iter().find(|c| c.0 == u) {
                return Some(c.0.to_string());
            }
            MECHANISMS
                .iter()
                .find(|(id, _)| *id == u)
                .map(|(id, _)| id.to_string())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// strategy spaces and the best-response search

fn with_preset<T: PartialEq + Copy>(preset: T, grid: &[T]) -> Vec<T> {
    let mut v = vec![preset];
    v.extend(grid.iter().copied().filter(|x| *x != preset));
    v
}

/// The attacker's strategy space for the attack in `cfg`: `(attack, label)` arms, the preset
/// first. Parameters describing victims or nature stay at the preset (see the module docs).
pub fn strategy_space(cfg: &MarketConfig) -> Vec<(Attack, String)> {
    use Attack as A;
    let fractions = [0.1, 0.2, 0.3, 0.5];
    let probs = [0.1, 0.25, 0.5, 0.75, 1.0];
    let d = cfg.deals;
    let deal_points = [0, d / 4, d / 2, 3 * d / 4];
    match cfg.attack.clone() {
        A::WithdrawRace { p } => with_preset(p, &probs)
            .into_iter()
            .map(|p| (A::WithdrawRace { p }, format!("p={p}")))
            .collect(),
        A::ExtremeTrust { trust } => with_preset(trust, &[10, 100, 1_000, 10_000])
            .into_iter()
            .map(|trust| (A::ExtremeTrust { trust }, format!("trust={trust}")))
            .collect(),
        A::NondeterministicApp { p } => with_preset(p, &probs)
            .into_iter()
            .map(|p| (A::NondeterministicApp { p }, format!("p={p}")))
            .collect(),
        A::ImageMutation { from_deal, p_stale } => {
            let mut v = Vec::new();
            for f in with_preset(from_deal, &deal_points) {
                for p in with_preset(p_stale, &[0.25, 0.5, 0.75]) {
                    v.push((
                        A::ImageMutation {
                            from_deal: f,
                            p_stale: p,
                        },
                        format!("from_deal={f}, p_stale={p}"),
                    ));
                }
            }
            v
        }
        A::PriceFrontRun { source, markup_pct } => with_preset(markup_pct, &[25, 50, 100, 200])
            .into_iter()
            .map(|m| {
                (
                    A::PriceFrontRun {
                        source,
                        markup_pct: m,
                    },
                    format!("markup_pct={m}"),
                )
            })
            .collect(),
        A::TrivialisedConsensus { lazy_fraction } => {
            with_preset(lazy_fraction, &[0.1, 0.2, 0.3, 0.5, 0.8])
                .into_iter()
                .map(|f| {
                    (
                        A::TrivialisedConsensus { lazy_fraction: f },
                        format!("lazy_fraction={f}"),
                    )
                })
                .collect()
        }
        A::ResourceBomb { crash_p } => with_preset(crash_p, &probs)
            .into_iter()
            .map(|p| (A::ResourceBomb { crash_p: p }, format!("crash_p={p}")))
            .collect(),
        A::DatasetWithdrawal { from_deal } => with_preset(from_deal, &deal_points)
            .into_iter()
            .map(|f| {
                (
                    A::DatasetWithdrawal { from_deal: f },
                    format!("from_deal={f}"),
                )
            })
            .collect(),
        A::SchedulerSybils {
            sybils,
            external_gain_nrlc,
        } => with_preset(sybils, &[1, 2, 3, 4, 5])
            .into_iter()
            .map(|s| {
                (
                    A::SchedulerSybils {
                        sybils: s,
                        external_gain_nrlc,
                    },
                    format!("sybils={s}"),
                )
            })
            .collect(),
        A::Censorship { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::Censorship { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::RequestSniping { markup_pct } => with_preset(markup_pct, &[25, 50, 100, 200])
            .into_iter()
            .map(|m| {
                (
                    A::RequestSniping { markup_pct: m },
                    format!("markup_pct={m}"),
                )
            })
            .collect(),
        A::PolicyFrontRun {
            scheduler_reward_ratio,
        } => with_preset(scheduler_reward_ratio, &[25, 50, 75, 100])
            .into_iter()
            .map(|s| {
                (
                    A::PolicyFrontRun {
                        scheduler_reward_ratio: s,
                    },
                    format!("scheduler_reward_ratio={s}"),
                )
            })
            .collect(),
        A::KittyDrain {
            seed_failures,
            drain_deals,
        } => {
            let grid = [
                drain_deals / 6,
                drain_deals / 3,
                2 * drain_deals / 3,
                2 * drain_deals,
            ]
            .map(|x| x.max(1));
            with_preset(drain_deals, &grid)
                .into_iter()
                .map(|n| {
                    (
                        A::KittyDrain {
                            seed_failures,
                            drain_deals: n,
                        },
                        format!("drain_deals={n}"),
                    )
                })
                .collect()
        }
        A::ScoreFarming {
            farm_tasks,
            external_gain_nrlc,
        } => with_preset(farm_tasks, &[0, 6, 12, 18, 24, 36])
            .into_iter()
            .map(|f| {
                (
                    A::ScoreFarming {
                        farm_tasks: f,
                        external_gain_nrlc,
                    },
                    format!("farm_tasks={f}"),
                )
            })
            .collect(),
        A::SlowPool { tasks_per_hour } => with_preset(tasks_per_hour, &[5, 10, 20, 30, 60])
            .into_iter()
            .map(|t| {
                (
                    A::SlowPool { tasks_per_hour: t },
                    format!("tasks_per_hour={t}"),
                )
            })
            .collect(),
        A::ColludingWorkers {
            fraction,
            external_gain_nrlc,
        } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::ColludingWorkers {
                        fraction: f,
                        external_gain_nrlc,
                    },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::LazyCopying { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::LazyCopying { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::ResultSharing { fraction } => with_preset(fraction, &[0.2, 0.3, 0.5, 0.8])
            .into_iter()
            .map(|f| (A::ResultSharing { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::RevealWithholding { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::RevealWithholding { fraction: f },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::Guessing {
            fraction,
            p_correct,
        } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::Guessing {
                        fraction: f,
                        p_correct,
                    },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::Vanishing { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::Vanishing { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::DeterministicGarbage {
            source,
            loss_nrlc,
            from_deal,
            reenter,
        } => {
            let mut v = Vec::new();
            for r in with_preset(reenter, &[false, true]) {
                for f in with_preset(from_deal, &deal_points) {
                    let a = A::DeterministicGarbage {
                        source,
                        loss_nrlc,
                        from_deal: f,
                        reenter: r,
                    };
                    v.push((a, format!("from_deal={f}, reenter={r}")));
                }
            }
            v
        }
        other => vec![(other, "fixed (no strategic parameter)".to_string())],
    }
}

fn mean_score(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if f.is_empty() {
        f64::NEG_INFINITY
    } else {
        Summary::of(&f).mean
    }
}

/// Best-response search by successive halving over `arms` arms, up to `replicates` samples of
/// the best one. `sample(arm, r)` plays arm `arm` with replicate (run id) `r`; `score` is what
/// the attacker maximises (non-finite scores are ignored; an arm with none ranks last). Every
/// arm first gets `⌈replicates/4⌉` replicates (at least 2, at most `replicates`); the better
/// half (rounded up) is kept and the replicates doubled, until one arm is left with all
/// `replicates`. Ties go to the lower index. Samples of an arm are always run ids `0..n`, so
/// arms are compared on common random numbers. Returns the best arm and every arm's samples.
pub fn successive_halving<T, E, F, S>(
    arms: usize,
    replicates: u64,
    sample: F,
    score: S,
) -> Result<(usize, Vec<Vec<T>>), E>
where
    T: Send,
    E: Send,
    F: Fn(usize, u64) -> Result<T, E> + Sync,
    S: Fn(&T) -> f64,
{
    assert!(arms > 0, "empty strategy space");
    let replicates = replicates.max(1);
    let mut samples: Vec<Vec<T>> = (0..arms).map(|_| Vec::new()).collect();
    let mut alive: Vec<usize> = (0..arms).collect();
    let mut r = if arms == 1 {
        replicates
    } else {
        replicates.div_ceil(4).max(2).min(replicates)
    };
    loop {
        let jobs: Vec<(usize, u64)> = alive
            .iter()
            .flat_map(|&a| (samples[a].len() as u64..r).map(move |i| (a, i)))
            .collect();
        let out: Vec<T> = jobs
            .par_iter()
            .map(|&(a, i)| sample(a, i))
            .collect::<Result<_, E>>()?;
        for ((a, _), t) in jobs.iter().zip(out) {
            samples[*a].push(t);
        }
        let mut ranked: Vec<(usize, f64)> = alive
            .iter()
            .map(|&a| {
                (
                    a,
                    mean_score(&samples[a].iter().map(&score).collect::<Vec<_>>()),
                )
            })
            .collect();
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        if r >= replicates {
            if ranked.len() == 1 {
                return Ok((ranked[0].0, samples));
            }
            alive = vec![ranked[0].0];
            continue;
        }
        let keep = ranked.len().div_ceil(2).max(1);
        alive = ranked[..keep].iter().map(|x| x.0).collect();
        alive.sort_unstable();
        r = (2 * r).min(replicates);
    }
}

// ---------------------------------------------------------------------------------------------
// runs

fn metric(m: &RunMetrics, name: &str) -> f64 {
    m.scalars()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or(f64::NAN)
}

fn clean(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// Summary over the finite values only (n = how many were finite).
fn finite_summary(v: &[f64]) -> Summary {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    Summary::of(&f)
}

fn clean_summary(v: &[f64]) -> Summary {
    Summary::of(&v.iter().copied().map(clean).collect::<Vec<_>>())
}

fn exact(v: f64) -> Summary {
    Summary {
        n: 1,
        mean: v,
        sd: 0.0,
        ci95: 0.0,
    }
}

/// Scale a catalogue market to the size preset (deals and deal-indexed attack parameters).
fn scale_market(c: &MarketConfig, size: Size) -> MarketConfig {
    let (num, den) = size.scale();
    let s = |x: u64| if x == 0 { 0 } else { (x * num / den).max(1) };
    let mut c = c.clone();
    c.deals = s(c.deals);
    c.attack = match c.attack {
        Attack::ImageMutation { from_deal, p_stale } => Attack::ImageMutation {
            from_deal: s(from_deal),
            p_stale,
        },
        Attack::DatasetWithdrawal { from_deal } => Attack::DatasetWithdrawal {
            from_deal: s(from_deal),
        },
        Attack::KittyDrain {
            seed_failures,
            drain_deals,
        } => Attack::KittyDrain {
            seed_failures: s(seed_failures),
            drain_deals: s(drain_deals),
        },
        a => a,
    };
    c
}

fn key(c: &MarketConfig) -> String {
    serde_json::to_string(c).expect("serializable")
}

fn cfg_hash(c: &MarketConfig) -> String {
    let h = format!("{}", keccak256(key(c).as_bytes()));
    h.chars().take(18).collect()
}

/// The best response of one attacker to one protocol variant.
#[derive(Debug, Clone)]
struct Search {
    label: String,
    runs: Vec<RunMetrics>,
}

fn run_search(cfg: &MarketConfig, replicates: u64, seed: u64) -> Result<Search, SimError> {
    let space = strategy_space(cfg);
    let cfgs: Vec<MarketConfig> = space
        .iter()
        .map(|(a, _)| MarketConfig {
            attack: a.clone(),
            ..cfg.clone()
        })
        .collect();
    // an arm whose runs fail (the simulator cannot play that strategy against the variant)
    // scores −∞ and drops out; the search fails only if the chosen arm fails
    let (best, mut samples) = successive_halving(
        cfgs.len(),
        replicates,
        |a, r| Ok::<_, SimError>(run(&cfgs[a], seed, r)),
        |m: &Result<RunMetrics, SimError>| {
            m.as_ref()
                .map(|m| m.attacker_profit_per_task())
                .unwrap_or(f64::NAN)
        },
    )?;
    let failed: Vec<usize> = (0..cfgs.len())
        .filter(|&a| samples[a].iter().any(Result::is_err))
        .collect();
    let runs: Vec<RunMetrics> = std::mem::take(&mut samples[best])
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut label = space[best].1.clone();
    if let Some(&first) = failed.first() {
        let err = samples[first]
            .iter()
            .find_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        label = format!(
            "{label} ({} of {} strategies not playable: {err})",
            failed.len(),
            cfgs.len()
        );
    }
    Ok(Search { label, runs })
}

fn run_reps(cfg: &MarketConfig, replicates: u64, seed: u64) -> Result<Vec<RunMetrics>, SimError> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run(cfg, seed, r))
        .collect()
}

/// Run every config × replicate in parallel; results grouped per config, by run id.
fn run_grid(
    cfgs: &[MarketConfig],
    replicates: u64,
    seed: u64,
) -> Result<Vec<Vec<RunMetrics>>, SimError> {
    let jobs: Vec<(usize, u64)> = (0..cfgs.len())
        .flat_map(|i| (0..replicates).map(move |r| (i, r)))
        .collect();
    let out: Vec<RunMetrics> = jobs
        .par_iter()
        .map(|&(i, r)| run(&cfgs[i], seed, r))
        .collect::<Result<_, _>>()?;
    let mut it = out.into_iter();
    Ok((0..cfgs.len())
        .map(|_| it.by_ref().take(replicates as usize).collect())
        .collect())
}

fn col(runs: &[RunMetrics], name: &str) -> Vec<f64> {
    runs.iter().map(|m| metric(m, name)).collect()
}

// ---------------------------------------------------------------------------------------------
// formatting

fn fmt_metric(s: &Summary, name: &str) -> String {
    if s.n == 0 || !s.mean.is_finite() {
        return "n/a".into();
    }
    if name.ends_with("_nrlc") {
        let r = Summary {
            mean: s.mean / 1e9,
            sd: s.sd / 1e9,
            ci95: s.ci95 / 1e9,
            n: s.n,
        };
        format!("{} RLC", r.display(3))
    } else if name.ends_with("_nrlc_s") {
        let r = Summary {
            mean: s.mean / 1e9,
            sd: s.sd / 1e9,
            ci95: s.ci95 / 1e9,
            n: s.n,
        };
        format!("{} RLC·s", r.display(1))
    } else {
        s.display(3)
    }
}

fn verdict(c: &MatrixCell) -> String {
    if c.best_response.starts_with(NOT_RUN) {
        return "not run (mechanism needs agent behaviour not simulated yet)".into();
    }
    if c.mechanism == BASELINE {
        return if c.unprofitable {
            "reference (attack already unprofitable)".into()
        } else {
            "reference".into()
        };
    }
    let already = c.attacker_profit_baseline.n > 0 && c.attacker_profit_baseline.hi() < 0.0;
    if c.honest_cost.n == 0 {
        return "vacuous: the honest market delivers no correct result with this mechanism (liveness lost)".into();
    }
    match (c.unprofitable, c.mitigated) {
        (true, true) if already => "mitigated (attack already unprofitable on baseline)".into(),
        (true, false) if already => {
            "no significant effect (attack already unprofitable on baseline)".into()
        }
        (true, true) => "unprofitable and mitigated".into(),
        (true, false) => "unprofitable".into(),
        (false, true) => "mitigated (still profitable)".into(),
        (false, false) => "no significant effect".into(),
    }
}

fn cell_table(cells: &[&MatrixCell]) -> Vec<Vec<String>> {
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
            c.mechanism.clone(),
            format!(
                "{} ({})",
                c.metric,
                if c.worse == Worse::Higher {
                    "↑ worse"
                } else {
                    "↓ worse"
                }
            ),
            fmt_metric(&c.no_attack, &c.metric),
            format!(
                "{} → {}",
                fmt_metric(&c.damage_baseline, &c.metric),
                fmt_metric(&c.damage, &c.metric)
            ),
            format!(
                "{} → {}",
                fmt_metric(&c.attacker_profit_baseline, "_nrlc"),
                fmt_metric(&c.attacker_profit, "_nrlc")
            ),
            fmt_metric(&c.honest_cost, "_nrlc"),
            c.best_response.clone(),
            verdict(c),
        ]);
    }
    t
}

fn finding(cells: &[&MatrixCell]) -> String {
    let not_run: Vec<String> = cells
        .iter()
        .filter(|c| c.best_response.starts_with(NOT_RUN))
        .map(|c| format!("{}×{}", c.threat, c.mechanism))
        .collect();
    let mech: Vec<&&MatrixCell> = cells
        .iter()
        .filter(|c| c.mechanism != BASELINE && !c.best_response.starts_with(NOT_RUN))
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

// ---------------------------------------------------------------------------------------------
// the evaluation

struct Ctx<'a> {
    opts: &'a EvaluateOptions,
    hash: String,
    variants: Vec<String>,
}

impl Ctx<'_> {
    fn caption(&self, what: &str, base: &MarketConfig, variants: &[String], runs: u64) -> String {
        format!(
            "{what}. Evaluation config {}; market config {} ({} deals, {} honest workers, trust {}); seed {}, runs 0..{runs}; mechanisms: {}.",
            self.hash,
            cfg_hash(base),
            base.deals,
            base.honest_workers,
            base.trust,
            self.opts.seed,
            variants.join(", ")
        )
    }

    fn pick(&self, wanted: &[&str]) -> Vec<String> {
        wanted
            .iter()
            .filter(|w| **w == BASELINE || self.variants.iter().any(|v| v == *w))
            .map(|w| w.to_string())
            .collect()
    }

    fn with(&self, base: &MarketConfig, variant: &str) -> MarketConfig {
        MarketConfig {
            mechanisms: variant_mechanisms(variant),
            ..base.clone()
        }
    }
}

/// Run the whole evaluation. `progress` receives one line per stage (it may be called from
/// worker threads). Same options → byte-identical `serde_json::to_string` of the result.
pub fn evaluate(
    opts: &EvaluateOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Evaluation, SimError> {
    if opts.replicates < 2 {
        return Err(SimError::Config(
            "evaluate: replicates must be ≥ 2 for confidence intervals".into(),
        ));
    }
    let all = catalogue();
    for id in &opts.only_threats {
        if !all.iter().any(|t| t.id == id) {
            return Err(SimError::Config(format!(
                "evaluate: unknown threat id `{id}`"
            )));
        }
    }
    let mut selected_variants = BTreeSet::new();
    for m in &opts.only_mechanisms {
        let id = normalise_mechanism(m).ok_or_else(|| {
            SimError::Config(format!(
                "evaluate: unknown mechanism `{m}` (M1 … M8, M4+M6, M4+M6+M7, M1–M8)"
            ))
        })?;
        if id != BASELINE {
            selected_variants.insert(id);
        }
    }
    let mut variants: Vec<String> = MECHANISMS
        .iter()
        .map(|(id, _)| id.to_string())
        .chain(COMBINATIONS.iter().map(|c| c.0.to_string()))
        .chain([FULL_STACK.to_string()])
        .collect();
    if !selected_variants.is_empty() {
        variants.retain(|v| selected_variants.contains(v));
    }
    let ctx = Ctx {
        opts,
        hash: opts.config_hash(),
        variants: variants.clone(),
    };
    let (seed, reps) = (opts.seed, opts.replicates);
    let threats: Vec<&Threat> = all
        .iter()
        .filter(|t| opts.only_threats.is_empty() || opts.only_threats.iter().any(|o| o == t.id))
        .collect();

    // ---- matrix: plan the cells, then the unique searches and no-attack runs
    struct Planned<'t> {
        threat: &'t Threat,
        cfg: MarketConfig,
        metric: &'static str,
        worse: Worse,
        variant: String,
    }
    let mut planned = Vec::new();
    for t in &threats {
        let Simulation::Run {
            cfg, metric, worse, ..
        } = &t.sim
        else {
            continue;
        };
        let cfg = scale_market(cfg, opts.size);
        let targeting = mechanisms_targeting(t.id);
        let cell_variants = std::iter::once(BASELINE.to_string())
            .chain(targeting.into_iter().filter(|m| variants.contains(m)))
            .chain(variants.iter().filter(|v| *v == FULL_STACK).cloned());
        for v in cell_variants {
            planned.push(Planned {
                threat: t,
                cfg: cfg.clone(),
                metric,
                worse: *worse,
                variant: v,
            });
        }
    }
    let mut searches: BTreeMap<String, MarketConfig> = BTreeMap::new();
    let mut honest: BTreeMap<String, MarketConfig> = BTreeMap::new();
    for p in &planned {
        for v in [BASELINE, p.variant.as_str()] {
            let c = ctx.with(&p.cfg, v);
            searches.insert(key(&c), c.clone());
            let h = MarketConfig {
                attack: Attack::None,
                ..c
            };
            honest.insert(key(&h), h);
        }
    }
    progress(&format!(
        "evaluate: {} cells, {} best-response searches, {} no-attack markets, {reps} replicates",
        planned.len(),
        searches.len(),
        honest.len()
    ));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let n_search = searches.len();
    let search_out: Vec<(String, Result<Search, String>)> = searches
        .par_iter()
        .map(|(k, c)| {
            let s = run_search(c, reps, seed);
            let i = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let what = match &s {
                Ok(s) => s.label.clone(),
                Err(e) => format!("run failed: {e}"),
            };
            progress(&format!(
                "best response {i}/{n_search}: {} [{}] → {what}",
                crate::threats::attack_kind(&c.attack),
                mechanism_flags(&c.mechanisms)
            ));
            (k.clone(), s.map_err(|e| e.to_string()))
        })
        .collect();
    let search_map: BTreeMap<String, Result<Search, String>> = search_out.into_iter().collect();
    let honest_out: Vec<(String, Result<Vec<RunMetrics>, String>)> = honest
        .par_iter()
        .map(|(k, c)| {
            (
                k.clone(),
                run_reps(c, reps, seed).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let honest_map: BTreeMap<String, Result<Vec<RunMetrics>, String>> =
        honest_out.into_iter().collect();
    // baseline PoCo must run: its failure is a bug, not a mechanism's missing agent behaviour
    let search_errs = search_map
        .iter()
        .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e)));
    let honest_errs = honest_map
        .iter()
        .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e)));
    for (k, r) in search_errs.chain(honest_errs) {
        let c: MarketConfig = serde_json::from_str(k).expect("own key");
        if c.mechanisms == MechanismsConfig::default() {
            return Err(SimError::Config(format!(
                "baseline run failed ({}): {r}",
                crate::threats::attack_kind(&c.attack)
            )));
        }
    }
    let honest_ok: BTreeMap<String, Vec<RunMetrics>> = honest_map
        .iter()
        .filter_map(|(k, r)| r.as_ref().ok().map(|v| (k.clone(), v.clone())))
        .collect();
    progress("matrix: searches done");

    let mut matrix = Vec::new();
    for p in &planned {
        let cv = ctx.with(&p.cfg, &p.variant);
        let cb = ctx.with(&p.cfg, BASELINE);
        let sb = search_map[&key(&cb)].as_ref().expect("baseline checked");
        let hb = honest_map[&key(&MarketConfig {
            attack: Attack::None,
            ..cb.clone()
        })]
            .as_ref()
            .expect("baseline checked");
        let (sv, hv) = match (
            &search_map[&key(&cv)],
            &honest_map[&key(&MarketConfig {
                attack: Attack::None,
                ..cv.clone()
            })],
        ) {
            (Ok(s), Ok(h)) => (s, h),
            (Err(e), _) | (_, Err(e)) => {
                // the variant cannot be played with the current agents: an empty cell that says why
                let nan = Summary::of(&[]);
                matrix.push(MatrixCell {
                    threat: p.threat.id.to_string(),
                    mechanism: p.variant.clone(),
                    experiment: experiment_of(p.threat.id).to_string(),
                    metric: p.metric.to_string(),
                    worse: p.worse,
                    no_attack: nan,
                    damage_baseline: clean_summary(&col(&sb.runs, p.metric)),
                    damage: nan,
                    attacker_profit: nan,
                    attacker_profit_baseline: clean_summary(&col(
                        &sb.runs,
                        "attacker_profit_per_task_nrlc",
                    )),
                    best_response: format!("{NOT_RUN}{e}"),
                    honest_cost: nan,
                    capital_time: nan,
                    unprofitable: false,
                    mitigated: false,
                    seeds: format!("seed {seed}, runs 0..{reps}"),
                });
                continue;
            }
        };
        let dv = col(&sv.runs, p.metric);
        let db = col(&sb.runs, p.metric);
        let diff: Vec<f64> = dv
            .iter()
            .zip(&db)
            .map(|(a, b)| clean(*a) - clean(*b))
            .collect();
        let d = Summary::of(&diff);
        let mitigated = p.variant != BASELINE
            && d.n >= 2
            && match p.worse {
                Worse::Higher => d.mean < 0.0 && d.hi() < 0.0,
                Worse::Lower => d.mean > 0.0 && d.lo() > 0.0,
            };
        let cost = |runs: &[RunMetrics]| col(runs, "requester_cost_per_correct_nrlc");
        let hc: Vec<f64> = cost(hv).iter().zip(cost(hb)).map(|(a, b)| a - b).collect();
        let profit = clean_summary(&col(&sv.runs, "attacker_profit_per_task_nrlc"));
        matrix.push(MatrixCell {
            threat: p.threat.id.to_string(),
            mechanism: p.variant.clone(),
            experiment: experiment_of(p.threat.id).to_string(),
            metric: p.metric.to_string(),
            worse: p.worse,
            no_attack: clean_summary(&col(hv, p.metric)),
            damage_baseline: clean_summary(&db),
            damage: clean_summary(&dv),
            attacker_profit: profit,
            attacker_profit_baseline: clean_summary(&col(
                &sb.runs,
                "attacker_profit_per_task_nrlc",
            )),
            best_response: sv.label.clone(),
            honest_cost: finite_summary(&hc),
            capital_time: finite_summary(&col(hv, "capital_time_per_task_nrlc_s")),
            unprofitable: profit.n >= 2 && profit.hi() < 0.0,
            mitigated,
            seeds: format!("seed {seed}, runs 0..{reps}"),
        });
    }

    // ---- experiments
    let mut experiments_out = Vec::new();
    for (id, question, ths, mechs) in EXPERIMENTS {
        let cells: Vec<&MatrixCell> = if id == "E10" {
            let full: BTreeSet<&str> = matrix
                .iter()
                .filter(|c| c.mechanism == FULL_STACK)
                .map(|c| c.threat.as_str())
                .collect();
            matrix
                .iter()
                .filter(|c| {
                    full.contains(c.threat.as_str())
                        && (c.mechanism == FULL_STACK || c.mechanism == BASELINE)
                })
                .collect()
        } else {
            matrix.iter().filter(|c| c.experiment == id).collect()
        };
        let threat_ids: Vec<String> = if id == "E10" {
            let mut v: Vec<String> = Vec::new();
            for c in &cells {
                if !v.contains(&c.threat) {
                    v.push(c.threat.clone());
                }
            }
            v
        } else {
            ths.iter()
                .filter(|t| threats.iter().any(|x| x.id == **t))
                .map(|t| t.to_string())
                .collect()
        };
        let mut mech_ids: Vec<String> = Vec::new();
        for c in &cells {
            if !mech_ids.contains(&c.mechanism) {
                mech_ids.push(c.mechanism.clone());
            }
        }
        if id == "E1" {
            progress("E1: baseline parity (F1–F7)");
            let rows = experiments::e1(reps, seed)?;
            let mut table = vec![
                [
                    "id",
                    "quantity",
                    "parameters",
                    "closed form",
                    "simulated",
                    "agrees",
                    "note",
                ]
                .map(String::from)
                .to_vec(),
            ];
            let agree = rows.iter().filter(|r| r.agrees).count();
            for r in &rows {
                table.push(vec![
                    r.id.into(),
                    r.quantity.clone(),
                    r.params.clone(),
                    format!("{}", r.formula),
                    r.simulated.display(3),
                    if r.agrees { "yes" } else { "no" }.into(),
                    r.note.clone(),
                ]);
            }
            experiments_out.push(ExperimentResult {
                id: id.into(),
                question: question.into(),
                threats: ths.iter().map(|t| t.to_string()).collect(),
                mechanisms: vec![BASELINE.into()],
                table,
                figures: Vec::new(),
                finding: format!(
                    "{agree} of {} statements of §0.3 reproduced by the core and the PoCo-exact market (seed {seed}, runs 0..{reps}).",
                    rows.len()
                ),
            });
            continue;
        }
        let _ = mechs;
        if cells.is_empty() {
            experiments_out.push(ExperimentResult {
                id: id.into(),
                question: question.into(),
                threats: threat_ids,
                mechanisms: mech_ids,
                table: Vec::new(),
                figures: Vec::new(),
                finding: "Not run: none of its threats was selected.".into(),
            });
            continue;
        }
        progress(&format!("{id}: figures"));
        let figures = figures_for(id, &ctx, &honest_ok)?;
        experiments_out.push(ExperimentResult {
            id: id.into(),
            question: question.into(),
            threats: threat_ids,
            mechanisms: mech_ids,
            table: cell_table(&cells),
            figures,
            finding: finding(&cells),
        });
    }

    // ---- descriptions
    let mechanisms = std::iter::once(MechanismInfo {
        id: BASELINE.into(),
        name: "PoCo 6.1.0 (no mechanism)".into(),
        targets: Vec::new(),
    })
    .chain(variants.iter().map(|v| {
        let name = MECHANISMS
            .iter()
            .map(|(id, n)| (*id, *n))
            .chain(COMBINATIONS.iter().map(|c| (c.0, c.1)))
            .find(|(id, _)| id == v)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| "full stack (M1–M8 with defaults)".into());
        let targets = all
            .iter()
            .filter(|t| {
                if v == FULL_STACK {
                    !mechanisms_targeting(t.id).is_empty()
                } else {
                    mechanisms_targeting(t.id).contains(v)
                }
            })
            .map(|t| t.id.to_string())
            .collect();
        MechanismInfo {
            id: v.clone(),
            name,
            targets,
        }
    }))
    .collect();
    let threat_infos = threats
        .iter()
        .map(|t| {
            let (metric, why) = match &t.sim {
                Simulation::Run { metric, .. } => (metric.to_string(), String::new()),
                Simulation::NotSimulated(w) => (String::new(), w.to_string()),
            };
            ThreatInfo {
                id: t.id.into(),
                title: t.title.into(),
                attacker: serde_json::to_value(t.attacker)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                victims: t.victims.into(),
                protection: t.protection.symbol().into(),
                metric,
                not_simulated: why,
            }
        })
        .collect();
    progress("evaluate: done");
    Ok(Evaluation {
        pocolab_version: format!(
            "{} (commit {})",
            env!("CARGO_PKG_VERSION"),
            crate::code_version()
        ),
        config_hash: ctx.hash.clone(),
        seed,
        replicates: reps,
        size: opts.size.name().into(),
        mechanisms,
        threats: threat_infos,
        matrix,
        experiments: experiments_out,
    })
}

// ---------------------------------------------------------------------------------------------
// figures

const RLC: u64 = 1_000_000_000;

/// Run `cfgs` (variant-major: `cfgs.len() / variants.len()` configs per variant) for every
/// variant; variants whose runs fail are left out and named in the returned caption suffix.
/// Baseline failing is an error.
#[allow(clippy::type_complexity)]
fn run_variants(
    cfgs: &[MarketConfig],
    variants: &[String],
    reps: u64,
    seed: u64,
) -> Result<(Vec<(String, Vec<Vec<RunMetrics>>)>, String), SimError> {
    let per = cfgs.len() / variants.len().max(1);
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (vi, v) in variants.iter().enumerate() {
        match run_grid(&cfgs[vi * per..(vi + 1) * per], reps, seed) {
            Ok(out) => ok.push((v.clone(), out)),
            Err(e) if v != BASELINE => failed.push(format!("{v} ({e})")),
            Err(e) => return Err(e),
        }
    }
    let suffix = if failed.is_empty() {
        String::new()
    } else {
        format!("; not shown, a run failed: {}", failed.join("; "))
    };
    Ok((ok, suffix))
}

#[allow(clippy::too_many_arguments)]
fn line_figure(
    ctx: &Ctx,
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    base: &MarketConfig,
    variants: &[String],
    xs: &[f64],
    set: &dyn Fn(&mut MarketConfig, f64),
    y: &dyn Fn(&RunMetrics) -> f64,
    what: &str,
) -> Result<Figure, SimError> {
    let reps = ctx.opts.replicates;
    let mut cfgs = Vec::new();
    for v in variants {
        for &x in xs {
            let mut c = ctx.with(base, v);
            set(&mut c, x);
            cfgs.push(c);
        }
    }
    let (ok, failed) = run_variants(&cfgs, variants, reps, ctx.opts.seed)?;
    let mut series = Vec::new();
    for (v, out) in &ok {
        let points = xs
            .iter()
            .enumerate()
            .map(|(xi, &x)| (x, clean_summary(&out[xi].iter().map(y).collect::<Vec<_>>())))
            .collect();
        series.push(Series {
            name: v.clone(),
            points,
        });
    }
    let shown: Vec<String> = ok.iter().map(|(v, _)| v.clone()).collect();
    Ok(Figure {
        id: id.into(),
        title: title.into(),
        kind: FigureKind::Line,
        x_label: x_label.into(),
        y_label: y_label.into(),
        series,
        heatmap: None,
        caption: ctx.caption(&format!("{what}{failed}"), base, &shown, reps),
    })
}

#[allow(clippy::too_many_arguments)]
fn heatmap_figures(
    ctx: &Ctx,
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    base: &MarketConfig,
    variants: &[String],
    xs: &[f64],
    ys: &[f64],
    set: &dyn Fn(&mut MarketConfig, f64, f64),
    what: &str,
) -> Result<Vec<Figure>, SimError> {
    let reps = ctx.opts.replicates;
    let mut cfgs = Vec::new();
    for v in variants {
        for &y in ys {
            for &x in xs {
                let mut c = ctx.with(base, v);
                set(&mut c, x, y);
                cfgs.push(c);
            }
        }
    }
    let (ok, failed) = run_variants(&cfgs, variants, reps, ctx.opts.seed)?;
    let mut figs = Vec::new();
    for (v, out) in &ok {
        let z = (0..ys.len())
            .map(|yi| {
                (0..xs.len())
                    .map(|xi| {
                        let runs = &out[yi * xs.len() + xi];
                        clean_summary(
                            &runs
                                .iter()
                                .map(|m| m.attacker_profit_per_task())
                                .collect::<Vec<_>>(),
                        )
                        .mean
                            / RLC as f64
                    })
                    .collect()
            })
            .collect();
        figs.push(Figure {
            id: format!("{id}-{}", v.replace('–', "-").to_lowercase()),
            title: format!("{title} — {v}"),
            kind: FigureKind::Heatmap,
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            heatmap: Some(Heatmap {
                x: xs.to_vec(),
                y: ys.to_vec(),
                z,
                z_label: "attacker net profit per task (RLC), mean over replicates".into(),
            }),
            caption: ctx.caption(
                &format!("{what}{failed}"),
                base,
                std::slice::from_ref(v),
                reps,
            ),
        });
    }
    Ok(figs)
}

fn cdf_figure(
    ctx: &Ctx,
    id: &str,
    title: &str,
    base: &MarketConfig,
    variants: &[String],
    pre: &BTreeMap<String, Vec<RunMetrics>>,
    what: &str,
) -> Result<Figure, SimError> {
    let reps = ctx.opts.replicates;
    let mut series = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for v in variants {
        let c = ctx.with(base, v);
        let runs = match pre.get(&key(&c)) {
            Some(r) => r.clone(),
            None => match run_reps(&c, reps, ctx.opts.seed) {
                Ok(r) => r,
                Err(e) if v != BASELINE => {
                    failed.push(format!("{v} ({e})"));
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        let mut h = Histogram::default();
        for m in &runs {
            h.merge(&m.time_to_finality);
        }
        series.push(Series {
            name: v.clone(),
            points: h
                .cdf()
                .into_iter()
                .map(|(x, p)| (x as f64, exact(p)))
                .collect(),
        });
    }
    let shown: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let f = if failed.is_empty() {
        String::new()
    } else {
        format!("; not shown, a run failed: {}", failed.join("; "))
    };
    let caption = ctx.caption(
        &format!("{what}; histograms merged over replicates{f}"),
        base,
        &shown,
        reps,
    );
    Ok(Figure {
        id: id.into(),
        title: title.into(),
        kind: FigureKind::Cdf,
        x_label: "time to finality (s)".into(),
        y_label: "fraction of finalized tasks ≤ x".into(),
        series,
        heatmap: None,
        caption,
    })
}

fn ceil_log2(t: u64) -> u64 {
    if t <= 1 {
        0
    } else {
        64 - (t - 1).leading_zeros() as u64
    }
}

fn figures_for(
    id: &str,
    ctx: &Ctx,
    honest: &BTreeMap<String, Vec<RunMetrics>>,
) -> Result<Vec<Figure>, SimError> {
    let size = ctx.opts.size;
    let base = scale_market(&base_market(), size);
    let gain = 50 * RLC;
    let mut figs = Vec::new();
    match id {
        "E2" => {
            let v = ctx.pick(&[BASELINE, "M1", FULL_STACK]);
            let xs = [0.0, 10.0, 20.0, 50.0, 100.0, 200.0];
            let ys = [1.0, 2.0, 3.0, 5.0];
            let set = |c: &mut MarketConfig, g: f64, t: f64| {
                let t = t as u64;
                c.trust = t;
                c.fast_path = t <= 1;
                c.attack = Attack::SchedulerSybils {
                    sybils: ceil_log2(t).max(1),
                    external_gain_nrlc: (g * RLC as f64) as u64,
                };
            };
            figs.extend(heatmap_figures(
                ctx,
                "e2-profit-gain-trust",
                "Scheduler Sybil capture (S1/S2): attacker profit over external gain G and trust t",
                "external gain G per wrong result (RLC)",
                "trust t (Sybils = max(1, ⌈log₂ t⌉), fast path at t = 1)",
                &base,
                &v,
                &xs,
                &ys,
                &set,
                "Scheduler with just enough Sybils to finalize alone, P = 12 RLC",
            )?);
        }
        "E3" => {
            let v = ctx.pick(&[BASELINE, "M1", "M2", "M7", FULL_STACK]);
            let xs = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
            let set = |c: &mut MarketConfig, f: f64| {
                c.attack = if f == 0.0 {
                    Attack::None
                } else {
                    Attack::ColludingWorkers {
                        fraction: f,
                        external_gain_nrlc: gain,
                    }
                }
            };
            figs.push(line_figure(
                ctx,
                "e3-wrar-vs-fraction",
                "Wrong-result acceptance rate vs. colluding fraction (W2/W3)",
                "colluding fraction φ",
                "wrong-result acceptance rate",
                &base,
                &v,
                &xs,
                &set,
                &|m| m.wrong_rate(),
                "Colluding workers on one wrong result, trust 5, G = 50 RLC",
            )?);
        }
        "E4" => {
            let v = ctx.pick(&[BASELINE, "M3", "M8", FULL_STACK]);
            let b = MarketConfig {
                attack: Attack::RevealWithholding { fraction: 0.3 },
                ..base.clone()
            };
            figs.push(cdf_figure(
                ctx,
                "e4-ttf-cdf-withholding",
                "Time to finality under reveal withholding (W6, 30 % withholders)",
                &b,
                &v,
                honest,
                "Reveal withholding by 30 % of workers, trust 5",
            )?);
        }
        "E6" => {
            let v = ctx.pick(&[BASELINE, "M5", "M3", FULL_STACK]);
            let xs = [0.0, 2.0, 5.0, 10.0, 20.0];
            let ys = [1.0, 5.0, 10.0, 20.0];
            let set = |c: &mut MarketConfig, pad: f64, pw: f64| {
                c.app_price = (pad / 2.0 * RLC as f64) as u64;
                c.dataset_price = (pad / 2.0 * RLC as f64) as u64;
                c.workerpool_price = (pw * RLC as f64) as u64;
                c.attack = Attack::WithholdFinalize;
            };
            figs.extend(heatmap_figures(
                ctx,
                "e6-profit-prices",
                "Free-riding via refund (R3/C1): attacker profit over P_a + P_d and P_w",
                "P_a + P_d per task (RLC, split equally)",
                "P_w per task (RLC)",
                &base,
                &v,
                &xs,
                &ys,
                &set,
                "Requester–scheduler coalition withholding finalize, trust 5",
            )?);
        }
        "E8" => {
            let v = ctx.pick(&[BASELINE, "M2", "M7", FULL_STACK]);
            let (num, den) = size.scale();
            let xs: Vec<f64> = [5u64, 10, 20, 40, 60]
                .iter()
                .map(|d| ((d * num / den).max(1)) as f64)
                .collect();
            let b = MarketConfig {
                honest_workers: 4,
                attack: Attack::ScoreFarming {
                    farm_tasks: 18,
                    external_gain_nrlc: gain,
                },
                ..base.clone()
            };
            let set = |c: &mut MarketConfig, d: f64| c.deals = d as u64;
            figs.push(line_figure(
                ctx,
                "e8-reputation-trajectory",
                "Reputation trajectory of a score-farming attacker (S9/W5)",
                "deals played in the victim pool",
                "highest attacker worker score",
                &b,
                &v,
                &xs,
                &set,
                &|m| m.top_attacker_score as f64,
                "Two ring workers farm 18 self-dealt tasks, then return wrong results; 4 honest workers",
            )?);
        }
        "E9" => {
            let v = ctx.pick(&[BASELINE, "M8", FULL_STACK]);
            let (num, den) = size.scale();
            let sf = (20 * num / den).max(1);
            let xs: Vec<f64> = [2u64, 5, 10, 20, 30, 60]
                .iter()
                .map(|d| ((d * num / den).max(1)) as f64)
                .collect();
            let set = move |c: &mut MarketConfig, d: f64| {
                c.attack = Attack::KittyDrain {
                    seed_failures: sf,
                    drain_deals: d as u64,
                }
            };
            figs.push(line_figure(
                ctx,
                "e9-kitty-drain",
                "Kitty drain (S7/C5): attacker total profit vs. zero-price self-deals",
                "self-deals run by the ring",
                "attacker net profit (nRLC)",
                &base,
                &v,
                &xs,
                &set,
                &|m| m.attacker_profit as f64,
                &format!("{sf} failed honest deals fill the kitty first"),
            )?);
        }
        "E10" => {
            let mut v = vec![BASELINE.to_string()];
            v.extend(ctx.variants.iter().cloned());
            figs.push(cdf_figure(
                ctx,
                "e10-ttf-cdf-honest",
                "Time to finality of the honest market per protocol variant",
                &base,
                &v,
                honest,
                "No attack, trust 5",
            )?);
            // capital-vs-security frontier: honest capital·time against colluders' success (φ = 0.5,
            // baseline's best response to W2)
            let reps = ctx.opts.replicates;
            let attacked: Vec<MarketConfig> = v
                .iter()
                .map(|x| {
                    ctx.with(
                        &MarketConfig {
                            attack: Attack::ColludingWorkers {
                                fraction: 0.5,
                                external_gain_nrlc: gain,
                            },
                            ..base.clone()
                        },
                        x,
                    )
                })
                .collect();
            let plain: Vec<MarketConfig> = v.iter().map(|x| ctx.with(&base, x)).collect();
            let (att_all, mut failed) = run_variants(&attacked, &v, reps, ctx.opts.seed)?;
            let (mut att, mut hon) = (Vec::new(), Vec::new());
            for (name, runs) in att_all {
                let c = &plain[v.iter().position(|x| *x == name).expect("variant")];
                match honest
                    .get(&key(c))
                    .cloned()
                    .map(Ok)
                    .unwrap_or_else(|| run_reps(c, reps, ctx.opts.seed))
                {
                    Ok(h) => {
                        att.push((name, runs));
                        hon.push(h);
                    }
                    Err(e) if name != BASELINE => failed.push_str(&format!(
                        "; not shown, the honest market failed: {name} ({e})"
                    )),
                    Err(e) => return Err(e),
                }
            }
            let shown: Vec<String> = att.iter().map(|(n, _)| n.clone()).collect();
            for (fid, title, ylab, f) in [
                (
                    "e10-frontier-wrar",
                    "Capital vs. security: wrong-result rate under 50 % colluders",
                    "wrong-result acceptance rate (50 % colluders)",
                    (|m: &RunMetrics| m.wrong_rate()) as fn(&RunMetrics) -> f64,
                ),
                (
                    "e10-frontier-profit",
                    "Capital vs. security: colluders' profit per task",
                    "attacker net profit per task (nRLC, 50 % colluders)",
                    |m: &RunMetrics| m.attacker_profit_per_task(),
                ),
            ] {
                let series = att
                    .iter()
                    .enumerate()
                    .map(|(i, (name, runs))| {
                        let x = clean(
                            finite_summary(&col(&hon[i], "capital_time_per_task_nrlc_s")).mean,
                        );
                        Series {
                            name: name.clone(),
                            points: vec![(
                                x,
                                clean_summary(&runs[0].iter().map(f).collect::<Vec<_>>()),
                            )],
                        }
                    })
                    .collect();
                figs.push(Figure {
                    id: fid.into(),
                    title: title.into(),
                    kind: FigureKind::Scatter,
                    x_label: "capital locked × time per task, no attack (nRLC·s)".into(),
                    y_label: ylab.into(),
                    series,
                    heatmap: None,
                    caption: ctx.caption(&format!("x: honest market; y: 50 % colluding workers, G = 50 RLC, trust 5{failed}"), &base, &shown, reps),
                });
            }
        }
        _ => {}
    }
    Ok(figs)
}
