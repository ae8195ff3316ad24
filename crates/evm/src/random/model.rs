//! The generator's model of what it created.

use std::collections::BTreeMap;

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::{CATEGORY_R, DTS, pick};
use crate::scenario::{Call, Num, Op, OrderSpec};

/// The generator's model of the scenario so far: what the calls can refer to, and the calls.
pub(super) struct Gen {
    /// number of workers
    pub(super) workers: usize,
    /// trust of each order set
    pub(super) trusts: BTreeMap<String, u64>,
    /// workClockTimeRef of each order set's category
    pub(super) timerefs: BTreeMap<String, u64>,
    /// order sets whose tag requires an enclave
    pub(super) tees: BTreeMap<String, bool>,
    /// whether the second workerpool `pool2` exists
    pub(super) pool2: bool,
    /// every order set, copies included
    pub(super) orders: Vec<String>,
    /// volume of each order set
    pub(super) volumes: BTreeMap<String, u64>,
    /// name, volume, boost
    pub(super) deals: Vec<(String, u64, bool)>,
    /// number of the next deal's name (`d0`, `d1`, …)
    pub(super) next_deal: usize,
    /// the calls so far
    pub(super) calls: Vec<Call>,
}

impl Gen {
    /// The model after set-up: `workers` workers, the second workerpool if `pool2`, the order
    /// sets `orders` of `volumes`, no deal and no call yet.
    pub(super) fn new(
        workers: usize,
        pool2: bool,
        orders: &[OrderSpec],
        volumes: BTreeMap<String, u64>,
    ) -> Self {
        let timerefs = orders
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    CATEGORY_R
                        .get(o.category.value().saturating_to::<usize>())
                        .copied()
                        .unwrap_or(300),
                )
            })
            .collect();
        let trusts = orders
            .iter()
            .map(|o| (o.name.clone(), o.trust.value().saturating_to::<u64>()))
            .collect();
        let tees = orders
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    matches!(o.tag.as_deref(), Some("0x1") | Some("0x3")),
                )
            })
            .collect();
        Self {
            workers,
            pool2,
            tees,
            timerefs,
            trusts,
            orders: orders.iter().map(|o| o.name.clone()).collect(),
            volumes,
            deals: Vec::new(),
            next_deal: 0,
            calls: Vec::new(),
        }
    }

    /// Add `copy`, a copy of the order set `of` with a new salt.
    pub(super) fn add_copy(&mut self, of: &str, copy: &str) {
        self.volumes.insert(copy.to_string(), self.volumes[of]);
        self.tees.insert(copy.to_string(), self.tees[of]);
        self.timerefs.insert(copy.to_string(), self.timerefs[of]);
        self.trusts.insert(copy.to_string(), self.trusts[of]);
        self.orders.push(copy.to_string());
    }

    /// A random worker.
    pub(super) fn worker(&self, r: &mut ChaCha8Rng) -> String {
        format!("worker{}", r.random_range(1..=self.workers))
    }

    /// Mint and deposit enough for a deal: payers, scheduler, workers.
    pub(super) fn fund(&mut self, r: &mut ChaCha8Rng) {
        let mut who = vec![
            "requester".to_string(),
            "sponsor".to_string(),
            "scheduler".to_string(),
        ];
        who.extend((1..=self.workers).map(|i| format!("worker{i}")));
        for w in who {
            if r.random_bool(0.85) {
                let amount = Num::Int(r.random_range(1_000..20_000));
                self.calls.push(Call {
                    dt: 0,
                    at: None,
                    check: Default::default(),
                    sender: None,
                    expect: None,
                    op: Op::Mint {
                        actor: w.clone(),
                        amount: amount.clone(),
                    },
                });
                self.calls.push(Call {
                    dt: 0,
                    at: None,
                    check: Default::default(),
                    sender: Some(w),
                    expect: None,
                    op: Op::Deposit { amount },
                });
            }
        }
    }

    /// Push `c`, or (10 %) a random call instead, with a small random time step.
    /// Returns the time actually advanced.
    pub(super) fn step(
        &mut self,
        r: &mut ChaCha8Rng,
        dt: u64,
        sender: Option<String>,
        op: Op,
    ) -> u64 {
        if r.random_bool(0.1) {
            let c = self.random_call(r);
            let d = c.dt;
            self.calls.push(c);
            d
        } else {
            let dt = if r.random_bool(0.1) {
                *pick(r, &DTS)
            } else {
                dt
            };
            self.calls.push(Call {
                dt,
                at: None,
                check: Default::default(),
                sender,
                expect: None,
                op,
            });
            dt
        }
    }
}
