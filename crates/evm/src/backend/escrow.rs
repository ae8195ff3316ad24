//! Escrow (deposits and withdrawals) and the SRLC ERC-20 surface of the proxy.

use alloy_primitives::{Address, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue};
use pocolab_core::Env;
use pocolab_core::constants::NRLC_TO_WEI;

use super::{EvmPoco, EvmResult};
use crate::abi;
use crate::deploy::EscrowMode;

impl EvmPoco {
    /// Deposit `amount` nRLC. Token mode: `RLC.approveAndCall(proxy, amount, "")`, the way
    /// PoCo's tests deposit (§A.3); native mode: payable `deposit()` with amount × 10⁹ wei.
    pub fn deposit(&mut self, env: &Env, amount: U256) -> EvmResult<()> {
        match self.mode {
            EscrowMode::Token => {
                let rlc = self.addrs.rlc;
                // the faucet RLC's approveAndCall returns nothing (solc 0.4.24 ABI)
                let c = abi::approveAndCallCall {
                    spender: self.addrs.proxy,
                    value: amount,
                    extraData: Bytes::new(),
                };
                self.send_raw(env, "RLC.approveAndCall", rlc, c.abi_encode(), U256::ZERO)
                    .map(|_| ())
            }
            EscrowMode::Native => {
                let p = self.addrs.proxy;
                let wei = amount.saturating_mul(U256::from(NRLC_TO_WEI));
                self.send_raw(env, "deposit", p, vec![0xd0, 0xe3, 0x0d, 0xb0], wei)
                    .map(|_| ())
            }
        }
    }

    /// `RLC.approve(proxy, amount)`, before a token-mode `deposit` or `depositFor`.
    fn approve_proxy(&mut self, env: &Env, amount: U256) -> EvmResult<bool> {
        let rlc = self.addrs.rlc;
        let c = abi::approveCall {
            spender: self.addrs.proxy,
            value: amount,
        };
        self.send(env, "RLC.approve", rlc, c)
    }

    /// Token mode: `RLC.approve(proxy, amount)` then `deposit(amount)` (gas of the latter).
    pub fn approve_and_deposit(&mut self, env: &Env, amount: U256) -> EvmResult<()> {
        self.approve_proxy(env, amount)?;
        self.poco_unit(env, "deposit", abi::depositCall { amount })
    }

    /// `withdraw(amount)`.
    pub fn withdraw(&mut self, env: &Env, amount: U256) -> EvmResult<()> {
        self.poco_unit(env, "withdraw", abi::withdrawCall { amount })
    }

    /// `withdrawTo(amount, target)`.
    pub fn withdraw_to(&mut self, env: &Env, amount: U256, target: Address) -> EvmResult<()> {
        self.poco_unit(env, "withdrawTo", abi::withdrawToCall { amount, target })
    }

    /// `depositFor(amount, target)` (token mode: `RLC.approve` then `depositFor`).
    pub fn deposit_for(&mut self, env: &Env, amount: U256, target: Address) -> EvmResult<()> {
        match self.mode {
            EscrowMode::Token => {
                self.approve_proxy(env, amount)?;
                self.poco_unit(env, "depositFor", abi::depositForCall { amount, target })
            }
            EscrowMode::Native => {
                let p = self.addrs.proxy;
                let wei = amount.saturating_mul(U256::from(NRLC_TO_WEI));
                // native `depositFor(address)` (payable)
                let mut data = keccak256("depositFor(address)")[..4].to_vec();
                data.extend_from_slice(&target.abi_encode());
                self.send_raw(env, "depositFor", p, data, wei).map(|_| ())
            }
        }
    }

    /// SRLC `transfer(to, value)`.
    pub fn transfer(&mut self, env: &Env, to: Address, value: U256) -> EvmResult<()> {
        self.poco_unit(env, "transfer", abi::transferCall { to, value })
    }

    /// SRLC `approve(spender, value)`.
    pub fn approve(&mut self, env: &Env, spender: Address, value: U256) -> EvmResult<()> {
        self.poco_unit(env, "approve", abi::approveCall { spender, value })
    }

    /// SRLC `transferFrom(from, to, value)`.
    pub fn transfer_from(
        &mut self,
        env: &Env,
        from: Address,
        to: Address,
        value: U256,
    ) -> EvmResult<()> {
        let c = abi::transferFromCall { from, to, value };
        self.poco_unit(env, "transferFrom", c)
    }

    /// SRLC `allowance(owner, spender)`.
    pub fn allowance(&mut self, owner: Address, spender: Address) -> U256 {
        self.view(abi::allowanceCall {
            account: owner,
            spender,
        })
        .expect("allowance")
    }
}
