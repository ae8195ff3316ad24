//! Monte Carlo summaries: mean, sample standard deviation and 95 % confidence intervals
//! (Student t for small samples), computed in a fixed order so results are reproducible.

use serde::{Deserialize, Serialize};

/// Summary of `n` replicate values of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// number of replicates
    pub n: usize,
    /// sample mean
    #[serde(deserialize_with = "f64_or_null")]
    pub mean: f64,
    /// sample standard deviation (n − 1 denominator; 0 when n < 2)
    #[serde(deserialize_with = "f64_or_null")]
    pub sd: f64,
    /// half-width of the 95 % confidence interval of the mean (`t_{0.975, n−1} · sd / √n`)
    #[serde(deserialize_with = "f64_or_null")]
    pub ci95: f64,
}

/// JSON writes non-finite floats (an empty summary's NaN, a single value's infinite CI) as
/// `null`; read `null` back as NaN so that summaries round-trip.
fn f64_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Summary {
    /// Summarise values in the given order (Kahan-compensated sums, so the result depends on
    /// the values and their order only, never on thread scheduling: callers sort by run id).
    pub fn of(values: &[f64]) -> Self {
        let n = values.len();
        if n == 0 {
            return Self {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                ci95: f64::NAN,
            };
        }
        let mean = kahan(values.iter().copied()) / n as f64;
        let sd = if n > 1 {
            (kahan(values.iter().map(|v| (v - mean) * (v - mean))) / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let ci95 = if n > 1 {
            t975(n - 1) * sd / (n as f64).sqrt()
        } else {
            f64::INFINITY
        };
        Self { n, mean, sd, ci95 }
    }

    /// Lower bound of the 95 % CI.
    pub fn lo(&self) -> f64 {
        self.mean - self.ci95
    }

    /// Upper bound of the 95 % CI.
    pub fn hi(&self) -> f64 {
        self.mean + self.ci95
    }

    /// Does the 95 % CI (widened by `tol` on each side) contain `x`?
    pub fn covers(&self, x: f64, tol: f64) -> bool {
        self.lo() - tol <= x && x <= self.hi() + tol
    }

    /// `mean ± ci95` with a given number of significant decimals.
    pub fn display(&self, decimals: usize) -> String {
        if self.n < 2 {
            return format!("{:.*}", decimals, self.mean);
        }
        format!("{:.*} ± {:.*}", decimals, self.mean, decimals, self.ci95)
    }
}

fn kahan(it: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in it {
        let y = v - c;
        let t = s + y;
        c = (t - s) - y;
        s = t;
    }
    s
}

/// Two-sided 95 % Student t quantile `t_{0.975, df}` (table up to 30 df, then the
/// Cornish–Fisher expansion around the normal quantile; error < 1e-3).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return T[df - 1];
    }
    let z = 1.959_963_984_540_054f64;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
}

/// Wilson score interval half-width proxy for a proportion `k/n` (95 %): returns `(lo, hi)`.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / den;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_sd_ci_of_known_sample() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.n, 5);
        assert!((s.mean - 3.0).abs() < 1e-12);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert!((s.ci95 - 2.776 * 2.5f64.sqrt() / 5f64.sqrt()).abs() < 1e-9);
        assert!(s.covers(3.0, 0.0) && !s.covers(6.0, 0.0));
    }

    #[test]
    fn non_finite_summaries_round_trip_through_json() {
        let empty = Summary::of(&[]);
        let json = serde_json::to_string(&empty).unwrap();
        assert_eq!(json, r#"{"n":0,"mean":null,"sd":null,"ci95":null}"#);
        let back: Summary = serde_json::from_str(&json).unwrap();
        assert!(back.n == 0 && back.mean.is_nan() && back.ci95.is_nan());
        let one: Summary =
            serde_json::from_str(&serde_json::to_string(&Summary::of(&[2.0])).unwrap()).unwrap();
        assert_eq!((one.n, one.mean), (1, 2.0));
    }

    #[test]
    fn t_quantile_approaches_normal() {
        assert!((t975(60) - 2.000).abs() < 2e-3);
        assert!((t975(120) - 1.980).abs() < 2e-3);
        assert!(t975(31) < t975(30));
    }

    #[test]
    fn wilson_interval_contains_proportion() {
        let (lo, hi) = wilson(10, 100);
        assert!(lo < 0.1 && 0.1 < hi && lo > 0.04 && hi < 0.18);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }
}
