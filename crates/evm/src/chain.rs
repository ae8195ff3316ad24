//! A thin, synchronous wrapper around a revm mainnet EVM over an in-memory `CacheDB`.

use alloy_primitives::{Address, Bytes, U256};
use revm::context::result::{ExecutionResult, Output};
use revm::context::{Context, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::{MainnetContext, MainnetEvm};
use revm::primitives::TxKind;
use revm::primitives::hardfork::SpecId;
use revm::state::AccountInfo;
use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

use crate::revert::{RevertReason, decode_revert};

/// The in-memory database; cloning it is the snapshot mechanism.
pub type Db = CacheDB<EmptyDB>;
type Vm = MainnetEvm<MainnetContext<Db>>;

/// Gas limit given to every transaction (generous: the callback gas assertion of §7.12 is
/// not exercised, as in the core which assumes enough gas).
pub const TX_GAS_LIMIT: u64 = 30_000_000;

/// Outcome of one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOutcome {
    /// `Ok(returndata)` on success, `Err(reason)` on revert or halt.
    pub result: Result<Bytes, RevertReason>,
    /// `gasUsed` of the transaction (21 000 + calldata + execution − refund).
    pub gas_used: u64,
    /// Address created by a CREATE transaction.
    pub created: Option<Address>,
}

/// An EVM chain (Prague rules, gas price 0, nonce checks off) at a settable block timestamp.
pub struct Chain {
    vm: Vm,
    /// `block.chainid` and transaction chain id.
    pub chain_id: u64,
}

impl Clone for Chain {
    fn clone(&self) -> Self {
        Self::from_db(self.db().clone(), self.chain_id, self.timestamp())
    }
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Chain(chain_id={}, timestamp={})",
            self.chain_id,
            self.timestamp()
        )
    }
}

impl Chain {
    /// An empty chain.
    pub fn new(chain_id: u64) -> Self {
        Self::from_db(Db::default(), chain_id, 1)
    }

    /// A chain over an existing database (snapshot).
    pub fn from_db(db: Db, chain_id: u64, timestamp: u64) -> Self {
        let ctx = Context::mainnet()
            .modify_cfg_chained(|c| {
                c.set_spec_and_mainnet_gas_params(SpecId::PRAGUE);
                c.chain_id = chain_id;
                c.disable_nonce_check = true;
            })
            .modify_block_chained(|b| {
                b.gas_limit = 1_000_000_000;
                b.basefee = 0;
                b.number = U256::from(1);
                b.timestamp = U256::from(timestamp);
            })
            .with_db(db);
        Self {
            vm: ctx.build_mainnet(),
            chain_id,
        }
    }

    /// The database (clone it to snapshot the chain).
    pub fn db(&self) -> &Db {
        &self.vm.ctx.journaled_state.database
    }

    /// Mutable database (storage pokes, ETH balances).
    pub fn db_mut(&mut self) -> &mut Db {
        &mut self.vm.ctx.journaled_state.database
    }

    /// Current `block.timestamp`.
    pub fn timestamp(&self) -> u64 {
        self.vm.ctx.block.timestamp.saturating_to()
    }

    /// Set `block.timestamp` (and bump the block number) for the next transactions.
    pub fn set_timestamp(&mut self, ts: u64) {
        self.vm.ctx.block.timestamp = U256::from(ts);
        self.vm.ctx.block.number += U256::from(1);
    }

    /// Set the ETH balance of `a`.
    pub fn set_eth_balance(&mut self, a: Address, wei: U256) {
        let db = self.db_mut();
        let mut info = db
            .cache
            .accounts
            .get(&a)
            .map(|acc| acc.info.clone())
            .unwrap_or_default();
        info.balance = wei;
        db.insert_account_info(a, info);
    }

    /// ETH balance of `a`.
    pub fn eth_balance(&self, a: Address) -> U256 {
        self.db()
            .cache
            .accounts
            .get(&a)
            .map(|acc| acc.info.balance)
            .unwrap_or_default()
    }

    /// Write a storage slot directly (what PoCo's tests do for worker scores).
    pub fn poke_storage(&mut self, a: Address, slot: U256, value: U256) {
        self.db_mut()
            .insert_account_storage(a, slot, value)
            .expect("in-memory db");
    }

    /// Has `a` code?
    pub fn has_code(&self, a: Address) -> bool {
        self.db()
            .cache
            .accounts
            .get(&a)
            .is_some_and(|acc| acc.info.code.as_ref().is_some_and(|c| !c.is_empty()))
    }

    fn tx(&self, from: Address, kind: TxKind, data: Bytes, value: U256) -> TxEnv {
        TxEnv {
            tx_type: 0,
            caller: from,
            gas_limit: TX_GAS_LIMIT,
            gas_price: 0,
            kind,
            value,
            data,
            nonce: 0,
            chain_id: Some(self.chain_id),
            ..Default::default()
        }
    }

    /// Send a state-changing transaction (committed even when it reverts: nonce and gas).
    pub fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> TxOutcome {
        let tx = self.tx(from, TxKind::Call(to), data, value);
        let r = self.vm.transact_commit(tx).expect("transaction validation");
        outcome(r)
    }

    /// Deploy `code` (creation code ‖ constructor args) from `from`.
    pub fn create(&mut self, from: Address, code: Bytes) -> TxOutcome {
        let tx = self.tx(from, TxKind::Create, code, U256::ZERO);
        let r = self.vm.transact_commit(tx).expect("transaction validation");
        outcome(r)
    }

    /// Run a call without committing it (views).
    pub fn call(&mut self, from: Address, to: Address, data: Bytes) -> TxOutcome {
        let tx = self.tx(from, TxKind::Call(to), data, U256::ZERO);
        let r = self.vm.transact(tx).expect("transaction validation");
        outcome(r.result)
    }
}

fn outcome(r: ExecutionResult) -> TxOutcome {
    let gas_used = r.tx_gas_used();
    match r {
        ExecutionResult::Success { output, .. } => match output {
            Output::Call(b) => TxOutcome {
                result: Ok(b),
                gas_used,
                created: None,
            },
            Output::Create(b, a) => TxOutcome {
                result: Ok(b),
                gas_used,
                created: a,
            },
        },
        ExecutionResult::Revert { output, .. } => TxOutcome {
            result: Err(decode_revert(&output)),
            gas_used,
            created: None,
        },
        ExecutionResult::Halt { reason, .. } => TxOutcome {
            result: Err(RevertReason::Halt(format!("{reason:?}"))),
            gas_used,
            created: None,
        },
    }
}

/// Unused-import guard for `AccountInfo` (kept for callers building accounts).
#[allow(dead_code)]
fn _account_info_type(_: AccountInfo) {}
