//! `pocolab conformance`: differential conformance of the core against the real PoCo 6.1.0
//! bytecode (npm `@iexec/poco@6.1.0` in revm; run `scripts/fetch-poco.sh` first).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use pocolab_evm::random::{GenParams, generate};
use pocolab_evm::runner::{Report, Runner};
use pocolab_evm::scenario::Scenario;
use pocolab_evm::{Artifacts, Deployment};

/// Arguments of `pocolab conformance`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Scenario files (TOML) or directories of them. Default: `scenarios/conformance/` when no
    /// `--random` is given.
    pub files: Vec<PathBuf>,
    /// Also play N generated random scenarios.
    #[arg(long, value_name = "N")]
    pub random: Option<u64>,
    /// Seed of the random scenarios.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Index of the first random scenario (to replay one: `--random 1 --skip I`).
    #[arg(long, default_value_t = 0)]
    pub skip: u64,
    /// Print every call of every scenario.
    #[arg(long, short)]
    pub verbose: bool,
    /// Compare the state only after the last call of each scenario (faster).
    #[arg(long)]
    pub final_only: bool,
    /// Where divergent random scenarios are written as TOML.
    #[arg(long, default_value = "out/conformance")]
    pub out: PathBuf,
}

#[derive(Default)]
struct GasStats {
    min: u64,
    max: u64,
    sum: u128,
    n: u64,
}

fn collect(files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for f in files {
        if f.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(f)
                .with_context(|| format!("reading {}", f.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(f.clone());
        }
    }
    Ok(out)
}

/// Run the command.
pub fn run(args: Args) -> Result<()> {
    let mut files = args.files.clone();
    if files.is_empty() && args.random.is_none() {
        files.push(PathBuf::from("scenarios/conformance"));
    }
    let files = collect(&files)?;
    // every file is read and checked before anything is deployed or played
    let mut scenarios = Vec::new();
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let sc = Scenario::parse(&text).with_context(|| format!("checking {}", f.display()))?;
        scenarios.push((f, sc));
    }
    let random_end = match args.random {
        Some(n) => Some(args.skip.checked_add(n).with_context(|| {
            format!(
                "--skip {} + --random {n} passes the largest index",
                args.skip
            )
        })?),
        None => None,
    };
    let art = Artifacts::locate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let t0 = Instant::now();
    let d = Deployment::deploy(&art, &Default::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "deployed PoCo 6.1.0 (token mode, {} selectors) at {} in {:.0?}",
        d.selector_count,
        d.addrs.proxy,
        t0.elapsed()
    );
    let mut runner = Runner::new(&d);
    runner.check_every_call = !args.final_only;

    let mut gas: BTreeMap<&'static str, GasStats> = BTreeMap::new();
    let mut record = |rep: &Report| {
        for c in &rep.calls {
            if let (Some(g), "ok") = (c.gas, c.evm.as_str()) {
                let s = gas.entry(c.op).or_insert(GasStats {
                    min: u64::MAX,
                    ..Default::default()
                });
                s.min = s.min.min(g);
                s.max = s.max.max(g);
                s.sum += u128::from(g);
                s.n += 1;
            }
        }
    };
    // divergent: the two sides disagree (a conformance bug); unmet: both sides agree but not
    // with the scenario's `expect`/`check` (the scenario's expectation is wrong)
    let (mut divergent, mut unmet) = (Vec::new(), Vec::new());
    let sort = |rep: &Report, name: String, d: &mut Vec<String>, u: &mut Vec<String>| {
        if !rep.divergences.is_empty() {
            d.push(name);
        } else if !rep.expectation_failures.is_empty() {
            u.push(name);
        }
    };
    let (mut n_sc, mut n_calls) = (0u64, 0usize);
    for (f, sc) in &scenarios {
        let rep = runner.run(sc);
        n_sc += 1;
        n_calls += rep.calls.len();
        record(&rep);
        print!(
            "{}: {}",
            f.display(),
            rep.render(args.verbose || !rep.passed())
        );
        sort(&rep, f.display().to_string(), &mut divergent, &mut unmet);
    }
    if let Some(end) = random_end {
        let t = Instant::now();
        for i in args.skip..end {
            let sc = generate(args.seed, i, GenParams::default());
            let rep = runner.run(&sc);
            n_sc += 1;
            n_calls += rep.calls.len();
            record(&rep);
            if args.verbose || !rep.passed() {
                print!("{}", rep.render(true));
            }
            if !rep.passed() {
                std::fs::create_dir_all(&args.out).ok();
                let path = args
                    .out
                    .join(format!("random-seed{}-{}.toml", args.seed, i));
                std::fs::write(&path, sc.to_toml()).ok();
                println!("  written to {}", path.display());
                sort(
                    &rep,
                    format!("random seed={} index={i}", args.seed),
                    &mut divergent,
                    &mut unmet,
                );
            }
            if (i + 1 - args.skip).is_multiple_of(1000) {
                println!(
                    "  … {} random scenarios, {} divergent, {} with unmet expectations, {:.0?}",
                    i + 1 - args.skip,
                    divergent.len(),
                    unmet.len(),
                    t.elapsed()
                );
            }
        }
    }
    println!("\ngas used by successful EVM calls (revm, Prague, token mode):");
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>8}",
        "operation", "min", "max", "avg", "calls"
    );
    for (op, s) in &gas {
        println!(
            "{:<26} {:>10} {:>10} {:>10} {:>8}",
            op,
            s.min,
            s.max,
            s.sum / u128::from(s.n.max(1)),
            s.n
        );
    }
    println!(
        "\n{n_sc} scenarios, {n_calls} calls, {} divergent, {} with unmet expectations, {:.1?}",
        divergent.len(),
        unmet.len(),
        t0.elapsed()
    );
    let mut problems = Vec::new();
    if !divergent.is_empty() {
        problems.push(format!(
            "{} divergent scenario(s) (core and EVM disagree): {}",
            divergent.len(),
            divergent.join(", ")
        ));
    }
    if !unmet.is_empty() {
        problems.push(format!(
            "{} scenario(s) whose expectations the two sides (agreeing) do not meet: {}",
            unmet.len(),
            unmet.join(", ")
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("; "));
    }
    Ok(())
}
