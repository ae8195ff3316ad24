//! Running markets for the matrix: replicates, grids and best-response searches on common
//! random numbers; metric columns and their summaries.

use super::*;

/// Summary over the finite values only (n = how many were finite): a value undefined in a
/// run (e.g. a rate over no finalized task) is left out, never counted as 0.
pub(super) fn finite_summary(v: &[f64]) -> Summary {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    Summary::of(&f)
}

pub(super) fn exact(v: f64) -> Summary {
    Summary {
        n: 1,
        mean: v,
        sd: 0.0,
        ci95: 0.0,
    }
}

/// Scale a catalogue market to the size preset (deals and deal-indexed attack parameters).
pub(super) fn scale_market(c: &MarketConfig, size: Size) -> MarketConfig {
    let (num, den) = size.scale();
    let s = |x: u64| if x == 0 { 0 } else { (x * num / den).max(1) };
    let mut c = c.clone();
    c.deals = s(c.deals);
    c.attack = match c.attack {
        Attack::ImageMutation { from_deal, p_stale } => Attack::ImageMutation {
            from_deal: s(from_deal),
            p_stale,
        },
        Attack::DatasetWithdrawal { from_deal } => Attack::DatasetWithdrawal {
            from_deal: s(from_deal),
        },
        Attack::KittyDrain {
            seed_failures,
            drain_deals,
        } => Attack::KittyDrain {
            seed_failures: s(seed_failures),
            drain_deals: s(drain_deals),
        },
        a => a,
    };
    c
}

pub(super) fn key(c: &MarketConfig) -> String {
    serde_json::to_string(c).expect("serializable")
}

pub(super) fn cfg_hash(c: &MarketConfig) -> String {
    let h = format!("{}", keccak256(key(c).as_bytes()));
    h.chars().take(18).collect()
}

/// The best response of one attacker to one protocol variant.
#[derive(Debug, Clone)]
pub(super) struct Search {
    pub(super) label: String,
    /// the chosen strategy (replayed against other variants at equal strength)
    pub(super) attack: Attack,
    pub(super) runs: Vec<RunMetrics>,
    /// strategies evaluated
    pub(super) arms: usize,
    /// market runs the whole search spent
    pub(super) budget_runs: u64,
}

pub(super) fn run_search(
    cfg: &MarketConfig,
    replicates: u64,
    seed: u64,
    goal: Goal,
) -> Result<Search, SimError> {
    let space = strategy_space(cfg);
    let cfgs: Vec<MarketConfig> = space
        .iter()
        .map(|(a, _)| MarketConfig {
            attack: a.clone(),
            ..cfg.clone()
        })
        .collect();
    // an arm whose runs fail (the simulator cannot play that strategy against the variant)
    // scores −∞ and drops out; the search fails only if the chosen arm fails
    let (best, mut samples) = successive_halving(
        cfgs.len(),
        replicates,
        |a, r| Ok::<_, SimError>(run(&cfgs[a], seed, r)),
        |m: &Result<RunMetrics, SimError>| m.as_ref().map(|m| goal.score(m)).unwrap_or(f64::NAN),
    )?;
    let budget_runs = samples.iter().map(|s| s.len() as u64).sum();
    let failed: Vec<usize> = (0..cfgs.len())
        .filter(|&a| samples[a].iter().any(Result::is_err))
        .collect();
    let runs: Vec<RunMetrics> = std::mem::take(&mut samples[best])
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut label = space[best].1.clone();
    if let Some(&first) = failed.first() {
        let err = samples[first]
            .iter()
            .find_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        label = format!(
            "{label} ({} of {} strategies not playable: {err})",
            failed.len(),
            cfgs.len()
        );
    }
    Ok(Search {
        label,
        attack: cfgs[best].attack.clone(),
        runs,
        arms: cfgs.len(),
        budget_runs,
    })
}

pub(super) fn run_reps(
    cfg: &MarketConfig,
    replicates: u64,
    seed: u64,
) -> Result<Vec<RunMetrics>, SimError> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run(cfg, seed, r))
        .collect()
}

/// Run every config × replicate in parallel; results grouped per config, by run id.
pub(super) fn run_grid(
    cfgs: &[MarketConfig],
    replicates: u64,
    seed: u64,
) -> Result<Vec<Vec<RunMetrics>>, SimError> {
    let jobs: Vec<(usize, u64)> = (0..cfgs.len())
        .flat_map(|i| (0..replicates).map(move |r| (i, r)))
        .collect();
    let out: Vec<RunMetrics> = jobs
        .par_iter()
        .map(|&(i, r)| run(&cfgs[i], seed, r))
        .collect::<Result<_, _>>()?;
    let mut it = out.into_iter();
    Ok((0..cfgs.len())
        .map(|_| it.by_ref().take(replicates as usize).collect())
        .collect())
}

pub(super) fn col(runs: &[RunMetrics], metric: Metric) -> Vec<f64> {
    runs.iter().map(|m| m.get(metric)).collect()
}
