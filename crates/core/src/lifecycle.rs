//! The classic task lifecycle (spec §7, `IexecPoco2Facet.sol`): initialize, contribute,
//! reveal, reopen, finalize, contributeAndFinalize, claim and the array helpers.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use crate::constants::{
    CONTRIBUTION_DEADLINE_RATIO, FINAL_DEADLINE_RATIO, REVEAL_DEADLINE_RATIO, u,
};
use crate::error::{Check, Checked, PocoError, Result, require};
use crate::extension::{Settlement, SuccessPath};
use crate::orders::{authorization_hash, enclave_hash, result_hash, result_seal, task_id};
use crate::task::{Contribution, ContributionStatus, Task, TaskStatus};
use crate::{Deal, Env, Extension, Poco, State, log2, max};

/// Worker weight ω = max(⌊s/3⌋, 3) − 1 (score policy 1/3, §7.4 step 4).
#[inline]
pub fn worker_weight(score: U256) -> U256 {
    max(score / u(3), u(3)) - u(1)
}

impl State {
    /// The classic deal of a task (zeroed if missing, as the contracts read storage).
    #[inline]
    pub(crate) fn deal_of(&self, task: &Task) -> &Deal {
        static EMPTY: std::sync::OnceLock<Deal> = std::sync::OnceLock::new();
        self.deals
            .get(&task.dealid)
            .unwrap_or_else(|| EMPTY.get_or_init(Deal::default))
    }

    /// Authorization check of §7.4 step 5 and enclave signature of step 6.
    pub(crate) fn check_authorization(
        &self,
        deal_pool_owner: Address,
        worker: Address,
        task_id: B256,
        enclave: Address,
        auth_sign: &[u8],
    ) -> Result<bool> {
        let broker = self.settings.teebroker;
        let authorizer = if enclave != Address::ZERO && broker != Address::ZERO {
            broker
        } else {
            deal_pool_owner
        };
        if !self.settings.verify_signatures && !self.has_code(authorizer) {
            return Ok(true);
        }
        self.verify_eth_signed(
            authorizer,
            authorization_hash(worker, task_id, enclave),
            auth_sign,
        )
    }
}

impl<E: Extension> Poco<E> {
    /// `initialize(dealId, idx) → taskId` (anyone, §7.3). `idx` is absolute.
    pub fn initialize(&mut self, env: &Env, deal_id: B256, idx: U256) -> Result<B256> {
        self.atomic(|p| p.initialize_inner(env, deal_id, idx))
    }

    fn initialize_inner(&mut self, env: &Env, deal_id: B256, idx: U256) -> Result<B256> {
        let st = &self.state;
        let (bot_first, bot_size, start, category) = match st.deals.get(&deal_id) {
            Some(d) => (d.bot_first, d.bot_size, d.start_time, d.category),
            None => (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO),
        };
        require(idx >= bot_first, Check::InitIdxBelowFirst)?;
        require(idx < bot_first.add_(bot_size)?, Check::InitIdxAboveLast)?;
        let tid = task_id(deal_id, idx);
        require(
            st.tasks
                .get(&tid)
                .is_none_or(|t| t.status == TaskStatus::Unset),
            Check::InitTaskNotUnset,
        )?;
        let r = st.timeref(category)?;
        let contribution_deadline = start.add_(r.mul_(u(CONTRIBUTION_DEADLINE_RATIO))?)?;
        let final_deadline = start.add_(r.mul_(u(FINAL_DEADLINE_RATIO))?)?;
        self.st().insert_task(
            tid,
            Task {
                status: TaskStatus::Active,
                dealid: deal_id,
                idx,
                timeref: r,
                contribution_deadline,
                final_deadline,
                total: u(1),
                ..Task::default()
            },
        );
        self.ext.after_initialize(self.state.get_mut(), env, tid)?;
        Ok(tid)
    }

    /// `initializeArray(dealIds, idxs)` (§7.11): atomic.
    pub fn initialize_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> Result<Vec<B256>> {
        require(deal_ids.len() == idxs.len(), Check::ArrayLengthMismatch)?;
        self.atomic(|p| {
            deal_ids
                .iter()
                .zip(idxs)
                .map(|(d, i)| p.initialize_inner(env, *d, *i))
                .collect()
        })
    }

    /// `contribute(taskId, resultHash, resultSeal, enclaveChallenge, enclaveSign, authorizationSign)` (§7.4).
    #[allow(clippy::too_many_arguments)]
    pub fn contribute(
        &mut self,
        env: &Env,
        task_id: B256,
        result_hash: B256,
        result_seal: B256,
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> Result<()> {
        self.atomic(|p| {
            p.contribute_inner(
                env,
                task_id,
                result_hash,
                result_seal,
                enclave,
                enclave_sign,
                auth_sign,
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn contribute_inner(
        &mut self,
        env: &Env,
        tid: B256,
        rh: B256,
        rs: B256,
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> Result<()> {
        let w = env.sender;
        let st = &self.state;
        let task = st
            .tasks
            .get(&tid)
            .ok_or(PocoError::Empty(Check::TaskNotActive))?;
        require(task.status == TaskStatus::Active, Check::TaskNotActive)?;
        require(
            env.now() < task.contribution_deadline,
            Check::ContributionDeadlineReached,
        )?;
        require(task.position(w).is_none(), Check::AlreadyContributed)?;
        let deal = st.deal_of(task);
        require(
            enclave != Address::ZERO || !deal.is_tee(),
            Check::EnclaveRequired,
        )?;
        require(
            st.check_authorization(deal.workerpool.owner, w, tid, enclave, auth_sign)?,
            Check::InvalidAuthorization,
        )?;
        if enclave != Address::ZERO {
            require(
                st.verify_eth_signed(enclave, enclave_hash(rh, rs), enclave_sign)?,
                Check::InvalidEnclaveSignature,
            )?;
        }
        let stake = deal.worker_stake;
        let trust = deal.trust;

        // weight update (score policy 1/3), computed before any write: the extension's
        // weight hook sees the task as the worker found it
        let (omega, log_weight) = match self.ext.contribution_weight(st, env, tid, w)? {
            None => {
                let omega = worker_weight(st.score(w));
                (omega, log2(omega))
            }
            Some(x) => (x.omega, x.log_weight),
        };
        let st = &self.state;
        let task = &st.tasks[&tid];
        let g = task.group(rh);
        let delta = max(g, u(1)).mul_(omega)?.sub_(g)?;
        let new_group = g.add_(delta)?;
        let new_total = task.total.add_(delta)?;
        // §7.5 consensus check
        let consensus = new_group.mul_(trust)? > new_total.mul_(trust.sub_(u(1))?)?;
        let reveal_deadline = if consensus {
            env.now()
                .add_(task.timeref.mul_(u(REVEAL_DEADLINE_RATIO))?)?
        } else {
            U256::ZERO
        };

        let st = self.st();
        st.ledger_mut().lock(w, stake)?;
        let contribution = Contribution {
            status: ContributionStatus::Contributed,
            result_hash: rh,
            result_seal: rs,
            enclave_challenge: enclave,
            weight: log_weight,
        };
        let task = st
            .contribute_to_task(tid, w, contribution, new_group, new_total)
            .expect("checked above");
        if consensus {
            let winners = task
                .contributions
                .iter()
                .filter(|c| c.result_hash == rh && c.status == ContributionStatus::Contributed)
                .count();
            task.status = TaskStatus::Revealing;
            task.consensus_value = rh;
            task.reveal_deadline = reveal_deadline;
            task.reveal_counter = U256::ZERO;
            task.winner_counter = U256::from(winners);
        }
        self.ext
            .after_contribute(self.state.get_mut(), env, tid, w)?;
        Ok(())
    }

    /// `reveal(taskId, resultDigest)` (§7.6).
    pub fn reveal(&mut self, env: &Env, tid: B256, digest: B256) -> Result<()> {
        let w = env.sender;
        let task = self
            .st()
            .task_mut(tid)
            .ok_or(PocoError::Empty(Check::TaskNotRevealing))?;
        require(
            task.status == TaskStatus::Revealing,
            Check::TaskNotRevealing,
        )?;
        require(
            env.now() < task.reveal_deadline,
            Check::RevealDeadlineReached,
        )?;
        let i = task.position(w);
        let c = i.map(|i| task.contributions[i]).unwrap_or_default();
        require(
            c.status == ContributionStatus::Contributed,
            Check::ContributionNotContributed,
        )?;
        require(
            c.result_hash == task.consensus_value,
            Check::NotConsensusValue,
        )?;
        require(
            c.result_hash == result_hash(tid, digest),
            Check::ResultHashMismatch,
        )?;
        require(
            c.result_seal == result_seal(w, tid, digest),
            Check::ResultSealMismatch,
        )?;
        let i = i.expect("status CONTRIBUTED implies a contribution");
        task.contributions[i].status = ContributionStatus::Proved;
        task.reveal_counter += u(1);
        task.result_digest = digest;
        Ok(())
    }

    /// `reopen(taskId)`, scheduler only (§7.7).
    pub fn reopen(&mut self, env: &Env, tid: B256) -> Result<()> {
        let st = &self.state;
        let task = st.tasks.get(&tid).cloned().unwrap_or_default();
        require(
            env.sender == st.deal_of(&task).workerpool.owner,
            Check::NotScheduler,
        )?;
        require(
            task.status == TaskStatus::Revealing,
            Check::TaskNotRevealing,
        )?;
        require(env.now() < task.final_deadline, Check::FinalDeadlineReached)?;
        require(
            task.reveal_deadline <= env.now(),
            Check::RevealDeadlineNotReached,
        )?;
        require(task.reveal_counter.is_zero(), Check::SomeoneRevealed)?;
        let task = self.st().task_mut(tid).expect("status REVEALING");
        let cv = task.consensus_value;
        for c in task.contributions.iter_mut() {
            if c.result_hash == cv {
                c.status = ContributionStatus::Rejected;
            }
        }
        let g = task.group(cv);
        task.total -= g; // total = 1 + Σ groups ≥ g
        task.set_group(cv, U256::ZERO);
        task.status = TaskStatus::Active;
        task.consensus_value = B256::ZERO;
        task.reveal_deadline = U256::ZERO;
        task.winner_counter = U256::ZERO;
        Ok(())
    }

    /// `finalize(taskId, results, resultsCallback)`, scheduler only (§7.8).
    pub fn finalize(
        &mut self,
        env: &Env,
        tid: B256,
        results: &[u8],
        results_callback: &[u8],
    ) -> Result<()> {
        self.atomic(|p| p.finalize_inner(env, tid, results, results_callback))
    }

    fn finalize_inner(
        &mut self,
        env: &Env,
        tid: B256,
        results: &[u8],
        results_callback: &[u8],
    ) -> Result<()> {
        let st = &self.state;
        let task = st.tasks.get(&tid);
        let empty = Task::default();
        let task = task.unwrap_or(&empty);
        let deal = st.deal_of(task);
        require(env.sender == deal.workerpool.owner, Check::NotScheduler)?;
        require(
            task.status == TaskStatus::Revealing,
            Check::TaskNotRevealing,
        )?;
        require(env.now() < task.final_deadline, Check::FinalDeadlineReached)?;
        require(
            task.reveal_counter == task.winner_counter
                || (task.reveal_counter > U256::ZERO && task.reveal_deadline <= env.now()),
            Check::NotEnoughReveals,
        )?;
        require(
            callback_ok(deal.callback, results_callback, task.result_digest),
            Check::CallbackDataMismatch,
        )?;
        let has_callback = deal.callback != Address::ZERO;
        // payouts first: the settlement (baseline or extension) sees the task still REVEALING
        let st = self.state.get_mut();
        if self
            .ext
            .settle_success(st, env, tid, SuccessPath::Finalize)?
            == Settlement::Baseline
        {
            st.success_work(tid)?;
            st.distribute_rewards(tid)?;
        }
        st.complete_task(
            tid,
            Bytes::copy_from_slice(results),
            Bytes::copy_from_slice(results_callback),
        );
        if has_callback {
            st.deliver_callback();
        }
        Ok(())
    }

    /// `contributeAndFinalize(taskId, resultDigest, results, resultsCallback, enclaveChallenge,
    /// enclaveSign, authorizationSign)`: the τ = 1 fast path (§7.9).
    #[allow(clippy::too_many_arguments)]
    pub fn contribute_and_finalize(
        &mut self,
        env: &Env,
        tid: B256,
        digest: B256,
        results: &[u8],
        results_callback: &[u8],
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> Result<()> {
        self.atomic(|p| {
            p.caf_inner(
                env,
                tid,
                digest,
                results,
                results_callback,
                enclave,
                enclave_sign,
                auth_sign,
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn caf_inner(
        &mut self,
        env: &Env,
        tid: B256,
        digest: B256,
        results: &[u8],
        results_callback: &[u8],
        enclave: Address,
        enclave_sign: &[u8],
        auth_sign: &[u8],
    ) -> Result<()> {
        let w = env.sender;
        let st = &self.state;
        let task = st
            .tasks
            .get(&tid)
            .ok_or(PocoError::Empty(Check::TaskNotActive))?;
        require(task.status == TaskStatus::Active, Check::TaskNotActive)?;
        require(
            env.now() < task.contribution_deadline,
            Check::ContributionDeadlineReached,
        )?;
        require(task.contributors.is_empty(), Check::HasContributors)?;
        let deal = st.deal_of(task);
        require(deal.trust == u(1), Check::TrustNotOne)?;
        let rh = result_hash(tid, digest);
        let rs = result_seal(w, tid, digest);
        require(
            callback_ok(deal.callback, results_callback, digest),
            Check::CallbackDataMismatch,
        )?;
        require(
            enclave != Address::ZERO || !deal.is_tee(),
            Check::EnclaveRequired,
        )?;
        require(
            st.check_authorization(deal.workerpool.owner, w, tid, enclave, auth_sign)?,
            Check::InvalidAuthorization,
        )?;
        if enclave != Address::ZERO {
            require(
                st.verify_eth_signed(enclave, enclave_hash(rh, rs), enclave_sign)?,
                Check::InvalidEnclaveSignature,
            )?;
        }
        let reveal_deadline = env
            .now()
            .add_(task.timeref.mul_(u(REVEAL_DEADLINE_RATIO))?)?;
        let has_callback = deal.callback != Address::ZERO;
        let st = self.state.get_mut();
        if self
            .ext
            .settle_success(st, env, tid, SuccessPath::Fast(w))?
            == Settlement::Baseline
        {
            st.success_work(tid)?;
            st.distribute_rewards_fast(tid, w)?;
        }
        {
            let task = st.task_mut(tid).expect("checked");
            task.contributors.push(w);
            task.contributions.push(Contribution {
                status: ContributionStatus::Proved,
                result_hash: rh,
                result_seal: rs,
                enclave_challenge: enclave,
                weight: U256::ZERO,
            });
            task.status = TaskStatus::Completed;
            task.consensus_value = rh;
            task.reveal_deadline = reveal_deadline;
            task.reveal_counter = u(1);
            task.winner_counter = u(1);
            task.result_digest = digest;
            task.results = Bytes::copy_from_slice(results);
            task.results_callback = Bytes::copy_from_slice(results_callback);
        }
        if has_callback {
            st.deliver_callback();
        }
        Ok(())
    }

    /// `claim(taskId)` (anyone, §7.10): refund after the final deadline.
    pub fn claim(&mut self, env: &Env, tid: B256) -> Result<()> {
        self.atomic(|p| p.claim_inner(env, tid))
    }

    fn claim_inner(&mut self, env: &Env, tid: B256) -> Result<()> {
        let task = self
            .state
            .tasks
            .get(&tid)
            .ok_or(PocoError::Empty(Check::TaskNotClaimable))?;
        require(
            matches!(task.status, TaskStatus::Active | TaskStatus::Revealing),
            Check::TaskNotClaimable,
        )?;
        require(
            task.final_deadline <= env.now(),
            Check::FinalDeadlineNotReached,
        )?;
        let st = self.state.get_mut();
        if self.ext.settle_failure(st, env, tid)? == Settlement::Baseline {
            st.failed_work(tid)?;
            st.release_contributor_stakes(tid)?;
        }
        st.task_mut(tid).expect("checked").status = TaskStatus::Failed;
        Ok(())
    }

    /// `claimArray(taskIds)` (§7.11): atomic.
    pub fn claim_array(&mut self, env: &Env, tids: &[B256]) -> Result<()> {
        self.atomic(|p| tids.iter().try_for_each(|t| p.claim_inner(env, *t)))
    }

    /// `initializeAndClaimArray(dealIds, idxs)` (§7.11): atomic.
    pub fn initialize_and_claim_array(
        &mut self,
        env: &Env,
        deal_ids: &[B256],
        idxs: &[U256],
    ) -> Result<()> {
        require(deal_ids.len() == idxs.len(), Check::ArrayLengthMismatch)?;
        self.atomic(|p| {
            deal_ids.iter().zip(idxs).try_for_each(|(d, i)| {
                let t = p.initialize_inner(env, *d, *i)?;
                p.claim_inner(env, t)
            })
        })
    }
}

/// Callback rule (§7.8 check 5, §7.9 check 6): no callback and empty data, or
/// `keccak256(resultsCallback) == digest`.
#[inline]
fn callback_ok(callback: Address, results_callback: &[u8], digest: B256) -> bool {
    (callback == Address::ZERO && results_callback.is_empty())
        || keccak256(results_callback) == digest
}
