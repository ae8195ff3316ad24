//! The entries of the catalogue: for every threat id of §1, the attack preset that plays it, the
//! market it runs on and the metric that measures its damage, or why it is not simulated.

use pocolab_core::constants::RLC;

use super::*;
use crate::config::Provider;

fn run_on(attack: Attack, f: impl FnOnce(&mut MarketConfig)) -> MarketConfig {
    let mut c = base_market();
    c.attack = attack;
    f(&mut c);
    c
}

fn sim(attack: Attack, metric: Metric, worse: Worse) -> Simulation {
    Simulation::Run {
        cfg: run_on(attack, |_| {}),
        metric,
        worse,
        expect_damage: true,
    }
}

fn sim_with(
    attack: Attack,
    f: impl FnOnce(&mut MarketConfig),
    metric: Metric,
    worse: Worse,
) -> Simulation {
    Simulation::Run {
        cfg: run_on(attack, f),
        metric,
        worse,
        expect_damage: true,
    }
}

fn no_damage(attack: Attack, metric: Metric, worse: Worse) -> Simulation {
    Simulation::Run {
        cfg: run_on(attack, |_| {}),
        metric,
        worse,
        expect_damage: false,
    }
}

/// R3 / C1 / R8 / S6: the coalition's own pool is cheap (`P_w` = 1 RLC) and the providers'
/// prices matter (`P_a` = 3, `P_d` = 5 RLC): §1.1 R3 is profitable when `P_a + P_d > 0.3 P_w + c`.
fn own_pool(c: &mut MarketConfig) {
    c.workerpool_price = RLC;
    c.app_price = 3 * RLC;
    c.dataset_price = 5 * RLC;
}

fn trust1(c: &mut MarketConfig) {
    c.trust = 1;
    c.fast_path = true;
}

/// What a griefer spends at most per requested task: 2 RLC, a sixth of the default task price
/// (1 + 1 + 10 RLC).
pub(crate) const GRIEF_BUDGET_NRLC: u64 = 2 * RLC;

/// What the attacker of threat `id` maximises. Griefing threats (the attacker gains nothing
/// on or off the chain, §1 calls them griefing or DoS) maximise damage within
/// [`GRIEF_BUDGET_NRLC`]; threats that can be played for gain or for harm (an external gain
/// `G` or a loss `L` to the victim) are searched both ways; the rest are played for profit.
fn objective_of(id: &str) -> Objective {
    let budget_nrlc_per_task = GRIEF_BUDGET_NRLC;
    match id {
        "R2" | "R5" | "R7" | "A1" | "A2" | "A7" | "D2" | "D3" | "S3" | "W6" | "W9" | "G1"
        | "G2" => Objective::Damage {
            budget_nrlc_per_task,
        },
        "R1" | "A4" | "A6" | "D1" | "C6" | "S6" | "W2" | "W5" | "S9" => Objective::Both {
            budget_nrlc_per_task,
        },
        _ => Objective::Profit,
    }
}

/// The full catalogue, in the spec's order.
pub fn catalogue() -> Vec<Threat> {
    use Protection as P;
    use Role::*;
    use Worse::*;
    let loss = Metric::VictimLossPerTask;
    let wrong = Metric::WrongResultRate;
    let live = Metric::FractionFinalized;
    let t = |id, title, attacker, victims, protection, sim| Threat {
        id,
        title,
        attacker,
        victims,
        protection,
        sim,
        objective: objective_of(id),
    };
    vec![
        // 1.1 requester
        t(
            "R1",
            "per-worker or unstable inputs, refund at claim",
            Requester,
            "workers, pool, providers",
            P::None,
            sim(Attack::UnstableInputs, loss, Higher),
        ),
        t(
            "R2",
            "malformed but deterministic input",
            Requester,
            "workers",
            P::Mitigated,
            no_damage(
                Attack::MalformedInput,
                Metric::HonestIncomePerCompute,
                Lower,
            ),
        ),
        t(
            "R3",
            "self-hosted pool free-riding: result obtained, finalize withheld, refund",
            Coalition,
            "app and dataset owners",
            P::None,
            sim_with(
                Attack::WithholdFinalize,
                own_pool,
                Metric::ProviderRevenueRatio,
                Lower,
            ),
        ),
        t(
            "R4",
            "callback griefing",
            Requester,
            "finaliser",
            P::Partial,
            Simulation::NotSimulated(
                "a gas cost only: the core has no gas model; the EVM oracle (issue B) measures callback gas",
            ),
        ),
        t(
            "R5",
            "withdraw race against a pending matchOrders",
            Requester,
            "matcher",
            P::Mitigated,
            sim(
                Attack::WithdrawRace { p: 0.5 },
                Metric::RevertedCallShare,
                Higher,
            ),
        ),
        t(
            "R6",
            "order-volume exhaustion",
            Requester,
            "providers, other requesters",
            P::None,
            Simulation::NotSimulated(
                "needs requesters competing for the volume of one shared provider order; in the market every deal signs its own orders, so there is nothing to exhaust (a shared order book is not modelled yet)",
            ),
        ),
        t(
            "R7",
            "extreme trust",
            Requester,
            "pool, workers",
            P::Mitigated,
            no_damage(Attack::ExtremeTrust { trust: 100 }, loss, Higher),
        ),
        t(
            "R8",
            "refund abuse after delivery (general case of R3)",
            Coalition,
            "providers, workers",
            P::None,
            sim_with(
                Attack::WithholdFinalize,
                own_pool,
                Metric::ProviderRevenueRatio,
                Lower,
            ),
        ),
        // 1.2 app provider
        t(
            "A1",
            "non-deterministic app",
            AppProvider,
            "workers, pool, requester",
            P::None,
            sim(Attack::NondeterministicApp { p: 0.5 }, loss, Higher),
        ),
        t(
            "A2",
            "image mutation under the same tag",
            AppProvider,
            "requester, workers",
            P::None,
            sim(
                Attack::ImageMutation {
                    from_deal: 30,
                    p_stale: 0.5,
                },
                live,
                Lower,
            ),
        ),
        t(
            "A3",
            "exfiltrating app (dataset confidentiality)",
            AppProvider,
            "dataset owner",
            P::Partial,
            sim(
                Attack::ExfiltratingApp {
                    data_value_nrlc: 20 * RLC,
                },
                loss,
                Higher,
            ),
        ),
        t(
            "A4",
            "garbage but deterministic app",
            AppProvider,
            "requester",
            P::None,
            // no dataset: the requester's ratings then fall on the app alone
            sim_with(
                Attack::DeterministicGarbage {
                    source: Provider::App,
                    loss_nrlc: 50 * RLC,
                    from_deal: 0,
                    reenter: false,
                },
                |c| c.with_dataset = false,
                wrong,
                Higher,
            ),
        ),
        t(
            "A5",
            "app price front-running",
            AppProvider,
            "requester",
            P::Partial,
            sim(
                Attack::PriceFrontRun {
                    source: Provider::App,
                    markup_pct: 100,
                },
                loss,
                Higher,
            ),
        ),
        t(
            "A6",
            "trivialised consensus (constant determinism file)",
            AppProvider,
            "requester",
            P::None,
            sim(
                Attack::TrivialisedConsensus { lazy_fraction: 0.5 },
                wrong,
                Higher,
            ),
        ),
        t(
            "A7",
            "resource bomb (workers lost)",
            AppProvider,
            "requester, workers, pool",
            P::Partial,
            sim(
                Attack::ResourceBomb { crash_p: 0.5 },
                Metric::RedundancyFactor,
                Higher,
            ),
        ),
        // 1.3 dataset provider
        t(
            "D1",
            "poisoned or garbage dataset",
            DatasetProvider,
            "requester",
            P::None,
            sim(
                Attack::DeterministicGarbage {
                    source: Provider::Dataset,
                    loss_nrlc: 50 * RLC,
                    from_deal: 0,
                    reenter: false,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "D2",
            "dataset access withdrawn mid-deal (paid error result)",
            DatasetProvider,
            "requester",
            P::None,
            sim(Attack::DatasetWithdrawal { from_deal: 30 }, loss, Higher),
        ),
        t(
            "D3",
            "empty checksum, mutable URL",
            DatasetProvider,
            "workers, pool",
            P::None,
            sim(Attack::MutableDataset, loss, Higher),
        ),
        t(
            "D4",
            "dataset price front-running",
            DatasetProvider,
            "requester",
            P::Partial,
            sim(
                Attack::PriceFrontRun {
                    source: Provider::Dataset,
                    markup_pct: 100,
                },
                loss,
                Higher,
            ),
        ),
        t(
            "D5",
            "wash trading for popularity",
            DatasetProvider,
            "requesters",
            P::None,
            Simulation::NotSimulated(
                "baseline PoCo has no usage-ranked market to manipulate; meaningful only with a reputation ledger (M7, issue D)",
            ),
        ),
        // 1.4 scheduler
        t(
            "S1",
            "wrong results at trust ≤ 1",
            Scheduler,
            "requester",
            P::None,
            sim_with(
                Attack::SchedulerSybils {
                    sybils: 1,
                    external_gain_nrlc: 50 * RLC,
                },
                trust1,
                wrong,
                Higher,
            ),
        ),
        t(
            "S2",
            "Sybil capture of consensus at trust ≥ 2",
            Scheduler,
            "requester",
            P::None,
            sim(
                Attack::SchedulerSybils {
                    sybils: 3,
                    external_gain_nrlc: 50 * RLC,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "S3",
            "censorship (never initialising / authorising)",
            Scheduler,
            "requester",
            P::Partial,
            sim(Attack::Censorship { fraction: 0.3 }, live, Lower),
        ),
        t(
            "S4",
            "request sniping at the max price",
            Scheduler,
            "requester",
            P::Partial,
            sim(Attack::RequestSniping { markup_pct: 50 }, loss, Higher),
        ),
        t(
            "S5",
            "policy front-running (σ raised before match)",
            Scheduler,
            "workers",
            P::None,
            sim(
                Attack::PolicyFrontRun {
                    scheduler_reward_ratio: 100,
                },
                Metric::HonestIncomePerCompute,
                Lower,
            ),
        ),
        t(
            "S6",
            "withholding finalize",
            Scheduler,
            "workers, providers",
            P::None,
            sim_with(
                Attack::WithholdFinalize,
                own_pool,
                Metric::HonestIncomePerCompute,
                Lower,
            ),
        ),
        t(
            "S7",
            "kitty draining by zero-price self-deals",
            Scheduler,
            "all pools",
            P::None,
            sim(
                Attack::KittyDrain {
                    seed_failures: 20,
                    drain_deals: 30,
                },
                Metric::AttackerProfit,
                Higher,
            ),
        ),
        t(
            "S8",
            "contributor-array deadlock (block gas)",
            Scheduler,
            "requester",
            P::Partial,
            Simulation::NotSimulated(
                "needs a block gas limit; the core executes without gas (the EVM oracle can measure the array gas)",
            ),
        ),
        t(
            "S9",
            "score farming, then capture elsewhere",
            Scheduler,
            "other pools' requesters",
            P::None,
            sim_with(
                Attack::ScoreFarming {
                    farm_tasks: 18,
                    external_gain_nrlc: 50 * RLC,
                },
                |c| c.honest_workers = 4,
                wrong,
                Higher,
            ),
        ),
        // 1.5 worker
        t(
            "W1",
            "lazy copying of a published result hash",
            Worker,
            "requester, honest workers",
            P::Mitigated,
            no_damage(Attack::LazyCopying { fraction: 0.3 }, loss, Higher),
        ),
        t(
            "W1'",
            "off-chain result sharing",
            Worker,
            "requester",
            P::None,
            sim_with(
                Attack::ResultSharing { fraction: 0.6 },
                |c| c.honest_error_rate = 0.1,
                wrong,
                Higher,
            ),
        ),
        t(
            "W2",
            "coordinated wrong result",
            Worker,
            "requester, honest dissenters",
            P::Partial,
            sim(
                Attack::ColludingWorkers {
                    fraction: 0.3,
                    external_gain_nrlc: 50 * RLC,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "W3",
            "Sybils to win replication slots",
            Worker,
            "requester",
            P::Partial,
            sim(
                Attack::ColludingWorkers {
                    fraction: 0.6,
                    external_gain_nrlc: 50 * RLC,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "W4",
            "whitewashing after penalties",
            Worker,
            "everyone",
            P::None,
            Simulation::NotSimulated(
                "with every score below 12 the weight floor ω = 2 makes a fresh address as heavy as a penalised one (F4): nothing to measure in a market run; E1 checks F4 through the core",
            ),
        ),
        t(
            "W5",
            "score farming by self-dealing",
            Worker,
            "everyone",
            P::None,
            sim_with(
                Attack::ScoreFarming {
                    farm_tasks: 18,
                    external_gain_nrlc: 50 * RLC,
                },
                |c| c.honest_workers = 4,
                Metric::TopAttackerScore,
                Higher,
            ),
        ),
        t(
            "W6",
            "reveal withholding / late griefing",
            Worker,
            "requester, pool, honest workers",
            P::Partial,
            sim(
                Attack::RevealWithholding { fraction: 0.3 },
                Metric::TtfP50,
                Higher,
            ),
        ),
        t(
            "W7",
            "TEE compromise at trust 1",
            Worker,
            "requester, dataset owner",
            P::None,
            sim_with(
                Attack::ColludingWorkers {
                    fraction: 0.2,
                    external_gain_nrlc: 50 * RLC,
                },
                trust1,
                wrong,
                Higher,
            ),
        ),
        t(
            "W8",
            "guessing low-entropy outputs",
            Worker,
            "requester",
            P::None,
            sim(
                Attack::Guessing {
                    fraction: 0.5,
                    p_correct: 0.5,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "W9",
            "accept then vanish",
            Worker,
            "pool, requester",
            P::Partial,
            sim(Attack::Vanishing { fraction: 0.5 }, Metric::TtfP95, Higher),
        ),
        // 1.6 coalitions
        t(
            "C1",
            "requester + scheduler: result then refund",
            Coalition,
            "providers",
            P::None,
            sim_with(
                Attack::WithholdFinalize,
                own_pool,
                Metric::ProviderRevenueRatio,
                Lower,
            ),
        ),
        t(
            "C2",
            "app owner + requester exfiltration",
            Coalition,
            "dataset owner",
            P::Partial,
            sim(
                Attack::ExfiltratingApp {
                    data_value_nrlc: 20 * RLC,
                },
                Metric::AttackerProfitPerTask,
                Higher,
            ),
        ),
        t(
            "C3",
            "scheduler + worker Sybils capture",
            Coalition,
            "requester",
            P::None,
            sim(
                Attack::SchedulerSybils {
                    sybils: 3,
                    external_gain_nrlc: 0,
                },
                wrong,
                Higher,
            ),
        ),
        t(
            "C4",
            "oracle manipulation through a callback (G ≫ P)",
            Coalition,
            "downstream contract",
            P::None,
            sim_with(
                Attack::SchedulerSybils {
                    sybils: 1,
                    external_gain_nrlc: 1_000 * RLC,
                },
                trust1,
                Metric::AttackerProfitPerTask,
                Higher,
            ),
        ),
        t(
            "C5",
            "self-dealing rings (kitty and score farming)",
            Coalition,
            "all pools",
            P::None,
            sim(
                Attack::KittyDrain {
                    seed_failures: 20,
                    drain_deals: 30,
                },
                Metric::AttackerProfit,
                Higher,
            ),
        ),
        t(
            "C6",
            "dataset owner + pool certifying garbage at trust ≤ 1",
            Coalition,
            "requester",
            P::None,
            sim_with(
                Attack::DeterministicGarbage {
                    source: Provider::Dataset,
                    loss_nrlc: 50 * RLC,
                    from_deal: 0,
                    reenter: false,
                },
                trust1,
                wrong,
                Higher,
            ),
        ),
        // 1.7 generic
        t(
            "G1",
            "bag-of-tasks deadline coupling (slow pool)",
            Generic,
            "requester, pool",
            P::Partial,
            sim_with(
                Attack::SlowPool { tasks_per_hour: 10 },
                |c| {
                    c.deals = 2;
                    c.volume = 30;
                },
                live,
                Lower,
            ),
        ),
        t(
            "G2",
            "late-consensus griefing",
            Generic,
            "requester, pool",
            P::Partial,
            sim(Attack::RevealWithholding { fraction: 0.8 }, loss, Higher),
        ),
        t(
            "G3",
            "order-book and signature spam",
            Generic,
            "market API",
            P::Partial,
            Simulation::NotSimulated(
                "off-chain market API load; the simulator has no order-book service to saturate",
            ),
        ),
        t(
            "G4",
            "gas griefing via callbacks or large params",
            Generic,
            "finaliser",
            P::Partial,
            Simulation::NotSimulated(
                "a gas cost only: the core has no gas model; the EVM oracle (issue B) measures it",
            ),
        ),
    ]
}
