//! [`EvmPoco`]: the real PoCo bytecode behind the same call surface as `pocolab_core::Poco`.
//!
//! Every state-changing entry point takes an [`Env`]: `sender` is the transaction's
//! `msg.sender`, `timestamp` becomes `block.timestamp` and `chain_id` `block.chainid`.
//! Failures are [`RevertReason`]s whose [`RevertReason::class`] is comparable with
//! `PocoError::class()`. The gas used by every call is recorded in [`EvmPoco::gas_log`].

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue};
use pocolab_core::constants::{KITTY_ADDRESS, NRLC_TO_WEI};
use pocolab_core::{self as core, Env, Operation};

use crate::abi;
use crate::chain::Chain;
use crate::convert;
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

    // ------------------------------------------------------------ escrow

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

    /// Token mode: `RLC.approve(proxy, amount)` then `deposit(amount)` (gas of the latter).
    pub fn approve_and_deposit(&mut self, env: &Env, amount: U256) -> EvmResult<()> {
        let rlc = self.addrs.rlc;
        self.send(
            env,
            "RLC.approve",
            rlc,
            abi::approveCall {
                spender: self.addrs.proxy,
                value: amount,
            },
        )?;
        self.poco(env, "deposit", abi::depositCall { amount })
            .map(|_| ())
    }

    /// `withdraw(amount)`.
    pub fn withdraw(&mut self, env: &Env, amount: U256) -> EvmResult<()> {
        self.poco(env, "withdraw", abi::withdrawCall { amount })
            .map(|_| ())
    }

    /// `withdrawTo(amount, target)`.
    pub fn withdraw_to(&mut self, env: &Env, amount: U256, target: Address) -> EvmResult<()> {
        self.poco(env, "withdrawTo", abi::withdrawToCall { amount, target })
            .map(|_| ())
    }

    /// `depositFor(amount, target)` (token mode: `RLC.approve` then `depositFor`).
    pub fn deposit_for(&mut self, env: &Env, amount: U256, target: Address) -> EvmResult<()> {
        match self.mode {
            EscrowMode::Token => {
                let rlc = self.addrs.rlc;
                self.send(
                    env,
                    "RLC.approve",
                    rlc,
                    abi::approveCall {
                        spender: self.addrs.proxy,
                        value: amount,
                    },
                )?;
                self.poco(env, "depositFor", abi::depositForCall { amount, target })
                    .map(|_| ())
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
        self.poco(env, "transfer", abi::transferCall { to, value })
            .map(|_| ())
    }

    /// SRLC `approve(spender, value)`.
    pub fn approve(&mut self, env: &Env, spender: Address, value: U256) -> EvmResult<()> {
        self.poco(env, "approve", abi::approveCall { spender, value })
            .map(|_| ())
    }

    /// SRLC `transferFrom(from, to, value)`.
    pub fn transfer_from(
        &mut self,
        env: &Env,
        from: Address,
        to: Address,
        value: U256,
    ) -> EvmResult<()> {
        self.poco(
            env,
            "transferFrom",
            abi::transferFromCall { from, to, value },
        )
        .map(|_| ())
    }

    /// SRLC `allowance(owner, spender)`.
    pub fn allowance(&mut self, owner: Address, spender: Address) -> U256 {
        self.view(abi::allowanceCall {
            account: owner,
            spender,
        })
        .expect("allowance")
    }

    // ------------------------------------------------------------ configuration

    /// `setTeeBroker(addr)`.
    pub fn set_tee_broker(&mut self, env: &Env, broker: Address) -> EvmResult<()> {
        self.poco(
            env,
            "setTeeBroker",
            abi::setTeeBrokerCall { _teebroker: broker },
        )
        .map(|_| ())
    }

    /// `setCallbackGas(g)`.
    pub fn set_callback_gas(&mut self, env: &Env, gas: U256) -> EvmResult<()> {
        self.poco(
            env,
            "setCallbackGas",
            abi::setCallbackGasCall { _callbackgas: gas },
        )
        .map(|_| ())
    }

    // ------------------------------------------------------------ registries

    /// `AppRegistry.createApp(owner, …)` sent by `env.sender`.
    pub fn create_app(
        &mut self,
        env: &Env,
        owner: Address,
        name: &str,
        app_type: &str,
        multiaddr: Bytes,
        checksum: B256,
        mrenclave: Bytes,
    ) -> EvmResult<Address> {
        let r = self.addrs.app_registry;
        let c = abi::createAppCall {
            _appOwner: owner,
            _appName: name.into(),
            _appType: app_type.into(),
            _appMultiaddr: multiaddr,
            _appChecksum: checksum,
            _appMREnclave: mrenclave,
        };
        self.send(env, "createApp", r, c)
    }

    /// `DatasetRegistry.createDataset(owner, …)`.
    pub fn create_dataset(
        &mut self,
        env: &Env,
        owner: Address,
        name: &str,
        multiaddr: Bytes,
        checksum: B256,
    ) -> EvmResult<Address> {
        let r = self.addrs.dataset_registry;
        let c = abi::createDatasetCall {
            _datasetOwner: owner,
            _datasetName: name.into(),
            _datasetMultiaddr: multiaddr,
            _datasetChecksum: checksum,
        };
        self.send(env, "createDataset", r, c)
    }

    /// `WorkerpoolRegistry.createWorkerpool(owner, description)`.
    pub fn create_workerpool(
        &mut self,
        env: &Env,
        owner: Address,
        description: &str,
    ) -> EvmResult<Address> {
        let r = self.addrs.workerpool_registry;
        let c = abi::createWorkerpoolCall {
            _workerpoolOwner: owner,
            _workerpoolDescription: description.into(),
        };
        self.send(env, "createWorkerpool", r, c)
    }

    /// `Workerpool.changePolicy(ρ, σ)`.
    pub fn change_policy(
        &mut self,
        env: &Env,
        pool: Address,
        worker_stake_ratio: U256,
        scheduler_reward_ratio: U256,
    ) -> EvmResult<()> {
        let c = abi::changePolicyCall {
            _newWorkerStakeRatioPolicy: worker_stake_ratio,
            _newSchedulerRewardRatioPolicy: scheduler_reward_ratio,
        };
        self.send(env, "changePolicy", pool, c).map(|_| ())
    }

    // ------------------------------------------------------------ matching

    /// `matchOrders`.
    pub fn match_orders(
        &mut self,
        env: &Env,
        app: &core::AppOrder,
        dataset: &core::DatasetOrder,
        wp: &core::WorkerpoolOrder,
        req: &core::RequestOrder,
    ) -> EvmResult<B256> {
        let c = abi::matchOrdersCall {
            _apporder: convert::app_order(app),
            _datasetorder: convert::dataset_order(dataset),
            _workerpoolorder: convert::workerpool_order(wp),
            _requestorder: convert::request_order(req),
        };
        self.poco(env, "matchOrders", c)
    }

    /// `sponsorMatchOrders`.
    pub fn sponsor_match_orders(
        &mut self,
        env: &Env,
        app: &core::AppOrder,
        dataset: &core::DatasetOrder,
        wp: &core::WorkerpoolOrder,
        req: &core::RequestOrder,
    ) -> EvmResult<B256> {
        let c = abi::sponsorMatchOrdersCall {
            _apporder: convert::app_order(app),
            _datasetorder: convert::dataset_order(dataset),
            _workerpoolorder: convert::workerpool_order(wp),
            _requestorder: convert::request_order(req),
        };
        self.poco(env, "sponsorMatchOrders", c)
    }

    /// `matchOrdersBoost`.
    pub fn match_orders_boost(
        &mut self,
        env: &Env,
        app: &core::AppOrder,
        dataset: &core::DatasetOrder,
        wp: &core::WorkerpoolOrder,
        req: &core::RequestOrder,
    ) -> EvmResult<B256> {
        let c = abi::matchOrdersBoostCall {
            appOrder: convert::app_order(app),
            datasetOrder: convert::dataset_order(dataset),
            workerpoolOrder: convert::workerpool_order(wp),
            requestOrder: convert::request_order(req),
        };
        self.poco(env, "matchOrdersBoost", c)
    }

    /// `sponsorMatchOrdersBoost`.
    pub fn sponsor_match_orders_boost(
        &mut self,
        env: &Env,
        app: &core::AppOrder,
        dataset: &core::DatasetOrder,
        wp: &core::WorkerpoolOrder,
        req: &core::RequestOrder,
    ) -> EvmResult<B256> {
        let c = abi::sponsorMatchOrdersBoostCall {
            appOrder: convert::app_order(app),
            datasetOrder: convert::dataset_order(dataset),
            workerpoolOrder: convert::workerpool_order(wp),
            requestOrder: convert::request_order(req),
        };
        self.poco(env, "sponsorMatchOrdersBoost", c)
    }

    /// `manageAppOrder`.
    pub fn manage_app_order(
        &mut self,
        env: &Env,
        order: &core::AppOrder,
        op: Operation,
        sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::manageAppOrderCall {
            _apporderoperation: abi::AppOrderOperation {
                order: convert::app_order(order),
                operation: op as u8,
                sign: Bytes::copy_from_slice(sign),
            },
        };
        self.poco(env, "manageAppOrder", c).map(|_| ())
    }

    /// `manageDatasetOrder`.
    pub fn manage_dataset_order(
        &mut self,
        env: &Env,
        order: &core::DatasetOrder,
        op: Operation,
        sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::manageDatasetOrderCall {
            _datasetorderoperation: abi::DatasetOrderOperation {
                order: convert::dataset_order(order),
                operation: op as u8,
                sign: Bytes::copy_from_slice(sign),
            },
        };
        self.poco(env, "manageDatasetOrder", c).map(|_| ())
    }

    /// `manageWorkerpoolOrder`.
    pub fn manage_workerpool_order(
        &mut self,
        env: &Env,
        order: &core::WorkerpoolOrder,
        op: Operation,
        sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::manageWorkerpoolOrderCall {
            _workerpoolorderoperation: abi::WorkerpoolOrderOperation {
                order: convert::workerpool_order(order),
                operation: op as u8,
                sign: Bytes::copy_from_slice(sign),
            },
        };
        self.poco(env, "manageWorkerpoolOrder", c).map(|_| ())
    }

    /// `manageRequestOrder`.
    pub fn manage_request_order(
        &mut self,
        env: &Env,
        order: &core::RequestOrder,
        op: Operation,
        sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::manageRequestOrderCall {
            _requestorderoperation: abi::RequestOrderOperation {
                order: convert::request_order(order),
                operation: op as u8,
                sign: Bytes::copy_from_slice(sign),
            },
        };
        self.poco(env, "manageRequestOrder", c).map(|_| ())
    }

    // ------------------------------------------------------------ lifecycle

    /// `initialize(dealId, idx)`.
    pub fn initialize(&mut self, env: &Env, deal_id: B256, idx: U256) -> EvmResult<B256> {
        self.poco(
            env,
            "initialize",
            abi::initialize_0Call {
                _dealid: deal_id,
                idx,
            },
        )
    }

    /// `contribute`.
    pub fn contribute(
        &mut self,
        env: &Env,
        task_id: B256,
        result_hash: B256,
        result_seal: B256,
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::contributeCall {
            _taskid: task_id,
            _resultHash: result_hash,
            _resultSeal: result_seal,
            _enclaveChallenge: enclave,
            _enclaveSign: Bytes::copy_from_slice(enclave_sign),
            _authorizationSign: Bytes::copy_from_slice(auth_sign),
        };
        self.poco(env, "contribute", c).map(|_| ())
    }

    /// `reveal`.
    pub fn reveal(&mut self, env: &Env, task_id: B256, digest: B256) -> EvmResult<()> {
        self.poco(
            env,
            "reveal",
            abi::revealCall {
                _taskid: task_id,
                _resultDigest: digest,
            },
        )
        .map(|_| ())
    }

    /// `reopen`.
    pub fn reopen(&mut self, env: &Env, task_id: B256) -> EvmResult<()> {
        self.poco(env, "reopen", abi::reopenCall { _taskid: task_id })
            .map(|_| ())
    }

    /// `finalize`.
    pub fn finalize(
        &mut self,
        env: &Env,
        task_id: B256,
        results: &[u8],
        results_callback: &[u8],
    ) -> EvmResult<()> {
        let c = abi::finalizeCall {
            _taskid: task_id,
            _results: Bytes::copy_from_slice(results),
            _resultsCallback: Bytes::copy_from_slice(results_callback),
        };
        self.poco(env, "finalize", c).map(|_| ())
    }

    /// `contributeAndFinalize`.
    #[allow(clippy::too_many_arguments)]
    pub fn contribute_and_finalize(
        &mut self,
        env: &Env,
        task_id: B256,
        digest: B256,
        results: &[u8],
        results_callback: &[u8],
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> EvmResult<()> {
        let c = abi::contributeAndFinalizeCall {
            _taskid: task_id,
            _resultDigest: digest,
            _results: Bytes::copy_from_slice(results),
            _resultsCallback: Bytes::copy_from_slice(results_callback),
            _enclaveChallenge: enclave,
            _enclaveSign: Bytes::copy_from_slice(enclave_sign),
            _authorizationSign: Bytes::copy_from_slice(auth_sign),
        };
        self.poco(env, "contributeAndFinalize", c).map(|_| ())
    }

    /// `claim`.
    pub fn claim(&mut self, env: &Env, task_id: B256) -> EvmResult<()> {
        self.poco(env, "claim", abi::claimCall { _taskid: task_id })
            .map(|_| ())
    }

    /// `initializeArray(dealIds, idxs)`.
    pub fn initialize_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> EvmResult<()> {
        self.poco(
            env,
            "initializeArray",
            abi::initializeArrayCall {
                _dealid: deal_ids.to_vec(),
                _idx: idxs.to_vec(),
            },
        )
        .map(|_| ())
    }

    /// `claimArray(taskIds)`.
    pub fn claim_array(&mut self, env: &Env, task_ids: &[B256]) -> EvmResult<()> {
        self.poco(
            env,
            "claimArray",
            abi::claimArrayCall {
                _taskid: task_ids.to_vec(),
            },
        )
        .map(|_| ())
    }

    /// `initializeAndClaimArray(dealIds, idxs)`.
    pub fn initialize_and_claim_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> EvmResult<()> {
        self.poco(
            env,
            "initializeAndClaimArray",
            abi::initializeAndClaimArrayCall {
                _dealid: deal_ids.to_vec(),
                _idx: idxs.to_vec(),
            },
        )
        .map(|_| ())
    }

    /// `pushResultBoost`.
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
    ) -> EvmResult<()> {
        let c = abi::pushResultBoostCall {
            dealId: deal_id,
            index,
            results: Bytes::copy_from_slice(results),
            resultsCallback: Bytes::copy_from_slice(results_callback),
            authorizationSign: Bytes::copy_from_slice(auth_sign),
            enclaveChallenge: enclave,
            enclaveSign: Bytes::copy_from_slice(enclave_sign),
        };
        self.poco(env, "pushResultBoost", c).map(|_| ())
    }

    /// `claimBoost`.
    pub fn claim_boost(&mut self, env: &Env, deal_id: B256, index: U256) -> EvmResult<()> {
        self.poco(
            env,
            "claimBoost",
            abi::claimBoostCall {
                dealId: deal_id,
                index,
            },
        )
        .map(|_| ())
    }

    // ------------------------------------------------------------ views

    /// `viewAccount(a)`.
    pub fn view_account(&mut self, a: Address) -> core::Account {
        let acc = self
            .view(abi::viewAccountCall { account: a })
            .expect("viewAccount");
        core::Account {
            balance: acc.stake,
            frozen: acc.locked,
        }
    }

    /// Frozen balance of the kitty.
    pub fn kitty(&mut self) -> U256 {
        self.view_account(KITTY_ADDRESS).frozen
    }

    /// `viewScore(w)`.
    pub fn view_score(&mut self, w: Address) -> U256 {
        self.view(abi::viewScoreCall { _worker: w })
            .expect("viewScore")
    }

    /// `viewDeal(id)`.
    pub fn view_deal(&mut self, id: B256) -> core::Deal {
        convert::deal(self.view(abi::viewDealCall { id }).expect("viewDeal"))
    }

    /// `viewDealBoost(id)`.
    pub fn view_deal_boost(&mut self, id: B256) -> core::DealBoost {
        let d = self
            .view(abi::viewDealBoostCall { id })
            .expect("viewDealBoost");
        core::DealBoost {
            app_owner: d.appOwner,
            app_price: U256::from(d.appPrice),
            dataset_owner: d.datasetOwner,
            dataset_price: U256::from(d.datasetPrice),
            workerpool_owner: d.workerpoolOwner,
            workerpool_price: U256::from(d.workerpoolPrice),
            requester: d.requester,
            worker_reward: U256::from(d.workerReward),
            callback: d.callback,
            deadline: U256::from(d.deadline),
            bot_first: U256::from(d.botFirst),
            bot_size: U256::from(d.botSize),
            short_tag: d.shortTag.0,
            sponsor: d.sponsor,
        }
    }

    /// `viewContribution(task, w)`.
    pub fn view_contribution(&mut self, task: B256, w: Address) -> core::Contribution {
        let c = self
            .view(abi::viewContributionCall {
                _taskid: task,
                _worker: w,
            })
            .expect("viewContribution");
        core::Contribution {
            status: contribution_status(c.status),
            result_hash: c.resultHash,
            result_seal: c.resultSeal,
            enclave_challenge: c.enclaveChallenge,
            weight: c.weight,
        }
    }

    /// `viewTask(id)`, with the contributions of its contributors filled in (the consensus
    /// tally `groups`/`total` has no getter and is left empty).
    pub fn view_task(&mut self, id: B256) -> core::Task {
        let t = self.view(abi::viewTaskCall { id }).expect("viewTask");
        let contributions = t
            .contributors
            .iter()
            .map(|w| self.view_contribution(id, *w))
            .collect();
        core::Task {
            status: task_status(t.status),
            dealid: t.dealid,
            idx: t.idx,
            timeref: t.timeref,
            contribution_deadline: t.contributionDeadline,
            reveal_deadline: t.revealDeadline,
            final_deadline: t.finalDeadline,
            consensus_value: t.consensusValue,
            reveal_counter: t.revealCounter,
            winner_counter: t.winnerCounter,
            contributors: t.contributors,
            contributions,
            result_digest: t.resultDigest,
            results: t.results,
            results_timestamp: t.resultsTimestamp,
            results_callback: t.resultsCallback,
            groups: Vec::new(),
            total: U256::ZERO,
        }
    }

    /// `viewConsumed(h)`.
    pub fn view_consumed(&mut self, h: B256) -> U256 {
        self.view(abi::viewConsumedCall { _id: h })
            .expect("viewConsumed")
    }

    /// `viewPresigned(h)`.
    pub fn view_presigned(&mut self, h: B256) -> Address {
        self.view(abi::viewPresignedCall { _id: h })
            .expect("viewPresigned")
    }

    /// `eip712domain_separator()`.
    pub fn domain_separator(&mut self) -> B256 {
        self.view(abi::eip712domain_separatorCall {})
            .expect("domain separator")
    }

    /// `totalSupply()` of SRLC.
    pub fn total_supply(&mut self) -> U256 {
        self.view(abi::totalSupplyCall {}).expect("totalSupply")
    }
}

fn task_status(s: u8) -> core::TaskStatus {
    use core::TaskStatus::*;
    match s {
        1 => Active,
        2 => Revealing,
        3 => Completed,
        4 => Failed,
        _ => Unset,
    }
}

fn contribution_status(s: u8) -> core::ContributionStatus {
    use core::ContributionStatus::*;
    match s {
        1 => Contributed,
        2 => Proved,
        3 => Rejected,
        _ => Unset,
    }
}
