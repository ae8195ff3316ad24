//! One backend with the addresses and ids it gave the scenario's named objects.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256};
use pocolab_core::Env;
use pocolab_core::constants::KITTY_ADDRESS;

use super::{ActorSet, Backend, Res};
use crate::scenario::{Asset, Deposit};

/// Per-backend bookkeeping: names → addresses and ids.
pub(super) struct Side<B> {
    pub(super) b: B,
    pub(super) assets: BTreeMap<String, Address>,
    pub(super) deals: BTreeMap<String, B256>,
    /// the backend's EIP-712 domain separator (order hashes)
    pub(super) ds: B256,
}

impl<B: Backend> Side<B> {
    /// `b` with nothing named yet.
    pub(super) fn new(mut b: B) -> Self {
        let ds = b.domain_separator();
        Self {
            b,
            assets: BTreeMap::new(),
            deals: BTreeMap::new(),
            ds,
        }
    }

    /// Create the scenario asset `a` at time `now` and name it.
    pub(super) fn setup_asset(&mut self, actors: &ActorSet, a: &Asset, now: u64) -> Res<Address> {
        let owner = actors.addr(&a.owner).unwrap_or_default();
        let env = Env::at(owner, now);
        let r = self
            .b
            .create_asset(&env, a.kind, owner, &a.name, a.mrenclave.as_bytes());
        if let Ok(x) = r {
            self.assets.insert(a.name.clone(), x);
        }
        r
    }

    /// Mint the genesis RLC of `dep` and deposit it, at time `now`.
    pub(super) fn setup_deposit(&mut self, actors: &ActorSet, dep: &Deposit, now: u64) -> Res<()> {
        let who = actors.addr(&dep.actor).unwrap_or_default();
        let v = dep.amount.value();
        let env = Env::at(who, now);
        self.b.mint(who, v).and_then(|_| self.b.deposit(&env, v))
    }

    /// The address an actor, asset, `kitty`, `0`/`none`/empty or hex literal names.
    pub(super) fn resolve(&self, actors: &ActorSet, who: &str) -> Address {
        if who.is_empty() || who == "none" || who == "0" {
            return Address::ZERO;
        }
        if let Some(a) = self.assets.get(who) {
            return *a;
        }
        if let Some(a) = actors.addr(who) {
            return a;
        }
        if who == "kitty" {
            return KITTY_ADDRESS;
        }
        who.parse().unwrap_or(Address::ZERO)
    }

    /// The id of the deal named `name` (zero when the match failed or never happened).
    pub(super) fn deal(&self, name: &str) -> B256 {
        self.deals.get(name).copied().unwrap_or_default()
    }
}
