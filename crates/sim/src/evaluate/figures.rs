//! The figures of experiments E2–E10 (§5.2 item 7): heatmaps, lines, CDFs, frontiers.

use super::*;

use pocolab_core::constants::RLC;

/// Run `cfgs` (variant-major: `cfgs.len() / variants.len()` configs per variant) for every
/// variant; variants whose runs fail are left out and named in the returned caption suffix.
/// Baseline failing is an error.
#[allow(clippy::type_complexity)]
pub(super) fn run_variants(
    cfgs: &[MarketConfig],
    variants: &[Variant],
    reps: u64,
    seed: u64,
) -> Result<(Vec<(Variant, Vec<Vec<RunMetrics>>)>, String), SimError> {
    let per = cfgs.len() / variants.len().max(1);
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (vi, v) in variants.iter().enumerate() {
        match run_grid(&cfgs[vi * per..(vi + 1) * per], reps, seed) {
            Ok(out) => ok.push((*v, out)),
            Err(e) if !v.is_baseline() => failed.push(format!("{v} ({e})")),
            Err(e) => return Err(e),
        }
    }
    let suffix = if failed.is_empty() {
        String::new()
    } else {
        format!("; not shown, a run failed: {}", failed.join("; "))
    };
    Ok((ok, suffix))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn line_figure(
    ctx: &Ctx,
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    base: &MarketConfig,
    variants: &[Variant],
    xs: &[f64],
    set: &dyn Fn(&mut MarketConfig, f64),
    y: &dyn Fn(&RunMetrics) -> f64,
    what: &str,
) -> Result<Figure, SimError> {
    let reps = ctx.opts.replicates;
    let mut cfgs = Vec::new();
    for v in variants {
        for &x in xs {
            let mut c = ctx.with(base, *v);
            set(&mut c, x);
            cfgs.push(c);
        }
    }
    let (ok, failed) = run_variants(&cfgs, variants, reps, ctx.opts.seed)?;
    let mut series = Vec::new();
    for (v, out) in &ok {
        let points = xs
            .iter()
            .enumerate()
            .map(|(xi, &x)| {
                (
                    x,
                    finite_summary(&out[xi].iter().map(y).collect::<Vec<_>>()),
                )
            })
            .collect();
        series.push(Series {
            name: v.to_string(),
            points,
        });
    }
    let shown: Vec<Variant> = ok.iter().map(|(v, _)| *v).collect();
    Ok(Figure {
        id: id.into(),
        title: title.into(),
        kind: FigureKind::Line,
        x_label: x_label.into(),
        y_label: y_label.into(),
        series,
        heatmap: None,
        caption: ctx.caption(&format!("{what}{failed}"), base, &shown, reps),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn heatmap_figures(
    ctx: &Ctx,
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    base: &MarketConfig,
    variants: &[Variant],
    xs: &[f64],
    ys: &[f64],
    set: &dyn Fn(&mut MarketConfig, f64, f64),
    what: &str,
) -> Result<Vec<Figure>, SimError> {
    let reps = ctx.opts.replicates;
    let mut cfgs = Vec::new();
    for v in variants {
        for &y in ys {
            for &x in xs {
                let mut c = ctx.with(base, *v);
                set(&mut c, x, y);
                cfgs.push(c);
            }
        }
    }
    let (ok, failed) = run_variants(&cfgs, variants, reps, ctx.opts.seed)?;
    let mut figs = Vec::new();
    for (v, out) in &ok {
        let z = (0..ys.len())
            .map(|yi| {
                (0..xs.len())
                    .map(|xi| {
                        let runs = &out[yi * xs.len() + xi];
                        finite_summary(
                            &runs
                                .iter()
                                .map(|m| m.attacker_profit_per_task())
                                .collect::<Vec<_>>(),
                        )
                        .mean
                            / RLC as f64
                    })
                    .collect()
            })
            .collect();
        figs.push(Figure {
            id: format!("{id}-{}", v.to_string().replace('–', "-").to_lowercase()),
            title: format!("{title} — {v}"),
            kind: FigureKind::Heatmap,
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            heatmap: Some(Heatmap {
                x: xs.to_vec(),
                y: ys.to_vec(),
                z,
                z_label: "attacker net profit per task (RLC), mean over replicates".into(),
            }),
            caption: ctx.caption(
                &format!("{what}{failed}"),
                base,
                std::slice::from_ref(v),
                reps,
            ),
        });
    }
    Ok(figs)
}

pub(super) fn cdf_figure(
    ctx: &Ctx,
    id: &str,
    title: &str,
    base: &MarketConfig,
    variants: &[Variant],
    pre: &BTreeMap<String, Vec<RunMetrics>>,
    what: &str,
) -> Result<Figure, SimError> {
    let reps = ctx.opts.replicates;
    let mut series = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for v in variants {
        let c = ctx.with(base, *v);
        let runs = match pre.get(&key(&c)) {
            Some(r) => r.clone(),
            None => match run_reps(&c, reps, ctx.opts.seed) {
                Ok(r) => r,
                Err(e) if !v.is_baseline() => {
                    failed.push(format!("{v} ({e})"));
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        let mut h = Histogram::default();
        for m in &runs {
            h.merge(&m.time_to_finality);
        }
        // over every requested task: the curve plateaus at the share that finished (the
        // unfinished tasks are censored at the end of the run, never left out)
        let requested: u64 = runs.iter().map(|m| m.demand_tasks).sum();
        series.push(Series {
            name: v.to_string(),
            points: h
                .cdf_over(requested)
                .into_iter()
                .map(|(x, p)| (x as f64, exact(p)))
                .collect(),
        });
    }
    let shown: Vec<Variant> = variants
        .iter()
        .filter(|v| series.iter().any(|s| s.name == v.to_string()))
        .copied()
        .collect();
    let f = if failed.is_empty() {
        String::new()
    } else {
        format!("; not shown, a run failed: {}", failed.join("; "))
    };
    let caption = ctx.caption(
        &format!("{what}; histograms merged over replicates, as a share of every requested task (unfinished tasks censored: a curve ends at the share that finished){f}"),
        base,
        &shown,
        reps,
    );
    Ok(Figure {
        id: id.into(),
        title: title.into(),
        kind: FigureKind::Cdf,
        x_label: "time to finality (s)".into(),
        y_label: "fraction of requested tasks finalized ≤ x".into(),
        series,
        heatmap: None,
        caption,
    })
}

pub(super) fn ceil_log2(t: u64) -> u64 {
    if t <= 1 {
        0
    } else {
        64 - (t - 1).leading_zeros() as u64
    }
}

pub(super) fn figures_for(
    id: &str,
    ctx: &Ctx,
    honest: &BTreeMap<String, Vec<RunMetrics>>,
) -> Result<Vec<Figure>, SimError> {
    let size = ctx.opts.size;
    let base = super::presets::with_overrides(&scale_market(&base_market(), size), ctx.opts);
    let gain = 50 * RLC;
    let mut figs = Vec::new();
    match id {
        "E2" => {
            let v = ctx.pick(&[BASELINE, only(1), FULL_STACK]);
            let xs = [0.0, 10.0, 20.0, 50.0, 100.0, 200.0];
            let ys = [1.0, 2.0, 3.0, 5.0];
            let set = |c: &mut MarketConfig, g: f64, t: f64| {
                let t = t as u64;
                c.trust = t;
                c.fast_path = t <= 1;
                c.attack = Attack::SchedulerSybils {
                    sybils: ceil_log2(t).max(1),
                    external_gain_nrlc: (g * RLC as f64) as u64,
                };
            };
            figs.extend(heatmap_figures(
                ctx,
                "e2-profit-gain-trust",
                "Scheduler Sybil capture (S1/S2): attacker profit over external gain G and trust t",
                "external gain G per wrong result (RLC)",
                "trust t (Sybils = max(1, ⌈log₂ t⌉), fast path at t = 1)",
                &base,
                &v,
                &xs,
                &ys,
                &set,
                "Scheduler with just enough Sybils to finalize alone, P = 12 RLC",
            )?);
        }
        "E3" => {
            let v = ctx.pick(&[BASELINE, only(1), only(2), only(7), FULL_STACK]);
            let xs = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
            let set = |c: &mut MarketConfig, f: f64| {
                c.attack = if f == 0.0 {
                    Attack::None
                } else {
                    Attack::ColludingWorkers {
                        fraction: f,
                        external_gain_nrlc: gain,
                    }
                }
            };
            figs.push(line_figure(
                ctx,
                "e3-wrar-vs-fraction",
                "Wrong-result acceptance rate vs. colluding fraction (W2/W3)",
                "colluding fraction φ",
                "wrong-result acceptance rate",
                &base,
                &v,
                &xs,
                &set,
                &|m| m.wrong_rate(),
                &format!(
                    "Colluding workers on one wrong result, trust {}, G = 50 RLC",
                    base.trust
                ),
            )?);
        }
        "E4" => {
            let v = ctx.pick(&[BASELINE, only(3), only(8), FULL_STACK]);
            let b = MarketConfig {
                attack: Attack::RevealWithholding { fraction: 0.3 },
                ..base.clone()
            };
            figs.push(cdf_figure(
                ctx,
                "e4-ttf-cdf-withholding",
                "Time to finality under reveal withholding (W6, 30 % withholders)",
                &b,
                &v,
                honest,
                &format!(
                    "Reveal withholding by 30 % of workers, trust {}",
                    base.trust
                ),
            )?);
        }
        "E6" => {
            let v = ctx.pick(&[BASELINE, only(5), only(3), FULL_STACK]);
            let xs = [0.0, 2.0, 5.0, 10.0, 20.0];
            let ys = [1.0, 5.0, 10.0, 20.0];
            let set = |c: &mut MarketConfig, pad: f64, pw: f64| {
                c.app_price = (pad / 2.0 * RLC as f64) as u64;
                c.dataset_price = (pad / 2.0 * RLC as f64) as u64;
                c.workerpool_price = (pw * RLC as f64) as u64;
                c.attack = Attack::WithholdFinalize;
            };
            figs.extend(heatmap_figures(
                ctx,
                "e6-profit-prices",
                "Free-riding via refund (R3/C1): attacker profit over P_a + P_d and P_w",
                "P_a + P_d per task (RLC, split equally)",
                "P_w per task (RLC)",
                &base,
                &v,
                &xs,
                &ys,
                &set,
                &format!(
                    "Requester–scheduler coalition withholding finalize, trust {}",
                    base.trust
                ),
            )?);
        }
        "E8" => {
            let v = ctx.pick(&[BASELINE, only(2), only(7), FULL_STACK]);
            let (num, den) = size.scale();
            let xs: Vec<f64> = [5u64, 10, 20, 40, 60]
                .iter()
                .map(|d| ((d * num / den).max(1)) as f64)
                .collect();
            let b = MarketConfig {
                honest_workers: 4,
                attack: Attack::ScoreFarming {
                    farm_tasks: 18,
                    external_gain_nrlc: gain,
                },
                ..base.clone()
            };
            let set = |c: &mut MarketConfig, d: f64| c.deals = d as u64;
            figs.push(line_figure(
                ctx,
                "e8-reputation-trajectory",
                "Reputation trajectory of a score-farming attacker (S9/W5)",
                "deals played in the victim pool",
                "highest attacker worker score",
                &b,
                &v,
                &xs,
                &set,
                &|m| m.top_attacker_score as f64,
                "Two ring workers farm 18 self-dealt tasks, then return wrong results; 4 honest workers",
            )?);
        }
        "E9" => {
            let v = ctx.pick(&[BASELINE, only(8), FULL_STACK]);
            let (num, den) = size.scale();
            let sf = (20 * num / den).max(1);
            let xs: Vec<f64> = [2u64, 5, 10, 20, 30, 60]
                .iter()
                .map(|d| ((d * num / den).max(1)) as f64)
                .collect();
            let set = move |c: &mut MarketConfig, d: f64| {
                c.attack = Attack::KittyDrain {
                    seed_failures: sf,
                    drain_deals: d as u64,
                }
            };
            figs.push(line_figure(
                ctx,
                "e9-kitty-drain",
                "Kitty drain (S7/C5): attacker total profit vs. zero-price self-deals",
                "self-deals run by the ring",
                "attacker net profit (nRLC)",
                &base,
                &v,
                &xs,
                &set,
                &|m| m.attacker_profit.to_f64(),
                &format!("{sf} failed honest deals fill the kitty first"),
            )?);
        }
        "E10" => {
            let mut v = vec![BASELINE];
            v.extend(ctx.variants.iter().copied());
            figs.push(cdf_figure(
                ctx,
                "e10-ttf-cdf-honest",
                "Time to finality of the honest market per protocol variant",
                &base,
                &v,
                honest,
                &format!("No attack, trust {}", base.trust),
            )?);
            // capital-vs-security frontier: honest capital·time against colluders' success (φ = 0.5,
            // baseline's best response to W2)
            let reps = ctx.opts.replicates;
            let attacked: Vec<MarketConfig> = v
                .iter()
                .map(|x| {
                    ctx.with(
                        &MarketConfig {
                            attack: Attack::ColludingWorkers {
                                fraction: 0.5,
                                external_gain_nrlc: gain,
                            },
                            ..base.clone()
                        },
                        *x,
                    )
                })
                .collect();
            let plain: Vec<MarketConfig> = v.iter().map(|x| ctx.with(&base, *x)).collect();
            let (att_all, mut failed) = run_variants(&attacked, &v, reps, ctx.opts.seed)?;
            let (mut att, mut hon) = (Vec::new(), Vec::new());
            for (name, runs) in att_all {
                let c = &plain[v.iter().position(|x| *x == name).expect("variant")];
                match honest
                    .get(&key(c))
                    .cloned()
                    .map(Ok)
                    .unwrap_or_else(|| run_reps(c, reps, ctx.opts.seed))
                {
                    Ok(h) => {
                        att.push((name, runs));
                        hon.push(h);
                    }
                    Err(e) if !name.is_baseline() => failed.push_str(&format!(
                        "; not shown, the honest market failed: {name} ({e})"
                    )),
                    Err(e) => return Err(e),
                }
            }
            let shown: Vec<Variant> = att.iter().map(|(n, _)| *n).collect();
            for (fid, title, ylab, f) in [
                (
                    "e10-frontier-wrar",
                    "Capital vs. security: wrong-result rate under 50 % colluders",
                    "wrong-result acceptance rate (50 % colluders)",
                    (|m: &RunMetrics| m.wrong_rate()) as fn(&RunMetrics) -> f64,
                ),
                (
                    "e10-frontier-profit",
                    "Capital vs. security: colluders' profit per task",
                    "attacker net profit per task (nRLC, 50 % colluders)",
                    |m: &RunMetrics| m.attacker_profit_per_task(),
                ),
            ] {
                let series = att
                    .iter()
                    .enumerate()
                    .map(|(i, (name, runs))| {
                        let x = finite_summary(&col(&hon[i], Metric::CapitalTimePerTask)).mean;
                        Series {
                            name: name.to_string(),
                            points: vec![(
                                x,
                                finite_summary(&runs[0].iter().map(f).collect::<Vec<_>>()),
                            )],
                        }
                    })
                    .collect();
                figs.push(Figure {
                    id: fid.into(),
                    title: title.into(),
                    kind: FigureKind::Scatter,
                    x_label: "capital locked × time per task, no attack (nRLC·s)".into(),
                    y_label: ylab.into(),
                    series,
                    heatmap: None,
                    caption: ctx.caption(&format!("x: honest market; y: 50 % colluding workers, G = 50 RLC, trust {}{failed}", base.trust), &base, &shown, reps),
                });
            }
        }
        _ => {}
    }
    Ok(figs)
}
