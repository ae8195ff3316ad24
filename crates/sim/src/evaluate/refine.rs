//! Local refinement of a best response: the attacker's numeric parameters ("knobs") read from
//! its strategy space, and the midpoint rounds that race the grid's winner against its
//! neighbours on the same run ids ([`super::search`]'s successive halving).

use super::search::Rank;
use super::*;

/// One numeric parameter the attacker chooses, with the values tried for it so far (sorted).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Knob {
    /// the attack's field
    pub(super) name: String,
    /// an integer field (counts, deal indexes, percentages)
    pub(super) integer: bool,
    /// values tried so far, ascending, without duplicates
    pub(super) tried: Vec<f64>,
}

impl Knob {
    fn add(&mut self, v: f64) {
        if let Err(i) = self.tried.binary_search_by(|x| x.total_cmp(&v)) {
            self.tried.insert(i, v);
        }
    }

    /// The midpoints between `x` and its nearest tried neighbours below and above (rounded
    /// toward `x` for an integer, to 4 decimals otherwise); none past the range tried, so the
    /// grid's range stays the attacker's range and refinement only adds resolution. A midpoint
    /// of valid values is valid: every limit on an attack parameter is an interval (worker
    /// shares ≤ `MAX_WORKER_SHARE`, probabilities in [0, 1], percentages ≤ 100).
    fn midpoints(&self, x: f64) -> Vec<f64> {
        let below = self.tried.iter().rev().find(|&&v| v < x);
        let above = self.tried.iter().find(|&&v| v > x);
        let mut out = Vec::new();
        for nb in [below, above].into_iter().flatten() {
            let m = (x + nb) / 2.0;
            let m = if !self.integer {
                (m * 1e4).round() / 1e4
            } else if *nb > x {
                m.floor()
            } else {
                m.ceil()
            };
            if m != x && m != *nb {
                out.push(m);
            }
        }
        out
    }
}

/// Rounds of local refinement after the grid.
pub(super) const REFINE_ROUNDS: usize = 2;

/// The outcome of [`refine`]: every point played, with its samples (the start first), and the
/// best one.
#[derive(Debug)]
pub(super) struct Refined<T> {
    /// `(point, samples)`; `arms[0]` is the start
    pub(super) arms: Vec<(Vec<f64>, Vec<T>)>,
    /// index of the best point in `arms`
    pub(super) best: usize,
}

/// Local refinement of the best grid point `start` (with its samples, run ids `0..replicates`):
/// for [`REFINE_ROUNDS`] rounds, every knob in turn gets the midpoints between the incumbent's
/// value and its nearest tried neighbours (the other knobs stay at the incumbent), so the step
/// halves each round; the incumbent and these candidates race by successive halving on the
/// same run ids ([`race`]), and the incumbent is kept unless a candidate ranks strictly
/// better. Deterministic: candidates come in knob order, below before above.
pub(super) fn refine<T, E, F, R>(
    mut knobs: Vec<Knob>,
    start: Vec<f64>,
    start_samples: Vec<T>,
    replicates: u64,
    sample: F,
    rank: R,
) -> Result<Refined<T>, E>
where
    T: Send,
    E: Send,
    F: Fn(&[f64], u64) -> Result<T, E> + Sync,
    R: Fn(&[T]) -> Rank,
{
    assert_eq!(start.len(), knobs.len(), "one value per knob");
    let mut arms: Vec<(Vec<f64>, Vec<T>)> = vec![(start, start_samples)];
    let mut best = 0;
    for _ in 0..REFINE_ROUNDS {
        let at = arms[best].0.clone();
        let mut points: Vec<Vec<f64>> = vec![at.clone()];
        for (k, knob) in knobs.iter().enumerate() {
            for m in knob.midpoints(at[k]) {
                let mut p = at.clone();
                p[k] = m;
                points.push(p);
            }
        }
        if points.len() == 1 {
            break;
        }
        for p in &points[1..] {
            for (k, knob) in knobs.iter_mut().enumerate() {
                knob.add(p[k]);
            }
        }
        let mut samples: Vec<Vec<T>> = vec![std::mem::take(&mut arms[best].1)];
        samples.extend(points[1..].iter().map(|_| Vec::new()));
        let (win, samples) = race(
            samples,
            replicates,
            |a, r| sample(&points[a], r),
            &rank,
            Some(0),
        )?;
        let first = arms.len();
        let mut it = samples.into_iter();
        arms[best].1 = it.next().expect("the incumbent");
        arms.extend(points.into_iter().skip(1).zip(it));
        if win > 0 {
            best = first + win - 1;
        }
    }
    Ok(Refined { arms, best })
}

/// The attacker's numeric parameters in a strategy space: the fields (besides `kind`) that are
/// numbers in every arm and take at least two values across the arms, in the serialized field
/// order, each with the values the grid tries. Fields the space keeps at the preset (the
/// victims' and nature's parameters) and flags are not knobs.
pub(super) fn knobs_of(space: &[(Attack, String)]) -> Vec<Knob> {
    let objs: Vec<serde_json::Map<String, serde_json::Value>> = space
        .iter()
        .filter_map(|(a, _)| match serde_json::to_value(a) {
            Ok(serde_json::Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect();
    let Some(first) = objs.first() else {
        return Vec::new();
    };
    let mut knobs = Vec::new();
    for name in first.keys().filter(|k| *k != "kind") {
        let nums: Option<Vec<&serde_json::Number>> = objs
            .iter()
            .map(|m| match m.get(name) {
                Some(serde_json::Value::Number(n)) => Some(n),
                _ => None,
            })
            .collect();
        let Some(nums) = nums else { continue };
        let mut knob = Knob {
            name: name.clone(),
            integer: nums.iter().all(|n| n.is_u64()),
            tried: Vec::new(),
        };
        for v in nums.iter().filter_map(|n| n.as_f64()) {
            knob.add(v);
        }
        if knob.tried.len() >= 2 {
            knobs.push(knob);
        }
    }
    knobs
}

/// The values of `knobs` in attack `a` (NaN for a field it lacks).
pub(super) fn point_of(a: &Attack, knobs: &[Knob]) -> Vec<f64> {
    let v = serde_json::to_value(a).unwrap_or_default();
    knobs
        .iter()
        .map(|k| v.get(&k.name).and_then(|x| x.as_f64()).unwrap_or(f64::NAN))
        .collect()
}

/// Attack `a` with `knobs` set to `point` (integers written as such).
pub(super) fn with_point(a: &Attack, knobs: &[Knob], point: &[f64]) -> Result<Attack, SimError> {
    let bad = |e: String| SimError::Config(format!("refined strategy: {e}"));
    let mut v = serde_json::to_value(a).map_err(|e| bad(e.to_string()))?;
    let obj = v
        .as_object_mut()
        .ok_or_else(|| bad("an attack without fields".to_string()))?;
    for (k, &x) in knobs.iter().zip(point) {
        let n = if k.integer {
            serde_json::Value::from(x as u64)
        } else {
            serde_json::Number::from_f64(x)
                .map(serde_json::Value::Number)
                .ok_or_else(|| bad(format!("{} = {x}", k.name)))?
        };
        obj.insert(k.name.clone(), n);
    }
    serde_json::from_value(v).map_err(|e| bad(e.to_string()))
}

/// An arm's label (`name=value, …`, as in [`strategy_space`]) with the knobs' values replaced
/// by `point`.
pub(super) fn relabel(label: &str, knobs: &[Knob], point: &[f64]) -> String {
    label
        .split(", ")
        .map(|seg| {
            let i = seg
                .split_once('=')
                .and_then(|(k, _)| knobs.iter().position(|kn| kn.name == k));
            match i {
                Some(i) if knobs[i].integer => format!("{}={}", knobs[i].name, point[i] as u64),
                Some(i) => format!("{}={}", knobs[i].name, point[i]),
                None => seg.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
