//! Experiment **B1** (baselines, §5.2 item 5: PoCo at `t = 1` on the TEE fast path and at
//! `t ∈ {2, 100, 10⁴}`, each mechanism alone and the full stack; plus the matrix's trust 5):
//! the honest market — nobody attacks — at several trust levels and with honest failure noise
//! (§5.2 item 2), under every protocol variant, so that a mechanism's cost to honest actors
//! shows where the matrix's one market (trust 5, honest workers never err) cannot show it: a
//! mechanism that punishes or refunds on suspicion pays for its **false positives** only when
//! honest workers err.
//!
//! Also the `--trust` / `--honest-error-rate` overrides of `pocolab evaluate`
//! ([`check_overrides`], [`with_overrides`]), which move the whole threat matrix to another
//! trust level or error rate.

use pocolab_core::constants::RLC;
use pocolab_results::Unit;

use super::text::fmt_metric;
use super::*;

/// One baseline market: the threats' base market (`base_market()`: 60 single-task deals,
/// 20 honest workers, prices 1 / 1 / 10 RLC) at a trust level and an honest error rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Preset {
    /// short name, used in tables and figure legends (`t5`, `t100-err5%`)
    pub(crate) name: &'static str,
    /// requested trust `t`
    pub(crate) trust: u64,
    /// at trust 1, the TEE / production path (`contributeAndFinalize`), as the catalogue's
    /// trust-1 threats use it
    pub(crate) fast_path: bool,
    /// probability that an honest replica computes a wrong (random) result
    pub(crate) honest_error_rate: f64,
    /// most replicas the scheduler assigns to one task: PoCo's consensus at trust `t` needs a
    /// group weight above `t − 1`, and a worker with no score weighs 2, so trust 10⁴ needs 14
    /// agreeing newcomers (§0.3 F1: `⌈log₂ t⌉`; the base market's 12 would never finalize a
    /// task)
    pub(crate) max_replicas: u64,
}

/// The honest error rate of the presets that have one: one replica in twenty is wrong.
pub(crate) const ERROR_RATE: f64 = 0.05;

/// The presets of B1: trust 1 (fast path), 2, 5, 100 and 10⁴ with honest workers that never
/// err (§5.2 item 5's baselines, plus the matrix's trust 5),
/// and trust 1, 5 and 100 with an honest error rate of [`ERROR_RATE`]. At trust 1 an honest
/// error is a wrong result accepted (a mechanism that catches it is right); at trust ≥ 2 the
/// consensus outvotes it, so a mechanism that still punishes the erring worker or withholds
/// the result pays a false positive.
pub(crate) const PRESETS: [Preset; 8] = [
    Preset {
        name: "t1",
        trust: 1,
        fast_path: true,
        honest_error_rate: 0.0,
        max_replicas: 12,
    },
    Preset {
        name: "t2",
        trust: 2,
        fast_path: false,
        honest_error_rate: 0.0,
        max_replicas: 12,
    },
    Preset {
        name: "t5",
        trust: 5,
        fast_path: false,
        honest_error_rate: 0.0,
        max_replicas: 12,
    },
    Preset {
        name: "t100",
        trust: 100,
        fast_path: false,
        honest_error_rate: 0.0,
        max_replicas: 12,
    },
    Preset {
        name: "t10000",
        trust: 10_000,
        fast_path: false,
        honest_error_rate: 0.0,
        max_replicas: 16,
    },
    Preset {
        name: "t1-err5%",
        trust: 1,
        fast_path: true,
        honest_error_rate: ERROR_RATE,
        max_replicas: 12,
    },
    Preset {
        name: "t5-err5%",
        trust: 5,
        fast_path: false,
        honest_error_rate: ERROR_RATE,
        max_replicas: 12,
    },
    Preset {
        name: "t100-err5%",
        trust: 100,
        fast_path: false,
        honest_error_rate: ERROR_RATE,
        max_replicas: 12,
    },
];

impl Preset {
    /// Its honest market (no attack, no mechanism) at the evaluation's size.
    pub(crate) fn market(&self, size: Size) -> MarketConfig {
        scale_market(
            &MarketConfig {
                trust: self.trust,
                fast_path: self.fast_path,
                max_replicas: self.max_replicas,
                honest_error_rate: self.honest_error_rate,
                attack: Attack::None,
                ..base_market()
            },
            size,
        )
    }
}

/// Validate the evaluation's market overrides: trust ≥ 1, honest error rate in [0, 1). The
/// error names the option.
pub(crate) fn check_overrides(opts: &EvaluateOptions) -> Result<(), SimError> {
    if let Some(t) = opts.trust
        && t < 1
    {
        return Err(SimError::Config(format!(
            "evaluate: trust must be ≥ 1, got {t}"
        )));
    }
    if let Some(e) = opts.honest_error_rate
        && !(e.is_finite() && (0.0..1.0).contains(&e))
    {
        return Err(SimError::Config(format!(
            "evaluate: honest_error_rate must be in [0, 1), got {e}"
        )));
    }
    Ok(())
}

/// A catalogue market with the evaluation's overrides applied. Each override replaces only a
/// value the market shares with the base market (`base_market()`: trust 5, honest error rate
/// 0), so threats that set their own keep it: the trust-1 threats (S1, W7, C6, … on the fast
/// path), W1' (honest error rate 0.1, what its sharers hide behind), and R7, whose pool's trust
/// is part of the attack (the requester asks for more than the pool accepts). `fast_path` is
/// left as it is: a trust override of 1 runs the classic contribute / reveal path.
pub(crate) fn with_overrides(cfg: &MarketConfig, opts: &EvaluateOptions) -> MarketConfig {
    let base = base_market();
    let mut c = cfg.clone();
    if let Some(t) = opts.trust
        && c.trust == base.trust
        && !matches!(c.attack, Attack::ExtremeTrust { .. })
    {
        c.trust = t;
    }
    if let Some(e) = opts.honest_error_rate
        && c.honest_error_rate == base.honest_error_rate
    {
        c.honest_error_rate = e;
    }
    c
}

/// The runs of one (preset, variant): by run id, or why the variant could not be played.
type Cell = Result<Vec<RunMetrics>, String>;

/// Correct results per requested task: finalized, not wrong, not overturned.
fn correct_per_task(m: &RunMetrics) -> f64 {
    if m.demand_tasks == 0 {
        return f64::NAN;
    }
    (m.finalized - m.wrong_accepted - m.overturned) as f64 / m.demand_tasks as f64
}

/// Wrong results accepted (and not overturned) per requested task.
fn wrong_per_task(m: &RunMetrics) -> f64 {
    if m.demand_tasks == 0 {
        return f64::NAN;
    }
    m.wrong_accepted as f64 / m.demand_tasks as f64
}

/// Paired difference by run id of a metric, variant minus baseline, over the run ids where
/// both are defined.
fn paired(v: &[RunMetrics], b: &[RunMetrics], f: &dyn Fn(&RunMetrics) -> f64) -> Summary {
    let d: Vec<f64> = v.iter().zip(b).map(|(x, y)| f(x) - f(y)).collect();
    finite_summary(&d)
}

/// Experiment B1: for every preset × variant of `variants` (baseline first), the honest market
/// with `replicates` run ids (common random numbers: run `r` of every cell uses seed `seed`,
/// run id `r`), tabulated with 95 % CIs, and a figure of the requester's cost per correct
/// result against trust per variant. A variant whose runs fail is a row that says why; a
/// baseline run failing is an error (a bug, not a mechanism's missing agent behaviour).
pub(crate) fn presets_experiment(
    variants: &[Variant],
    size: Size,
    replicates: u64,
    seed: u64,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ExperimentResult, SimError> {
    let variants: Vec<Variant> = std::iter::once(BASELINE)
        .chain(variants.iter().copied().filter(|v| !v.is_baseline()))
        .collect();
    // every (preset, variant, run id), run in parallel; results regrouped in plan order
    let mut jobs: Vec<(usize, usize, u64)> = Vec::new();
    for pi in 0..PRESETS.len() {
        for vi in 0..variants.len() {
            jobs.extend((0..replicates).map(|r| (pi, vi, r)));
        }
    }
    progress(&format!(
        "B1: {} presets × {} variants, {} runs",
        PRESETS.len(),
        variants.len(),
        jobs.len()
    ));
    let cfgs: Vec<Vec<MarketConfig>> = PRESETS
        .iter()
        .map(|p| {
            let m = p.market(size);
            variants
                .iter()
                .map(|v| MarketConfig {
                    mechanisms: variant_mechanisms(*v),
                    ..m.clone()
                })
                .collect()
        })
        .collect();
    let out: Vec<Result<RunMetrics, SimError>> = jobs
        .par_iter()
        .map(|&(pi, vi, r)| run(&cfgs[pi][vi], seed, r))
        .collect();
    let mut cells: Vec<Vec<Cell>> = PRESETS
        .iter()
        .map(|_| variants.iter().map(|_| Ok(Vec::new())).collect())
        .collect();
    for (&(pi, vi, _), m) in jobs.iter().zip(out) {
        let cell = &mut cells[pi][vi];
        match (cell.as_mut(), m) {
            (Ok(runs), Ok(m)) => runs.push(m),
            (Ok(_), Err(e)) if variants[vi].is_baseline() => {
                return Err(SimError::Config(format!(
                    "B1: baseline run failed at preset {}: {e}",
                    PRESETS[pi].name
                )));
            }
            (Ok(_), Err(e)) => *cell = Err(e.to_string()),
            (Err(_), _) => {}
        }
    }

    let table = table(&variants, &cells, replicates);
    let figures = vec![
        trust_figure(
            &variants,
            &cells,
            size,
            replicates,
            seed,
            Plotted::Cost,
            false,
        ),
        trust_figure(
            &variants,
            &cells,
            size,
            replicates,
            seed,
            Plotted::Cost,
            true,
        ),
        trust_figure(
            &variants,
            &cells,
            size,
            replicates,
            seed,
            Plotted::Correct,
            false,
        ),
        trust_figure(
            &variants,
            &cells,
            size,
            replicates,
            seed,
            Plotted::Correct,
            true,
        ),
    ];
    let finding = finding(&variants, &cells);
    Ok(ExperimentResult {
        id: "B1".into(),
        question: "What does each protocol variant cost honest actors at trust 1, 2, 5, 100 and 10⁴, and when honest workers err (false positives)?".into(),
        threats: Vec::new(),
        mechanisms: variants.iter().map(Variant::to_string).collect(),
        table,
        figures,
        finding,
    })
}

fn preset_label(p: &Preset) -> String {
    format!(
        "trust {}{}, honest error {} %",
        p.trust,
        if p.fast_path { " (fast path)" } else { "" },
        p.honest_error_rate * 100.0
    )
}

fn table(variants: &[Variant], cells: &[Vec<Cell>], replicates: u64) -> Vec<Vec<String>> {
    let mut t = vec![
        [
            "market",
            "variant",
            "runs",
            "fraction finalized",
            "correct results per task",
            "wrong results per task",
            "requester cost per correct result",
            "honest cost vs baseline (paired)",
            "capital × time per task",
            "honest worker income per replica",
            "p95 time to finality",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (pi, p) in PRESETS.iter().enumerate() {
        let base = cells[pi][0].as_ref().expect("baseline checked");
        for (vi, v) in variants.iter().enumerate() {
            let mut row = vec![preset_label(p), v.to_string(), format!("0..{}", replicates)];
            match &cells[pi][vi] {
                Err(e) => {
                    row.push(format!("{NOT_RUN}{e}"));
                    row.extend((0..7).map(|_| "n/a".to_string()));
                }
                Ok(runs) => {
                    let s = |f: &dyn Fn(&RunMetrics) -> f64| {
                        finite_summary(&runs.iter().map(f).collect::<Vec<_>>())
                    };
                    let cost = |m: &RunMetrics| m.get(Metric::RequesterCostPerCorrect);
                    row.extend([
                        fmt_metric(&s(&|m| m.finalized_fraction()), Unit::Ratio),
                        fmt_metric(&s(&correct_per_task), Unit::Ratio),
                        fmt_metric(&s(&wrong_per_task), Unit::Ratio),
                        fmt_metric(&s(&cost), Unit::Nrlc),
                        if v.is_baseline() {
                            "—".into()
                        } else {
                            fmt_metric(&paired(runs, base, &cost), Unit::Nrlc)
                        },
                        fmt_metric(
                            &s(&|m| m.get(Metric::CapitalTimePerTask)),
                            Unit::NrlcSeconds,
                        ),
                        fmt_metric(&s(&|m| m.get(Metric::HonestIncomePerCompute)), Unit::Nrlc),
                        match s(&|m| m.get(Metric::TtfP95)) {
                            x if x.n == 0 => "n/a".into(),
                            x => format!("{} s", x.display(0)),
                        },
                    ]);
                }
            }
            t.push(row);
        }
    }
    t
}

/// What a B1 figure plots against log₁₀ trust.
#[derive(Debug, Clone, Copy)]
enum Plotted {
    /// requester cost per correct result, RLC (a replicate with no correct result left out)
    Cost,
    /// correct results per requested task
    Correct,
}

/// `what` against log₁₀ trust, one series per variant, for the presets whose honest workers
/// never err (`erring = false`) or err.
fn trust_figure(
    variants: &[Variant],
    cells: &[Vec<Cell>],
    size: Size,
    replicates: u64,
    seed: u64,
    what: Plotted,
    erring: bool,
) -> Figure {
    let presets: Vec<usize> = (0..PRESETS.len())
        .filter(|&pi| (PRESETS[pi].honest_error_rate > 0.0) == erring)
        .collect();
    let y_of = |m: &RunMetrics| match what {
        Plotted::Cost => m.get(Metric::RequesterCostPerCorrect) / RLC as f64,
        Plotted::Correct => correct_per_task(m),
    };
    let mut series = Vec::new();
    let mut not_shown = Vec::new();
    for (vi, v) in variants.iter().enumerate() {
        let mut points = Vec::new();
        for &pi in &presets {
            match &cells[pi][vi] {
                Ok(runs) => {
                    let y: Vec<f64> = runs.iter().map(y_of).collect();
                    points.push(((PRESETS[pi].trust as f64).log10(), finite_summary(&y)));
                }
                Err(_) => not_shown.push(format!("{v} at {}", PRESETS[pi].name)),
            }
        }
        series.push(Series {
            name: v.to_string(),
            points,
        });
    }
    let trusts: Vec<String> = presets
        .iter()
        .map(|&pi| PRESETS[pi].trust.to_string())
        .collect();
    let first = &PRESETS[presets[0]];
    let base = first.market(size);
    let caption = format!(
        "No attack. Market: {} deals, {} honest workers, prices 1 / 1 / 10 RLC, honest error rate {} %; trust {} (fast path at trust 1; at most {} replicas per task at trust 10⁴, {} otherwise); seed {seed}, runs 0..{replicates} per point, the same run ids for every variant (common random numbers){}; mechanisms at their defaults{}.",
        base.deals,
        base.honest_workers,
        first.honest_error_rate * 100.0,
        trusts.join(", "),
        PRESETS.iter().map(|p| p.max_replicas).max().unwrap_or(0),
        base_market().max_replicas,
        match what {
            Plotted::Cost => "; a replicate with no correct result is left out",
            Plotted::Correct => "",
        },
        if not_shown.is_empty() {
            String::new()
        } else {
            format!("; not shown, a run failed: {}", not_shown.join(", "))
        }
    );
    let workers = if erring {
        format!("erring ({} %)", ERROR_RATE * 100.0)
    } else {
        "exact".to_string()
    };
    let (id, title, y_label) = match what {
        Plotted::Cost => (
            "cost",
            "Requester cost per correct result",
            "requester cost per correct result (RLC)",
        ),
        Plotted::Correct => (
            "correct",
            "Correct results per requested task",
            "correct results per requested task",
        ),
    };
    Figure {
        id: format!("b1-{id}-vs-trust-{}", if erring { "err" } else { "exact" }),
        title: format!("{title} against trust, honest workers {workers}"),
        kind: FigureKind::Line,
        x_label: "log₁₀ trust".into(),
        y_label: y_label.into(),
        series,
        heatmap: None,
        caption,
    }
}

/// How a variant compares with baseline at one preset, paired by run id (95 %).
#[derive(Debug, Default)]
struct Gap {
    /// significantly fewer correct results per task
    fewer: bool,
    /// significantly dearer per correct result
    dearer: bool,
    /// significantly more wrong results accepted per task
    more_wrong: bool,
    /// significantly fewer wrong results accepted per task (errors caught)
    less_wrong: bool,
    /// no correct result in any run
    vacuous: bool,
    /// a run failed
    not_run: bool,
}

fn gap(cells: &[Vec<Cell>], pi: usize, vi: usize) -> Gap {
    let base = cells[pi][0].as_ref().expect("baseline checked");
    let Ok(runs) = &cells[pi][vi] else {
        return Gap {
            not_run: true,
            ..Gap::default()
        };
    };
    let dc = paired(runs, base, &correct_per_task);
    let dk = paired(runs, base, &|m| m.get(Metric::RequesterCostPerCorrect));
    let dw = paired(runs, base, &wrong_per_task);
    Gap {
        more_wrong: dw.n >= 2 && dw.lo() > 0.0,
        less_wrong: dw.n >= 2 && dw.hi() < 0.0,
        fewer: dc.n >= 2 && dc.hi() < 0.0,
        dearer: dk.n >= 2 && dk.lo() > 0.0,
        vacuous: runs
            .iter()
            .all(|m| m.finalized == m.wrong_accepted + m.overturned),
        not_run: false,
    }
}

/// The finding, from the numbers: what honest errors cost baseline (wrong results at trust 1,
/// the erring workers' income at trust ≥ 2), which variants deliver significantly fewer
/// correct results or cost more per correct result than baseline (paired by run id), which of
/// those appear only when honest workers err (the false-positive cost: the variant is no worse
/// than baseline at the same trust with exact workers), and where a variant delivers nothing.
fn finding(variants: &[Variant], cells: &[Vec<Cell>]) -> String {
    let mean = |pi: usize, vi: usize, f: &dyn Fn(&RunMetrics) -> f64| -> f64 {
        match &cells[pi][vi] {
            Ok(runs) => finite_summary(&runs.iter().map(f).collect::<Vec<_>>()).mean,
            Err(_) => f64::NAN,
        }
    };
    let income = |m: &RunMetrics| m.get(Metric::HonestIncomePerCompute) / RLC as f64;
    let mut out = Vec::new();
    // baseline: what an honest error costs
    let mut base_parts = Vec::new();
    for (pi, p) in PRESETS.iter().enumerate() {
        let twin = PRESETS
            .iter()
            .position(|q| q.trust == p.trust && q.honest_error_rate == 0.0);
        match twin {
            Some(ti) if ti != pi => base_parts.push(format!(
                "at trust {} it delivers {:.3} correct results per task ({:.3} with exact workers) and pays honest workers {:.2} RLC per replica ({:.2})",
                p.trust,
                mean(pi, 0, &correct_per_task),
                mean(ti, 0, &correct_per_task),
                mean(pi, 0, &income),
                mean(ti, 0, &income),
            )),
            _ => {}
        }
    }
    let t_max = PRESETS
        .iter()
        .enumerate()
        .max_by_key(|(_, p)| p.trust)
        .expect("presets");
    out.push(format!(
        "Baseline PoCo finalizes {:.0} % of the tasks at trust {} (max {} replicas); with {} % honest errors {}.",
        100.0 * mean(t_max.0, 0, &|m| m.finalized_fraction()),
        t_max.1.trust,
        t_max.1.max_replicas,
        ERROR_RATE * 100.0,
        base_parts.join("; ")
    ));
    // variants against baseline
    let mut fewer = Vec::new();
    let mut dearer = Vec::new();
    let mut false_pos = Vec::new();
    let mut more_wrong = Vec::new();
    let mut less_wrong = Vec::new();
    let mut vacuous = Vec::new();
    let mut not_run = Vec::new();
    for (vi, v) in variants.iter().enumerate().skip(1) {
        for (pi, p) in PRESETS.iter().enumerate() {
            let g = gap(cells, pi, vi);
            let at = format!("{v} at {}", p.name);
            if g.not_run {
                not_run.push(at);
                continue;
            }
            if g.vacuous {
                vacuous.push(at);
                continue;
            }
            if g.fewer {
                fewer.push(at.clone());
            }
            if g.dearer {
                dearer.push(at.clone());
            }
            if g.more_wrong {
                more_wrong.push(at.clone());
            }
            if g.less_wrong {
                less_wrong.push(at.clone());
            }
            let twin = PRESETS
                .iter()
                .position(|q| q.trust == p.trust && q.honest_error_rate == 0.0);
            if let Some(ti) = twin.filter(|&ti| ti != pi) {
                let t = gap(cells, ti, vi);
                if (g.fewer && !t.fewer)
                    || (g.dearer && !t.dearer)
                    || (g.more_wrong && !t.more_wrong)
                {
                    false_pos.push(at);
                }
            }
        }
    }
    let show = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    out.push(format!(
        "Against baseline at the same preset (paired by run id, 95 %), fewer correct results per task: {}; dearer per correct result: {}; more wrong results accepted: {}. Worse only when honest workers err (the false-positive cost): {}. Fewer wrong results (honest errors caught): {}.",
        show(&fewer),
        show(&dearer),
        show(&more_wrong),
        show(&false_pos),
        show(&less_wrong)
    ));
    if !vacuous.is_empty() {
        out.push(format!(
            "No correct result at all (nothing finalizes): {}.",
            vacuous.join(", ")
        ));
    }
    if !not_run.is_empty() {
        out.push(format!(
            "Not run (a run of the variant failed): {}.",
            not_run.join(", ")
        ));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_the_trust_levels_and_an_erring_market() {
        let trusts: Vec<u64> = PRESETS.iter().map(|p| p.trust).collect();
        for t in [1, 2, 5, 100, 10_000] {
            assert!(trusts.contains(&t), "trust {t}");
        }
        assert!(PRESETS.iter().any(|p| p.honest_error_rate > 0.0));
        for p in &PRESETS {
            let m = p.market(Size::Small);
            assert_eq!((m.trust, m.fast_path), (p.trust, p.trust == 1));
            assert_eq!(m.attack, Attack::None);
            if p.trust < 10_000 {
                assert_eq!(m.max_replicas, base_market().max_replicas);
            }
        }
    }

    #[test]
    fn overrides_replace_only_the_base_markets_values() {
        let opts = EvaluateOptions {
            trust: Some(100),
            honest_error_rate: Some(0.05),
            ..Default::default()
        };
        let base = with_overrides(&base_market(), &opts);
        assert_eq!((base.trust, base.honest_error_rate), (100, 0.05));
        let mut t1 = base_market();
        t1.trust = 1;
        t1.fast_path = true;
        t1.honest_error_rate = 0.1;
        let kept = with_overrides(&t1, &opts);
        assert_eq!((kept.trust, kept.honest_error_rate), (1, 0.1));
        let r7 = MarketConfig {
            attack: Attack::ExtremeTrust { trust: 100 },
            ..base_market()
        };
        assert_eq!(with_overrides(&r7, &opts).trust, 5);
        // unset overrides: nothing changes, and the options' hash is the one without them
        let none = EvaluateOptions::default();
        assert_eq!(with_overrides(&t1, &none), t1);
        assert!(!serde_json::to_string(&none).unwrap().contains("trust"));
        assert!(check_overrides(&opts).is_ok());
    }

    /// Small markets, 3 replicates: every preset runs under baseline and M2 (spot-checks,
    /// slashing), and honest errors cost baseline correct results or money at trust 5.
    #[test]
    fn presets_run_and_honest_errors_cost_something() {
        let variants = [BASELINE, only(2)];
        let e = presets_experiment(&variants, Size::Small, 3, 7, &|_| {}).unwrap();
        assert_eq!(e.id, "B1");
        assert_eq!(e.table.len(), 1 + PRESETS.len() * variants.len());
        assert!(e.table.iter().all(|r| r.len() == e.table[0].len()));
        assert_eq!(e.figures.len(), 4);
        assert!(
            e.finding.contains("at trust 5 it delivers"),
            "{}",
            e.finding
        );
        let again = presets_experiment(&variants, Size::Small, 3, 7, &|_| {}).unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            serde_json::to_string(&again).unwrap()
        );

        // baseline, exact vs erring workers, same run ids
        let by_name = |n: &str| *PRESETS.iter().find(|p| p.name == n).expect(n);
        let runs = |p: Preset| -> Vec<RunMetrics> {
            (0..3)
                .map(|r| run(&p.market(Size::Small), 7, r).unwrap())
                .collect()
        };
        let mean = |v: &[RunMetrics], f: &dyn Fn(&RunMetrics) -> f64| {
            v.iter().map(f).sum::<f64>() / v.len() as f64
        };
        // trust 1: an honest error is a wrong result accepted
        let (exact, erring) = (runs(by_name("t1")), runs(by_name("t1-err5%")));
        assert!(mean(&erring, &correct_per_task) < mean(&exact, &correct_per_task));
        assert!(mean(&erring, &wrong_per_task) > 0.0);
        // trust 5: the consensus outvotes it, but the erring workers lose their stake and
        // the task waits for more replicas
        let (exact, erring) = (runs(by_name("t5")), runs(by_name("t5-err5%")));
        let income = |m: &RunMetrics| m.get(Metric::HonestIncomePerCompute);
        let capital = |m: &RunMetrics| m.get(Metric::CapitalTimePerTask);
        assert!(
            mean(&erring, &income) < mean(&exact, &income)
                || mean(&erring, &capital) > mean(&exact, &capital),
            "honest errors cost nothing on baseline at trust 5"
        );
    }
}
