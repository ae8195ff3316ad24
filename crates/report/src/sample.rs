//! A realistic fixture [`Evaluation`] (made-up numbers, nothing simulated): every figure kind,
//! all three verdicts, not-simulated threats, NaN and exact values, and text that needs
//! escaping. Used by the tests and by `pocolab evaluate --sample` to preview the report.

use pocolab_results::Verdict;
use pocolab_results::Worse;
use pocolab_results::evaluation::{
    Evaluation, ExperimentResult, Figure, FigureKind, Heatmap, MatrixCell, MechanismInfo, Series,
    ThreatInfo,
};
use pocolab_results::{Metric, Summary};

const RLC: f64 = 1e9;
const HASH: &str = "0x5a3ec0ffee5a3ec0ffee5a3ec0ffee5a3ec0ffee5a3ec0ffee5a3ec0ffee0001";
const SEED: u64 = 2026;
const REPS: u64 = 20;

/// Deterministic pseudo-random numbers in [0, 1) (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn sm(mean: f64, ci95: f64) -> Summary {
    let n = REPS as usize;
    Summary {
        n,
        mean,
        sd: ci95 * (n as f64).sqrt() / pocolab_results::stats::t975(n - 1),
        ci95,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Eff {
    Strong,
    Partial,
    None,
}

fn mechanisms() -> Vec<MechanismInfo> {
    let m = |id: &str, name: &str, t: &[&str]| MechanismInfo {
        id: id.parse().expect("a variant id"),
        name: name.into(),
        targets: t.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        m("baseline", "PoCo 6.1.0 (no mechanism)", &[]),
        m(
            "M1",
            "optimistic verification",
            &["S1", "S2", "W1'", "W2", "W3", "W7", "W8", "C4"],
        ),
        m(
            "M2",
            "sampled committees and credibility",
            &["S2", "W2", "W3", "C3"],
        ),
        m(
            "M3",
            "requester bond and failure attribution",
            &["R1", "R3", "R8", "C1"],
        ),
        m(
            "M4",
            "provider bonds and provider faults",
            &["A1", "A2", "A4", "D1", "D2", "D3"],
        ),
        m(
            "M5",
            "fair exchange and pay-on-consumption",
            &["R3", "R8", "C1", "S6"],
        ),
        m(
            "M6",
            "two-sided deposits and disputes",
            &["R1", "A1", "W6", "G2"],
        ),
        m("M7", "reputation ledger", &["S9", "W5", "D5", "W4"]),
        m(
            "M8",
            "market-integrity hardening",
            &["A5", "D4", "S4", "S5", "S7", "C5"],
        ),
        m("M1–M8", "all mechanisms together", &[]),
    ]
}

fn threats() -> Vec<ThreatInfo> {
    let t = |id: &str,
             title: &str,
             attacker: &str,
             victims: &str,
             protection: &str,
             metric: &str,
             not: &str| ThreatInfo {
        id: id.into(),
        title: title.into(),
        attacker: attacker.into(),
        victims: victims.into(),
        protection: protection.into(),
        metric: metric.into(),
        not_simulated: not.into(),
    };
    let loss = "victim_loss_per_task_nrlc";
    let wrong = "wrong_result_rate";
    vec![
        t(
            "R1",
            "per-worker or unstable inputs, refund at claim",
            "requester",
            "workers, pool, providers",
            "✘",
            loss,
            "",
        ),
        t(
            "R3",
            "self-hosted pool free-riding: result obtained, finalize withheld, refund",
            "coalition",
            "app and dataset owners",
            "✘",
            "provider_revenue_ratio",
            "",
        ),
        t(
            "R4",
            "callback griefing",
            "requester",
            "finaliser",
            "◐",
            "",
            "a gas cost only: the core has no gas model; the EVM oracle (issue B) measures callback gas",
        ),
        t(
            "R6",
            "order-volume exhaustion",
            "requester",
            "providers, other requesters",
            "✘",
            "",
            "needs several requesters competing for one provider order's volume; the market has one requester per run",
        ),
        t(
            "A1",
            "non-deterministic app",
            "app provider",
            "workers, pool, requester",
            "✘",
            loss,
            "",
        ),
        t(
            "A4",
            "garbage but deterministic app",
            "app provider",
            "requester",
            "✘",
            wrong,
            "",
        ),
        t(
            "D1",
            "poisoned or garbage dataset",
            "dataset provider",
            "requester",
            "✘",
            wrong,
            "",
        ),
        t(
            "S1",
            "wrong results at trust ≤ 1",
            "scheduler",
            "requester",
            "✘",
            wrong,
            "",
        ),
        t(
            "S2",
            "Sybil capture of consensus at trust ≥ 2",
            "scheduler",
            "requester",
            "✘",
            wrong,
            "",
        ),
        t(
            "S4",
            "request sniping at the max price",
            "scheduler",
            "requester",
            "◐",
            loss,
            "",
        ),
        t(
            "S7",
            "kitty draining by zero-price self-deals",
            "scheduler",
            "all pools",
            "✘",
            "attacker_profit_nrlc",
            "",
        ),
        t(
            "S8",
            "contributor-array deadlock (block gas)",
            "scheduler",
            "requester",
            "◐",
            "",
            "needs a block gas limit; the core executes without gas (the EVM oracle can measure the array gas)",
        ),
        t(
            "W1'",
            "off-chain result sharing",
            "worker",
            "requester",
            "✘",
            wrong,
            "",
        ),
        t(
            "W2",
            "coordinated wrong result",
            "worker",
            "requester, honest dissenters",
            "◐",
            wrong,
            "",
        ),
        t(
            "W6",
            "reveal withholding / late griefing",
            "worker",
            "requester, pool, honest workers",
            "◐",
            "ttf_p50_s",
            "",
        ),
        t(
            "C4",
            "oracle manipulation through a callback (G ≫ P)",
            "coalition",
            "downstream contract",
            "✘",
            "attacker_profit_per_task_nrlc",
            "",
        ),
        t(
            "G3",
            "order-book and signature spam",
            "generic",
            "market API",
            "◐",
            "",
            "off-chain market API load; the simulator has no order-book service to saturate <no API>",
        ),
    ]
}

/// (threat, experiment, worse, no-attack level, baseline damage, baseline profit RLC, effects)
type Row = (
    &'static str,
    &'static str,
    Worse,
    f64,
    f64,
    f64,
    &'static [(&'static str, Eff)],
);

fn rows() -> Vec<Row> {
    use Eff::*;
    use Worse::*;
    vec![
        (
            "R1",
            "E4",
            Higher,
            0.0,
            0.42 * RLC,
            1.9,
            &[
                ("M3", Strong),
                ("M6", Partial),
                ("M8", None),
                ("M1–M8", Strong),
            ],
        ),
        (
            "R3",
            "E4",
            Lower,
            1.0,
            0.31,
            3.2,
            &[("M3", Partial), ("M5", Strong), ("M1–M8", Strong)],
        ),
        (
            "A1",
            "E6",
            Higher,
            0.0,
            0.65 * RLC,
            0.8,
            &[("M4", Strong), ("M6", Strong), ("M1–M8", Strong)],
        ),
        (
            "A4",
            "E6",
            Higher,
            0.002,
            0.97,
            12.0,
            &[("M1", Partial), ("M4", Strong), ("M1–M8", Strong)],
        ),
        (
            "D1",
            "E6",
            Higher,
            0.002,
            0.96,
            11.0,
            &[("M1", Partial), ("M4", Strong), ("M1–M8", Strong)],
        ),
        (
            "S1",
            "E2",
            Higher,
            0.004,
            0.88,
            48.0,
            &[("M1", Strong), ("M2", Partial), ("M1–M8", Strong)],
        ),
        (
            "S2",
            "E2",
            Higher,
            0.004,
            0.71,
            36.0,
            &[
                ("M1", Strong),
                ("M2", Strong),
                ("M7", None),
                ("M1–M8", Strong),
            ],
        ),
        (
            "S4",
            "E7",
            Higher,
            0.0,
            0.21 * RLC,
            0.21,
            &[("M8", Strong), ("M1–M8", Strong)],
        ),
        (
            "S7",
            "E7",
            Higher,
            0.0,
            14.0 * RLC,
            14.0,
            &[("M8", Strong), ("M1–M8", Strong)],
        ),
        (
            "W1'",
            "E2",
            Higher,
            0.1,
            0.27,
            0.4,
            &[("M1", Strong), ("M2", Partial), ("M1–M8", Strong)],
        ),
        (
            "W2",
            "E2",
            Higher,
            0.004,
            0.34,
            17.0,
            &[("M1", Strong), ("M2", Partial), ("M1–M8", Strong)],
        ),
        (
            "W6",
            "E3",
            Higher,
            410.0,
            1650.0,
            -0.05,
            &[("M6", Partial), ("M1–M8", Partial)],
        ),
        (
            "C4",
            "E5",
            Higher,
            0.0,
            990.0 * RLC,
            990.0,
            &[("M1", Partial), ("M2", Partial), ("M1–M8", Strong)],
        ),
    ]
}

fn metric_of(threats: &[ThreatInfo], id: &str) -> String {
    threats
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.metric.clone())
        .unwrap_or_default()
}

fn matrix(threats: &[ThreatInfo], r: &mut Rng) -> Vec<MatrixCell> {
    let mut out = Vec::new();
    for (tid, exp, worse, calm, dmg, profit, effs) in rows() {
        let metric = Metric::from_name(&metric_of(threats, tid))
            .expect("the sample's threats name known metrics");
        let money = metric.is_money();
        let ci = |v: f64, r: &mut Rng| {
            (v.abs() * (0.04 + 0.08 * r.next())).max(if money { 0.002 * RLC } else { 0.002 })
        };
        let base_d = sm(dmg, ci(dmg, r));
        let base_p = sm(profit * RLC, ci(profit * RLC, r).max(0.02 * RLC));
        let calm_s = sm(calm, if calm == 0.0 { 0.0 } else { ci(calm, r) });
        let mut cells: Vec<(&str, Eff)> = vec![("baseline", Eff::None)];
        cells.extend(effs.iter().copied());
        for (mech, eff) in cells {
            let is_base = mech == "baseline";
            // damage moves towards the no-attack level
            let keep = match eff {
                Eff::Strong => 0.02 + 0.06 * r.next(),
                Eff::Partial => 0.35 + 0.3 * r.next(),
                Eff::None => 0.95 + 0.08 * r.next(),
            };
            let d = if is_base {
                dmg
            } else {
                calm + (dmg - calm) * keep
            };
            let damage = if is_base {
                base_d
            } else {
                sm(d, ci(d - calm, r).max(ci(d, r) * 0.5))
            };
            let p = match eff {
                _ if is_base => profit,
                Eff::Strong => -(0.5 + 4.0 * r.next()),
                Eff::Partial => profit * (0.2 + 0.3 * r.next()),
                Eff::None => profit * (0.9 + 0.15 * r.next()),
            } * RLC;
            let attacker_profit = if is_base {
                base_p
            } else {
                sm(p, ci(p, r).max(0.03 * RLC))
            };
            let honest = if is_base {
                0.0
            } else if mech == "M1–M8" {
                0.35 + 0.1 * r.next()
            } else {
                0.01 + 0.2 * r.next()
            } * RLC;
            let honest_cost = if is_base {
                sm(0.0, 0.0)
            } else {
                sm(honest, honest * (0.1 + 0.2 * r.next()))
            };
            let cap = (2.0 + if is_base { 0.0 } else { 6.0 * r.next() }) * 3600.0 * RLC;
            let unprofitable = attacker_profit.hi() < 0.0;
            let mitigated = !is_base && eff != Eff::None;
            let best_response = match tid {
                "S2" | "W2" | "W1'" => {
                    format!("fraction={:.1}", 0.2 + 0.1 * (3.0 * r.next()).floor())
                }
                "S1" | "C4" => format!("sybils={}", 1 + (3.0 * r.next()) as u32),
                "A4" | "D1" => format!("p_garbage={:.2}", 0.5 + 0.5 * r.next()),
                _ => "as catalogued".into(),
            };
            let best_response = if eff == Eff::Strong {
                format!("{best_response} (abstain is better: profit < 0)")
            } else {
                best_response
            };
            out.push(MatrixCell {
                threat: tid.into(),
                mechanism: mech.parse().expect("a variant id"),
                experiment: exp.into(),
                metric,
                worse,
                no_attack: calm_s,
                damage_baseline: base_d,
                damage,
                attacker_profit,
                attacker_profit_baseline: base_p,
                best_response,
                honest_cost,
                capital_time: sm(cap, cap * 0.05),
                unprofitable,
                mitigated,
                seeds: format!("seed {SEED}, runs 0..{REPS}"),
                not_run: None,
                objective: "profit".into(),
                comparisons: Vec::new(),
                // the sample's verdicts follow its invented flags (no comparisons behind them)
                verdict: match (is_base, unprofitable, mitigated) {
                    (true, ..) => Verdict::Baseline,
                    (_, true, true) => Verdict::UnprofitableMitigated,
                    (_, false, true) => Verdict::Mitigated,
                    (_, true, false) => Verdict::Unprofitable,
                    _ => Verdict::NoEffect,
                },
                adapts: false,
                not_needed: false,
                search: String::new(),
            });
        }
    }
    out
}

fn cap(fig: &str, flags: &str) -> String {
    format!("Config hash {HASH}, seed {SEED}, runs 0..{REPS}; {flags}. Data: figures/{fig}.csv.")
}

fn experiments(r: &mut Rng) -> Vec<ExperimentResult> {
    let line_series = |name: &str, slope: f64, r: &mut Rng| Series {
        name: name.into(),
        points: (0..=8)
            .map(|k| {
                let x = k as f64 * 0.05;
                let y = (1.0 / (1.0 + (-(x - 0.3) * slope).exp())).min(1.0)
                    * if name == "baseline" { 1.0 } else { 0.8 };
                (x, sm(y, 0.01 + 0.04 * r.next() * y.max(0.05)))
            })
            .collect(),
    };
    let mut m1 = line_series("M1", 14.0, r);
    // an unmeasured point (no replicate reached the state): NaN, drawn as a gap
    m1.points[4].1 = Summary {
        n: 0,
        mean: f64::NAN,
        sd: f64::NAN,
        ci95: f64::NAN,
    };
    let mut exact = line_series("closed form (Sarmenta)", 25.0, r);
    for p in &mut exact.points {
        p.1 = Summary {
            n: 1,
            mean: p.1.mean,
            sd: 0.0,
            ci95: f64::NAN,
        };
    }
    let e2 = ExperimentResult {
        id: "E2".into(),
        question: "Does replication with M1/M2 keep the wrong-result rate down as the colluding fraction grows (S2, W2, W1')?".into(),
        threats: vec!["S2".into(), "W2".into(), "W1'".into()],
        mechanisms: vec!["baseline".into(), "M1".into(), "M2".into(), "M1–M8".into()],
        table: vec![
            vec!["mechanism".into(), "wrong-result rate at f = 0.3".into(), "attacker profit / task (RLC)".into(), "honest cost / task (RLC)".into()],
            vec!["baseline".into(), "0.340 ± 0.021".into(), "17.0 ± 1.1".into(), "0".into()],
            vec!["M1".into(), "0.012 ± 0.004".into(), "−2.1 ± 0.4".into(), "0.041 ± 0.006".into()],
            vec!["M2".into(), "0.118 ± 0.015".into(), "4.9 ± 0.8".into(), "0.120 ± 0.013".into()],
            vec!["M1–M8".into(), "0.008 ± 0.003".into(), "−3.4 ± 0.5".into(), "0.39 ± 0.04".into()],
        ],
        figures: vec![Figure {
            id: "E2-wrong-vs-fraction".into(),
            title: "Wrong-result rate vs colluding worker fraction".into(),
            kind: FigureKind::Line,
            x_label: "colluding fraction f".into(),
            y_label: "wrong-result rate".into(),
            series: vec![line_series("baseline", 22.0, r), m1, line_series("M2", 18.0, r), line_series("M1–M8", 10.0, r), exact],
            heatmap: None,
            caption: cap("E2-wrong-vs-fraction", "trust 3, M1 audit rate 10 %, M2 committee 5"),
        }],
        finding: "M1 cuts the wrong-result rate at f = 0.3 from 0.340 ± 0.021 to 0.012 ± 0.004 and makes collusion unprofitable (profit < 0 & damage ↓); M2 alone only mitigates.".into(),
    };
    let cdf = |name: &str, scale: f64| Series {
        name: name.into(),
        points: (1..=20)
            .map(|k| {
                (
                    scale * (k as f64 / 20.0).powf(1.6) * 3600.0,
                    sm(k as f64 / 20.0, 0.0),
                )
            })
            .collect(),
    };
    let e3 = ExperimentResult {
        id: "E3".into(),
        question:
            "How much do the mechanisms delay finality, with and without reveal withholding (W6)?"
                .into(),
        threats: vec!["W6".into()],
        mechanisms: vec!["baseline".into(), "M1".into(), "M6".into()],
        table: vec![
            vec![
                "mechanism".into(),
                "p50 time to finality (s)".into(),
                "p95 time to finality (s)".into(),
            ],
            vec!["baseline".into(), "410 ± 12".into(), "1650 ± 80".into()],
            vec!["M1".into(), "3890 ± 40".into(), "7300 ± 120".into()],
            vec!["M6".into(), "620 ± 25".into(), "2010 ± 95".into()],
        ],
        figures: vec![Figure {
            id: "E3-ttf-cdf".into(),
            title: "Time to finality (empirical CDF)".into(),
            kind: FigureKind::Cdf,
            x_label: "time to finality (s)".into(),
            y_label: "fraction of tasks finalised".into(),
            series: vec![cdf("baseline", 0.5), cdf("M1", 2.0), cdf("M6", 0.7)],
            heatmap: None,
            caption: cap("E3-ttf-cdf", "W6 fraction 0.3"),
        }],
        finding: "M1's challenge window adds about an hour to finality; M6 adds 210 ± 28 s.".into(),
    };
    let mut pts: Vec<Series> = Vec::new();
    for (i, m) in ["baseline", "M1", "M2", "M3", "M4", "M6", "M1–M8"]
        .iter()
        .enumerate()
    {
        let capital = 2.0 + i as f64 * 1.3 + r.next();
        let sec = (0.35 - 0.05 * i as f64).max(0.01) * (0.8 + 0.4 * r.next());
        pts.push(Series {
            name: (*m).into(),
            points: vec![(capital, sm(sec, sec * 0.15))],
        });
    }
    let e8 = ExperimentResult {
        id: "E8".into(),
        question: "What does security cost in locked capital (capital × time vs residual damage)?"
            .into(),
        threats: vec!["S2".into(), "W2".into(), "R1".into()],
        mechanisms: pts.iter().map(|s| s.name.clone()).collect(),
        table: vec![
            vec![
                "mechanism".into(),
                "capital × time / task (RLC·h)".into(),
                "residual wrong-result rate".into(),
            ],
            vec!["baseline".into(), "2.0 ± 0.1".into(), "0.34 ± 0.02".into()],
            vec!["M1–M8".into(), "10.7 ± 0.5".into(), "0.010 ± 0.004".into()],
        ],
        figures: vec![Figure {
            id: "E8-capital-frontier".into(),
            title: "Capital vs security frontier".into(),
            kind: FigureKind::Scatter,
            x_label: "capital locked × time per task (RLC·h)".into(),
            y_label: "residual wrong-result rate".into(),
            series: pts,
            heatmap: None,
            caption: cap(
                "E8-capital-frontier",
                "each mechanism at its default parameters",
            ),
        }],
        finding:
            "Security is bought with locked capital: M1–M8 needs about 5× baseline capital × time."
                .into(),
    };
    let xs: Vec<f64> = (1..=8).map(|k| k as f64 * 0.1).collect();
    let ys: Vec<f64> = [0.0, 10.0, 50.0, 100.0, 500.0, 1000.0].into();
    let z: Vec<Vec<f64>> = ys
        .iter()
        .enumerate()
        .map(|(j, g)| {
            xs.iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == 7 && j == 0 {
                        f64::NAN
                    } else {
                        (g * f * f - 2.0 - 8.0 * f) * (0.9 + 0.2 * r.next())
                    }
                })
                .collect()
        })
        .collect();
    let e5 = ExperimentResult {
        id: "E5".into(),
        question: "When is capturing consensus profitable for an external gain G (C4), under M1?".into(),
        threats: vec!["C4".into(), "S1".into()],
        mechanisms: vec!["M1".into()],
        table: vec![
            vec!["external gain G (RLC)".into(), "break-even colluding fraction".into()],
            vec!["100".into(), "0.41 ± 0.03".into()],
            vec!["1000".into(), "0.13 ± 0.02".into()],
        ],
        figures: vec![Figure {
            id: "E5-profit-heatmap".into(),
            title: "Attacker profit per task under M1 (RLC)".into(),
            kind: FigureKind::Heatmap,
            x_label: "colluding fraction".into(),
            y_label: "external gain G (RLC)".into(),
            series: vec![],
            heatmap: Some(Heatmap { x: xs, y: ys, z, z_label: "attacker profit / task (RLC)".into() }),
            caption: cap("E5-profit-heatmap", "M1 audit rate 10 %; the hatched cell was not run"),
        }],
        finding: "With G ≥ 500 RLC the attack pays once f > 0.2 even under M1: M1 alone does not deter G ≫ P.".into(),
    };
    let e1 = ExperimentResult {
        id: "E1".into(),
        question: "Does the simulated baseline reproduce PoCo 6.1.0's facts F1–F7?".into(),
        threats: vec![],
        mechanisms: vec!["baseline".into()],
        table: vec![
            vec![
                "fact".into(),
                "closed form".into(),
                "simulated".into(),
                "agrees".into(),
            ],
            vec![
                "F1 fresh identities for trust 3".into(),
                "3".into(),
                "3".into(),
                "yes".into(),
            ],
            vec![
                "F4 weight floor (score < 9)".into(),
                "1".into(),
                "1".into(),
                "yes".into(),
            ],
            vec![
                "F6 kitty after 20 failures (RLC)".into(),
                "4.00".into(),
                "4.00 ± 0.00".into(),
                "yes".into(),
            ],
        ],
        figures: vec![],
        finding: "All facts F1–F7 agree with the closed forms.".into(),
    };
    vec![e1, e2, e3, e5, e8]
}

/// The fixture evaluation.
pub fn sample_evaluation() -> Evaluation {
    let mut r = Rng(SEED);
    let threats = threats();
    let matrix = matrix(&threats, &mut r);
    Evaluation {
        pocolab_version: env!("CARGO_PKG_VERSION").into(),
        config_hash: HASH.into(),
        seed: SEED,
        replicates: REPS,
        size: "sample (fixture numbers, not simulated)".into(),
        mechanisms: mechanisms(),
        threats,
        matrix,
        experiments: experiments(&mut r),
        frontiers: crate::frontiers::sample(&format!("seed {SEED}, runs 0..4")),
    }
}
