//! Small helpers shared by the mechanisms: amounts, randomness, errors, fund movements.

use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::{Address, B256, LedgerMut, PocoError, Result, U256, keccak256};

pub use pocolab_core::constants::u;

/// `⌊x·p/100⌋` (checked).
pub fn pct(x: U256, p: u64) -> Result<U256> {
    mul(x, u(p)).map(|v| v / u(100))
}

/// `⌊x·p/10⁶⌋` (checked).
pub fn ppm(x: U256, p: u64) -> Result<U256> {
    mul(x, u(p)).map(|v| v / u(1_000_000))
}

/// Checked multiplication (panic 0x11 on overflow, as the core does).
pub fn mul(a: U256, b: U256) -> Result<U256> {
    a.checked_mul(b)
        .ok_or(PocoError::Panic(pocolab_core::Panic::Arithmetic))
}

/// Checked addition.
pub fn add(a: U256, b: U256) -> Result<U256> {
    a.checked_add(b)
        .ok_or(PocoError::Panic(pocolab_core::Panic::Arithmetic))
}

/// A rejection by mechanism `m`.
pub fn err(m: &'static str, reason: &'static str) -> PocoError {
    PocoError::Extension {
        extension: m,
        reason,
    }
}

/// `require(cond)` for mechanism `m`.
pub fn ensure(cond: bool, m: &'static str, reason: &'static str) -> Result<()> {
    if cond { Ok(()) } else { Err(err(m, reason)) }
}

/// The simulator's unbiasable beacon `RAND(tag ‖ x ‖ t)` (spec §3 notation): a hash of public
/// data fixed before anyone can react (task id and the block time of the triggering call).
pub fn rand(tag: &str, x: B256, t: u64) -> U256 {
    let mut buf = Vec::with_capacity(tag.len() + 40);
    buf.extend_from_slice(tag.as_bytes());
    buf.extend_from_slice(x.as_slice());
    buf.extend_from_slice(&t.to_be_bytes());
    U256::from_be_bytes(keccak256(&buf).0)
}

/// `RAND(...) mod 10⁶ < p_ppm`.
pub fn draw_ppm(r: U256, p_ppm: u64) -> bool {
    (r % u(1_000_000)) < u(p_ppm)
}

/// Move `v` from the locked funds of `from` to the spendable balance of `to`.
pub fn pay_from_frozen(l: &mut LedgerMut<'_>, from: Address, to: Address, v: U256) -> Result<()> {
    if v.is_zero() {
        return Ok(());
    }
    l.seize(from, v)?;
    l.reward(to, v)
}

/// A loser's forfeit `amount` (locked on `from`): pays `fees` in order, each capped by what is
/// left, then the rest to `winner` (T&M M6 rule 4).
pub fn pay_fees_then_rest(
    l: &mut LedgerMut<'_>,
    from: Address,
    amount: U256,
    fees: &[(Address, U256)],
    winner: Address,
) -> Result<()> {
    let mut left = amount;
    for (arbiter, fee) in fees {
        let f = (*fee).min(left);
        pay_from_frozen(l, from, *arbiter, f)?;
        left -= f;
    }
    pay_from_frozen(l, from, winner, left)
}

/// Move `v` from the locked funds of `from` into the kitty.
pub fn frozen_to_kitty(l: &mut LedgerMut<'_>, from: Address, v: U256) -> Result<()> {
    if v.is_zero() {
        return Ok(());
    }
    l.seize(from, v)?;
    l.kitty_relock(v)
}

/// Lock `v` (no-op for 0, so that zero bonds never touch an account).
pub fn lock(l: &mut LedgerMut<'_>, a: Address, v: U256) -> Result<()> {
    if v.is_zero() { Ok(()) } else { l.lock(a, v) }
}

/// Unlock `v` (no-op for 0).
pub fn unlock(l: &mut LedgerMut<'_>, a: Address, v: U256) -> Result<()> {
    if v.is_zero() { Ok(()) } else { l.unlock(a, v) }
}

/// Split `v` equally among `to` (the first recipients get the dust), paying from `from`'s
/// locked funds.
pub fn split_from_frozen(
    l: &mut LedgerMut<'_>,
    from: Address,
    to: &[Address],
    v: U256,
) -> Result<()> {
    if to.is_empty() || v.is_zero() {
        return Ok(());
    }
    let n = u(to.len() as u64);
    let share = v / n;
    let mut dust = v - share * n;
    for a in to {
        let mut x = share;
        if !dust.is_zero() {
            x += u(1);
            dust -= u(1);
        }
        pay_from_frozen(l, from, *a, x)?;
    }
    Ok(())
}

/// Keep `k` entries with the smallest `RAND(seed ‖ addr) / weight` (a stake-weighted draw
/// without replacement); `excluded` addresses are skipped.
pub fn weighted_draw(
    seed: B256,
    candidates: &[(Address, U256)],
    excluded: &[Address],
    k: usize,
) -> Vec<Address> {
    let mut keyed: Vec<(U256, Address)> = candidates
        .iter()
        .filter(|(a, w)| !w.is_zero() && !excluded.contains(a))
        .map(|(a, w)| {
            (
                rand(
                    "draw",
                    keccak256([seed.as_slice(), a.as_slice()].concat()),
                    0,
                ) / *w,
                *a,
            )
        })
        .collect();
    keyed.sort();
    keyed.into_iter().take(k).map(|(_, a)| a).collect()
}

/// Beta evidence with exponential forgetting, in fixed point (10⁶ = one event).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecayedBeta {
    /// Σ λ^age · successes (×10⁶)
    pub succ: u128,
    /// Σ λ^age · ρ_f · failures (×10⁶)
    pub fail: u128,
    /// epoch of the last update
    pub epoch: u64,
}

impl DecayedBeta {
    /// Decay to `epoch` with factor `lambda_ppm` per epoch.
    pub fn decay_to(&mut self, epoch: u64, lambda_ppm: u64) {
        if epoch > self.epoch {
            let n = (epoch - self.epoch).min(2_000);
            for _ in 0..n {
                self.succ = self.succ * lambda_ppm as u128 / 1_000_000;
                self.fail = self.fail * lambda_ppm as u128 / 1_000_000;
            }
            self.epoch = epoch;
        }
    }

    /// `E = (1 + α)/(2 + α + β)` in ppm.
    pub fn mean_ppm(&self) -> u64 {
        let num = 1_000_000u128 + self.succ;
        let den = 2_000_000u128 + self.succ + self.fail;
        (num * 1_000_000 / den) as u64
    }
}

/// The kitty pseudo-account (re-exported for the mechanisms).
pub const KITTY: Address = KITTY_ADDRESS;
