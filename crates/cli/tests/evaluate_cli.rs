//! `pocolab evaluate` end to end (on the built-in sample evaluation).

use std::process::Command;

#[test]
fn evaluate_sample_writes_the_report() {
    let out = std::env::temp_dir().join(format!("pocolab-evaluate-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .args([
            "evaluate",
            "--sample",
            "--seed",
            "7",
            "--only-threats",
            "W1',S2",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("report.html") && stdout.contains(&out.display().to_string()),
        "{stdout}"
    );
    for f in [
        "report.html",
        "summary.md",
        "matrix.csv",
        "matrix.parquet",
        "frontiers.csv",
        "evaluation.json",
        "figures/E2-wrong-vs-fraction.csv",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    // the rerun command is the exact command line, shell-quoted
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("pocolab evaluate --seed 7 --replicates 50 --only-threats &#39;W1&#39;\\&#39;&#39;,S2&#39; --sample --out"), "rerun command");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn evaluate_rejects_one_replicate() {
    let o = Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .args([
            "evaluate",
            "--sample",
            "--replicates",
            "1",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("replicates"));
}

#[test]
fn evaluate_rejects_bad_market_overrides_naming_the_option() {
    for (flag, value, name) in [
        ("--trust", "0", "trust"),
        ("--honest-error-rate", "1", "honest_error_rate"),
        ("--honest-error-rate", "-0.5", "honest_error_rate"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_pocolab"))
            .args([
                "evaluate",
                "--only-threats",
                "W1",
                "--replicates",
                "2",
                &format!("{flag}={value}"),
                "--out",
                "/nonexistent/never",
            ])
            .output()
            .unwrap();
        assert!(!o.status.success(), "{flag} {value} accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(name), "{flag} {value}: {err}");
    }
}
