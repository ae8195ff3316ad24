//! M4: provider bonds, pinned artefacts, provider faults.
//! Prices: P_a = 1, P_d = 2, P_w = 10 RLC (P = 13), S_s = 3, S_w = 3. κ = 100 % reserves 1 RLC
//! (app) and 2 RLC (dataset) of the bonds per task.

mod common;
use common::*;

fn m4() -> Mechanisms {
    mech(|m| m.provider_bond = Some(ProviderBond::default()))
}

/// A world whose app and dataset owners bonded 5 RLC each.
fn bonded(n: usize) -> World<Mechanisms> {
    let mut w = world(m4(), n);
    let (app, ds) = (w.app, w.dataset);
    let e = w.env(app_owner(&w));
    w.poco.bond_asset(&e, app, rlc(5)).unwrap();
    let e = w.env(ds_owner(&w));
    w.poco.bond_asset(&e, ds, rlc(5)).unwrap();
    w
}

fn report(w: &mut World<Mechanisms>, i: usize, t: B256, c: Cause) {
    let env = w.env(w.worker(i));
    w.poco
        .report_failure(
            &env,
            t,
            &ReportInput::plain(c, digest("log"), digest("input")),
        )
        .unwrap();
}

#[test]
fn match_needs_bonds_and_reserves_them() {
    let mut w = world(m4(), 1);
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    let e = w.match_orders(&o).unwrap_err();
    assert_eq!(
        e.class(),
        "extension:provider_bond:provider bond below minimum"
    );
    assert_eq!(before, w.poco); // no deal, no consumption, nothing locked
    let mut w = bonded(1);
    let o = w.orders(&OrderParams {
        volume: u(2),
        ..params(4)
    });
    w.match_orders(&o).unwrap();
    let b = w.poco.ext.provider_bond.as_ref().unwrap();
    // volume 2: app 2·1 = 2 RLC, dataset 2·2 = 4 RLC reserved
    assert_eq!(b.bonds.get(&w.app).unwrap().reserved, rlc(2));
    assert_eq!(b.bonds.get(&w.dataset).unwrap().reserved, rlc(4));
    // a bond too small for the volume (reserved 4 of 5: 1 RLC left < 2 RLC)
    let o = w.orders(&OrderParams {
        salt: B256::repeat_byte(1),
        ..params(4)
    });
    assert!(w.match_orders(&o).is_err());
    // reserved bond cannot be withdrawn: 5 − 4 = 1 free
    let e = w.env(ds_owner(&w));
    let ds = w.dataset;
    let before = w.poco.clone();
    assert!(w.poco.unbond_asset(&e, ds, rlc(2)).is_err());
    assert_eq!(before, w.poco);
    w.poco.unbond_asset(&e, ds, rlc(1)).unwrap();
    assert_eq!(
        acct(&w, ds_owner(&w)),
        Account {
            balance: rlc(96),
            frozen: rlc(4)
        }
    );
}

#[test]
fn unpinned_dataset_is_rejected() {
    let mut w = bonded(1);
    let ds = w
        .poco
        .create_dataset(
            ds_owner(&w),
            "no-checksum",
            pocolab_core::Bytes::new(),
            B256::ZERO,
        )
        .unwrap();
    let e = w.env(ds_owner(&w));
    w.poco.bond_asset(&e, ds, rlc(5)).unwrap();
    w.dataset = ds;
    let o = w.orders(&params(4));
    let before = w.poco.clone();
    assert_eq!(
        w.match_orders(&o).unwrap_err().class(),
        "extension:provider_bond:dataset checksum empty"
    );
    assert_eq!(before, w.poco);
}

#[test]
fn dataset_fault_refunds_and_compensates_from_the_bond() {
    let mut w = bonded(2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    report(&mut w, 0, t, Cause::DatasetDownloadFailed);
    report(&mut w, 1, t, Cause::DatasetBadChecksum);
    claim_after_deadline(&mut w, t);
    // PROVIDER_FAILED (dataset): refund P = 13; from the 2 RLC reserved on the dataset bond:
    // requester min(13, 2)/2 = 1, workers min(φ_c·P_w = 10, 2 − 1) = 1 → 0.5 each;
    // S_s unlocked; report stakes returned
    assert_eq!(
        acct(&w, req(&w)),
        Account {
            balance: rlc(101),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, w.worker(0)),
        Account {
            balance: mrlc(100_500),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, w.worker(1)),
        Account {
            balance: mrlc(100_500),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, sched(&w)),
        Account {
            balance: rlc(100),
            frozen: U256::ZERO
        }
    );
    assert_eq!(
        acct(&w, ds_owner(&w)),
        Account {
            balance: rlc(95),
            frozen: rlc(3)
        }
    );
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(95),
            frozen: rlc(5)
        }
    );
    let b = w.poco.ext.provider_bond.as_ref().unwrap();
    assert_eq!(
        *b.bonds.get(&w.dataset).unwrap(),
        provider_bond::AssetBond {
            owner: ds_owner(&w),
            total: rlc(3),
            reserved: U256::ZERO
        }
    );
    assert_eq!(b.bonds.get(&w.app).unwrap().reserved, U256::ZERO);
    assert!(matches!(
        w.poco.ext.evidence.outcomes.get(&t),
        Some(Attribution::Provider {
            party: Party::Dataset,
            ..
        })
    ));
    assert_conserved(&w, s);
}

#[test]
fn one_enclave_signed_report_suffices() {
    let mut w = bonded(1);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    let env = w.env(w.worker(0));
    let r = ReportInput {
        enclave: w.actors.enclave.address(),
        ..ReportInput::plain(Cause::AppDigestMismatch, digest("quote"), digest("in"))
    };
    w.poco.report_failure(&env, t, &r).unwrap();
    claim_after_deadline(&mut w, t);
    // app fault: 1 RLC reserved → requester 0.5, the worker min(10, 0.5) = 0.5
    assert_eq!(acct(&w, req(&w)).balance, mrlc(100_500));
    assert_eq!(acct(&w, w.worker(0)).balance, mrlc(100_500));
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(95),
            frozen: rlc(4)
        }
    );
    assert_conserved(&w, s);
}

#[test]
fn non_determinism_needs_three_result_groups() {
    let mut w = bonded(2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(100));
    w.contribute(0, t, digest("a")).unwrap();
    w.contribute(1, t, digest("b")).unwrap();
    report(&mut w, 0, t, Cause::NonDeterministic);
    report(&mut w, 1, t, Cause::NonDeterministic);
    claim_after_deadline(&mut w, t);
    // two groups only: no provider fault; M3 off → the pool's failure, today's rule
    assert_eq!(
        w.poco.ext.evidence.outcomes.get(&t),
        Some(&Attribution::Pool)
    );
    assert_eq!(acct(&w, req(&w)).balance, rlc(100));
    assert_eq!(acct(&w, sched(&w)).balance, rlc(97));
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(95),
            frozen: rlc(5)
        }
    );
    assert_conserved(&w, s);
}

#[test]
fn success_releases_reservations_with_baseline_payout() {
    let mut w = bonded(2);
    let s = supply(&w);
    let (_, t) = deal_and_task(&mut w, &params(4));
    replicate_and_finalize(&mut w, t, &[0, 1], digest("r"));
    assert_eq!(
        acct(&w, app_owner(&w)),
        Account {
            balance: rlc(96),
            frozen: rlc(5)
        }
    );
    assert_eq!(
        acct(&w, ds_owner(&w)),
        Account {
            balance: rlc(97),
            frozen: rlc(5)
        }
    );
    assert_eq!(acct(&w, req(&w)).balance, rlc(87));
    let b = w.poco.ext.provider_bond.as_ref().unwrap();
    assert_eq!(b.bonds.get(&w.dataset).unwrap().reserved, U256::ZERO);
    assert_conserved(&w, s);
}

#[test]
fn only_the_owner_bonds() {
    let mut w = world(m4(), 1);
    let e = w.env(anyone(&w));
    let app = w.app;
    let before = w.poco.clone();
    assert!(w.poco.bond_asset(&e, app, rlc(1)).is_err());
    assert_eq!(before, w.poco);
}
