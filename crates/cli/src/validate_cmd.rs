//! `pocolab validate`: closed forms vs Monte Carlo (Sarmenta voting, spot-checking,
//! credibility; PoCo-lite; iExec's worked example and fresh-worker counts through the core).

use anyhow::{Result, ensure};
use clap::Args;
use pocolab_sim::validate::{ValidateParams, ValidationRow, validate};

/// Parameters of `pocolab validate` (defaults: the spec's reference points).
#[derive(Args, Debug, Clone)]
pub struct ValidateArgs {
    /// saboteur fraction f
    #[arg(long, default_value_t = 0.2)]
    pub f: f64,
    /// honest error rate e (PoCo-lite)
    #[arg(long, default_value_t = 0.01)]
    pub e: f64,
    /// replicas m of PoCo-lite and m of m-first voting
    #[arg(long, default_value_t = 3)]
    pub m: u32,
    /// sabotage rate against spot-checking with blacklisting (default: the optimal 1/(q(n+1)))
    #[arg(long)]
    pub s: Option<f64>,
    /// spot-check rate q
    #[arg(long, default_value_t = 0.1)]
    pub q: f64,
    /// work objects per worker and batch n
    #[arg(long, default_value_t = 100)]
    pub n: u64,
    /// passed spot-checks k for the credibility posterior
    #[arg(long, default_value_t = 10)]
    pub k: u64,
    /// acceptable error 1 - theta of credibility-based voting
    #[arg(long, default_value_t = 0.01)]
    pub eps_acc: f64,
    /// trust levels for F1/F2 (comma-separated)
    #[arg(long, value_delimiter = ',', default_values_t = [2u64, 5, 100, 10_000, 1_000_000])]
    pub trust: Vec<u64>,
    /// Monte Carlo replicates per row
    #[arg(long, default_value_t = 30)]
    pub replicates: usize,
    /// master seed
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// entries per replicate (voting, credibility voting)
    #[arg(long, default_value_t = 20_000)]
    pub entries: u64,
    /// worker population per replicate (spot-checking)
    #[arg(long, default_value_t = 10_000)]
    pub workers: u64,
    /// PoCo-lite workers N
    #[arg(long, default_value_t = 1000)]
    pub lite_workers: usize,
    /// PoCo-lite tasks per replicate
    #[arg(long, default_value_t = 10_000)]
    pub lite_tasks: u64,
    /// PoCo-lite replicates
    #[arg(long, default_value_t = 200)]
    pub lite_replicates: usize,
    /// deals per market run (F1)
    #[arg(long, default_value_t = 10)]
    pub market_deals: u64,
    /// exit with an error if a row disagrees
    #[arg(long)]
    pub strict: bool,
}

impl ValidateArgs {
    fn params(&self) -> Result<ValidateParams> {
        ensure!((0.0..1.0).contains(&self.f), "f must be in [0, 1)");
        ensure!((0.0..=1.0).contains(&self.e), "e must be in [0, 1]");
        ensure!(
            self.m >= 1 && (self.m as usize) <= self.lite_workers,
            "need 1 <= m <= lite-workers"
        );
        ensure!(self.q > 0.0 && self.q <= 1.0, "q must be in (0, 1]");
        ensure!(
            self.s.is_none_or(|s| s > 0.0 && s <= 1.0),
            "s must be in (0, 1]"
        );
        ensure!(self.n >= 1 && self.k >= 1, "n and k must be >= 1");
        ensure!(
            self.eps_acc > 0.0 && self.eps_acc < 0.5,
            "eps-acc must be in (0, 0.5)"
        );
        ensure!(
            self.replicates >= 2 && self.lite_replicates >= 2,
            "need at least 2 replicates"
        );
        ensure!(
            self.entries >= 1
                && self.workers >= 1
                && self.lite_tasks >= 1
                && self.market_deals >= 1,
            "sizes must be >= 1"
        );
        ensure!(
            self.trust.iter().all(|&t| t <= 1 << 40),
            "trust levels above 2^40 are not supported"
        );
        Ok(ValidateParams {
            f: self.f,
            e: self.e,
            m: self.m,
            s: self.s,
            q: self.q,
            n: self.n,
            k: self.k,
            eps_acc: self.eps_acc,
            trust: self.trust.clone(),
            replicates: self.replicates,
            seed: self.seed,
            entries: self.entries,
            workers: self.workers,
            lite_workers: self.lite_workers,
            lite_tasks: self.lite_tasks,
            lite_replicates: self.lite_replicates,
            market_deals: self.market_deals,
        })
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1e6 || x.abs() < 1e-3 {
        format!("{x:.5e}")
    } else {
        format!("{x:.6}")
    }
}

/// Format the table (plain text, one row per line).
pub fn format_table(rows: &[ValidationRow]) -> String {
    let mut out = format!(
        "{:<52} {:>13} {:>13} {:>11} {:>5}  {:<6} {}\n",
        "check", "formula", "simulated", "±95% CI", "n", "agree", "parameters"
    );
    for r in rows {
        let ci = if r.simulated.n <= 1 {
            "exact".to_string()
        } else {
            num(r.simulated.ci95)
        };
        out.push_str(&format!(
            "{:<52} {:>13} {:>13} {:>11} {:>5}  {:<6} {}\n",
            r.name,
            num(r.formula),
            num(r.simulated.mean),
            ci,
            r.simulated.n,
            if r.agrees { "yes" } else { "NO" },
            r.params
        ));
    }
    out
}

/// Run the validation suite and print the table.
pub fn run(args: &ValidateArgs) -> Result<()> {
    let params = args.params()?;
    let started = std::time::Instant::now();
    let rows = validate(&params);
    print!("{}", format_table(&rows));
    let bad = rows.iter().filter(|r| !r.agrees).count();
    println!(
        "\n{} checks, {} agree (formula inside the simulated 95 % CI; exact for core rows), {} disagree; {:.1} s",
        rows.len(),
        rows.len() - bad,
        bad,
        started.elapsed().as_secs_f64()
    );
    if bad > 0 {
        println!(
            "note: at 95 % per row, about one stochastic row in twenty misses by chance; rerun with another --seed or more replicates"
        );
    }
    ensure!(!args.strict || bad == 0, "{bad} rows disagree");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ValidateArgs,
    }

    #[test]
    fn cli_defaults_are_the_library_defaults() {
        let w = Wrap::parse_from(["validate"]);
        assert_eq!(w.args.params().unwrap(), ValidateParams::default());
        let w = Wrap::parse_from(["validate", "--trust", "3,1000", "--f", "0.1", "--s", "0.5"]);
        let p = w.args.params().unwrap();
        assert_eq!((p.trust, p.f, p.s), (vec![3, 1000], 0.1, Some(0.5)));
        assert!(
            Wrap::parse_from(["validate", "--f", "1.5"])
                .args
                .params()
                .is_err()
        );
    }

    #[test]
    fn small_run_prints_a_table_that_agrees() {
        let w = Wrap::parse_from([
            "validate",
            "--trust",
            "100",
            "--replicates",
            "10",
            "--lite-replicates",
            "20",
            "--entries",
            "2000",
            "--workers",
            "2000",
            "--lite-tasks",
            "2000",
            "--market-deals",
            "2",
        ]);
        let rows = validate(&w.args.params().unwrap());
        let t = format_table(&rows);
        assert_eq!(t.lines().count(), rows.len() + 1);
        assert!(t.contains("X1: Cr(\"42\")") && t.contains("F1: contributions"));
        assert!(
            rows.iter().filter(|r| r.simulated.n <= 1).all(|r| r.agrees),
            "{t}"
        );
        assert!(rows.iter().all(|r| r.within(3.29)), "{t}");
    }
}
