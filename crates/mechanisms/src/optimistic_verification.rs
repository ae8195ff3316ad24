//! **M1 — optimistic verification** (spec §3 M1): correctness bond, escrowed pool pay during a
//! challenge window, random audits by stake-drawn verifiers, open challenges and a verifier
//! panel that decides by majority.
//!
//! Evidence is re-execution: the drawn auditor, the challenger and every panel member post the
//! result digest they computed. Nothing reads the simulator's ground truth.

use pocolab_core::{Address, B256, Env, JournaledState, Result, State, U256};
use serde::Deserialize;

use crate::journal::JMap;
use crate::payout::SuccessPlan;
use crate::util::{
    add, draw_ppm, ensure, err, lock, mul, pay_from_frozen, pct, rand, split_from_frozen, u,
    unlock, weighted_draw,
};

const NAME: &str = "optimistic_verification";

/// Parameters of M1.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimisticVerificationParams {
    /// `β`: correctness bond, percent of `P` (2 → 200)
    pub beta_pct: u64,
    /// `Δ`: challenge window, in units of `T`
    pub window_t: u64,
    /// `q`: audit probability, ppm (0.05 → 50 000)
    pub audit_ppm: u64,
    /// `δ`: challenge deposit, percent of `P_w`
    pub challenge_deposit_pct: u64,
    /// `k`: escalation panel size
    pub panel_size: u64,
    /// time for the panel to reach a majority, in units of `T` (then the pool is presumed right)
    pub escalation_timeout_t: u64,
    /// minimum verifier stake, nRLC
    pub verifier_min_stake: u64,
}

impl Default for OptimisticVerificationParams {
    fn default() -> Self {
        Self {
            beta_pct: 200,
            window_t: 2,
            audit_ppm: 50_000,
            challenge_deposit_pct: 100,
            panel_size: 3,
            escalation_timeout_t: 4,
            verifier_min_stake: pocolab_core::constants::RLC,
        }
    }
}

/// An open challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// challenger
    pub who: Address,
    /// `D_ch` locked on the challenger
    pub deposit: U256,
    /// digest the challenger claims
    pub digest: B256,
}

/// The challenge window of a finalised task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// end of the window (timestamp)
    pub end: u64,
    /// `T`
    pub timeref: u64,
    /// payer
    pub sponsor: Address,
    /// pool owner (bond holder)
    pub pool_owner: Address,
    /// `B_c` of this task
    pub bond: U256,
    /// `P_a + P_d`
    pub provider_price: U256,
    /// `P_w`
    pub pool_price: U256,
    /// escrowed pay (locked on each recipient): workers' rewards and the pool's share
    pub escrow: Vec<(Address, U256)>,
    /// contributors whose `S_w` was seized (refunded if the result is overturned)
    pub losers: Vec<Address>,
    /// `S_w`
    pub s_w: U256,
    /// the accepted digest
    pub digest: B256,
    /// excluded from draws (pool owner, contributors)
    pub excluded: Vec<Address>,
    /// drawn auditor and whether it has reported
    pub auditor: Option<(Address, bool)>,
    /// open challenge
    pub challenge: Option<Challenge>,
    /// escalation panel, votes, and the time by which it must decide
    pub panel: Vec<Address>,
    /// (voter, digest)
    pub votes: Vec<(Address, B256)>,
    /// escalation deadline (0 = none)
    pub escalation_until: u64,
    /// a panel has already upheld the result
    pub upheld: bool,
}

/// Outcome of an audit report, a challenge or a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// nothing decided yet
    Pending,
    /// the result stands
    Upheld,
    /// the result was wrong: the pool was slashed
    Overturned,
}

/// M1 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptimisticVerification {
    /// parameters
    pub params: OptimisticVerificationParams,
    /// verifier → stake (locked on the verifier)
    pub verifiers: JMap<Address, U256>,
    /// deal → per-task `B_c`
    pub deal_bond: JMap<B256, U256>,
    /// task → window
    pub windows: JMap<B256, Window>,
}
crate::journaled!(OptimisticVerification; verifiers, deal_bond, windows);

impl OptimisticVerification {
    /// M1 with `params`.
    pub fn new(params: OptimisticVerificationParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    pub(crate) fn register_verifier(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        amount: U256,
    ) -> Result<()> {
        let s = self.verifiers.get(&env.sender).copied().unwrap_or_default();
        ensure(
            add(s, amount)? >= u(self.params.verifier_min_stake),
            NAME,
            "verifier stake below minimum",
        )?;
        lock(&mut st.ledger_mut(), env.sender, amount)?;
        self.verifiers.insert(env.sender, s + amount);
        Ok(())
    }

    pub(crate) fn unregister_verifier(&mut self, st: &mut JournaledState, env: &Env) -> Result<()> {
        let s = self
            .verifiers
            .get(&env.sender)
            .copied()
            .ok_or(err(NAME, "not a verifier"))?;
        ensure(
            !self.windows.iter().any(|(_, w)| {
                w.panel.contains(&env.sender)
                    || w.auditor.is_some_and(|a| a.0 == env.sender && !a.1)
            }),
            NAME,
            "verifier has pending duties",
        )?;
        unlock(&mut st.ledger_mut(), env.sender, s)?;
        self.verifiers.remove(&env.sender);
        Ok(())
    }

    pub(crate) fn on_match(
        &mut self,
        st: &mut JournaledState,
        deal_id: B256,
        volume: U256,
    ) -> Result<()> {
        let deal = &st.deals[&deal_id];
        let b = pct(deal.task_price()?, self.params.beta_pct)?;
        let owner = deal.workerpool.owner;
        lock(&mut st.ledger_mut(), owner, mul(b, volume)?)?;
        self.deal_bond.insert(deal_id, b);
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, st: &mut JournaledState, tid: B256) -> Result<()> {
        let did = st.tasks[&tid].dealid;
        let b = self.deal_bond.get(&did).copied().unwrap_or_default();
        let owner = st.deals[&did].workerpool.owner;
        unlock(&mut st.ledger_mut(), owner, b)
    }

    /// After the success plan ran: escrow the pool-side pay, draw the auditor.
    pub(crate) fn on_success(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        plan: &SuccessPlan,
    ) -> Result<()> {
        let task = &st.tasks[&tid];
        let t: u64 = task.timeref.try_into().unwrap_or(u64::MAX / 64);
        let mut excluded = task.contributors.clone();
        excluded.push(plan.pool_owner);
        let digest = if plan.fast {
            B256::ZERO
        } else {
            task.result_digest
        };
        let deal_id = task.dealid;
        let mut escrow: Vec<(Address, U256)> = plan.winners.clone();
        escrow.push((plan.pool_owner, plan.pool_reward));
        for (a, v) in &escrow {
            lock(&mut st.ledger_mut(), *a, *v)?;
        }
        let mut w = Window {
            end: env
                .timestamp
                .saturating_add(t.saturating_mul(self.params.window_t)),
            timeref: t,
            sponsor: plan.sponsor,
            pool_owner: plan.pool_owner,
            bond: self.deal_bond.get(&deal_id).copied().unwrap_or_default(),
            provider_price: plan.app.1 + plan.dataset.1,
            pool_price: plan.pool_price,
            escrow,
            losers: plan.losers.clone(),
            s_w: plan.s_w,
            digest,
            excluded,
            auditor: None,
            challenge: None,
            panel: vec![],
            votes: vec![],
            escalation_until: 0,
            upheld: false,
        };
        if draw_ppm(rand("audit", tid, env.timestamp), self.params.audit_ppm) {
            let seed = B256::from(rand("auditor", tid, env.timestamp).to_be_bytes::<32>());
            let cands: Vec<(Address, U256)> =
                self.verifiers.iter().map(|(a, s)| (*a, *s)).collect();
            w.auditor = weighted_draw(seed, &cands, &w.excluded, 1)
                .first()
                .map(|a| (*a, false));
        }
        self.windows.insert(tid, w);
        Ok(())
    }

    /// The window of `tid`; the digest of a fast-path task is read from the task (the core
    /// writes it after the settlement hook).
    fn load(&self, st: &State, tid: B256) -> Result<Window> {
        let mut w = self
            .windows
            .get(&tid)
            .cloned()
            .ok_or(err(NAME, "no challenge window"))?;
        if w.digest.is_zero() {
            w.digest = st.tasks[&tid].result_digest;
        }
        Ok(w)
    }

    fn escalate(&self, w: &mut Window, tid: B256, env: &Env, also_excluded: &[Address]) {
        let mut ex = w.excluded.clone();
        ex.extend_from_slice(also_excluded);
        let seed = B256::from(rand("panel", tid, env.timestamp).to_be_bytes::<32>());
        let cands: Vec<(Address, U256)> = self.verifiers.iter().map(|(a, s)| (*a, *s)).collect();
        w.panel = weighted_draw(seed, &cands, &ex, self.params.panel_size as usize);
        w.votes.clear();
        w.escalation_until = env
            .timestamp
            .saturating_add(w.timeref.saturating_mul(self.params.escalation_timeout_t));
    }

    /// Entry point: the drawn auditor reports the digest of its re-execution.
    pub(crate) fn submit_audit(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        digest: B256,
    ) -> Result<Verdict> {
        let mut w = self.load(st, tid)?;
        ensure(
            w.auditor == Some((env.sender, false)),
            NAME,
            "not the pending auditor",
        )?;
        ensure(env.timestamp < w.end, NAME, "challenge window closed")?;
        w.auditor = Some((env.sender, true));
        let v = if digest == w.digest || w.escalation_until != 0 || w.upheld {
            Verdict::Upheld
        } else {
            self.escalate(&mut w, tid, env, &[env.sender]);
            Verdict::Pending
        };
        self.windows.insert(tid, w);
        Ok(v)
    }

    /// Entry point: anyone challenges the result with the digest they computed.
    pub(crate) fn challenge(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        digest: B256,
    ) -> Result<()> {
        let mut w = self.load(st, tid)?;
        ensure(env.timestamp < w.end, NAME, "challenge window closed")?;
        ensure(
            w.challenge.is_none() && w.escalation_until == 0 && !w.upheld,
            NAME,
            "already challenged",
        )?;
        ensure(digest != w.digest, NAME, "challenge agrees with the result")?;
        let d = pct(w.pool_price, self.params.challenge_deposit_pct)?;
        lock(&mut st.ledger_mut(), env.sender, d)?;
        w.challenge = Some(Challenge {
            who: env.sender,
            deposit: d,
            digest,
        });
        let auditor: Vec<Address> = w.auditor.iter().map(|a| a.0).collect();
        let mut ex = vec![env.sender];
        ex.extend(auditor);
        self.escalate(&mut w, tid, env, &ex);
        self.windows.insert(tid, w);
        Ok(())
    }

    /// Entry point: a panel member votes the digest of its re-execution; a majority decides.
    pub(crate) fn vote(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        tid: B256,
        digest: B256,
    ) -> Result<Verdict> {
        let mut w = self.load(st, tid)?;
        ensure(w.panel.contains(&env.sender), NAME, "not on the panel")?;
        ensure(
            !w.votes.iter().any(|(a, _)| *a == env.sender),
            NAME,
            "already voted",
        )?;
        ensure(
            env.timestamp < w.escalation_until,
            NAME,
            "escalation timed out",
        )?;
        w.votes.push((env.sender, digest));
        let need = w.panel.len() / 2 + 1;
        let count = w.votes.iter().filter(|(_, d)| *d == digest).count();
        if count < need {
            self.windows.insert(tid, w);
            return Ok(Verdict::Pending);
        }
        let majority: Vec<Address> = w
            .votes
            .iter()
            .filter(|(_, d)| *d == digest)
            .map(|(a, _)| *a)
            .collect();
        let l = &mut st.ledger_mut();
        if digest == w.digest {
            // upheld: the challenger's deposit goes half to the pool, half to the majority
            if let Some(c) = w.challenge.take() {
                let half = c.deposit / u(2);
                pay_from_frozen(l, c.who, w.pool_owner, half)?;
                split_from_frozen(l, c.who, &majority, c.deposit - half)?;
            }
            w.panel.clear();
            w.votes.clear();
            w.escalation_until = 0;
            w.upheld = true;
            self.windows.insert(tid, w);
            return Ok(Verdict::Upheld);
        }
        // overturned: escrow back (P_w to the payer, S_w to slashed dissenters), B_c slashed
        for (a, v) in &w.escrow {
            l.seize(*a, *v)?;
        }
        for a in &w.losers {
            l.reward(*a, w.s_w)?;
        }
        l.reward(w.sponsor, w.pool_price)?;
        let to_req_base = w.bond.min(w.provider_price);
        let rest = w.bond - to_req_base;
        let to_req = to_req_base + rest / u(2);
        pay_from_frozen(l, w.pool_owner, w.sponsor, to_req)?;
        let reward = w.bond - to_req;
        let finder = w
            .challenge
            .as_ref()
            .map(|c| c.who)
            .or(w.auditor.map(|a| a.0));
        let to_finder = if finder.is_some() {
            reward / u(2)
        } else {
            U256::ZERO
        };
        if let Some(f) = finder {
            pay_from_frozen(l, w.pool_owner, f, to_finder)?;
        }
        split_from_frozen(l, w.pool_owner, &majority, reward - to_finder)?;
        if let Some(c) = &w.challenge {
            l.unlock(c.who, c.deposit)?;
        }
        self.windows.remove(&tid);
        Ok(Verdict::Overturned)
    }

    /// Entry point: after the window (and any escalation deadline), release escrow and bond.
    pub(crate) fn release(&mut self, st: &mut JournaledState, env: &Env, tid: B256) -> Result<()> {
        let w = self
            .windows
            .get(&tid)
            .cloned()
            .ok_or(err(NAME, "no challenge window"))?;
        ensure(env.timestamp >= w.end, NAME, "challenge window open")?;
        ensure(
            w.escalation_until == 0 || env.timestamp >= w.escalation_until,
            NAME,
            "escalation pending",
        )?;
        let l = &mut st.ledger_mut();
        if let Some(c) = &w.challenge {
            l.unlock(c.who, c.deposit)?;
        }
        for (a, v) in &w.escrow {
            unlock(l, *a, *v)?;
        }
        unlock(l, w.pool_owner, w.bond)?;
        self.windows.remove(&tid);
        Ok(())
    }
}
