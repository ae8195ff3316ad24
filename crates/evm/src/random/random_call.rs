//! Random calls of every entry point, valid or not.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::model::Gen;
use super::{DTS, RESULTS, amount, pick};
use crate::scenario::{AssetKindSpec, BatchKind, Call, Num, Op, OpKind, Which};

impl Gen {
    /// A call of any entry point, with random arguments, sender and time step.
    pub(super) fn random_call(&mut self, r: &mut ChaCha8Rng) -> Call {
        let workers = self.workers;
        let pool2 = self.pool2;
        let orders = self.orders.clone();
        let worker = |r: &mut ChaCha8Rng| format!("worker{}", r.random_range(1..=workers));
        let any_actor = |r: &mut ChaCha8Rng| -> String {
            let roles = [
                "requester",
                "sponsor",
                "beneficiary",
                "appProvider",
                "datasetProvider",
                "scheduler",
                "anyone",
                "enclave",
            ];
            if r.random_bool(0.3) {
                format!("worker{}", r.random_range(1..=workers))
            } else {
                pick(r, &roles).to_string()
            }
        };
        let deals = &mut self.deals;
        let next_deal = &mut self.next_deal;
        let volumes = &self.volumes;
        // calls
        let dt = *pick(r, &DTS);
        let mut sender = None;
        let task = |r: &mut ChaCha8Rng,
                    deals: &Vec<(String, u64, bool)>,
                    boost: Option<bool>|
         -> (String, u64) {
            let cands: Vec<&(String, u64, bool)> = deals
                .iter()
                .filter(|d| boost.is_none_or(|b| b == d.2))
                .collect();
            if cands.is_empty() || r.random_bool(0.05) {
                return ("none".into(), 0);
            }
            let d = cands[r.random_range(0..cands.len())];
            let idx = if r.random_bool(0.9) {
                r.random_range(0..d.1)
            } else {
                d.1
            };
            (d.0.clone(), idx)
        };
        let result = |r: &mut ChaCha8Rng| pick(r, &RESULTS).to_string();
        let authorizer = |r: &mut ChaCha8Rng| {
            if r.random_bool(0.08) {
                Some("anyone".to_string())
            } else {
                None
            }
        };
        let enclave = |r: &mut ChaCha8Rng| {
            if r.random_bool(0.1) {
                Some("enclave".to_string())
            } else {
                None
            }
        };
        let authorizer = |r: &mut ChaCha8Rng| {
            if r.random_bool(0.05) {
                Some("sms".to_string())
            } else {
                authorizer(r)
            }
        };
        let roll = r.random_range(0..100);
        let op = match roll {
            0..=11 => {
                let o = pick(r, &orders).clone();
                let boost = r.random_bool(0.3);
                let sponsored = r.random_bool(0.2);
                if sponsored {
                    sender = Some(if r.random_bool(0.8) {
                        "sponsor".into()
                    } else {
                        any_actor(r)
                    });
                }
                let name = format!("d{next_deal}");
                *next_deal += 1;
                deals.push((name.clone(), volumes[&o], boost));
                if boost {
                    Op::MatchBoost {
                        orders: o,
                        deal: name,
                        sponsored,
                    }
                } else {
                    Op::Match {
                        orders: o,
                        deal: name,
                        sponsored,
                    }
                }
            }
            12..=15 => {
                let o = pick(r, &orders).clone();
                let which = *pick(
                    r,
                    &[
                        Which::App,
                        Which::Dataset,
                        Which::Workerpool,
                        Which::Request,
                    ],
                );
                let op = if r.random_bool(0.5) {
                    OpKind::Sign
                } else {
                    OpKind::Close
                };
                sender = Some(if r.random_bool(0.7) {
                    match which {
                        Which::App => "appProvider".into(),
                        Which::Dataset => "datasetProvider".into(),
                        Which::Workerpool => "scheduler".into(),
                        Which::Request => "requester".into(),
                    }
                } else {
                    any_actor(r)
                });
                Op::Manage {
                    orders: o,
                    which,
                    op,
                }
            }
            16..=27 => {
                let (deal, idx) = task(r, deals, Some(false));
                Op::Initialize { deal, idx }
            }
            28..=47 => {
                let (deal, idx) = task(r, deals, Some(false));
                sender = Some(if r.random_bool(0.95) {
                    worker(r)
                } else {
                    any_actor(r)
                });
                Op::Contribute {
                    deal,
                    idx,
                    result: result(r),
                    authorizer: authorizer(r),
                    enclave: enclave(r),
                }
            }
            48..=57 => {
                let (deal, idx) = task(r, deals, Some(false));
                sender = Some(worker(r));
                Op::Reveal {
                    deal,
                    idx,
                    result: result(r),
                }
            }
            58..=60 => {
                let (deal, idx) = task(r, deals, Some(false));
                if r.random_bool(0.2) {
                    sender = Some(any_actor(r));
                }
                Op::Reopen { deal, idx }
            }
            61..=68 => {
                let (deal, idx) = task(r, deals, Some(false));
                if r.random_bool(0.1) {
                    sender = Some(any_actor(r));
                }
                let cb = if r.random_bool(0.2) {
                    result(r)
                } else {
                    String::new()
                };
                Op::Finalize {
                    deal,
                    idx,
                    results: "ipfs://r".into(),
                    callback_data: cb,
                }
            }
            69..=73 => {
                let (deal, idx) = task(r, deals, Some(false));
                sender = Some(worker(r));
                let res = result(r);
                let cb = if r.random_bool(0.2) {
                    res.clone()
                } else {
                    String::new()
                };
                Op::ContributeAndFinalize {
                    deal,
                    idx,
                    result: res,
                    results: "ipfs://r".into(),
                    callback_data: cb,
                    authorizer: authorizer(r),
                    enclave: enclave(r),
                }
            }
            74..=76 => {
                let (deal, idx) = task(r, deals, Some(false));
                Op::Claim { deal, idx }
            }
            77..=78 => {
                let n = r.random_range(1..=3);
                let tasks = (0..n)
                    .map(|_| {
                        let (d, i) = task(r, deals, Some(false));
                        format!("{d}#{i}")
                    })
                    .collect();
                let kind = *pick(
                    r,
                    &[
                        BatchKind::Initialize,
                        BatchKind::Claim,
                        BatchKind::InitializeAndClaim,
                    ],
                );
                Op::Batch { kind, tasks }
            }
            79..=84 => {
                let (deal, idx) = task(r, deals, Some(true));
                sender = Some(worker(r));
                let cb = if r.random_bool(0.2) {
                    result(r)
                } else {
                    String::new()
                };
                Op::PushResultBoost {
                    deal,
                    idx,
                    results: "ipfs://b".into(),
                    callback_data: cb,
                    authorizer: authorizer(r),
                    enclave: enclave(r),
                }
            }
            85..=87 => {
                let (deal, idx) = task(r, deals, Some(true));
                Op::ClaimBoost { deal, idx }
            }
            88..=91 => {
                sender = Some(any_actor(r));
                let small = |r: &mut ChaCha8Rng| Num::Int(*pick(r, &[0, 1, 10, 100, 1000, 5000]));
                match r.random_range(0..9) {
                    0 | 1 => Op::Deposit { amount: amount(r) },
                    2 | 3 => Op::Withdraw { amount: amount(r) },
                    4 => Op::DepositFor {
                        amount: small(r),
                        target: any_actor(r),
                    },
                    5 => Op::WithdrawTo {
                        amount: small(r),
                        target: any_actor(r),
                    },
                    6 => Op::Transfer {
                        to: if r.random_bool(0.05) {
                            "0".into()
                        } else {
                            any_actor(r)
                        },
                        amount: small(r),
                    },
                    7 => Op::Approve {
                        spender: any_actor(r),
                        amount: small(r),
                    },
                    _ => Op::TransferFrom {
                        from: any_actor(r),
                        to: any_actor(r),
                        amount: small(r),
                    },
                }
            }
            92..=93 => Op::Mint {
                actor: any_actor(r),
                amount: amount(r),
            },
            94 => {
                if r.random_bool(0.7) {
                    sender = Some(if r.random_bool(0.8) {
                        "admin".into()
                    } else {
                        any_actor(r)
                    });
                    Op::SetTeeBroker {
                        broker: pick(r, &["sms", "0", "scheduler"]).to_string(),
                    }
                } else {
                    let kind = *pick(
                        r,
                        &[
                            AssetKindSpec::App,
                            AssetKindSpec::Dataset,
                            AssetKindSpec::Workerpool,
                        ],
                    );
                    let name = pick(r, &["app", "dataset", "pool", "extra"]).to_string();
                    let owner = pick(
                        r,
                        &["appProvider", "datasetProvider", "scheduler", "anyone"],
                    )
                    .to_string();
                    sender = Some(any_actor(r));
                    Op::CreateAsset { kind, name, owner }
                }
            }
            95..=96 => Op::SetScore {
                worker: worker(r),
                score: *pick(r, &[0, 1, 5, 12, 30, 200]),
            },
            _ => {
                sender = Some(if r.random_bool(0.8) {
                    "scheduler".into()
                } else {
                    any_actor(r)
                });
                Op::ChangePolicy {
                    pool: if pool2 {
                        pick(r, &["pool", "pool2", "app"])
                    } else {
                        pick(r, &["pool", "app"])
                    }
                    .to_string(),
                    worker_stake_ratio: Num::Int(*pick(r, &[0, 10, 30, 100, 101])),
                    scheduler_reward_ratio: Num::Int(*pick(r, &[0, 1, 50, 100, 101])),
                }
            }
        };
        Call {
            dt,
            at: None,
            check: Default::default(),
            sender,
            expect: None,
            op,
        }
    }
}
