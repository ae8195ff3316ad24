//! Deals (spec §6.3, §9.1).

use alloy_primitives::{Address, B256, U256};

/// `{pointer, owner, price}` of a deal resource, snapshotted at match time (spec §2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Resource {
    /// asset address
    pub pointer: Address,
    /// owner at match time
    pub owner: Address,
    /// per-task price
    pub price: U256,
}

/// A classic deal (`viewDeal`), spec §6.3.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct Deal {
    pub app: Resource,
    pub dataset: Resource,
    pub workerpool: Resource,
    /// `max(request.trust, 1)`
    pub trust: U256,
    pub category: U256,
    /// `app.tag | dataset.tag | request.tag`
    pub tag: B256,
    pub requester: Address,
    pub beneficiary: Address,
    pub callback: Address,
    pub params: String,
    /// block time of the match
    pub start_time: U256,
    /// `consumed[requestHash]` before the match
    pub bot_first: U256,
    pub bot_size: U256,
    /// `⌊P_w·ρ/100⌋`
    pub worker_stake: U256,
    /// σ at match time
    pub scheduler_reward_ratio: U256,
    pub sponsor: Address,
}

impl Deal {
    /// `P = P_a + P_d + P_w` (checked).
    pub fn task_price(&self) -> crate::error::Result<U256> {
        use crate::error::Checked;
        self.app
            .price
            .add_(self.dataset.price)?
            .add_(self.workerpool.price)
    }

    /// Whether bit 0 (TEE) of the deal tag is set (spec §5.2).
    pub fn is_tee(&self) -> bool {
        self.tag[31] & 1 == 1
    }
}

/// A Boost deal (`viewDealBoost`), spec §9.1. Widths of the packed storage are enforced at
/// match time with SafeCast semantics; they are stored widened here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct DealBoost {
    pub app_owner: Address,
    pub app_price: U256,
    pub dataset_owner: Address,
    pub dataset_price: U256,
    pub workerpool_owner: Address,
    pub workerpool_price: U256,
    pub requester: Address,
    /// `⌊P_w·(100−σ)/100⌋` (uint96)
    pub worker_reward: U256,
    pub callback: Address,
    /// `matchTime + 7R` (uint40)
    pub deadline: U256,
    pub bot_first: U256,
    pub bot_size: U256,
    /// lowest 24 bits of the deal tag
    pub short_tag: [u8; 3],
    pub sponsor: Address,
}
