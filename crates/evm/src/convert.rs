//! Conversions between the core's types and the ABI types.

use pocolab_core as core;

use crate::abi;

/// Core → ABI AppOrder.
pub fn app_order(o: &core::AppOrder) -> abi::AppOrder {
    abi::AppOrder {
        app: o.app,
        appprice: o.appprice,
        volume: o.volume,
        tag: o.tag,
        datasetrestrict: o.datasetrestrict,
        workerpoolrestrict: o.workerpoolrestrict,
        requesterrestrict: o.requesterrestrict,
        salt: o.salt,
        sign: o.sign.clone(),
    }
}

/// Core → ABI DatasetOrder.
pub fn dataset_order(o: &core::DatasetOrder) -> abi::DatasetOrder {
    abi::DatasetOrder {
        dataset: o.dataset,
        datasetprice: o.datasetprice,
        volume: o.volume,
        tag: o.tag,
        apprestrict: o.apprestrict,
        workerpoolrestrict: o.workerpoolrestrict,
        requesterrestrict: o.requesterrestrict,
        salt: o.salt,
        sign: o.sign.clone(),
    }
}

/// Core → ABI WorkerpoolOrder.
pub fn workerpool_order(o: &core::WorkerpoolOrder) -> abi::WorkerpoolOrder {
    abi::WorkerpoolOrder {
        workerpool: o.workerpool,
        workerpoolprice: o.workerpoolprice,
        volume: o.volume,
        tag: o.tag,
        category: o.category,
        trust: o.trust,
        apprestrict: o.apprestrict,
        datasetrestrict: o.datasetrestrict,
        requesterrestrict: o.requesterrestrict,
        salt: o.salt,
        sign: o.sign.clone(),
    }
}

/// Core → ABI RequestOrder.
pub fn request_order(o: &core::RequestOrder) -> abi::RequestOrder {
    abi::RequestOrder {
        app: o.app,
        appmaxprice: o.appmaxprice,
        dataset: o.dataset,
        datasetmaxprice: o.datasetmaxprice,
        workerpool: o.workerpool,
        workerpoolmaxprice: o.workerpoolmaxprice,
        requester: o.requester,
        volume: o.volume,
        tag: o.tag,
        category: o.category,
        trust: o.trust,
        beneficiary: o.beneficiary,
        callback: o.callback,
        params: o.params.clone(),
        salt: o.salt,
        sign: o.sign.clone(),
    }
}

/// ABI → core Deal.
pub fn deal(d: abi::Deal) -> core::Deal {
    let r = |r: abi::Resource| core::Resource {
        pointer: r.pointer,
        owner: r.owner,
        price: r.price,
    };
    core::Deal {
        app: r(d.app),
        dataset: r(d.dataset),
        workerpool: r(d.workerpool),
        trust: d.trust,
        category: d.category,
        tag: d.tag,
        requester: d.requester,
        beneficiary: d.beneficiary,
        callback: d.callback,
        params: d.params,
        start_time: d.startTime,
        bot_first: d.botFirst,
        bot_size: d.botSize,
        worker_stake: d.workerStake,
        scheduler_reward_ratio: d.schedulerRewardRatio,
        sponsor: d.sponsor,
    }
}
