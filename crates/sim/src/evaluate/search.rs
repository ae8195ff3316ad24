//! The attacker's strategy spaces and the best-response search: successive halving over a
//! grid, then local refinement of the winner's numeric parameters ([`super::refine`]).

use super::*;

/// What a best-response search maximises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Goal {
    /// the attacker's mean net profit per requested task
    Profit,
    /// the threat's damage metric in its worse direction, among strategies whose mean cost to
    /// the attacker (its negative mean profit per requested task) stays within the budget
    Damage {
        metric: Metric,
        worse: Worse,
        budget_nrlc_per_task: u64,
    },
}

impl Goal {
    /// The rank of an arm from its runs' `(attacker profit per task, damage metric)` pairs.
    /// Non-finite values are left out of the means. Profit: every arm is feasible, valued by
    /// its mean profit. Damage: an arm is feasible when its mean profit is at least −budget and
    /// is then valued by its mean damage in the worse direction; an infeasible arm ranks after
    /// every feasible one, valued by its mean profit, so that when nothing fits the budget the
    /// cheapest strategy wins.
    pub(crate) fn rank(&self, runs: impl IntoIterator<Item = (f64, f64)>) -> Rank {
        let (profit, metric): (Vec<f64>, Vec<f64>) = runs.into_iter().unzip();
        let profit = mean_score(&profit);
        match *self {
            Goal::Profit => Rank {
                feasible: true,
                value: profit,
            },
            Goal::Damage {
                worse,
                budget_nrlc_per_task,
                ..
            } => {
                if profit >= -(budget_nrlc_per_task as f64) {
                    let sign = match worse {
                        Worse::Higher => 1.0,
                        Worse::Lower => -1.0,
                    };
                    let v: Vec<f64> = metric.iter().map(|x| sign * x).collect();
                    Rank {
                        feasible: true,
                        value: mean_score(&v),
                    }
                } else {
                    Rank {
                        feasible: false,
                        value: profit,
                    }
                }
            }
        }
    }

    /// The rank of an arm from its runs (a run that failed is left out).
    pub(crate) fn rank_runs(&self, runs: &[Result<RunMetrics, SimError>]) -> Rank {
        let metric = match *self {
            Goal::Profit => None,
            Goal::Damage { metric, .. } => Some(metric),
        };
        self.rank(runs.iter().filter_map(|r| r.as_ref().ok()).map(|m| {
            (
                m.attacker_profit_per_task(),
                metric.map_or(f64::NAN, |x| m.get(x)),
            )
        }))
    }

    /// `profit` or `damage`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Goal::Profit => "profit",
            Goal::Damage { .. } => "damage",
        }
    }
}

/// How good an arm is for its attacker: feasible arms (within the goal's budget) first, then the
/// higher value; compared with [`Rank::cmp`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rank {
    /// within the goal's budget
    pub(crate) feasible: bool,
    /// what the attacker maximises (−∞ when no run defines it)
    pub(crate) value: f64,
}

impl Rank {
    /// Total order: feasibility first, then value.
    fn cmp(&self, other: &Rank) -> std::cmp::Ordering {
        self.feasible
            .cmp(&other.feasible)
            .then(self.value.total_cmp(&other.value))
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
    let rank = |v: &[T]| Rank {
        feasible: true,
        value: mean_score(&v.iter().map(&score).collect::<Vec<_>>()),
    };
    race(
        (0..arms).map(|_| Vec::new()).collect(),
        replicates,
        sample,
        rank,
        None,
    )
}

/// Successive halving (see [`successive_halving`]) over `samples.len()` arms, some of which may
/// already hold samples (run ids `0..len`; they are reused, not replayed). At every rung the
/// arms are ranked by `rank` of their first `r` samples only, so all arms are compared on the
/// same run ids. With an `incumbent`, a challenger is also dropped at any rung where it does not
/// rank strictly above the incumbent (a race against the incumbent: a refinement that does not
/// help costs one rung).
pub(super) fn race<T, E, F, R>(
    mut samples: Vec<Vec<T>>,
    replicates: u64,
    sample: F,
    rank: R,
    incumbent: Option<usize>,
) -> Result<(usize, Vec<Vec<T>>), E>
where
    T: Send,
    E: Send,
    F: Fn(usize, u64) -> Result<T, E> + Sync,
    R: Fn(&[T]) -> Rank,
{
    let arms = samples.len();
    assert!(arms > 0, "empty strategy space");
    let replicates = replicates.max(1);
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
        let mut ranked: Vec<(usize, Rank)> = alive
            .iter()
            .map(|&a| (a, rank(&samples[a][..r as usize])))
            .collect();
        ranked.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        if let Some(inc) = incumbent
            && let Some(&(_, bar)) = ranked.iter().find(|x| x.0 == inc)
        {
            ranked.retain(|&(a, k)| a == inc || k.cmp(&bar).is_gt());
        }
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

/// Why an attack has no strategic parameter (its strategy space is the preset alone), in
/// words; `None` for an attack whose parameters the best-response search varies.
pub fn no_strategic_parameter(a: &Attack) -> Option<&'static str> {
    use Attack as A;
    match a {
        A::None => Some("no attack"),
        A::UnstableInputs => Some(
            "the attack is a single action: serve per-worker inputs on every task and be refunded at claim",
        ),
        A::MalformedInput => Some(
            "the attack is a single action: submit a malformed but deterministic input on every task",
        ),
        A::ExfiltratingApp { .. } => Some(
            "the attack is a single action: leak the dataset on every task; the data's value is the victim's, not the attacker's to choose",
        ),
        A::MutableDataset => {
            Some("the attack is a single action: serve different dataset content to every worker")
        }
        A::WithholdFinalize => {
            Some("the attack is a single action: withhold finalize on every task")
        }
        A::Coalition { .. } => Some(
            "a coalition plays its members' catalogue presets; their joint parameters are not searched",
        ),
        A::WithdrawRace { .. }
        | A::ExtremeTrust { .. }
        | A::NondeterministicApp { .. }
        | A::ImageMutation { .. }
        | A::DeterministicGarbage { .. }
        | A::PriceFrontRun { .. }
        | A::TrivialisedConsensus { .. }
        | A::ResourceBomb { .. }
        | A::DatasetWithdrawal { .. }
        | A::SchedulerSybils { .. }
        | A::Censorship { .. }
        | A::RequestSniping { .. }
        | A::PolicyFrontRun { .. }
        | A::KittyDrain { .. }
        | A::ScoreFarming { .. }
        | A::SlowPool { .. }
        | A::ColludingWorkers { .. }
        | A::LazyCopying { .. }
        | A::ResultSharing { .. }
        | A::RevealWithholding { .. }
        | A::Guessing { .. }
        | A::Vanishing { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::refine::{Knob, knobs_of, point_of, refine, with_point};
    use super::*;

    /// A synthetic market: the score peaks at `opt`; the noise depends on the run id only
    /// (common random numbers).
    fn peaked(opt: f64) -> impl Fn(&[f64], u64) -> Result<f64, ()> + Sync {
        move |p: &[f64], r: u64| {
            let noise = ((r * 7919 % 13) as f64 - 6.0) * 1e-4;
            Ok(-(p[0] - opt).powi(2) + noise)
        }
    }

    fn by_mean(v: &[f64]) -> Rank {
        Rank {
            feasible: true,
            value: mean_score(v),
        }
    }

    /// The grid's best point by successive halving, then refinement: `(best point, arms
    /// refined, runs the refinement spent)`.
    fn grid_then_refine(
        grid: &[f64],
        integer: bool,
        opt: f64,
        reps: u64,
    ) -> (Vec<f64>, usize, u64) {
        let f = peaked(opt);
        let (best, mut samples) =
            successive_halving(grid.len(), reps, |a, r| f(&[grid[a]], r), |x| *x).unwrap();
        let knob = Knob {
            name: "x".into(),
            integer,
            tried: grid.to_vec(),
        };
        let out = refine(
            vec![knob],
            vec![grid[best]],
            std::mem::take(&mut samples[best]),
            reps,
            &f,
            by_mean,
        )
        .unwrap();
        assert_eq!(out.arms[out.best].1.len() as u64, reps);
        let runs = out.arms[1..].iter().map(|a| a.1.len() as u64).sum();
        (out.arms[out.best].0.clone(), out.arms.len() - 1, runs)
    }

    #[test]
    fn refinement_finds_an_optimum_between_grid_points() {
        // grid best 0.3; round 1 tries 0.25 and 0.4 (0.4 wins), round 2 0.35 and 0.45
        let (p, arms, _) = grid_then_refine(&[0.1, 0.2, 0.3, 0.5], false, 0.37, 16);
        assert_eq!(p, vec![0.35]);
        assert_eq!(arms, 4);
        // integers: grid best 24; round 1 tries 21 and 30 (30 wins), round 2 27 and 33
        let (p, _, _) = grid_then_refine(&[0.0, 6.0, 12.0, 18.0, 24.0, 36.0], true, 29.0, 16);
        assert_eq!(p, vec![30.0]);
        // refinement stays within the grid's range: an optimum beyond it stops at the edge
        let (p, _, _) = grid_then_refine(&[0.1, 0.2, 0.3, 0.5], false, 0.9, 16);
        assert_eq!(p, vec![0.5]);
    }

    #[test]
    fn refinement_keeps_the_incumbent_unless_strictly_better_and_races_cheaply() {
        // a flat score: no candidate is strictly better, and each is dropped at the first rung
        let flat = |_: &[f64], _: u64| Ok::<f64, ()>(1.0);
        let knob = Knob {
            name: "x".into(),
            integer: false,
            tried: vec![0.1, 0.2, 0.3, 0.5],
        };
        let out = refine(vec![knob], vec![0.2], vec![1.0; 16], 16, flat, by_mean).unwrap();
        assert_eq!(out.best, 0);
        assert_eq!(
            out.arms[0].1.len(),
            16,
            "the incumbent's samples are reused"
        );
        // two rounds of two candidates, each played at the first rung only (⌈16/4⌉ = 4)
        assert_eq!(out.arms.len(), 5);
        assert!(out.arms[1..].iter().all(|a| a.1.len() == 4));
        assert_eq!(out.arms[1].0, vec![0.15]);
        assert_eq!(out.arms[3].0, vec![0.175], "the step halves");
        // an integer knob stops when the neighbours are adjacent
        let knob = Knob {
            name: "n".into(),
            integer: true,
            tried: vec![1.0, 2.0, 3.0],
        };
        let out = refine(vec![knob], vec![2.0], vec![1.0; 4], 4, flat, by_mean).unwrap();
        assert_eq!(out.arms.len(), 1);
    }

    #[test]
    fn damage_goal_respects_the_budget() {
        let goal = |worse, budget| Goal::Damage {
            metric: Metric::VictimLossPerTask,
            worse,
            budget_nrlc_per_task: budget,
        };
        // (attacker profit per task, damage metric) per arm, equal in every run
        let arms = [(-5.0, 1.0), (-20.0, 10.0), (-8.0, 3.0), (2.0, f64::NAN)];
        let play = |a: usize, _: u64| Ok::<(f64, f64), ()>(arms[a]);
        let best = |g: Goal| {
            let (b, s) = race(
                arms.iter().map(|_| Vec::new()).collect(),
                8,
                play,
                |v: &[(f64, f64)]| g.rank(v.iter().copied()),
                None,
            )
            .unwrap();
            (b, g.rank(s[b].iter().copied()).feasible)
        };
        // the most damaging arm costs 20 per task: over a budget of 10, the next one wins
        assert_eq!(best(goal(Worse::Higher, 10)), (2, true));
        assert_eq!(best(goal(Worse::Higher, 20)), (1, true));
        // lower is worse: the least damaging value wins among those within budget
        assert_eq!(best(goal(Worse::Lower, 10)), (0, true));
        // within a budget of 0 only the profitable arm fits: it wins although its damage is
        // undefined (it would rank last among feasible arms), before every infeasible arm
        assert_eq!(best(goal(Worse::Higher, 0)), (3, true));
        // profit ignores damage and budget
        assert_eq!(best(Goal::Profit), (3, true));
        // nothing within budget: the cheapest arm, flagged infeasible
        let costly = [(-5.0, 1.0), (-20.0, 10.0), (-8.0, 3.0)];
        let g = goal(Worse::Higher, 1);
        let (b, s) = race(
            costly.iter().map(|_| Vec::new()).collect(),
            8,
            |a, _| Ok::<(f64, f64), ()>(costly[a]),
            |v: &[(f64, f64)]| g.rank(v.iter().copied()),
            None,
        )
        .unwrap();
        assert_eq!(b, 0);
        assert!(!g.rank(s[0].iter().copied()).feasible);
    }

    #[test]
    fn refinement_is_deterministic() {
        let a = grid_then_refine(&[0.1, 0.25, 0.5, 0.75, 1.0], false, 0.61, 20);
        for _ in 0..3 {
            assert_eq!(
                grid_then_refine(&[0.1, 0.25, 0.5, 0.75, 1.0], false, 0.61, 20),
                a
            );
        }
    }

    #[test]
    fn knobs_are_the_attackers_varied_numeric_parameters() {
        for t in crate::threats::catalogue() {
            let crate::threats::Simulation::Run { cfg, .. } = &t.sim else {
                continue;
            };
            let space = strategy_space(cfg);
            let knobs = knobs_of(&space);
            assert_eq!(
                knobs.is_empty(),
                no_strategic_parameter(&cfg.attack).is_some(),
                "{}: knobs {knobs:?}",
                t.id
            );
            // setting the preset's own values gives back the preset
            let p = point_of(&cfg.attack, &knobs);
            assert_eq!(with_point(&cfg.attack, &knobs, &p).unwrap(), cfg.attack);
            assert_eq!(relabel(&space[0].1, &knobs, &p), space[0].1, "{}", t.id);
        }
        let space = strategy_space(&MarketConfig {
            attack: Attack::ImageMutation {
                from_deal: 30,
                p_stale: 0.5,
            },
            ..MarketConfig::default()
        });
        let knobs = knobs_of(&space);
        let names: Vec<(&str, bool)> = knobs.iter().map(|k| (k.name.as_str(), k.integer)).collect();
        assert_eq!(names, vec![("from_deal", true), ("p_stale", false)]);
        let a = with_point(&space[0].0, &knobs, &[22.0, 0.625]).unwrap();
        assert_eq!(
            a,
            Attack::ImageMutation {
                from_deal: 22,
                p_stale: 0.625
            }
        );
        assert_eq!(
            relabel(&space[0].1, &knobs, &[22.0, 0.625]),
            "from_deal=22, p_stale=0.625"
        );
        let fixed = Attack::WithholdFinalize;
        assert!(
            no_strategic_parameter(&fixed)
                .unwrap()
                .contains("withhold finalize")
        );
    }

    #[test]
    fn a_market_search_refines_and_accounts_for_its_runs() {
        let cfg = MarketConfig {
            deals: 8,
            honest_workers: 6,
            attack: Attack::Censorship { fraction: 0.3 },
            ..MarketConfig::default()
        };
        let a = run_search(&cfg, 4, 11, Goal::Profit).unwrap();
        let b = run_search(&cfg, 4, 11, Goal::Profit).unwrap();
        assert_eq!(
            (&a.label, &a.attack, a.arms, a.budget_runs),
            (&b.label, &b.attack, b.arms, b.budget_runs)
        );
        assert_eq!(a.runs.len(), 4);
        assert!(a.arms > strategy_space(&cfg).len(), "refinement adds arms");
        assert!(a.budget_runs >= 4 * a.arms as u64 / 2);
    }
}
