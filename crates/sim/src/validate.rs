//! Monte Carlo counterparts of the closed forms of [`crate::analytic`] and
//! [`crate::lite::closed_form`], and the validation table (issue C item 6).
//!
//! Every Monte Carlo value is a replicate mean over independent ChaCha8 streams
//! `rng::stream(seed, replicate, "validate:<experiment>", 0)`, summarised with a Student-t 95 %
//! interval ([`Summary`]). A row *agrees* when the formula lies inside that interval.
//! Rows computed through the PoCo state machine that are deterministic (the worked example,
//! the F2 threshold search) have `n = 1`, `ci95 = 0` and agree only on exact equality.
//!
//! Modelling choices (sabotage-tolerance §5):
//! - voting: infinite pool (independent draws), saboteurs of rate `s = 1`, so a result is bad
//!   with probability `p = f`; colluding bad values (all identical) unless stated; the stop
//!   rule is checked after every result;
//! - spot-checking: model B1 (each of the `n` real objects preceded by a spotter with
//!   probability `q`), a fixed fraction `round(f·W)/W` of saboteurs (the formula is evaluated
//!   at that fraction), blacklisting on the first failed spotter, backtracking discards every
//!   result of the caught identity; without blacklisting the saboteur re-enters at once under a
//!   new identity, and both the *discard* and the *redo* conventions are reported;
//! - credibility: the exact posterior after `k` passed checks (prior saboteur probability `f`,
//!   rate `s`), and credibility-based voting with every `CrR = 1 − f`;
//! - iExec: the real core, through the market (`pocolab_sim::run`) or `fixtures::World`.

use pocolab_core::constants::RLC;
use pocolab_core::fixtures::{OrderParams, World, digest};
use pocolab_core::orders::result_hash;
use pocolab_core::{TaskStatus, U256};
use rand::RngExt;

use crate::analytic::{self, SpotModel};
use crate::config::{Attack, MarketConfig};
use crate::lite::{self, LiteParams};
use crate::rng::{SimRng, stream};
use crate::stats::Summary;

/// Parameters of the validation suite.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateParams {
    /// saboteur fraction `f`
    pub f: f64,
    /// honest error rate `e` (PoCo-lite)
    pub e: f64,
    /// replicas `m` (PoCo-lite) and voting parameter `m` (m-first voting)
    pub m: u32,
    /// sabotage rate against spot-checking with blacklisting (`None`: the optimal `s*`)
    pub s: Option<f64>,
    /// spot-check rate `q`
    pub q: f64,
    /// work objects per worker in a batch `n`
    pub n: u64,
    /// passed spot-checks `k` for the credibility posterior
    pub k: u64,
    /// acceptable error `1 − θ` of credibility-based voting
    pub eps_acc: f64,
    /// trust levels for F1 / F2
    pub trust: Vec<u64>,
    /// Monte Carlo replicates per row
    pub replicates: usize,
    /// master seed
    pub seed: u64,
    /// entries (tasks) per replicate for voting and credibility voting
    pub entries: u64,
    /// worker population per replicate for spot-checking and the posterior
    pub workers: u64,
    /// PoCo-lite: workers
    pub lite_workers: usize,
    /// PoCo-lite: tasks per replicate
    pub lite_tasks: u64,
    /// PoCo-lite: replicates (tooling §2.5 asks for ≥ 100)
    pub lite_replicates: usize,
    /// market runs: deals per run
    pub market_deals: u64,
}

impl Default for ValidateParams {
    fn default() -> Self {
        Self {
            f: 0.2,
            e: 0.01,
            m: 3,
            s: None,
            q: 0.1,
            n: 100,
            k: 10,
            eps_acc: 0.01,
            trust: vec![2, 5, 100, 10_000, 1_000_000],
            replicates: 30,
            seed: 42,
            entries: 20_000,
            workers: 10_000,
            lite_workers: 1000,
            lite_tasks: 10_000,
            lite_replicates: 200,
            market_deals: 10,
        }
    }
}

/// One line of the validation table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationRow {
    /// what is validated (with the spec's id)
    pub name: String,
    /// the parameters of this row
    pub params: String,
    /// the closed-form value
    pub formula: f64,
    /// the simulated replicate summary
    pub simulated: Summary,
    /// formula inside the simulated 95 % CI (exact equality for deterministic rows), and the
    /// row's side condition (e.g. a bound the spec states) holds
    pub agrees: bool,
    /// the row's side condition (`true` when it has none)
    pub side_condition: bool,
}

impl ValidationRow {
    /// Does the formula lie within the interval widened to `z` standard errors (`z = 1.96` is
    /// the 95 % CI itself; `3.29` is the Bonferroni-corrected one for a family of about 50
    /// rows at 5 % family-wise error)? Deterministic rows need exact equality.
    pub fn within(&self, z: f64) -> bool {
        let det = self.simulated.n <= 1;
        let ok = if det {
            self.formula == self.simulated.mean
        } else {
            self.simulated.covers(
                self.formula,
                self.simulated.ci95 * (z / 1.96 - 1.0).max(0.0),
            )
        };
        ok && self.side_condition
    }

    /// Is the row deterministic (computed once through the core)?
    pub fn deterministic(&self) -> bool {
        self.simulated.n <= 1
    }
}

fn row(name: &str, params: String, formula: f64, values: &[f64]) -> ValidationRow {
    let simulated = Summary::of(values);
    ValidationRow {
        name: name.into(),
        params,
        formula,
        agrees: simulated.covers(formula, 0.0),
        simulated,
        side_condition: true,
    }
}

fn exact(name: &str, params: String, formula: f64, value: f64) -> ValidationRow {
    let simulated = Summary {
        n: 1,
        mean: value,
        sd: 0.0,
        ci95: 0.0,
    };
    ValidationRow {
        name: name.into(),
        params,
        formula,
        agrees: formula == value,
        simulated,
        side_condition: true,
    }
}

fn rng(seed: u64, rep: usize, what: &str) -> SimRng {
    stream(seed, rep as u64, &format!("validate:{what}"), 0)
}

// ------------------------------------------------------------------------------------------
// Monte Carlo experiments

/// m-first voting over `entries` entries, each result bad with probability `p`. With
/// `colluding` all bad results agree (they can win); otherwise they are all distinct and the
/// entry waits for `m` good results. Returns `(error rate, mean results per entry)`.
pub fn mc_mfirst(rng: &mut SimRng, p: f64, m: u32, colluding: bool, entries: u64) -> (f64, f64) {
    let (mut bad_accepted, mut results) = (0u64, 0u64);
    for _ in 0..entries {
        let (mut good, mut bad) = (0u32, 0u32);
        loop {
            results += 1;
            if rng.random_bool(p) {
                bad += 1;
                if colluding && bad == m {
                    bad_accepted += 1;
                    break;
                }
            } else {
                good += 1;
                if good == m {
                    break;
                }
            }
        }
    }
    (
        bad_accepted as f64 / entries as f64,
        results as f64 / entries as f64,
    )
}

/// Fixed-size majority voting over `2m − 1` results (colluding bad values): error rate.
pub(crate) fn mc_majority(rng: &mut SimRng, p: f64, m: u32, entries: u64) -> f64 {
    let mut wrong = 0u64;
    for _ in 0..entries {
        let bad = (0..2 * m - 1).filter(|_| rng.random_bool(p)).count() as u32;
        if bad >= m {
            wrong += 1;
        }
    }
    wrong as f64 / entries as f64
}

/// Spot-checking with blacklisting and backtracking, model B1: `workers` workers of which
/// `round(f·workers)` saboteurs of rate `s`; each processes `n` real objects, each preceded by
/// a spotter with probability `q`. Returns `(error over accepted results, saboteur survival)`.
pub(crate) fn mc_spot_blacklist(
    rng: &mut SimRng,
    f: f64,
    s: f64,
    q: f64,
    n: u64,
    workers: u64,
) -> (f64, f64) {
    let sab = (f * workers as f64).round() as u64;
    let (mut accepted, mut bad, mut survivors) = ((workers - sab) * n, 0u64, 0u64);
    for _ in 0..sab {
        let mut mine = 0u64;
        let mut caught = false;
        for _ in 0..n {
            if rng.random_bool(q) && rng.random_bool(s) {
                caught = true; // blacklisted; backtracking discards all its results
                break;
            }
            if rng.random_bool(s) {
                mine += 1;
            }
        }
        if !caught {
            survivors += 1;
            accepted += n;
            bad += mine;
        }
    }
    (
        bad as f64 / accepted as f64,
        survivors as f64 / sab.max(1) as f64,
    )
}

/// Spot-checking without blacklisting (B1): a caught saboteur's identity is backtracked and it
/// re-enters at once under a fresh one for its remaining objects. Returns
/// `(error over accepted results [discard], error over all entries [redo])`.
pub(crate) fn mc_spot_noblacklist(
    rng: &mut SimRng,
    f: f64,
    s: f64,
    q: f64,
    n: u64,
    workers: u64,
) -> (f64, f64) {
    let sab = (f * workers as f64).round() as u64;
    let (mut accepted, mut bad) = ((workers - sab) * n, 0u64);
    for _ in 0..sab {
        let (mut cur, mut cur_bad) = (0u64, 0u64);
        for _ in 0..n {
            if rng.random_bool(q) && rng.random_bool(s) {
                cur = 0; // this identity's results are discarded, a new one starts
                cur_bad = 0;
            }
            cur += 1;
            if rng.random_bool(s) {
                cur_bad += 1;
            }
        }
        accepted += cur;
        bad += cur_bad;
    }
    (
        bad as f64 / accepted as f64,
        bad as f64 / (workers * n) as f64,
    )
}

/// Posterior that the next result of a worker that passed `k` spot-checks is bad: `workers`
/// workers, each a saboteur (rate `s`) with probability `f`; a failed check removes the worker.
pub(crate) fn mc_posterior(rng: &mut SimRng, f: f64, s: f64, k: u64, workers: u64) -> f64 {
    let (mut survivors, mut bad) = (0u64, 0u64);
    for _ in 0..workers {
        if !rng.random_bool(f) {
            survivors += 1;
            continue;
        }
        if (0..k).all(|_| !rng.random_bool(s)) {
            survivors += 1;
            if rng.random_bool(s) {
                bad += 1;
            }
        }
    }
    bad as f64 / survivors as f64
}

/// Credibility-based voting without spot-checking (every `CrR = 1 − f`, colluding saboteurs
/// of rate 1): results arrive until a result group reaches `CrG ≥ θ` (group credibility by
/// [`analytic::group_credibility`]). Returns `(error rate, mean results per entry)`.
pub(crate) fn mc_credibility_voting(
    rng: &mut SimRng,
    f: f64,
    theta: f64,
    entries: u64,
) -> (f64, f64) {
    let cr = vec![1.0 - f; 1024];
    let (mut wrong, mut results) = (0u64, 0u64);
    for _ in 0..entries {
        let (mut a, mut b) = (0usize, 0usize);
        loop {
            results += 1;
            if rng.random_bool(f) {
                b += 1
            } else {
                a += 1
            }
            let groups: Vec<&[f64]> = [a, b]
                .iter()
                .filter(|&&x| x > 0)
                .map(|&x| &cr[..x])
                .collect();
            let g = analytic::group_credibility(&groups);
            let (ga, gb) = match (a > 0, b > 0) {
                (true, true) => (g[0], g[1]),
                (true, false) => (g[0], 0.0),
                _ => (0.0, g[0]),
            };
            if gb >= theta {
                wrong += 1;
                break;
            }
            if ga >= theta || a + b >= cr.len() {
                break;
            }
        }
    }
    (
        wrong as f64 / entries as f64,
        results as f64 / entries as f64,
    )
}

/// F1 through the market: the scheduler authorises only its fresh Sybils (500 of them, so
/// scores stay ≤ 11 and weights 2), which agree on a wrong value. Returns per replicate
/// `(contributions per finalised task, wrong-acceptance rate)`.
pub(crate) fn market_fresh_sybils(
    trust: u64,
    deals: u64,
    seed: u64,
    replicates: usize,
) -> Vec<(f64, f64)> {
    let cfg = MarketConfig {
        deals,
        trust,
        max_replicas: 64,
        attack: Attack::SchedulerSybils {
            sybils: 500,
            external_gain_nrlc: 0,
        },
        ..MarketConfig::default()
    };
    (0..replicates)
        .map(|r| {
            let m = crate::run(&cfg, seed, r as u64).expect("valid market configuration");
            (
                m.replicas as f64 / m.finalized.max(1) as f64,
                m.wrong_rate(),
            )
        })
        .collect()
}

/// F2 through the market: one deal, honest workers all starting at `score`; returns the
/// contributions the task needed, per replicate.
pub(crate) fn market_solo(trust: u64, score: u64, seed: u64, replicates: usize) -> Vec<f64> {
    let cfg = MarketConfig {
        deals: 1,
        trust,
        initial_score: score,
        max_replicas: 64,
        ..MarketConfig::default()
    };
    (0..replicates)
        .map(|r| {
            let m = crate::run(&cfg, seed, r as u64).expect("valid market configuration");
            m.replicas as f64 / m.finalized.max(1) as f64
        })
        .collect()
}

/// Does one contribution by a worker of score `score` reach consensus at `trust` in the core?
pub(crate) fn core_solo_consensus(trust: u64, score: u64) -> bool {
    let mut w = World::new(1, false);
    let o = w.orders(&OrderParams {
        trust: U256::from(trust),
        ..Default::default()
    });
    let deal = w.match_orders(&o).expect("zero-price match");
    let t = w.initialize(deal, 0).expect("initialize");
    w.set_score(0, score);
    w.contribute(0, t, digest("42")).expect("contribute");
    w.poco.view_task(t).status == TaskStatus::Revealing
}

/// F2 in the core: the smallest score whose lone contribution reaches consensus (binary search
/// on the core's verdict).
pub(crate) fn core_solo_threshold(trust: u64) -> u64 {
    let (mut lo, mut hi) = (0u64, 4 * (trust + 1) + 16);
    assert!(core_solo_consensus(trust, hi));
    if core_solo_consensus(trust, 0) {
        return 0;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if core_solo_consensus(trust, mid) {
            hi = mid
        } else {
            lo = mid
        }
    }
    hi
}

/// The documentation's worked example played on the core (signatures off). Returns
/// `(credibility of "42" after the 3rd contribution, consensus reached [1/0], rewards of the
/// three workers in nRLC, the scheduler's reward in nRLC)`.
pub(crate) fn core_worked_example() -> (f64, f64, [u64; 3], u64) {
    let u = U256::from;
    let mut w = World::new(3, false);
    let sched = w.actors.scheduler.address();
    let env = w.env(sched);
    w.poco
        .change_policy(&env, w.workerpool, u(35), u(5))
        .expect("policy");
    let p = OrderParams {
        dataset_price: u(RLC),
        workerpool_price: u(20 * RLC),
        trust: u(100),
        ..Default::default()
    };
    let o = w.orders(&p);
    let req = w.actors.requester.address();
    w.fund(req, u(21 * RLC)).expect("fund");
    w.fund(sched, u(6 * RLC)).expect("fund");
    for i in 0..3 {
        w.fund(w.worker(i), u(7 * RLC)).expect("fund");
    }
    let deal = w.match_orders(&o).expect("match");
    let t = w.initialize(deal, 0).expect("initialize");
    for (i, s) in [12, 100, 300].into_iter().enumerate() {
        w.set_score(i, s);
    }
    let (v17, v42) = (digest("17"), digest("42"));
    w.contribute(0, t, v17).expect("contribute");
    w.contribute(1, t, v42).expect("contribute");
    w.contribute(2, t, v42).expect("contribute");
    let task = w.poco.view_task(t);
    let cr = task.group(result_hash(t, v42)).to::<u128>() as f64 / task.total.to::<u128>() as f64;
    let consensus = if task.status == TaskStatus::Revealing {
        1.0
    } else {
        0.0
    };
    w.reveal(1, t, v42).expect("reveal");
    w.reveal(2, t, v42).expect("reveal");
    w.finalize(t, b"result").expect("finalize");
    let gain = |w: &World, a, base: u64| {
        (w.poco.view_account(a).balance.to::<u128>() as i128 - base as i128).max(0) as u64
    };
    let rewards = [0, 1, 2].map(|i| gain(&w, w.worker(i), 7 * RLC));
    (cr, consensus, rewards, gain(&w, sched, 6 * RLC))
}

// ------------------------------------------------------------------------------------------
// the table

/// Run every validation and return the table (formula vs simulation).
pub fn validate(p: &ValidateParams) -> Vec<ValidationRow> {
    let mut rows = Vec::new();
    let reps = p.replicates;
    let (f, m) = (p.f, p.m);

    // PoCo-lite (tooling §2.5)
    let lp = LiteParams {
        workers: p.lite_workers,
        f,
        e: p.e,
        m: m as usize,
        ..LiteParams::default()
    };
    let (pw, pf) = lite::closed_form(&lp);
    let outs: Vec<_> = (0..p.lite_replicates)
        .map(|r| lite::run_lite(&lp, p.lite_tasks, p.seed, r as u64))
        .collect();
    let ps = format!(
        "N={} f={f} e={} m={m} T={} reps={}",
        p.lite_workers, p.e, p.lite_tasks, p.lite_replicates
    );
    rows.push(row(
        "PoCo-lite P(wrong accepted)",
        ps.clone(),
        pw,
        &outs.iter().map(|o| o.wrong_rate()).collect::<Vec<_>>(),
    ));
    rows.push(row(
        "PoCo-lite P(failed)",
        ps,
        pf,
        &outs.iter().map(|o| o.failed_rate()).collect::<Vec<_>>(),
    ));

    // (a) voting, p = f (s = 1)
    let vp = format!("p=f={f} m={m} entries={} reps={reps}", p.entries);
    let mut col = (Vec::new(), Vec::new());
    let mut dis = Vec::new();
    let mut maj = Vec::new();
    for r in 0..reps {
        let (e, n) = mc_mfirst(&mut rng(p.seed, r, "mfirst"), f, m, true, p.entries);
        col.0.push(e);
        col.1.push(n);
        dis.push(
            mc_mfirst(
                &mut rng(p.seed, r, "mfirst-distinct"),
                f,
                m,
                false,
                p.entries,
            )
            .1,
        );
        maj.push(mc_majority(
            &mut rng(p.seed, r, "majority"),
            f,
            m,
            p.entries,
        ));
    }
    rows.push(row(
        "V: m-first voting error (colluding)",
        vp.clone(),
        analytic::mfirst_error(f, m),
        &col.0,
    ));
    rows.push(row(
        "V: majority of 2m-1 error (colluding)",
        vp.clone(),
        analytic::majority_error(f, m),
        &maj,
    ));
    rows.push(row(
        "V: m-first redundancy E[N] (colluding)",
        vp.clone(),
        analytic::mfirst_redundancy(f, m),
        &col.1,
    ));
    rows.push(row(
        "V: m-first redundancy m/(1-f) (distinct bad)",
        vp,
        analytic::mfirst_redundancy_distinct(f, m),
        &dis,
    ));

    // (b) spot-checking
    let sab = (f * p.workers as f64).round() / p.workers as f64;
    let s =
        p.s.unwrap_or_else(|| analytic::optimal_sabotage_rate(p.q, p.n));
    let sp = format!(
        "f={sab} s={s:.5} q={} n={} W={} reps={reps} (B1)",
        p.q, p.n, p.workers
    );
    let (mut bl, mut surv, mut disc, mut redo) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..reps {
        let (e, sv) = mc_spot_blacklist(
            &mut rng(p.seed, r, "spot-blacklist"),
            f,
            s,
            p.q,
            p.n,
            p.workers,
        );
        bl.push(e);
        surv.push(sv);
        let (d, rd) = mc_spot_noblacklist(
            &mut rng(p.seed, r, "spot-noblacklist"),
            f,
            1.0,
            p.q,
            p.n,
            p.workers,
        );
        disc.push(d);
        redo.push(rd);
    }
    rows.push(row(
        "S: spot-check + blacklist error",
        sp.clone(),
        analytic::spot_blacklist_error(sab, s, p.q, p.n, SpotModel::B1),
        &bl,
    ));
    rows.push(row(
        "S: saboteur survival (1-qs)^n",
        sp,
        analytic::spot_survival(p.q, s, p.n),
        &surv,
    ));
    let np = format!(
        "f={sab} s=1 q={} n={} W={} reps={reps} (B1)",
        p.q, p.n, p.workers
    );
    rows.push(row(
        "S: no blacklist, discard convention",
        np.clone(),
        analytic::spot_noblacklist_error_discard(sab, 1.0, p.q, p.n),
        &disc,
    ));
    rows.push(row(
        "S: no blacklist, redo convention",
        np,
        analytic::spot_noblacklist_error_redo(sab, 1.0, p.q, p.n),
        &redo,
    ));

    // (c) credibility
    let sk = 1.0 / (p.k as f64 + 1.0);
    let post: Vec<f64> = (0..reps)
        .map(|r| mc_posterior(&mut rng(p.seed, r, "posterior"), f, sk, p.k, 10 * p.workers))
        .collect();
    let mut r = row(
        "C: P(bad | k checks passed), s=1/(k+1)",
        format!("f={f} k={} s={sk:.5} W={} reps={reps}", p.k, 10 * p.workers),
        analytic::posterior_bad(f, sk, p.k),
        &post,
    );
    // the credibility Sarmenta assigns must be a lower bound of the true one
    r.side_condition = r.simulated.mean <= 1.0 - analytic::worker_credibility(f, p.k, true);
    r.agrees &= r.side_condition;
    rows.push(r);
    let theta = 1.0 - p.eps_acc;
    let (ce, cn) = analytic::credibility_voting(f, theta);
    let (mut cv_e, mut cv_n) = (Vec::new(), Vec::new());
    for r in 0..reps {
        let (e, n) = mc_credibility_voting(&mut rng(p.seed, r, "cred-voting"), f, theta, p.entries);
        cv_e.push(e);
        cv_n.push(n);
    }
    let cp = format!("f={f} theta={theta} entries={} reps={reps}", p.entries);
    let mut r = row(
        "C: credibility voting error (<= 1-theta)",
        cp.clone(),
        ce,
        &cv_e,
    );
    r.side_condition = ce <= p.eps_acc && r.simulated.mean <= p.eps_acc;
    r.agrees &= r.side_condition;
    rows.push(r);
    rows.push(row("C: credibility voting mean results", cp, cn, &cv_n));

    // iExec: worked example on the core (X1-X5)
    let we = analytic::worked_example();
    let (cr, cons, rewards, sched) = core_worked_example();
    let xp = || "scores 12/100/300, trust 100, P_w=20 RLC, rho=35 sigma=5 (core)".to_string();
    rows.push(exact(
        "X1: Cr(\"42\") = 3168/3172",
        xp(),
        we.credibility,
        cr,
    ));
    rows.push(exact(
        "X2: consensus after 3rd contribution",
        xp(),
        if we.consensus { 1.0 } else { 0.0 },
        cons,
    ));
    rows.push(exact(
        "X3: reward score-100 worker (nRLC)",
        xp(),
        we.rewards[1] as f64,
        rewards[1] as f64,
    ));
    rows.push(exact(
        "X4: reward score-300 worker (nRLC)",
        xp(),
        we.rewards[2] as f64,
        rewards[2] as f64,
    ));
    rows.push(exact(
        "X5: scheduler reward (nRLC)",
        xp(),
        we.scheduler as f64,
        sched as f64,
    ));
    rows.push(exact(
        "X: loser (score 12) reward (nRLC)",
        xp(),
        we.rewards[0] as f64,
        rewards[0] as f64,
    ));

    // F1: fresh Sybils through the market
    for &t in &p.trust {
        let v = market_fresh_sybils(t, p.market_deals, p.seed, reps);
        let fp = format!(
            "trust={t} 500 fresh Sybils deals={} reps={reps} (market)",
            p.market_deals
        );
        rows.push(row(
            "F1: contributions to capture = ceil(log2 t)",
            fp.clone(),
            analytic::fresh_workers_needed(t) as f64,
            &v.iter().map(|x| x.0).collect::<Vec<_>>(),
        ));
        rows.push(row(
            "F1: wrong acceptance with Sybil-only authorisations",
            fp,
            1.0,
            &v.iter().map(|x| x.1).collect::<Vec<_>>(),
        ));
    }
    // F2: solo finaliser
    for &t in &p.trust {
        let s2 = analytic::solo_score_needed(t);
        rows.push(exact(
            "F2: min score to finalise alone: 3(t+1) (0 if t<=2)",
            format!("trust={t} (core binary search)"),
            s2 as f64,
            core_solo_threshold(t) as f64,
        ));
        if t >= 3 {
            let fp = format!("trust={t} honest, 1 deal, reps={reps} (market)");
            rows.push(row(
                "F2: contributions at score 3(t+1)",
                format!("{fp} score={s2}"),
                1.0,
                &market_solo(t, s2, p.seed, reps),
            ));
            rows.push(row(
                "F2: contributions at score 3(t+1)-1",
                format!("{fp} score={}", s2 - 1),
                2.0,
                &market_solo(t, s2 - 1, p.seed, reps),
            ));
        }
    }
    rows
}
