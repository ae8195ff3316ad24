//! `pocolab conformance` on scenario files: a bad file is refused before anything is deployed,
//! and a scenario whose expectations both sides (agreeing) miss is reported as such, not as a
//! divergence. Needs the PoCo artifacts (`scripts/fetch-poco.sh`, run by `scripts/setup.sh`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn conformance(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .arg("conformance")
        .arg(file)
        .current_dir(root())
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

fn scenario_with(name: &str, from: &str, to: &str) -> PathBuf {
    let text =
        std::fs::read_to_string(root().join("scenarios/conformance/01-classic-consensus.toml"))
            .unwrap();
    assert!(text.contains(from));
    let dir = std::env::temp_dir().join(format!("pocolab-conformance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn a_bad_file_is_refused_before_deployment() {
    let f = scenario_with("bad.toml", "amount = 1000 }", "amount = \"10x0\" }");
    let o = conformance(&f);
    assert!(!o.status.success());
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        err.contains("deposits[0]: amount: `10x0` is not a number"),
        "{err}"
    );
    assert!(!out.contains("deployed"), "nothing is deployed: {out}");
}

#[test]
fn unmet_expectations_are_not_divergences() {
    let f = scenario_with(
        "unmet.toml",
        "deal = \"d1\"\nexpect = \"ok\"",
        "deal = \"d1\"\nexpect = \"revert()\"",
    );
    let o = conformance(&f);
    assert!(!o.status.success());
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        out.contains("0 divergent, 1 with unmet expectations"),
        "{out}"
    );
    assert!(
        err.contains("expectations the two sides (agreeing) do not meet"),
        "{err}"
    );
}
