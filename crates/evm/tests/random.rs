//! Random differential conformance: N generated scenarios (default 1 000, the CI size; set
//! `POCOLAB_CONFORMANCE_N` and `POCOLAB_CONFORMANCE_SEED`, e.g. N=10000 for a long local run)
//! must show zero divergence between the core and the real bytecode.

use pocolab_evm::random::{GenParams, generate};
use pocolab_evm::runner::Runner;
use pocolab_evm::{Artifacts, Deployment};

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

#[test]
fn random_scenarios_conform() {
    if !Artifacts::available() {
        panic!(
            "PoCo 6.1.0 artifacts missing: run scripts/setup.sh (or scripts/fetch-poco.sh) first"
        );
    }
    let n = env_u64("POCOLAB_CONFORMANCE_N", 1000);
    let seed = env_u64("POCOLAB_CONFORMANCE_SEED", 1);
    let d = Deployment::deploy_default().expect("deploy");
    let runner = Runner::new(&d);
    let mut bad = Vec::new();
    let mut calls = 0;
    let mut ok_calls = 0;
    let mut per_op: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut classes: std::collections::BTreeMap<String, usize> = Default::default();
    for i in 0..n {
        let sc = generate(seed, i, GenParams::default());
        // what the generator writes is a valid scenario file
        sc.check()
            .unwrap_or_else(|e| panic!("generated scenario {seed}/{i}: {e}"));
        let rep = runner.run(&sc);
        calls += rep.calls.len();
        ok_calls += rep.calls.iter().filter(|c| c.core == "ok").count();
        for c in &rep.calls {
            let e = per_op.entry(c.op).or_default();
            e.0 += 1;
            e.1 += usize::from(c.core == "ok");
            *classes
                .entry(format!("{} -> {}", c.op, c.core))
                .or_default() += 1;
        }
        if !rep.passed() {
            eprintln!("{}", rep.render(true));
            bad.push(i);
            if bad.len() >= 3 {
                break;
            }
        }
    }
    if std::env::var_os("POCOLAB_CONFORMANCE_VERBOSE").is_some() {
        for (k, v) in &classes {
            eprintln!("  {v:>6}  {k}");
        }
    }
    eprintln!("per entry point (calls, successful): {per_op:?}");
    eprintln!("{n} scenarios, {calls} calls ({ok_calls} successful), divergent: {bad:?}");
    assert!(
        bad.is_empty(),
        "divergent scenarios (seed {seed}): {bad:?}; replay with `pocolab conformance --random 1 --seed {seed} --skip <index>`"
    );
}
