//! `pocolab evaluate`: every executable threat of §1 against baseline PoCo, each mechanism of
//! §3 that targets it (§3.9) alone, and the full stack M1–M8, with **adaptive attackers** that
//! play their best response to each protocol variant; then the experiments E1–E10 of §5.3 with
//! their tables and figures (§5.2 item 7). The output is the [`Evaluation`] data model.
//!
//! # Protocol variants
//!
//! `baseline` (PoCo 6.1.0, all mechanisms off), `M1` … `M8` alone with their default
//! parameters, the combinations of `COMBINATIONS` (`M4+M6`, and `M4+M6+M7`: provider
//! accountability), and
//! the full stack [`FULL_STACK`] (`M1–M8`). A threat's matrix cells are: `baseline`, every
//! mechanism that targets it (`COVERAGE`, from §3.9 plus the few documented extensions), the
//! combinations that list it, and the full stack.
//!
//! # Adaptive attackers
//!
//! Each attack has a small **strategy space** over its parameters ([`strategy_space`]): the
//! catalogue's preset first, then a grid (fractions of colluders, Sybil counts, probabilities,
//! mark-ups, the deal from which a fault starts, farming and draining budgets, …). Parameters
//! that describe the victim or nature (external gain `G`, loss `L`, data value, the provider
//! serving garbage, the guess's success probability) are not the attacker's to choose and stay
//! at the preset ([`no_strategic_parameter`] says why an attack has none). Per protocol variant
//! and per **objective** ([`crate::threats::Objective`]) the attacker picks the parameters that
//! maximise its goal: a rational attacker its mean net profit per task
//! (`attacker_profit_per_task_nrlc`); a griefer the mean of the threat's damage metric in its
//! worse direction, among the strategies whose mean cost (negative profit per task) stays within
//! its budget (`budget_nrlc_per_task`). Strategies over budget rank after every one within it;
//! when none is within budget the cheapest wins and its label says "no strategy within budget".
//! Values undefined in a run are left out of the means.
//!
//! The search is **successive halving** ([`successive_halving`]): every arm is played with
//! `⌈R/4⌉` replicates (at least 2), the better half is kept and the replicates doubled, until
//! one arm remains with the full `R` replicates. Ties go to the earlier arm (the preset). Then
//! **local refinement**: each numeric parameter of the winner (fractions, probabilities,
//! mark-ups, deal indexes, budgets) gets the midpoints between its value and the nearest values
//! tried below and above, for two rounds (the step halves each round; nothing beyond the grid's
//! range, so refinement adds resolution, not reach); the incumbent and these candidates race by
//! successive halving again, a candidate being dropped at any rung where it does not beat the
//! incumbent strictly, so an incumbent at a true optimum costs a few replicates per candidate.
//! Each search reports the strategies it evaluated and the market runs it spent (its budget).
//! Replicate `r` of any arm and any variant uses seed `S` and run id `r` (common random
//! numbers), so every comparison is paired by run id.
//!
//! # A cell
//!
//! Every run under attack is paired with the same market without the attack (same variant,
//! same run id) to give the cell's **outcome vector** ([`pocolab_results::Outcome`]): correct
//! results delivered per requested task (finalized, not overturned, true), wrong results
//! accepted per task, the share of tasks never finished, time to finality (p50, p95) with the
//! unfinished tasks censored, the loss per task of each victim role (requester, app owner,
//! dataset owner, pool, honest workers; see [`crate::metrics::RoleNets`]), the attacker's net
//! profit and the threat's damage metric. A component undefined in a run (a role played by the
//! attacker, a rate over no finalized task, a quantile beyond the finished share) is left out
//! of that run, never counted as 0; a component with no sample says why.
//!
//! Per attacker objective (the catalogue's [`crate::threats::Objective`]), two comparisons,
//! each paired run id by run id against baseline PoCo under attack:
//!
//! * **best response**: the variant at the attacker's best response to it, against baseline at
//!   the best response to baseline;
//! * **equal strength**: baseline's best-response parameters replayed against the variant.
//!
//! Each comparison gets a verdict by the one rule of [`pocolab_results::verdict`]; the cell's
//! verdict is the most severe, and `adapts` says when they disagree. The cell also keeps
//! `no_attack` (damage metric, variant, no attack), `honest_cost` (requester cost per correct
//! result without attack, variant minus baseline, paired; replicates with no correct result
//! are left out) and `capital_time` (capital locked × time per task, variant, no attack).
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
//!
//! # Baselines (B1) and market overrides
//!
//! After E1–E10, experiment B1 (`presets`, §5.2 item 5) runs the honest market at trust 1, 2,
//! 5, 100 and 10⁴ and with erring honest workers under baseline, each mechanism alone and the
//! full stack. `trust` / `honest_error_rate` in [`EvaluateOptions`] move every catalogue market
//! that uses the base market's value (trust 5, error 0) to another one; B1 ignores them.

use std::collections::{BTreeMap, BTreeSet};

use pocolab_core::keccak256;
use pocolab_mechanisms::MechanismsConfig;
use pocolab_results::{MechanismId, Variant, Verdict};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Attack, MarketConfig};
use crate::evaluation::{
    Evaluation, ExperimentResult, Figure, FigureKind, Heatmap, MatrixCell, MechanismInfo, Series,
    ThreatInfo,
};
use crate::experiments;
use crate::market::{SimError, run};
use crate::metrics::{Histogram, Metric, RunMetrics};
use crate::stats::Summary;
use crate::threats::{Simulation, Threat, Worse, base_market, catalogue};

mod figures;
mod frontiers;
mod matrix;
mod presets;
mod refine;
mod runs;
mod search;
mod text;
mod variants;

use figures::figures_for;
use runs::*;
use text::{cell_table, finding};
use variants::*;

use refine::{knobs_of, point_of, refine, relabel, with_point};
pub(crate) use search::Goal;
use search::race;
pub use search::{no_strategic_parameter, strategy_space, successive_halving};
pub use variants::{BASELINE, FULL_STACK, experiment_of, mechanisms_targeting};

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
    /// trust of every catalogue market that uses the base market's (5), ≥ 1; threats that set
    /// their own trust keep it (see `presets::with_overrides`). Not written when unset, so
    /// the config hash of an evaluation without it is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<u64>,
    /// honest error rate of every catalogue market that uses the base market's (0), in
    /// [0, 1); W1' keeps its own. Not written when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub honest_error_rate: Option<f64>,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        Self {
            seed: 2026,
            replicates: 50,
            size: Size::Default,
            only_threats: Vec::new(),
            only_mechanisms: Vec::new(),
            trust: None,
            honest_error_rate: None,
        }
    }
}

impl EvaluateOptions {
    /// keccak256 of the canonical JSON of the options.
    pub(crate) fn config_hash(&self) -> String {
        let canon = serde_json::to_string(self).expect("serializable");
        format!("{}", keccak256(canon.as_bytes()))
    }
}

/// Prefix of `best_response` in a cell whose variant could not be played (a run failed, e.g.
/// a mechanism whose bonds no agent posts yet); its summaries are empty (n = 0).
pub(crate) const NOT_RUN: &str = "not run: ";

struct Ctx<'a> {
    opts: &'a EvaluateOptions,
    hash: String,
    variants: Vec<Variant>,
}

impl Ctx<'_> {
    fn caption(&self, what: &str, base: &MarketConfig, variants: &[Variant], runs: u64) -> String {
        format!(
            "{what}. Evaluation config {}; market config {} ({} deals, {} honest workers, trust {}{}); seed {}, runs 0..{runs}; mechanisms: {}.",
            self.hash,
            cfg_hash(base),
            base.deals,
            base.honest_workers,
            base.trust,
            if base.honest_error_rate > 0.0 {
                format!(", honest error rate {}", base.honest_error_rate)
            } else {
                String::new()
            },
            self.opts.seed,
            variants
                .iter()
                .map(Variant::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn pick(&self, wanted: &[Variant]) -> Vec<Variant> {
        wanted
            .iter()
            .filter(|w| w.is_baseline() || self.variants.contains(w))
            .copied()
            .collect()
    }

    fn with(&self, base: &MarketConfig, variant: Variant) -> MarketConfig {
        MarketConfig {
            mechanisms: variant_mechanisms(variant),
            ..base.clone()
        }
    }
}

/// The protocol variants and the threats `opts` selects, checked.
fn selection<'a>(
    opts: &EvaluateOptions,
    all: &'a [Threat],
) -> Result<(Vec<Variant>, Vec<&'a Threat>), SimError> {
    if opts.replicates < 2 {
        return Err(SimError::Config(
            "evaluate: replicates must be ≥ 2 for confidence intervals".into(),
        ));
    }
    presets::check_overrides(opts)?;
    for id in &opts.only_threats {
        if !all.iter().any(|t| t.id == id) {
            let known: Vec<&str> = all.iter().map(|t| t.id).collect();
            return Err(SimError::Config(format!(
                "evaluate: unknown threat id `{id}` (known: {})",
                known.join(", ")
            )));
        }
    }
    let mut selected_variants = BTreeSet::new();
    for m in &opts.only_mechanisms {
        let unknown = || {
            SimError::Config(format!(
                "evaluate: unknown mechanism `{m}` (M1 … M8, M4+M6, M4+M6+M7, M1–M8)"
            ))
        };
        let v: Variant = m.parse().map_err(|_| unknown())?;
        if !v.is_baseline() && !all_variants().contains(&v) {
            return Err(unknown());
        }
        if !v.is_baseline() {
            selected_variants.insert(v.to_string());
        }
    }
    let mut variants: Vec<Variant> = all_variants();
    if !selected_variants.is_empty() {
        variants.retain(|v| selected_variants.contains(&v.to_string()));
    }
    let threats: Vec<&Threat> = all
        .iter()
        .filter(|t| opts.only_threats.is_empty() || opts.only_threats.iter().any(|o| o == t.id))
        .collect();
    Ok((variants, threats))
}

/// The matrix cells alone (no experiments, no figures), exactly as [`evaluate`] computes them:
/// a cell depends only on its threat, its variant and the seed, never on which other cells
/// are selected, so a subset reproduces the full evaluation's cells (the docs' quotes are
/// checked this way).
pub fn matrix_cells(
    opts: &EvaluateOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Vec<MatrixCell>, SimError> {
    let all = catalogue();
    let (variants, threats) = selection(opts, &all)?;
    let ctx = Ctx {
        opts,
        hash: opts.config_hash(),
        variants,
    };
    Ok(matrix::matrix(&ctx, &threats, progress)?.0)
}

/// Run the whole evaluation. `progress` receives one line per stage (it may be called from
/// worker threads). Same options → byte-identical `serde_json::to_string` of the result.
pub fn evaluate(
    opts: &EvaluateOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Evaluation, SimError> {
    let all = catalogue();
    let (variants, threats) = selection(opts, &all)?;
    let ctx = Ctx {
        opts,
        hash: opts.config_hash(),
        variants: variants.clone(),
    };
    let (seed, reps) = (opts.seed, opts.replicates);
    // ---- matrix
    let (matrix, honest_ok) = matrix::matrix(&ctx, &threats, progress)?;

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
                        && (c.mechanism == FULL_STACK || c.mechanism.is_baseline())
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
            let m = c.mechanism.to_string();
            if !mech_ids.contains(&m) {
                mech_ids.push(m);
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
                mechanisms: vec![BASELINE.to_string()],
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

    // ---- B1: the honest market at trust 1, 2, 5, 100, 10⁴ and with erring honest workers
    progress("B1: baseline presets");
    let b1_variants: Vec<Variant> = std::iter::once(BASELINE)
        .chain(
            variants
                .iter()
                .filter(|v| v.single().is_some() || **v == FULL_STACK)
                .copied(),
        )
        .collect();
    experiments_out.push(presets::presets_experiment(
        &b1_variants,
        opts.size,
        reps,
        seed,
        progress,
    )?);

    // ---- mechanism frontiers: key parameters swept per targeted threat (frontiers.rs)
    progress("frontiers");
    let frontiers = frontiers::frontiers(
        &threats,
        &variants,
        opts.size,
        (reps / 5).max(2),
        seed,
        progress,
    )?;

    // ---- descriptions
    let mechanisms = std::iter::once(BASELINE)
        .chain(variants.iter().copied())
        .map(|v| {
            let targets = if v.is_baseline() {
                Vec::new()
            } else {
                all.iter()
                    .filter(|t| {
                        let targeting = mechanisms_targeting(t.id);
                        if v == FULL_STACK {
                            !targeting.is_empty()
                        } else {
                            targeting.contains(&v)
                        }
                    })
                    .map(|t| t.id.to_string())
                    .collect()
            };
            MechanismInfo {
                id: v,
                name: variant_name(v),
                targets,
            }
        })
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
        frontiers,
    })
}
