//! The report in a real browser: headless Chromium (networking disabled) loads `report.html`
//! written by `pocolab evaluate --sample`, and we check that
//! 1. the DOM it parsed holds every figure's `<svg>` with its plotted elements;
//! 2. those elements were laid out with a non-zero size (`getBBox`, measured by a probe
//!    script injected into a copy of the page: the report itself has no script);
//! 3. a screenshot of the page is non-trivial (many colours, not a blank page), measured by
//!    Chromium drawing the PNG into a canvas.
//!
//! Needs `/usr/bin/chromium`: run `scripts/setup-chromium.sh` once. Without it the test fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pocolab_report::{figures, sample_evaluation, svg::slug};

const CHROMIUM: &str = "/usr/bin/chromium";
/// one Chromium at a time (2 shared cores)
static LOCK: Mutex<()> = Mutex::new(());

fn chromium() -> &'static str {
    assert!(
        Path::new(CHROMIUM).exists(),
        "headless Chromium not found at {CHROMIUM}: run `scripts/setup-chromium.sh` (apt-get install -y chromium) to set up the report's browser test"
    );
    CHROMIUM
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pocolab-chromium-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write the sample report with the real binary.
fn write_report(dir: &Path) -> PathBuf {
    let out = dir.join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .args(["evaluate", "--sample", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pocolab evaluate --sample failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.join("report.html")
}

/// Run headless Chromium on a local file with networking disabled; returns stdout.
fn run_chromium(dir: &Path, extra: &[String], page: &Path) -> String {
    let profile = dir.join("profile");
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--hide-scrollbars",
        "--allow-file-access-from-files",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.canonicalize().unwrap().display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {CHROMIUM}: {e} (run scripts/setup-chromium.sh)"));
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut so, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium timed out after 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (t_out.join().unwrap(), t_err.join().unwrap());
    assert!(status.success(), "chromium failed ({status}): {err}");
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let i = s.find(a)? + a.len();
    let j = s[i..].find(b)? + i;
    Some(&s[i..j])
}

const PROBE: &str = r#"<script>
(function () {
  var out = [];
  document.querySelectorAll('svg.plot').forEach(function (svg) {
    var r = svg.getBoundingClientRect();
    var f = { id: svg.id, w: r.width, h: r.height, kinds: {} };
    svg.querySelectorAll('.line, .band, .point, .cell, .colour-bar, .errbar').forEach(function (el) {
      var b = el.getBBox();
      var k = el.getAttribute('class').split(' ')[0];
      var e = f.kinds[k] || (f.kinds[k] = { n: 0, sized: 0, min_w: 1e9, min_h: 1e9 });
      e.n += 1;
      if (b.width > 0 || b.height > 0) e.sized += 1;
      e.min_w = Math.min(e.min_w, b.width);
      e.min_h = Math.min(e.min_h, b.height);
    });
    out.push(f);
  });
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"#;

#[test]
fn report_dom_has_every_figure_with_plotted_elements() {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    chromium();
    let dir = tmp("dom");
    let page = write_report(&dir);
    let ev = sample_evaluation();

    // 1. the DOM Chromium built from the page itself
    let dom = run_chromium(&dir, &["--dump-dom".into()], &page);
    assert!(
        dom.contains("<svg") && dom.contains("id=\"repro\""),
        "dump-dom returned no report: {}",
        &dom[..dom.len().min(500)]
    );
    let nfig = figures(&ev).count();
    assert!(nfig >= 4);
    // one <svg> per experiment figure and per mechanism-frontier chart
    let nsvg = nfig + pocolab_report::frontier_figures(&ev).len();
    assert_eq!(dom.matches("<svg").count(), nsvg, "one <svg> per figure");
    for f in figures(&ev) {
        let id = format!("svg-{}", slug(&f.id));
        let start = dom
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("figure {} missing from the DOM", f.id));
        let svg = &dom[start..start + dom[start..].find("</svg>").unwrap()];
        let want: &[&str] = match f.kind {
            pocolab_sim::evaluation::FigureKind::Line => {
                &["class=\"line\"", "class=\"band\"", "class=\"point\""]
            }
            pocolab_sim::evaluation::FigureKind::Cdf => &["class=\"line\""],
            pocolab_sim::evaluation::FigureKind::Scatter => &[
                "class=\"point\"",
                "class=\"point-label\"",
                "class=\"errbar\"",
            ],
            pocolab_sim::evaluation::FigureKind::Heatmap => {
                &["class=\"cell\"", "class=\"colour-bar\""]
            }
        };
        for w in want {
            assert!(svg.contains(w), "figure {}: no {w} in the DOM", f.id);
        }
        assert!(
            svg.contains("class=\"tick-label\"") || f.heatmap.is_some(),
            "figure {}: axes ticks",
            f.id
        );
    }

    // 2. laid-out sizes, measured in the browser
    let html = std::fs::read_to_string(&page).unwrap();
    let probe = page.with_file_name("probe.html");
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = run_chromium(&dir, &["--dump-dom".into()], &probe);
    let json = unescape(
        between(&dom, "<pre id=\"probe\">", "</pre>")
            .expect("probe output in the DOM (the probe script did not run?)"),
    );
    let figs: serde_json::Value = serde_json::from_str(&json).unwrap();
    eprintln!("probe: {figs}");
    let figs = figs.as_array().unwrap();
    assert_eq!(figs.len(), nsvg, "{json}");
    for f in figs {
        let id = f["id"].as_str().unwrap();
        assert!(
            f["w"].as_f64().unwrap() > 100.0 && f["h"].as_f64().unwrap() > 50.0,
            "{id} not laid out: {f}"
        );
        let kinds = f["kinds"].as_object().unwrap();
        assert!(!kinds.is_empty(), "{id}: nothing plotted");
        for (k, e) in kinds {
            let (n, sized) = (e["n"].as_u64().unwrap(), e["sized"].as_u64().unwrap());
            assert!(
                n > 0 && sized == n,
                "{id}: {sized} of {n} .{k} elements have a non-zero size"
            );
            if k == "cell" || k == "band" || k == "point" || k == "colour-bar" {
                assert!(
                    e["min_w"].as_f64().unwrap() > 0.0 && e["min_h"].as_f64().unwrap() > 0.0,
                    "{id}: a .{k} has zero area: {e}"
                );
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                o.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

#[test]
fn report_screenshot_is_not_blank() {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    chromium();
    let dir = tmp("shot");
    let page = write_report(&dir);
    let png = dir.join("report.png");
    run_chromium(
        &dir,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2600".into(),
        ],
        &page,
    );
    let bytes = std::fs::read(&png).expect("chromium wrote no screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "screenshot suspiciously small ({} bytes)",
        bytes.len()
    );
    // let Chromium decode the PNG and count colours (a data: image does not taint the canvas)
    let pixels = dir.join("pixels.html");
    std::fs::write(
        &pixels,
        format!(
            r#"<!DOCTYPE html><html><body><img id="i" src="data:image/png;base64,{}"><pre id="stats"></pre><script>
var img = document.getElementById('i');
function go() {{
  var c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  var g = c.getContext('2d'); g.drawImage(img, 0, 0);
  var d = g.getImageData(0, 0, c.width, c.height).data;
  var seen = new Set(), first = d[0] << 16 | d[1] << 8 | d[2], other = 0, n = d.length / 4;
  for (var i = 0; i < d.length; i += 4) {{
    var v = d[i] << 16 | d[i + 1] << 8 | d[i + 2];
    seen.add(v >> 3 & 0x1f1f1f);
    if (v !== first) other++;
  }}
  document.getElementById('stats').textContent = JSON.stringify({{ w: c.width, h: c.height, colours: seen.size, other: other / n }});
}}
if (img.complete) go(); else img.addEventListener('load', go);
</script></body></html>"#,
            base64(&bytes)
        ),
    )
    .unwrap();
    let dom = run_chromium(
        &dir,
        &["--dump-dom".into(), "--virtual-time-budget=10000".into()],
        &pixels,
    );
    let stats: serde_json::Value = serde_json::from_str(&unescape(
        between(&dom, "<pre id=\"stats\">", "</pre>").unwrap(),
    ))
    .unwrap_or_else(|e| {
        panic!(
            "no pixel stats ({e}): {}",
            &dom[dom.len().saturating_sub(400)..]
        )
    });
    eprintln!("screenshot: {} bytes, {stats}", bytes.len());
    assert_eq!(
        (stats["w"].as_u64(), stats["h"].as_u64()),
        (Some(1280), Some(2600)),
        "{stats}"
    );
    assert!(
        stats["colours"].as_u64().unwrap() >= 40,
        "screenshot has too few colours: {stats}"
    );
    let other = stats["other"].as_f64().unwrap();
    assert!(
        other > 0.03 && other < 0.97,
        "screenshot is (nearly) a single colour: {stats}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
