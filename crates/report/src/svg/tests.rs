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
