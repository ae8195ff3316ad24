//! The four orders of a scenario order set, built and signed for one backend.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use pocolab_core::signatures::Wallet;
use pocolab_core::{AppOrder, DatasetOrder, Order, RequestOrder, WorkerpoolOrder};

use super::{ActorSet, Backend, Side};
use crate::scenario::{Num, OrderSpec, Scenario};

/// The four orders of a match.
#[derive(Debug, Clone)]
pub struct Orders {
    /// app order
    pub app: AppOrder,
    /// dataset order
    pub dataset: DatasetOrder,
    /// workerpool order
    pub workerpool: WorkerpoolOrder,
    /// request order
    pub request: RequestOrder,
}

/// A scenario `bytes32`: a `0x` hex number, or the digest of any other word (none: zero).
fn bytes32(s: &Option<String>) -> B256 {
    match s {
        None => B256::ZERO,
        Some(s) if s.starts_with("0x") => {
            let h = s.trim_start_matches("0x");
            let v = U256::from_str_radix(h, 16).unwrap_or_default();
            B256::from(v)
        }
        Some(s) => keccak256(s.as_bytes()),
    }
}

/// The default signer of each order: its asset's owner / the requester.
pub(super) fn owner_of(sc: &Scenario, asset: &str) -> String {
    sc.assets
        .iter()
        .find(|a| a.name == asset)
        .map(|a| a.owner.clone())
        .unwrap_or_else(|| "none".into())
}

/// The orders of `spec` with `side`'s addresses, each signed by its default signer or the one
/// `spec` names.
pub(super) fn build_orders<B: Backend>(
    sc: &Scenario,
    spec: &OrderSpec,
    actors: &ActorSet,
    side: &Side<B>,
) -> Orders {
    let r = |w: &str| side.resolve(actors, w);
    let restrict = |k: &str| spec.restrict.get(k).map(|w| r(w)).unwrap_or(Address::ZERO);
    let vol = spec.volume.clone().unwrap_or(Num::Int(1)).value();
    let tag = bytes32(&spec.tag);
    let salt = bytes32(&spec.salt);
    let app = AppOrder {
        app: r(&spec.app),
        appprice: spec.app_price.value(),
        volume: vol,
        tag,
        datasetrestrict: restrict("app.datasetrestrict"),
        workerpoolrestrict: restrict("app.workerpoolrestrict"),
        requesterrestrict: restrict("app.requesterrestrict"),
        salt,
        sign: Bytes::new(),
    };
    let dataset = if spec.dataset.is_empty() {
        DatasetOrder::default()
    } else {
        DatasetOrder {
            dataset: r(&spec.dataset),
            datasetprice: spec.dataset_price.value(),
            volume: vol,
            tag,
            apprestrict: restrict("dataset.apprestrict"),
            workerpoolrestrict: restrict("dataset.workerpoolrestrict"),
            requesterrestrict: restrict("dataset.requesterrestrict"),
            salt,
            sign: Bytes::new(),
        }
    };
    let workerpool = WorkerpoolOrder {
        workerpool: r(&spec.workerpool),
        workerpoolprice: spec.workerpool_price.value(),
        volume: spec
            .workerpool_volume
            .as_ref()
            .map(Num::value)
            .unwrap_or(vol),
        tag,
        category: spec.category.value(),
        trust: spec.trust.value(),
        apprestrict: restrict("workerpool.apprestrict"),
        datasetrestrict: restrict("workerpool.datasetrestrict"),
        requesterrestrict: restrict("workerpool.requesterrestrict"),
        salt,
        sign: Bytes::new(),
    };
    let request = RequestOrder {
        app: app.app,
        appmaxprice: spec
            .app_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(app.appprice),
        dataset: dataset.dataset,
        datasetmaxprice: spec
            .dataset_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(dataset.datasetprice),
        workerpool: workerpool.workerpool,
        workerpoolmaxprice: spec
            .workerpool_max_price
            .as_ref()
            .map(Num::value)
            .unwrap_or(workerpool.workerpoolprice),
        requester: r(spec.requester.as_deref().unwrap_or("requester")),
        volume: spec.request_volume.as_ref().map(Num::value).unwrap_or(vol),
        tag: if spec.request_tag.is_some() {
            bytes32(&spec.request_tag)
        } else {
            tag
        },
        category: spec
            .request_category
            .as_ref()
            .map(Num::value)
            .unwrap_or(workerpool.category),
        trust: workerpool.trust,
        beneficiary: r(spec.beneficiary.as_deref().unwrap_or("beneficiary")),
        callback: spec.callback.as_deref().map(r).unwrap_or(Address::ZERO),
        params: spec.params.clone(),
        salt,
        sign: Bytes::new(),
    };
    let mut o = Orders {
        app,
        dataset,
        workerpool,
        request,
    };
    let ds = side.ds;
    let signer = |which: &str, default: String| -> Option<&Wallet> {
        let who = spec.signer.get(which).cloned().unwrap_or(default);
        actors.wallets.get(&who)
    };
    if let Some(w) = signer("app", owner_of(sc, &spec.app)) {
        o.app.sign = w.sign_hash(o.app.hash(ds));
    }
    if !spec.dataset.is_empty()
        && let Some(w) = signer("dataset", owner_of(sc, &spec.dataset))
    {
        o.dataset.sign = w.sign_hash(o.dataset.hash(ds));
    }
    if let Some(w) = signer("workerpool", owner_of(sc, &spec.workerpool)) {
        o.workerpool.sign = w.sign_hash(o.workerpool.hash(ds));
    }
    if let Some(w) = signer(
        "request",
        spec.requester.clone().unwrap_or_else(|| "requester".into()),
    ) {
        o.request.sign = w.sign_hash(o.request.hash(ds));
    }
    o
}
