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

fn no_data(o: &mut String) {
    let _ = write!(
        o,
        r##"<text class="no-data" x="{}" y="{}" text-anchor="middle" fill="#666">no finite data</text>"##,
        px((ML + W - MR) / 2.0),
        px((MT + H - MB) / 2.0)
    );
}

mod heatmap;
#[cfg(test)]
mod tests;
mod xy;

pub use heatmap::ColourScale;
use heatmap::heatmap_chart;
use xy::xy_chart;
