//! The scalar metrics of a run (threats-and-mechanisms.md §5.2 item 6), as one enum: every
//! table, CSV column and damage measure names a [`Metric`], never a string that could be
//! mistyped. Each metric knows its name (the CSV column, unchanged) and its unit, so money is
//! recognised by its unit, not by a name suffix.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a metric's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// nRLC (shown in RLC)
    Nrlc,
    /// nRLC × seconds (capital locked × time)
    NrlcSeconds,
    /// seconds
    Seconds,
    /// a ratio, share or rate in [0, 1] (or a factor)
    Ratio,
    /// a count or score
    Count,
    /// nRLC² (a variance of incomes)
    NrlcSquared,
}

macro_rules! metrics {
    ($($(#[doc = $doc:literal])* $v:ident = $name:literal : $unit:ident,)*) => {
        /// A scalar metric of a run.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Metric {
            $($(#[doc = $doc])* #[serde(rename = $name)] $v,)*
        }

        impl Metric {
            /// Every metric, in the fixed order of tables and CSV columns.
            pub const ALL: &'static [Metric] = &[$(Metric::$v,)*];

            /// Its name: the CSV column and the id in tables.
            pub fn name(self) -> &'static str {
                match self {
                    $(Metric::$v => $name,)*
                }
            }

            /// Its unit.
            pub fn unit(self) -> Unit {
                match self {
                    $(Metric::$v => Unit::$unit,)*
                }
            }
        }
    };
}

metrics! {
    /// wrong finalized / finalized
    WrongResultRate = "wrong_result_rate": Ratio,
    /// finalized / tasks
    FractionFinalized = "fraction_finalized": Ratio,
    /// median time to finality of finalized tasks
    TtfP50 = "ttf_p50_s": Seconds,
    /// 95th percentile of time to finality of finalized tasks
    TtfP95 = "ttf_p95_s": Seconds,
    /// 99th percentile of time to finality of finalized tasks
    TtfP99 = "ttf_p99_s": Seconds,
    /// requester outflow per correct result
    RequesterCostPerCorrect = "requester_cost_per_correct_nrlc": Nrlc,
    /// attacker net profit per requested task
    AttackerProfitPerTask = "attacker_profit_per_task_nrlc": Nrlc,
    /// honest workers' income per replica computed
    HonestIncomePerCompute = "honest_income_per_compute_nrlc": Nrlc,
    /// variance of honest worker income across honest workers
    HonestIncomeVariance = "honest_income_variance": NrlcSquared,
    /// providers' revenue received / entitled
    ProviderRevenueRatio = "provider_revenue_ratio": Ratio,
    /// victims' loss per requested task
    VictimLossPerTask = "victim_loss_per_task_nrlc": Nrlc,
    /// victim loss / attacker cost
    GriefingFactor = "griefing_factor": Ratio,
    /// capital locked × time per task
    CapitalTimePerTask = "capital_time_per_task_nrlc_s": NrlcSeconds,
    /// replicas executed per finalized task
    RedundancyFactor = "redundancy_factor": Ratio,
    /// attacker net profit over the run
    AttackerProfit = "attacker_profit_nrlc": Nrlc,
    /// reverted calls / all calls
    RevertedCallShare = "reverted_call_share": Ratio,
    /// refused matches / deals
    UnmatchedDealShare = "unmatched_deal_share": Ratio,
    /// kitty at the end of the run
    Kitty = "kitty_nrlc": Nrlc,
    /// highest score of an attacker-controlled worker at the end
    TopAttackerScore = "top_attacker_score": Count,
    /// correct results delivered (finalized, not overturned, true) / requested tasks;
    /// undefined when the requesters are the attacker
    CorrectPerTask = "correct_per_task": Ratio,
    /// wrong results accepted (and not overturned) / requested tasks; undefined when the
    /// requesters are the attacker
    WrongPerTask = "wrong_per_task": Ratio,
    /// requested tasks never finalized (failed, still open, or never matched) / requested
    UnfinishedShare = "unfinished_share": Ratio,
    /// median time to finality over requested tasks, unfinished ones censored (undefined when
    /// fewer than half finished)
    TtfP50Censored = "ttf_p50_censored_s": Seconds,
    /// 95th percentile of time to finality over requested tasks, unfinished ones censored
    /// (undefined when fewer than 95 % finished)
    TtfP95Censored = "ttf_p95_censored_s": Seconds,
    /// the requesters' net position per requested task (results valued at the fair price)
    RequesterNetPerTask = "requester_net_per_task_nrlc": Nrlc,
    /// the app owner's net position per requested task
    AppOwnerNetPerTask = "app_owner_net_per_task_nrlc": Nrlc,
    /// the dataset owner's net position per requested task
    DatasetOwnerNetPerTask = "dataset_owner_net_per_task_nrlc": Nrlc,
    /// the pool's (scheduler's) net position per requested task
    PoolNetPerTask = "pool_net_per_task_nrlc": Nrlc,
    /// the honest workers' net position (income − compute) per requested task
    HonestWorkersNetPerTask = "honest_workers_net_per_task_nrlc": Nrlc,
}

impl Metric {
    /// Is it an amount of nRLC (shown in RLC)?
    pub fn is_money(self) -> bool {
        self.unit() == Unit::Nrlc
    }

    /// The metric with this name.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(Metric::from_name(m.name()), Some(*m));
            assert!(Metric::ALL[..i].iter().all(|o| o.name() != m.name()));
            let json = serde_json::to_string(m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.name()));
        }
        assert_eq!(Metric::from_name("wrong_rate"), None);
        assert!(Metric::VictimLossPerTask.is_money());
        assert!(!Metric::CapitalTimePerTask.is_money());
    }
}
