//! `matchOrders` / `sponsorMatchOrders` (spec §6, `IexecPoco1Facet.sol`) and order
//! management: presign, close, `computeDealVolume`, `assertDatasetDealCompatibility`
//! (spec §5.4, §5.7, §5.8).

use alloy_primitives::{Address, B256, U256};

use crate::constants::WORKERPOOL_STAKE_RATIO;
use crate::deal::{Deal, Resource};
use crate::error::{Checked, PocoError, Result, require_msg};
use crate::orders::{
    AppOrder, DatasetOrder, Operation, Order, RequestOrder, WorkerpoolOrder, deal_id,
};
use crate::registries::AssetKind;
use crate::{Env, Extension, JournaledState, Poco, State, max, min};

/// `iExecV5-matchOrders-0xNN` reason strings (spec §6.2).
pub mod codes {
    #![allow(missing_docs)]
    pub const CATEGORY_MISMATCH: &str = "iExecV5-matchOrders-0x00";
    pub const UNKNOWN_CATEGORY: &str = "iExecV5-matchOrders-0x01";
    pub const TRUST_TOO_HIGH: &str = "iExecV5-matchOrders-0x02";
    pub const APP_OVERPRICED: &str = "iExecV5-matchOrders-0x03";
    pub const DATASET_OVERPRICED: &str = "iExecV5-matchOrders-0x04";
    pub const WORKERPOOL_OVERPRICED: &str = "iExecV5-matchOrders-0x05";
    pub const TAG_NOT_OFFERED: &str = "iExecV5-matchOrders-0x06";
    pub const TEE_BIT_MISMATCH: &str = "iExecV5-matchOrders-0x07";
    pub const APP_MISMATCH: &str = "iExecV5-matchOrders-0x10";
    pub const DATASET_MISMATCH: &str = "iExecV5-matchOrders-0x11";
    pub const REQUEST_WORKERPOOL_RESTRICT: &str = "iExecV5-matchOrders-0x12";
    pub const APP_DATASET_RESTRICT: &str = "iExecV5-matchOrders-0x13";
    pub const APP_WORKERPOOL_RESTRICT: &str = "iExecV5-matchOrders-0x14";
    pub const APP_REQUESTER_RESTRICT: &str = "iExecV5-matchOrders-0x15";
    pub const DATASET_APP_RESTRICT: &str = "iExecV5-matchOrders-0x16";
    pub const DATASET_WORKERPOOL_RESTRICT: &str = "iExecV5-matchOrders-0x17";
    pub const DATASET_REQUESTER_RESTRICT: &str = "iExecV5-matchOrders-0x18";
    pub const WORKERPOOL_APP_RESTRICT: &str = "iExecV5-matchOrders-0x19";
    pub const WORKERPOOL_DATASET_RESTRICT: &str = "iExecV5-matchOrders-0x1a";
    pub const WORKERPOOL_REQUESTER_RESTRICT: &str = "iExecV5-matchOrders-0x1b";
    pub const APP_NOT_REGISTERED: &str = "iExecV5-matchOrders-0x20";
    pub const APP_BAD_SIGNATURE: &str = "iExecV5-matchOrders-0x21";
    pub const DATASET_NOT_REGISTERED: &str = "iExecV5-matchOrders-0x30";
    pub const DATASET_BAD_SIGNATURE: &str = "iExecV5-matchOrders-0x31";
    pub const WORKERPOOL_NOT_REGISTERED: &str = "iExecV5-matchOrders-0x40";
    pub const WORKERPOOL_BAD_SIGNATURE: &str = "iExecV5-matchOrders-0x41";
    pub const REQUEST_BAD_SIGNATURE: &str = "iExecV5-matchOrders-0x50";
    pub const VOLUME_ZERO: &str = "iExecV5-matchOrders-0x60";
}
use codes::*;

/// Bitwise OR of tags.
#[inline]
pub(crate) fn or(a: B256, b: B256) -> B256 {
    a | b
}

/// The ten restriction checks shared by classic (messages `0x12…0x1b`) and Boost (§5.3):
/// returns the index (0..10) of the first failing one.
pub(crate) fn first_failed_restriction(
    st: &State,
    app: &AppOrder,
    dataset: &DatasetOrder,
    wp: &WorkerpoolOrder,
    req: &RequestOrder,
) -> Option<usize> {
    let checks = [
        (req.workerpool, wp.workerpool),
        (app.datasetrestrict, dataset.dataset),
        (app.workerpoolrestrict, wp.workerpool),
        (app.requesterrestrict, req.requester),
        (dataset.apprestrict, app.app),
        (dataset.workerpoolrestrict, wp.workerpool),
        (dataset.requesterrestrict, req.requester),
        (wp.apprestrict, app.app),
        (wp.datasetrestrict, dataset.dataset),
        (wp.requesterrestrict, req.requester),
    ];
    checks.iter().position(|(r, a)| !st.authorized(*r, *a))
}

/// What a successful match settled on.
pub(crate) struct Matched {
    pub app_hash: B256,
    pub dataset_hash: B256,
    pub workerpool_hash: B256,
    pub request_hash: B256,
    pub app_owner: Address,
    pub dataset_owner: Address,
    pub workerpool_owner: Address,
    pub volume: U256,
}

impl State {
    /// Remaining volume of an order: `volume − consumed[h]` (checked, §5.4).
    pub(crate) fn remaining(&self, volume: U256, h: B256) -> Result<U256> {
        volume.sub_(self.consumed(h))
    }

    /// Rows 21–31 of §6.2 (hashes, owners, registration, signatures, volume), shared with
    /// Boost which only differs in messages and in when `owner()` is called.
    pub(crate) fn check_signatures_and_volume(
        &self,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
        msgs: &SigMessages,
    ) -> Result<Matched> {
        let ds = self.settings.domain_separator;
        // App (rows 21-23)
        let app_hash = app.hash(ds);
        let app_owner = if msgs.registry_before_owner {
            require_msg(
                self.registries.is_registered(AssetKind::App, app.app),
                msgs.app_not_registered,
            )?;
            self.asset_owner(app.app)?
        } else {
            let o = self.asset_owner(app.app)?;
            require_msg(
                self.registries.is_registered(AssetKind::App, app.app),
                msgs.app_not_registered,
            )?;
            o
        };
        require_msg(
            self.verify_signed_or_presigned(app_owner, app_hash, &app.sign)?,
            msgs.app_bad_sig,
        )?;
        // Dataset (rows 24-26)
        let has_dataset = dataset.dataset != Address::ZERO;
        let (dataset_hash, dataset_owner) = if has_dataset {
            let h = dataset.hash(ds);
            let o = if msgs.registry_before_owner {
                require_msg(
                    self.registries
                        .is_registered(AssetKind::Dataset, dataset.dataset),
                    msgs.dataset_not_registered,
                )?;
                self.asset_owner(dataset.dataset)?
            } else {
                let o = self.asset_owner(dataset.dataset)?;
                require_msg(
                    self.registries
                        .is_registered(AssetKind::Dataset, dataset.dataset),
                    msgs.dataset_not_registered,
                )?;
                o
            };
            require_msg(
                self.verify_signed_or_presigned(o, h, &dataset.sign)?,
                msgs.dataset_bad_sig,
            )?;
            (h, o)
        } else {
            (B256::ZERO, Address::ZERO)
        };
        // Workerpool (rows 27-29)
        let workerpool_hash = wp.hash(ds);
        let workerpool_owner = if msgs.registry_before_owner {
            require_msg(
                self.registries
                    .is_registered(AssetKind::Workerpool, wp.workerpool),
                msgs.workerpool_not_registered,
            )?;
            self.asset_owner(wp.workerpool)?
        } else {
            let o = self.asset_owner(wp.workerpool)?;
            require_msg(
                self.registries
                    .is_registered(AssetKind::Workerpool, wp.workerpool),
                msgs.workerpool_not_registered,
            )?;
            o
        };
        require_msg(
            self.verify_signed_or_presigned(workerpool_owner, workerpool_hash, &wp.sign)?,
            msgs.workerpool_bad_sig,
        )?;
        // Request (row 30)
        let request_hash = req.hash(ds);
        require_msg(
            self.verify_signed_or_presigned(req.requester, request_hash, &req.sign)?,
            msgs.request_bad_sig,
        )?;
        // Volume (row 31)
        let mut volume = self.remaining(app.volume, app_hash)?;
        if has_dataset {
            volume = min(volume, self.remaining(dataset.volume, dataset_hash)?);
        }
        volume = min(volume, self.remaining(wp.volume, workerpool_hash)?);
        volume = min(volume, self.remaining(req.volume, request_hash)?);
        require_msg(volume > U256::ZERO, msgs.volume_zero)?;
        Ok(Matched {
            app_hash,
            dataset_hash,
            workerpool_hash,
            request_hash,
            app_owner,
            dataset_owner,
            workerpool_owner,
            volume,
        })
    }
}

impl JournaledState {
    /// §6.4: `consumed[h] += volume` for each order (dataset only if there is one).
    pub(crate) fn consume(&mut self, m: &Matched, has_dataset: bool) -> Result<()> {
        let hashes = [
            Some(m.app_hash),
            has_dataset.then_some(m.dataset_hash),
            Some(m.workerpool_hash),
            Some(m.request_hash),
        ];
        for h in hashes.into_iter().flatten() {
            let v = self.consumed(h).add_(m.volume)?;
            self.set_consumed(h, v);
        }
        Ok(())
    }
}

/// Messages of the signature / registration / volume rows, classic or Boost.
pub(crate) struct SigMessages {
    pub registry_before_owner: bool,
    pub app_not_registered: &'static str,
    pub app_bad_sig: &'static str,
    pub dataset_not_registered: &'static str,
    pub dataset_bad_sig: &'static str,
    pub workerpool_not_registered: &'static str,
    pub workerpool_bad_sig: &'static str,
    pub request_bad_sig: &'static str,
    pub volume_zero: &'static str,
}

const CLASSIC_MSGS: SigMessages = SigMessages {
    registry_before_owner: false,
    app_not_registered: APP_NOT_REGISTERED,
    app_bad_sig: APP_BAD_SIGNATURE,
    dataset_not_registered: DATASET_NOT_REGISTERED,
    dataset_bad_sig: DATASET_BAD_SIGNATURE,
    workerpool_not_registered: WORKERPOOL_NOT_REGISTERED,
    workerpool_bad_sig: WORKERPOOL_BAD_SIGNATURE,
    request_bad_sig: REQUEST_BAD_SIGNATURE,
    volume_zero: VOLUME_ZERO,
};

const RESTRICTION_CODES: [&str; 10] = [
    REQUEST_WORKERPOOL_RESTRICT,
    APP_DATASET_RESTRICT,
    APP_WORKERPOOL_RESTRICT,
    APP_REQUESTER_RESTRICT,
    DATASET_APP_RESTRICT,
    DATASET_WORKERPOOL_RESTRICT,
    DATASET_REQUESTER_RESTRICT,
    WORKERPOOL_APP_RESTRICT,
    WORKERPOOL_DATASET_RESTRICT,
    WORKERPOOL_REQUESTER_RESTRICT,
];

impl<E: Extension> Poco<E> {
    /// `matchOrders(app, dataset, workerpool, request)`: the requester pays (spec §6.1).
    pub fn match_orders(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
    ) -> Result<B256> {
        self.atomic(|p| p.match_inner(env, app, dataset, wp, req, req.requester))
    }

    /// `sponsorMatchOrders(…)`: `env.sender` pays (spec §6.1).
    pub fn sponsor_match_orders(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
    ) -> Result<B256> {
        self.atomic(|p| p.match_inner(env, app, dataset, wp, req, env.sender))
    }

    fn match_inner(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
        sponsor: Address,
    ) -> Result<B256> {
        let st = &self.state;
        // §6.2 rows 1-8
        require_msg(req.category == wp.category, CATEGORY_MISMATCH)?;
        require_msg(
            req.category < U256::from(st.categories.len()),
            UNKNOWN_CATEGORY,
        )?;
        require_msg(req.trust <= wp.trust, TRUST_TOO_HIGH)?;
        require_msg(req.appmaxprice >= app.appprice, APP_OVERPRICED)?;
        require_msg(
            req.datasetmaxprice >= dataset.datasetprice,
            DATASET_OVERPRICED,
        )?;
        require_msg(
            req.workerpoolmaxprice >= wp.workerpoolprice,
            WORKERPOOL_OVERPRICED,
        )?;
        let tag = or(or(app.tag, dataset.tag), req.tag);
        require_msg((tag & !wp.tag) == B256::ZERO, TAG_NOT_OFFERED)?;
        require_msg((tag[31] ^ app.tag[31]) & 1 == 0, TEE_BIT_MISMATCH)?;
        // rows 9-10
        require_msg(req.app == app.app, APP_MISMATCH)?;
        require_msg(req.dataset == dataset.dataset, DATASET_MISMATCH)?;
        // rows 11-20
        if let Some(i) = first_failed_restriction(st, app, dataset, wp, req) {
            return Err(PocoError::Revert(RESTRICTION_CODES[i]));
        }
        // rows 21-31
        let m = st.check_signatures_and_volume(app, dataset, wp, req, &CLASSIC_MSGS)?;
        let has_dataset = dataset.dataset != Address::ZERO;

        // §6.3 deal record
        let bot_first = st.consumed(m.request_hash);
        let id = deal_id(m.request_hash, bot_first);
        let ratio = st
            .registries
            .workerpools
            .get(&wp.workerpool)
            .map(|w| (w.worker_stake_ratio, w.scheduler_reward_ratio))
            .unwrap_or_default();
        let worker_stake = wp.workerpoolprice.mul_(ratio.0)? / U256::from(100u8);
        let dataset_price = if has_dataset {
            dataset.datasetprice
        } else {
            U256::ZERO
        };
        let deal = Deal {
            app: Resource {
                pointer: app.app,
                owner: m.app_owner,
                price: app.appprice,
            },
            dataset: Resource {
                pointer: dataset.dataset,
                owner: m.dataset_owner,
                price: dataset_price,
            },
            workerpool: Resource {
                pointer: wp.workerpool,
                owner: m.workerpool_owner,
                price: wp.workerpoolprice,
            },
            trust: max(req.trust, U256::from(1u8)),
            category: req.category,
            tag,
            requester: req.requester,
            beneficiary: req.beneficiary,
            callback: req.callback,
            params: req.params.clone(),
            start_time: env.now(),
            bot_first,
            bot_size: m.volume,
            worker_stake,
            scheduler_reward_ratio: ratio.1,
            sponsor,
        };
        // §6.5 locks (fallible; journaled) before any other write
        let deal_price = deal.task_price()?.mul_(m.volume)?;
        let pool_stake = (wp
            .workerpoolprice
            .mul_(U256::from(WORKERPOOL_STAKE_RATIO))?
            / U256::from(100u8))
        .mul_(m.volume)?;
        let st = self.st();
        st.ledger_mut().lock(sponsor, deal_price)?;
        st.ledger_mut().lock(m.workerpool_owner, pool_stake)?;
        st.consume(&m, has_dataset)?;
        st.insert_deal(id, deal);
        let orders = crate::extension::MatchedOrders {
            app: m.app_hash,
            dataset: has_dataset.then_some(m.dataset_hash),
            workerpool: m.workerpool_hash,
            request: m.request_hash,
            volume: m.volume,
        };
        self.ext.on_match(self.state.get_mut(), env, id, &orders)?;
        Ok(id)
    }

    /// `computeDealVolume(app, dataset, workerpool, request)` view (§5.8).
    pub fn compute_deal_volume(
        &self,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
    ) -> Result<U256> {
        let st = &self.state;
        let ds = st.settings.domain_separator;
        let mut v = st.remaining(app.volume, app.hash(ds))?;
        if dataset.dataset != Address::ZERO {
            v = min(v, st.remaining(dataset.volume, dataset.hash(ds))?);
        }
        v = min(v, st.remaining(wp.volume, wp.hash(ds))?);
        Ok(min(v, st.remaining(req.volume, req.hash(ds))?))
    }

    // ------------------------------------------------------------ order management (§5.7)

    fn manage<O: Order>(
        &mut self,
        env: &Env,
        order: &O,
        owner: Address,
        op: Operation,
        sign: &[u8],
    ) -> Result<()> {
        let ds = self.state.settings.domain_separator;
        if env.sender != owner {
            let oh = order.operation_hash(op, ds);
            require_msg(
                self.state.verify(owner, oh, sign)?,
                "invalid-sender-or-signature",
            )?;
        }
        let h = order.hash(ds);
        let st = self.st();
        match op {
            Operation::Sign => st.presign(h, owner),
            Operation::Close => st.set_consumed(h, order.volume()),
        }
        Ok(())
    }

    /// `manageAppOrder({order, operation, sign})`: presign (SIGN) or close (CLOSE) an app order.
    pub fn manage_app_order(
        &mut self,
        env: &Env,
        order: &AppOrder,
        op: Operation,
        sign: &[u8],
    ) -> Result<()> {
        let owner = self.state.asset_owner(order.app)?;
        self.manage(env, order, owner, op, sign)
    }

    /// `manageDatasetOrder`.
    pub fn manage_dataset_order(
        &mut self,
        env: &Env,
        order: &DatasetOrder,
        op: Operation,
        sign: &[u8],
    ) -> Result<()> {
        let owner = self.state.asset_owner(order.dataset)?;
        self.manage(env, order, owner, op, sign)
    }

    /// `manageWorkerpoolOrder`.
    pub fn manage_workerpool_order(
        &mut self,
        env: &Env,
        order: &WorkerpoolOrder,
        op: Operation,
        sign: &[u8],
    ) -> Result<()> {
        let owner = self.state.asset_owner(order.workerpool)?;
        self.manage(env, order, owner, op, sign)
    }

    /// `manageRequestOrder` (owner = `order.requester`).
    pub fn manage_request_order(
        &mut self,
        env: &Env,
        order: &RequestOrder,
        op: Operation,
        sign: &[u8],
    ) -> Result<()> {
        self.manage(env, order, order.requester, op, sign)
    }

    /// `assertDatasetDealCompatibility(datasetOrder, dealId)` view (§5.8).
    pub fn assert_dataset_deal_compatibility(
        &self,
        order: &DatasetOrder,
        deal_id: B256,
    ) -> Result<()> {
        let st = &self.state;
        let fail = |r| Err(PocoError::IncompatibleDatasetOrder(r));
        let h = order.hash(st.settings.domain_separator);
        if st.consumed(h) >= order.volume {
            return fail("Dataset order is revoked or fully consumed");
        }
        let owner = st.asset_owner(order.dataset)?;
        if !st.verify_signed_or_presigned(owner, h, &order.sign)? {
            return fail("Invalid dataset order signature");
        }
        let deal = st.deals.get(&deal_id).cloned().unwrap_or_default();
        if deal.requester == Address::ZERO {
            return fail("Deal not found");
        }
        if deal.dataset.pointer != Address::ZERO {
            return fail("Deal already has a dataset");
        }
        if !st.authorized(order.apprestrict, deal.app.pointer) {
            return fail("App restriction not satisfied");
        }
        if !st.authorized(order.workerpoolrestrict, deal.workerpool.pointer) {
            return fail("Workerpool restriction not satisfied");
        }
        if !st.authorized(order.requesterrestrict, deal.requester) {
            return fail("Requester restriction not satisfied");
        }
        if (deal.tag & order.tag) != order.tag {
            return fail("Tag compatibility not satisfied");
        }
        Ok(())
    }
}
