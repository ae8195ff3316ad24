//! Closed forms the simulator must reproduce (sabotage-tolerance.md §1, §1.5, §3;
//! threats-and-mechanisms.md §0.3 F1–F2; tooling.md §2.5). Their Monte Carlo counterparts
//! are in [`crate::validate`].
//!
//! Notation: `f` saboteur fraction, `s` sabotage rate, `p = f·s` probability that one result
//! is bad, `m` voting parameter (m-first voting), `q` spot-check rate, `n` work objects per
//! worker in a batch, `k` passed spot-checks, `θ` credibility threshold.

// ------------------------------------------------------------------------------------------
// combinatorics

/// `ln C(n, k)` (exact summation of logs; fine for the sizes used here).
pub(crate) fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    let k = k.min(n - k);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// `C(n, k)` as a float.
pub(crate) fn choose(n: u64, k: u64) -> f64 {
    ln_choose(n, k).exp()
}

/// `P(X = k)` for `X ~ Binomial(n, p)`.
pub(crate) fn binomial_pmf(n: u64, k: u64, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
}

/// `P(X = k)` for `X ~ Hypergeometric(population, successes, draws)`.
pub(crate) fn hypergeometric(population: u64, successes: u64, draws: u64, k: u64) -> f64 {
    if k > successes || k > draws || draws - k > population - successes {
        return 0.0;
    }
    (ln_choose(successes, k) + ln_choose(population - successes, draws - k)
        - ln_choose(population, draws))
    .exp()
}

// ------------------------------------------------------------------------------------------
// (a) voting, §1.2

/// Error of majority voting over `2m − 1` results with colluding bad values:
/// `Σ_{j=m}^{2m−1} C(2m−1, j) p^j (1−p)^{2m−1−j}`.
pub(crate) fn majority_error(p: f64, m: u32) -> f64 {
    let n = 2 * m as u64 - 1;
    (m as u64..=n).map(|j| binomial_pmf(n, j, p)).sum()
}

/// Error of m-first voting (first value with `m` matching results wins), race form:
/// `Σ_{j=0}^{m−1} C(m−1+j, j) p^m (1−p)^j` — equal to `majority_error` for all `p`, `m`.
pub fn mfirst_error(p: f64, m: u32) -> f64 {
    let m = m as u64;
    (0..m)
        .map(|j| (ln_choose(m - 1 + j, j) + m as f64 * p.ln() + j as f64 * (1.0 - p).ln()).exp())
        .sum()
}

/// Exact mean number of results per entry of m-first voting with colluding bad values:
/// `Σ_{j=0}^{m−1} (m+j) C(m−1+j, j) [(1−p)^m p^j + p^m (1−p)^j]`.
pub fn mfirst_redundancy(p: f64, m: u32) -> f64 {
    let m = m as u64;
    (0..m)
        .map(|j| {
            let c = choose(m - 1 + j, j);
            (m + j) as f64
                * c
                * ((1.0 - p).powi(m as i32) * p.powi(j as i32)
                    + p.powi(m as i32) * (1.0 - p).powi(j as i32))
        })
        .sum()
}

/// Mean results per entry of m-first voting when bad values never agree (negative binomial,
/// Sarmenta's `m/(1−f)` figure of merit); the error is then 0.
pub(crate) fn mfirst_redundancy_distinct(p: f64, m: u32) -> f64 {
    m as f64 / (1.0 - p)
}

/// Smallest `m` with `mfirst_error(p, m) ≤ eps` (`None` above `max_m`).
#[cfg(test)] // a formula-only check (docs/validation.md)
fn votes_needed(p: f64, eps: f64, max_m: u32) -> Option<u32> {
    (1..=max_m).find(|&m| mfirst_error(p, m) <= eps)
}

// ------------------------------------------------------------------------------------------
// (b) spot-checking, §1.3

/// Bookkeeping variant of spot-checking (§1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpotModel {
    /// n real objects, each preceded by a spotter with probability q (overhead 1 + q)
    B1,
    /// n turns, each a spotter with probability q (exponent n − 1 after conditioning)
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "chosen only by the formula-only checks")
    )]
    B2,
}

/// The saboteur's best rate against blacklisting, `s* = min(1, 1/(q(n+1)))`.
pub(crate) fn optimal_sabotage_rate(q: f64, n: u64) -> f64 {
    (1.0 / (q * (n as f64 + 1.0))).min(1.0)
}

/// Probability that a saboteur of rate `s` survives a batch: `(1 − q s)^n`.
pub(crate) fn spot_survival(q: f64, s: f64, n: u64) -> f64 {
    (1.0 - q * s).powf(n as f64)
}

/// Error with blacklisting + backtracking:
/// `s f (1−qs)^n / ((1−f) + f (1−qs)^n)` (B1; B2 replaces n by n − 1).
pub(crate) fn spot_blacklist_error(f: f64, s: f64, q: f64, n: u64, model: SpotModel) -> f64 {
    let n = match model {
        SpotModel::B1 => n,
        SpotModel::B2 => n.saturating_sub(1),
    };
    let a = spot_survival(q, s, n);
    s * f * a / ((1.0 - f) + f * a)
}

/// Sarmenta's bound with blacklisting, `f / ((1−f) q n e)`.
#[cfg(test)] // a formula-only check (docs/validation.md)
fn spot_blacklist_bound(f: f64, q: f64, n: u64) -> f64 {
    f / ((1.0 - f) * q * n as f64 * std::f64::consts::E)
}

/// Error without blacklisting, discard convention (over accepted results), with
/// `A = 1 − (1−qs)^n`: `(f A / q) / ((1−f) n + f A / (q s))`.
pub(crate) fn spot_noblacklist_error_discard(f: f64, s: f64, q: f64, n: u64) -> f64 {
    let a = 1.0 - spot_survival(q, s, n);
    (f * a / q) / ((1.0 - f) * n as f64 + f * a / (q * s))
}

/// Error without blacklisting, redo convention (over all entries): `f A / (q n) ≤ f/(q n)`.
pub(crate) fn spot_noblacklist_error_redo(f: f64, s: f64, q: f64, n: u64) -> f64 {
    let a = 1.0 - spot_survival(q, s, n);
    f * a / (q * n as f64)
}

// ------------------------------------------------------------------------------------------
// (c) credibility, §1.4

/// Sarmenta's worker credibility after `k` passed spot-checks: `1 − f` (k = 0), `1 − f/k`
/// without blacklisting, `1 − f/((1−f) k e)` with blacklisting.
pub(crate) fn worker_credibility(f: f64, k: u64, blacklisting: bool) -> f64 {
    if k == 0 {
        return 1.0 - f;
    }
    if blacklisting {
        1.0 - f / ((1.0 - f) * k as f64 * std::f64::consts::E)
    } else {
        1.0 - f / k as f64
    }
}

/// Exact posterior that the next result of a worker that passed `k` checks is bad (pool with
/// a fraction `f` of saboteurs of rate `s`, caught ones removed):
/// `s f (1−s)^k / ((1−f) + f (1−s)^k)`.
pub(crate) fn posterior_bad(f: f64, s: f64, k: u64) -> f64 {
    let a = (1.0 - s).powf(k as f64);
    s * f * a / ((1.0 - f) + f * a)
}

/// `max_s posterior_bad ≤ f/(1−f) · k^k/(k+1)^(k+1)` (`< f/((1−f) k e)`).
#[cfg(test)] // a formula-only check (docs/validation.md)
fn posterior_bad_bound(f: f64, k: u64) -> f64 {
    let k = k as f64;
    f / (1.0 - f) * (k * (k / (k + 1.0)).ln() - (k + 1.0).ln()).exp()
}

/// Result-group credibilities in odds form: `O(r) = Cr/(1−Cr)`, `O(G) = Π O(r)`,
/// `CrG(G_a) = O(G_a) / (1 + Σ_c O(G_c))` (computed in the log domain; `Cr = 1` gives 1
/// for that group).
pub(crate) fn group_credibility(groups: &[&[f64]]) -> Vec<f64> {
    let ln_odds: Vec<f64> = groups
        .iter()
        .map(|g| g.iter().map(|&c| c.ln() - (1.0 - c).ln()).sum())
        .collect();
    let mx = ln_odds.iter().copied().fold(0.0f64, f64::max);
    let den = (-mx).exp() + ln_odds.iter().map(|&o| (o - mx).exp()).sum::<f64>();
    ln_odds.iter().map(|&o| (o - mx).exp() / den).collect()
}

/// Agreeing results (each of credibility `1 − f`) a lone group needs to reach `θ`:
/// the smallest `m` with `(1−f)^m / ((1−f)^m + f^m) ≥ θ`.
#[cfg(test)] // a formula-only check (docs/validation.md)
fn lone_group_votes(f: f64, theta: f64) -> u32 {
    (1..10_000)
        .find(|&m| group_credibility(&[&vec![1.0 - f; m as usize]])[0] >= theta)
        .unwrap_or(u32::MAX)
}

/// Exact error rate and mean number of results of credibility-based voting without
/// spot-checking (every `CrR = 1 − f`; saboteurs of rate 1 colluding on one wrong value, so
/// an entry has at most a good group of size `a` and a bad group of size `b`): results
/// arrive one at a time (bad with probability `f`) until a group has `CrG ≥ θ`.
/// Dynamic programme over `(a, b)`; returns `(P(bad accepted), E[results])`. The threshold
/// principle says the error is at most `1 − θ`.
pub(crate) fn credibility_voting(f: f64, theta: f64) -> (f64, f64) {
    const CAP: usize = 400;
    let accepted = |a: usize, b: usize| -> Option<bool> {
        let cr = if b == 0 {
            group_credibility(&[&vec![1.0 - f; a]])[0]
        } else if a == 0 {
            return (group_credibility(&[&vec![1.0 - f; b]])[0] >= theta).then_some(false);
        } else {
            let g = group_credibility(&[&vec![1.0 - f; a], &vec![1.0 - f; b]]);
            if g[1] >= theta {
                return Some(false);
            }
            g[0]
        };
        (cr >= theta).then_some(true)
    };
    // mass[b] for the current total a + b = t
    let mut mass = vec![1.0f64];
    let (mut err, mut mean) = (0.0, 0.0);
    for t in 1..=CAP {
        let mut next = vec![0.0f64; t + 1];
        for (b, &pm) in mass.iter().enumerate() {
            if pm == 0.0 {
                continue;
            }
            next[b] += pm * (1.0 - f); // good result: (a+1, b)
            next[b + 1] += pm * f; // bad result: (a, b+1)
        }
        for (b, pm) in next.iter_mut().enumerate() {
            if *pm == 0.0 {
                continue;
            }
            if let Some(good) = accepted(t - b, b) {
                if !good {
                    err += *pm;
                }
                mean += *pm * t as f64;
                *pm = 0.0;
            }
        }
        mass = next;
    }
    (err, mean)
}

// ------------------------------------------------------------------------------------------
// iExec PoCo, §1.5 / §3 and threats §0.3

/// Contract weight of a score: `max(floor(score/3), 3) − 1`.
pub(crate) fn poco_weight(score: u64) -> u64 {
    (score / 3).max(3) - 1
}

/// Strict consensus test of the contract: `group · trust > total · (trust − 1)`, trust
/// floored at 1.
pub(crate) fn poco_consensus(group: u128, total: u128, trust: u64) -> bool {
    let t = trust.max(1) as u128;
    group.saturating_mul(t) > total.saturating_mul(t - 1)
}

/// F1: fresh identities (weight 2) that agree and face no dissent reach consensus iff
/// `2^n ≥ t`, so `n*(t) = ⌈log2 t⌉` (t = 2: 1, 100: 7, 10⁴: 14, 10⁶: 20; at least 1).
pub(crate) fn fresh_workers_needed(trust: u64) -> u32 {
    let t = trust.max(1);
    if t <= 2 {
        return 1;
    }
    64 - (t - 1).leading_zeros()
}

/// F2: a single worker finalises alone iff `weight(s) ≥ t`, i.e. `s ≥ 3(t + 1)` — for
/// `t ≥ 3`; at `t ≤ 2` the weight floor of 2 already suffices, so any score (0) does.
pub(crate) fn solo_score_needed(trust: u64) -> u64 {
    if trust <= 2 { 0 } else { 3 * (trust + 1) }
}

/// The documentation's worked consensus example (sabotage-tolerance §3.4): pool price
/// 20 RLC, dataset 1 RLC, trust 100, worker stake ratio 35 %, scheduler ratio 5 %; scores
/// 12 → "17", 100 → "42", 300 → "42".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WorkedExample {
    /// contract weights of the three workers
    pub weights: [u64; 3],
    /// the winning group's product and the task total
    pub group: u128,
    /// `1 + Σ groups`
    pub total: u128,
    /// `group / total` (= 3168/3172 = 99.87 %)
    pub credibility: f64,
    /// strict integer consensus test at trust 100
    pub consensus: bool,
    /// rewards (nRLC, stake excluded) of the three workers
    pub rewards: [u64; 3],
    /// the scheduler's share of the pot (nRLC)
    pub scheduler: u64,
}

/// Compute [`WorkedExample`] from the formulas (no state machine).
pub(crate) fn worked_example() -> WorkedExample {
    use pocolab_core::constants::RLC;
    let scores = [12u64, 100, 300];
    let weights = scores.map(poco_weight);
    let group = weights[1] as u128 * weights[2] as u128;
    let total = 1 + weights[0] as u128 + group;
    let consensus = poco_consensus(group, total, 100);
    let stake = 20 * RLC * 35 / 100;
    let pot = 20 * RLC + stake; // pool price + the loser's seized stake
    let workers = pot * (100 - 5) / 100;
    let lw = weights.map(|w| 63 - w.leading_zeros() as u64); // floor(log2 w)
    let total_lw = lw[1] + lw[2];
    let rewards = [0, workers * lw[1] / total_lw, workers * lw[2] / total_lw];
    let scheduler = pot - rewards[1] - rewards[2];
    WorkedExample {
        weights,
        group,
        total,
        credibility: group as f64 / total as f64,
        consensus,
        rewards,
        scheduler,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn voting_table() {
        // sabotage-tolerance §1.2 table
        for (f, m2, m3, m4, en2, en3) in [
            (0.01, 2.9800e-04, 9.8506e-06, 3.4167e-07, 2.0198, 3.0303),
            (0.1, 2.8000e-02, 8.5600e-03, 2.7280e-03, 2.1800, 3.3186),
            (0.2, 1.0400e-01, 5.7920e-02, 3.3344e-02, 2.3200, 3.6336),
            (0.4, 3.5200e-01, 3.1744e-01, 2.8979e-01, 2.4800, 4.0656),
        ] {
            assert!(close(mfirst_error(f, 1), f, 1e-12));
            for (m, v) in [(2, m2), (3, m3), (4, m4)] {
                assert!(close(mfirst_error(f, m), v, 1e-4), "f={f} m={m}");
                assert!(close(majority_error(f, m), mfirst_error(f, m), 1e-10));
            }
            assert!(close(mfirst_redundancy(f, 2), en2, 1e-4));
            assert!(close(mfirst_redundancy(f, 3), en3, 1e-4));
        }
        assert_eq!(votes_needed(0.2, 1e-2, 1000), Some(7));
        assert_eq!(votes_needed(0.2, 1e-4, 1000), Some(16));
        // Watanabe–Fukushi, f = 0.35: 15 / 29 / 51
        assert_eq!(votes_needed(0.35, 0.05, 1000), Some(15));
        assert_eq!(votes_needed(0.35, 0.01, 1000), Some(29));
        assert_eq!(votes_needed(0.35, 0.001, 1000), Some(51));
        assert!(close(mfirst_error(0.35, 15), 0.047637, 1e-4));
    }

    #[test]
    fn spot_checking_table() {
        let s = optimal_sabotage_rate(0.1, 100);
        assert!(close(s, 0.09901, 1e-4));
        assert!(close(
            spot_blacklist_error(0.2, s, 0.1, 100, SpotModel::B1),
            8.3770e-03,
            1e-4
        ));
        assert!(close(
            spot_blacklist_error(0.2, s, 0.1, 100, SpotModel::B2),
            8.4536e-03,
            1e-4
        ));
        assert!(close(spot_blacklist_bound(0.2, 0.1, 100), 9.1970e-03, 1e-4));
        assert!(close(spot_survival(0.1, s, 100), 0.3697, 1e-3));
        assert!(close(
            spot_noblacklist_error_discard(0.2, 1.0, 0.1, 100),
            2.4390e-02,
            1e-4
        ));
        assert!(close(
            spot_noblacklist_error_redo(0.2, 1.0, 0.1, 100),
            1.9999e-02,
            1e-4
        ));
        let s = optimal_sabotage_rate(0.1, 10);
        assert!(close(
            spot_blacklist_error(0.2, s, 0.1, 10, SpotModel::B1),
            7.9920e-02,
            1e-4
        ));
        assert!(close(
            spot_blacklist_error(
                0.1,
                optimal_sabotage_rate(0.1, 1000),
                0.1,
                1000,
                SpotModel::B1
            ),
            3.9250e-04,
            1e-4
        ));
    }

    #[test]
    fn credibility_examples() {
        let f = 0.2;
        assert!(close(
            worker_credibility(f, 6, false),
            1.0 - 0.2 / 6.0,
            1e-12
        ));
        let z = [
            worker_credibility(f, 6, false),
            worker_credibility(f, 125, false),
        ];
        let m = [worker_credibility(f, 3, false)];
        let g = group_credibility(&[&z, &m]);
        assert!(
            close(g[0], 0.999172, 1e-5) && close(g[1], 0.000773, 1e-3),
            "{g:?}"
        );
        let g = group_credibility(&[&[0.967, 0.998], &[0.933]]);
        assert!(close(g[0], 0.99898, 1e-5));
        let g = group_credibility(&[&[0.8], &[0.8], &[0.8; 5]]);
        assert!(
            close(g[2], 0.991288, 1e-5) && close(g[0], 0.003872, 1e-3),
            "{g:?}"
        );
        assert_eq!(
            [0.99, 0.9999, 1.0 - 1e-6].map(|t| lone_group_votes(0.2, t)),
            [4, 7, 10]
        );
        // k to accept a single result at eps_acc = 1e-4: 2000 (no blacklisting), 920 (with)
        assert!((1..).find(|&k| 1.0 - worker_credibility(0.2, k, false) <= 1e-4) == Some(2000));
        assert!((1..).find(|&k| 1.0 - worker_credibility(0.2, k, true) <= 1e-4) == Some(920));
        for k in [1, 5, 10, 100] {
            let b = posterior_bad_bound(0.2, k);
            assert!(b < 1.0 - worker_credibility(0.2, k, true));
            assert!(posterior_bad(0.2, 1.0 / (k as f64 + 1.0), k) <= b * (1.0 + 1e-12));
        }
        let (err, mean) = credibility_voting(0.2, 0.99);
        assert!(err <= 0.01 && err > 0.0 && mean >= 4.0, "{err} {mean}");
    }

    #[test]
    fn iexec_counts_and_example() {
        assert_eq!(
            [2, 100, 10_000, 1_000_000].map(fresh_workers_needed),
            [1, 7, 14, 20]
        );
        assert_eq!([0, 1, 3, 4, 5].map(fresh_workers_needed), [1, 1, 2, 2, 3]);
        for t in [2u64, 3, 4, 5, 100, 1000, 10_000, 1_000_000] {
            let n = fresh_workers_needed(t);
            assert!(poco_consensus(1 << n, 1 + (1 << n), t));
            assert!(n == 1 || !poco_consensus(1 << (n - 1), 1 + (1 << (n - 1)), t));
            let s = solo_score_needed(t);
            assert!(poco_consensus(
                poco_weight(s) as u128,
                1 + poco_weight(s) as u128,
                t
            ));
            assert!(
                t <= 2
                    || !poco_consensus(
                        poco_weight(s - 1) as u128,
                        1 + poco_weight(s - 1) as u128,
                        t
                    )
            );
        }
        assert_eq!(solo_score_needed(2), 0);
        assert_eq!(solo_score_needed(100), 303);
        assert_eq!([11, 12, 100, 300].map(poco_weight), [2, 3, 32, 99]);
        let w = worked_example();
        assert_eq!(
            (w.weights, w.group, w.total, w.consensus),
            ([3, 32, 99], 3168, 3172, true)
        );
        assert_eq!(
            (w.rewards, w.scheduler),
            ([0, 11_659_090_909, 13_990_909_090], 1_350_000_001)
        );
    }
}
