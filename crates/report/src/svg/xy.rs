//! Line, CDF and scatter charts with 95 % CI bands, and their legend.

use super::*;

pub(super) fn finite_points(s: &Series) -> Vec<(f64, f64, f64)> {
    // (x, mean, ci) with x finite, sorted by x; mean may be NaN (a gap)
    let mut v: Vec<(f64, f64, f64)> = s
        .points
        .iter()
        .filter(|(x, _)| x.is_finite())
        .map(|(x, y)| (*x, y.mean, y.ci95))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

pub(super) fn has_band(ci: f64) -> bool {
    ci.is_finite() && ci > 0.0
}

pub(super) fn xy_chart(fig: &Figure, mode: Mode) -> String {
    let mut o = String::new();
    open_svg(&mut o, fig);
    // domains from finite values (CI bounds included)
    let (mut xlo, mut xhi, mut ylo, mut yhi) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for s in &fig.series {
        for (x, m, c) in finite_points(s) {
            if !m.is_finite() {
                continue;
            }
            xlo = xlo.min(x);
            xhi = xhi.max(x);
            let c = if has_band(c) { c } else { 0.0 };
            ylo = ylo.min(m - c);
            yhi = yhi.max(m + c);
        }
    }
    let any = xlo.is_finite();
    if mode == Mode::Cdf && any {
        ylo = ylo.min(0.0);
        yhi = yhi.max(1.0);
    }
    let (xd0, xd1) = if any {
        nice_domain(xlo, xhi, 6)
    } else {
        (0.0, 1.0)
    };
    let (yd0, yd1) = if any {
        nice_domain(ylo, yhi, 6)
    } else {
        (0.0, 1.0)
    };
    let xs = Scale::new(xd0, xd1, ML, W - MR);
    let ys = Scale::new(yd0, yd1, H - MB, MT);
    axes(
        &mut o,
        &xs,
        &ys,
        &ticks(xd0, xd1, 6),
        &ticks(yd0, yd1, 6),
        &fig.x_label,
        &fig.y_label,
    );
    if !any {
        no_data(&mut o);
    }
    let _ = write!(
        o,
        r#"<defs><clipPath id="clip-{id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
        px(ML),
        px(MT - 4.0),
        px(W - MR - ML),
        px(H - MB - MT + 8.0),
        id = slug(&fig.id)
    );
    let _ = write!(
        o,
        r#"<g class="data" clip-path="url(#clip-{})">"#,
        slug(&fig.id)
    );
    for (i, s) in fig.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let dash = DASHES[(i / PALETTE.len()) % DASHES.len()];
        let pts = finite_points(s);
        let _ = write!(o, r#"<g class="series" data-series="{}">"#, esc(&s.name));
        // runs of consecutive finite means
        let mut runs: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new()];
        for p in &pts {
            if p.1.is_finite() {
                runs.last_mut().expect("run").push(*p);
            } else if !runs.last().expect("run").is_empty() {
                runs.push(Vec::new());
            }
        }
        match mode {
            Mode::Line | Mode::Cdf => {
                for run in runs.iter().filter(|r| !r.is_empty()) {
                    let step = mode == Mode::Cdf;
                    // CI band over sub-runs where the CI is known
                    let mut band: Vec<(f64, f64, f64)> = Vec::new();
                    let flush = |band: &mut Vec<(f64, f64, f64)>, o: &mut String| {
                        if band.len() >= 2 {
                            let up: Vec<(f64, f64)> =
                                band.iter().map(|(x, m, c)| (*x, m + c)).collect();
                            let lo: Vec<(f64, f64)> =
                                band.iter().rev().map(|(x, m, c)| (*x, m - c)).collect();
                            let mut d = String::new();
                            push_path(&mut d, &xs, &ys, &up, step, false);
                            push_path(&mut d, &xs, &ys, &lo, step, true);
                            d.push('Z');
                            let _ = write!(
                                o,
                                r#"<path class="band" d="{d}" fill="{color}" fill-opacity="0.18" stroke="none"/>"#
                            );
                        }
                        band.clear();
                    };
                    for p in run {
                        if has_band(p.2) {
                            band.push(*p);
                        } else {
                            flush(&mut band, &mut o);
                        }
                    }
                    flush(&mut band, &mut o);
                    if run.len() >= 2 {
                        let line: Vec<(f64, f64)> = run.iter().map(|(x, m, _)| (*x, *m)).collect();
                        let mut d = String::new();
                        push_path(&mut d, &xs, &ys, &line, step, false);
                        let dash_attr = if dash.is_empty() {
                            String::new()
                        } else {
                            format!(r#" stroke-dasharray="{dash}""#)
                        };
                        let _ = write!(
                            o,
                            r#"<path class="line" d="{d}" fill="none" stroke="{color}" stroke-width="2"{dash_attr}/>"#
                        );
                    }
                    if mode == Mode::Line || run.len() == 1 {
                        for (x, m, c) in run {
                            let _ = write!(
                                o,
                                r#"<circle class="point" cx="{}" cy="{}" r="3.2" fill="{color}"><title>{}: x = {}, y = {}</title></circle>"#,
                                px(xs.map(*x)),
                                px(ys.map(*m)),
                                esc(&s.name),
                                fmt_val(*x),
                                esc(&fmt_pm(*m, *c))
                            );
                        }
                    }
                }
            }
            Mode::Scatter => {
                for (x, m, c) in runs.iter().flatten() {
                    let (cx, cy) = (xs.map(*x), ys.map(*m));
                    if has_band(*c) {
                        let _ = write!(
                            o,
                            r#"<line class="errbar" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="1.5"/>"#,
                            px(cx),
                            px(ys.map(m - c)),
                            px(cx),
                            px(ys.map(m + c))
                        );
                    }
                    let _ = write!(
                        o,
                        r##"<circle class="point" cx="{}" cy="{}" r="5.5" fill="{color}" stroke="#fff" stroke-width="1"><title>{}: x = {}, y = {}</title></circle>"##,
                        px(cx),
                        px(cy),
                        esc(&s.name),
                        fmt_val(*x),
                        esc(&fmt_pm(*m, *c))
                    );
                    let _ = write!(
                        o,
                        r##"<text class="point-label" x="{}" y="{}" font-size="11" fill="#222">{}</text>"##,
                        px(cx + 7.0),
                        px(cy - 7.0),
                        esc(&s.name)
                    );
                }
            }
        }
        o.push_str("</g>");
    }
    o.push_str("</g>");
    legend(&mut o, &fig.series, mode);
    o.push_str("</svg>");
    o
}

pub(super) fn fmt_pm(m: f64, c: f64) -> String {
    if has_band(c) {
        format!("{} ± {}", fmt_val(m), fmt_val(c))
    } else {
        fmt_val(m)
    }
}

pub(super) fn push_path(
    d: &mut String,
    xs: &Scale,
    ys: &Scale,
    pts: &[(f64, f64)],
    step: bool,
    cont: bool,
) {
    for (k, (x, y)) in pts.iter().enumerate() {
        let (px_, py_) = (xs.map(*x), ys.map(*y));
        if k == 0 {
            d.push(if cont { 'L' } else { 'M' });
        } else {
            if step {
                // the previous level extends horizontally to the next x (both directions)
                let prev = pts[k - 1];
                if cont {
                    // reversed traversal: vertical first, then horizontal
                    let _ = write!(d, "L{} {}", px(xs.map(prev.0)), px(py_));
                } else {
                    let _ = write!(d, "L{} {}", px(px_), px(ys.map(prev.1)));
                }
            }
            d.push('L');
        }
        let _ = write!(d, "{} {}", px(px_), px(py_));
    }
}

pub(super) fn legend(o: &mut String, series: &[Series], mode: Mode) {
    let x = W - MR + 16.0;
    o.push_str(r#"<g class="legend">"#);
    for (i, s) in series.iter().enumerate() {
        let y = MT + 8.0 + i as f64 * 18.0;
        if y > H - 10.0 {
            let _ = write!(
                o,
                r##"<text x="{}" y="{}" fill="#666">… {} more</text>"##,
                px(x),
                px(y),
                series.len() - i
            );
            break;
        }
        let color = PALETTE[i % PALETTE.len()];
        let dash = DASHES[(i / PALETTE.len()) % DASHES.len()];
        if mode == Mode::Scatter {
            let _ = write!(
                o,
                r#"<circle cx="{}" cy="{}" r="5" fill="{color}"/>"#,
                px(x + 10.0),
                px(y)
            );
        } else {
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="22" height="10" fill="{color}" fill-opacity="0.18"/>"#,
                px(x),
                px(y - 5.0)
            );
            let _ = write!(
                o,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="2"{dash_attr}/>"#,
                px(x),
                px(y),
                px(x + 22.0),
                px(y)
            );
        }
        // long names are shortened (the full name is in the tooltip)
        let short: String = if s.name.chars().count() > 18 {
            s.name.chars().take(17).collect::<String>() + "…"
        } else {
            s.name.clone()
        };
        let _ = write!(
            o,
            r##"<text x="{}" y="{}" dominant-baseline="middle" fill="#222"><title>{}</title>{}</text>"##,
            px(x + 28.0),
            px(y),
            esc(&s.name),
            esc(&short)
        );
    }
    if mode != Mode::Scatter && !series.is_empty() {
        let y = MT + 8.0 + series.len().min(18) as f64 * 18.0 + 4.0;
        if y < H - 10.0 {
            let _ = write!(
                o,
                r##"<text x="{}" y="{}" font-size="10" fill="#666">bands: 95 % CI</text>"##,
                px(x),
                px(y)
            );
        }
    }
    o.push_str("</g>");
}
