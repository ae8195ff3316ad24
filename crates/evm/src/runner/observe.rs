//! The observable state of one side, every address and hash printed by the scenario name it
//! stands for, so that both sides compare key by key.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256, keccak256};
use pocolab_core::Order;
use pocolab_core::constants::KITTY_ADDRESS;
use pocolab_core::orders::{result_hash, result_seal, task_id};

use super::orders::build_orders;
use super::{Backend, Ctx, Side};
use crate::scenario::{Op, Scenario};

/// The words whose digests (results, result hashes, seals) are named canonically: every
/// result, results and callback data that the scenario's calls send.
pub(super) fn canonical_words(sc: &Scenario) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    for c in &sc.calls {
        match &c.op {
            Op::Contribute { result, .. } | Op::Reveal { result, .. } => {
                words.insert(result.clone());
            }
            Op::ContributeAndFinalize {
                result,
                results,
                callback_data,
                ..
            } => {
                words.insert(result.clone());
                words.insert(results.clone());
                words.insert(callback_data.clone());
            }
            Op::Finalize {
                results,
                callback_data,
                ..
            }
            | Op::PushResultBoost {
                results,
                callback_data,
                ..
            } => {
                words.insert(results.clone());
                words.insert(callback_data.clone());
            }
            _ => {}
        }
    }
    words
}

/// Canonical names of addresses and hashes on one side.
struct Canon {
    addrs: BTreeMap<Address, String>,
    hashes: BTreeMap<B256, String>,
}

impl Canon {
    /// `a`'s name, or `a` itself.
    fn a(&self, a: Address) -> String {
        self.addrs
            .get(&a)
            .cloned()
            .unwrap_or_else(|| format!("{a}"))
    }
    /// `h`'s name, or `h` itself.
    fn h(&self, h: B256) -> String {
        self.hashes
            .get(&h)
            .cloned()
            .unwrap_or_else(|| format!("{h}"))
    }
}

/// The names of `s`'s addresses and hashes: actors, assets, deals, tasks, digests, result
/// hashes and seals.
fn canon<B: Backend>(ctx: &Ctx, s: &Side<B>, tasks: &BTreeSet<(String, u64)>) -> Canon {
    let mut addrs = BTreeMap::new();
    for (n, w) in &ctx.actors.wallets {
        addrs.insert(w.address(), n.clone());
    }
    for (n, a) in &s.assets {
        addrs.insert(*a, format!("asset:{n}"));
    }
    addrs.insert(KITTY_ADDRESS, "kitty".into());
    addrs.insert(Address::ZERO, "0".into());
    let mut hashes = BTreeMap::new();
    hashes.insert(B256::ZERO, "0".into());
    for (n, d) in &s.deals {
        if !d.is_zero() {
            hashes.insert(*d, format!("deal:{n}"));
        }
    }
    for w in ctx.words {
        hashes.insert(keccak256(w.as_bytes()), format!("digest({w})"));
    }
    for (dn, idx) in tasks {
        let tid = task_id(s.deal(dn), U256::from(*idx));
        hashes.insert(tid, format!("task:{dn}#{idx}"));
        for w in ctx.words {
            let dg = keccak256(w.as_bytes());
            hashes.insert(result_hash(tid, dg), format!("rh({w})"));
            for (wn, wal) in &ctx.actors.wallets {
                hashes.insert(
                    result_seal(wal.address(), tid, dg),
                    format!("seal({wn},{w})"),
                );
            }
        }
    }
    Canon { addrs, hashes }
}

/// Every observable field of `s` (accounts, RLC, scores, allowances, consumed and presigned
/// orders, deals, tasks and contributions), canonical field path → canonical value.
pub(super) fn observe<B: Backend>(
    ctx: &Ctx,
    s: &mut Side<B>,
    tasks: &BTreeSet<(String, u64)>,
    boost: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let cn = canon(ctx, s, tasks);
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    for (n, w) in &ctx.actors.wallets {
        let acc = s.b.account(w.address());
        put(format!("account.{n}.balance"), acc.balance.to_string());
        put(format!("account.{n}.frozen"), acc.frozen.to_string());
        if n != "admin" {
            put(format!("rlc.{n}"), s.b.rlc(w.address()).to_string());
        }
        if n.starts_with("worker") {
            put(format!("score.{n}"), s.b.score(w.address()).to_string());
        }
    }
    for c in &ctx.sc.calls {
        let (owner, spender) = match (&c.op, &c.sender) {
            (Op::Approve { spender, .. }, snd) => (
                snd.clone().unwrap_or_else(|| "requester".into()),
                spender.clone(),
            ),
            (Op::TransferFrom { from, .. }, snd) => (
                from.clone(),
                snd.clone().unwrap_or_else(|| "requester".into()),
            ),
            _ => continue,
        };
        let (o, sp) = (
            s.resolve(ctx.actors, &owner),
            s.resolve(ctx.actors, &spender),
        );
        put(
            format!("allowance.{owner}.{spender}"),
            s.b.allowance(o, sp).to_string(),
        );
    }
    let k = s.b.account(KITTY_ADDRESS);
    put("account.kitty.balance".into(), k.balance.to_string());
    put("account.kitty.frozen".into(), k.frozen.to_string());
    put("totalSupply".into(), s.b.total_supply().to_string());
    for spec in &ctx.sc.orders {
        let o = build_orders(ctx.sc, spec, ctx.actors, s);
        let ds = s.ds;
        let hs = [
            ("app", o.app.hash(ds)),
            ("dataset", o.dataset.hash(ds)),
            ("workerpool", o.workerpool.hash(ds)),
            ("request", o.request.hash(ds)),
        ];
        for (w, h) in hs {
            if w == "dataset" && spec.dataset.is_empty() {
                continue;
            }
            put(
                format!("consumed.{}.{w}", spec.name),
                s.b.consumed(h).to_string(),
            );
            put(
                format!("presigned.{}.{w}", spec.name),
                cn.a(s.b.presigned(h)),
            );
        }
    }
    let deals: Vec<(String, B256)> = s.deals.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (n, id) in deals {
        if boost.contains(&n) {
            let d = s.b.deal_boost(id);
            let p = format!("dealBoost.{n}");
            put(format!("{p}.appOwner"), cn.a(d.app_owner));
            put(format!("{p}.appPrice"), d.app_price.to_string());
            put(format!("{p}.datasetOwner"), cn.a(d.dataset_owner));
            put(format!("{p}.datasetPrice"), d.dataset_price.to_string());
            put(format!("{p}.workerpoolOwner"), cn.a(d.workerpool_owner));
            put(
                format!("{p}.workerpoolPrice"),
                d.workerpool_price.to_string(),
            );
            put(format!("{p}.requester"), cn.a(d.requester));
            put(format!("{p}.workerReward"), d.worker_reward.to_string());
            put(format!("{p}.callback"), cn.a(d.callback));
            put(format!("{p}.deadline"), d.deadline.to_string());
            put(format!("{p}.botFirst"), d.bot_first.to_string());
            put(format!("{p}.botSize"), d.bot_size.to_string());
            put(
                format!("{p}.shortTag"),
                alloy_primitives::hex::encode(d.short_tag),
            );
            put(format!("{p}.sponsor"), cn.a(d.sponsor));
        } else {
            let d = s.b.deal(id);
            let p = format!("deal.{n}");
            for (r, res) in [
                ("app", &d.app),
                ("dataset", &d.dataset),
                ("workerpool", &d.workerpool),
            ] {
                put(format!("{p}.{r}.pointer"), cn.a(res.pointer));
                put(format!("{p}.{r}.owner"), cn.a(res.owner));
                put(format!("{p}.{r}.price"), res.price.to_string());
            }
            put(format!("{p}.trust"), d.trust.to_string());
            put(format!("{p}.category"), d.category.to_string());
            put(format!("{p}.tag"), format!("{}", d.tag));
            put(format!("{p}.requester"), cn.a(d.requester));
            put(format!("{p}.beneficiary"), cn.a(d.beneficiary));
            put(format!("{p}.callback"), cn.a(d.callback));
            put(format!("{p}.params"), d.params.clone());
            put(format!("{p}.startTime"), d.start_time.to_string());
            put(format!("{p}.botFirst"), d.bot_first.to_string());
            put(format!("{p}.botSize"), d.bot_size.to_string());
            put(format!("{p}.workerStake"), d.worker_stake.to_string());
            put(
                format!("{p}.schedulerRewardRatio"),
                d.scheduler_reward_ratio.to_string(),
            );
            put(format!("{p}.sponsor"), cn.a(d.sponsor));
        }
    }
    let workers: Vec<(String, Address)> = ctx
        .actors
        .workers()
        .into_iter()
        .map(|n| (n.clone(), ctx.actors.addr(&n).unwrap_or_default()))
        .collect();
    for (dn, idx) in tasks {
        let tid = task_id(s.deal(dn), U256::from(*idx));
        let t = s.b.task(tid);
        let p = format!("task.{dn}#{idx}");
        put(format!("{p}.status"), format!("{:?}", t.status));
        put(format!("{p}.dealid"), cn.h(t.dealid));
        put(format!("{p}.idx"), t.idx.to_string());
        put(format!("{p}.timeref"), t.timeref.to_string());
        put(
            format!("{p}.contributionDeadline"),
            t.contribution_deadline.to_string(),
        );
        put(format!("{p}.revealDeadline"), t.reveal_deadline.to_string());
        put(format!("{p}.finalDeadline"), t.final_deadline.to_string());
        put(format!("{p}.consensusValue"), cn.h(t.consensus_value));
        put(format!("{p}.revealCounter"), t.reveal_counter.to_string());
        put(format!("{p}.winnerCounter"), t.winner_counter.to_string());
        put(
            format!("{p}.contributors"),
            t.contributors
                .iter()
                .map(|a| cn.a(*a))
                .collect::<Vec<_>>()
                .join(","),
        );
        put(format!("{p}.resultDigest"), cn.h(t.result_digest));
        put(
            format!("{p}.results"),
            alloy_primitives::hex::encode(&t.results),
        );
        put(
            format!("{p}.resultsTimestamp"),
            t.results_timestamp.to_string(),
        );
        put(
            format!("{p}.resultsCallback"),
            alloy_primitives::hex::encode(&t.results_callback),
        );
        for (wn, w) in &workers {
            let c = s.b.contribution(tid, *w);
            let q = format!("contribution.{dn}#{idx}.{wn}");
            put(format!("{q}.status"), format!("{:?}", c.status));
            put(format!("{q}.resultHash"), cn.h(c.result_hash));
            put(format!("{q}.resultSeal"), cn.h(c.result_seal));
            put(format!("{q}.enclaveChallenge"), cn.a(c.enclave_challenge));
            put(format!("{q}.weight"), c.weight.to_string());
        }
    }
    m
}
