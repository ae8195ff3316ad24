//! The mechanisms' own entry points ([`MechanismCalls`] on `Poco<Mechanisms>`) and the
//! failure report they take.

use pocolab_core::orders::authorization_hash;
use pocolab_core::{Address, B256, Env, Poco, Result, TaskStatus, U256, keccak256};

use crate::util::{ensure, err, lock};
use crate::{
    Cause, Consumption, DisputeOutcome, FailureReport, Mechanisms, MinReps, Party, Ruling, Verdict,
};

/// A failure report as submitted (see [`MechanismCalls::report_failure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    /// cause
    pub cause: Cause,
    /// hash of the off-chain evidence
    pub evidence: B256,
    /// hash of the input bytes observed
    pub input_hash: B256,
    /// enclave challenge (0 = not enclave-signed)
    pub enclave: Address,
    /// enclave signature of [`report_hash`]
    pub enclave_sign: Vec<u8>,
    /// authorization of the reporter (scheduler or TEE broker), as for `contribute`
    pub auth_sign: Vec<u8>,
}

impl ReportInput {
    /// An unsigned (non-TEE) report.
    pub fn plain(cause: Cause, evidence: B256, input_hash: B256) -> Self {
        Self {
            cause,
            evidence,
            input_hash,
            enclave: Address::ZERO,
            enclave_sign: vec![],
            auth_sign: vec![],
        }
    }
}

/// The hash an enclave signs (eth-signed-message form) for a failure report.
pub fn report_hash(task: B256, cause: Cause, evidence: B256, input_hash: B256) -> B256 {
    keccak256(
        [
            task.as_slice(),
            &[cause.code()],
            evidence.as_slice(),
            input_hash.as_slice(),
        ]
        .concat(),
    )
}

/// The enabled mechanism `m`, or the "disabled" rejection named `name`.
fn enabled<'a, T>(m: &'a mut Option<T>, name: &'static str) -> Result<&'a mut T> {
    m.as_mut().ok_or(disabled(name))
}

fn disabled(m: &'static str) -> pocolab_core::PocoError {
    err(m, "mechanism disabled")
}

/// New entry points of the mechanisms, on `Poco<Mechanisms>`. Each is atomic: a failing call
/// changes nothing (ledger and mechanism state).
pub trait MechanismCalls {
    /// M8: the pool owner announces its policy `(ρ_w, σ)`, in force after the delay.
    fn announce_policy(
        &mut self,
        env: &Env,
        pool: Address,
        worker_stake_ratio: U256,
        scheduler_reward_ratio: U256,
    ) -> Result<()>;
    /// M2: bond `amount` to register with `pool`.
    fn register_worker(&mut self, env: &Env, pool: Address, amount: U256) -> Result<()>;
    /// M2: start unbonding from `pool`.
    fn request_unbond(&mut self, env: &Env, pool: Address) -> Result<()>;
    /// M2: withdraw the bond after the unbonding period.
    fn withdraw_worker_bond(&mut self, env: &Env, pool: Address) -> Result<()>;
    /// M2: the protocol owner registers (or removes) a spot-checker.
    fn register_spot_checker(&mut self, env: &Env, who: Address, enabled: bool) -> Result<()>;
    /// M2 rule 6: a spot-checker posts a known-answer verdict for a registered worker.
    fn spot_check(&mut self, env: &Env, pool: Address, worker: Address, passed: bool)
    -> Result<()>;
    /// M3/M4: post a failure report on a running task (locks `S_w` unless a contributor).
    fn report_failure(&mut self, env: &Env, task: B256, r: &ReportInput) -> Result<()>;
    /// M4: the asset owner adds to its provider bond.
    fn bond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()>;
    /// M4: the bond owner withdraws unreserved bond.
    fn unbond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()>;
    /// M5: record an SMS-signed consumption attestation.
    fn attest_consumption(
        &mut self,
        env: &Env,
        task: B256,
        what: Consumption,
        sms_sign: &[u8],
    ) -> Result<()>;
    /// M6: the protocol owner registers (or removes) an arbiter of a tier.
    fn register_arbiter(
        &mut self,
        env: &Env,
        tier: u8,
        arbiter: Address,
        enabled: bool,
    ) -> Result<()>;
    /// M6: the requester disputes a finalised task.
    fn open_dispute(&mut self, env: &Env, task: B256, tier: u8) -> Result<()>;
    /// M6: the tier's arbiter rules (see [`Ruling`]); returns what the ruling settled.
    fn resolve_dispute(&mut self, env: &Env, task: B256, ruling: Ruling) -> Result<DisputeOutcome>;
    /// M6: release both deposits after the window (or after an unanswered dispute).
    fn release_deposits(&mut self, env: &Env, task: B256) -> Result<()>;
    /// M7: the requester of a completed paid task rates its app and dataset (1–5).
    fn rate(&mut self, env: &Env, task: B256, stars: u8) -> Result<()>;
    /// M7: set the sender's minimum reputations for its counterparts.
    fn set_requirements(&mut self, env: &Env, reqs: MinReps) -> Result<()>;
    /// M1: register (or top up) as a verifier, locking `amount`.
    fn register_verifier(&mut self, env: &Env, amount: U256) -> Result<()>;
    /// M1: leave the verifier set (no pending audit or panel seat).
    fn unregister_verifier(&mut self, env: &Env) -> Result<()>;
    /// M1: the drawn auditor posts its re-execution digest.
    fn submit_audit(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict>;
    /// M1: challenge a finalised task with one's own digest (locks `D_ch`).
    fn challenge(&mut self, env: &Env, task: B256, digest: B256) -> Result<()>;
    /// M1: a panel member votes its re-execution digest.
    fn vote(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict>;
    /// M1: release escrow and `B_c` after the window.
    fn release_escrow(&mut self, env: &Env, task: B256) -> Result<()>;
}

impl MechanismCalls for Poco<Mechanisms> {
    fn announce_policy(&mut self, env: &Env, pool: Address, rho: U256, sigma: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.market_integrity, "market_integrity")?
                .announce_policy(st, env, pool, rho, sigma)
        })
    }

    fn register_worker(&mut self, env: &Env, pool: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.register(st, env, pool, amount)
        })
    }

    fn request_unbond(&mut self, env: &Env, pool: Address) -> Result<()> {
        self.ext_call(|m, _| enabled(&mut m.committees, "committees")?.request_unbond(env, pool))
    }

    fn withdraw_worker_bond(&mut self, env: &Env, pool: Address) -> Result<()> {
        self.ext_call(|m, st| enabled(&mut m.committees, "committees")?.withdraw(st, env, pool))
    }

    fn register_spot_checker(&mut self, env: &Env, who: Address, on: bool) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.register_spot_checker(st, env, who, on)
        })
    }

    fn spot_check(
        &mut self,
        env: &Env,
        pool: Address,
        worker: Address,
        passed: bool,
    ) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.committees, "committees")?.spot_check(st, env, pool, worker, passed)
        })
    }

    fn report_failure(&mut self, env: &Env, task: B256, r: &ReportInput) -> Result<()> {
        self.ext_call(|m, st| {
            const N: &str = "evidence";
            ensure(
                m.requester_bond.is_some() || m.provider_bond.is_some(),
                N,
                "no mechanism uses failure reports",
            )?;
            let t = st.tasks.get(&task).ok_or(err(N, "unknown task"))?;
            ensure(
                matches!(t.status, TaskStatus::Active | TaskStatus::Revealing),
                N,
                "task not running",
            )?;
            ensure(
                U256::from(env.timestamp) < t.final_deadline,
                N,
                "final deadline reached",
            )?;
            let deal = &st.deals[&t.dealid];
            let broker = st.settings.teebroker;
            let authorizer = if r.enclave != Address::ZERO && broker != Address::ZERO {
                broker
            } else {
                deal.workerpool.owner
            };
            ensure(
                st.verify_eth_signed(
                    authorizer,
                    authorization_hash(env.sender, task, r.enclave),
                    &r.auth_sign,
                )?,
                N,
                "reporter not authorized",
            )?;
            if r.enclave != Address::ZERO {
                let h = report_hash(task, r.cause, r.evidence, r.input_hash);
                ensure(
                    st.verify_eth_signed(r.enclave, h, &r.enclave_sign)?,
                    N,
                    "invalid enclave signature",
                )?;
            }
            let mut list = m.evidence.reports.get(&task).cloned().unwrap_or_default();
            ensure(
                !list.iter().any(|x| x.reporter == env.sender),
                N,
                "already reported",
            )?;
            let stake = if t.position(env.sender).is_some() {
                U256::ZERO
            } else {
                deal.worker_stake
            };
            lock(&mut st.ledger_mut(), env.sender, stake)?;
            list.push(FailureReport {
                reporter: env.sender,
                cause: r.cause,
                evidence: r.evidence,
                input_hash: r.input_hash,
                enclave_signed: r.enclave != Address::ZERO,
                stake,
            });
            m.evidence.reports.insert(task, list);
            Ok(())
        })
    }

    fn bond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.provider_bond, "provider_bond")?.bond(st, env, asset, amount)
        })
    }

    fn unbond_asset(&mut self, env: &Env, asset: Address, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.provider_bond, "provider_bond")?.unbond(st, env, asset, amount)
        })
    }

    fn attest_consumption(
        &mut self,
        env: &Env,
        task: B256,
        what: Consumption,
        sig: &[u8],
    ) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.fair_exchange, "fair_exchange")?.attest(st, env, task, what, sig)
        })
    }

    fn register_arbiter(&mut self, env: &Env, tier: u8, who: Address, on: bool) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.disputes, "disputes")?.register_arbiter(st, env, tier, who, on)
        })
    }

    fn open_dispute(&mut self, env: &Env, task: B256, tier: u8) -> Result<()> {
        self.ext_call(|m, _| enabled(&mut m.disputes, "disputes")?.open(env, task, tier))
    }

    fn resolve_dispute(&mut self, env: &Env, task: B256, ruling: Ruling) -> Result<DisputeOutcome> {
        self.ext_call(|m, st| {
            let out = enabled(&mut m.disputes, "disputes")?.resolve(st, env, task, ruling)?;
            let DisputeOutcome::Settled {
                ruling,
                sponsor,
                provider_fees,
            } = &out
            else {
                return Ok(out);
            };
            if let Some(b) = m.provider_bond.as_mut() {
                match ruling {
                    Ruling::ProviderAtFault(p) => {
                        b.forfeit(st, task, *p, provider_fees, *sponsor)?;
                    }
                    _ => b.settle(st, task, None)?,
                }
            }
            if let Some(r) = m.reputation.as_mut() {
                // M7 rule 1: a lost dispute is a fault of the loser
                let d = &st.deals[&st.tasks[&task].dealid];
                let e = match ruling {
                    Ruling::Upheld => d.requester,
                    Ruling::PoolAtFault | Ruling::Reproduced => d.workerpool.pointer,
                    Ruling::ProviderAtFault(Party::Dataset) => d.dataset.pointer,
                    Ruling::ProviderAtFault(_) => d.app.pointer,
                };
                r.fault(st, env, task, e);
            }
            Ok(out)
        })
    }

    fn release_deposits(&mut self, env: &Env, task: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.disputes, "disputes")?.release(st, env, task)?;
            if let Some(b) = m.provider_bond.as_mut() {
                b.settle(st, task, None)?;
            }
            Ok(())
        })
    }

    fn rate(&mut self, env: &Env, task: B256, stars: u8) -> Result<()> {
        self.ext_call(|m, st| enabled(&mut m.reputation, "reputation")?.rate(st, env, task, stars))
    }

    fn set_requirements(&mut self, env: &Env, reqs: MinReps) -> Result<()> {
        self.ext_call(|m, _| {
            enabled(&mut m.reputation, "reputation")?
                .requirements
                .insert(env.sender, reqs);
            Ok(())
        })
    }

    fn register_verifier(&mut self, env: &Env, amount: U256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .register_verifier(st, env, amount)
        })
    }

    fn unregister_verifier(&mut self, env: &Env) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .unregister_verifier(st, env)
        })
    }

    fn submit_audit(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .submit_audit(st, env, task, digest)
        })
    }

    fn challenge(&mut self, env: &Env, task: B256, digest: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .challenge(st, env, task, digest)
        })
    }

    fn vote(&mut self, env: &Env, task: B256, digest: B256) -> Result<Verdict> {
        self.ext_call(|m, st| {
            let ov = enabled(&mut m.optimistic_verification, "optimistic_verification")?;
            // the workers whose result is judged (the escrow minus the pool owner's share)
            let judged: Vec<Address> = ov
                .windows
                .get(&task)
                .map(|w| {
                    w.escrow
                        .iter()
                        .map(|(a, _)| *a)
                        .filter(|a| *a != w.pool_owner)
                        .collect()
                })
                .unwrap_or_default();
            let v = ov.vote(st, env, task, digest)?;
            if v == Verdict::Overturned {
                if let Some(r) = m.reputation.as_mut() {
                    let pool = st.deals[&st.tasks[&task].dealid].workerpool.pointer;
                    r.fault(st, env, task, pool);
                }
                if let Some(c) = m.committees.as_mut() {
                    for a in judged {
                        c.bump(a, env.timestamp, true);
                    }
                }
            }
            Ok(v)
        })
    }

    fn release_escrow(&mut self, env: &Env, task: B256) -> Result<()> {
        self.ext_call(|m, st| {
            enabled(&mut m.optimistic_verification, "optimistic_verification")?
                .release(st, env, task)
        })
    }
}
