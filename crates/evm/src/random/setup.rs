//! What a scenario starts with: its assets, genesis deposits and order sets.

use std::collections::BTreeMap;

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::{amount, pick};
use crate::scenario::{Asset, AssetKindSpec, Deposit, Num, OrderSpec};

/// The usual three assets, sometimes a second workerpool owned by someone else (returned
/// `true` when there is one) and sometimes a TEE app.
pub(super) fn assets(r: &mut ChaCha8Rng) -> (Vec<Asset>, bool) {
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
    (assets, pool2)
}

/// The genesis deposits of the payers, the scheduler, `anyone` and the workers.
pub(super) fn deposits(r: &mut ChaCha8Rng, workers: usize) -> Vec<Deposit> {
    let mut deposits = Vec::new();
    for a in ["requester", "sponsor", "scheduler", "anyone"] {
        if r.random_bool(0.85) {
            deposits.push(Deposit {
                actor: a.into(),
                amount: amount(r),
            });
        }
    }
    for i in 1..=workers {
        if r.random_bool(0.8) {
            deposits.push(Deposit {
                actor: format!("worker{i}"),
                amount: amount(r),
            });
        }
    }
    deposits
}

/// One to three order sets `o0`, `o1`, … and the volume of each.
pub(super) fn order_sets(
    r: &mut ChaCha8Rng,
    index: u64,
    pool2: bool,
) -> (Vec<OrderSpec>, BTreeMap<String, u64>) {
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
                pick(r, &["teeapp", "anyone", "pool"]).to_string()
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
            app_price: price(r),
            dataset_price: price(r),
            workerpool_price: price(r),
            volume: Some(Num::Int(vol)),
            trust: Num::Int(*pick(r, &[0, 0, 1, 1, 2, 3, 5])),
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
            o.tag = Some(pick(r, &["0x1", "0x2", "0x3", "0x10"]).to_string());
        }
        if r.random_bool(0.1) {
            o.request_tag = Some("0x1".into());
        }
        if r.random_bool(0.15) {
            o.callback = Some(pick(r, &["anyone", "beneficiary", "app"]).to_string());
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
                r,
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
            let who = pick(r, &["requester", "sponsor", "pool", "app", "dataset"]).to_string();
            o.restrict.insert(key, who);
        }
        if r.random_bool(0.08) {
            let which = pick(r, &["app", "dataset", "workerpool", "request"]).to_string();
            let who = pick(r, &["none", "anyone", "requester"]).to_string();
            o.signer.insert(which, who);
        }
        volumes.insert(o.name.clone(), vol);
        orders.push(o);
    }
    (orders, volumes)
}
