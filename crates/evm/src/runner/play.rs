//! One scenario call played on one side.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use pocolab_core::Env;
use pocolab_core::orders::{authorization_hash, enclave_hash, result_hash, result_seal, task_id};
use pocolab_core::{Operation, Order};

use super::orders::{build_orders, owner_of};
use super::{Backend, Ctx, Res, Side};
use crate::scenario::{AssetKindSpec, BatchKind, Call, Op, OpKind, Which};

/// What `contribute` and `contributeAndFinalize` send for a worker's result: the task, the
/// result's digest, hash and seal, the enclave challenge with its signature of (hash, seal),
/// and the authorization of the deal's scheduler (or of the call's `authorizer`).
struct Contribution {
    tid: B256,
    digest: B256,
    hash: B256,
    seal: B256,
    enclave: Address,
    enclave_sign: Bytes,
    auth: Bytes,
}

/// `"d1#3"` → `("d1", 3)`.
pub(super) fn split_task(t: &str) -> (&str, u64) {
    match t.rsplit_once('#') {
        Some((d, i)) => (d, i.parse().unwrap_or(0)),
        None => (t, 0),
    }
}

/// The sender of a call that names none.
fn default_sender(op: &Op) -> &'static str {
    match op {
        Op::Deposit { .. }
        | Op::Withdraw { .. }
        | Op::DepositFor { .. }
        | Op::WithdrawTo { .. }
        | Op::Transfer { .. }
        | Op::Approve { .. }
        | Op::TransferFrom { .. } => "requester",
        Op::Match {
            sponsored: true, ..
        }
        | Op::MatchBoost {
            sponsored: true, ..
        } => "sponsor",
        Op::Finalize { .. } | Op::Reopen { .. } | Op::ChangePolicy { .. } => "scheduler",
        Op::SetTeeBroker { .. } => "admin",
        Op::Contribute { .. }
        | Op::Reveal { .. }
        | Op::ContributeAndFinalize { .. }
        | Op::PushResultBoost { .. } => "worker1",
        _ => "anyone",
    }
}

/// Play one call on one side: (EVM op name, outcome, gas).
pub(super) fn play<B: Backend>(
    ctx: &Ctx,
    call: &Call,
    now: u64,
    s: &mut Side<B>,
) -> (&'static str, Res<()>, Option<u64>) {
    let actors = ctx.actors;
    let sender_name = call
        .sender
        .clone()
        .unwrap_or_else(|| default_sender(&call.op).to_string());
    let sender = s.resolve(actors, &sender_name);
    let env = Env::at(sender, now);
    let wallet = |n: &str| actors.wallets.get(n);
    let find_orders = |n: &str| ctx.sc.orders.iter().find(|o| o.name == n);
    // the scheduler of a deal: the owner actor of its workerpool asset (authorization signer)
    let scheduler_of = |deal: &str| -> String {
        for c in &ctx.sc.calls {
            if let Op::Match {
                orders, deal: d, ..
            }
            | Op::MatchBoost {
                orders, deal: d, ..
            } = &c.op
                && d == deal
                && let Some(spec) = find_orders(orders)
            {
                return owner_of(ctx.sc, &spec.workerpool);
            }
        }
        "scheduler".into()
    };
    let auth = |deal: &str,
                authorizer: &Option<String>,
                worker: Address,
                tid: B256,
                enclave: Address|
     -> Bytes {
        let who = authorizer.clone().unwrap_or_else(|| scheduler_of(deal));
        wallet(&who)
            .map(|w| w.sign_eth_message(authorization_hash(worker, tid, enclave)))
            .unwrap_or_default()
    };
    let tid_of = |s: &Side<B>, deal: &str, idx: u64| task_id(s.deal(deal), U256::from(idx));
    let enclave_of = |e: &Option<String>| {
        e.as_deref()
            .map(|n| s.resolve(actors, n))
            .unwrap_or(Address::ZERO)
    };
    let contribution = |deal: &str,
                        idx: u64,
                        result: &str,
                        authorizer: &Option<String>,
                        enclave: &Option<String>| {
        let tid = tid_of(s, deal, idx);
        let digest = keccak256(result.as_bytes());
        let (hash, seal) = (result_hash(tid, digest), result_seal(sender, tid, digest));
        let enc = enclave_of(enclave);
        let enclave_sign = match enclave.as_deref().and_then(wallet) {
            Some(w) => w.sign_eth_message(enclave_hash(hash, seal)),
            None => Bytes::new(),
        };
        Contribution {
            tid,
            digest,
            hash,
            seal,
            enclave: enc,
            enclave_sign,
            auth: auth(deal, authorizer, sender, tid, enc),
        }
    };

    let (name, r): (&'static str, Res<()>) = match &call.op {
        Op::Mint { actor, amount } => {
            let a = s.resolve(actors, actor);
            ("mint", s.b.mint(a, amount.value()))
        }
        Op::Deposit { amount } => ("deposit", s.b.deposit(&env, amount.value())),
        Op::Withdraw { amount } => ("withdraw", s.b.withdraw(&env, amount.value())),
        Op::Match {
            orders,
            deal,
            sponsored,
        }
        | Op::MatchBoost {
            orders,
            deal,
            sponsored,
        } => {
            let boost = matches!(call.op, Op::MatchBoost { .. });
            let name = match (boost, sponsored) {
                (false, false) => "matchOrders",
                (false, true) => "sponsorMatchOrders",
                (true, false) => "matchOrdersBoost",
                (true, true) => "sponsorMatchOrdersBoost",
            };
            match find_orders(orders) {
                None => (name, Err(format!("unknown order set {orders}"))),
                Some(spec) => {
                    let o = build_orders(ctx.sc, spec, actors, s);
                    let r = s.b.match_orders(&env, boost, *sponsored, &o);
                    if let Ok(id) = &r {
                        s.deals.insert(deal.clone(), *id);
                    }
                    (name, r.map(|_| ()))
                }
            }
        }
        Op::Manage { orders, which, op } => {
            let name = match which {
                Which::App => "manageAppOrder",
                Which::Dataset => "manageDatasetOrder",
                Which::Workerpool => "manageWorkerpoolOrder",
                Which::Request => "manageRequestOrder",
            };
            match find_orders(orders) {
                None => (name, Err(format!("unknown order set {orders}"))),
                Some(spec) => {
                    let o = build_orders(ctx.sc, spec, actors, s);
                    let operation = match op {
                        OpKind::Sign => Operation::Sign,
                        OpKind::Close => Operation::Close,
                    };
                    let ds = s.ds;
                    let (owner, h) = match which {
                        Which::App => (
                            owner_of(ctx.sc, &spec.app),
                            o.app.operation_hash(operation, ds),
                        ),
                        Which::Dataset => (
                            owner_of(ctx.sc, &spec.dataset),
                            o.dataset.operation_hash(operation, ds),
                        ),
                        Which::Workerpool => (
                            owner_of(ctx.sc, &spec.workerpool),
                            o.workerpool.operation_hash(operation, ds),
                        ),
                        Which::Request => (
                            spec.requester.clone().unwrap_or_else(|| "requester".into()),
                            o.request.operation_hash(operation, ds),
                        ),
                    };
                    let sign = wallet(&owner).map(|w| w.sign_hash(h)).unwrap_or_default();
                    (name, s.b.manage(&env, *which, operation, &o, &sign))
                }
            }
        }
        Op::Initialize { deal, idx } => (
            "initialize",
            s.b.initialize(&env, s.deal(deal), U256::from(*idx))
                .map(|_| ()),
        ),
        Op::Contribute {
            deal,
            idx,
            result,
            authorizer,
            enclave,
        } => {
            let c = contribution(deal, *idx, result, authorizer, enclave);
            (
                "contribute",
                s.b.contribute(
                    &env,
                    c.tid,
                    c.hash,
                    c.seal,
                    c.enclave,
                    &c.enclave_sign,
                    &c.auth,
                ),
            )
        }
        Op::Reveal { deal, idx, result } => (
            "reveal",
            s.b.reveal(&env, tid_of(s, deal, *idx), keccak256(result.as_bytes())),
        ),
        Op::Reopen { deal, idx } => ("reopen", s.b.reopen(&env, tid_of(s, deal, *idx))),
        Op::Finalize {
            deal,
            idx,
            results,
            callback_data,
        } => (
            "finalize",
            s.b.finalize(
                &env,
                tid_of(s, deal, *idx),
                results.as_bytes(),
                callback_data.as_bytes(),
            ),
        ),
        Op::ContributeAndFinalize {
            deal,
            idx,
            result,
            results,
            callback_data,
            authorizer,
            enclave,
        } => {
            let c = contribution(deal, *idx, result, authorizer, enclave);
            (
                "contributeAndFinalize",
                s.b.contribute_and_finalize(
                    &env,
                    c.tid,
                    c.digest,
                    results.as_bytes(),
                    callback_data.as_bytes(),
                    c.enclave,
                    &c.enclave_sign,
                    &c.auth,
                ),
            )
        }
        Op::Claim { deal, idx } => ("claim", s.b.claim(&env, tid_of(s, deal, *idx))),
        Op::PushResultBoost {
            deal,
            idx,
            results,
            callback_data,
            authorizer,
            enclave,
        } => {
            let tid = tid_of(s, deal, *idx);
            let enc = enclave_of(enclave);
            let a = auth(deal, authorizer, sender, tid, enc);
            let esign = match enclave.as_deref().and_then(wallet) {
                Some(w) => {
                    let data = if callback_data.is_empty() {
                        results
                    } else {
                        callback_data
                    };
                    let mut buf = Vec::with_capacity(84);
                    buf.extend_from_slice(sender.as_slice());
                    buf.extend_from_slice(tid.as_slice());
                    buf.extend_from_slice(keccak256(data.as_bytes()).as_slice());
                    w.sign_eth_message(keccak256(&buf))
                }
                None => Bytes::new(),
            };
            (
                "pushResultBoost",
                s.b.push_result_boost(
                    &env,
                    s.deal(deal),
                    U256::from(*idx),
                    results.as_bytes(),
                    callback_data.as_bytes(),
                    &a,
                    enc,
                    &esign,
                ),
            )
        }
        Op::ClaimBoost { deal, idx } => (
            "claimBoost",
            s.b.claim_boost(&env, s.deal(deal), U256::from(*idx)),
        ),
        Op::SetScore { worker, score } => {
            let w = s.resolve(actors, worker);
            s.b.set_score(w, U256::from(*score));
            ("setScore", Ok(()))
        }
        Op::DepositFor { amount, target } => {
            let t = s.resolve(actors, target);
            ("depositFor", s.b.deposit_for(&env, amount.value(), t))
        }
        Op::WithdrawTo { amount, target } => {
            let t = s.resolve(actors, target);
            ("withdrawTo", s.b.withdraw_to(&env, amount.value(), t))
        }
        Op::Transfer { to, amount } => {
            let t = s.resolve(actors, to);
            ("transfer", s.b.transfer(&env, t, amount.value()))
        }
        Op::Approve { spender, amount } => {
            let t = s.resolve(actors, spender);
            ("approve", s.b.approve(&env, t, amount.value()))
        }
        Op::TransferFrom { from, to, amount } => {
            let (f, t) = (s.resolve(actors, from), s.resolve(actors, to));
            (
                "transferFrom",
                s.b.transfer_from(&env, f, t, amount.value()),
            )
        }
        Op::Batch { kind, tasks } => {
            let (deals, idxs): (Vec<B256>, Vec<U256>) = tasks
                .iter()
                .map(|t| {
                    let (d, i) = split_task(t);
                    (s.deal(d), U256::from(i))
                })
                .unzip();
            let name = match kind {
                BatchKind::Initialize => "initializeArray",
                BatchKind::Claim => "claimArray",
                BatchKind::InitializeAndClaim => "initializeAndClaimArray",
            };
            (name, s.b.batch(&env, *kind, &deals, &idxs))
        }
        Op::CreateAsset { kind, name, owner } => {
            let o = s.resolve(actors, owner);
            let op = match kind {
                AssetKindSpec::App => "createApp",
                AssetKindSpec::Dataset => "createDataset",
                AssetKindSpec::Workerpool => "createWorkerpool",
            };
            let r = s.b.create_asset(&env, *kind, o, name, b"");
            if let Ok(a) = &r {
                // a name already bound keeps its asset; the new one is `name~2`, `name~3`, …
                let mut key = name.clone();
                let mut n = 1;
                while s.assets.contains_key(&key) {
                    n += 1;
                    key = format!("{name}~{n}");
                }
                s.assets.insert(key, *a);
            }
            (op, r.map(|_| ()))
        }
        Op::SetTeeBroker { broker } => {
            let b = s.resolve(actors, broker);
            ("setTeeBroker", s.b.set_tee_broker(&env, b))
        }
        Op::ChangePolicy {
            pool,
            worker_stake_ratio,
            scheduler_reward_ratio,
        } => {
            let p = s.resolve(actors, pool);
            (
                "changePolicy",
                s.b.change_policy(
                    &env,
                    p,
                    worker_stake_ratio.value(),
                    scheduler_reward_ratio.value(),
                ),
            )
        }
    };
    let gas = match &call.op {
        Op::SetScore { .. } | Op::Mint { .. } => None,
        _ => s.b.last_gas(),
    };
    (name, r, gas)
}
