//! Metrics of a run (threats-and-mechanisms.md §5.2 item 6), accumulated in streaming form
//! so that memory does not grow with the number of tasks.

pub use pocolab_results::Metric;
use pocolab_results::Nrlc;
use serde::{Deserialize, Serialize};

/// Log-linear histogram of non-negative integers (64 sub-buckets per power of two: relative
/// error below 1.6 %), for time-to-finality quantiles in bounded memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    counts: Vec<u64>,
    n: u64,
}

const SUB: u64 = 64;

impl Histogram {
    fn index(v: u64) -> usize {
        if v < SUB {
            return v as usize;
        }
        let e = 63 - v.leading_zeros() as u64; // ≥ 6
        let shift = e - 6;
        let sub = (v >> shift) - SUB; // 0..64
        (SUB + (e - 6) * SUB + sub) as usize
    }

    fn lower_bound(i: usize) -> u64 {
        let i = i as u64;
        if i < SUB {
            return i;
        }
        let e = (i - SUB) / SUB + 6;
        let sub = (i - SUB) % SUB;
        (SUB + sub) << (e - 6)
    }

    /// Record `v`.
    pub(crate) fn record(&mut self, v: u64) {
        let i = Self::index(v);
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.n += 1;
    }

    /// Number of samples.
    #[cfg(test)]
    fn count(&self) -> u64 {
        self.n
    }

    /// Merge another histogram.
    pub(crate) fn merge(&mut self, o: &Histogram) {
        if self.counts.len() < o.counts.len() {
            self.counts.resize(o.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.n += o.n;
    }

    /// The `q`-quantile (lower bound of its bucket); `None` when empty.
    pub(crate) fn quantile(&self, q: f64) -> Option<u64> {
        if self.n == 0 {
            return None;
        }
        let target = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        let mut acc = 0;
        for (i, c) in self.counts.iter().enumerate() {
            acc += c;
            if acc >= target {
                return Some(Self::lower_bound(i));
            }
        }
        None
    }

    /// The value at rank `k` (1-based, lower bound of its bucket); `None` when fewer than `k`
    /// samples were recorded.
    pub(crate) fn at_rank(&self, k: u64) -> Option<u64> {
        if k == 0 || k > self.n {
            return None;
        }
        let mut acc = 0;
        for (i, c) in self.counts.iter().enumerate() {
            acc += c;
            if acc >= k {
                return Some(Self::lower_bound(i));
            }
        }
        None
    }

    /// Empirical CDF points (value, share of `total` at or below the value) over non-empty
    /// buckets, where `total` ≥ the samples counts the censored ones too (the curve then ends
    /// below 1).
    pub(crate) fn cdf_over(&self, total: u64) -> Vec<(u64, f64)> {
        let total = total.max(self.n).max(1) as f64;
        let mut acc = 0;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| {
                acc += c;
                (Self::lower_bound(i), acc as f64 / total)
            })
            .collect()
    }
}

/// Everything measured in one run. Amounts are nRLC (signed where they are net flows).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// tasks created (initialized)
    pub tasks: u64,
    /// tasks finalized (COMPLETED)
    pub finalized: u64,
    /// finalized tasks whose accepted result differs from the ground truth
    pub wrong_accepted: u64,
    /// tasks ended by claim (FAILED)
    pub failed: u64,
    /// time from deal start to finalize, seconds
    pub time_to_finality: Histogram,
    /// replicas executed (compute units spent by all workers)
    pub replicas: u64,
    /// replicas executed by honest workers
    pub honest_replicas: u64,
    /// requester net outflow (prices paid − refunds), nRLC
    pub requester_outflow: Nrlc,
    /// net income of honest workers, nRLC
    pub honest_worker_income: Nrlc,
    /// Σ over honest workers of income², for the variance (nRLC²)
    pub honest_worker_income_sq: f64,
    /// number of honest workers
    pub honest_workers: u64,
    /// net income of the scheduler (pool owner), nRLC
    pub scheduler_income: Nrlc,
    /// app + dataset providers' received revenue, nRLC
    pub provider_revenue: Nrlc,
    /// app + dataset providers' revenue had every task succeeded, nRLC
    pub provider_entitled: Nrlc,
    /// attacker net profit: balance change of attacker-controlled accounts, plus external gain,
    /// minus compute cost, nRLC
    pub attacker_profit: Nrlc,
    /// loss of the attack's victims (the threat's damage measure), nRLC
    pub victim_loss: Nrlc,
    /// ∫ Σfrozen dt (capital locked × time), nRLC·s
    pub capital_time: u128,
    /// on-chain calls that succeeded
    pub calls: u64,
    /// on-chain calls that reverted
    pub reverted_calls: u64,
    /// tasks requested (deals × volume): the denominator of per-task money metrics, the same
    /// whether or not a mechanism stops some deals from happening
    pub demand_tasks: u64,
    /// deals matched
    pub matched_deals: u64,
    /// wrong results later overturned (M1) or refunded by a dispute (M6)
    pub overturned: u64,
    /// deals whose `matchOrders` was refused (no task created)
    pub unmatched_deals: u64,
    /// kitty (seized scheduler stakes) at the end of the run, nRLC
    pub kitty: u128,
    /// tasks self-dealt by an attacker ring (S7/S9), not counted in `tasks`
    pub ring_tasks: u64,
    /// fresh assets registered by a whitewashing garbage provider (W4 re-entry)
    pub reentries: u64,
    /// highest score of an attacker-controlled worker at the end of the run
    pub top_attacker_score: u64,
    /// what the attack leaked to the attacker off the chain from the dataset owner (A3/C2:
    /// the data's value per executed task), nRLC
    pub leaked: Nrlc,
    /// net position of each victim role over the run (see [`RoleNets`])
    pub nets: RoleNets,
}

/// Net position of each victim role over a run, nRLC; `None` where the role is played by the
/// attacker (or absent: no dataset, no honest worker). Compared with the same market without
/// the attack (same variant, same run id), it gives each role's loss.
///
/// * requester: value of the correct results received, each valued at the fair price
///   `P_a + P_d + P_w`, minus its outflow (prices paid − refunds, mechanism fees), minus the
///   loss `L` of every wrong result it accepted;
/// * app owner, dataset owner: balance change (the dataset owner also loses what leaked);
/// * pool: the scheduler's balance change;
/// * honest workers: their balance change minus the compute they spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleNets {
    /// requesters (all of them)
    pub requester: Option<Nrlc>,
    /// the app owner
    pub app_owner: Option<Nrlc>,
    /// the dataset owner
    pub dataset_owner: Option<Nrlc>,
    /// the workerpool's scheduler
    pub pool: Option<Nrlc>,
    /// every honest worker together
    pub honest_workers: Option<Nrlc>,
}

impl RunMetrics {
    /// Wrong-result acceptance rate: wrong finalized / finalized.
    pub(crate) fn wrong_rate(&self) -> f64 {
        ratio(self.wrong_accepted as f64, self.finalized as f64)
    }
    /// Fraction of tasks finalized.
    pub fn finalized_fraction(&self) -> f64 {
        ratio(self.finalized as f64, self.tasks as f64)
    }
    /// Requester cost per correct result, nRLC (overturned or refunded results were not correct).
    pub(crate) fn cost_per_correct(&self) -> f64 {
        ratio(
            self.requester_outflow.to_f64(),
            (self.finalized - self.wrong_accepted - self.overturned) as f64,
        )
    }
    /// Redundancy factor: replicas executed per finalized task.
    pub(crate) fn redundancy(&self) -> f64 {
        ratio(self.replicas as f64, self.finalized as f64)
    }
    /// Honest worker income per unit compute (nRLC per replica).
    pub(crate) fn honest_income_per_compute(&self) -> f64 {
        ratio(
            self.honest_worker_income.to_f64(),
            self.honest_replicas as f64,
        )
    }
    /// Variance of honest worker income across honest workers (nRLC²).
    pub(crate) fn honest_income_variance(&self) -> f64 {
        if self.honest_workers == 0 {
            return f64::NAN;
        }
        let n = self.honest_workers as f64;
        let mean = self.honest_worker_income.to_f64() / n;
        (self.honest_worker_income_sq / n - mean * mean).max(0.0)
    }
    /// Provider revenue ratio: received / entitled.
    pub(crate) fn provider_revenue_ratio(&self) -> f64 {
        ratio(
            self.provider_revenue.to_f64(),
            self.provider_entitled.to_f64(),
        )
    }
    /// Attacker net profit per requested task, nRLC.
    pub fn attacker_profit_per_task(&self) -> f64 {
        ratio(self.attacker_profit.to_f64(), self.demand_tasks as f64)
    }
    /// Griefing factor: victim loss / attacker cost (attacker cost = −profit when negative).
    pub(crate) fn griefing_factor(&self) -> f64 {
        let cost = (-self.attacker_profit.get()).max(0) as f64;
        ratio(self.victim_loss.to_f64(), cost)
    }
    /// Loss of the attack's victims per task, nRLC.
    pub(crate) fn victim_loss_per_task(&self) -> f64 {
        ratio(self.victim_loss.to_f64(), self.demand_tasks as f64)
    }
    /// Capital locked × time per task, nRLC·s.
    pub(crate) fn capital_time_per_task(&self) -> f64 {
        ratio(self.capital_time as f64, self.tasks as f64)
    }
    /// Correct results delivered: finalized, not overturned, equal to the true value.
    pub fn correct(&self) -> u64 {
        self.finalized - self.wrong_accepted - self.overturned
    }

    /// Time-to-finality `q`-quantile over every requested task, the unfinished ones censored
    /// at the end of the run: the Kaplan–Meier quantile when every censoring time lies beyond
    /// the finished tasks' times, as here (a task still open when the run ends was not
    /// finished by then). Undefined (NaN) when fewer than a fraction `q` of the requested
    /// tasks finished: the survival curve never falls to `1 − q`.
    pub(crate) fn ttf_censored(&self, q: f64) -> f64 {
        if self.demand_tasks == 0 {
            return f64::NAN;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.demand_tasks as f64).ceil() as u64).max(1);
        self.time_to_finality
            .at_rank(rank)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN)
    }

    /// A role's net position per requested task, nRLC; NaN when the role is the attacker's.
    fn net_per_task(&self, v: Option<Nrlc>) -> f64 {
        v.map_or(f64::NAN, |v| ratio(v.to_f64(), self.demand_tasks as f64))
    }

    /// Time to finality quantile, seconds.
    pub(crate) fn ttf(&self, q: f64) -> f64 {
        self.time_to_finality
            .quantile(q)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN)
    }

    /// The value of one scalar metric; NaN when it is undefined in this run (e.g. a rate over
    /// no finalized task).
    pub fn get(&self, m: Metric) -> f64 {
        match m {
            Metric::WrongResultRate => self.wrong_rate(),
            Metric::FractionFinalized => self.finalized_fraction(),
            Metric::TtfP50 => self.ttf(0.5),
            Metric::TtfP95 => self.ttf(0.95),
            Metric::TtfP99 => self.ttf(0.99),
            Metric::RequesterCostPerCorrect => self.cost_per_correct(),
            Metric::AttackerProfitPerTask => self.attacker_profit_per_task(),
            Metric::HonestIncomePerCompute => self.honest_income_per_compute(),
            Metric::HonestIncomeVariance => self.honest_income_variance(),
            Metric::ProviderRevenueRatio => self.provider_revenue_ratio(),
            Metric::VictimLossPerTask => self.victim_loss_per_task(),
            Metric::GriefingFactor => self.griefing_factor(),
            Metric::CapitalTimePerTask => self.capital_time_per_task(),
            Metric::RedundancyFactor => self.redundancy(),
            Metric::AttackerProfit => self.attacker_profit.to_f64(),
            Metric::RevertedCallShare => ratio(
                self.reverted_calls as f64,
                (self.calls + self.reverted_calls) as f64,
            ),
            Metric::UnmatchedDealShare => ratio(
                self.unmatched_deals as f64,
                (self.unmatched_deals + self.matched_deals) as f64,
            ),
            Metric::Kitty => self.kitty as f64,
            Metric::TopAttackerScore => self.top_attacker_score as f64,
            Metric::CorrectPerTask => {
                if self.nets.requester.is_none() {
                    f64::NAN
                } else {
                    ratio(self.correct() as f64, self.demand_tasks as f64)
                }
            }
            Metric::WrongPerTask => {
                if self.nets.requester.is_none() {
                    f64::NAN
                } else {
                    ratio(self.wrong_accepted as f64, self.demand_tasks as f64)
                }
            }
            Metric::UnfinishedShare => ratio(
                self.demand_tasks.saturating_sub(self.finalized) as f64,
                self.demand_tasks as f64,
            ),
            Metric::TtfP50Censored => self.ttf_censored(0.5),
            Metric::TtfP95Censored => self.ttf_censored(0.95),
            Metric::RequesterNetPerTask => self.net_per_task(self.nets.requester),
            Metric::AppOwnerNetPerTask => self.net_per_task(self.nets.app_owner),
            Metric::DatasetOwnerNetPerTask => self.net_per_task(self.nets.dataset_owner),
            Metric::PoolNetPerTask => self.net_per_task(self.nets.pool),
            Metric::HonestWorkersNetPerTask => self.net_per_task(self.nets.honest_workers),
        }
    }

    /// Every scalar metric with its name, in [`Metric::ALL`]'s fixed order (tables and CSV).
    pub(crate) fn scalars(&self) -> Vec<(&'static str, f64)> {
        Metric::ALL
            .iter()
            .map(|m| (m.name(), self.get(*m)))
            .collect()
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_within_relative_error() {
        let mut h = Histogram::default();
        for v in 1..=10_000u64 {
            h.record(v);
        }
        for (q, exact) in [(0.5, 5_000.0), (0.95, 9_500.0), (0.99, 9_900.0)] {
            let got = h.quantile(q).unwrap() as f64;
            assert!((got - exact).abs() / exact < 0.02, "q{q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(0.0), Some(1));
        let mut h2 = Histogram::default();
        h2.record(3);
        h.merge(&h2);
        assert_eq!(h.count(), 10_001);
    }

    #[test]
    fn censored_quantiles_count_unfinished_tasks() {
        let mut m = RunMetrics {
            demand_tasks: 10,
            ..RunMetrics::default()
        };
        for v in [10, 20, 30, 40, 50, 60] {
            m.time_to_finality.record(v);
        }
        m.finalized = 6;
        // 6 of 10 finished: the median is the 5th fastest, the p95 is beyond the run
        assert_eq!(m.ttf_censored(0.5), 50.0);
        assert!(m.ttf_censored(0.95).is_nan());
        assert!((m.get(Metric::UnfinishedShare) - 0.4).abs() < 1e-12);
        // over finished tasks only the median would be lower: 30 s
        assert_eq!(m.ttf(0.5), 30.0);
        let cdf = m.time_to_finality.cdf_over(10);
        assert!((cdf.last().unwrap().1 - 0.6).abs() < 1e-12);
    }
}
