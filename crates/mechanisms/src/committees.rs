//! **M2 — VRF-sampled committees with stake-weighted, decaying credibility** (spec §3 M2).
//!
//! Workers register with a pool by bonding `S_reg ≥ S_min`. For deals with trust `t ≥ 2`, the
//! committee of each task is drawn at `initialize` by `RAND(taskid ‖ initialize time)`,
//! weighted by `min(S_reg, S_cap)`, among the pool's non-unbonding workers whose bond is still
//! `≥ S_min` (a slash can take it below; without a top-up the worker is no longer drawn); other
//! contributions are rejected. The consensus weight of a worker is its credibility odds
//! `P̃ = min(E/(1−E), W_cap)·min(1, S_reg/S_ref)` with `E` a decayed Beta posterior (a
//! newcomer has `P̃ = 1`, which adds no credibility), updated only on independent priced deals.
//!
//! **Spot-checks** (rule 6, Sarmenta): registered spot-checkers (the protocol's known-answer
//! service, e.g. M1's verifier set) post the verdict of a known-answer task a registered worker
//! received. A pass is a success; a failure counts `ρ_f` failures and slashes `φ_s·S_reg` to the
//! kitty. Spot-checks are how newcomers gain credibility before any consensus: with PoCo's
//! multiplicative group weight a committee of weight-1 newcomers never reaches consensus at
//! `t ≥ 2`, and one pass doubles a worker's odds.

use pocolab_core::constants::RLC;
use pocolab_core::{Address, B256, Env, JournaledState, Result, State, U256, Weight, log2};
use serde::Deserialize;

use crate::journal::JMap;
use crate::reputation::independent;
use crate::util::{
    DecayedBeta, ensure, frozen_to_kitty, lock, pct, rand, u, unlock, weighted_draw,
};

const NAME: &str = "committees";

/// Parameters of M2.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitteesParams {
    /// `S_min`, nRLC
    pub min_bond: u64,
    /// `S_cap`: bond counted for sampling, nRLC
    pub stake_cap: u64,
    /// `S_ref`: bond for a full weight, nRLC
    pub stake_ref: u64,
    /// `U`: unbonding period, seconds (7 days > 10·T_XL)
    pub unbond_secs: u64,
    /// committee size per task (over-sampled, as iexec-core asks ~20 % more workers)
    pub committee_size: u64,
    /// `λ` per epoch, ppm
    pub lambda_ppm: u64,
    /// `ρ_f`
    pub fail_weight: u64,
    /// `W_cap`
    pub weight_cap: u64,
    /// epoch length, seconds
    pub epoch_secs: u64,
    /// `p_min` of deals whose events count, nRLC
    pub min_pool_price: u64,
    /// `n_max` contributors per task
    pub max_contributors: u64,
    /// `q_s`: known-answer tasks per committee seat, ppm (the spot-checker's issuing rate; the
    /// simulator's agent uses it, the contract only records verdicts)
    pub spot_check_rate_ppm: u64,
    /// `φ_s`: share of `S_reg` slashed per failed spot-check, percent
    pub spot_slash_pct: u64,
}

impl Default for CommitteesParams {
    fn default() -> Self {
        Self {
            min_bond: RLC,
            stake_cap: 10 * RLC,
            stake_ref: RLC,
            unbond_secs: 7 * 86_400,
            committee_size: 5,
            lambda_ppm: 980_000,
            fail_weight: 3,
            weight_cap: 1_000,
            epoch_secs: 86_400,
            min_pool_price: RLC / 10,
            max_contributors: 20,
            spot_check_rate_ppm: 100_000,
            spot_slash_pct: 10,
        }
    }
}

/// A worker's registration with a pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Registration {
    /// `S_reg` (locked on the worker)
    pub bond: U256,
    /// unbonding: withdrawable from this time (0 = bonded)
    pub unbond_at: u64,
}

/// M2 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committees {
    /// parameters
    pub params: CommitteesParams,
    /// (workerpool, worker) → registration
    pub registrations: JMap<(Address, Address), Registration>,
    /// worker → credibility evidence
    pub credibility: JMap<Address, DecayedBeta>,
    /// task → sampled committee
    pub committees: JMap<B256, Vec<Address>>,
    /// spot-checkers registered by the protocol owner
    pub spot_checkers: JMap<Address, ()>,
}
crate::journaled!(Committees; registrations, credibility, committees, spot_checkers);

impl Committees {
    /// M2 with `params`.
    pub fn new(params: CommitteesParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    fn epoch(&self, t: u64) -> u64 {
        t / self.params.epoch_secs.max(1)
    }

    /// Credibility `E` of `w` at `t`, ppm.
    pub fn credibility_ppm(&self, w: Address, t: u64) -> u64 {
        let mut b = self.credibility.get(&w).copied().unwrap_or_default();
        b.decay_to(self.epoch(t), self.params.lambda_ppm);
        b.mean_ppm()
    }

    /// Consensus weight `P̃` of `w` (≥ 1) registered with `pool`, at `t`.
    pub fn weight(&self, pool: Address, w: Address, t: u64) -> U256 {
        let mut b = self.credibility.get(&w).copied().unwrap_or_default();
        b.decay_to(self.epoch(t), self.params.lambda_ppm);
        let bond = self
            .registrations
            .get(&(pool, w))
            .map(|r| r.bond)
            .unwrap_or_default();
        let s_ref = u(self.params.stake_ref.max(1));
        // odds E/(1−E) = (1 + α)/(1 + β)
        let num = U256::from(1_000_000u128 + b.succ);
        let den = U256::from(1_000_000u128 + b.fail);
        let cap = u(self.params.weight_cap);
        let eff = bond.min(s_ref);
        let w = if num >= den * cap {
            cap * eff / s_ref
        } else {
            num * eff / (den * s_ref)
        };
        w.max(u(1))
    }

    pub(crate) fn register(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        pool: Address,
        amount: U256,
    ) -> Result<()> {
        ensure(
            st.registries.workerpools.contains_key(&pool),
            NAME,
            "unknown workerpool",
        )?;
        let mut r = self
            .registrations
            .get(&(pool, env.sender))
            .copied()
            .unwrap_or_default();
        ensure(r.unbond_at == 0, NAME, "registration is unbonding")?;
        ensure(
            r.bond + amount >= u(self.params.min_bond),
            NAME,
            "bond below S_min",
        )?;
        lock(&mut st.ledger_mut(), env.sender, amount)?;
        r.bond += amount;
        self.registrations.insert((pool, env.sender), r);
        Ok(())
    }

    pub(crate) fn request_unbond(&mut self, env: &Env, pool: Address) -> Result<()> {
        let mut r = self
            .registrations
            .get(&(pool, env.sender))
            .copied()
            .ok_or(crate::util::err(NAME, "not registered"))?;
        ensure(r.unbond_at == 0, NAME, "already unbonding")?;
        r.unbond_at = env.timestamp + self.params.unbond_secs;
        self.registrations.insert((pool, env.sender), r);
        Ok(())
    }

    pub(crate) fn withdraw(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        pool: Address,
    ) -> Result<()> {
        let r = self
            .registrations
            .get(&(pool, env.sender))
            .copied()
            .ok_or(crate::util::err(NAME, "not registered"))?;
        ensure(
            r.unbond_at != 0 && env.timestamp >= r.unbond_at,
            NAME,
            "unbonding period not over",
        )?;
        unlock(&mut st.ledger_mut(), env.sender, r.bond)?;
        self.registrations.remove(&(pool, env.sender));
        Ok(())
    }

    pub(crate) fn after_initialize(&mut self, st: &State, env: &Env, tid: B256) {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        if deal.trust < u(2) {
            return;
        }
        let pool = deal.workerpool.pointer;
        let cap = u(self.params.stake_cap);
        let cands: Vec<(Address, U256)> = self
            .registrations
            .range((pool, Address::ZERO)..=(pool, Address::repeat_byte(0xff)))
            // rule 1: only bonded workers with `S_reg ≥ S_min` (a slash can take a bond below)
            .filter(|(_, r)| r.unbond_at == 0 && r.bond >= u(self.params.min_bond))
            .map(|((_, w), r)| (*w, r.bond.min(cap)))
            .collect();
        let seed = B256::from(rand("committee", tid, env.timestamp).to_be_bytes::<32>());
        let c = weighted_draw(seed, &cands, &[], self.params.committee_size as usize);
        self.committees.insert(tid, c);
    }

    pub(crate) fn contribution_weight(
        &self,
        st: &State,
        env: &Env,
        tid: B256,
        w: Address,
    ) -> Result<Option<Weight>> {
        let task = &st.tasks[&tid];
        let deal = &st.deals[&task.dealid];
        if deal.trust < u(2) {
            return Ok(None);
        }
        ensure(
            (task.contributors.len() as u64) < self.params.max_contributors,
            NAME,
            "contributor list full",
        )?;
        let c = self
            .committees
            .get(&tid)
            .ok_or(crate::util::err(NAME, "task has no committee"))?;
        ensure(c.contains(&w), NAME, "worker not sampled for this task")?;
        let omega = self.weight(deal.workerpool.pointer, w, env.timestamp);
        Ok(Some(Weight {
            omega,
            log_weight: log2(omega) + u(1),
        }))
    }

    /// Record a success or a fault (`ρ_f` failures) for worker `w` at `t`.
    pub(crate) fn bump(&mut self, w: Address, t: u64, fault: bool) {
        let mut b = self.credibility.get(&w).copied().unwrap_or_default();
        b.decay_to(self.epoch(t), self.params.lambda_ppm);
        if fault {
            b.fail += 1_000_000 * self.params.fail_weight as u128;
        } else {
            b.succ += 1_000_000;
        }
        self.credibility.insert(w, b);
    }

    pub(crate) fn on_success(
        &mut self,
        st: &State,
        env: &Env,
        tid: B256,
        winners: &[Address],
        losers: &[Address],
    ) {
        let deal = &st.deals[&st.tasks[&tid].dealid];
        if deal.trust >= u(2) && independent(deal, self.params.min_pool_price) {
            for w in winners {
                self.bump(*w, env.timestamp, false);
            }
            for w in losers {
                self.bump(*w, env.timestamp, true);
            }
        }
        self.committees.remove(&tid);
    }

    /// Entry point: the protocol owner registers (or removes) a spot-checker.
    pub(crate) fn register_spot_checker(
        &mut self,
        st: &State,
        env: &Env,
        who: Address,
        on: bool,
    ) -> Result<()> {
        ensure(
            env.sender == st.settings.owner,
            NAME,
            "only the protocol owner registers spot-checkers",
        )?;
        self.spot_checkers.set_member(who, on);
        Ok(())
    }

    /// Entry point (rule 6): a spot-checker posts whether worker `w` of `pool` returned the
    /// known answer. A pass is a success; a failure counts `ρ_f` failures and slashes
    /// `φ_s·S_reg` to the kitty.
    pub(crate) fn spot_check(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        pool: Address,
        w: Address,
        passed: bool,
    ) -> Result<()> {
        ensure(
            self.spot_checkers.get(&env.sender).is_some(),
            NAME,
            "not a spot-checker",
        )?;
        let mut r = self
            .registrations
            .get(&(pool, w))
            .copied()
            .ok_or(crate::util::err(
                NAME,
                "worker not registered with the pool",
            ))?;
        if !passed {
            let slash = pct(r.bond, self.params.spot_slash_pct.min(100))?;
            frozen_to_kitty(&mut st.ledger_mut(), w, slash)?;
            r.bond -= slash; // ≤ r.bond
            self.registrations.insert((pool, w), r);
        }
        self.bump(w, env.timestamp, !passed);
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, tid: B256) {
        self.committees.remove(&tid);
    }
}
