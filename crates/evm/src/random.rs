//! Seeded random scenarios over every entry point, valid and invalid sequences alike.
//!
//! The generator keeps a light model of what it created (order sets, deal names, volumes) so
//! that a good share of the calls reach deep states (contributions, consensus, reveals,
//! finalization, claims, Boost pushes), while random senders, indices, results, signatures
//! and time jumps produce the invalid calls.

use std::collections::BTreeMap;

use alloy_primitives::keccak256;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::scenario::{
    Asset, AssetKindSpec, BatchKind, Call, Deposit, Num, Op, OpKind, OrderSpec, Scenario, Which,
};

/// Generator parameters.
#[derive(Debug, Clone, Copy)]
pub struct GenParams {
    /// minimum number of calls
    pub min_calls: usize,
    /// maximum number of calls
    pub max_calls: usize,
}

impl Default for GenParams {
    fn default() -> Self {
        Self {
            min_calls: 12,
            max_calls: 40,
        }
    }
}

/// The RNG of scenario `index` of run `seed`.
fn rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut buf = b"pocolab-conformance".to_vec();
    buf.extend_from_slice(&seed.to_be_bytes());
    buf.extend_from_slice(&index.to_be_bytes());
    ChaCha8Rng::from_seed(keccak256(buf).0)
}

fn pick<'a, T>(r: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[r.random_range(0..xs.len())]
}

/// workClockTimeRef of the deployed categories (spec §1.3).
const CATEGORY_R: [u64; 5] = [300, 1_200, 3_600, 10_800, 36_000];

const RESULTS: [&str; 3] = ["A", "B", "C"];
const DTS: [u64; 10] = [0, 0, 0, 1, 10, 60, 400, 700, 2200, 3100];

/// Generate scenario `index` of the run seeded by `seed`.
pub fn generate(seed: u64, index: u64, p: GenParams) -> Scenario {
    let mut r = rng(seed, index);
    let workers = r.random_range(1..=4usize);
    // assets: the usual three, sometimes a second workerpool owned by someone else
    let mut assets = vec![
        Asset {
            kind: AssetKindSpec::App,
            name: "app".into(),
            owner: "appProvider".into(),
            mrenclave: String::new(),
        },
        Asset {
            kind: AssetKindSpec::Dataset,
            name: "dataset".into(),
            owner: "datasetProvider".into(),
            mrenclave: String::new(),
        },
        Asset {
            kind: AssetKindSpec::Workerpool,
            name: "pool".into(),
            owner: "scheduler".into(),
            mrenclave: String::new(),
        },
    ];
    // `changePolicy` is a call on the pool contract itself: only target existing assets (a
    // transaction to an address without code succeeds on the EVM, the core has no such notion)
    let pool2 = r.random_bool(0.3);
    if pool2 {
        assets.push(Asset {
            kind: AssetKindSpec::Workerpool,
            name: "pool2".into(),
            owner: "anyone".into(),
            mrenclave: String::new(),
        });
    }
    if r.random_bool(0.2) {
        assets.push(Asset {
            kind: AssetKindSpec::App,
            name: "teeapp".into(),
            owner: "appProvider".into(),
            mrenclave: "{\"provider\":\"SCONE\"}".into(),
        });
    }

    // deposits
    let amount = |r: &mut ChaCha8Rng| -> Num {
        match r.random_range(0..10) {
            0 => Num::Int(0),
            1 => Num::Int(r.random_range(1..20)),
            2..=7 => Num::Int(r.random_range(100..5_000)),
            _ => Num::Int(r.random_range(10_000_000_000..40_000_000_000)),
        }
    };
    let mut deposits = Vec::new();
    for a in ["requester", "sponsor", "scheduler", "anyone"] {
        if r.random_bool(0.85) {
            deposits.push(Deposit {
                actor: a.into(),
                amount: amount(&mut r),
            });
        }
    }
    for i in 1..=workers {
        if r.random_bool(0.8) {
            deposits.push(Deposit {
                actor: format!("worker{i}"),
                amount: amount(&mut r),
            });
        }
    }

    // order sets
    let price = |r: &mut ChaCha8Rng| -> Num {
        match r.random_range(0..40) {
            0..=9 => Num::Int(0),
            10..=36 => Num::Int(r.random_range(1..60)),
            37 | 38 => Num::Int(r.random_range(1_000_000_000..5_000_000_000)),
            _ => Num::Str("79228162514264337593543950336".into()), // 2^96: SafeCast in Boost
        }
    };
    let n_orders = r.random_range(1..=3usize);
    let mut orders = Vec::new();
    let mut volumes = BTreeMap::new();
    for k in 0..n_orders {
        let vol = r.random_range(1..=3u64);
        let mut o = OrderSpec {
            name: format!("o{k}"),
            app: if r.random_bool(0.9) {
                "app".into()
            } else {
                pick(&mut r, &["teeapp", "anyone", "pool"]).to_string()
            },
            dataset: if r.random_bool(0.5) {
                "dataset".into()
            } else {
                String::new()
            },
            workerpool: if r.random_bool(0.85) || !pool2 {
                "pool".into()
            } else {
                "pool2".into()
            },
            app_price: price(&mut r),
            dataset_price: price(&mut r),
            workerpool_price: price(&mut r),
            volume: Some(Num::Int(vol)),
            trust: Num::Int(*pick(&mut r, &[0, 0, 1, 1, 2, 3, 5])),
            category: Num::Int(if r.random_bool(0.9) {
                r.random_range(0..5)
            } else {
                r.random_range(5..7)
            }),
            salt: Some(format!("salt-{index}-{k}")),
            params: if r.random_bool(0.3) {
                "{\"iexec_args\":\"x\"}".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        if r.random_bool(0.25) {
            o.tag = Some(pick(&mut r, &["0x1", "0x2", "0x3", "0x10"]).to_string());
        }
        if r.random_bool(0.1) {
            o.request_tag = Some("0x1".into());
        }
        if r.random_bool(0.15) {
            o.callback = Some(pick(&mut r, &["anyone", "beneficiary", "app"]).to_string());
        }
        if r.random_bool(0.1) {
            o.request_volume = Some(Num::Int(r.random_range(1..=4)));
        }
        if r.random_bool(0.1) {
            o.workerpool_volume = Some(Num::Int(r.random_range(1..=4)));
        }
        if r.random_bool(0.08) {
            o.app_max_price = Some(Num::Int(0));
        }
        if r.random_bool(0.08) {
            o.workerpool_max_price = Some(Num::Int(0));
        }
        if r.random_bool(0.08) {
            o.request_category = Some(Num::Int(r.random_range(0..5)));
        }
        if r.random_bool(0.1) {
            o.requester = Some("sponsor".into());
        }
        if r.random_bool(0.08) {
            let key = pick(
                &mut r,
                &[
                    "app.requesterrestrict",
                    "app.workerpoolrestrict",
                    "dataset.requesterrestrict",
                    "workerpool.requesterrestrict",
                    "workerpool.apprestrict",
                    "app.datasetrestrict",
                ],
            )
            .to_string();
            let who = pick(&mut r, &["requester", "sponsor", "pool", "app", "dataset"]).to_string();
            o.restrict.insert(key, who);
        }
        if r.random_bool(0.08) {
            let which = pick(&mut r, &["app", "dataset", "workerpool", "request"]).to_string();
            let who = pick(&mut r, &["none", "anyone", "requester"]).to_string();
            o.signer.insert(which, who);
        }
        volumes.insert(o.name.clone(), vol);
        orders.push(o);
    }

    // calls: episodes (a mostly valid lifecycle with perturbations) and random calls
    let n_calls = r.random_range(p.min_calls..=p.max_calls);
    let valid: Vec<&OrderSpec> = orders
        .iter()
        .filter(|o| o.signer.is_empty() && o.restrict.is_empty())
        .collect();
    let valid_names: Vec<String> = if valid.is_empty() {
        orders.iter().map(|o| o.name.clone()).collect()
    } else {
        valid.iter().map(|o| o.name.clone()).collect()
    };
    let callbacks: BTreeMap<String, bool> = orders
        .iter()
        .map(|o| (o.name.clone(), o.callback.is_some()))
        .collect();
    let timerefs: BTreeMap<String, u64> = orders
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
    let trusts: BTreeMap<String, u64> = orders
        .iter()
        .map(|o| (o.name.clone(), o.trust.value().saturating_to::<u64>()))
        .collect();
    let tees: BTreeMap<String, bool> = orders
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                matches!(o.tag.as_deref(), Some("0x1") | Some("0x3")),
            )
        })
        .collect();
    let mut g = Gen {
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
    };
    let mut extra = Vec::new();
    while g.calls.len() < n_calls {
        if r.random_bool(0.55) {
            let mut o = pick(&mut r, &valid_names).clone();
            // most episodes use a fresh copy of the order set (new salt): orders get consumed
            if r.random_bool(0.8) {
                let mut spec = orders
                    .iter()
                    .find(|x| x.name == o)
                    .cloned()
                    .expect("order set");
                spec.name = format!("{o}e{}", extra.len());
                spec.salt = Some(format!("salt-{index}-{}", spec.name));
                g.volumes.insert(spec.name.clone(), g.volumes[&o]);
                g.tees.insert(spec.name.clone(), g.tees[&o]);
                g.timerefs.insert(spec.name.clone(), g.timerefs[&o]);
                g.trusts.insert(spec.name.clone(), g.trusts[&o]);
                g.orders.push(spec.name.clone());
                o = spec.name.clone();
                extra.push(spec);
            }
            let cb = callbacks
                .get(&o)
                .copied()
                .unwrap_or_else(|| extra.iter().any(|x| x.name == o && x.callback.is_some()));
            if r.random_bool(0.7) {
                g.fund(&mut r);
            }
            g.episode(&mut r, &o, cb);
        } else {
            let c = g.random_call(&mut r);
            g.calls.push(c);
        }
    }
    let calls = g.calls;
    orders.extend(extra);

    Scenario {
        name: format!("random seed={seed} index={index}"),
        description: "generated by pocolab_evm::random".into(),
        workers,
        start: 1_700_000_000,
        deposits,
        assets,
        orders,
        calls,
    }
}

struct Gen {
    workers: usize,
    /// trust of each order set
    trusts: BTreeMap<String, u64>,
    /// workClockTimeRef of each order set's category
    timerefs: BTreeMap<String, u64>,
    /// order sets whose tag requires an enclave
    tees: BTreeMap<String, bool>,
    pool2: bool,
    orders: Vec<String>,
    volumes: BTreeMap<String, u64>,
    /// name, volume, boost
    deals: Vec<(String, u64, bool)>,
    next_deal: usize,
    calls: Vec<Call>,
}

impl Gen {
    fn worker(&self, r: &mut ChaCha8Rng) -> String {
        format!("worker{}", r.random_range(1..=self.workers))
    }

    fn amount(r: &mut ChaCha8Rng) -> Num {
        match r.random_range(0..10) {
            0 => Num::Int(0),
            1 => Num::Int(r.random_range(1..20)),
            2..=7 => Num::Int(r.random_range(100..5_000)),
            _ => Num::Int(r.random_range(10_000_000_000..40_000_000_000)),
        }
    }

    /// Mint and deposit enough for a deal: payers, scheduler, workers.
    fn fund(&mut self, r: &mut ChaCha8Rng) {
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
    fn step(&mut self, r: &mut ChaCha8Rng, dt: u64, sender: Option<String>, op: Op) -> u64 {
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

    /// A lifecycle: classic (contributions, reveals, finalize or claim, or
    /// contributeAndFinalize) or Boost (pushes, claims).
    fn episode(&mut self, r: &mut ChaCha8Rng, orders: &str, callback: bool) {
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

    fn random_call(&mut self, r: &mut ChaCha8Rng) -> Call {
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
        let amount = Self::amount;
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
                return ("nodeal".into(), 0);
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
