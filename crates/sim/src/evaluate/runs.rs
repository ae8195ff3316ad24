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
    /// the chosen strategy's parameters, with notes (refined, over budget, unplayable arms)
    pub(super) label: String,
    /// the chosen strategy (replayed against other variants at equal strength)
    pub(super) attack: Attack,
    /// the chosen strategy's runs, run ids `0..replicates`
    pub(super) runs: Vec<RunMetrics>,
    /// strategies evaluated (the grid and the refinement's candidates)
    pub(super) arms: usize,
    /// market runs the whole search spent
    pub(super) budget_runs: u64,
}

/// The attacker's best response to the market `cfg` for `goal`: successive halving over the
/// strategy space ([`strategy_space`]), then local refinement of the winner's numeric
/// parameters between the grid's values ([`refine`]), every arm on run ids `0..n` under `seed`
/// (common random numbers).
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
    let rank = |runs: &[Result<RunMetrics, SimError>]| goal.rank_runs(runs);
    // an arm whose runs fail (the simulator cannot play that strategy against the variant)
    // ranks last and drops out; the search fails only if the chosen arm fails
    let (best, mut samples) = race(
        cfgs.iter().map(|_| Vec::new()).collect(),
        replicates,
        |a, r| Ok::<_, SimError>(run(&cfgs[a], seed, r)),
        rank,
        None,
    )?;
    let mut budget_runs: u64 = samples.iter().map(|s| s.len() as u64).sum();
    let mut arms = cfgs.len();
    let knobs = knobs_of(&space);
    let grid_best = &space[best].0;
    let (attack, mut label, chosen) = if knobs.is_empty() {
        (
            grid_best.clone(),
            space[best].1.clone(),
            std::mem::take(&mut samples[best]),
        )
    } else {
        let refined = refine(
            knobs.clone(),
            point_of(grid_best, &knobs),
            std::mem::take(&mut samples[best]),
            replicates,
            |p, r| {
                let attack = with_point(grid_best, &knobs, p)?;
                Ok::<_, SimError>(run(
                    &MarketConfig {
                        attack,
                        ..cfg.clone()
                    },
                    seed,
                    r,
                ))
            },
            rank,
        )?;
        let mut tried = refined.arms;
        arms += tried.len() - 1;
        budget_runs += tried[1..].iter().map(|(_, s)| s.len() as u64).sum::<u64>();
        let (point, chosen) = std::mem::take(&mut tried[refined.best]);
        samples.extend(tried.into_iter().skip(1).map(|(_, s)| s));
        if refined.best == 0 {
            (grid_best.clone(), space[best].1.clone(), chosen)
        } else {
            let label = format!("{} (refined)", relabel(&space[best].1, &knobs, &point));
            (with_point(grid_best, &knobs, &point)?, label, chosen)
        }
    };
    if !goal.rank_runs(&chosen).feasible {
        label = format!("{label} (no strategy within budget)");
    }
    let failed: Vec<&Vec<Result<RunMetrics, SimError>>> = samples
        .iter()
        .filter(|s| s.iter().any(Result::is_err))
        .collect();
    if let Some(first) = failed.first() {
        let err = first
            .iter()
            .find_map(|r| r.as_ref().err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        label = format!(
            "{label} ({} of {arms} strategies not playable: {err})",
            failed.len(),
        );
    }
    let runs: Vec<RunMetrics> = chosen.into_iter().collect::<Result<_, _>>()?;
    Ok(Search {
        label,
        attack,
        runs,
        arms,
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

/// Every market of `markets` × replicate in parallel (one flat job list, so both cores stay
/// busy to the end); results grouped per market key, by run id. A market whose runs fail keeps
/// its first error and the others are unaffected.
pub(super) fn run_markets(
    markets: &BTreeMap<String, MarketConfig>,
    replicates: u64,
    seed: u64,
) -> BTreeMap<String, Result<Vec<RunMetrics>, String>> {
    let cfgs: Vec<&MarketConfig> = markets.values().collect();
    let jobs: Vec<(usize, u64)> = (0..cfgs.len())
        .flat_map(|i| (0..replicates).map(move |r| (i, r)))
        .collect();
    let out: Vec<Result<RunMetrics, SimError>> = jobs
        .par_iter()
        .map(|&(i, r)| run(cfgs[i], seed, r))
        .collect();
    let mut it = out.into_iter();
    markets
        .keys()
        .map(|k| {
            // the whole group first: collecting into a `Result` directly would stop at an error
            // and leave the rest of the group to the next market
            let group: Vec<Result<RunMetrics, SimError>> =
                it.by_ref().take(replicates as usize).collect();
            let rs: Result<Vec<RunMetrics>, SimError> = group.into_iter().collect();
            (k.clone(), rs.map_err(|e| e.to_string()))
        })
        .collect()
}

/// The same market without the attack.
pub(super) fn calm(c: &MarketConfig) -> MarketConfig {
    MarketConfig {
        attack: Attack::None,
        ..c.clone()
    }
}

pub(super) fn col(runs: &[RunMetrics], metric: Metric) -> Vec<f64> {
    runs.iter().map(|m| m.get(metric)).collect()
}
