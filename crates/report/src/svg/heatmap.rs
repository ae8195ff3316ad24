//! Heatmaps and their colour scales (sequential viridis, diverging around 0).

use super::*;

/// Viridis, 9 anchors.
pub(super) const VIRIDIS: [(u8, u8, u8); 9] = [
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
pub(super) const DIVERGING: [(u8, u8, u8); 9] = [
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

pub(super) fn interp(anchors: &[(u8, u8, u8)], t: f64) -> (u8, u8, u8) {
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

pub(super) fn heatmap_chart(fig: &Figure) -> String {
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
