//! `pocolab demo`: one full classic deal on the core, with every account printed.
//!
//! Setup (default workerpool policies ρ = 30, σ = 1; category 0, R = 300 s):
//! app 3 RLC, dataset 2 RLC, workerpool 10 RLC, trust 3, volume 1. Three workers: worker1
//! (score 0, ω = 2) contributes a wrong result first, worker2 (score 12, ω = 3) and worker3
//! (score 15, ω = 4) the right one. Consensus: (2, 3) → (3, 6) → (12, 15), 12·3 > 15·2.
//!
//! Predicted by spec §8.1–§8.2: `S_w = 3 RLC`, `S_pool = 3 RLC`, pot `T = 10 + 3 = 13 RLC`,
//! workers' share `W = ⌊13·99/100⌋ = 12.87 RLC`, log weights 1 and 2 (Λ = 3): worker2 gets
//! 4.29 RLC, worker3 8.58 RLC, the scheduler the remainder 0.13 RLC; worker1 loses its 3 RLC
//! stake; scores become 0, 13, 16.

use pocolab_core::constants::{KITTY_ADDRESS, RLC};
use pocolab_core::fixtures::{OrderParams, World, digest};
use pocolab_core::orders::result_hash;
use pocolab_core::{Account, Address, TaskStatus, U256};

/// One printed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// role name
    pub role: &'static str,
    /// address
    pub address: Address,
    /// balance and frozen at the end
    pub account: Account,
    /// score at the end (workers only)
    pub score: Option<U256>,
}

/// The demo's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// step-by-step log
    pub log: Vec<String>,
    /// final accounts
    pub rows: Vec<Row>,
    /// total supply before and after (value conservation)
    pub supply: (U256, U256),
}

fn rlc(x: U256) -> String {
    let r = U256::from(RLC);
    format!("{}.{:09}", x / r, (x % r).to::<u64>())
}

/// Play the demo deal.
pub fn run() -> anyhow::Result<Outcome> {
    let mut log = Vec::new();
    let mut w = World::new(3, true);
    let req = w.actors.requester.address();
    let sched = w.actors.scheduler.address();
    w.fund(req, U256::from(15 * RLC))?;
    w.fund(sched, U256::from(3 * RLC))?;
    for i in 0..3 {
        w.fund(w.worker(i), U256::from(10 * RLC))?;
    }
    let supply0 = w.poco.state.ledger.total_supply();
    log.push(format!(
        "deposits: requester 15 RLC, scheduler 3 RLC, workers 10 RLC each (supply {} RLC)",
        rlc(supply0)
    ));

    let p = OrderParams {
        app_price: U256::from(3 * RLC),
        dataset_price: U256::from(2 * RLC),
        workerpool_price: U256::from(10 * RLC),
        trust: U256::from(3),
        ..Default::default()
    };
    let orders = w.orders(&p);
    let deal = w.match_orders(&orders)?;
    log.push(format!("matchOrders -> deal {deal}"));
    w.advance(10);
    let task = w.initialize(deal, 0)?;
    log.push(format!("initialize -> task {task}"));
    w.set_score(1, 12);
    w.set_score(2, 15);
    let (wrong, right) = (digest("wrong"), digest("result"));
    for (i, d) in [(0, wrong), (1, right), (2, right)] {
        w.advance(10);
        w.contribute(i, task, d)?;
        let t = w.poco.view_task(task);
        log.push(format!(
            "worker{} contributes {} -> group {} / total {} ({:?})",
            i + 1,
            if d == right {
                "the right result"
            } else {
                "a WRONG result"
            },
            t.group(result_hash(task, d)),
            t.total,
            t.status
        ));
    }
    for i in [1, 2] {
        w.advance(10);
        w.reveal(i, task, right)?;
        log.push(format!("worker{} reveals", i + 1));
    }
    w.advance(10);
    w.finalize(task, b"ipfs://result")?;
    let t = w.poco.view_task(task);
    anyhow::ensure!(
        t.status == TaskStatus::Completed,
        "task not completed: {:?}",
        t.status
    );
    log.push("scheduler finalizes -> COMPLETED".into());

    let a = &w.actors;
    let mut rows = vec![
        Row {
            role: "requester",
            address: req,
            account: w.poco.view_account(req),
            score: None,
        },
        Row {
            role: "app provider",
            address: a.app_provider.address(),
            account: w.poco.view_account(a.app_provider.address()),
            score: None,
        },
        Row {
            role: "dataset provider",
            address: a.dataset_provider.address(),
            account: w.poco.view_account(a.dataset_provider.address()),
            score: None,
        },
        Row {
            role: "scheduler",
            address: sched,
            account: w.poco.view_account(sched),
            score: None,
        },
    ];
    for i in 0..3 {
        let wk = w.worker(i);
        rows.push(Row {
            role: ["worker1", "worker2", "worker3"][i],
            address: wk,
            account: w.poco.view_account(wk),
            score: Some(w.poco.view_score(wk)),
        });
    }
    rows.push(Row {
        role: "kitty",
        address: KITTY_ADDRESS,
        account: w.poco.view_account(KITTY_ADDRESS),
        score: None,
    });
    let proxy = w.poco.state.ledger.proxy();
    rows.push(Row {
        role: "PoCo proxy (escrow)",
        address: proxy,
        account: w.poco.view_account(proxy),
        score: None,
    });
    w.poco
        .state
        .ledger
        .check_invariants()
        .map_err(anyhow::Error::msg)?;
    Ok(Outcome {
        log,
        rows,
        supply: (supply0, w.poco.state.ledger.total_supply()),
    })
}

/// Print the outcome as a table.
pub fn print(o: &Outcome) {
    println!("pocolab demo: one PoCo 6.1.0 deal, trust 3, three workers (one wrong)\n");
    for l in &o.log {
        println!("  {l}");
    }
    println!(
        "\n{:<20} {:<44} {:>16} {:>16} {:>6}",
        "account", "address", "balance (RLC)", "frozen (RLC)", "score"
    );
    for r in &o.rows {
        println!(
            "{:<20} {:<44} {:>16} {:>16} {:>6}",
            r.role,
            r.address.to_string(),
            rlc(r.account.balance),
            rlc(r.account.frozen),
            r.score.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    println!(
        "\ntotal supply before {} RLC, after {} RLC (value conserved: {})",
        rlc(o.supply.0),
        rlc(o.supply.1),
        o.supply.0 == o.supply.1
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nrlc(x: u64) -> U256 {
        U256::from(x)
    }

    /// The printed balances are the ones spec §8 predicts (module doc).
    #[test]
    fn demo_matches_spec_prediction() {
        let o = run().unwrap();
        let get = |role: &str| o.rows.iter().find(|r| r.role == role).unwrap().clone();
        let acc = |b: u64, f: u64| Account {
            balance: nrlc(b),
            frozen: nrlc(f),
        };
        assert_eq!(get("requester").account, acc(0, 0));
        assert_eq!(get("app provider").account, acc(3 * RLC, 0));
        assert_eq!(get("dataset provider").account, acc(2 * RLC, 0));
        assert_eq!(get("scheduler").account, acc(3 * RLC + 130_000_000, 0));
        assert_eq!(get("worker1").account, acc(7 * RLC, 0));
        assert_eq!(get("worker2").account, acc(10 * RLC + 4_290_000_000, 0));
        assert_eq!(get("worker3").account, acc(10 * RLC + 8_580_000_000, 0));
        assert_eq!(get("kitty").account, acc(0, 0));
        assert_eq!(get("PoCo proxy (escrow)").account, acc(0, 0));
        assert_eq!(get("worker1").score, Some(nrlc(0)));
        assert_eq!(get("worker2").score, Some(nrlc(13)));
        assert_eq!(get("worker3").score, Some(nrlc(16)));
        assert_eq!(o.supply.0, o.supply.1);
        assert_eq!(o.supply.0, nrlc(48 * RLC));
    }
}
