//! PoCo-lite (tooling.md §2.2): the small common model used to compare simulators and to
//! check the Monte Carlo machinery against a closed form.
//!
//! - `N` workers; the first `round(f·N)` are saboteurs that always answer `1` (colluding).
//!   Honest workers answer `0` (correct), except with probability `e` a uniformly random value
//!   in `[2, 2^31]` (an uncoordinated error).
//! - Each task: the requester escrows `P`; `m` distinct workers are drawn uniformly
//!   ([`rand::seq::index::sample`]); each stakes `S` out of a starting balance `B0`.
//! - A value wins with a strict majority (`> m/2`). Winners get their stake back plus an equal
//!   share of `P` plus the losers' stakes (integer division); the remainder ("dust") goes to
//!   the scheduler. Without a strict majority stakes are returned and the requester keeps `P`.
//! - At the end `Σ balances + requester + scheduler == N·B0` is asserted.
//!
//! The run is streaming: memory is the balance vector (`O(N)`) whatever the number of tasks.
//! Draws come from one ChaCha8 stream `rng::stream(master, run, "pocolite", 0)`.
//!
//! [`closed_form`] gives the exact wrong-acceptance and failure probabilities (tooling §2.5),
//! up to the probability that two erring honest workers of one task draw the same random
//! value (`< m²/2^32`, below `1e-9` for `m ≤ 3`), which the formula neglects.

use rand::RngExt;
use rand::seq::index::sample;

use crate::rng::{SimRng, stream};

/// Parameters of PoCo-lite (defaults: tooling §2.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiteParams {
    /// workers `N`
    pub workers: usize,
    /// saboteur fraction `f` (the first `round(f·N)` workers)
    pub f: f64,
    /// honest error probability `e`
    pub e: f64,
    /// replicas per task `m`
    pub m: usize,
    /// requester price `P` per task
    pub price: i64,
    /// stake `S` per replica
    pub stake: i64,
    /// starting balance `B0` of every worker
    pub initial_balance: i64,
}

impl Default for LiteParams {
    fn default() -> Self {
        Self {
            workers: 1000,
            f: 0.2,
            e: 0.01,
            m: 3,
            price: 30,
            stake: 10,
            initial_balance: 1000,
        }
    }
}

impl LiteParams {
    /// Number of saboteurs, `round(f·N)`.
    pub(crate) fn saboteurs(&self) -> usize {
        ((self.f * self.workers as f64).round() as usize).min(self.workers)
    }
}

/// Counters of a PoCo-lite run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiteOutcome {
    /// tasks simulated
    pub tasks: u64,
    /// tasks whose accepted value is not the correct `0`
    pub wrong: u64,
    /// tasks without a strict majority
    pub failed: u64,
    /// requester's net balance (−P per settled task)
    pub requester: i64,
    /// scheduler's dust
    pub scheduler: i64,
}

impl LiteOutcome {
    /// Wrongly accepted tasks / tasks.
    pub fn wrong_rate(&self) -> f64 {
        self.wrong as f64 / self.tasks.max(1) as f64
    }
    /// Failed tasks / tasks.
    pub fn failed_rate(&self) -> f64 {
        self.failed as f64 / self.tasks.max(1) as f64
    }
}

/// A PoCo-lite run in progress (state is `O(N)`; call [`Lite::step`] as often as wanted).
#[derive(Debug)]
pub struct Lite {
    p: LiteParams,
    n_sab: usize,
    balances: Vec<i64>,
    idx: Vec<usize>,
    votes: Vec<u64>,
    rng: SimRng,
    out: LiteOutcome,
}

impl Lite {
    /// A fresh run `(master, run)`.
    ///
    /// # Panics
    /// If `m == 0`, `m > N`, or `e` is not a probability.
    pub fn new(p: LiteParams, master: u64, run: u64) -> Self {
        assert!(p.m >= 1 && p.m <= p.workers, "PoCo-lite needs 1 ≤ m ≤ N");
        assert!((0.0..=1.0).contains(&p.e), "e must be a probability");
        Self {
            n_sab: p.saboteurs(),
            balances: vec![p.initial_balance; p.workers],
            idx: vec![0; p.m],
            votes: vec![0; p.m],
            rng: stream(master, run, "pocolite", 0),
            out: LiteOutcome::default(),
            p,
        }
    }

    /// Simulate one task.
    #[inline]
    pub fn step(&mut self) {
        let m = self.p.m;
        for (k, w) in sample(&mut self.rng, self.p.workers, m)
            .into_iter()
            .enumerate()
        {
            self.idx[k] = w;
        }
        for k in 0..m {
            self.votes[k] = if self.idx[k] < self.n_sab {
                1
            } else if self.rng.random::<f64>() >= self.p.e {
                0
            } else {
                self.rng.random_range(2..=1u64 << 31)
            };
        }
        // plurality value and its count, no allocation (m is small)
        let (mut best, mut c) = (self.votes[0], 0usize);
        for k in 0..m {
            let ck = self.votes.iter().filter(|&&v| v == self.votes[k]).count();
            if ck > c {
                c = ck;
                best = self.votes[k];
            }
        }
        self.out.tasks += 1;
        if 2 * c > m {
            let pool = self.p.price + self.p.stake * (m - c) as i64;
            let (share, dust) = (pool / c as i64, pool % c as i64);
            for k in 0..m {
                let b = &mut self.balances[self.idx[k]];
                *b -= self.p.stake;
                if self.votes[k] == best {
                    *b += self.p.stake + share;
                }
            }
            self.out.requester -= self.p.price;
            self.out.scheduler += dust;
            if best != 0 {
                self.out.wrong += 1;
            }
        } else {
            self.out.failed += 1;
        }
    }

    /// Simulate `tasks` tasks.
    pub fn run_tasks(&mut self, tasks: u64) {
        for _ in 0..tasks {
            self.step();
        }
    }

    /// Counters so far.
    pub fn outcome(&self) -> LiteOutcome {
        self.out
    }

    /// Does `Σ balances + requester + scheduler == N·B0` hold?
    pub(crate) fn conserved(&self) -> bool {
        let sum: i64 = self.balances.iter().sum();
        sum + self.out.requester + self.out.scheduler
            == self.p.workers as i64 * self.p.initial_balance
    }

    /// End the run, asserting conservation.
    ///
    /// # Panics
    /// If money was created or destroyed (a bug).
    pub fn finish(self) -> LiteOutcome {
        assert!(self.conserved(), "PoCo-lite conservation violated");
        self.out
    }
}

/// Run `tasks` PoCo-lite tasks for `(master, run)` and check conservation.
pub fn run_lite(p: &LiteParams, tasks: u64, master: u64, run: u64) -> LiteOutcome {
    let mut l = Lite::new(*p, master, run);
    l.run_tasks(tasks);
    l.finish()
}

/// Exact per-task probabilities of PoCo-lite (tooling §2.5): with `K = round(f·N)` saboteurs,
/// `j ~ Hypergeometric(N, K, m)` saboteurs among the replicas and `i ~ Binomial(m − j, e)`
/// erring honest ones (all distinct values),
///
/// ```text
/// P(wrong)  = Σ_j H(j) · [2j > m]
/// P(failed) = Σ_j H(j) · [2j ≤ m] · Σ_i B(i; m − j, e) · [2(m − j − i) ≤ m]
/// ```
///
/// Returns `(P(wrong), P(failed))`. N = 1000, f = 0.2, m = 3, e = 0.01 gives
/// (0.10371, 0.00781).
pub fn closed_form(p: &LiteParams) -> (f64, f64) {
    let (n, k, m) = (p.workers, p.saboteurs(), p.m);
    let (mut wrong, mut failed) = (0.0, 0.0);
    for j in 0..=m.min(k) {
        if m - j > n - k {
            continue;
        }
        let h = crate::analytic::hypergeometric(n as u64, k as u64, m as u64, j as u64);
        if 2 * j > m {
            wrong += h;
            continue;
        }
        let honest = m - j;
        for i in 0..=honest {
            if 2 * (honest - i) <= m {
                failed += h * crate::analytic::binomial_pmf(honest as u64, i as u64, p.e);
            }
        }
    }
    (wrong, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_matches_tooling_numbers() {
        let (w, f) = closed_form(&LiteParams::default());
        assert!((w - 0.10371).abs() < 5e-6, "{w}");
        assert!((f - 0.00781).abs() < 5e-6, "{f}");
    }

    #[test]
    fn run_is_reproducible_and_conserves() {
        let p = LiteParams::default();
        let a = run_lite(&p, 2_000, 42, 0);
        let b = run_lite(&p, 2_000, 42, 0);
        let c = run_lite(&p, 2_000, 42, 1);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.tasks, 2_000);
        assert_eq!(a.requester, -30 * (2_000 - a.failed as i64));
    }

    #[test]
    fn no_saboteurs_no_errors_means_all_correct() {
        let p = LiteParams {
            f: 0.0,
            e: 0.0,
            ..LiteParams::default()
        };
        let o = run_lite(&p, 500, 1, 1);
        assert_eq!((o.wrong, o.failed, o.scheduler), (0, 0, 0));
    }
}
