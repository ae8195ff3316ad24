//! The data model of an evaluation (`pocolab evaluate`): what the threat × mechanism matrix,
//! the experiments E1–E10 and their figures measured. It is produced by the simulator's
//! `pocolab_sim::evaluate` and rendered by `pocolab-report` (HTML, Markdown, CSV, Parquet). Every
//! number carries a 95 % CI ([`Summary`]); every table and figure names the config hash and
//! the seeds it comes from.

use serde::{Deserialize, Serialize};

use crate::metric::Metric;
use crate::outcome::Comparison;
use crate::stats::Summary;
use crate::variant::Variant;

/// Which direction of a metric is damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Worse {
    /// a higher value is worse for the victims
    Higher,
    /// a lower value is worse for the victims
    Lower,
}

/// Everything an evaluation measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    /// pocolab version that produced it
    pub pocolab_version: String,
    /// keccak256 of the canonical JSON of the evaluation options
    pub config_hash: String,
    /// master seed
    pub seed: u64,
    /// Monte Carlo replicates per cell (run ids `0..replicates`)
    pub replicates: u64,
    /// size preset (`default`, `large`, …)
    pub size: String,
    /// the protocol variants compared: `baseline`, `M1` … `M8`, `M1–M8`
    pub mechanisms: Vec<MechanismInfo>,
    /// the threat catalogue (§1), simulated or not
    pub threats: Vec<ThreatInfo>,
    /// one cell per (threat, mechanism) that was run
    pub matrix: Vec<MatrixCell>,
    /// experiments E1–E10 (§5.3), then B1 (baselines: the honest market at several trust
    /// levels and honest error rates, §5.2 item 5), with their tables and figures
    pub experiments: Vec<ExperimentResult>,
    /// mechanism frontiers: key parameters of each mechanism swept against the threats it
    /// targets (absent from evaluations written before they existed)
    #[serde(default)]
    pub frontiers: Vec<Frontier>,
}

/// A protocol variant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MechanismInfo {
    /// `baseline`, `M1` … `M8`, a combination, `M1–M8`
    pub id: Variant,
    /// human name
    pub name: String,
    /// threat ids it targets (§3.9)
    pub targets: Vec<String>,
}

/// A threat of §1.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThreatInfo {
    /// id (R1, W1', …)
    pub id: String,
    /// title
    pub title: String,
    /// attacker role
    pub attacker: String,
    /// victims
    pub victims: String,
    /// PoCo today: ✔ ◐ ✘
    pub protection: String,
    /// damage metric (empty when not simulated)
    pub metric: String,
    /// why it is not simulated (empty when simulated)
    pub not_simulated: String,
}

/// One (threat, mechanism) cell, at the attacker's best response to the mechanism.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixCell {
    /// threat id
    pub threat: String,
    /// protocol variant (`baseline`, `M1` … `M8`, a combination, `M1–M8`)
    pub mechanism: Variant,
    /// experiment that backs the cell (E1 … E10)
    pub experiment: String,
    /// damage metric
    pub metric: Metric,
    /// direction of damage
    pub worse: Worse,
    /// the metric with no attack, same protocol variant (common random numbers)
    pub no_attack: Summary,
    /// the metric under attack on baseline PoCo (the attacker's best response to baseline)
    pub damage_baseline: Summary,
    /// the metric under attack with the mechanism (best response to the mechanism)
    pub damage: Summary,
    /// attacker net profit per task, nRLC, at its best response to the mechanism
    pub attacker_profit: Summary,
    /// attacker net profit per task, nRLC, at its best response to baseline PoCo
    pub attacker_profit_baseline: Summary,
    /// the attack parameters the adaptive attacker chose (e.g. `fraction=0.3`)
    pub best_response: String,
    /// extra cost per task the mechanism imposes on honest actors with no attack (requester
    /// cost per correct result, mechanism minus baseline), nRLC
    pub honest_cost: Summary,
    /// capital locked × time per task with the mechanism and no attack, nRLC·s
    pub capital_time: Summary,
    /// attacker profit's 95 % CI lies below 0
    pub unprofitable: bool,
    /// damage significantly lower than on baseline (paired difference CI excludes 0)
    pub mitigated: bool,
    /// `seed S, runs 0..R`
    pub seeds: String,
    /// why the variant could not be played (a run failed), when it could not; its summaries
    /// are then empty (n = 0)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_run: Option<String>,
    /// what the attacker maximises (`profit`, `damage`, `profit+damage`)
    #[serde(default)]
    pub objective: String,
    /// the paired comparisons the verdict is computed from: best response and equal strength,
    /// per attacker objective (empty in the baseline column)
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
    /// the verdict ([`crate::Verdict::judge`] per comparison, [`crate::Verdict::combine`])
    #[serde(default)]
    pub verdict: crate::Verdict,
    /// the comparisons disagree: the outcome depends on the attacker adapting
    #[serde(default)]
    pub adapts: bool,
    /// on baseline PoCo the attack is neither profitable nor damaging
    #[serde(default)]
    pub not_needed: bool,
    /// the best-response searches: strategies tried and market runs spent, per objective
    #[serde(default)]
    pub search: String,
}

/// One experiment of §5.3.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExperimentResult {
    /// E1 … E10, B1
    pub id: String,
    /// the question it answers
    pub question: String,
    /// threats involved
    pub threats: Vec<String>,
    /// mechanisms involved
    pub mechanisms: Vec<String>,
    /// a result table: header then rows (already formatted, CIs included)
    pub table: Vec<Vec<String>>,
    /// figures
    pub figures: Vec<Figure>,
    /// findings in one or two sentences, derived from the numbers
    pub finding: String,
}

/// Kind of figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// lines with 95 % CI bands (e.g. wrong-result rate vs malicious fraction per mechanism)
    Line,
    /// empirical CDFs (time to finality)
    Cdf,
    /// scatter (capital vs security frontier)
    Scatter,
    /// heatmap (attacker profit over two parameters)
    Heatmap,
}

/// A figure: lines/points or a heatmap.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figure {
    /// id, unique in the report (used in file names and anchors)
    pub id: String,
    /// title
    pub title: String,
    /// kind
    pub kind: FigureKind,
    /// x axis label
    pub x_label: String,
    /// y axis label
    pub y_label: String,
    /// series (Line, Cdf, Scatter)
    pub series: Vec<Series>,
    /// heatmap grid (Heatmap)
    pub heatmap: Option<Heatmap>,
    /// caption: config hash, seeds, mechanism flags
    pub caption: String,
}

/// One line or point set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    /// legend name (e.g. a mechanism id)
    pub name: String,
    /// points: x and the y summary (mean ± CI; CI NaN/0 for exact values)
    pub points: Vec<(f64, Summary)>,
}

/// A heatmap: `z[j][i]` at `(x[i], y[j])`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heatmap {
    /// x values
    pub x: Vec<f64>,
    /// y values
    pub y: Vec<f64>,
    /// values, row per y
    pub z: Vec<Vec<f64>>,
    /// what z is
    pub z_label: String,
}

/// One mechanism's parameter swept against one threat it targets: where along the sweep the
/// attack (at the catalogue's preset, not a best response) turns unprofitable or its damage
/// drops below baseline PoCo's, and what each value costs honest requesters. The other
/// parameters of the mechanism stay at their defaults; the other mechanisms are off.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frontier {
    /// the mechanism (a single one, `M1` … `M8`)
    pub mechanism: Variant,
    /// the swept parameter: its field name in the mechanism's parameter struct (e.g.
    /// `audit_ppm`), or a documented derived knob (e.g. `arbitration_fee_scale_pct`)
    pub parameter: String,
    /// the parameter's default value
    pub default_value: f64,
    /// threat id
    pub threat: String,
    /// the threat's damage metric
    pub metric: Metric,
    /// direction of damage
    pub worse: Worse,
    /// the damage metric under the attack on baseline PoCo (same runs as every point's
    /// reference)
    pub damage_baseline: Summary,
    /// attacker net profit per requested task on baseline PoCo, nRLC
    pub attacker_profit_baseline: Summary,
    /// the sweep, from the weakest setting to the strongest (the default among them)
    pub points: Vec<FrontierPoint>,
    /// the weakest value from which on (to the end of the sweep) every point is
    /// `unprofitable`, if any
    pub unprofitable_from: Option<f64>,
    /// the weakest value from which on every point is `damage_lower`, if any
    pub damage_lower_from: Option<f64>,
    /// `seed S, runs 0..R`
    pub seeds: String,
}

/// One value of a swept parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontierPoint {
    /// the parameter's value (in its unit: ppm, percent, nRLC, `T`, a count; 0/1 for a flag)
    pub value: f64,
    /// attacker net profit per requested task, nRLC
    pub attacker_profit: Summary,
    /// the threat's damage metric under the attack
    pub damage: Summary,
    /// correct results (finalized, neither wrong nor overturned) per requested task, under
    /// the attack
    pub correct_per_task: Summary,
    /// correct results per requested task without the attack
    pub correct_per_task_no_attack: Summary,
    /// extra requester cost per correct result without the attack, this value minus baseline
    /// PoCo, paired by run id, nRLC (runs with no correct result on either side left out)
    pub honest_cost: Summary,
    /// the attacker's profit CI lies below 0
    pub unprofitable: bool,
    /// the damage is significantly better than on baseline PoCo under the same attack (paired
    /// difference CI on the good side of 0)
    pub damage_lower: bool,
    /// why this value could not be played (a run failed); its summaries are then empty
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_run: Option<String>,
}
