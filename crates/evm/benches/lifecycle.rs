//! Full task lifecycle on the real bytecode (revm) vs the native core, in one run.
//!
//! The lifecycle is `scenarios/conformance/01-classic-consensus.toml`: create 3 assets,
//! 5 deposits, scores, matchOrders, initialize, 3 contributions, 2 reveals, finalize,
//! withdrawals, plus the invalid calls of that scenario (18 calls). Both backends start from a
//! fresh deployment each iteration (EVM: clone of the deployment snapshot; core: `Poco::new`).
//!
//!     scripts/fetch-poco.sh && cargo bench -p pocolab-evm --bench lifecycle

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pocolab_evm::runner::{core_for, play_only};
use pocolab_evm::scenario::Scenario;
use pocolab_evm::{Artifacts, Deployment, EvmPoco};

fn bench(c: &mut Criterion) {
    if !Artifacts::available() {
        eprintln!("skipping: PoCo artifacts missing (run scripts/fetch-poco.sh)");
        return;
    }
    let d = Deployment::deploy_default().expect("deploy");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/conformance/01-classic-consensus.toml");
    let sc = Scenario::from_toml(&std::fs::read_to_string(path).expect("scenario")).expect("parse");
    // sanity: both backends agree on the outcomes
    let (_, a) = play_only(&sc, core_for(&d));
    let (_, b) = play_only(&sc, EvmPoco::new(&d));
    assert_eq!(a, b);

    let mut g = c.benchmark_group("lifecycle");
    g.bench_function("native core (signatures verified)", |bch| {
        bch.iter(|| play_only(&sc, core_for(&d)))
    });
    g.bench_function("EVM bytecode (revm, from snapshot)", |bch| {
        bch.iter(|| play_only(&sc, EvmPoco::new(&d)))
    });
    g.bench_function("EVM deployment (all contracts + configure)", |bch| {
        bch.iter(Deployment::deploy_default)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
