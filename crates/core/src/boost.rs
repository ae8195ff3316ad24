//! PoCo Boost (spec §9, `IexecPocoBoostFacet.sol`): one transaction per task after the match,
//! `trust ≤ 1`, no stake, no scores. Present in 6.1.0 but not deployed; modelled as an
//! optional module. The anomalies B1 (payer mismatch) and B2 (phantom dataset price) of §9.5
//! are reproduced bit for bit, as the bytecode oracle has them.

use alloy_primitives::{Address, B256, U256, keccak256};

use crate::constants::{CONTRIBUTION_DEADLINE_RATIO, KITTY_ADDRESS, u};
use crate::deal::DealBoost;
use crate::error::{Checked, PocoError, Result, require_msg};
use crate::matching::{SigMessages, first_failed_restriction, or};
use crate::orders::{AppOrder, DatasetOrder, RequestOrder, WorkerpoolOrder, deal_id, task_id};
use crate::rewards::{kitty_payout, scheduler_stake};
use crate::task::{Task, TaskStatus};
use crate::{Env, Extension, Poco};

const BOOST_MSGS: SigMessages = SigMessages {
    registry_before_owner: true,
    app_not_registered: "PocoBoost: App not registered",
    app_bad_sig: "PocoBoost: Invalid app order signature",
    dataset_not_registered: "PocoBoost: Dataset not registered",
    dataset_bad_sig: "PocoBoost: Invalid dataset order signature",
    workerpool_not_registered: "PocoBoost: Workerpool not registered",
    workerpool_bad_sig: "PocoBoost: Invalid workerpool order signature",
    request_bad_sig: "PocoBoost: Invalid request order signature",
    volume_zero: "PocoBoost: One or more orders consumed",
};

const BOOST_RESTRICTIONS: [&str; 10] = [
    "PocoBoost: Workerpool restricted by request order",
    "PocoBoost: Dataset restricted by app order",
    "PocoBoost: Workerpool restricted by app order",
    "PocoBoost: Requester restricted by app order",
    "PocoBoost: App restricted by dataset order",
    "PocoBoost: Workerpool restricted by dataset order",
    "PocoBoost: Requester restricted by dataset order",
    "PocoBoost: App restricted by workerpool order",
    "PocoBoost: Dataset restricted by workerpool order",
    "PocoBoost: Requester restricted by workerpool order",
];

/// OpenZeppelin SafeCast: `value < 2^bits` else `SafeCastOverflowedUintDowncast(bits, value)`.
fn safe_cast(value: U256, bits: u8) -> Result<U256> {
    if value.bit_len() > bits as usize {
        Err(PocoError::SafeCast { bits, value })
    } else {
        Ok(value)
    }
}

impl<E: Extension> Poco<E> {
    /// `matchOrdersBoost(…)`: the requester pays (§9.2).
    pub fn match_orders_boost(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
    ) -> Result<B256> {
        self.atomic(|p| p.match_boost_inner(env, app, dataset, wp, req, req.requester))
    }

    /// `sponsorMatchOrdersBoost(…)`: `env.sender` pays (§9.2).
    pub fn sponsor_match_orders_boost(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
    ) -> Result<B256> {
        self.atomic(|p| p.match_boost_inner(env, app, dataset, wp, req, env.sender))
    }

    fn match_boost_inner(
        &mut self,
        env: &Env,
        app: &AppOrder,
        dataset: &DatasetOrder,
        wp: &WorkerpoolOrder,
        req: &RequestOrder,
        sponsor: Address,
    ) -> Result<B256> {
        let st = &self.state;
        require_msg(req.trust <= u(1), "PocoBoost: Bad trust level")?;
        require_msg(req.category == wp.category, "PocoBoost: Category mismatch")?;
        require_msg(
            req.category < U256::from(st.categories.len()),
            "PocoBoost: Unknown category",
        )?;
        require_msg(req.appmaxprice >= app.appprice, "PocoBoost: Overpriced app")?;
        require_msg(
            req.datasetmaxprice >= dataset.datasetprice,
            "PocoBoost: Overpriced dataset",
        )?;
        require_msg(
            req.workerpoolmaxprice >= wp.workerpoolprice,
            "PocoBoost: Overpriced workerpool",
        )?;
        let tag = or(or(app.tag, dataset.tag), req.tag);
        require_msg(
            (tag & !wp.tag) == B256::ZERO,
            "PocoBoost: Workerpool tag does not match demand",
        )?;
        require_msg(
            (tag[31] ^ app.tag[31]) & 1 == 0,
            "PocoBoost: App tag does not match demand",
        )?;
        require_msg(req.app == app.app, "PocoBoost: App mismatch")?;
        require_msg(
            req.dataset == dataset.dataset,
            "PocoBoost: Dataset mismatch",
        )?;
        if let Some(i) = first_failed_restriction(st, app, dataset, wp, req) {
            return Err(PocoError::Revert(BOOST_RESTRICTIONS[i]));
        }
        let m = st.check_signatures_and_volume(app, dataset, wp, req, &BOOST_MSGS)?;
        let has_dataset = dataset.dataset != Address::ZERO;

        let bot_first = st.consumed(m.request_hash);
        let id = deal_id(m.request_hash, bot_first);
        let sigma = st
            .registries
            .workerpools
            .get(&wp.workerpool)
            .map(|w| w.scheduler_reward_ratio)
            .unwrap_or_default();
        let r = st.timeref(req.category)?;
        let deal = DealBoost {
            app_owner: m.app_owner,
            app_price: safe_cast(app.appprice, 96)?,
            dataset_owner: m.dataset_owner,
            dataset_price: if has_dataset {
                safe_cast(dataset.datasetprice, 96)?
            } else {
                U256::ZERO
            },
            workerpool_owner: m.workerpool_owner,
            workerpool_price: safe_cast(wp.workerpoolprice, 96)?,
            requester: req.requester,
            worker_reward: safe_cast(wp.workerpoolprice.mul_(u(100).sub_(sigma)?)? / u(100), 96)?,
            callback: req.callback,
            deadline: safe_cast(env.now().add_(r.mul_(u(CONTRIBUTION_DEADLINE_RATIO))?)?, 40)?,
            bot_first: safe_cast(bot_first, 16)?,
            bot_size: safe_cast(m.volume, 16)?,
            short_tag: [tag[29], tag[30], tag[31]],
            sponsor,
        };
        // B2: the dataset order's price is locked even without a dataset
        let lock = app
            .appprice
            .add_(dataset.datasetprice)?
            .add_(wp.workerpoolprice)?
            .mul_(m.volume)?;
        let pool_stake = scheduler_stake(wp.workerpoolprice)?.mul_(m.volume)?;
        let st = self.st();
        st.ledger_mut().lock(sponsor, lock)?;
        st.ledger_mut().lock(m.workerpool_owner, pool_stake)?;
        st.consume(&m, has_dataset)?;
        st.insert_deal_boost(id, deal);
        Ok(id)
    }

    /// `pushResultBoost(dealId, index, results, resultsCallback, authorizationSign,
    /// enclaveChallenge, enclaveSign)` (§9.3). `index` is relative (0 ≤ index < botSize).
    #[allow(clippy::too_many_arguments)]
    pub fn push_result_boost(
        &mut self,
        env: &Env,
        deal_id: B256,
        index: U256,
        results: &[u8],
        results_callback: &[u8],
        auth_sign: &[u8],
        enclave: Address,
        enclave_sign: &[u8],
    ) -> Result<()> {
        self.atomic(|p| {
            p.push_boost_inner(
                env,
                deal_id,
                index,
                results,
                results_callback,
                auth_sign,
                enclave,
                enclave_sign,
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn push_boost_inner(
        &mut self,
        env: &Env,
        did: B256,
        index: U256,
        results: &[u8],
        results_callback: &[u8],
        auth_sign: &[u8],
        enclave: Address,
        enclave_sign: &[u8],
    ) -> Result<()> {
        let w = env.sender;
        let st = &self.state;
        let deal = st.deals_boost.get(&did).cloned().unwrap_or_default();
        require_msg(index < deal.bot_size, "PocoBoost: Unknown task")?;
        let tid = task_id(did, index);
        require_msg(
            st.tasks
                .get(&tid)
                .is_none_or(|t| t.status == TaskStatus::Unset),
            "PocoBoost: Task status not unset",
        )?;
        require_msg(env.now() < deal.deadline, "PocoBoost: Deadline reached")?;
        require_msg(
            enclave != Address::ZERO || deal.short_tag[2] & 1 == 0,
            "PocoBoost: Tag requires enclave challenge",
        )?;
        require_msg(
            st.check_authorization(deal.workerpool_owner, w, tid, enclave, auth_sign)?,
            "PocoBoost: Invalid contribution authorization signature",
        )?;
        if enclave != Address::ZERO {
            let data = if deal.callback != Address::ZERO {
                results_callback
            } else {
                results
            };
            let mut buf = [0u8; 84];
            buf[..20].copy_from_slice(w.as_slice());
            buf[20..52].copy_from_slice(tid.as_slice());
            buf[52..].copy_from_slice(keccak256(data).as_slice());
            require_msg(
                st.verify_eth_signed(enclave, keccak256(buf), enclave_sign)?,
                "PocoBoost: Invalid enclave signature",
            )?;
        }
        let price = deal
            .app_price
            .add_(deal.dataset_price)?
            .add_(deal.workerpool_price)?;
        let s_pool = scheduler_stake(deal.workerpool_price)?;
        let st = self.st();
        let l = &mut st.ledger_mut();
        // B1: the requester, not the sponsor, is seized
        l.seize(deal.requester, price)?;
        l.reward(w, deal.worker_reward)?;
        if deal.app_price > U256::ZERO {
            l.reward(deal.app_owner, deal.app_price)?;
        }
        if deal.dataset_price > U256::ZERO {
            l.reward(deal.dataset_owner, deal.dataset_price)?;
        }
        l.unlock(deal.workerpool_owner, s_pool)?;
        let k = l.frozen_of(KITTY_ADDRESS);
        let x = if k > U256::ZERO {
            let x = kitty_payout(k)?;
            l.seize(KITTY_ADDRESS, x)?;
            x
        } else {
            U256::ZERO
        };
        l.reward(
            deal.workerpool_owner,
            deal.workerpool_price.sub_(deal.worker_reward)?.add_(x)?,
        )?;
        if deal.callback != Address::ZERO {
            require_msg(
                !results_callback.is_empty(),
                "PocoBoost: Callback requires data",
            )?;
            st.deliver_callback();
        }
        st.insert_task(
            tid,
            Task {
                status: TaskStatus::Completed,
                ..Task::default()
            },
        );
        Ok(())
    }

    /// `claimBoost(dealId, index)` (anyone, §9.4).
    pub fn claim_boost(&mut self, env: &Env, did: B256, index: U256) -> Result<()> {
        self.atomic(|p| {
            let st = &p.state;
            let deal = st.deals_boost.get(&did).cloned().unwrap_or_default();
            require_msg(index < deal.bot_size, "PocoBoost: Unknown task")?;
            let tid = task_id(did, index);
            require_msg(
                st.tasks
                    .get(&tid)
                    .is_none_or(|t| t.status == TaskStatus::Unset),
                "PocoBoost: Task status not unset",
            )?;
            require_msg(
                deal.deadline <= env.now(),
                "PocoBoost: Deadline not reached",
            )?;
            let refund = deal
                .app_price
                .add_(deal.dataset_price)?
                .add_(deal.workerpool_price)?;
            let s_pool = scheduler_stake(deal.workerpool_price)?;
            let st = p.st();
            let l = &mut st.ledger_mut();
            l.unlock(deal.sponsor, refund)?;
            l.seize(deal.workerpool_owner, s_pool)?;
            l.kitty_relock(s_pool)?;
            st.insert_task(
                tid,
                Task {
                    status: TaskStatus::Failed,
                    ..Task::default()
                },
            );
            Ok(())
        })
    }
}
