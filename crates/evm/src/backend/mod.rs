//! [`EvmPoco`]: the real PoCo bytecode behind the same call surface as `pocolab_core::Poco`.
//!
//! Every state-changing entry point takes an [`Env`]: `sender` is the transaction's
//! `msg.sender`, `timestamp` becomes `block.timestamp` and `chain_id` `block.chainid`.
//! Failures are [`RevertReason`]s whose [`RevertReason::class`] is comparable with
//! `PocoError::class()`. The gas used by every call is recorded in [`EvmPoco::gas_log`].
//!
//! The entry points are grouped by facet: escrow and SRLC (`escrow`), the asset registries
//! (`registries`), matching and order management (`orders`), the task lifecycle
//! (`lifecycle`) and the getters (`views`).

mod escrow;
mod lifecycle;
mod orders;
mod registries;
mod views;

use alloy_primitives::{Address, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue};
use pocolab_core::Env;
use pocolab_core::constants::NRLC_TO_WEI;

use crate::abi;
use crate::chain::Chain;
use crate::deploy::{Addresses, Deployment, EscrowMode};
use crate::revert::RevertReason;

/// Result of an EVM call.
pub type EvmResult<T> = Result<T, RevertReason>;

/// ERC-7201 base slot of the PoCo storage struct (evm-oracle.md §B, E.6).
pub const POCO_STORAGE: U256 = alloy_primitives::uint!(
    0x5862653c6982c162832160cf30593645e8487b257e44d77cdd6b51eee2651b00_U256
);
/// Field offset of `m_workerScores` (E.6).
pub const SCORES_OFFSET: u64 = 18;

/// One recorded call: operation name, success, gas used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasEntry {
    /// entry point (`matchOrders`, `contribute`, …)
    pub op: &'static str,
    /// did it succeed
    pub ok: bool,
    /// `gasUsed`
    pub gas: u64,
}

/// The real PoCo 6.1.0 in revm, started from a deployment snapshot.
#[derive(Debug, Clone)]
pub struct EvmPoco {
    /// the chain (a clone of the deployment snapshot)
    pub chain: Chain,
    /// deployed addresses
    pub addrs: Addresses,
    /// escrow mode
    pub mode: EscrowMode,
    /// every state-changing call with its gas
    pub gas_log: Vec<GasEntry>,
}

impl EvmPoco {
    /// A fresh PoCo from the deployment snapshot (a DB clone: cheap).
    pub fn new(d: &Deployment) -> Self {
        Self {
            chain: d.chain.clone(),
            addrs: d.addrs,
            mode: d.mode,
            gas_log: Vec::new(),
        }
    }

    /// The proxy (PoCo) address.
    pub fn proxy(&self) -> Address {
        self.addrs.proxy
    }

    /// Gas used by the last recorded call.
    pub fn last_gas(&self) -> u64 {
        self.gas_log.last().map(|g| g.gas).unwrap_or_default()
    }

    fn apply_env(&mut self, env: &Env) {
        if env.timestamp != self.chain.timestamp() {
            self.chain.set_timestamp(env.timestamp);
        }
        if env.chain_id != self.chain.chain_id {
            self.chain = Chain::from_db(self.chain.db().clone(), env.chain_id, env.timestamp);
        }
    }

    /// Send raw calldata to `to` as `env.sender`.
    pub fn send_raw(
        &mut self,
        env: &Env,
        op: &'static str,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> EvmResult<Bytes> {
        self.apply_env(env);
        let o = self.chain.send(env.sender, to, data.into(), value);
        self.gas_log.push(GasEntry {
            op,
            ok: o.result.is_ok(),
            gas: o.gas_used,
        });
        o.result
    }

    fn send<C: SolCall>(
        &mut self,
        env: &Env,
        op: &'static str,
        to: Address,
        c: C,
    ) -> EvmResult<C::Return> {
        let out = self.send_raw(env, op, to, c.abi_encode(), U256::ZERO)?;
        C::abi_decode_returns(&out)
            .map_err(|e| RevertReason::Custom(format!("bad return data: {e}")))
    }

    fn poco<C: SolCall>(&mut self, env: &Env, op: &'static str, c: C) -> EvmResult<C::Return> {
        let p = self.addrs.proxy;
        self.send(env, op, p, c)
    }

    /// [`Self::poco`] for an entry point whose return value is not used.
    fn poco_unit<C: SolCall>(&mut self, env: &Env, op: &'static str, c: C) -> EvmResult<()> {
        self.poco(env, op, c).map(|_| ())
    }

    /// Run a view on `to`.
    pub fn view_on<C: SolCall>(&mut self, to: Address, c: C) -> EvmResult<C::Return> {
        let o = self.chain.call(self.addrs.admin, to, c.abi_encode().into());
        let out = o.result?;
        C::abi_decode_returns(&out)
            .map_err(|e| RevertReason::Custom(format!("bad return data: {e}")))
    }

    fn view<C: SolCall>(&mut self, c: C) -> EvmResult<C::Return> {
        let p = self.addrs.proxy;
        self.view_on(p, c)
    }

    // ------------------------------------------------------------ genesis helpers

    /// Give `a` RLC (token mode: transfer from the deployer, who holds the initial supply;
    /// native mode: ETH, amount × 10⁹ wei). Not a PoCo call.
    pub fn mint_rlc(&mut self, a: Address, v: U256) -> EvmResult<()> {
        match self.mode {
            EscrowMode::Token => {
                let env = Env {
                    sender: self.addrs.admin,
                    timestamp: self.chain.timestamp(),
                    chain_id: self.chain.chain_id,
                };
                let rlc = self.addrs.rlc;
                let ok = self.send(
                    &env,
                    "RLC.transfer",
                    rlc,
                    abi::transferCall { to: a, value: v },
                )?;
                self.gas_log.pop();
                if ok {
                    Ok(())
                } else {
                    Err(RevertReason::Message("RLC transfer returned false".into()))
                }
            }
            EscrowMode::Native => {
                let wei = self.chain.eth_balance(a) + v * U256::from(NRLC_TO_WEI);
                self.chain.set_eth_balance(a, wei);
                Ok(())
            }
        }
    }

    /// RLC (token) or ETH/10⁹ (native) held by `a` outside PoCo.
    pub fn rlc_balance(&mut self, a: Address) -> U256 {
        match self.mode {
            EscrowMode::Token => {
                let rlc = self.addrs.rlc;
                self.view_on(rlc, abi::balanceOfCall { who: a })
                    .unwrap_or_default()
            }
            EscrowMode::Native => self.chain.eth_balance(a) / U256::from(NRLC_TO_WEI),
        }
    }

    /// Set a worker's score by writing `m_workerScores` (what PoCo's tests do).
    pub fn set_score(&mut self, worker: Address, score: U256) {
        let slot = keccak256((worker, POCO_STORAGE + U256::from(SCORES_OFFSET)).abi_encode());
        let p = self.addrs.proxy;
        self.chain.poke_storage(p, slot.into(), score);
    }

    // ------------------------------------------------------------ configuration

    /// `setTeeBroker(addr)`.
    pub fn set_tee_broker(&mut self, env: &Env, broker: Address) -> EvmResult<()> {
        let c = abi::setTeeBrokerCall { _teebroker: broker };
        self.poco_unit(env, "setTeeBroker", c)
    }

    /// `setCallbackGas(g)`.
    pub fn set_callback_gas(&mut self, env: &Env, gas: U256) -> EvmResult<()> {
        let c = abi::setCallbackGasCall { _callbackgas: gas };
        self.poco_unit(env, "setCallbackGas", c)
    }
}
