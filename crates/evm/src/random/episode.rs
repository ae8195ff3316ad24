//! Mostly valid lifecycles of a deal, perturbed by random calls and time steps.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::model::Gen;
use super::pick;
use crate::scenario::Op;

impl Gen {
    /// A lifecycle: classic (contributions, reveals, finalize or claim, or
    /// contributeAndFinalize) or Boost (pushes, claims).
    pub(super) fn episode(&mut self, r: &mut ChaCha8Rng, orders: &str, callback: bool) {
        let vol = self.volumes[orders];
        let tref = self.timerefs.get(orders).copied().unwrap_or(300);
        // a time step landing at `deadline - elapsed` ± 1 (strict / non-strict boundaries)
        let to_deadline = |r: &mut ChaCha8Rng, deadline: u64, elapsed: u64| -> u64 {
            let jitter = *pick(r, &[-1i64, 0, 0, 1, 1, 50]);
            (deadline as i64 - elapsed as i64 + jitter).max(0) as u64
        };
        let enclave = if self.tees.get(orders).copied().unwrap_or(false) && r.random_bool(0.9) {
            Some("enclave".to_string())
        } else {
            None
        };
        let name = format!("d{}", self.next_deal);
        self.next_deal += 1;
        // Boost requires trust <= 1 ("PocoBoost: Bad trust level"): mostly pick it when it can work
        let low_trust = self.trusts.get(orders).copied().unwrap_or(0) <= 1;
        let boost = r.random_bool(if low_trust { 0.35 } else { 0.03 });
        let sponsored = r.random_bool(0.2);
        let sender = if sponsored {
            Some("sponsor".to_string())
        } else {
            None
        };
        self.deals.push((name.clone(), vol, boost));
        let op = if boost {
            Op::MatchBoost {
                orders: orders.into(),
                deal: name.clone(),
                sponsored,
            }
        } else {
            Op::Match {
                orders: orders.into(),
                deal: name.clone(),
                sponsored,
            }
        };
        let mut elapsed = 0u64; // since the match (deal.startTime)
        self.step(r, 10, sender, op);
        // `step` may have played a random call instead of the match: the episode then acts on
        // no deal, which scenarios spell `none` (the draws stay the same)
        let matched = matches!(
            self.calls.last().map(|c| &c.op),
            Some(Op::Match { deal, .. } | Op::MatchBoost { deal, .. }) if *deal == name
        );
        let name = if matched {
            name
        } else {
            if let Some(d) = self.deals.iter_mut().rev().find(|d| d.0 == name) {
                d.0 = "none".into();
            }
            if let Some(c) = self.calls.last_mut() {
                unbind(&mut c.op, &name);
            }
            "none".to_string()
        };
        let cb = |res: &str| {
            if callback {
                res.to_string()
            } else {
                String::new()
            }
        };
        if boost {
            for idx in 0..vol {
                if r.random_bool(0.75) {
                    let w = self.worker(r);
                    let res = "A";
                    elapsed += self.step(
                        r,
                        5,
                        Some(w),
                        Op::PushResultBoost {
                            deal: name.clone(),
                            idx,
                            results: "ipfs://b".into(),
                            callback_data: cb(res),
                            authorizer: None,
                            enclave: enclave.clone(),
                        },
                    );
                }
            }
            if r.random_bool(0.5) {
                let idx = r.random_range(0..vol);
                let dt = to_deadline(r, 7 * tref, elapsed);
                self.step(
                    r,
                    dt,
                    None,
                    Op::ClaimBoost {
                        deal: name.clone(),
                        idx,
                    },
                );
            }
            return;
        }
        for idx in 0..vol {
            if r.random_bool(0.15) {
                continue;
            }
            elapsed += self.step(
                r,
                1,
                None,
                Op::Initialize {
                    deal: name.clone(),
                    idx,
                },
            );
            let mode = r.random_range(0..10);
            if mode == 0 {
                let w = self.worker(r);
                self.step(
                    r,
                    5,
                    Some(w),
                    Op::ContributeAndFinalize {
                        deal: name.clone(),
                        idx,
                        result: "A".into(),
                        results: "ipfs://r".into(),
                        callback_data: cb("A"),
                        authorizer: None,
                        enclave: enclave.clone(),
                    },
                );
                continue;
            }
            let k = r.random_range(1..=self.workers);
            let mut contributors = Vec::new();
            for i in 1..=k {
                let res = if r.random_bool(0.8) { "A" } else { "B" };
                contributors.push((format!("worker{i}"), res));
                elapsed += self.step(
                    r,
                    5,
                    Some(format!("worker{i}")),
                    Op::Contribute {
                        deal: name.clone(),
                        idx,
                        result: res.into(),
                        authorizer: None,
                        enclave: enclave.clone(),
                    },
                );
            }
            if mode <= 2 {
                // nobody finalizes: claim after the final deadline (or reopen first)
                if r.random_bool(0.4) {
                    // the reveal deadline is consensus time + 2R: about now + 2R
                    let dt = (2 * tref).saturating_add_signed(*pick(r, &[-1i64, 0, 1, 5]));
                    elapsed += self.step(
                        r,
                        dt,
                        None,
                        Op::Reopen {
                            deal: name.clone(),
                            idx,
                        },
                    );
                }
                let dt = to_deadline(r, 10 * tref, elapsed);
                elapsed += self.step(
                    r,
                    dt,
                    None,
                    Op::Claim {
                        deal: name.clone(),
                        idx,
                    },
                );
                continue;
            }
            for (w, res) in &contributors {
                if r.random_bool(0.85) {
                    elapsed += self.step(
                        r,
                        5,
                        Some(w.clone()),
                        Op::Reveal {
                            deal: name.clone(),
                            idx,
                            result: (*res).into(),
                        },
                    );
                }
            }
            let dt = if r.random_bool(0.2) { 2 * tref + 1 } else { 5 };
            elapsed += self.step(
                r,
                dt,
                None,
                Op::Finalize {
                    deal: name.clone(),
                    idx,
                    results: "ipfs://r".into(),
                    callback_data: cb("A"),
                },
            );
        }
    }
}

/// Make `op`'s references to the deal `name` (which no match binds) refer to no deal.
fn unbind(op: &mut Op, name: &str) {
    match op {
        Op::Initialize { deal, .. }
        | Op::Contribute { deal, .. }
        | Op::Reveal { deal, .. }
        | Op::Reopen { deal, .. }
        | Op::Finalize { deal, .. }
        | Op::ContributeAndFinalize { deal, .. }
        | Op::Claim { deal, .. }
        | Op::PushResultBoost { deal, .. }
        | Op::ClaimBoost { deal, .. }
            if deal == name =>
        {
            *deal = "none".into()
        }
        Op::Batch { tasks, .. } => {
            for t in tasks.iter_mut() {
                if let Some(idx) = t.strip_prefix(name).and_then(|r| r.strip_prefix('#')) {
                    *t = format!("none#{idx}");
                } else if t == name {
                    *t = "none".into();
                }
            }
        }
        _ => {}
    }
}
