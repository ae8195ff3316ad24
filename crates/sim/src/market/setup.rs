use super::*;

impl Market {
    /// Set up a run: deploy PoCo (signatures off), create assets, fund actors, build agents.
    pub fn new(cfg: &MarketConfig, master_seed: u64, run: u64) -> Result<Self, SimError> {
        validate(cfg)?;
        let mut poco = Poco::with_extension(
            Config {
                verify_signatures: false,
                ..Config::default()
            },
            Mechanisms::from_config(cfg.mechanisms.clone()),
        );
        let requester = synthetic("requester", 0);
        let scheduler = synthetic("scheduler", 0);
        let app_owner = synthetic("app-owner", 0);
        let dataset_owner = synthetic("dataset-owner", 0);
        let perr = |call| move |err| SimError::Protocol { call, err };
        let app = register_asset(&mut poco, Provider::App, app_owner, "app")?;
        let dataset = register_asset(&mut poco, Provider::Dataset, dataset_owner, "dataset")?;
        let workerpool = poco
            .create_workerpool(scheduler, "pool")
            .map_err(perr("createWorkerpool"))?;
        let senv = Env::at(scheduler, T0);
        poco.change_policy(
            &senv,
            workerpool,
            U256::from(cfg.worker_stake_ratio),
            U256::from(cfg.scheduler_reward_ratio),
        )
        .map_err(perr("changePolicy"))?;
        let r = poco
            .view_category(U256::from(cfg.category))
            .map_err(perr("viewCategory"))?
            .work_clock_time_ref
            .to::<u64>();

        // workers: honest first, then the attack's population
        let n_honest = cfg.honest_workers;
        let (adv_kind, n_adv) = match &cfg.attack {
            Attack::ColludingWorkers { fraction, .. } => {
                (WorkerKind::Colluder, adversaries(n_honest, *fraction))
            }
            Attack::SchedulerSybils { sybils, .. } => (WorkerKind::Colluder, *sybils),
            Attack::ScoreFarming { .. } => (WorkerKind::Colluder, 2),
            Attack::KittyDrain { .. } => (WorkerKind::Colluder, 1),
            Attack::RevealWithholding { fraction } => {
                (WorkerKind::Withholder, adversaries(n_honest, *fraction))
            }
            Attack::Vanishing { fraction } => {
                (WorkerKind::Vanisher, adversaries(n_honest, *fraction))
            }
            Attack::LazyCopying { fraction } => {
                (WorkerKind::Copier, adversaries(n_honest, *fraction))
            }
            Attack::ResultSharing { fraction } => {
                (WorkerKind::Sharer, adversaries(n_honest, *fraction))
            }
            Attack::Guessing { fraction, .. } => {
                (WorkerKind::Guesser, adversaries(n_honest, *fraction))
            }
            Attack::TrivialisedConsensus { lazy_fraction } => {
                (WorkerKind::Lazy, adversaries(n_honest, *lazy_fraction))
            }
            _ => (WorkerKind::Honest, 0),
        };
        let mut workers = Vec::new();
        for i in 0..n_honest + n_adv {
            let kind = if i < n_honest {
                WorkerKind::Honest
            } else {
                adv_kind
            };
            workers.push(Worker {
                addr: synthetic("worker", i),
                kind,
                rng: stream(master_seed, run, "worker", i),
                replicas: 0,
            });
        }
        let candidates: Vec<u32> = match &cfg.attack {
            Attack::SchedulerSybils { .. } => {
                (n_honest as u32..(n_honest + n_adv) as u32).collect()
            }
            // the kitty ring's worker serves only the ring's pool
            Attack::KittyDrain { .. } => (0..n_honest as u32).collect(),
            _ => (0..workers.len() as u32).collect(),
        };
        if candidates.is_empty() {
            return Err(SimError::Config("no worker can be selected".into()));
        }

        // funding: enough for every lock of the run, twice over
        let tasks = cfg.deals * cfg.volume;
        let markup = |pct: u64, p: u64| p as u128 * (100 + pct as u128) / 100;
        let price = markup(
            300,
            cfg.app_price + cfg.dataset_price + cfg.workerpool_price,
        );
        let worker_stake = cfg.workerpool_price as u128 * cfg.worker_stake_ratio as u128 / 100;
        let s_pool = markup(300, cfg.workerpool_price) * WORKERPOOL_STAKE_RATIO as u128 / 100;
        let requesters: Vec<Address> = std::iter::once(requester)
            .chain((1..cfg.requesters).map(|i| synthetic("requester", i)))
            .collect();
        for r in &requesters {
            let budget = if cfg.requester_budget_nrlc > 0 {
                cfg.requester_budget_nrlc as u128
            } else {
                2 * price * tasks as u128 + 1
            };
            fund(&mut poco, *r, budget)?;
        }
        fund(&mut poco, scheduler, 2 * s_pool * tasks as u128 + 1)?;
        for w in &workers {
            fund(
                &mut poco,
                w.addr,
                2 * worker_stake * (cfg.max_replicas as u128 * tasks as u128).min(10_000) + 1,
            )?;
        }
        for w in &workers {
            if cfg.initial_score > 0 {
                poco.state
                    .scores
                    .insert(w.addr, U256::from(cfg.initial_score));
            }
        }

        // the self-dealing ring of S7/S9
        let ring = match &cfg.attack {
            Attack::ScoreFarming { .. } | Attack::KittyDrain { .. } => {
                let owner = synthetic("ring", 0);
                let app = poco
                    .create_app(
                        owner,
                        "ring-app",
                        "DOCKER",
                        Bytes::from_static(b"ring/app:1"),
                        keccak256("ring-app"),
                        Bytes::new(),
                    )
                    .map_err(perr("createApp"))?;
                let pool = poco
                    .create_workerpool(owner, "ring-pool")
                    .map_err(perr("createWorkerpool"))?;
                Some(Ring {
                    owner,
                    app,
                    pool,
                    workers: (n_honest as u32..(n_honest + n_adv) as u32).collect(),
                    deals: 0,
                })
            }
            _ => None,
        };
        // mechanisms: agents set up what each enabled mechanism needs
        let mc = &cfg.mechanisms;
        let [m1, m2, m3, m4, m5, m6, m7, m8] = mc.enabled();
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
        {
            let at = |who| Env::at(who, T0);
            if on.m1 || on.m6 {
                // correctness bond 2·P (M1) and pool deposit (M6) per task
                fund(&mut poco, scheduler, 4 * price * tasks as u128)?;
            }
            if on.m1 {
                for i in 0..5 {
                    let v = synthetic("verifier", i);
                    fund(&mut poco, v, 100 * RLC)?;
                    poco.register_verifier(&at(v), U256::from(20 * RLC))
                        .map_err(perr("registerVerifier"))?;
                    verifiers.push(v);
                }
            }
            if on.m2 {
                let bond = U256::from(registration_bond(cfg));
                for w in &workers {
                    fund(&mut poco, w.addr, bond.to::<u128>())?;
                    poco.register_worker(&at(w.addr), workerpool, bond)
                        .map_err(perr("registerWorker"))?;
                }
                poco.register_spot_checker(&at(owner), spotter, true)
                    .map_err(perr("registerSpotChecker"))?;
            }
            if on.m4 {
                // each provider bonds what the run's reservations can need: κ·price per task,
                // at the highest price it may charge (front-running: the requester's max)
                // (with M7 the reservation is reputation-sized, up to 1 + κ_r for a newcomer)
                let up = |p: u64, who: Provider| match cfg.attack {
                    Attack::PriceFrontRun { source, markup_pct } if source == who => {
                        markup(markup_pct, p)
                    }
                    _ => p as u128,
                };
                for (who, asset, p) in [
                    (app_owner, app, up(cfg.app_price, Provider::App)),
                    (
                        dataset_owner,
                        dataset,
                        up(cfg.dataset_price, Provider::Dataset),
                    ),
                ] {
                    let b = provider_bond(cfg, p, tasks);
                    fund(&mut poco, who, b)?;
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
                    &at(scheduler),
                    workerpool,
                    U256::from(cfg.worker_stake_ratio),
                    U256::from(cfg.scheduler_reward_ratio),
                )
                .map_err(perr("announcePolicy"))?;
            }
        }
        let mut initial = FxHashMap::default();
        let ring_owner = ring.as_ref().map(|r| r.owner);
        for a in requesters
            .iter()
            .copied()
            .chain([scheduler, app_owner, dataset_owner])
            .chain(ring_owner)
            .chain(workers.iter().map(|w| w.addr))
        {
            initial.insert(a, holdings(&poco, a));
        }
        let m = RunMetrics {
            honest_workers: n_honest,
            demand_tasks: cfg.deals * cfg.volume,
            ..RunMetrics::default()
        };
        let external_gain = match &cfg.attack {
            Attack::ColludingWorkers {
                external_gain_nrlc, ..
            }
            | Attack::SchedulerSybils {
                external_gain_nrlc, ..
            }
            | Attack::ScoreFarming {
                external_gain_nrlc, ..
            } => *external_gain_nrlc,
            Attack::DeterministicGarbage { loss_nrlc, .. } => *loss_nrlc,
            _ => 0,
        };
        let mut q = Queue::starting_at(T0);
        q.at(T0, Ev::Deal(0));
        let mut market = Self {
            controls: Controls::of(&cfg.attack),
            on,
            verifiers,
            watched: FxHashMap::default(),
            arbiter,
            spotter,
            spot_rng: stream(master_seed, run, "spot-checks", 0),
            ring,
            cfg: cfg.clone(),
            requesters,
            demand_rng: stream(master_seed, run, "demand", 0),
            poco,
            q,
            scheduler,
            app_owner,
            dataset_owner,
            app,
            dataset,
            workerpool,
            workers,
            candidates,
            sched_rng: stream(master_seed, run, "scheduler", 0),
            tasks: FxHashMap::default(),
            deal_open: FxHashMap::default(),
            next_task: 0,
            m,
            last_time: T0,
            initial,
            external_gain,
            attacker_gain: if matches!(cfg.attack, Attack::DeterministicGarbage { .. }) {
                0
            } else {
                external_gain
            },
            worker_stake: worker_stake as u64,
            r,
        };
        if let Some(ring) = &market.ring
            && market.on.m4
        {
            // under M4 the ring must bond its own app like anyone else to be matched
            let (owner, app) = (ring.owner, ring.app);
            fund(&mut market.poco, owner, 2 * RLC)?;
            market
                .poco
                .bond_asset(&Env::at(owner, T0), app, U256::from(2 * RLC))
                .map_err(perr("bondAsset"))?;
        }
        if let Attack::ScoreFarming { farm_tasks, .. } = market.cfg.attack {
            market.farm_scores(farm_tasks)?;
        }
        Ok(market)
    }
}
