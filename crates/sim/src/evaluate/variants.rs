//! The protocol variants of an evaluation, the threat × mechanism coverage of §3.9 and the
//! experiments of §5.3 (see the module docs of [`super`]).

use super::*;

/// The full stack: every mechanism, M1 … M8, at its defaults. (M2's fresh committees
/// reach consensus only once members have passed spot-checks, rule 6: a group of weight-1
/// newcomers never passes `P̃_g·t > (1 + ΣP̃)(t − 1)` at `t ≥ 2`.)
pub const FULL_STACK: Variant = Variant::FULL_STACK;
/// Baseline PoCo.
pub const BASELINE: Variant = Variant::BASELINE;

/// The variant with mechanism `Mn` alone (n = 1 … 8).
pub(super) fn only(n: u8) -> Variant {
    Variant::only(MechanismId::from_number(n).expect("n in 1 ..= 8"))
}

/// A combined variant: mechanisms that act together, and the threats it is played against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Combination {
    /// the mechanisms switched on
    pub mechanisms: &'static [MechanismId],
    /// what it is
    pub name: &'static str,
    /// threat ids it is played against (besides each mechanism alone)
    pub threats: &'static [&'static str],
}

impl Combination {
    /// Its variant id (e.g. `M4+M6`).
    pub(crate) fn variant(&self) -> Variant {
        Variant::of(self.mechanisms.iter().copied())
    }
}

/// Combined variants: mechanisms that act together, with the threats they are played against
/// (besides each mechanism alone). `M4+M6+M7` is the provider-accountability stack: T&M M7
/// rule 3 sizes M4's bonds by reputation (newcomers at the maximum multiplier) and M6's court
/// attributes a lost dispute over a reproducible but useless result to the provider, whose
/// reservation is forfeited (M7 alone only starves a provider; it has nothing to take).
/// `M4+M6` is the same without M7, played against deterministic garbage to show what M7's bond
/// sizing and ratings add.
pub(crate) const COMBINATIONS: [Combination; 2] = [
    Combination {
        mechanisms: &[MechanismId::M4, MechanismId::M6],
        name: "provider bonds (M4) forfeited in lost disputes (M6), without reputation",
        threats: &["A4", "D1", "A6", "C6"],
    },
    Combination {
        mechanisms: &[MechanismId::M4, MechanismId::M6, MechanismId::M7],
        name: "provider accountability: reputation-sized provider bonds (M7 → M4) forfeited in lost disputes (M6)",
        threats: &["A1", "A2", "D2", "D3", "A7", "A4", "D1", "A6", "C6"],
    },
];

/// Every variant played besides baseline, in report order: M1 … M8, the combinations, the
/// full stack.
pub(super) fn all_variants() -> Vec<Variant> {
    MechanismId::ALL
        .into_iter()
        .map(Variant::only)
        .chain(COMBINATIONS.iter().map(Combination::variant))
        .chain([FULL_STACK])
        .collect()
}

/// The variant's description.
pub(super) fn variant_name(v: Variant) -> String {
    if v.is_baseline() {
        "PoCo 6.1.0 (no mechanism)".into()
    } else if let Some(m) = v.single() {
        m.name().into()
    } else if let Some(c) = COMBINATIONS.iter().find(|c| c.variant() == v) {
        c.name.into()
    } else {
        "full stack (M1–M8 with defaults)".into()
    }
}

/// A coverage row: threat ids, and (mechanism number, main defence) pairs.
pub(crate) type CoverageRow = (&'static [&'static str], &'static [(u8, bool)]);

/// Threat × mechanism coverage (§3.9; `true` = main defence ●, `false` = partial ○), one row
/// per group of threats. Extensions beyond §3.9's rows, from the "Threats:" lines of
/// `docs/mechanisms.md` or because the catalogue plays the same attack: W3 with W2 (M2 lists
/// W3), R8 and S6 with R3/C1 (same withheld-finalize attack; M5 lists R8), A7 with the provider
/// faults (M4 lists A7), C6 with deterministic garbage (M6 lists C6), C5 with the kitty row
/// (the catalogue plays C5 as a kitty drain; M7 lists C5), G2 → M3 ○ (M3 lists G2 partly),
/// R5 → M8 ○ (M8 lists R5). Threats in no row (R2, R7, S4, W1, W6, W9) get baseline and the
/// full stack only.
pub(crate) const COVERAGE: &[CoverageRow] = &[
    (&["S1", "W7", "C4"], &[(1, true), (6, false), (7, false)]),
    (&["S2", "C3"], &[(1, true), (2, true), (7, false)]),
    (&["W5", "S9", "W4"], &[(2, true), (7, true), (8, false)]),
    (
        &["W2", "W1'", "W8", "W3"],
        &[(1, true), (2, true), (7, false)],
    ),
    (&["R1", "R6"], &[(3, true), (7, false), (8, true)]),
    (
        &["R3", "C1", "R8", "S6"],
        &[(3, false), (5, true), (6, false), (7, false)],
    ),
    (&["A3", "C2"], &[(4, false), (5, false), (7, true)]),
    (
        &["A1", "A2", "D2", "D3", "A7"],
        &[(3, false), (4, true), (6, false), (7, true)],
    ),
    (
        &["A4", "D1", "A6", "C6"],
        &[(1, false), (6, true), (7, true)],
    ),
    (&["A5", "D4", "S5"], &[(8, true)]),
    (&["S3", "G1"], &[(2, false), (7, false), (8, true)]),
    (&["S7", "S8", "R4"], &[(2, false), (3, false), (8, true)]),
    (&["C5"], &[(2, false), (3, false), (7, false), (8, true)]),
    (&["G2"], &[(3, false)]),
    (&["R5"], &[(8, false)]),
];

/// Mechanism ids (`M1` …, then the `COMBINATIONS`) that target a threat, in order.
pub fn mechanisms_targeting(threat: &str) -> Vec<Variant> {
    let mut s = BTreeSet::new();
    for (ids, ms) in COVERAGE {
        if ids.contains(&threat) {
            s.extend(ms.iter().map(|(m, _)| *m));
        }
    }
    let combos = COMBINATIONS
        .iter()
        .filter(|c| c.threats.contains(&threat))
        .map(Combination::variant);
    s.into_iter().map(only).chain(combos).collect()
}

/// The experiments of §5.3: id, question, threats (the spec's, then the added closest ones),
/// mechanisms.
pub(super) const EXPERIMENTS: [(&str, &str, &[&str], &[&str]); 10] = [
    (
        "E1",
        "Baseline PoCo parity: do we reproduce F1–F7?",
        &["S2", "W4", "W5", "S7", "R1"],
        &[],
    ),
    ("E2", "Low-trust correctness", &["S1", "W7", "C4"], &["M1"]),
    (
        "E3",
        "Consensus capture and collusion",
        &["S2", "W2", "W3", "W5", "C3", "S9", "W1", "W1'", "W8"],
        &["M2", "M1"],
    ),
    (
        "E4",
        "Requester griefing",
        &["R1", "R6", "R4", "R2", "R5", "R7", "W6", "W9", "G2"],
        &["M3", "M8"],
    ),
    (
        "E5",
        "Provider faults",
        &["D2", "D3", "A1", "A2", "A7", "A3", "C2"],
        &["M4"],
    ),
    (
        "E6",
        "Free-riding via refund",
        &["R3", "C1", "R8", "S6"],
        &["M5", "M3"],
    ),
    ("E7", "Disputes", &["A4", "D1", "C6", "A6"], &["M6"]),
    ("E8", "Reputation robustness", &["W4", "D5", "C5"], &["M7"]),
    (
        "E9",
        "Market integrity",
        &["A5", "D4", "S5", "S7", "G1", "S3", "S4", "S8"],
        &["M8"],
    ),
    ("E10", "Full stack vs. baseline", &[], &["M1–M8"]),
];

/// The experiment (E2 … E9) that backs a threat's cells (see the module docs for the mapping).
pub fn experiment_of(threat: &str) -> &'static str {
    EXPERIMENTS[1..9]
        .iter()
        .find(|e| e.2.contains(&threat))
        .map(|e| e.0)
        .unwrap_or("E10")
}

/// The mechanisms of a variant, at their defaults.
pub(super) fn variant_mechanisms(v: Variant) -> MechanismsConfig {
    v.mechanisms()
        .fold(MechanismsConfig::default(), |c, m| c.with(m.number()))
}

/// The mechanisms a market runs, as `M1+M3` (`baseline` for none), for progress lines.
pub(super) fn mechanism_flags(c: &MechanismsConfig) -> String {
    let v: Vec<String> = c
        .enabled()
        .iter()
        .enumerate()
        .filter(|(_, b)| **b)
        .map(|(i, _)| format!("M{}", i + 1))
        .collect();
    if v.is_empty() {
        BASELINE.to_string()
    } else {
        v.join("+")
    }
}
