//! The asset registries (`createApp`, `createDataset`, `createWorkerpool`) and the
//! workerpool's own `changePolicy`.

use alloy_primitives::{Address, B256, Bytes, U256};
use pocolab_core::Env;

use super::{EvmPoco, EvmResult};
use crate::abi;

impl EvmPoco {
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
}
