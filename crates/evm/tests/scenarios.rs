//! The hand-written conformance scenarios of `scenarios/conformance/` run with zero divergence.

use std::path::Path;

use pocolab_evm::runner::Runner;
use pocolab_evm::scenario::Scenario;
use pocolab_evm::{Artifacts, Deployment};

#[test]
fn hand_written_scenarios_conform() {
    if !Artifacts::available() {
        panic!(
            "PoCo 6.1.0 artifacts missing: run scripts/setup.sh (or scripts/fetch-poco.sh) first"
        );
    }
    let d = Deployment::deploy_default().expect("deploy");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failed = Vec::new();
    for f in files {
        let sc = Scenario::from_toml(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let rep = Runner::new(&d).run(&sc);
        println!("{}", rep.render(true));
        if !rep.passed() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "divergent scenarios: {failed:?}");
}
