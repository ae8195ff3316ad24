//! The attacker's strategy spaces and the best-response search (successive halving).

use super::*;

/// What a best-response search maximises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Goal {
    /// the attacker's mean net profit per requested task
    Profit,
    /// the threat's damage metric in its worse direction, among strategies whose mean cost to
    /// the attacker stays within the budget
    Damage {
        metric: Metric,
        worse: Worse,
        budget_nrlc_per_task: u64,
    },
}

impl Goal {
    /// The score of one run (NaN when undefined; a griefer's over-budget run scores −∞ per
    /// run, a simple stand-in for the budget on the mean).
    pub(crate) fn score(&self, m: &RunMetrics) -> f64 {
        match *self {
            Goal::Profit => m.attacker_profit_per_task(),
            Goal::Damage {
                metric,
                worse,
                budget_nrlc_per_task,
            } => {
                if m.attacker_profit_per_task() < -(budget_nrlc_per_task as f64) {
                    return f64::NEG_INFINITY;
                }
                let v = m.get(metric);
                match worse {
                    Worse::Higher => v,
                    Worse::Lower => -v,
                }
            }
        }
    }

    /// `profit` or `damage`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Goal::Profit => "profit",
            Goal::Damage { .. } => "damage",
        }
    }
}

pub(super) fn with_preset<T: PartialEq + Copy>(preset: T, grid: &[T]) -> Vec<T> {
    let mut v = vec![preset];
    v.extend(grid.iter().copied().filter(|x| *x != preset));
    v
}

/// The attacker's strategy space for the attack in `cfg`: `(attack, label)` arms, the preset
/// first. Parameters describing victims or nature stay at the preset (see the module docs).
pub fn strategy_space(cfg: &MarketConfig) -> Vec<(Attack, String)> {
    use Attack as A;
    let fractions = [0.1, 0.2, 0.3, 0.5];
    let probs = [0.1, 0.25, 0.5, 0.75, 1.0];
    let d = cfg.deals;
    let deal_points = [0, d / 4, d / 2, 3 * d / 4];
    match cfg.attack.clone() {
        A::WithdrawRace { p } => with_preset(p, &probs)
            .into_iter()
            .map(|p| (A::WithdrawRace { p }, format!("p={p}")))
            .collect(),
        A::ExtremeTrust { trust } => with_preset(trust, &[10, 100, 1_000, 10_000])
            .into_iter()
            .map(|trust| (A::ExtremeTrust { trust }, format!("trust={trust}")))
            .collect(),
        A::NondeterministicApp { p } => with_preset(p, &probs)
            .into_iter()
            .map(|p| (A::NondeterministicApp { p }, format!("p={p}")))
            .collect(),
        A::ImageMutation { from_deal, p_stale } => {
            let mut v = Vec::new();
            for f in with_preset(from_deal, &deal_points) {
                for p in with_preset(p_stale, &[0.25, 0.5, 0.75]) {
                    v.push((
                        A::ImageMutation {
                            from_deal: f,
                            p_stale: p,
                        },
                        format!("from_deal={f}, p_stale={p}"),
                    ));
                }
            }
            v
        }
        A::PriceFrontRun { source, markup_pct } => with_preset(markup_pct, &[25, 50, 100, 200])
            .into_iter()
            .map(|m| {
                (
                    A::PriceFrontRun {
                        source,
                        markup_pct: m,
                    },
                    format!("markup_pct={m}"),
                )
            })
            .collect(),
        A::TrivialisedConsensus { lazy_fraction } => {
            with_preset(lazy_fraction, &[0.1, 0.2, 0.3, 0.5, 0.8])
                .into_iter()
                .map(|f| {
                    (
                        A::TrivialisedConsensus { lazy_fraction: f },
                        format!("lazy_fraction={f}"),
                    )
                })
                .collect()
        }
        A::ResourceBomb { crash_p } => with_preset(crash_p, &probs)
            .into_iter()
            .map(|p| (A::ResourceBomb { crash_p: p }, format!("crash_p={p}")))
            .collect(),
        A::DatasetWithdrawal { from_deal } => with_preset(from_deal, &deal_points)
            .into_iter()
            .map(|f| {
                (
                    A::DatasetWithdrawal { from_deal: f },
                    format!("from_deal={f}"),
                )
            })
            .collect(),
        A::SchedulerSybils {
            sybils,
            external_gain_nrlc,
        } => with_preset(sybils, &[1, 2, 3, 4, 5])
            .into_iter()
            .map(|s| {
                (
                    A::SchedulerSybils {
                        sybils: s,
                        external_gain_nrlc,
                    },
                    format!("sybils={s}"),
                )
            })
            .collect(),
        A::Censorship { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::Censorship { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::RequestSniping { markup_pct } => with_preset(markup_pct, &[25, 50, 100, 200])
            .into_iter()
            .map(|m| {
                (
                    A::RequestSniping { markup_pct: m },
                    format!("markup_pct={m}"),
                )
            })
            .collect(),
        A::PolicyFrontRun {
            scheduler_reward_ratio,
        } => with_preset(scheduler_reward_ratio, &[25, 50, 75, 100])
            .into_iter()
            .map(|s| {
                (
                    A::PolicyFrontRun {
                        scheduler_reward_ratio: s,
                    },
                    format!("scheduler_reward_ratio={s}"),
                )
            })
            .collect(),
        A::KittyDrain {
            seed_failures,
            drain_deals,
        } => {
            let grid = [
                drain_deals / 6,
                drain_deals / 3,
                2 * drain_deals / 3,
                2 * drain_deals,
            ]
            .map(|x| x.max(1));
            with_preset(drain_deals, &grid)
                .into_iter()
                .map(|n| {
                    (
                        A::KittyDrain {
                            seed_failures,
                            drain_deals: n,
                        },
                        format!("drain_deals={n}"),
                    )
                })
                .collect()
        }
        A::ScoreFarming {
            farm_tasks,
            external_gain_nrlc,
        } => with_preset(farm_tasks, &[0, 6, 12, 18, 24, 36])
            .into_iter()
            .map(|f| {
                (
                    A::ScoreFarming {
                        farm_tasks: f,
                        external_gain_nrlc,
                    },
                    format!("farm_tasks={f}"),
                )
            })
            .collect(),
        A::SlowPool { tasks_per_hour } => with_preset(tasks_per_hour, &[5, 10, 20, 30, 60])
            .into_iter()
            .map(|t| {
                (
                    A::SlowPool { tasks_per_hour: t },
                    format!("tasks_per_hour={t}"),
                )
            })
            .collect(),
        A::ColludingWorkers {
            fraction,
            external_gain_nrlc,
        } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::ColludingWorkers {
                        fraction: f,
                        external_gain_nrlc,
                    },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::LazyCopying { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::LazyCopying { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::ResultSharing { fraction } => with_preset(fraction, &[0.2, 0.3, 0.5, 0.8])
            .into_iter()
            .map(|f| (A::ResultSharing { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::RevealWithholding { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::RevealWithholding { fraction: f },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::Guessing {
            fraction,
            p_correct,
        } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| {
                (
                    A::Guessing {
                        fraction: f,
                        p_correct,
                    },
                    format!("fraction={f}"),
                )
            })
            .collect(),
        A::Vanishing { fraction } => with_preset(fraction, &fractions)
            .into_iter()
            .map(|f| (A::Vanishing { fraction: f }, format!("fraction={f}")))
            .collect(),
        A::DeterministicGarbage {
            source,
            loss_nrlc,
            from_deal,
            reenter,
        } => {
            let mut v = Vec::new();
            for r in with_preset(reenter, &[false, true]) {
                for f in with_preset(from_deal, &deal_points) {
                    let a = A::DeterministicGarbage {
                        source,
                        loss_nrlc,
                        from_deal: f,
                        reenter: r,
                    };
                    v.push((a, format!("from_deal={f}, reenter={r}")));
                }
            }
            v
        }
        other => vec![(other, "fixed (no strategic parameter)".to_string())],
    }
}

pub(super) fn mean_score(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if f.is_empty() {
        f64::NEG_INFINITY
    } else {
        Summary::of(&f).mean
    }
}

/// Best-response search by successive halving over `arms` arms, up to `replicates` samples of
/// the best one. `sample(arm, r)` plays arm `arm` with replicate (run id) `r`; `score` is what
/// the attacker maximises (non-finite scores are ignored; an arm with none ranks last). Every
/// arm first gets `⌈replicates/4⌉` replicates (at least 2, at most `replicates`); the better
/// half (rounded up) is kept and the replicates doubled, until one arm is left with all
/// `replicates`. Ties go to the lower index. Samples of an arm are always run ids `0..n`, so
/// arms are compared on common random numbers. Returns the best arm and every arm's samples.
pub fn successive_halving<T, E, F, S>(
    arms: usize,
    replicates: u64,
    sample: F,
    score: S,
) -> Result<(usize, Vec<Vec<T>>), E>
where
    T: Send,
    E: Send,
    F: Fn(usize, u64) -> Result<T, E> + Sync,
    S: Fn(&T) -> f64,
{
    assert!(arms > 0, "empty strategy space");
    let replicates = replicates.max(1);
    let mut samples: Vec<Vec<T>> = (0..arms).map(|_| Vec::new()).collect();
    let mut alive: Vec<usize> = (0..arms).collect();
    let mut r = if arms == 1 {
        replicates
    } else {
        replicates.div_ceil(4).max(2).min(replicates)
    };
    loop {
        let jobs: Vec<(usize, u64)> = alive
            .iter()
            .flat_map(|&a| (samples[a].len() as u64..r).map(move |i| (a, i)))
            .collect();
        let out: Vec<T> = jobs
            .par_iter()
            .map(|&(a, i)| sample(a, i))
            .collect::<Result<_, E>>()?;
        for ((a, _), t) in jobs.iter().zip(out) {
            samples[*a].push(t);
        }
        let mut ranked: Vec<(usize, f64)> = alive
            .iter()
            .map(|&a| {
                (
                    a,
                    mean_score(&samples[a].iter().map(&score).collect::<Vec<_>>()),
                )
            })
            .collect();
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        if r >= replicates {
            if ranked.len() == 1 {
                return Ok((ranked[0].0, samples));
            }
            alive = vec![ranked[0].0];
            continue;
        }
        let keep = ranked.len().div_ceil(2).max(1);
        alive = ranked[..keep].iter().map(|x| x.0).collect();
        alive.sort_unstable();
        r = (2 * r).min(replicates);
    }
}
