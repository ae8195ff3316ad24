//! Setting up a run: deploy PoCo (signatures off), register the honest parties' assets and
//! pool, hire and fund the workers, let the adversary deploy its own assets, set up what each
//! enabled mechanism needs, and snapshot every actor's holdings (the baseline of the run's
//! balances).

use std::rc::Rc;

use pocolab_core::constants::WORKERPOOL_STAKE_RATIO;
use pocolab_core::{Address, Config, Env, Poco, U256};
use pocolab_mechanisms::{MechanismCalls, Mechanisms};
use rustc_hash::FxHashMap;

use super::{
    Agents, Ev, Market, On, Parties, RLC, SimError, T0, Worker, fund, holdings, provider_bond,
    register_asset, registration_bond, synthetic, validate_with,
};
use crate::attacks::{self, Adversary, Prices, WorkerKind, markup};
use crate::config::{MarketConfig, Provider};
use crate::engine::Queue;
use crate::invariants::StateChecker;
use crate::metrics::RunMetrics;
use crate::rng::{SimRng, stream};

fn perr(call: &'static str) -> impl Fn(pocolab_core::PocoError) -> SimError {
    move |err| SimError::Protocol { call, err }
}

impl Parties {
    /// Register the app, the dataset and the pool (with its policy).
    fn register(poco: &mut Poco<Mechanisms>, cfg: &MarketConfig) -> Result<Self, SimError> {
        let scheduler = synthetic("scheduler", 0);
        let app_owner = synthetic("app-owner", 0);
        let dataset_owner = synthetic("dataset-owner", 0);
        let app = register_asset(poco, Provider::App, app_owner, "app")?;
        let dataset = register_asset(poco, Provider::Dataset, dataset_owner, "dataset")?;
        let workerpool = poco
            .create_workerpool(scheduler, "pool")
            .map_err(perr("createWorkerpool"))?;
        poco.change_policy(
            &Env::at(scheduler, T0),
            workerpool,
            U256::from(cfg.worker_stake_ratio),
            U256::from(cfg.scheduler_reward_ratio),
        )
        .map_err(perr("changePolicy"))?;
        Ok(Parties {
            requesters: (0..cfg.requesters)
                .map(|i| synthetic("requester", i))
                .collect(),
            scheduler,
            app_owner,
            dataset_owner,
            app,
            dataset,
            workerpool,
        })
    }
}

/// What the run's actors must be able to lock, per task.
struct Funding {
    tasks: u64,
    /// a deal's price with room for every markup (4× the listed price)
    price: u128,
    /// a worker's stake per replica
    worker_stake: u128,
}

impl Funding {
    fn of(cfg: &MarketConfig) -> Self {
        Funding {
            tasks: cfg.deals * cfg.volume,
            price: markup(
                300,
                (cfg.app_price + cfg.dataset_price + cfg.workerpool_price) as u128,
            ),
            worker_stake: cfg.workerpool_price as u128 * cfg.worker_stake_ratio as u128 / 100,
        }
    }

    /// Fund everyone for every lock of the run, twice over (a requester within its budget).
    fn fund(
        &self,
        poco: &mut Poco<Mechanisms>,
        cfg: &MarketConfig,
        p: &Parties,
        workers: &[Worker],
    ) -> Result<(), SimError> {
        let tasks = self.tasks as u128;
        let s_pool =
            markup(300, cfg.workerpool_price as u128) * WORKERPOOL_STAKE_RATIO as u128 / 100;
        for r in &p.requesters {
            let budget = if cfg.requester_budget_nrlc > 0 {
                cfg.requester_budget_nrlc as u128
            } else {
                2 * self.price * tasks + 1
            };
            fund(poco, *r, budget)?;
        }
        fund(poco, p.scheduler, 2 * s_pool * tasks + 1)?;
        for w in workers {
            let replicas = (cfg.max_replicas as u128 * tasks).min(10_000);
            fund(poco, w.addr, 2 * self.worker_stake * replicas + 1)?;
        }
        if cfg.initial_score > 0 {
            for w in workers {
                poco.set_score(w.addr, U256::from(cfg.initial_score));
            }
        }
        Ok(())
    }
}

impl Agents {
    /// Set up what each enabled mechanism needs (bonds, registrations, roles) and its agents;
    /// `spot_rng` is M2's spot-checking stream.
    fn set_up(
        poco: &mut Poco<Mechanisms>,
        cfg: &MarketConfig,
        p: &Parties,
        workers: &[Worker],
        funding: &Funding,
        prices: &Prices,
        spot_rng: SimRng,
    ) -> Result<(On, Self), SimError> {
        let [m1, m2, m3, m4, m5, m6, m7, m8] = cfg.mechanisms.enabled();
        let on = On {
            m1,
            m2,
            m3,
            m4,
            m5,
            m6,
            m7,
            m8,
        };
        let owner = Config::default().owner;
        let arbiter = synthetic("arbiter", 0);
        let spotter = synthetic("spot-checker", 0);
        let mut verifiers = Vec::new();
        let at = |who| Env::at(who, T0);
        let tasks = funding.tasks;
        if on.m1 || on.m6 {
            // correctness bond 2·P (M1) and pool deposit (M6) per task
            fund(poco, p.scheduler, 4 * funding.price * tasks as u128)?;
        }
        if on.m1 {
            for i in 0..5 {
                let v = synthetic("verifier", i);
                fund(poco, v, 100 * RLC)?;
                poco.register_verifier(&at(v), U256::from(20 * RLC))
                    .map_err(perr("registerVerifier"))?;
                verifiers.push(v);
            }
        }
        if on.m2 {
            let bond = U256::from(registration_bond(cfg));
            for w in workers {
                fund(poco, w.addr, bond.to::<u128>())?;
                poco.register_worker(&at(w.addr), p.workerpool, bond)
                    .map_err(perr("registerWorker"))?;
            }
            poco.register_spot_checker(&at(owner), spotter, true)
                .map_err(perr("registerSpotChecker"))?;
        }
        if on.m4 {
            // each provider bonds what the run's reservations can need: κ·price per task, at
            // the highest price it may charge (front-running: the requester's max) (with M7
            // the reservation is reputation-sized, up to 1 + κ_r for a newcomer)
            for (who, asset, price) in [
                (p.app_owner, p.app, prices.app_max),
                (p.dataset_owner, p.dataset, prices.dataset_max),
            ] {
                let b = provider_bond(cfg, price, tasks);
                fund(poco, who, b)?;
                poco.bond_asset(&at(who), asset, U256::from(b))
                    .map_err(perr("bondAsset"))?;
            }
        }
        if on.m5 {
            poco.set_tee_broker(&at(owner), synthetic("sms", 0))
                .map_err(perr("setTeeBroker"))?;
        }
        if on.m6 {
            // the same agent stands for the tier-1 re-execution service and the tier-3 court
            poco.register_arbiter(&at(owner), 1, arbiter, true)
                .map_err(perr("registerArbiter"))?;
            poco.register_arbiter(&at(owner), 3, arbiter, true)
                .map_err(perr("registerArbiter"))?;
        }
        if on.m8 {
            poco.announce_policy(
                &at(p.scheduler),
                p.workerpool,
                U256::from(cfg.worker_stake_ratio),
                U256::from(cfg.scheduler_reward_ratio),
            )
            .map_err(perr("announcePolicy"))?;
        }
        let agents = Agents {
            verifiers,
            watched: FxHashMap::default(),
            arbiter,
            spotter,
            spot_rng,
        };
        Ok((on, agents))
    }
}

/// The workers: `honest` honest ones first, then the adversary's population.
fn hire(cfg: &MarketConfig, adv: &dyn Adversary, master_seed: u64, run: u64) -> Vec<Worker> {
    std::iter::repeat_n(WorkerKind::Honest, cfg.honest_workers as usize)
        .chain(
            adv.population(cfg.honest_workers)
                .into_iter()
                .flat_map(|(kind, n)| std::iter::repeat_n(kind, n as usize)),
        )
        .enumerate()
        .map(|(i, kind)| Worker {
            addr: synthetic("worker", i as u64),
            kind,
            rng: stream(master_seed, run, "worker", i as u64),
            replicas: 0,
        })
        .collect()
}

impl Market {
    /// Set up a run of `cfg`'s attack: deploy PoCo (signatures off), create assets, fund
    /// actors, build agents.
    pub(crate) fn new(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<Self, SimError> {
        Self::with_adversary(cfg, master_seed, run, attacks::of(&cfg.attack))
    }

    /// Set up a run played by `adv` (`cfg.attack` is not read).
    pub(crate) fn with_adversary(
        cfg: &MarketConfig,
        master_seed: u64,
        run: u64,
        adv: Box<dyn Adversary>,
    ) -> Result<Self, SimError> {
        validate_with(cfg, &*adv)?;
        let adv: Rc<dyn Adversary> = Rc::from(adv);
        let mut poco = Poco::with_extension(
            Config {
                verify_signatures: false,
                ..Config::default()
            },
            Mechanisms::from_config(cfg.mechanisms.clone()),
        );
        let p = Parties::register(&mut poco, cfg)?;
        let r = poco
            .view_category(U256::from(cfg.category))
            .map_err(perr("viewCategory"))?
            .work_clock_time_ref
            .to::<u64>();
        let workers = hire(cfg, &*adv, master_seed, run);
        let (honest, all) = (cfg.honest_workers as u32, workers.len() as u32);
        let candidates = adv.candidates(honest, all);
        if candidates.is_empty() {
            return Err(SimError::Config("no worker can be selected".into()));
        }
        let funding = Funding::of(cfg);
        funding.fund(&mut poco, cfg, &p, &workers)?;
        let ring = adv.deploy(&mut poco, honest..all)?;
        let prices = adv.prices(Prices::listed(cfg));
        let spot_rng = stream(master_seed, run, "spot-checks", 0);
        let (on, agents) =
            Agents::set_up(&mut poco, cfg, &p, &workers, &funding, &prices, spot_rng)?;
        let initial: FxHashMap<Address, i128> = p
            .requesters
            .iter()
            .copied()
            .chain([p.scheduler, p.app_owner, p.dataset_owner])
            .chain(ring.as_ref().map(|r| r.owner))
            .chain(workers.iter().map(|w| w.addr))
            .map(|a| (a, holdings(&poco, a)))
            .collect();
        let mut q = Queue::starting_at(T0);
        q.at(T0, Ev::Deal(0));
        let mut market = Self {
            cfg: cfg.clone(),
            adv,
            prices,
            on,
            agents,
            ring,
            parties: p,
            demand_rng: stream(master_seed, run, "demand", 0),
            poco,
            q,
            workers,
            candidates,
            sched_rng: stream(master_seed, run, "scheduler", 0),
            tasks: FxHashMap::default(),
            deal_open: FxHashMap::default(),
            next_task: 0,
            m: RunMetrics {
                honest_workers: cfg.honest_workers,
                demand_tasks: cfg.deals * cfg.volume,
                ..RunMetrics::default()
            },
            last_time: T0,
            checker: StateChecker::default(),
            initial,
            worker_stake: funding.worker_stake as u64,
            r,
        };
        Rc::clone(&market.adv).prepare(&mut market)?;
        Ok(market)
    }
}
