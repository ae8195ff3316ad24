//! Mechanism frontiers (issue E item 7): each mechanism's key parameters swept against every
//! threat it targets, to show where along the sweep the attack turns unprofitable or its
//! damage drops below baseline PoCo's, and what each setting costs honest requesters.
//!
//! A sweep ([`SWEEPS`]) names a protocol variant (one mechanism, or the provider-accountability
//! stack `M4+M6+M7` for M7's `κ_r`, which acts only on M4's bonds), a parameter and a few values
//! ordered from the weakest setting to the strongest, the default among them. The other
//! parameters keep their defaults. The threats are those whose §3.9 coverage lists the variant
//! ([`mechanisms_targeting`]).
//!
//! Unlike the matrix, the attacker does not search a best response: every point plays the
//! catalogue's preset attack, so the sweep isolates the parameter. Per (sweep, value, threat)
//! and replicate `r` (run id `r`, master seed `S`, common random numbers throughout):
//!
//! * the attack on the market with the mechanism at that value → attacker profit per task,
//!   damage metric, correct results per requested task;
//! * the same market without attack at that value, and baseline PoCo without attack → honest
//!   cost (requester cost per correct result, value minus baseline, paired by run id) and
//!   correct results per task without attack;
//! * the attack on baseline PoCo → the reference of `damage_lower` (paired difference of the
//!   damage metric, as the matrix's `mitigated`).
//!
//! A run that fails with the mechanism (an agent behaviour the simulator lacks at that value)
//! leaves its point empty with the reason; a failing baseline run is an error. Undefined
//! metric values count as 0, as in the matrix.

use pocolab_mechanisms::{
    CommitteesParams, DisputesParams, MarketIntegrityParams, OptimisticVerificationParams,
    ProviderBondParams, RequesterBondParams,
};
use pocolab_results::evaluation::{Frontier, FrontierPoint};

use super::*;

const RLC: u64 = pocolab_core::constants::RLC;

/// One parameter of one protocol variant, swept.
pub(crate) struct Sweep {
    /// the mechanisms switched on (at their defaults but for the parameter)
    pub mechanisms: &'static [MechanismId],
    /// the parameter's name (a field of the mechanism's parameter struct, or a derived knob
    /// documented at its entry)
    pub parameter: &'static str,
    /// the parameter's default value
    pub default: u64,
    /// the values played, from the weakest setting to the strongest
    pub values: &'static [u64],
    /// writes a value into the variant's default configuration
    pub set: fn(&mut MechanismsConfig, u64),
}

impl Sweep {
    /// The protocol variant the sweep runs.
    pub(crate) fn variant(&self) -> Variant {
        Variant::of(self.mechanisms.iter().copied())
    }

    /// The variant's mechanisms with the parameter at `value`.
    pub(crate) fn config(&self, value: u64) -> MechanismsConfig {
        let mut c = variant_mechanisms(self.variant());
        (self.set)(&mut c, value);
        c
    }
}

fn m1(c: &mut MechanismsConfig) -> &mut OptimisticVerificationParams {
    c.optimistic_verification
        .get_or_insert_with(Default::default)
}
fn m2(c: &mut MechanismsConfig) -> &mut CommitteesParams {
    c.committees.get_or_insert_with(Default::default)
}
fn m3(c: &mut MechanismsConfig) -> &mut RequesterBondParams {
    c.requester_bond.get_or_insert_with(Default::default)
}
fn m4(c: &mut MechanismsConfig) -> &mut ProviderBondParams {
    c.provider_bond.get_or_insert_with(Default::default)
}
fn m6(c: &mut MechanismsConfig) -> &mut DisputesParams {
    c.disputes.get_or_insert_with(Default::default)
}
fn m8(c: &mut MechanismsConfig) -> &mut MarketIntegrityParams {
    c.market_integrity.get_or_insert_with(Default::default)
}

/// The default arbitration fees of M6's three tiers, % of `P`.
const FEES: [u64; 3] = [10, 20, 50];

/// The sweeps, in report order. Values go from "off-ish" to strong; amounts are nRLC.
pub(crate) const SWEEPS: &[Sweep] = &[
    // M1: the audit rate q and the penalty, the correctness bond β·P slashed when overturned
    Sweep {
        mechanisms: &[MechanismId::M1],
        parameter: "audit_ppm",
        default: 50_000,
        values: &[0, 10_000, 50_000, 200_000, 500_000, 1_000_000],
        set: |c, v| m1(c).audit_ppm = v,
    },
    Sweep {
        mechanisms: &[MechanismId::M1],
        parameter: "beta_pct",
        default: 200,
        values: &[0, 50, 200, 500, 1_000],
        set: |c, v| m1(c).beta_pct = v,
    },
    // M2: how many workers a committee draws, and how often known answers are issued (the
    // only way newcomers gain weight, rule 6)
    Sweep {
        mechanisms: &[MechanismId::M2],
        parameter: "committee_size",
        default: 5,
        values: &[1, 3, 5, 9, 15],
        set: |c, v| m2(c).committee_size = v,
    },
    Sweep {
        mechanisms: &[MechanismId::M2],
        parameter: "spot_check_rate_ppm",
        default: 100_000,
        values: &[0, 20_000, 100_000, 300_000, 1_000_000],
        set: |c, v| m2(c).spot_check_rate_ppm = v,
    },
    // M3: the bond factor γ₀ (γ is clipped to [γ_min = 0.1, 2γ₀], so 0.05 pins it at 0.1) and
    // the compensation φ_c paid to the reporters of a requester fault
    Sweep {
        mechanisms: &[MechanismId::M3],
        parameter: "gamma0_ppm",
        default: 500_000,
        values: &[50_000, 250_000, 500_000, 1_000_000, 2_000_000],
        set: |c, v| m3(c).gamma0_ppm = v,
    },
    Sweep {
        mechanisms: &[MechanismId::M3],
        parameter: "compensation_pct",
        default: 100,
        values: &[0, 50, 100, 200],
        set: |c, v| m3(c).compensation_pct = v,
    },
    // M4: the bond factor κ reserved per task, and the compensation φ_c of a provider fault
    Sweep {
        mechanisms: &[MechanismId::M4],
        parameter: "kappa_pct",
        default: 100,
        values: &[0, 25, 50, 100, 200, 400],
        set: |c, v| m4(c).kappa_pct = v,
    },
    Sweep {
        mechanisms: &[MechanismId::M4],
        parameter: "compensation_pct",
        default: 100,
        values: &[0, 50, 100, 200],
        set: |c, v| m4(c).compensation_pct = v,
    },
    // M5 has one parameter, a flag (1 = consumption attestations make P_a/P_d non-refundable)
    Sweep {
        mechanisms: &[MechanismId::M5],
        parameter: "pay_on_consumption",
        default: 1,
        values: &[0, 1],
        set: |c, v| {
            c.fair_exchange
                .get_or_insert_with(Default::default)
                .pay_on_consumption = v != 0
        },
    },
    // M6: the arbitration fees, every tier scaled by the same percentage of its default
    // [10, 20, 50] % of P (derived knob `arbitration_fee_scale_pct`), and the two deposits
    // δ_R = δ_P (derived knob `deposit_pct`: requester_deposit_pct = pool_deposit_pct)
    Sweep {
        mechanisms: &[MechanismId::M6],
        parameter: "arbitration_fee_scale_pct",
        default: 100,
        values: &[0, 50, 100, 200, 400],
        set: |c, v| m6(c).arbitration_fee_pct = FEES.map(|f| f * v / 100),
    },
    Sweep {
        mechanisms: &[MechanismId::M6],
        parameter: "deposit_pct",
        default: 100,
        values: &[0, 25, 50, 100, 200, 400],
        set: |c, v| {
            let p = m6(c);
            p.requester_deposit_pct = v;
            p.pool_deposit_pct = v;
        },
    },
    // M7: κ_r sizes M4's reservations by reputation (T&M M7 rule 3), so it is swept in the
    // provider-accountability stack where it acts; M7 alone acts in the simulator through
    // requesters' ratings, which have no parameter
    Sweep {
        mechanisms: &[MechanismId::M4, MechanismId::M6, MechanismId::M7],
        parameter: "bond_kappa_pct",
        default: 100,
        values: &[0, 50, 100, 200, 400],
        set: |c, v| {
            c.reputation
                .get_or_insert_with(Default::default)
                .bond_kappa_pct = v
        },
    },
    // M8: the kitty cap per pool owner and epoch (strong = low), and the delay Δ_cancel after
    // which an announced pool policy applies
    Sweep {
        mechanisms: &[MechanismId::M8],
        parameter: "kitty_cap_per_epoch",
        default: 10 * RLC,
        values: &[1_000 * RLC, 100 * RLC, 10 * RLC, RLC, 0],
        set: |c, v| m8(c).kitty_cap_per_epoch = v,
    },
    Sweep {
        mechanisms: &[MechanismId::M8],
        parameter: "policy_delay_secs",
        default: 3_600,
        values: &[0, 60, 600, 3_600, 86_400],
        set: |c, v| m8(c).policy_delay_secs = v,
    },
];

/// Which sweeps and threats a frontier computation covers.
struct Planned<'t> {
    sweep: &'t Sweep,
    threat: &'t Threat,
    /// the threat's market at the evaluation's size (attack at the catalogue preset)
    cfg: MarketConfig,
    metric: Metric,
    worse: Worse,
}

/// A run's correct results (finalized, neither wrong nor overturned) per requested task.
fn correct_per_task(m: &RunMetrics) -> f64 {
    let correct = m
        .finalized
        .saturating_sub(m.wrong_accepted)
        .saturating_sub(m.overturned);
    if m.demand_tasks == 0 {
        f64::NAN
    } else {
        correct as f64 / m.demand_tasks as f64
    }
}

/// Is the paired difference `variant − baseline` of a damage metric significantly on the good
/// side of 0 (the matrix's `mitigated` rule)?
fn significantly_better(diff: &Summary, worse: Worse) -> bool {
    diff.n >= 2
        && match worse {
            Worse::Higher => diff.mean < 0.0 && diff.hi() < 0.0,
            Worse::Lower => diff.mean > 0.0 && diff.lo() > 0.0,
        }
}

/// The weakest value from which every later point of the sweep has the flag.
fn from_on(points: &[FrontierPoint], flag: impl Fn(&FrontierPoint) -> bool) -> Option<f64> {
    let tail = points.iter().rev().take_while(|p| flag(p)).count();
    (tail > 0).then(|| points[points.len() - tail].value)
}

/// Compute the frontiers of every sweep whose variant is among `variants`, against the
/// selected `threats`, with `replicates` runs per market (run ids `0..replicates`). Every
/// market × replicate runs in parallel; results are grouped by market key and run id, so the
/// output does not depend on scheduling.
pub(super) fn frontiers(
    threats: &[&Threat],
    variants: &[Variant],
    size: Size,
    replicates: u64,
    seed: u64,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Vec<Frontier>, SimError> {
    let mut planned = Vec::new();
    for sweep in SWEEPS.iter().filter(|s| variants.contains(&s.variant())) {
        for t in threats {
            let Simulation::Run {
                cfg, metric, worse, ..
            } = &t.sim
            else {
                continue;
            };
            if mechanisms_targeting(t.id).contains(&sweep.variant()) {
                planned.push(Planned {
                    sweep,
                    threat: t,
                    cfg: scale_market(cfg, size),
                    metric: *metric,
                    worse: *worse,
                });
            }
        }
    }
    // every distinct market, keyed by its canonical JSON
    let with = |c: &MarketConfig, m: MechanismsConfig| MarketConfig {
        mechanisms: m,
        ..c.clone()
    };
    let mut markets: BTreeMap<String, MarketConfig> = BTreeMap::new();
    for p in &planned {
        let base = with(&p.cfg, MechanismsConfig::default());
        for c in [calm(&base), base] {
            markets.insert(key(&c), c);
        }
        for &v in p.sweep.values {
            let c = with(&p.cfg, p.sweep.config(v));
            markets.insert(key(&calm(&c)), calm(&c));
            markets.insert(key(&c), c);
        }
    }
    progress(&format!(
        "frontiers: {} sweeps × threats, {} markets, {replicates} replicates",
        planned.len(),
        markets.len()
    ));
    let runs = run_markets(&markets, replicates, seed);
    if let Some((c, e)) = markets
        .iter()
        .filter(|(_, c)| c.mechanisms == MechanismsConfig::default())
        .find_map(|(k, c)| runs[k].as_ref().err().map(|e| (c, e)))
    {
        return Err(SimError::Config(format!(
            "frontiers: baseline run failed ({}): {e}",
            crate::threats::attack_kind(&c.attack)
        )));
    }
    let get = |c: &MarketConfig| &runs[&key(c)];

    let seeds = format!("seed {seed}, runs 0..{replicates}");
    let mut out = Vec::new();
    for p in &planned {
        let base = with(&p.cfg, MechanismsConfig::default());
        let (Ok(ba), Ok(bh)) = (get(&base), get(&calm(&base))) else {
            unreachable!("baseline failures returned above");
        };
        let damage_base = col(ba, p.metric);
        let mut points = Vec::new();
        for &v in p.sweep.values {
            let c = with(&p.cfg, p.sweep.config(v));
            let point = match (get(&c), get(&calm(&c))) {
                (Ok(va), Ok(vh)) => {
                    let profit = finite_summary(&col(va, Metric::AttackerProfitPerTask));
                    let dv = col(va, p.metric);
                    let diff: Vec<f64> = dv.iter().zip(&damage_base).map(|(a, b)| a - b).collect();
                    let cost = |rs: &[RunMetrics]| col(rs, Metric::RequesterCostPerCorrect);
                    let hc: Vec<f64> = cost(vh).iter().zip(cost(bh)).map(|(a, b)| a - b).collect();
                    let cpt = |rs: &[RunMetrics]| {
                        finite_summary(&rs.iter().map(correct_per_task).collect::<Vec<_>>())
                    };
                    FrontierPoint {
                        value: v as f64,
                        unprofitable: profit.n >= 2 && profit.hi() < 0.0,
                        attacker_profit: profit,
                        damage: finite_summary(&dv),
                        correct_per_task: cpt(va),
                        correct_per_task_no_attack: cpt(vh),
                        honest_cost: finite_summary(&hc),
                        damage_lower: significantly_better(&finite_summary(&diff), p.worse),
                        not_run: None,
                    }
                }
                (Err(e), _) | (_, Err(e)) => {
                    let nan = Summary::of(&[]);
                    FrontierPoint {
                        value: v as f64,
                        attacker_profit: nan,
                        damage: nan,
                        correct_per_task: nan,
                        correct_per_task_no_attack: nan,
                        honest_cost: nan,
                        unprofitable: false,
                        damage_lower: false,
                        not_run: Some(e.clone()),
                    }
                }
            };
            points.push(point);
        }
        out.push(Frontier {
            mechanism: p.sweep.variant(),
            parameter: p.sweep.parameter.into(),
            default_value: p.sweep.default as f64,
            threat: p.threat.id.into(),
            metric: p.metric,
            worse: p.worse,
            damage_baseline: finite_summary(&damage_base),
            attacker_profit_baseline: finite_summary(&col(ba, Metric::AttackerProfitPerTask)),
            unprofitable_from: from_on(&points, |q| q.unprofitable),
            damage_lower_from: from_on(&points, |q| q.damage_lower),
            points,
            seeds: seeds.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_contain_their_defaults_and_change_only_their_parameter() {
        for s in SWEEPS {
            let name = format!("{} {}", s.variant(), s.parameter);
            assert!(s.values.contains(&s.default), "{name}: default not swept");
            assert!(
                (4..=6).contains(&s.values.len()) || s.values.len() == 2,
                "{name}"
            );
            assert_eq!(
                s.config(s.default),
                variant_mechanisms(s.variant()),
                "{name}: the default value is not the mechanism's default"
            );
            for &v in s.values.iter().filter(|&&v| v != s.default) {
                assert_ne!(s.config(v), variant_mechanisms(s.variant()), "{name} = {v}");
            }
            assert!(
                catalogue()
                    .iter()
                    .any(|t| mechanisms_targeting(t.id).contains(&s.variant())),
                "{name}: targets no threat"
            );
        }
        // every single mechanism but M7 (swept in M4+M6+M7, see SWEEPS) has a sweep
        for m in MechanismId::ALL {
            let swept = SWEEPS.iter().any(|s| s.variant() == Variant::only(m));
            assert_eq!(swept, m != MechanismId::M7, "{m:?}");
        }
    }

    #[test]
    fn from_on_takes_the_tail() {
        let p = |value, unprofitable| FrontierPoint {
            value,
            attacker_profit: Summary::of(&[]),
            damage: Summary::of(&[]),
            correct_per_task: Summary::of(&[]),
            correct_per_task_no_attack: Summary::of(&[]),
            honest_cost: Summary::of(&[]),
            unprofitable,
            damage_lower: false,
            not_run: None,
        };
        let pts = [p(0.0, true), p(1.0, false), p(2.0, true), p(3.0, true)];
        assert_eq!(from_on(&pts, |q| q.unprofitable), Some(2.0));
        assert_eq!(from_on(&pts[..2], |q| q.unprofitable), None);
        assert_eq!(from_on(&pts, |q| q.damage_lower), None);
    }
}

#[cfg(test)]
mod run_tests {
    use super::*;

    /// M3's frontiers at the small size, 2 replicates, against the given threats.
    fn m3(threats: &[&str]) -> Vec<Frontier> {
        let all = catalogue();
        let threats: Vec<&Threat> = all.iter().filter(|t| threats.contains(&t.id)).collect();
        frontiers(
            &threats,
            &[Variant::only(MechanismId::M3)],
            Size::Small,
            2,
            7,
            &|_| {},
        )
        .expect("frontiers run")
    }

    #[test]
    fn m3_frontiers_have_their_points_are_deterministic_and_bond_never_helps_r1() {
        let fs = m3(&["R1", "S2"]);
        // S2 (wrong results by colluding workers) is not M3's: only R1, once per M3 sweep
        let swept: Vec<&Sweep> = SWEEPS
            .iter()
            .filter(|s| s.variant() == Variant::only(MechanismId::M3))
            .collect();
        assert_eq!(fs.len(), swept.len());
        for (f, s) in fs.iter().zip(&swept) {
            assert_eq!(
                (f.threat.as_str(), f.parameter.as_str()),
                ("R1", s.parameter)
            );
            assert_eq!(f.mechanism.to_string(), "M3");
            assert_eq!(f.default_value, s.default as f64);
            assert_eq!(f.seeds, "seed 7, runs 0..2");
            let values: Vec<f64> = f.points.iter().map(|p| p.value).collect();
            let want: Vec<f64> = s.values.iter().map(|&v| v as f64).collect();
            assert_eq!(values, want);
            for p in &f.points {
                assert!(p.not_run.is_none(), "{p:?}");
                assert_eq!(p.attacker_profit.n, 2);
                assert_eq!(p.damage.n, 2);
            }
        }
        // a larger requester bond (γ₀) never lowers the unstable-input griefer's cost: its
        // profit does not rise along the sweep, and at the default it is already negative
        let gamma = &fs[0];
        assert_eq!(gamma.parameter, "gamma0_ppm");
        for w in gamma.points.windows(2) {
            assert!(
                w[1].attacker_profit.mean <= w[0].attacker_profit.mean,
                "{} → {}: {} > {}",
                w[0].value,
                w[1].value,
                w[1].attacker_profit.mean,
                w[0].attacker_profit.mean
            );
        }
        assert!(gamma.points.iter().all(|p| p.unprofitable));
        assert_eq!(gamma.unprofitable_from, Some(50_000.0));
        // same options, same bytes
        let again = m3(&["R1", "S2"]);
        assert_eq!(
            serde_json::to_string(&fs).unwrap(),
            serde_json::to_string(&again).unwrap()
        );
    }

    #[test]
    fn unselected_mechanisms_have_no_frontier() {
        let all = catalogue();
        let threats: Vec<&Threat> = all.iter().filter(|t| t.id == "R1").collect();
        let fs = frontiers(
            &threats,
            &[Variant::only(MechanismId::M1)],
            Size::Small,
            2,
            7,
            &|_| {},
        )
        .unwrap();
        assert!(fs.is_empty(), "M1 does not target R1");
    }
}
