//! Closed forms vs Monte Carlo (issue C item 6): every formula of `analytic` and
//! `lite::closed_form` must lie inside the simulated 95 % confidence interval at fixed seeds
//! and the iExec-specific results must come out of the real core exactly.
//!
//! Tolerance: the estimators are unbiased (the spot-checking ratios over a 5 000–10 000-worker
//! pool are biased by O(1/W), far below the interval width), so the only slack is statistical.
//! A suite checks 20–35 stochastic rows; at 95 % each, one or two would miss by chance.
//! So each row must lie within the Bonferroni-corrected interval (3.29 standard errors,
//! family-wise 5 %), and at most 10 % of the rows (plus one) may fall outside the plain 95 %
//! interval — which also catches intervals that are too wide to mean anything.

use pocolab_sim::analytic;
use pocolab_sim::lite::{self, LiteParams};
use pocolab_sim::rng::stream;
use pocolab_sim::stats::Summary;
use pocolab_sim::validate::{self, ValidateParams, ValidationRow};

fn table(rows: &[ValidationRow]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{:<50} {:<60} formula {:<14.6e} sim {:.6e} ± {:.2e} (n={}) {}\n",
                r.name,
                r.params,
                r.formula,
                r.simulated.mean,
                r.simulated.ci95,
                r.simulated.n,
                if r.agrees { "ok" } else { "DISAGREES" }
            )
        })
        .collect()
}

fn assert_all_agree(rows: &[ValidationRow]) {
    let t = table(rows);
    println!("{t}");
    assert!(
        rows.iter().all(|r| r.within(3.29)),
        "some rows disagree beyond 3.29 SE:\n{t}"
    );
    assert!(
        rows.iter().filter(|r| r.deterministic()).all(|r| r.agrees),
        "a core result differs:\n{t}"
    );
    let stochastic = rows.iter().filter(|r| !r.deterministic()).count();
    let misses = rows
        .iter()
        .filter(|r| !r.deterministic() && !r.agrees)
        .count();
    assert!(
        misses <= stochastic / 10 + 1,
        "{misses} of {stochastic} rows outside their 95 % CI:\n{t}"
    );
}

#[test]
fn default_suite_agrees() {
    let rows = validate::validate(&ValidateParams::default());
    assert!(rows.len() >= 30, "{} rows", rows.len());
    assert_all_agree(&rows);
}

#[test]
fn second_parameter_set_agrees() {
    // different f, e, m, q, n, k, eps_acc and seed: the formulas are not tuned to one point
    let p = ValidateParams {
        f: 0.1,
        e: 0.05,
        m: 5,
        s: Some(0.5),
        q: 0.05,
        n: 40,
        k: 3,
        eps_acc: 1e-3,
        trust: vec![3, 1000],
        seed: 7,
        entries: 10_000,
        workers: 5_000,
        lite_tasks: 5_000,
        lite_replicates: 100,
        market_deals: 3,
        ..ValidateParams::default()
    };
    assert_all_agree(&validate::validate(&p));
}

#[test]
fn pocolite_matches_tooling_closed_form_with_200_seeds() {
    // tooling §2.5: P(wrong) = 0.10371, P(failed) = 0.00781 for N = 1000, f = 0.2, m = 3
    let p = LiteParams::default();
    let (w, f) = lite::closed_form(&p);
    assert!((w - 0.10371).abs() < 5e-6 && (f - 0.00781).abs() < 5e-6);
    let outs: Vec<_> = (0..200)
        .map(|r| lite::run_lite(&p, 10_000, 42, r))
        .collect();
    let sw = Summary::of(&outs.iter().map(|o| o.wrong_rate()).collect::<Vec<_>>());
    let sf = Summary::of(&outs.iter().map(|o| o.failed_rate()).collect::<Vec<_>>());
    assert!(sw.covers(w, 0.0), "wrong {sw:?} vs {w}");
    assert!(sf.covers(f, 0.0), "failed {sf:?} vs {f}");
    // one run of 10k tasks has a binomial SD of about 0.0030 (tooling §2.5)
    assert!(
        (sw.sd - (w * (1.0 - w) / 10_000.0).sqrt()).abs() < 0.0006,
        "{}",
        sw.sd
    );
}

#[test]
fn mfirst_voting_across_the_spec_table() {
    // sabotage-tolerance §1.2 table: m-first error and exact redundancy, f ∈ {0.05, 0.3}, m ∈ {2, 4}
    for (f, m) in [(0.05, 2u32), (0.3, 2), (0.3, 4)] {
        let (mut e, mut n) = (Vec::new(), Vec::new());
        for r in 0..30 {
            let (a, b) = validate::mc_mfirst(&mut stream(11, r, "t:mfirst", 0), f, m, true, 10_000);
            e.push(a);
            n.push(b);
        }
        let (se, sn) = (Summary::of(&e), Summary::of(&n));
        assert!(
            se.covers(analytic::mfirst_error(f, m), 0.0),
            "f={f} m={m} {se:?} vs {}",
            analytic::mfirst_error(f, m)
        );
        assert!(
            sn.covers(analytic::mfirst_redundancy(f, m), 0.0),
            "f={f} m={m} {sn:?}"
        );
    }
}
