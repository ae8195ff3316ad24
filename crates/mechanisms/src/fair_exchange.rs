//! **M5 — payment-conditional result release and pay-on-consumption** (spec §3 M5).
//!
//! The result key stays sealed until the task is paid (`COMPLETED`), and is destroyed on a
//! failure: the simulator's requester obtains a result only through [`KeyState::Released`].
//! An enclave attestation that the dataset was decrypted (or the app started), signed with
//! the TEE broker's (SMS) key and bound to the task, makes `P_d` (or `P_a`) non-refundable,
//! except on a proven provider fault (M4).

use pocolab_core::{Address, B256, Env, Result, State, TaskStatus, keccak256};
use serde::Deserialize;

use crate::evidence::Attribution;
use crate::journal::JMap;
use crate::payout::FailurePlan;
use crate::util::ensure;

const NAME: &str = "fair_exchange";

/// Parameters of M5.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FairExchangeParams {
    /// rule 3 (pay-on-consumption); the key rules 1–2 always apply
    pub pay_on_consumption: bool,
}

impl Default for FairExchangeParams {
    fn default() -> Self {
        Self {
            pay_on_consumption: true,
        }
    }
}

/// Where the result key `K_r` of a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyState {
    /// held by the SMS / committee (default until settlement)
    #[default]
    Sealed,
    /// re-encrypted to the beneficiary after payment
    Released,
    /// destroyed at claim or provider failure
    Destroyed,
}

/// What a consumption attestation covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Consumption {
    /// the pre-compute enclave decrypted the dataset
    Dataset,
    /// the app started in the enclave
    App,
}

/// The hash the SMS signs (eth-signed-message form) for a consumption attestation.
pub fn consumption_hash(task: B256, what: Consumption) -> B256 {
    let tag: &[u8] = match what {
        Consumption::Dataset => b"pocolab.consumed.dataset",
        Consumption::App => b"pocolab.consumed.app",
    };
    keccak256([tag, task.as_slice()].concat())
}

/// M5 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FairExchange {
    /// parameters
    pub params: FairExchangeParams,
    /// task → (dataset consumed, app started)
    pub consumed: JMap<B256, (bool, bool)>,
    /// task → key state (absent = sealed)
    pub keys: JMap<B256, KeyState>,
}
crate::journaled!(FairExchange; consumed, keys);

impl FairExchange {
    /// M5 with `params`.
    pub fn new(params: FairExchangeParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// Key state of `task`.
    pub fn key(&self, task: B256) -> KeyState {
        self.keys.get(&task).copied().unwrap_or_default()
    }

    /// Entry point: record an SMS-signed consumption attestation.
    pub(crate) fn attest(
        &mut self,
        st: &State,
        _env: &Env,
        task: B256,
        what: Consumption,
        sig: &[u8],
    ) -> Result<()> {
        let t = st.tasks.get(&task);
        ensure(
            t.is_some_and(|t| matches!(t.status, TaskStatus::Active | TaskStatus::Revealing)),
            NAME,
            "task not running",
        )?;
        let broker = st.settings.teebroker;
        ensure(broker != Address::ZERO, NAME, "no TEE broker (SMS) key")?;
        ensure(
            st.verify_eth_signed(broker, consumption_hash(task, what), sig)?,
            NAME,
            "invalid SMS signature",
        )?;
        let mut c = self.consumed.get(&task).copied().unwrap_or_default();
        match what {
            Consumption::Dataset => c.0 = true,
            Consumption::App => c.1 = true,
        }
        self.consumed.insert(task, c);
        Ok(())
    }

    pub(crate) fn on_success(&mut self, tid: B256) {
        self.keys.insert(tid, KeyState::Released);
        self.consumed.remove(&tid);
    }

    pub(crate) fn plan_failure(&self, tid: B256, att: &Attribution, plan: &mut FailurePlan) {
        if !self.params.pay_on_consumption || matches!(att, Attribution::Provider { .. }) {
            return;
        }
        let (ds, app) = self.consumed.get(&tid).copied().unwrap_or_default();
        if ds && !plan.dataset.1.is_zero() {
            plan.from_price.push(plan.dataset);
        }
        if app && !plan.app.1.is_zero() {
            plan.from_price.push(plan.app);
        }
    }

    pub(crate) fn on_failure(&mut self, tid: B256) {
        self.keys.insert(tid, KeyState::Destroyed);
        self.consumed.remove(&tid);
    }
}
