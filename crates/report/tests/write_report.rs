//! Writes the report for the sample evaluation and checks every file and its contents.

use std::path::PathBuf;

use pocolab_report::{
    ReportOptions, figures, frontier_columns, frontier_figures, sample_evaluation, write_report,
};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pocolab-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn writes_every_file_for_the_sample() {
    let ev = sample_evaluation();
    let dir = tmp("sample");
    let w = write_report(&ev, &dir, &ReportOptions::default()).unwrap();
    for f in [
        "report.html",
        "summary.md",
        "matrix.csv",
        "matrix.parquet",
        "evaluation.json",
    ] {
        assert!(w.files.contains(&PathBuf::from(f)), "{f} listed");
        assert!(
            std::fs::metadata(dir.join(f)).unwrap().len() > 100,
            "{f} written"
        );
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // self-contained: no script, no external resource
    let bare = html.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    assert!(
        !bare.contains("<script")
            && !bare.contains("src=")
            && !bare.contains("http://")
            && !bare.contains("https://")
            && !bare.contains("@import")
            && !bare.contains("url(http")
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for id in [
        "summary",
        "matrix",
        "threats",
        "mechanisms",
        "repro",
        "sample-banner",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    for e in &ev.experiments {
        assert!(
            html.contains(&format!("id=\"exp-{}\"", e.id)),
            "experiment {}",
            e.id
        );
    }
    let mut nfig = 0;
    for f in figures(&ev) {
        nfig += 1;
        let slug = pocolab_report::svg::slug(&f.id);
        assert!(
            html.contains(&format!("id=\"svg-{slug}\"")),
            "svg of {}",
            f.id
        );
        assert!(dir.join("figures").join(format!("{slug}.csv")).exists());
    }
    assert_eq!(nfig, 4);
    let nfig = nfig + frontier_figures(&ev).len();
    assert_eq!(html.matches("<svg").count(), nfig);
    // every figure kind drew its elements
    for cls in [
        "class=\"line\"",
        "class=\"band\"",
        "class=\"point\"",
        "class=\"point-label\"",
        "class=\"cell\"",
        "class=\"cell nan\"",
        "class=\"colour-bar\"",
    ] {
        assert!(html.contains(cls), "{cls}");
    }
    assert!(
        !html.contains("NaN") && !html.contains("inf\""),
        "no NaN leaks into the page"
    );
    // every figure caption names the config hash and seeds
    assert_eq!(html.matches("<figcaption>").count(), nfig);
    for cap in html.split("<figcaption>").skip(1) {
        let cap = cap.split("</figcaption>").next().unwrap();
        assert!(
            cap.contains(&ev.config_hash) && cap.contains("seed 2026"),
            "{cap}"
        );
    }
    // text with markup is escaped: "profit < 0 & damage", "<no API>"
    assert!(html.contains("profit &lt; 0 &amp; damage") && html.contains("&lt;no API&gt;"));
    assert!(html.contains("✔") && html.contains("◐") && html.contains("✘"));
    assert!(
        html.contains("v-unprofitable_mitigated")
            && html.contains("v-mitigated")
            && html.contains("v-not_mitigated")
    );
    assert!(html.contains("not simulated:</b> needs a block gas limit"));
    assert!(
        html.contains("pocolab evaluate --seed 2026 --replicates 20 --sample --out out/report")
    );
    // matrix.csv: one row per cell, flattened summaries
    let mut rd = csv::Reader::from_path(dir.join("matrix.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    for c in [
        "threat",
        "mechanism",
        "damage_mean",
        "damage_ci95",
        "attacker_profit_nrlc_mean",
        "attacker_profit_nrlc_ci95",
        "honest_cost_nrlc_mean",
        "capital_time_nrlc_s_sd",
        "no_attack_n",
        "verdict",
        "config_hash",
    ] {
        assert!(head.iter().any(|h| h == c), "column {c}");
    }
    assert_eq!(rd.records().count(), ev.matrix.len());
    // matrix.parquet: same rows
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let r = SerializedFileReader::new(std::fs::File::open(dir.join("matrix.parquet")).unwrap())
        .unwrap();
    assert_eq!(
        r.metadata().file_metadata().num_rows() as usize,
        ev.matrix.len()
    );
    assert_eq!(
        r.metadata().file_metadata().schema_descr().num_columns(),
        head.len()
    );
    // evaluation.json: the whole evaluation
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("evaluation.json")).unwrap())
            .unwrap();
    assert_eq!(j["matrix"].as_array().unwrap().len(), ev.matrix.len());
    assert_eq!(j["config_hash"], ev.config_hash.as_str());
    // summary.md
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(
        md.contains("## Summary verdicts")
            && md.contains("## Threat × mechanism matrix")
            && md.contains(&ev.config_hash)
    );
    assert!(md.contains("W1'") && md.contains("M1–M8") && md.contains("±"));
    // a heatmap figure CSV has one row per grid point
    let hm = figures(&ev).find(|f| f.heatmap.is_some()).unwrap();
    let h = hm.heatmap.as_ref().unwrap();
    let n = csv::Reader::from_path(dir.join("figures").join(format!("{}.csv", hm.id)))
        .unwrap()
        .records()
        .count();
    assert_eq!(n, h.x.len() * h.y.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let mut ev = sample_evaluation();
    let evil = "<script>alert('x')</script> & \"q\" | *b*";
    ev.threats[0].title = evil.into();
    ev.experiments[1].question = evil.into();
    ev.experiments[1].figures[0].title = evil.into();
    ev.experiments[1].figures[0].series[0].name = evil.into();
    ev.matrix[0].best_response = evil.into();
    ev.mechanisms[1].name = evil.into();
    let dir = tmp("evil");
    write_report(
        &ev,
        &dir,
        &ReportOptions {
            command: Some(evil.into()),
        },
    )
    .unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "raw markup leaked");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    // outside code spans (where markup is shown literally), nothing is raw
    let outside: String = md.split('`').step_by(2).collect();
    assert!(!outside.contains("<script") && outside.contains("&lt;script&gt;"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_evaluation_same_bytes() {
    let (a, b) = (tmp("det-a"), tmp("det-b"));
    write_report(&sample_evaluation(), &a, &ReportOptions::default()).unwrap();
    write_report(&sample_evaluation(), &b, &ReportOptions::default()).unwrap();
    for f in ["report.html", "summary.md", "matrix.csv", "evaluation.json"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn an_output_folder_holds_one_run_and_no_temporary_files() {
    let dir = tmp("stale");
    std::fs::create_dir_all(dir.join("figures")).unwrap();
    // what an earlier run with other figures left behind
    std::fs::write(dir.join("figures/e99-old.csv"), "stale").unwrap();
    std::fs::write(dir.join("figures/notes.txt"), "the user's").unwrap();
    let w = write_report(&sample_evaluation(), &dir, &ReportOptions::default()).unwrap();
    assert!(
        !dir.join("figures/e99-old.csv").exists(),
        "a stale figure is removed"
    );
    assert!(
        dir.join("figures/notes.txt").exists(),
        "files that are not figures stay"
    );
    let mut on_disk: Vec<PathBuf> = std::fs::read_dir(dir.join("figures"))
        .unwrap()
        .map(|e| PathBuf::from("figures").join(e.unwrap().file_name()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    on_disk.sort();
    let mut written: Vec<PathBuf> = w
        .files
        .iter()
        .filter(|f| f.starts_with("figures"))
        .cloned()
        .collect();
    written.sort();
    assert_eq!(on_disk, written);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn frontiers_csv_and_section() {
    let ev = sample_evaluation();
    assert!(!ev.frontiers.is_empty());
    let dir = tmp("frontiers");
    let w = write_report(&ev, &dir, &ReportOptions::default()).unwrap();
    assert!(w.files.contains(&PathBuf::from("frontiers.csv")));
    let mut rd = csv::Reader::from_path(dir.join("frontiers.csv")).unwrap();
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head, frontier_columns());
    for c in [
        "mechanism",
        "parameter",
        "value",
        "threat",
        "attacker_profit_nrlc_mean",
        "attacker_profit_nrlc_ci95",
        "damage_mean",
        "correct_per_task_mean",
        "honest_cost_nrlc_mean",
        "unprofitable",
        "damage_lower",
    ] {
        assert!(head.iter().any(|h| h == c), "column {c}");
    }
    let points: usize = ev.frontiers.iter().map(|f| f.points.len()).sum();
    assert_eq!(rd.records().count(), points);
    // one chart per swept parameter (M1 audit_ppm, M3 gamma0_ppm), a section, a table row per
    // frontier; the value that was not run is named, its NaNs are not drawn
    assert_eq!(frontier_figures(&ev).len(), 2);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("id=\"frontiers\"") && html.contains("href=\"#frontiers\""));
    assert!(html.contains("id=\"svg-frontier-M1-audit_ppm\""));
    assert!(html.contains("id=\"svg-frontier-M3-gamma0_ppm\""));
    assert!(!html.contains("NaN"), "no NaN leaks into the page");
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("## Mechanism frontiers"));
    assert_eq!(md.matches("| M1 | audit").count(), 2);
    // older evaluations without frontiers still load (the sample's heatmap has NaN cells,
    // which JSON writes as null and cannot read back as f64: left out)
    let mut ev = ev;
    ev.experiments.clear();
    let mut j: serde_json::Value = serde_json::to_value(&ev).unwrap();
    j.as_object_mut().unwrap().remove("frontiers");
    let old: pocolab_results::evaluation::Evaluation = serde_json::from_value(j).unwrap();
    assert!(old.frontiers.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
