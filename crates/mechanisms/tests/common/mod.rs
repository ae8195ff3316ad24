//! Shared fixtures of the mechanism tests: prices P_a = 1, P_d = 2, P_w = 10 RLC (P = 13,
//! S_s = 3, S_w = 3 with ρ = 30, σ = 1), everybody funded.
#![allow(dead_code, unused_imports)]

pub use pocolab_core::constants::{KITTY_ADDRESS, RLC, u};
pub use pocolab_core::fixtures::{OrderParams, World, digest};
pub use pocolab_core::{Account, Address, B256, Extension, TaskStatus, U256};
pub use pocolab_mechanisms::*;

/// `x` thousandths of an RLC, in nRLC.
pub fn mrlc(x: u64) -> U256 {
    U256::from(x * 1_000_000)
}

pub fn rlc(x: u64) -> U256 {
    U256::from(x * RLC)
}

pub const FUND: u64 = 100;

/// A world (simulation mode) with `n` workers; everybody holds 100 RLC in PoCo.
pub fn world<E: Extension>(ext: E, n: usize) -> World<E> {
    world_sig(ext, n, false)
}

pub fn world_sig<E: Extension>(ext: E, n: usize, verify: bool) -> World<E> {
    let mut w = World::with_extension(n, verify, ext);
    let a = w.actors.clone();
    for who in [
        a.requester.address(),
        a.scheduler.address(),
        a.app_provider.address(),
        a.dataset_provider.address(),
        a.anyone.address(),
        a.sms.address(),
        a.admin.address(),
    ] {
        w.fund(who, rlc(FUND)).unwrap();
    }
    for i in 0..n {
        w.fund(w.worker(i), rlc(FUND)).unwrap();
    }
    w
}

pub fn params(trust: u64) -> OrderParams {
    OrderParams {
        app_price: rlc(1),
        dataset_price: rlc(2),
        workerpool_price: rlc(10),
        trust: u(trust),
        ..Default::default()
    }
}

pub fn mech(f: impl FnOnce(&mut Mechanisms)) -> Mechanisms {
    let mut m = Mechanisms::default();
    f(&mut m);
    m
}

pub fn supply<E>(w: &World<E>) -> U256 {
    w.poco.state.ledger.total_supply()
}

/// Value conservation: invariants I1–I3, unchanged supply, and every nRLC held by the proxy is
/// locked by someone (nothing seized and left unassigned).
pub fn assert_conserved<E>(w: &World<E>, supply: U256) {
    let l = &w.poco.state.ledger;
    l.check_invariants().unwrap();
    assert_eq!(l.total_supply(), supply, "total supply changed");
    assert_eq!(
        l.balance_of(l.proxy()),
        l.total_frozen(),
        "proxy balance != Σ frozen"
    );
}

pub fn acct<E>(w: &World<E>, a: Address) -> Account {
    w.poco.state.ledger.account(a)
}

/// balance + frozen
pub fn total<E>(w: &World<E>, a: Address) -> U256 {
    let x = acct(w, a);
    x.balance + x.frozen
}

pub fn req<E>(w: &World<E>) -> Address {
    w.actors.requester.address()
}
pub fn sched<E>(w: &World<E>) -> Address {
    w.actors.scheduler.address()
}
pub fn app_owner<E>(w: &World<E>) -> Address {
    w.actors.app_provider.address()
}
pub fn ds_owner<E>(w: &World<E>) -> Address {
    w.actors.dataset_provider.address()
}
pub fn anyone<E>(w: &World<E>) -> Address {
    w.actors.anyone.address()
}

/// Match one deal of `p` and initialize task 0.
pub fn deal_and_task<E: Extension>(w: &mut World<E>, p: &OrderParams) -> (B256, B256) {
    let o = w.orders(p);
    let d = w.match_orders(&o).unwrap();
    let t = w.initialize(d, 0).unwrap();
    (d, t)
}

/// Workers `ids` contribute and reveal `d`, then the scheduler finalizes.
pub fn replicate_and_finalize<E: Extension>(w: &mut World<E>, t: B256, ids: &[usize], d: B256) {
    for &i in ids {
        w.contribute(i, t, d).unwrap();
    }
    assert_eq!(w.poco.view_task(t).status, TaskStatus::Revealing);
    for &i in ids {
        w.reveal(i, t, d).unwrap();
    }
    w.finalize(t, b"result").unwrap();
}

/// Worker `i` runs the trust-1 fast path.
pub fn fast_finalize<E: Extension>(w: &mut World<E>, t: B256, i: usize, d: B256) {
    let wk = w.worker(i);
    let env = w.env(wk);
    w.poco
        .contribute_and_finalize(&env, t, d, b"result", &[], Address::ZERO, &[], &[])
        .unwrap();
}

/// Jump past the final deadline of `t` and claim it.
pub fn claim_after_deadline<E: Extension>(w: &mut World<E>, t: B256) {
    let fd: u64 = w.poco.view_task(t).final_deadline.try_into().unwrap();
    if w.now < fd {
        w.now = fd;
    }
    let env = w.env(w.actors.anyone.address());
    w.poco.claim(&env, t).unwrap();
}

/// Category 0 (XS) time reference.
pub const T: u64 = 300;
