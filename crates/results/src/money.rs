//! Amounts of money in nRLC (10⁻⁹ RLC), signed so that net flows can be negative.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{AddAssign, Mul, SubAssign};

use serde::{Deserialize, Serialize};

/// nRLC in one RLC.
const NRLC_PER_RLC: u128 = 1_000_000_000;

/// An amount in nRLC. It is stored, serialised and printed with `{:?}` as the plain integer,
/// so files written from it are the same as from an `i128`; `Display` shows it in RLC with
/// nine decimals.
///
/// `+=` and `-=` behave as on `i128` (so the simulator's accounting is unchanged);
/// [`Nrlc::checked_add`] and [`Nrlc::checked_sub`] report an overflow instead.
#[repr(transparent)]
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nrlc(pub i128);

impl Nrlc {
    /// Zero.
    pub const ZERO: Nrlc = Nrlc(0);

    /// The amount in nRLC.
    pub const fn get(self) -> i128 {
        self.0
    }

    /// The amount in nRLC as a float (`as f64`).
    pub fn to_f64(self) -> f64 {
        self.0 as f64
    }

    /// `self + other`, `None` on overflow.
    pub const fn checked_add(self, other: Nrlc) -> Option<Nrlc> {
        match self.0.checked_add(other.0) {
            Some(v) => Some(Nrlc(v)),
            None => None,
        }
    }

    /// `self − other`, `None` on overflow.
    pub const fn checked_sub(self, other: Nrlc) -> Option<Nrlc> {
        match self.0.checked_sub(other.0) {
            Some(v) => Some(Nrlc(v)),
            None => None,
        }
    }
}

impl From<i128> for Nrlc {
    fn from(v: i128) -> Self {
        Nrlc(v)
    }
}

impl From<Nrlc> for i128 {
    fn from(v: Nrlc) -> Self {
        v.0
    }
}

impl fmt::Debug for Nrlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// `-1.500000000 RLC` for −1.5·10⁹ nRLC.
impl fmt::Display for Nrlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:09} RLC", a / NRLC_PER_RLC, a % NRLC_PER_RLC)
    }
}

impl AddAssign<i128> for Nrlc {
    fn add_assign(&mut self, rhs: i128) {
        self.0 += rhs;
    }
}

impl SubAssign<i128> for Nrlc {
    fn sub_assign(&mut self, rhs: i128) {
        self.0 -= rhs;
    }
}

impl AddAssign<Nrlc> for i128 {
    fn add_assign(&mut self, rhs: Nrlc) {
        *self += rhs.0;
    }
}

impl SubAssign<Nrlc> for i128 {
    fn sub_assign(&mut self, rhs: Nrlc) {
        *self -= rhs.0;
    }
}

impl Mul<i128> for Nrlc {
    type Output = Nrlc;
    fn mul(self, rhs: i128) -> Nrlc {
        Nrlc(self.0 * rhs)
    }
}

impl PartialEq<i128> for Nrlc {
    fn eq(&self, other: &i128) -> bool {
        self.0 == *other
    }
}

impl PartialOrd<i128> for Nrlc {
    fn partial_cmp(&self, other: &i128) -> Option<Ordering> {
        self.0.partial_cmp(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_rlc_with_nine_decimals() {
        assert_eq!(Nrlc(1_500_000_000).to_string(), "1.500000000 RLC");
        assert_eq!(Nrlc(-1).to_string(), "-0.000000001 RLC");
        assert_eq!(Nrlc(0).to_string(), "0.000000000 RLC");
        assert_eq!(
            Nrlc(i128::MIN).to_string(),
            "-170141183460469231731687303715.884105728 RLC"
        );
    }

    #[test]
    fn serialises_as_the_plain_integer() {
        let v = Nrlc(-42_000_000_001);
        assert_eq!(serde_json::to_string(&v).unwrap(), "-42000000001");
        assert_eq!(serde_json::from_str::<Nrlc>("-42000000001").unwrap(), v);
        assert_eq!(format!("{v:?}"), "-42000000001");
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Nrlc(2).checked_add(Nrlc(3)), Some(Nrlc(5)));
        assert_eq!(Nrlc(2).checked_sub(Nrlc(3)), Some(Nrlc(-1)));
        assert_eq!(Nrlc(i128::MAX).checked_add(Nrlc(1)), None);
        assert_eq!(Nrlc(i128::MIN).checked_sub(Nrlc(1)), None);
    }
}
