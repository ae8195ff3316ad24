//! **M4 — provider bonds, pinned artefacts and attributable provider faults** (spec §3 M4).
//!
//! App and dataset owners bond RLC per asset; each match reserves `κ·price` per task of the
//! bond. A failure proven to be the provider's (agreeing worker reports or an enclave-signed
//! report) becomes `PROVIDER_FAILED`: the requester is refunded and compensated from the bond,
//! reporting workers are compensated, the pool keeps `S_s`.
//!
//! With M7 the reservation is reputation-sized (T&M M7 rule 3): `κ·price·(1 + κ_r·(1 − R))`,
//! a newcomer asset paying the maximum `1 + κ_r`. With M6 a succeeded task's reservations are
//! held through its dispute window, and a court ruling against the provider (deterministic
//! garbage) forfeits them: they pay the arbitration fees and the rest goes to the payer (sponsor).

use pocolab_core::constants::RLC;
use pocolab_core::{Address, B256, Deal, Env, JournaledState, LedgerMut, Result, State, U256};
use serde::Deserialize;

use crate::evidence::{Attribution, Cause, FailureReport, Party, agreeing};
use crate::journal::JMap;
use crate::payout::FailurePlan;
use crate::util::{
    ensure, lock, mul, pay_fees_then_rest, pay_from_frozen, pct, ppm, split_from_frozen, u, unlock,
};

const NAME: &str = "provider_bond";

/// Parameters of M4.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderBondParams {
    /// `κ`: bond reserved per task, percent of the asset price
    pub kappa_pct: u64,
    /// `B_min`: minimum bond an asset must hold to be matched, nRLC
    pub min_bond: u64,
    /// apps must register a checksum (image digest) or MREnclave, datasets a checksum
    pub require_pinned: bool,
    /// `m_p`: agreeing worker reports needed without an enclave signature
    pub min_reports: u64,
    /// `φ_c`: compensation to reporting workers, percent of `P_w` (paid from the bond)
    pub compensation_pct: u64,
}

impl Default for ProviderBondParams {
    fn default() -> Self {
        Self {
            kappa_pct: 100,
            min_bond: RLC,
            require_pinned: true,
            min_reports: 2,
            compensation_pct: 100,
        }
    }
}

/// A provider bond on one asset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssetBond {
    /// who locked it
    pub owner: Address,
    /// locked on `owner`
    pub total: U256,
    /// reserved by matched, unsettled tasks
    pub reserved: U256,
}

/// M4 state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderBond {
    /// parameters
    pub params: ProviderBondParams,
    /// asset → bond
    pub bonds: JMap<Address, AssetBond>,
    /// deal → per-task reservation (app, dataset)
    pub deal_res: JMap<B256, (U256, U256)>,
}
crate::journaled!(ProviderBond; bonds, deal_res);

impl ProviderBond {
    /// M4 with `params`.
    pub fn new(params: ProviderBondParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// Entry point: the owner of `asset` adds `amount` to its bond.
    pub(crate) fn bond(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        asset: Address,
        amount: U256,
    ) -> Result<()> {
        let owner = st.registries.owner_of_any(asset);
        ensure(owner == Some(env.sender), NAME, "not the asset owner")?;
        let mut b = self.bonds.get(&asset).copied().unwrap_or_default();
        ensure(
            b.total.is_zero() || b.owner == env.sender,
            NAME,
            "bond held by a previous owner",
        )?;
        lock(&mut st.ledger_mut(), env.sender, amount)?;
        b.owner = env.sender;
        b.total += amount;
        self.bonds.insert(asset, b);
        Ok(())
    }

    /// Entry point: withdraw `amount` of the unreserved bond.
    pub(crate) fn unbond(
        &mut self,
        st: &mut JournaledState,
        env: &Env,
        asset: Address,
        amount: U256,
    ) -> Result<()> {
        let mut b = self.bonds.get(&asset).copied().unwrap_or_default();
        ensure(b.owner == env.sender, NAME, "not the bond owner")?;
        ensure(amount <= b.total - b.reserved, NAME, "bond reserved")?;
        unlock(&mut st.ledger_mut(), env.sender, amount)?;
        b.total -= amount;
        self.bonds.insert(asset, b);
        Ok(())
    }

    fn reserve(&mut self, asset: Address, amount: U256) -> Result<()> {
        let mut b = self.bonds.get(&asset).copied().unwrap_or_default();
        ensure(
            b.total >= u(self.params.min_bond),
            NAME,
            "provider bond below minimum",
        )?;
        ensure(
            b.total - b.reserved >= amount,
            NAME,
            "provider bond too small for the volume",
        )?;
        b.reserved += amount;
        self.bonds.insert(asset, b);
        Ok(())
    }

    /// Reserve the deal's bonds; `mult_ppm` = (app, dataset) bond multipliers from M7 (10⁶ = ×1).
    pub(crate) fn on_match(
        &mut self,
        st: &mut JournaledState,
        deal_id: B256,
        volume: U256,
        mult_ppm: (u64, u64),
    ) -> Result<()> {
        let deal = st.deals[&deal_id].clone();
        let has_ds = deal.dataset.pointer != Address::ZERO;
        if self.params.require_pinned {
            let app = st.registries.apps.get(&deal.app.pointer);
            ensure(
                app.is_some_and(|a| !a.checksum.is_zero() || !a.mrenclave.is_empty()),
                NAME,
                "app image not pinned",
            )?;
            if has_ds {
                let ds = st.registries.datasets.get(&deal.dataset.pointer);
                ensure(
                    ds.is_some_and(|d| !d.checksum.is_zero()),
                    NAME,
                    "dataset checksum empty",
                )?;
            }
        }
        let ra = ppm(pct(deal.app.price, self.params.kappa_pct)?, mult_ppm.0)?;
        self.reserve(deal.app.pointer, mul(ra, volume)?)?;
        let rd = if has_ds {
            ppm(pct(deal.dataset.price, self.params.kappa_pct)?, mult_ppm.1)?
        } else {
            U256::ZERO
        };
        if has_ds {
            self.reserve(deal.dataset.pointer, mul(rd, volume)?)?;
        }
        self.deal_res.insert(deal_id, (ra, rd));
        Ok(())
    }

    /// Provider attribution (rule 4): ≥ `m_p` agreeing reports against one party, or an
    /// enclave-signed one. Non-determinism also needs ≥ 3 distinct result groups.
    pub fn attribute(
        &self,
        st: &State,
        tid: B256,
        reports: &[FailureReport],
    ) -> Option<Attribution> {
        let task = &st.tasks[&tid];
        let has_ds = st.deals[&task.dealid].dataset.pointer != Address::ZERO;
        let distinct = task.groups.iter().filter(|(_, w)| !w.is_zero()).count();
        let m = self.params.min_reports.max(1) as usize;
        for party in [Party::Dataset, Party::App] {
            if party == Party::Dataset && !has_ds {
                continue;
            }
            let (who, tee) = agreeing(reports, |c| {
                c.party() == party && (c != Cause::NonDeterministic || distinct >= 3)
            });
            if tee || who.len() >= m {
                return Some(Attribution::Provider {
                    party,
                    reporters: who,
                });
            }
        }
        None
    }

    /// The provider fault's plan change: the pool keeps `S_s`.
    pub(crate) fn plan_failure(&self, att: &Attribution, plan: &mut FailurePlan) {
        if matches!(att, Attribution::Provider { .. }) {
            plan.seize_pool_stake = false;
        }
    }

    /// Release this task's reservations of both assets; the one of `faulty`, if any, is first
    /// charged by `charge(ledger, deal, bond, reservation)`, which pays out of the bond and
    /// returns how much it took.
    fn release_charging(
        &mut self,
        st: &mut JournaledState,
        tid: B256,
        faulty: Option<Party>,
        mut charge: impl FnMut(&mut LedgerMut<'_>, &Deal, &AssetBond, U256) -> Result<U256>,
    ) -> Result<()> {
        let deal_id = st.tasks[&tid].dealid;
        let deal = st.deals[&deal_id].clone();
        let (ra, rd) = self.deal_res.get(&deal_id).copied().unwrap_or_default();
        for (asset, r, party) in [
            (deal.app.pointer, ra, Party::App),
            (deal.dataset.pointer, rd, Party::Dataset),
        ] {
            if asset == Address::ZERO {
                continue;
            }
            let mut b = self.bonds.get(&asset).copied().unwrap_or_default();
            b.reserved = b.reserved.saturating_sub(r);
            if faulty == Some(party) {
                b.total -= charge(&mut st.ledger_mut(), &deal, &b, r)?;
            }
            self.bonds.insert(asset, b);
        }
        Ok(())
    }

    /// Release this task's reservations; on a provider fault pay compensations from the bond.
    pub(crate) fn settle(
        &mut self,
        st: &mut JournaledState,
        tid: B256,
        att: Option<&Attribution>,
    ) -> Result<()> {
        let Some(Attribution::Provider { party, reporters }) = att else {
            return self.release_charging(st, tid, None, |_, _, _, _| Ok(U256::ZERO));
        };
        let compensation_pct = self.params.compensation_pct;
        self.release_charging(st, tid, Some(*party), |l, deal, b, r| {
            let to_req = deal.task_price()?.min(r) / u(2);
            let to_workers = pct(deal.workerpool.price, compensation_pct)?.min(r - to_req);
            let to_workers = if reporters.is_empty() {
                U256::ZERO
            } else {
                to_workers
            };
            pay_from_frozen(l, b.owner, deal.sponsor, to_req)?;
            split_from_frozen(l, b.owner, reporters, to_workers)?;
            Ok(to_req + to_workers)
        })
    }

    /// M6 ruling against the provider of `party` (the bond reservation is its deposit, T&M M6
    /// rule 4): the task's reservation of that asset (what is left of it in the bond) pays
    /// `fees` in order, the rest goes to `winner`, and leaves the bond; the other asset's
    /// reservation is released.
    pub(crate) fn forfeit(
        &mut self,
        st: &mut JournaledState,
        tid: B256,
        party: Party,
        fees: &[(Address, U256)],
        winner: Address,
    ) -> Result<()> {
        self.release_charging(st, tid, Some(party), |l, _, b, r| {
            let taken = r.min(b.total);
            pay_fees_then_rest(l, b.owner, taken, fees, winner)?;
            Ok(taken)
        })
    }
}
