//! `evaluate`: a tiny evaluation is reproducible byte for byte and has the expected cells; the
//! best-response search finds the maximum of a toy function.

use pocolab_sim::evaluate::{
    BASELINE, EvaluateOptions, FULL_STACK, Size, evaluate, experiment_of, mechanisms_targeting,
    strategy_space, successive_halving,
};
use pocolab_sim::evaluation::Evaluation;
use pocolab_sim::threats::{Simulation, catalogue};

#[test]
fn successive_halving_finds_the_best_arm_of_a_toy_function() {
    // arm a has mean −(a − 4)²; the noise depends on the replicate only (common random numbers)
    let f = |a: usize, r: u64| -> Result<f64, ()> {
        let noise = ((r * 7919 % 13) as f64 - 6.0) * 0.3;
        Ok(-((a as f64 - 4.0).powi(2)) + noise)
    };
    let (best, samples) = successive_halving(9, 16, f, |x| *x).unwrap();
    assert_eq!(best, 4);
    assert_eq!(samples[4].len(), 16);
    // the worst arms were dropped after the first round (⌈16/4⌉ = 4 replicates)
    assert_eq!(samples[0].len(), 4);
    assert_eq!(samples[8].len(), 4);
    let total: usize = samples.iter().map(Vec::len).sum();
    assert!(
        total < 9 * 16,
        "successive halving must spare runs: {total}"
    );
    // one arm: all replicates at once; ties go to the lower index
    let (b, s) = successive_halving(1, 5, f, |x| *x).unwrap();
    assert_eq!((b, s[0].len()), (0, 5));
    let (b, _) = successive_halving(3, 8, |_, _| Ok::<f64, ()>(1.0), |x| *x).unwrap();
    assert_eq!(b, 0);
    // non-finite scores rank last
    let (b, _) = successive_halving(
        3,
        8,
        |a, _| Ok::<f64, ()>(if a == 0 { f64::NAN } else { a as f64 }),
        |x| *x,
    )
    .unwrap();
    assert_eq!(b, 2);
}

#[test]
fn strategy_spaces_start_with_the_preset_and_mapping_is_total() {
    for t in catalogue() {
        if let Simulation::Run { cfg, .. } = &t.sim {
            let s = strategy_space(cfg);
            assert!(!s.is_empty());
            assert_eq!(s[0].0, cfg.attack, "{}: the preset comes first", t.id);
            assert!(s.len() <= 16, "{}: strategy space too large", t.id);
            assert!(experiment_of(t.id).starts_with('E'));
        }
    }
    assert_eq!(experiment_of("S1"), "E2");
    assert_eq!(experiment_of("W2"), "E3");
    assert_eq!(experiment_of("R3"), "E6");
    let ids =
        |v: Vec<pocolab_results::Variant>| v.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(mechanisms_targeting("S2")), vec!["M1", "M2", "M7"]);
    assert_eq!(
        ids(mechanisms_targeting("A4")),
        vec!["M1", "M6", "M7", "M4+M6", "M4+M6+M7"]
    );
    assert!(mechanisms_targeting("W1").is_empty());
}

fn tiny() -> EvaluateOptions {
    EvaluateOptions {
        seed: 7,
        replicates: 3,
        size: Size::Small,
        only_threats: vec!["S1".into(), "R3".into()],
        only_mechanisms: vec!["M1".into()],
        ..Default::default()
    }
}

#[test]
fn tiny_evaluation_is_reproducible_and_has_the_expected_cells() {
    let o = tiny();
    let a = evaluate(&o, &|_| {}).unwrap();
    let b = evaluate(&o, &|_| {}).unwrap();
    let ja = serde_json::to_string(&a).unwrap();
    assert_eq!(
        ja,
        serde_json::to_string(&b).unwrap(),
        "same options, same bytes"
    );
    // the JSON reads back (NaN written as null)
    let back: Evaluation = serde_json::from_str(&ja).unwrap();
    assert_eq!(back.matrix.len(), a.matrix.len());
    // frontiers: M1's swept parameters against S1 (R3 is not M1's), max(2, 3/5) replicates
    let fr: Vec<(String, String, String)> = a
        .frontiers
        .iter()
        .map(|f| {
            (
                f.mechanism.to_string(),
                f.parameter.clone(),
                f.threat.clone(),
            )
        })
        .collect();
    assert_eq!(
        fr,
        [("M1", "audit_ppm", "S1"), ("M1", "beta_pct", "S1")].map(|(m, p, t)| (
            m.to_string(),
            p.to_string(),
            t.to_string()
        ))
    );
    assert!(a.frontiers.iter().all(|f| f.seeds.ends_with("runs 0..2")));

    let cells: Vec<(String, String, String)> = a
        .matrix
        .iter()
        .map(|c| {
            (
                c.threat.clone(),
                c.mechanism.to_string(),
                c.experiment.clone(),
            )
        })
        .collect();
    // S1 is targeted by M1: baseline + M1; R3 is not: baseline only (M1–M8 not selected)
    assert_eq!(
        cells,
        vec![
            ("R3".into(), "baseline".into(), "E6".into()),
            ("S1".into(), "baseline".into(), "E2".into()),
            ("S1".into(), "M1".into(), "E2".into())
        ]
    );
    assert!(!a.matrix.iter().any(|c| c.mechanism == FULL_STACK));
    for c in &a.matrix {
        // a variant the current agents cannot play yet (e.g. a bond nobody posts) is an empty cell
        if c.not_run.is_some() {
            assert_ne!(c.mechanism, BASELINE);
            assert_eq!(c.damage.n, 0);
        } else {
            // a run where the damage metric is undefined is left out, never counted as 0
            assert!(c.damage.n <= 3);
            assert_eq!(c.attacker_profit.n, 3);
        }
        assert!(c.damage_baseline.n <= 3);
        if c.mechanism == BASELINE {
            assert!(c.comparisons.is_empty());
            assert_eq!(
                pocolab_results::Verdict::of(c),
                pocolab_results::Verdict::Baseline
            );
        } else if c.not_run.is_none() {
            // a rational attacker: best response and equal strength, each with the whole
            // outcome vector, and the cell's verdict the most severe of theirs
            let kinds: Vec<_> = c.comparisons.iter().map(|k| k.kind).collect();
            assert_eq!(
                kinds,
                [
                    pocolab_results::ComparisonKind::BestResponse,
                    pocolab_results::ComparisonKind::EqualStrength
                ]
            );
            for k in &c.comparisons {
                assert_eq!(k.rows.len(), pocolab_results::Outcome::ALL.len());
            }
            assert_eq!(
                c.verdict,
                pocolab_results::Verdict::combine(c.comparisons.iter().map(|k| k.verdict))
            );
            assert_eq!(
                c.adapts,
                c.comparisons[0].verdict != c.comparisons[1].verdict
            );
        }
        assert_eq!(c.seeds, "seed 7, runs 0..3");
        assert!(!c.best_response.is_empty());
    }
    // baseline: S1 is profitable for the scheduler (1 Sybil at trust 1), never "mitigated"
    let s1 = &a.matrix[1];
    assert!(s1.attacker_profit.mean > 0.0 && !s1.unprofitable && !s1.mitigated);
    assert_eq!(s1.honest_cost.mean, 0.0);
    assert_eq!(
        a.mechanisms
            .iter()
            .map(|m| m.id.to_string())
            .collect::<Vec<_>>(),
        vec!["baseline", "M1"]
    );
    assert_eq!(a.experiments.len(), 11, "E1–E10 and B1");
    let e2 = a.experiments.iter().find(|e| e.id == "E2").unwrap();
    assert_eq!(e2.table.len(), 3, "header + two cells");
    assert!(
        e2.figures
            .iter()
            .all(|f| f.caption.contains(&a.config_hash) && f.caption.contains("seed 7"))
    );
    assert!(
        !e2.figures.is_empty() && e2.figures.len() <= 2,
        "one heatmap per variant (baseline, M1 if it runs)"
    );
    assert!(e2.figures.iter().any(|f| {
        f.heatmap
            .as_ref()
            .is_some_and(|h| h.z.len() == 4 && h.z[0].len() == 6)
    }));
    let e6 = a.experiments.iter().find(|e| e.id == "E6").unwrap();
    assert_eq!(e6.table.len(), 2);
    assert!(
        !a.experiments
            .iter()
            .find(|e| e.id == "E1")
            .unwrap()
            .table
            .is_empty()
    );
    assert!(
        a.experiments
            .iter()
            .find(|e| e.id == "E3")
            .unwrap()
            .table
            .is_empty()
    );

    // the thread count does not matter
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| evaluate(&o, &|_| {}).unwrap());
    assert_eq!(
        ja,
        serde_json::to_string(&one).unwrap(),
        "1 thread vs the global pool"
    );

    // different seed → different results
    let c = evaluate(
        &EvaluateOptions {
            seed: 8,
            ..o.clone()
        },
        &|_| {},
    )
    .unwrap();
    assert_ne!(a.config_hash, c.config_hash);
}

#[test]
fn bad_options_are_refused() {
    assert!(
        evaluate(
            &EvaluateOptions {
                replicates: 1,
                ..tiny()
            },
            &|_| {}
        )
        .is_err()
    );
    assert!(
        evaluate(
            &EvaluateOptions {
                only_threats: vec!["Z9".into()],
                ..tiny()
            },
            &|_| {}
        )
        .is_err()
    );
    assert!(
        evaluate(
            &EvaluateOptions {
                only_mechanisms: vec!["M9".into()],
                ..tiny()
            },
            &|_| {}
        )
        .is_err()
    );
    // market overrides: trust ≥ 1, 0 ≤ honest error rate < 1; the error names the option
    for (o, field) in [
        (
            EvaluateOptions {
                trust: Some(0),
                ..tiny()
            },
            "trust",
        ),
        (
            EvaluateOptions {
                honest_error_rate: Some(1.0),
                ..tiny()
            },
            "honest_error_rate",
        ),
        (
            EvaluateOptions {
                honest_error_rate: Some(-0.1),
                ..tiny()
            },
            "honest_error_rate",
        ),
        (
            EvaluateOptions {
                honest_error_rate: Some(f64::NAN),
                ..tiny()
            },
            "honest_error_rate",
        ),
    ] {
        let e = evaluate(&o, &|_| {}).unwrap_err().to_string();
        assert!(e.contains(field), "{e}");
    }
}

/// A cell depends only on its threat, its variant and the seed: the cells of a narrower
/// selection are byte-identical to the same cells of a wider one (what lets the docs test
/// recompute only the cells the docs quote).
#[test]
fn a_cell_does_not_depend_on_the_selection() {
    let wide = EvaluateOptions {
        only_threats: vec!["S1".into(), "R3".into()],
        only_mechanisms: vec!["M1".into(), "M6".into()],
        ..tiny()
    };
    let narrow = EvaluateOptions {
        only_threats: vec!["S1".into()],
        only_mechanisms: vec!["M6".into()],
        ..tiny()
    };
    let a = pocolab_sim::evaluate::matrix_cells(&wide, &|_| {}).unwrap();
    let b = pocolab_sim::evaluate::matrix_cells(&narrow, &|_| {}).unwrap();
    assert_eq!(b.len(), 2, "S1: baseline and M6");
    for c in &b {
        let same = a
            .iter()
            .find(|x| x.threat == c.threat && x.mechanism == c.mechanism)
            .expect("in the wider selection");
        assert_eq!(
            serde_json::to_string(same).unwrap(),
            serde_json::to_string(c).unwrap()
        );
    }
}
