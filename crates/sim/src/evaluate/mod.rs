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
mod runs;
mod search;
mod text;
mod variants;

use figures::figures_for;
use runs::*;
use text::{cell_table, finding};
use variants::*;

pub use search::{strategy_space, successive_halving};
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
            "{what}. Evaluation config {}; market config {} ({} deals, {} honest workers, trust {}); seed {}, runs 0..{runs}; mechanisms: {}.",
            self.hash,
            cfg_hash(base),
            base.deals,
            base.honest_workers,
            base.trust,
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
        metric: Metric,
        worse: Worse,
        variant: Variant,
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
        let cell_variants = std::iter::once(BASELINE)
            .chain(targeting.into_iter().filter(|m| variants.contains(m)))
            .chain(variants.iter().filter(|v| **v == FULL_STACK).copied());
        for v in cell_variants {
            planned.push(Planned {
                threat: t,
                cfg: cfg.clone(),
                metric: *metric,
                worse: *worse,
                variant: v,
            });
        }
    }
    let mut searches: BTreeMap<String, MarketConfig> = BTreeMap::new();
    let mut honest: BTreeMap<String, MarketConfig> = BTreeMap::new();
    for p in &planned {
        for v in [BASELINE, p.variant] {
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
        let cv = ctx.with(&p.cfg, p.variant);
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
                    mechanism: p.variant,
                    experiment: experiment_of(p.threat.id).to_string(),
                    metric: p.metric,
                    worse: p.worse,
                    no_attack: nan,
                    damage_baseline: clean_summary(&col(&sb.runs, p.metric)),
                    damage: nan,
                    attacker_profit: nan,
                    attacker_profit_baseline: clean_summary(&col(
                        &sb.runs,
                        Metric::AttackerProfitPerTask,
                    )),
                    best_response: format!("{NOT_RUN}{e}"),
                    not_run: Some(e.clone()),
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
        let mitigated = !p.variant.is_baseline()
            && d.n >= 2
            && match p.worse {
                Worse::Higher => d.mean < 0.0 && d.hi() < 0.0,
                Worse::Lower => d.mean > 0.0 && d.lo() > 0.0,
            };
        let cost = |runs: &[RunMetrics]| col(runs, Metric::RequesterCostPerCorrect);
        let hc: Vec<f64> = cost(hv).iter().zip(cost(hb)).map(|(a, b)| a - b).collect();
        let profit = clean_summary(&col(&sv.runs, Metric::AttackerProfitPerTask));
        matrix.push(MatrixCell {
            threat: p.threat.id.to_string(),
            mechanism: p.variant,
            experiment: experiment_of(p.threat.id).to_string(),
            metric: p.metric,
            worse: p.worse,
            no_attack: clean_summary(&col(hv, p.metric)),
            damage_baseline: clean_summary(&db),
            damage: clean_summary(&dv),
            attacker_profit: profit,
            attacker_profit_baseline: clean_summary(&col(&sb.runs, Metric::AttackerProfitPerTask)),
            best_response: sv.label.clone(),
            honest_cost: finite_summary(&hc),
            capital_time: finite_summary(&col(hv, Metric::CapitalTimePerTask)),
            unprofitable: profit.n >= 2 && profit.hi() < 0.0,
            mitigated,
            seeds: format!("seed {seed}, runs 0..{reps}"),
            not_run: None,
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
