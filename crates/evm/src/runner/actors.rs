//! The scenario's actors.

use std::collections::BTreeMap;

use alloy_primitives::Address;
use pocolab_core::signatures::Wallet;

/// The scenario's actors: hardhat roles of PoCo's tests with the core fixtures' keys.
#[derive(Debug, Clone)]
pub struct ActorSet {
    /// name → wallet
    pub wallets: BTreeMap<String, Wallet>,
}

/// Role names (besides `worker1` … `workerN`).
pub const ROLES: [&str; 10] = [
    "admin",
    "requester",
    "sponsor",
    "beneficiary",
    "appProvider",
    "datasetProvider",
    "scheduler",
    "enclave",
    "sms",
    "anyone",
];

impl ActorSet {
    /// The roles and `n` workers.
    pub fn new(n_workers: usize) -> Self {
        let mut wallets = BTreeMap::new();
        for r in ROLES {
            wallets.insert(r.to_string(), Wallet::from_label(r));
        }
        for i in 1..=n_workers {
            let n = format!("worker{i}");
            wallets.insert(n.clone(), Wallet::from_label(&n));
        }
        Self { wallets }
    }
    /// Address of an actor.
    pub fn addr(&self, name: &str) -> Option<Address> {
        self.wallets.get(name).map(Wallet::address)
    }
    /// Worker names.
    pub fn workers(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .wallets
            .keys()
            .filter(|k| k.starts_with("worker"))
            .cloned()
            .collect();
        w.sort_by_key(|k| k[6..].parse::<u32>().unwrap_or(0));
        w
    }
}
