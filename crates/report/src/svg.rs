//! A small SVG plotting module: axes with "nice" ticks and labels, line series with 95 % CI
//! bands, empirical-CDF steps, labelled scatter points with CI error bars, and heatmaps with a
//! colour scale and legend. Colour-blind-safe palette (Okabe–Ito for series; viridis, or a
//! blue–white–orange diverging scale when the values straddle 0, for heatmaps). Non-finite
//! values are skipped (lines break at them, heatmap cells are drawn hatched grey); a figure
//! with no finite data draws its axes and says so. All text is XML-escaped.

use std::fmt::Write;

use pocolab_results::evaluation::{Figure, FigureKind, Heatmap, Series};

/// Okabe–Ito colours, ordered so the first ones contrast best on white (yellow last).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];
/// Dash patterns, cycled once the palette is exhausted (series 9–16 dashed, 17–24 dotted).
const DASHES: [&str; 3] = ["", "7 4", "2 3"];

const W: f64 = 720.0;
const H: f64 = 420.0;
const ML: f64 = 78.0;
const MR: f64 = 180.0;
const MT: f64 = 40.0;
const MB: f64 = 58.0;

/// Escape text for XML/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // control characters are not allowed in XML 1.0
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// A file-name and anchor-safe form of an id (`[A-Za-z0-9_-]`, anything else becomes `_`).
pub fn slug(s: &str) -> String {
    let o: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if o.is_empty() { "_".into() } else { o }
}

/// The "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `target` intervals over `range`.
pub fn nice_step(range: f64, target: usize) -> f64 {
    if !range.is_finite() || range <= 0.0 {
        return 1.0;
    }
    let raw = range / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nf = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nf * mag
}

/// Widen a degenerate or non-finite interval to something plottable.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if hi - lo > (lo.abs().max(hi.abs())) * 1e-12 && hi > lo {
        return (lo, hi);
    }
    let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
    (lo - d, hi + d)
}

/// Tick positions: multiples of a nice step inside `[lo, hi]` (about `target` intervals).
/// Empty when a bound is not finite.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = widen(lo, hi);
    let step = nice_step(hi - lo, target);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last.min(first + 1000))
        .map(|k| clean(k as f64 * step))
        .collect()
}

fn clean(v: f64) -> f64 {
    // kill floating noise (0.30000000000000004) and -0
    let r = format!("{v:.12e}").parse::<f64>().unwrap_or(v);
    if r == 0.0 { 0.0 } else { r }
}

/// Extend `[lo, hi]` outwards to multiples of the nice step (the axis domain).
pub fn nice_domain(lo: f64, hi: f64, target: usize) -> (f64, f64) {
    let (lo, hi) = widen(lo, hi);
    let step = nice_step(hi - lo, target);
    (
        clean((lo / step + 1e-9).floor() * step),
        clean((hi / step - 1e-9).ceil() * step),
    )
}

/// Format a tick value with as many decimals as the step needs; scientific for huge/tiny.
pub fn fmt_tick(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-4..1e6).contains(&a) {
        let s = format!("{v:.2e}");
        return s.replace(".00e", "e").replace("0e", "e");
    }
    let dec = if step > 0.0 && step.is_finite() {
        (-(step.log10().floor())).clamp(0.0, 8.0) as usize
    } else {
        2
    };
    // 2.5 × 10^k steps need one more decimal
    let dec = if step > 0.0 && ((step / 10f64.powf(step.log10().floor())) - 2.5).abs() < 1e-9 {
        dec + 1
    } else {
        dec
    };
    let s = format!("{v:.dec$}");
    if s.parse::<f64>() == Ok(0.0) {
        "0".into()
    } else {
        s.replace('-', "−")
    }
}

/// Format a value for a label (4 significant digits).
pub fn fmt_val(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{v:.3e}");
    }
    let dec = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.dec$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    s.replace('-', "−")
}

/// A linear map from a data domain to a pixel range.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// New scale.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        Self { d0, d1, r0, r1 }
    }
    /// Map a value.
    pub fn map(&self, v: f64) -> f64 {
        if self.d1 == self.d0 {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

fn px(v: f64) -> String {
    // pixel coordinates with 2 decimals, never NaN
    if v.is_finite() {
        format!("{:.2}", v)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        "0".into()
    }
}

/// Render a figure as a standalone `<svg>` element.
pub fn render(fig: &Figure) -> String {
    match fig.kind {
        FigureKind::Line => xy_chart(fig, Mode::Line),
        FigureKind::Cdf => xy_chart(fig, Mode::Cdf),
        FigureKind::Scatter => xy_chart(fig, Mode::Scatter),
        FigureKind::Heatmap => heatmap_chart(fig),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Line,
    Cdf,
    Scatter,
}

fn kind_name(k: FigureKind) -> &'static str {
    match k {
        FigureKind::Line => "line",
        FigureKind::Cdf => "cdf",
        FigureKind::Scatter => "scatter",
        FigureKind::Heatmap => "heatmap",
    }
}

fn open_svg(o: &mut String, fig: &Figure) {
    let id = slug(&fig.id);
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot plot-{k}" id="svg-{id}" data-figure="{fid}" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-labelledby="svg-{id}-title" font-family="system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif" font-size="12">"#,
        k = kind_name(fig.kind),
        fid = esc(&fig.id),
    );
    let _ = write!(
        o,
        r#"<title id="svg-{id}-title">{}</title>"#,
        esc(&fig.title)
    );
    let _ = write!(
        o,
        r##"<rect class="bg" x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>"##
    );
    let _ = write!(
        o,
        r##"<text x="{}" y="22" font-size="14" font-weight="600" fill="#222">{}</text>"##,
        px(ML),
        esc(&fig.title)
    );
}

/// Draw axes, grid, ticks and labels for the given scales; returns nothing.
fn axes(
    o: &mut String,
    xs: &Scale,
    ys: &Scale,
    xt: &[f64],
    yt: &[f64],
    x_label: &str,
    y_label: &str,
) {
    let (x0, x1, y0, y1) = (ML, W - MR, H - MB, MT);
    let xstep = if xt.len() > 1 { xt[1] - xt[0] } else { 1.0 };
    let ystep = if yt.len() > 1 { yt[1] - yt[0] } else { 1.0 };
    o.push_str(r##"<g class="grid" stroke="#e4e4e4" stroke-width="1">"##);
    for &t in yt {
        let y = ys.map(t);
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x0),
            px(y),
            px(x1),
            px(y)
        );
    }
    for &t in xt {
        let x = xs.map(t);
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x),
            px(y0),
            px(x),
            px(y1)
        );
    }
    o.push_str("</g>");
    open_axes(o, x0, y0, x1, y1);
    for &t in xt {
        let x = xs.map(t);
        let _ = write!(
            o,
            r#"<line class="tick" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x),
            px(y0),
            px(x),
            px(y0 + 5.0)
        );
        let _ = write!(
            o,
            r#"<text class="tick-label" x="{}" y="{}" text-anchor="middle" stroke="none">{}</text>"#,
            px(x),
            px(y0 + 18.0),
            esc(&fmt_tick(t, xstep))
        );
    }
    for &t in yt {
        let y = ys.map(t);
        let _ = write!(
            o,
            r#"<line class="tick" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x0 - 5.0),
            px(y),
            px(x0),
            px(y)
        );
        let _ = write!(
            o,
            r#"<text class="tick-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle" stroke="none">{}</text>"#,
            px(x0 - 8.0),
            px(y),
            esc(&fmt_tick(t, ystep))
        );
    }
    let _ = write!(
        o,
        r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle" stroke="none">{}</text>"#,
        px((x0 + x1) / 2.0),
        px(H - 14.0),
        esc(x_label)
    );
    let _ = write!(
        o,
        r#"<text class="axis-label" transform="translate({} {}) rotate(-90)" text-anchor="middle" stroke="none">{}</text>"#,
        px(18.0),
        px((y0 + y1) / 2.0),
        esc(y_label)
    );
    o.push_str("</g>");
}

fn finite_points(s: &Series) -> Vec<(f64, f64, f64)> {
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

fn has_band(ci: f64) -> bool {
    ci.is_finite() && ci > 0.0
}

fn no_data(o: &mut String) {
    let _ = write!(
        o,
        r##"<text class="no-data" x="{}" y="{}" text-anchor="middle" fill="#666">no finite data</text>"##,
        px((ML + W - MR) / 2.0),
        px((MT + H - MB) / 2.0)
    );
}

fn xy_chart(fig: &Figure, mode: Mode) -> String {
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

fn fmt_pm(m: f64, c: f64) -> String {
    if has_band(c) {
        format!("{} ± {}", fmt_val(m), fmt_val(c))
    } else {
        fmt_val(m)
    }
}

fn push_path(d: &mut String, xs: &Scale, ys: &Scale, pts: &[(f64, f64)], step: bool, cont: bool) {
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

fn legend(o: &mut String, series: &[Series], mode: Mode) {
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

/// Viridis, 9 anchors.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];
/// Blue – white – orange/brown diverging (PuOr-like, colour-blind safe), 9 anchors, low → high.
const DIVERGING: [(u8, u8, u8); 9] = [
    (45, 0, 75),
    (84, 39, 136),
    (128, 115, 172),
    (178, 171, 210),
    (247, 247, 247),
    (253, 184, 99),
    (224, 130, 20),
    (179, 88, 6),
    (127, 59, 8),
];

fn interp(anchors: &[(u8, u8, u8)], t: f64) -> (u8, u8, u8) {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let f = t * (anchors.len() - 1) as f64;
    let i = (f.floor() as usize).min(anchors.len() - 2);
    let u = f - i as f64;
    let (a, b) = (anchors[i], anchors[i + 1]);
    let l = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * u).round() as u8;
    (l(a.0, b.0), l(a.1, b.1), l(a.2, b.2))
}

/// The colour scale of a heatmap: viridis, or diverging centred on 0 when values straddle 0.
#[derive(Debug, Clone, Copy)]
pub struct ColourScale {
    /// lowest value shown
    pub lo: f64,
    /// highest value shown
    pub hi: f64,
    /// diverging around 0
    pub diverging: bool,
}

impl ColourScale {
    /// Scale for the finite values of `z`.
    pub fn for_values(z: impl Iterator<Item = f64>) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in z.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            return Self {
                lo: 0.0,
                hi: 1.0,
                diverging: false,
            };
        }
        if lo < 0.0 && hi > 0.0 {
            let m = lo.abs().max(hi.abs());
            return Self {
                lo: -m,
                hi: m,
                diverging: true,
            };
        }
        let (lo, hi) = widen(lo, hi);
        Self {
            lo,
            hi,
            diverging: false,
        }
    }

    fn t(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }

    /// `#rrggbb` for a value (grey for non-finite).
    pub fn colour(&self, v: f64) -> String {
        if !v.is_finite() {
            return "#d9d9d9".into();
        }
        let (r, g, b) = interp(
            if self.diverging { &DIVERGING } else { &VIRIDIS },
            self.t(v),
        );
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    fn text_colour(&self, v: f64) -> &'static str {
        if !v.is_finite() {
            return "#333";
        }
        let (r, g, b) = interp(
            if self.diverging { &DIVERGING } else { &VIRIDIS },
            self.t(v),
        );
        let lum = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
        if lum > 140.0 { "#111" } else { "#fff" }
    }
}

fn heatmap_chart(fig: &Figure) -> String {
    let mut o = String::new();
    open_svg(&mut o, fig);
    let empty = Heatmap {
        x: vec![],
        y: vec![],
        z: vec![],
        z_label: String::new(),
    };
    let hm = fig.heatmap.as_ref().unwrap_or(&empty);
    let (nx, ny) = (hm.x.len(), hm.y.len());
    let (x0, x1, y0, y1) = (ML, W - MR, H - MB, MT);
    let id = slug(&fig.id);
    if nx == 0 || ny == 0 {
        axes(
            &mut o,
            &Scale::new(0.0, 1.0, x0, x1),
            &Scale::new(0.0, 1.0, y0, y1),
            &[],
            &[],
            &fig.x_label,
            &fig.y_label,
        );
        no_data(&mut o);
        o.push_str("</svg>");
        return o;
    }
    let cw = (x1 - x0) / nx as f64;
    let ch = (y0 - y1) / ny as f64;
    let z = |j: usize, i: usize| {
        hm.z.get(j)
            .and_then(|r| r.get(i))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let cs = ColourScale::for_values(
        (0..ny)
            .flat_map(|j| (0..nx).map(move |i| (j, i)))
            .map(|(j, i)| z(j, i)),
    );
    let _ = write!(
        o,
        r##"<defs><pattern id="nan-{id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e6e6e6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern>"##
    );
    let _ = write!(
        o,
        r#"<linearGradient id="grad-{id}" x1="0" y1="1" x2="0" y2="0">"#
    );
    for k in 0..=16 {
        let t = k as f64 / 16.0;
        let v = cs.lo + t * (cs.hi - cs.lo);
        let _ = write!(
            o,
            r#"<stop offset="{}" stop-color="{}"/>"#,
            px(t),
            cs.colour(v)
        );
    }
    o.push_str("</linearGradient></defs>");
    let show_values = nx * ny <= 80 && cw >= 34.0 && ch >= 16.0;
    o.push_str(r#"<g class="data">"#);
    for j in 0..ny {
        for i in 0..nx {
            let v = z(j, i);
            let (rx, ry) = (x0 + i as f64 * cw, y0 - (j + 1) as f64 * ch);
            let fill = if v.is_finite() {
                cs.colour(v)
            } else {
                format!("url(#nan-{id})")
            };
            let cls = if v.is_finite() { "cell" } else { "cell nan" };
            let _ = write!(
                o,
                r#"<rect class="{cls}" x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{} = {}, {} = {}: {} = {}</title></rect>"#,
                px(rx),
                px(ry),
                px(cw),
                px(ch),
                esc(&fig.x_label),
                fmt_val(hm.x[i]),
                esc(&fig.y_label),
                fmt_val(hm.y[j]),
                esc(&hm.z_label),
                fmt_val(v)
            );
            if show_values {
                let _ = write!(
                    o,
                    r#"<text class="cell-value" x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" font-size="10" fill="{}">{}</text>"#,
                    px(rx + cw / 2.0),
                    px(ry + ch / 2.0),
                    cs.text_colour(v),
                    esc(&fmt_val(v))
                );
            }
        }
    }
    o.push_str("</g>");
    // axes: categorical ticks at cell centres (thinned to ≤ 12 labels)
    open_axes(&mut o, x0, y0, x1, y1);
    let every = |n: usize| n.div_ceil(12).max(1);
    for i in (0..nx).step_by(every(nx)) {
        let x = x0 + (i as f64 + 0.5) * cw;
        let _ = write!(
            o,
            r#"<line class="tick" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x),
            px(y0),
            px(x),
            px(y0 + 5.0)
        );
        let _ = write!(
            o,
            r#"<text class="tick-label" x="{}" y="{}" text-anchor="middle" stroke="none">{}</text>"#,
            px(x),
            px(y0 + 18.0),
            esc(&fmt_val(hm.x[i]))
        );
    }
    for j in (0..ny).step_by(every(ny)) {
        let y = y0 - (j as f64 + 0.5) * ch;
        let _ = write!(
            o,
            r#"<line class="tick" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            px(x0 - 5.0),
            px(y),
            px(x0),
            px(y)
        );
        let _ = write!(
            o,
            r#"<text class="tick-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle" stroke="none">{}</text>"#,
            px(x0 - 8.0),
            px(y),
            esc(&fmt_val(hm.y[j]))
        );
    }
    let _ = write!(
        o,
        r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle" stroke="none">{}</text>"#,
        px((x0 + x1) / 2.0),
        px(H - 14.0),
        esc(&fig.x_label)
    );
    let _ = write!(
        o,
        r#"<text class="axis-label" transform="translate(18 {}) rotate(-90)" text-anchor="middle" stroke="none">{}</text>"#,
        px((y0 + y1) / 2.0),
        esc(&fig.y_label)
    );
    o.push_str("</g>");
    // colour legend
    let (lx, lw) = (W - MR + 24.0, 16.0);
    let _ = write!(
        o,
        r##"<g class="colour-legend"><rect class="colour-bar" x="{}" y="{}" width="{lw}" height="{}" fill="url(#grad-{id})" stroke="#333" stroke-width="0.5"/>"##,
        px(lx),
        px(y1),
        px(y0 - y1)
    );
    let lt = ticks(cs.lo, cs.hi, 5);
    let lstep = if lt.len() > 1 { lt[1] - lt[0] } else { 1.0 };
    let ls = Scale::new(cs.lo, cs.hi, y0, y1);
    for t in lt {
        let y = ls.map(t);
        let _ = write!(
            o,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>"##,
            px(lx + lw),
            px(y),
            px(lx + lw + 4.0),
            px(y)
        );
        let _ = write!(
            o,
            r##"<text x="{}" y="{}" dominant-baseline="middle" font-size="11" fill="#333">{}</text>"##,
            px(lx + lw + 7.0),
            px(y),
            esc(&fmt_tick(t, lstep))
        );
    }
    let _ = write!(
        o,
        r##"<text transform="translate({} {}) rotate(-90)" text-anchor="middle" fill="#333">{}</text>"##,
        px(W - 18.0),
        px((y0 + y1) / 2.0),
        esc(&hm.z_label)
    );
    if (0..ny).any(|j| (0..nx).any(|i| !z(j, i).is_finite())) {
        let _ = write!(
            o,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="url(#nan-{id})"/><text x="{}" y="{}" font-size="10" fill="#444">no data</text>"##,
            px(lx),
            px(y0 + 8.0),
            px(lx + 16.0),
            px(y0 + 18.0)
        );
    }
    o.push_str("</g></svg>");
    o
}

/// Open the axes group (left to be closed by the caller, after its ticks) with the x axis along
/// `y0` from `x0` to `x1` and the y axis along `x0` from `y0` to `y1`.
fn open_axes(o: &mut String, x0: f64, y0: f64, x1: f64, y1: f64) {
    o.push_str(r##"<g class="axes" stroke="#333" stroke-width="1" fill="#333">"##);
    let _ = write!(
        o,
        r#"<line class="x-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
        px(x0),
        px(y0),
        px(x1),
        px(y0)
    );
    let _ = write!(
        o,
        r#"<line class="y-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
        px(x0),
        px(y0),
        px(x0),
        px(y1)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocolab_results::Summary;

    fn s(mean: f64, ci95: f64) -> Summary {
        Summary {
            n: 10,
            mean,
            sd: 0.0,
            ci95,
        }
    }

    fn fig(kind: FigureKind, series: Vec<Series>, heatmap: Option<Heatmap>) -> Figure {
        Figure {
            id: "t<1>".into(),
            title: "A & B <script>".into(),
            kind,
            x_label: "x \"q\"".into(),
            y_label: "y'".into(),
            series,
            heatmap,
            caption: String::new(),
        }
    }

    #[test]
    fn nice_steps_and_ticks() {
        assert_eq!(nice_step(1.0, 5), 0.2);
        assert_eq!(nice_step(10.0, 4), 2.5);
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(0.0, 0.3, 3), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(ticks(-3.2, 7.9, 6), vec![-2.0, 0.0, 2.0, 4.0, 6.0]);
        assert_eq!(ticks(-3.2, 7.9, 5), vec![-2.5, 0.0, 2.5, 5.0, 7.5]);
        // degenerate and non-finite ranges never loop or panic
        assert!(!ticks(5.0, 5.0, 5).is_empty());
        assert!(!ticks(0.0, 0.0, 5).is_empty());
        assert!(ticks(f64::NAN, 1.0, 5).is_empty());
        assert!(ticks(0.0, f64::INFINITY, 5).is_empty());
        assert!(ticks(0.0, 1e300, 5).len() <= 1001);
        assert_eq!(nice_domain(0.03, 0.97, 5), (0.0, 1.0));
        assert_eq!(fmt_tick(0.30000000000000004, 0.1), "0.3");
        assert_eq!(fmt_tick(-2.0, 2.0), "−2");
        assert_eq!(fmt_tick(7.5, 2.5), "7.5");
        assert_eq!(fmt_tick(2e9, 1e9), "2e9");
        assert_eq!(fmt_val(1234.5678), "1235");
        assert_eq!(fmt_val(0.0123456), "0.01235");
        assert_eq!(fmt_val(f64::NAN), "n/a");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            esc(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{1}b"), "a\u{FFFD}b");
        let svg = render(&fig(
            FigureKind::Line,
            vec![Series {
                name: "M1 <&>".into(),
                points: vec![(0.0, s(1.0, 0.1)), (1.0, s(2.0, 0.1))],
            }],
            None,
        ));
        assert!(!svg.contains("<script>") && svg.contains("A &amp; B &lt;script&gt;"));
        assert!(
            svg.contains("M1 &lt;&amp;&gt;")
                && svg.contains("x &quot;q&quot;")
                && svg.contains("y&#39;")
        );
        assert!(svg.contains(r#"id="svg-t_1_""#), "ids are slugged");
    }

    #[test]
    fn line_with_bands_and_nan_gaps() {
        let pts = vec![
            (0.0, s(0.1, 0.02)),
            (0.1, s(0.2, 0.03)),
            (0.2, s(f64::NAN, f64::NAN)),
            (0.3, s(0.5, 0.05)),
            (0.4, s(0.6, 0.0)),
            (f64::NAN, s(9.0, 1.0)),
        ];
        let svg = render(&fig(
            FigureKind::Line,
            vec![
                Series {
                    name: "a".into(),
                    points: pts,
                },
                Series {
                    name: "b".into(),
                    points: vec![],
                },
            ],
            None,
        ));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        // two runs → two line paths; one band (the second run has only one point with a CI)
        assert_eq!(svg.matches(r#"class="line""#).count(), 2);
        assert_eq!(svg.matches(r#"class="band""#).count(), 1);
        assert_eq!(svg.matches(r#"class="point""#).count(), 4);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn all_nan_figure_draws_axes_and_says_so() {
        let svg = render(&fig(
            FigureKind::Cdf,
            vec![Series {
                name: "a".into(),
                points: vec![(1.0, s(f64::NAN, f64::NAN))],
            }],
            None,
        ));
        assert!(svg.contains("no finite data") && !svg.contains("NaN"));
        let hm = render(&fig(FigureKind::Heatmap, vec![], None));
        assert!(hm.contains("no finite data"));
    }

    #[test]
    fn cdf_steps() {
        let pts = vec![(1.0, s(0.25, 0.0)), (2.0, s(0.5, 0.0)), (4.0, s(1.0, 0.0))];
        let svg = render(&fig(
            FigureKind::Cdf,
            vec![Series {
                name: "a".into(),
                points: pts,
            }],
            None,
        ));
        let d = svg
            .split(r#"class="line" d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        // 3 points → M + (horizontal + vertical) × 2 = 5 vertices
        assert_eq!(d.matches('L').count(), 4, "{d}");
    }

    #[test]
    fn scatter_labels_and_error_bars() {
        let svg = render(&fig(
            FigureKind::Scatter,
            vec![
                Series {
                    name: "M2".into(),
                    points: vec![(3.0, s(0.1, 0.02))],
                },
                Series {
                    name: "M3".into(),
                    points: vec![(1.0, s(0.3, f64::NAN))],
                },
            ],
            None,
        ));
        assert_eq!(svg.matches(r#"class="point-label""#).count(), 2);
        assert_eq!(svg.matches(r#"class="errbar""#).count(), 1);
    }

    #[test]
    fn heatmap_cells_colour_scale_and_nan() {
        let h = Heatmap {
            x: vec![0.1, 0.2, 0.3],
            y: vec![1.0, 2.0],
            z: vec![vec![-1.0, 0.0, 2.0], vec![f64::NAN, 1.0]],
            z_label: "profit".into(),
        };
        let svg = render(&fig(FigureKind::Heatmap, vec![], Some(h)));
        assert_eq!(svg.matches(r#"class="cell""#).count(), 4);
        assert_eq!(
            svg.matches(r#"class="cell nan""#).count(),
            2,
            "NaN and the missing z[1][2]"
        );
        assert!(
            svg.contains("colour-bar") && svg.contains("linearGradient") && svg.contains("no data")
        );
        let cs = ColourScale::for_values([-1.0, 2.0].into_iter());
        assert!(cs.diverging && cs.lo == -2.0 && cs.hi == 2.0);
        assert_eq!(cs.colour(0.0), "#f7f7f7");
        let v = ColourScale::for_values([1.0, 1.0].into_iter());
        assert!(!v.diverging && v.lo < v.hi);
        assert_eq!(
            ColourScale::for_values([0.0, 1.0].into_iter()).colour(0.0),
            "#440154"
        );
    }
}
