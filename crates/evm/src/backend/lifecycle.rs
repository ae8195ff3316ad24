//! The task lifecycle: classic (`initialize`, `contribute`, `reveal`, `reopen`, `finalize`,
//! `contributeAndFinalize`, `claim` and their array forms) and Boost (`pushResultBoost`,
//! `claimBoost`).

use alloy_primitives::{Address, B256, Bytes, U256};
use pocolab_core::Env;

use super::{EvmPoco, EvmResult};
use crate::abi;

impl EvmPoco {
    /// `initialize(dealId, idx)`.
    pub fn initialize(&mut self, env: &Env, deal_id: B256, idx: U256) -> EvmResult<B256> {
        let c = abi::initialize_0Call {
            _dealid: deal_id,
            idx,
        };
        self.poco(env, "initialize", c)
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
        self.poco_unit(env, "contribute", c)
    }

    /// `reveal`.
    pub fn reveal(&mut self, env: &Env, task_id: B256, digest: B256) -> EvmResult<()> {
        let c = abi::revealCall {
            _taskid: task_id,
            _resultDigest: digest,
        };
        self.poco_unit(env, "reveal", c)
    }

    /// `reopen`.
    pub fn reopen(&mut self, env: &Env, task_id: B256) -> EvmResult<()> {
        self.poco_unit(env, "reopen", abi::reopenCall { _taskid: task_id })
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
        self.poco_unit(env, "finalize", c)
    }

    /// `contributeAndFinalize`.
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
        self.poco_unit(env, "contributeAndFinalize", c)
    }

    /// `claim`.
    pub fn claim(&mut self, env: &Env, task_id: B256) -> EvmResult<()> {
        self.poco_unit(env, "claim", abi::claimCall { _taskid: task_id })
    }

    /// `initializeArray(dealIds, idxs)`.
    pub fn initialize_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> EvmResult<()> {
        let c = abi::initializeArrayCall {
            _dealid: deal_ids.to_vec(),
            _idx: idxs.to_vec(),
        };
        self.poco_unit(env, "initializeArray", c)
    }

    /// `claimArray(taskIds)`.
    pub fn claim_array(&mut self, env: &Env, task_ids: &[B256]) -> EvmResult<()> {
        let c = abi::claimArrayCall {
            _taskid: task_ids.to_vec(),
        };
        self.poco_unit(env, "claimArray", c)
    }

    /// `initializeAndClaimArray(dealIds, idxs)`.
    pub fn initialize_and_claim_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> EvmResult<()> {
        let c = abi::initializeAndClaimArrayCall {
            _dealid: deal_ids.to_vec(),
            _idx: idxs.to_vec(),
        };
        self.poco_unit(env, "initializeAndClaimArray", c)
    }

    /// `pushResultBoost`.
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
        self.poco_unit(env, "pushResultBoost", c)
    }

    /// `claimBoost`.
    pub fn claim_boost(&mut self, env: &Env, deal_id: B256, index: U256) -> EvmResult<()> {
        let c = abi::claimBoostCall {
            dealId: deal_id,
            index,
        };
        self.poco_unit(env, "claimBoost", c)
    }
}
