//! Accounts and escrow (spec §3, `IexecEscrow.v8.sol`, `IexecERC20Core.sol`).
//!
//! Each address has a spendable `balance` and a locked `frozen` amount. Locked funds sit on
//! the proxy's own balance (§3.1), so the invariants I1 (`balance[PROXY] = Σ frozen`) and I2
//! (`totalSupply = Σ balance`) hold after every successful transition.
//!
//! [`Ledger`] is read-only; every write goes through a [`LedgerMut`], which records what it
//! overwrites in the state's journal so that an entry point that fails after a partial effect
//! is rolled back: a failed call changes nothing (spec §0.2, atomicity).

use std::ops::Deref;

use alloy_primitives::{Address, U256};
use rustc_hash::FxHashMap;

use crate::constants::KITTY_ADDRESS;
use crate::error::{
    Check, Checked, ERR_EXCEEDS_BALANCE, ERR_FROM_EMPTY, ERR_TO_EMPTY, Panic, PocoError, Result,
};
use crate::journal::Journal;
use crate::journaled::Change;

/// `viewAccount(a)`: `{stake: balance, locked: frozen}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Account {
    /// Spendable nRLC ("stake" in older docs).
    pub balance: U256,
    /// Locked nRLC.
    pub frozen: U256,
}

/// The account ledger (SRLC balances, frozen amounts, total supply) plus the external RLC
/// token balances used by deposit / withdraw in token mode.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    accounts: FxHashMap<Address, Account>,
    total_supply: U256,
    allowances: FxHashMap<(Address, Address), U256>,
    /// RLC (the base ERC-20) balances, outside PoCo. `proxy`'s entry holds the deposits.
    rlc: FxHashMap<Address, U256>,
    proxy: Address,
}

impl PartialEq for Ledger {
    /// Semantic equality: missing and all-zero accounts are the same.
    fn eq(&self, other: &Self) -> bool {
        fn norm<K: Copy + Eq + std::hash::Hash + Ord, V: Copy + PartialEq + Default>(
            m: &FxHashMap<K, V>,
        ) -> Vec<(K, V)> {
            let mut v: Vec<(K, V)> = m
                .iter()
                .filter(|(_, v)| **v != V::default())
                .map(|(k, v)| (*k, *v))
                .collect();
            v.sort_by_key(|a| a.0);
            v
        }
        self.proxy == other.proxy
            && self.total_supply == other.total_supply
            && norm(&self.accounts) == norm(&other.accounts)
            && norm(&self.allowances) == norm(&other.allowances)
            && norm(&self.rlc) == norm(&other.rlc)
    }
}
impl Eq for Ledger {}

impl Ledger {
    /// A ledger whose locked funds are held by `proxy` (the PoCo Diamond address).
    pub fn new(proxy: Address) -> Self {
        Self {
            proxy,
            ..Self::default()
        }
    }

    /// The proxy (escrow holder) address.
    pub fn proxy(&self) -> Address {
        self.proxy
    }

    /// `viewAccount(a)`.
    #[inline]
    pub fn account(&self, a: Address) -> Account {
        self.accounts.get(&a).copied().unwrap_or_default()
    }

    /// `balanceOf(a)`.
    pub fn balance_of(&self, a: Address) -> U256 {
        self.account(a).balance
    }

    /// `frozenOf(a)`.
    pub fn frozen_of(&self, a: Address) -> U256 {
        self.account(a).frozen
    }

    /// `totalSupply()`.
    pub fn total_supply(&self) -> U256 {
        self.total_supply
    }

    /// `allowance(owner, spender)`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances
            .get(&(owner, spender))
            .copied()
            .unwrap_or_default()
    }

    /// RLC (base token) balance of `a`, outside PoCo.
    pub fn rlc_balance(&self, a: Address) -> U256 {
        self.rlc.get(&a).copied().unwrap_or_default()
    }

    /// Every account with a nonzero balance or frozen amount, sorted by address.
    pub fn accounts_sorted(&self) -> Vec<(Address, Account)> {
        let mut v: Vec<_> = self
            .accounts
            .iter()
            .filter(|(_, a)| **a != Account::default())
            .map(|(k, a)| (*k, *a))
            .collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Σ frozen over all accounts, kitty included.
    pub fn total_frozen(&self) -> U256 {
        self.accounts.values().fold(U256::ZERO, |s, a| s + a.frozen)
    }

    /// Σ balance over all accounts, proxy included.
    pub fn total_balance(&self) -> U256 {
        self.accounts
            .values()
            .fold(U256::ZERO, |s, a| s + a.balance)
    }

    /// Total RLC in existence (outside + inside PoCo).
    pub fn rlc_total(&self) -> U256 {
        self.rlc.values().fold(U256::ZERO, |s, v| s + v)
    }

    /// Checks invariants I1 and I2 (spec §3.5); returns a description of the first violation.
    pub fn check_invariants(&self) -> std::result::Result<(), String> {
        let proxy = self.balance_of(self.proxy);
        let frozen = self.total_frozen();
        if proxy < frozen {
            return Err(format!(
                "I1 violated: balance[PROXY]={proxy} < Σfrozen={frozen}"
            ));
        }
        let bal = self.total_balance();
        if bal != self.total_supply {
            return Err(format!(
                "I2 violated: Σbalance={bal} != totalSupply={}",
                self.total_supply
            ));
        }
        if self.rlc_balance(self.proxy) < self.total_supply {
            return Err("I3 violated: RLC held by the proxy < totalSupply".into());
        }
        Ok(())
    }

    /// Undo one write (the entry recorded when it was made).
    pub(crate) fn undo(&mut self, c: LedgerChange) {
        match c {
            LedgerChange::Account(a, old) => {
                self.accounts.insert(a, old);
            }
            LedgerChange::Supply(s) => self.total_supply = s,
            LedgerChange::Rlc(a, v) => {
                self.rlc.insert(a, v);
            }
            LedgerChange::Allowance(k, v) => {
                self.allowances.insert(k, v);
            }
        }
    }
}

/// What a ledger write overwrote (its journal entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LedgerChange {
    Account(Address, Account),
    Supply(U256),
    Rlc(Address, U256),
    Allowance((Address, Address), U256),
}

/// Write access to the [`Ledger`]: every write is journaled, so the atomic call it belongs to
/// can be reverted. Obtained from
/// [`JournaledState::ledger_mut`](crate::JournaledState::ledger_mut); reads go through `Deref`.
#[derive(Debug)]
pub struct LedgerMut<'a> {
    ledger: &'a mut Ledger,
    journal: &'a mut Journal<Change>,
}

impl Deref for LedgerMut<'_> {
    type Target = Ledger;
    #[inline]
    fn deref(&self) -> &Ledger {
        self.ledger
    }
}

impl<'a> LedgerMut<'a> {
    #[inline]
    pub(crate) fn new(ledger: &'a mut Ledger, journal: &'a mut Journal<Change>) -> Self {
        Self { ledger, journal }
    }

    #[inline]
    fn record(&mut self, c: LedgerChange) {
        self.journal.record(Change::Ledger(c));
    }

    #[inline]
    fn acct_mut(&mut self, a: Address) -> &mut Account {
        let e = self.ledger.accounts.entry(a).or_default();
        self.journal
            .record(Change::Ledger(LedgerChange::Account(a, *e)));
        e
    }

    #[inline]
    fn set_rlc(&mut self, a: Address, v: U256) {
        let old = self.rlc_balance(a);
        self.record(LedgerChange::Rlc(a, old));
        self.ledger.rlc.insert(a, v);
    }

    // ---------------------------------------------------------------- primitives (§3.3)

    /// Internal transfer of `IexecEscrow.v8`: nonzero endpoints, `value ≤ balance[from]`.
    pub(crate) fn transfer_internal(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<()> {
        if from == Address::ZERO {
            return Err(PocoError::Revert(ERR_FROM_EMPTY));
        }
        if to == Address::ZERO {
            return Err(PocoError::Revert(ERR_TO_EMPTY));
        }
        let fb = self.account(from).balance;
        if value > fb {
            return Err(PocoError::Revert(ERR_EXCEEDS_BALANCE));
        }
        self.acct_mut(from).balance = fb - value;
        let t = self.acct_mut(to);
        t.balance = t.balance.add_(value)?;
        Ok(())
    }

    /// `lock(a, v)`: `balance[a] → balance[PROXY]`, `frozen[a] += v`.
    pub fn lock(&mut self, a: Address, v: U256) -> Result<()> {
        self.transfer_internal(a, self.proxy, v)?;
        let acc = self.acct_mut(a);
        acc.frozen = acc.frozen.add_(v)?;
        Ok(())
    }

    /// `unlock(a, v)`: `balance[PROXY] → balance[a]`, `frozen[a] −= v` (panic 0x11 if short).
    pub fn unlock(&mut self, a: Address, v: U256) -> Result<()> {
        self.transfer_internal(self.proxy, a, v)?;
        let acc = self.acct_mut(a);
        acc.frozen = acc.frozen.sub_(v)?;
        Ok(())
    }

    /// `reward(a, v)`: `balance[PROXY] → balance[a]`.
    pub fn reward(&mut self, a: Address, v: U256) -> Result<()> {
        self.transfer_internal(self.proxy, a, v)
    }

    /// `seize(a, v)`: `frozen[a] −= v`; the value stays on the proxy (panic 0x11 if short).
    pub fn seize(&mut self, a: Address, v: U256) -> Result<()> {
        let f = self.account(a).frozen;
        let nf = f
            .checked_sub(v)
            .ok_or(PocoError::Panic(Panic::Arithmetic))?;
        self.acct_mut(a).frozen = nf;
        Ok(())
    }

    /// The kitty's inlined reward-then-lock: `frozen[KITTY] += v`, no balance movement (§3.4).
    pub fn kitty_relock(&mut self, v: U256) -> Result<()> {
        let k = self.acct_mut(KITTY_ADDRESS);
        k.frozen = k.frozen.add_(v)?;
        Ok(())
    }

    /// Mint SRLC to `to` (deposit path).
    fn mint(&mut self, to: Address, v: U256) -> Result<()> {
        if to == Address::ZERO {
            return Err(PocoError::Revert("ERC20: mint to the zero address"));
        }
        let s = self.total_supply.add_(v)?;
        self.record(LedgerChange::Supply(self.total_supply));
        self.ledger.total_supply = s;
        let acc = self.acct_mut(to);
        acc.balance = acc.balance.add_(v)?;
        Ok(())
    }

    /// Burn SRLC from `from` (withdraw path).
    fn burn(&mut self, from: Address, v: U256) -> Result<()> {
        let b = self.account(from).balance;
        if v > b {
            // spec §3.2 "reverts on underflow": SafeMathExtended.sub has no message (empty data)
            return Err(PocoError::Empty(Check::Erc20BurnExceedsBalance));
        }
        self.acct_mut(from).balance = b - v;
        self.record(LedgerChange::Supply(self.total_supply));
        self.ledger.total_supply -= v;
        Ok(())
    }

    // ---------------------------------------------------------------- deposit / withdraw (§3.2)

    /// Give `a` RLC outside PoCo (genesis / faucet; not a PoCo call).
    pub fn mint_rlc(&mut self, a: Address, v: U256) -> Result<()> {
        let nv = self.rlc_balance(a).add_(v)?;
        self.set_rlc(a, nv);
        Ok(())
    }

    /// `depositFor(amount, target)` in token mode: `RLC.transferFrom(sender, PROXY, amount)`
    /// must succeed (else `failled-transferFrom`), then mint to `target`.
    pub fn deposit_for(&mut self, sender: Address, amount: U256, target: Address) -> Result<()> {
        let sb = self.rlc_balance(sender);
        if sb < amount {
            return Err(PocoError::Revert("failled-transferFrom"));
        }
        self.set_rlc(sender, sb - amount);
        let proxy = self.proxy;
        let pb = self.rlc_balance(proxy).add_(amount)?;
        self.set_rlc(proxy, pb);
        self.mint(target, amount)
    }

    /// `withdrawTo(amount, target)`: burn from the sender, then `RLC.transfer(target, amount)`.
    pub fn withdraw_to(&mut self, sender: Address, amount: U256, target: Address) -> Result<()> {
        self.burn(sender, amount)?;
        let proxy = self.proxy;
        let pb = self.rlc_balance(proxy);
        self.set_rlc(proxy, pb.sub_(amount)?);
        let tb = self.rlc_balance(target).add_(amount)?;
        self.set_rlc(target, tb);
        Ok(())
    }

    // ---------------------------------------------------------------- ERC-20 view (§3.1)

    /// ERC-20 `transfer` / the transfer part of `transferFrom`: acts on `balance` only.
    pub fn erc20_transfer(&mut self, from: Address, to: Address, v: U256) -> Result<()> {
        if from == Address::ZERO {
            return Err(PocoError::Revert("ERC20: transfer from the zero address"));
        }
        if to == Address::ZERO {
            return Err(PocoError::Revert("ERC20: transfer to the zero address"));
        }
        let fb = self.account(from).balance;
        if v > fb {
            // spec §3.1 "the SafeMath underflow message": SafeMathExtended.sub has none (empty data)
            return Err(PocoError::Empty(Check::Erc20TransferExceedsBalance));
        }
        self.acct_mut(from).balance = fb - v;
        let t = self.acct_mut(to);
        t.balance = t.balance.add_(v)?;
        Ok(())
    }

    /// ERC-20 `approve`.
    pub fn approve(&mut self, owner: Address, spender: Address, v: U256) -> Result<()> {
        if owner == Address::ZERO {
            return Err(PocoError::Revert("ERC20: approve from the zero address"));
        }
        if spender == Address::ZERO {
            return Err(PocoError::Revert("ERC20: approve to the zero address"));
        }
        self.set_allowance(owner, spender, v);
        Ok(())
    }

    /// ERC-20 `transferFrom`.
    pub fn transfer_from(
        &mut self,
        spender: Address,
        from: Address,
        to: Address,
        v: U256,
    ) -> Result<()> {
        // OpenZeppelin 3 order: the transfer first, then the allowance decrease.
        self.erc20_transfer(from, to, v)?;
        let al = self.allowance(from, spender);
        if v > al {
            // allowance underflow: empty revert data as well (spec §3.1)
            return Err(PocoError::Empty(Check::Erc20TransferExceedsAllowance));
        }
        self.set_allowance(from, spender, al - v);
        Ok(())
    }

    /// Journaled allowance write: an allowance set inside a call that fails later (e.g. in
    /// `Poco::ext_call`) is rolled back with the rest of the ledger (spec §0.2 atomicity).
    fn set_allowance(&mut self, owner: Address, spender: Address, v: U256) {
        let old = self.allowance(owner, spender);
        self.record(LedgerChange::Allowance((owner, spender), old));
        self.ledger.allowances.insert((owner, spender), v);
    }
}
