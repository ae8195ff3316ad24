//! Hard-coded protocol constants (spec §1.1, `FacetBase.sol`).

use alloy_primitives::{Address, U256, address};

/// Contribution deadline = deal start + 7·R (spec §4).
pub const CONTRIBUTION_DEADLINE_RATIO: u64 = 7;
/// Reveal deadline = consensus time + 2·R (spec §4).
pub const REVEAL_DEADLINE_RATIO: u64 = 2;
/// Final deadline = deal start + 10·R (spec §4).
pub const FINAL_DEADLINE_RATIO: u64 = 10;
/// Scheduler stake per task: `⌊P_w·30/100⌋` (spec §6.5).
pub const WORKERPOOL_STAKE_RATIO: u64 = 30;
/// Kitty payout ratio, in percent (spec §3.4).
pub const KITTY_RATIO: u64 = 10;
/// Minimum kitty payout: 1 RLC = 10⁹ nRLC (spec §3.4).
pub const KITTY_MIN: u64 = 1_000_000_000;
/// Pseudo-account holding seized scheduler stakes (spec §1.1: use the literal constant).
pub const KITTY_ADDRESS: Address = address!("99c2268479b93fDe36232351229815DF80837e23");
/// ERC-734 purpose checked for group restrictions (spec §2.5).
pub const GROUPMEMBER_PURPOSE: u64 = 4;
/// Default `m_workerStakeRatioPolicy` of a new workerpool (spec §2.3).
pub const DEFAULT_WORKER_STAKE_RATIO: u64 = 30;
/// Default `m_schedulerRewardRatioPolicy` of a new workerpool (spec §2.3).
pub const DEFAULT_SCHEDULER_REWARD_RATIO: u64 = 1;
/// Callback gas set by `configure` in 6.1.0 (spec §1.2; 200 000 only from 6.2.0).
pub const DEFAULT_CALLBACK_GAS: u64 = 100_000;
/// Native mode: 1 nRLC = 10⁹ wei (spec §3.2).
pub const NRLC_TO_WEI: u64 = 1_000_000_000;
/// EIP-712 domain name (spec §5.5).
pub const EIP712_DOMAIN_NAME: &str = "iExecODB";
/// EIP-712 domain version (spec §5.5).
pub const EIP712_DOMAIN_VERSION: &str = "5.0.0";

/// `1 RLC` in nRLC.
pub const RLC: u64 = 1_000_000_000;

/// Shorthand for `U256::from(x)`.
#[inline]
pub fn u(x: u64) -> U256 {
    U256::from(x)
}

/// The deployed categories of `config/config.json` (spec §1.3): (name, workClockTimeRef).
pub const DEPLOYED_CATEGORIES: [(&str, u64); 5] = [
    ("XS", 300),
    ("S", 1_200),
    ("M", 3_600),
    ("L", 10_800),
    ("XL", 36_000),
];
