//! The conformance scenario format (TOML, see `docs/conformance.md`).

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

mod check;

pub use check::ScenarioError;

/// A number: a TOML integer or a decimal / `0x` string (for values above 2⁶³).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Num {
    /// small value
    Int(u64),
    /// decimal or hex string
    Str(String),
}

impl Num {
    /// The value; 0 when it does not parse, which [`Scenario::check`] rules out before a
    /// scenario runs (`Num::parse` is the strict form).
    pub fn value(&self) -> U256 {
        match self {
            Num::Int(v) => U256::from(*v),
            Num::Str(s) => {
                let s = s.trim().replace('_', "");
                if let Some(h) = s.strip_prefix("0x") {
                    U256::from_str_radix(h, 16).unwrap_or_default()
                } else {
                    U256::from_str_radix(&s, 10).unwrap_or_default()
                }
            }
        }
    }
}

impl From<u64> for Num {
    fn from(v: u64) -> Self {
        Num::Int(v)
    }
}

impl Default for Num {
    fn default() -> Self {
        Num::Int(0)
    }
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// name
    pub name: String,
    /// free text
    #[serde(default)]
    pub description: String,
    /// number of workers (`worker1` … `workerN`)
    #[serde(default = "default_workers")]
    pub workers: usize,
    /// block timestamp of the first call
    #[serde(default = "default_start")]
    pub start: u64,
    /// RLC minted and deposited before the first call
    #[serde(default)]
    pub deposits: Vec<Deposit>,
    /// assets created before the first call
    #[serde(default)]
    pub assets: Vec<Asset>,
    /// named order sets (the four orders of one match)
    #[serde(default)]
    pub orders: Vec<OrderSpec>,
    /// the calls, in order
    #[serde(default)]
    pub calls: Vec<Call>,
}

fn default_workers() -> usize {
    3
}
fn default_start() -> u64 {
    1_700_000_000
}

/// `mint` + `deposit` at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deposit {
    /// actor
    pub actor: String,
    /// nRLC
    pub amount: Num,
}

/// Asset kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKindSpec {
    /// app
    App,
    /// dataset
    Dataset,
    /// workerpool
    Workerpool,
}

/// An asset created through its registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// kind
    pub kind: AssetKindSpec,
    /// name used by orders
    pub name: String,
    /// owner actor
    pub owner: String,
    /// app mrenclave (non-empty = TEE app)
    #[serde(default)]
    pub mrenclave: String,
}

/// The four orders of one match, `buildOrders`-style (§A.4), plus deviations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct OrderSpec {
    /// name
    pub name: String,
    /// app asset name (or actor / 0x address)
    pub app: String,
    /// dataset asset name; empty = no dataset
    pub dataset: String,
    /// workerpool asset name
    pub workerpool: String,
    /// requester actor (default `requester`)
    pub requester: Option<String>,
    /// beneficiary actor (default `beneficiary`)
    pub beneficiary: Option<String>,
    /// callback (actor, asset or address; default none)
    pub callback: Option<String>,
    /// prices
    pub app_price: Num,
    /// dataset price
    pub dataset_price: Num,
    /// workerpool price
    pub workerpool_price: Num,
    /// volume of all four orders (default 1)
    pub volume: Option<Num>,
    /// request volume if different
    pub request_volume: Option<Num>,
    /// workerpool volume if different
    pub workerpool_volume: Option<Num>,
    /// request max prices if different from the prices
    pub app_max_price: Option<Num>,
    /// dataset max price
    pub dataset_max_price: Option<Num>,
    /// workerpool max price
    pub workerpool_max_price: Option<Num>,
    /// trust (request and workerpool orders)
    pub trust: Num,
    /// category (request and workerpool orders)
    pub category: Num,
    /// request category if different
    pub request_category: Option<Num>,
    /// tag of all four orders (hex bytes32)
    pub tag: Option<String>,
    /// request tag if different
    pub request_tag: Option<String>,
    /// salt (hex bytes32 or any text, hashed)
    pub salt: Option<String>,
    /// params string of the request
    pub params: String,
    /// restrictions: `"<order>.<field>" = who` e.g. `"app.requesterrestrict" = "sponsor"`
    pub restrict: std::collections::BTreeMap<String, String>,
    /// signer override per order (`app`, `dataset`, `workerpool`, `request`) → actor, or
    /// `"none"` for an empty signature (e.g. to use presigning)
    pub signer: std::collections::BTreeMap<String, String>,
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// seconds to advance before the call
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dt: u64,
    /// absolute block timestamp of the call (overrides `dt`; must not go back in time)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<u64>,
    /// expected observed values after the call, on both sides: field path (as in divergence
    /// reports, e.g. `account.requester.balance`, `task.d1#0.status`) → canonical value
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub check: std::collections::BTreeMap<String, String>,
    /// sender actor (defaults depend on the call; see docs)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// expected outcome: `ok` or an error class (`revert()`, `iExecV5-matchOrders-0x12`…)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// what to call
    #[serde(flatten)]
    pub op: Op,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Which order of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    /// app order
    App,
    /// dataset order
    Dataset,
    /// workerpool order
    Workerpool,
    /// request order
    Request,
}

/// Order operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    /// presign
    Sign,
    /// close
    Close,
}

/// Array helper (spec §7.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// `initializeArray`
    Initialize,
    /// `claimArray`
    Claim,
    /// `initializeAndClaimArray`
    InitializeAndClaim,
}

/// The entry points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Op {
    /// genesis RLC to an actor (not a PoCo call)
    Mint {
        /// actor
        actor: String,
        /// nRLC
        amount: Num,
    },
    /// `deposit(amount)` (token: `approveAndCall`)
    Deposit {
        /// nRLC
        amount: Num,
    },
    /// `withdraw(amount)`
    Withdraw {
        /// nRLC
        amount: Num,
    },
    /// `matchOrders` / `sponsorMatchOrders` (sponsor = sender)
    Match {
        /// order set
        orders: String,
        /// name bound to the deal id
        deal: String,
        /// sponsored
        #[serde(default)]
        sponsored: bool,
    },
    /// `matchOrdersBoost` / `sponsorMatchOrdersBoost`
    MatchBoost {
        /// order set
        orders: String,
        /// deal name
        deal: String,
        /// sponsored
        #[serde(default)]
        sponsored: bool,
    },
    /// `manage*Order`
    Manage {
        /// order set
        orders: String,
        /// which order
        which: Which,
        /// sign or close
        op: OpKind,
    },
    /// `initialize(deal, idx)`
    Initialize {
        /// deal
        deal: String,
        /// absolute task index
        #[serde(default)]
        idx: u64,
    },
    /// `contribute` by the sender (a worker)
    Contribute {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
        /// result text; digest = keccak256(text)
        result: String,
        /// authorization signer (default: the deal's scheduler)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorizer: Option<String>,
        /// enclave actor (TEE)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enclave: Option<String>,
    },
    /// `reveal`
    Reveal {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
        /// result text
        result: String,
    },
    /// `reopen`
    Reopen {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
    },
    /// `finalize`
    Finalize {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
        /// results bytes (text)
        #[serde(default)]
        results: String,
        /// resultsCallback bytes (text)
        #[serde(default)]
        callback_data: String,
    },
    /// `contributeAndFinalize` by the sender (a worker)
    ContributeAndFinalize {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
        /// result text (digest)
        result: String,
        /// results bytes
        #[serde(default)]
        results: String,
        /// resultsCallback bytes
        #[serde(default)]
        callback_data: String,
        /// authorization signer
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorizer: Option<String>,
        /// enclave
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enclave: Option<String>,
    },
    /// `claim`
    Claim {
        /// deal
        deal: String,
        /// task index
        #[serde(default)]
        idx: u64,
    },
    /// `pushResultBoost` by the sender (a worker); `idx` is relative
    PushResultBoost {
        /// deal
        deal: String,
        /// index
        #[serde(default)]
        idx: u64,
        /// results bytes
        #[serde(default)]
        results: String,
        /// resultsCallback bytes
        #[serde(default)]
        callback_data: String,
        /// authorization signer
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorizer: Option<String>,
        /// enclave
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enclave: Option<String>,
    },
    /// `claimBoost`
    ClaimBoost {
        /// deal
        deal: String,
        /// index
        #[serde(default)]
        idx: u64,
    },
    /// set a worker's score (storage write on the EVM, as PoCo's tests do)
    SetScore {
        /// worker actor
        worker: String,
        /// score
        score: u64,
    },
    /// `depositFor(amount, target)` (token: `approve` + `depositFor`)
    DepositFor {
        /// nRLC
        amount: Num,
        /// beneficiary of the deposit
        target: String,
    },
    /// `withdrawTo(amount, target)`
    WithdrawTo {
        /// nRLC
        amount: Num,
        /// receiver of the RLC
        target: String,
    },
    /// SRLC `transfer(to, amount)`
    Transfer {
        /// receiver
        to: String,
        /// nRLC
        amount: Num,
    },
    /// SRLC `approve(spender, amount)`
    Approve {
        /// spender
        spender: String,
        /// nRLC
        amount: Num,
    },
    /// SRLC `transferFrom(from, to, amount)`
    TransferFrom {
        /// owner
        from: String,
        /// receiver
        to: String,
        /// nRLC
        amount: Num,
    },
    /// `initializeArray` / `claimArray` / `initializeAndClaimArray` over `tasks` =
    /// `["d1#0", "d1#1", …]`
    Batch {
        /// `initialize`, `claim` or `initialize_and_claim`
        kind: BatchKind,
        /// tasks as `deal#idx`
        tasks: Vec<String>,
    },
    /// `createApp` / `createDataset` / `createWorkerpool` sent by the sender; binds `name`
    CreateAsset {
        /// kind
        kind: AssetKindSpec,
        /// name bound to the address
        name: String,
        /// owner actor
        owner: String,
    },
    /// `setTeeBroker(broker)` (owner only)
    SetTeeBroker {
        /// broker actor or address
        broker: String,
    },
    /// `Workerpool.changePolicy` by the sender
    ChangePolicy {
        /// workerpool asset
        pool: String,
        /// worker stake ratio
        worker_stake_ratio: Num,
        /// scheduler reward ratio
        scheduler_reward_ratio: Num,
    },
}

impl Op {
    /// Short label for reports.
    pub fn label(&self) -> String {
        match self {
            Op::Mint { actor, amount } => format!("mint({actor}, {})", amount.value()),
            Op::Deposit { amount } => format!("deposit({})", amount.value()),
            Op::Withdraw { amount } => format!("withdraw({})", amount.value()),
            Op::Match {
                orders,
                deal,
                sponsored,
            } => format!(
                "{}({orders}) -> {deal}",
                if *sponsored {
                    "sponsorMatchOrders"
                } else {
                    "matchOrders"
                }
            ),
            Op::MatchBoost {
                orders,
                deal,
                sponsored,
            } => format!(
                "{}({orders}) -> {deal}",
                if *sponsored {
                    "sponsorMatchOrdersBoost"
                } else {
                    "matchOrdersBoost"
                }
            ),
            Op::Manage { orders, which, op } => format!("manage{which:?}Order({orders}, {op:?})"),
            Op::Initialize { deal, idx } => format!("initialize({deal}#{idx})"),
            Op::Contribute {
                deal, idx, result, ..
            } => format!("contribute({deal}#{idx}, {result:?})"),
            Op::Reveal { deal, idx, result } => format!("reveal({deal}#{idx}, {result:?})"),
            Op::Reopen { deal, idx } => format!("reopen({deal}#{idx})"),
            Op::Finalize { deal, idx, .. } => format!("finalize({deal}#{idx})"),
            Op::ContributeAndFinalize {
                deal, idx, result, ..
            } => format!("contributeAndFinalize({deal}#{idx}, {result:?})"),
            Op::Claim { deal, idx } => format!("claim({deal}#{idx})"),
            Op::PushResultBoost { deal, idx, .. } => format!("pushResultBoost({deal}#{idx})"),
            Op::ClaimBoost { deal, idx } => format!("claimBoost({deal}#{idx})"),
            Op::SetScore { worker, score } => format!("setScore({worker}, {score})"),
            Op::DepositFor { amount, target } => {
                format!("depositFor({}, {target})", amount.value())
            }
            Op::WithdrawTo { amount, target } => {
                format!("withdrawTo({}, {target})", amount.value())
            }
            Op::Transfer { to, amount } => format!("transfer({to}, {})", amount.value()),
            Op::Approve { spender, amount } => format!("approve({spender}, {})", amount.value()),
            Op::TransferFrom { from, to, amount } => {
                format!("transferFrom({from}, {to}, {})", amount.value())
            }
            Op::Batch { kind, tasks } => format!("{kind:?}Array({})", tasks.join(",")),
            Op::CreateAsset { kind, name, owner } => format!("create{kind:?}({name}, {owner})"),
            Op::SetTeeBroker { broker } => format!("setTeeBroker({broker})"),
            Op::ChangePolicy {
                pool,
                worker_stake_ratio,
                scheduler_reward_ratio,
            } => {
                format!(
                    "changePolicy({pool}, {}, {})",
                    worker_stake_ratio.value(),
                    scheduler_reward_ratio.value()
                )
            }
        }
    }
}

impl Scenario {
    /// Parse a TOML scenario.
    pub fn from_toml(s: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(s)
    }

    /// Serialize to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}
