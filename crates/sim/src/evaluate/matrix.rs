//! The threat × mechanism matrix: for every cell, the attacker's best responses (one per
//! objective) against baseline PoCo and against the variant, the equal-strength replay of
//! baseline's best response against the variant, the markets without attack, and from them
//! the cell's outcome vector, its paired comparisons and its verdict
//! ([`pocolab_results::verdict`]).

use pocolab_results::{Change, Comparison, ComparisonKind, Outcome, OutcomeRow};

use super::*;
use crate::threats::Objective;

/// One planned cell.
struct Planned<'t> {
    threat: &'t Threat,
    cfg: MarketConfig,
    metric: Metric,
    worse: Worse,
    variant: Variant,
}

/// The best-response goals of a threat's objective.
fn goals(o: Objective, metric: Metric, worse: Worse) -> Vec<Goal> {
    let damage = |budget_nrlc_per_task| Goal::Damage {
        metric,
        worse,
        budget_nrlc_per_task,
    };
    match o {
        Objective::Profit => vec![Goal::Profit],
        Objective::Damage {
            budget_nrlc_per_task,
        } => vec![damage(budget_nrlc_per_task)],
        Objective::Both {
            budget_nrlc_per_task,
        } => vec![Goal::Profit, damage(budget_nrlc_per_task)],
    }
}

fn search_key(c: &MarketConfig, g: &Goal) -> String {
    format!("{}|{g:?}", key(c))
}

/// The value of outcome `o` in a run under attack `a`, paired with the same market without
/// the attack `c` (same variant, same run id); NaN when undefined.
fn value(o: Outcome, a: &RunMetrics, c: &RunMetrics, damage: Metric) -> f64 {
    let loss = |m: Metric| c.get(m) - a.get(m);
    match o {
        Outcome::Correct => a.get(Metric::CorrectPerTask),
        Outcome::Wrong => a.get(Metric::WrongPerTask),
        Outcome::Unfinished => a.get(Metric::UnfinishedShare),
        Outcome::TtfP50 => a.get(Metric::TtfP50Censored),
        Outcome::TtfP95 => a.get(Metric::TtfP95Censored),
        Outcome::LossRequester => loss(Metric::RequesterNetPerTask),
        Outcome::LossAppOwner => loss(Metric::AppOwnerNetPerTask),
        Outcome::LossDatasetOwner => loss(Metric::DatasetOwnerNetPerTask),
        Outcome::LossPool => loss(Metric::PoolNetPerTask),
        Outcome::LossHonestWorkers => loss(Metric::HonestWorkersNetPerTask),
        Outcome::AttackerProfit => a.attacker_profit_per_task(),
        Outcome::Damage => a.get(damage),
    }
}

/// Why a component has no sample.
fn why_undefined(o: Outcome) -> &'static str {
    match o {
        Outcome::Correct | Outcome::Wrong => "the requesters are the attacker",
        Outcome::TtfP50 => "fewer than half of the requested tasks finished",
        Outcome::TtfP95 => "fewer than 95 % of the requested tasks finished",
        Outcome::LossRequester
        | Outcome::LossAppOwner
        | Outcome::LossDatasetOwner
        | Outcome::LossPool
        | Outcome::LossHonestWorkers => "the role is the attacker's, or absent",
        Outcome::Damage => {
            "the damage metric is undefined in every run (e.g. a rate over no finalized task)"
        }
        Outcome::Unfinished | Outcome::AttackerProfit => "no task was requested",
    }
}

fn column(o: Outcome, atk: &[RunMetrics], calm: &[RunMetrics], damage: Metric) -> Vec<f64> {
    atk.iter()
        .zip(calm)
        .map(|(a, c)| value(o, a, c, damage))
        .collect()
}

/// A comparison of the variant under attack (`av`, with `cv` without attack) against baseline
/// PoCo under attack (`ab`, with `cb`), run id by run id.
#[allow(clippy::too_many_arguments)]
fn compare(
    kind: ComparisonKind,
    goal: &Goal,
    strategies: (&str, &str),
    p: &Planned,
    ab: &[RunMetrics],
    cb: &[RunMetrics],
    av: &[RunMetrics],
    cv: &[RunMetrics],
    not_needed: bool,
) -> Comparison {
    let rows = Outcome::ALL
        .iter()
        .map(|&o| {
            let b = column(o, ab, cb, p.metric);
            let v = column(o, av, cv, p.metric);
            let diff: Vec<f64> = v
                .iter()
                .zip(&b)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| x - y)
                .collect();
            let diff = Summary::of(&diff);
            let worse = o.worse(p.worse);
            let unit = o.unit(p.metric.unit());
            let variant = finite_summary(&v);
            OutcomeRow {
                outcome: o,
                worse,
                unit,
                baseline: finite_summary(&b),
                variant,
                diff,
                change: Change::of(&diff, worse, unit),
                undefined: (variant.n == 0).then(|| why_undefined(o).to_string()),
            }
        })
        .collect();
    let mut c = Comparison {
        kind,
        objective: goal.name().into(),
        baseline_strategy: strategies.0.into(),
        variant_strategy: strategies.1.into(),
        rows,
        correct_without_attack: finite_summary(&col(cv, Metric::CorrectPerTask)),
        verdict: Verdict::NoEffect,
    };
    c.verdict = Verdict::judge(&c, not_needed, *goal == Goal::Profit);
    c
}

/// Is the attack (runs `ab`, paired with `cb` without it) harmful or profitable on baseline
/// PoCo? Rule 3 of the verdict: profitable when its profit is significantly above 0; damaging
/// when a victim's loss, the wrong results, the damage metric or the correct results are
/// significantly worse than without the attack.
fn harmful_on_baseline(ab: &[RunMetrics], cb: &[RunMetrics], metric: Metric, worse: Worse) -> bool {
    let sig_above = |v: &[f64], unit| {
        let s = finite_summary(v);
        Change::of(&s, Worse::Higher, unit) == Change::Worse
    };
    if sig_above(&column(Outcome::AttackerProfit, ab, cb, metric), Unit::Nrlc) {
        return true;
    }
    let loss = Outcome::ALL
        .iter()
        .filter(|o| o.is_loss())
        .any(|&o| sig_above(&column(o, ab, cb, metric), Unit::Nrlc));
    let shift = |m: Metric, w: Worse| {
        let d: Vec<f64> = ab
            .iter()
            .zip(cb)
            .map(|(a, c)| (a.get(m), c.get(m)))
            .filter(|(a, c)| a.is_finite() && c.is_finite())
            .map(|(a, c)| a - c)
            .collect();
        Change::of(&Summary::of(&d), w, m.unit()) == Change::Worse
    };
    loss || shift(Metric::CorrectPerTask, Worse::Lower)
        || shift(Metric::WrongPerTask, Worse::Higher)
        || shift(metric, worse)
}

use pocolab_results::Unit;

/// No-attack runs by market key.
pub(super) type CalmRuns = BTreeMap<String, Vec<RunMetrics>>;

/// The matrix: every planned cell with its comparisons and verdict. Returns the cells and the
/// no-attack runs (the figures reuse them).
pub(super) fn matrix(
    ctx: &Ctx,
    threats: &[&Threat],
    progress: &(dyn Fn(&str) + Sync),
) -> Result<(Vec<MatrixCell>, CalmRuns), SimError> {
    let (seed, reps) = (ctx.opts.seed, ctx.opts.replicates);
    let variants = &ctx.variants;
    let mut planned = Vec::new();
    for t in threats {
        let Simulation::Run {
            cfg, metric, worse, ..
        } = &t.sim
        else {
            continue;
        };
        let cfg = super::presets::with_overrides(&scale_market(cfg, ctx.opts.size), ctx.opts);
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
    // ---- the unique searches (market × goal) and no-attack markets
    let mut searches: BTreeMap<String, (MarketConfig, Goal)> = BTreeMap::new();
    let mut honest: BTreeMap<String, MarketConfig> = BTreeMap::new();
    for p in &planned {
        for v in [BASELINE, p.variant] {
            let c = ctx.with(&p.cfg, v);
            for g in goals(p.threat.objective, p.metric, p.worse) {
                searches.insert(search_key(&c, &g), (c.clone(), g));
            }
            let h = calm(&c);
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
    let search_map: BTreeMap<String, Result<Search, String>> = searches
        .par_iter()
        .map(|(k, (c, g))| {
            let s = run_search(c, reps, seed, *g);
            let i = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let what = match &s {
                Ok(s) => s.label.clone(),
                Err(e) => format!("run failed: {e}"),
            };
            progress(&format!(
                "best response {i}/{n_search}: {} [{}] for {} → {what}",
                crate::threats::attack_kind(&c.attack),
                mechanism_flags(&c.mechanisms),
                g.name()
            ));
            (k.clone(), s.map_err(|e| e.to_string()))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let honest_map = run_markets(&honest, reps, seed);
    // baseline PoCo must run: its failure is a bug, not a mechanism's missing agent behaviour
    for (k, r) in search_map
        .iter()
        .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e)))
        .chain(
            honest_map
                .iter()
                .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e))),
        )
    {
        let json = k.split('|').next().unwrap_or(k);
        let c: MarketConfig = serde_json::from_str(json).expect("own key");
        if c.mechanisms == MechanismsConfig::default() {
            return Err(SimError::Config(format!(
                "baseline run failed ({}): {r}",
                crate::threats::attack_kind(&c.attack)
            )));
        }
    }
    // ---- equal strength: baseline's best response replayed against each variant
    let mut replays: BTreeMap<String, MarketConfig> = BTreeMap::new();
    for p in planned.iter().filter(|p| !p.variant.is_baseline()) {
        let cb = ctx.with(&p.cfg, BASELINE);
        for g in goals(p.threat.objective, p.metric, p.worse) {
            let Ok(sb) = &search_map[&search_key(&cb, &g)] else {
                continue;
            };
            let c = MarketConfig {
                attack: sb.attack.clone(),
                ..ctx.with(&p.cfg, p.variant)
            };
            replays.insert(key(&c), c);
        }
    }
    progress(&format!(
        "matrix: searches done; {} equal-strength replays",
        replays.len()
    ));
    let replay_map = run_markets(&replays, reps, seed);
    let honest_ok: BTreeMap<String, Vec<RunMetrics>> = honest_map
        .iter()
        .filter_map(|(k, r)| r.as_ref().ok().map(|v| (k.clone(), v.clone())))
        .collect();

    let seeds = format!("seed {seed}, runs 0..{reps}");
    let mut out = Vec::new();
    for p in &planned {
        let cb = ctx.with(&p.cfg, BASELINE);
        let cv = ctx.with(&p.cfg, p.variant);
        let gs = goals(p.threat.objective, p.metric, p.worse);
        let hb = honest_map[&key(&calm(&cb))]
            .as_ref()
            .expect("baseline checked");
        let sbs: Vec<&Search> = gs
            .iter()
            .map(|g| {
                search_map[&search_key(&cb, g)]
                    .as_ref()
                    .expect("baseline checked")
            })
            .collect();
        let not_needed = sbs
            .iter()
            .all(|sb| !harmful_on_baseline(&sb.runs, hb, p.metric, p.worse));
        let primary = sbs[0];
        let search = gs
            .iter()
            .zip(&sbs)
            .map(|(g, s)| {
                format!(
                    "{}: {} strategies, {} runs on baseline",
                    g.name(),
                    s.arms,
                    s.budget_runs
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let labels = |ss: &[&Search]| {
            if ss.len() == 1 {
                ss[0].label.clone()
            } else {
                gs.iter()
                    .zip(ss)
                    .map(|(g, s)| format!("{}: {}", g.name(), s.label))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        let mut cell = MatrixCell {
            threat: p.threat.id.to_string(),
            mechanism: p.variant,
            experiment: experiment_of(p.threat.id).to_string(),
            metric: p.metric,
            worse: p.worse,
            no_attack: Summary::of(&[]),
            damage_baseline: finite_summary(&col(&primary.runs, p.metric)),
            damage: Summary::of(&[]),
            attacker_profit: Summary::of(&[]),
            attacker_profit_baseline: finite_summary(&col(
                &primary.runs,
                Metric::AttackerProfitPerTask,
            )),
            best_response: labels(&sbs),
            honest_cost: Summary::of(&[]),
            capital_time: Summary::of(&[]),
            unprofitable: false,
            mitigated: false,
            seeds: seeds.clone(),
            not_run: None,
            objective: p.threat.objective.name().into(),
            comparisons: Vec::new(),
            verdict: Verdict::Baseline,
            adapts: false,
            not_needed,
            search,
        };
        let cost = |runs: &[RunMetrics]| col(runs, Metric::RequesterCostPerCorrect);
        if p.variant.is_baseline() {
            // baseline against itself: 0 wherever the cost is defined
            let hc: Vec<f64> = cost(hb)
                .iter()
                .map(|a| if a.is_finite() { 0.0 } else { f64::NAN })
                .collect();
            cell.honest_cost = finite_summary(&hc);
            cell.no_attack = finite_summary(&col(hb, p.metric));
            cell.damage = cell.damage_baseline;
            cell.attacker_profit = cell.attacker_profit_baseline;
            cell.unprofitable = cell.attacker_profit.n >= 2 && cell.attacker_profit.hi() < 0.0;
            cell.capital_time = finite_summary(&col(hb, Metric::CapitalTimePerTask));
            out.push(cell);
            continue;
        }
        let hv = &honest_map[&key(&calm(&cv))];
        let svs: Result<Vec<&Search>, &String> = gs
            .iter()
            .map(|g| search_map[&search_key(&cv, g)].as_ref())
            .collect();
        let (hv, svs) = match (hv, svs) {
            (Ok(h), Ok(s)) => (h, s),
            (Err(e), _) | (_, Err(e)) => {
                // the variant cannot be played with the current agents: an empty cell that
                // says why
                cell.best_response = format!("{NOT_RUN}{e}");
                cell.not_run = Some(e.clone());
                cell.verdict = Verdict::NotRun;
                out.push(cell);
                continue;
            }
        };
        let mut comparisons = Vec::new();
        for ((g, sb), sv) in gs.iter().zip(&sbs).zip(&svs) {
            comparisons.push(compare(
                ComparisonKind::BestResponse,
                g,
                (&sb.label, &sv.label),
                p,
                &sb.runs,
                hb,
                &sv.runs,
                hv,
                not_needed,
            ));
            let replay = MarketConfig {
                attack: sb.attack.clone(),
                ..cv.clone()
            };
            if let Some(Ok(ev)) = replay_map.get(&key(&replay)) {
                comparisons.push(compare(
                    ComparisonKind::EqualStrength,
                    g,
                    (&sb.label, &sb.label),
                    p,
                    &sb.runs,
                    hb,
                    ev,
                    hv,
                    not_needed,
                ));
            }
        }
        let first = &comparisons[0];
        let damage_row = first.row(Outcome::Damage).expect("every outcome");
        let sv = svs[0];
        cell.no_attack = finite_summary(&col(hv, p.metric));
        cell.damage = finite_summary(&col(&sv.runs, p.metric));
        cell.attacker_profit = finite_summary(&col(&sv.runs, Metric::AttackerProfitPerTask));
        cell.unprofitable = cell.attacker_profit.n >= 2 && cell.attacker_profit.hi() < 0.0;
        cell.mitigated = damage_row.change == Change::Better;
        cell.best_response = labels(&svs);
        let hc: Vec<f64> = cost(hv).iter().zip(cost(hb)).map(|(a, b)| a - b).collect();
        cell.honest_cost = finite_summary(&hc);
        cell.capital_time = finite_summary(&col(hv, Metric::CapitalTimePerTask));
        cell.verdict = Verdict::combine(comparisons.iter().map(|c| c.verdict));
        cell.adapts = comparisons.iter().any(|c| c.verdict != first.verdict);
        cell.comparisons = comparisons;
        out.push(cell);
    }
    Ok((out, honest_ok))
}
