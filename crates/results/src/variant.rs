//! Protocol-variant ids: baseline PoCo 6.1.0, or a set of the mechanisms M1–M8 of
//! threats-and-mechanisms.md §3 switched on at their defaults, as one type rather than strings;
//! it is written and read as `baseline`, `M4+M6`, `M1–M8`, the spelling of outputs and command
//! lines.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One mechanism of §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum MechanismId {
    M1,
    M2,
    M3,
    M4,
    M5,
    M6,
    M7,
    M8,
}

impl MechanismId {
    /// M1 … M8, in the spec's order.
    pub const ALL: [MechanismId; 8] = [
        MechanismId::M1,
        MechanismId::M2,
        MechanismId::M3,
        MechanismId::M4,
        MechanismId::M5,
        MechanismId::M6,
        MechanismId::M7,
        MechanismId::M8,
    ];

    /// Its number, 1 … 8.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// `Mn` for n = 1 … 8.
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// `"M1"` … `"M8"`.
    pub fn id(self) -> &'static str {
        ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"][self as usize]
    }

    /// What it is, in a few words (§3's titles).
    pub fn name(self) -> &'static str {
        match self {
            MechanismId::M1 => "optimistic verification (correctness bond, audits, challenges)",
            MechanismId::M2 => "sampled committees with bonded, decaying credibility",
            MechanismId::M3 => "requester bond and failure attribution",
            MechanismId::M4 => "provider bonds, pinned artefacts, provider faults",
            MechanismId::M5 => "fair exchange and pay-on-consumption",
            MechanismId::M6 => "two-sided deposits and tiered disputes",
            MechanismId::M7 => "multi-entity reputation ledger",
            MechanismId::M8 => "market-integrity hardening",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A protocol variant: the set of mechanisms switched on (empty = baseline PoCo 6.1.0).
///
/// Written as `baseline`, `M3` (one mechanism), `M4+M6+M7` (several, in number order) or
/// `M1–M8` (all of them, the full stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Variant {
    mask: u8,
}

impl Variant {
    /// Baseline PoCo 6.1.0: no mechanism.
    pub const BASELINE: Variant = Variant { mask: 0 };
    /// Every mechanism, M1 … M8, at its defaults.
    pub const FULL_STACK: Variant = Variant { mask: 0xff };

    /// One mechanism alone.
    pub fn only(m: MechanismId) -> Self {
        Variant { mask: m.bit() }
    }

    /// The variant with exactly these mechanisms.
    pub fn of(ms: impl IntoIterator<Item = MechanismId>) -> Self {
        Variant {
            mask: ms.into_iter().fold(0, |a, m| a | m.bit()),
        }
    }

    /// Is this baseline PoCo?
    pub fn is_baseline(self) -> bool {
        self.mask == 0
    }

    /// Is this mechanism on?
    pub fn has(self, m: MechanismId) -> bool {
        self.mask & m.bit() != 0
    }

    /// The mechanisms switched on, in number order.
    pub fn mechanisms(self) -> impl Iterator<Item = MechanismId> {
        MechanismId::ALL.into_iter().filter(move |m| self.has(*m))
    }

    /// The single mechanism of a one-mechanism variant.
    pub fn single(self) -> Option<MechanismId> {
        (self.mask.count_ones() == 1).then(|| self.mechanisms().next().expect("one bit"))
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mask {
            0 => f.write_str("baseline"),
            0xff => f.write_str("M1–M8"),
            _ => {
                for (i, m) in self.mechanisms().enumerate() {
                    if i > 0 {
                        f.write_str("+")?;
                    }
                    f.write_str(m.id())?;
                }
                Ok(())
            }
        }
    }
}

/// A variant id that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant(pub String);

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown protocol variant `{}` (expected baseline, M1 … M8, a combination such as M4+M6, or M1–M8)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVariant {}

impl FromStr for Variant {
    type Err = UnknownVariant;

    /// `baseline`; `M1–M8` (also `M1-M8`, `all`, `full`, `full_stack`); `Mn`; `Ma+Mb+…`.
    /// `baseline` and mechanism ids are case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("baseline") {
            return Ok(Variant::BASELINE);
        }
        match t {
            "M1–M8" | "M1-M8" | "all" | "full" | "full_stack" => return Ok(Variant::FULL_STACK),
            _ => {}
        }
        let unknown = || UnknownVariant(s.to_string());
        let mut v = Variant::BASELINE;
        for part in t.split('+') {
            let p = part.trim();
            let n = p
                .strip_prefix(['M', 'm'])
                .and_then(|n| n.parse::<u8>().ok())
                .and_then(MechanismId::from_number)
                .ok_or_else(unknown)?;
            if v.has(n) {
                return Err(unknown());
            }
            v.mask |= n.bit();
        }
        Ok(v)
    }
}

impl Serialize for Variant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Variant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_as_before() {
        assert_eq!(Variant::BASELINE.to_string(), "baseline");
        assert_eq!(Variant::FULL_STACK.to_string(), "M1–M8");
        assert_eq!(Variant::only(MechanismId::M3).to_string(), "M3");
        let acc = Variant::of([MechanismId::M7, MechanismId::M4, MechanismId::M6]);
        assert_eq!(acc.to_string(), "M4+M6+M7");
        for v in [Variant::BASELINE, Variant::FULL_STACK, acc] {
            assert_eq!(v.to_string().parse::<Variant>(), Ok(v));
        }
    }

    #[test]
    fn parses_aliases_and_rejects_the_rest() {
        assert_eq!("m2".parse(), Ok(Variant::only(MechanismId::M2)));
        assert_eq!("M1-M8".parse(), Ok(Variant::FULL_STACK));
        for bad in ["M9", "M0", "X", "", "M4+M4", "M4+", "Baseline2"] {
            assert!(bad.parse::<Variant>().is_err(), "{bad}");
        }
        assert_eq!(
            Variant::only(MechanismId::M5).single(),
            Some(MechanismId::M5)
        );
        assert_eq!(Variant::FULL_STACK.single(), None);
        assert_eq!(MechanismId::from_number(0), None);
        assert_eq!(MechanismId::from_number(8), Some(MechanismId::M8));
    }
}
