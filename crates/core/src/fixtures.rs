//! A ready-made world mirroring PoCo's own test setup (evm-oracle.md §A.4): hardhat-like
//! actors with deterministic keys, the three assets, order building and signing, worker
//! messages. Used by the demo, the tests, the benchmarks and the simulator.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use crate::orders::{
    AppOrder, DatasetOrder, Order, RequestOrder, WorkerpoolOrder, result_hash, result_seal,
};
use crate::signatures::Wallet;
use crate::{Config, Env, Extension, Poco, Result};

/// Named actors (hardhat signer roles of PoCo's tests) and any number of workers.
#[derive(Debug, Clone)]
pub struct Actors {
    /// #0 deployer and protocol owner
    pub admin: Wallet,
    /// #1
    pub requester: Wallet,
    /// #2
    pub sponsor: Wallet,
    /// #3
    pub beneficiary: Wallet,
    /// #4
    pub app_provider: Wallet,
    /// #5
    pub dataset_provider: Wallet,
    /// #6 workerpool owner
    pub scheduler: Wallet,
    /// #7
    pub enclave: Wallet,
    /// #8 (TEE broker when set)
    pub sms: Wallet,
    /// #9
    pub anyone: Wallet,
    /// workers
    pub workers: Vec<Wallet>,
}

impl Actors {
    /// Actors with `n_workers` workers; keys derive from fixed labels.
    pub fn new(n_workers: usize) -> Self {
        Self {
            admin: Wallet::from_label("admin"),
            requester: Wallet::from_label("requester"),
            sponsor: Wallet::from_label("sponsor"),
            beneficiary: Wallet::from_label("beneficiary"),
            app_provider: Wallet::from_label("appProvider"),
            dataset_provider: Wallet::from_label("datasetProvider"),
            scheduler: Wallet::from_label("scheduler"),
            enclave: Wallet::from_label("enclave"),
            sms: Wallet::from_label("sms"),
            anyone: Wallet::from_label("anyone"),
            workers: (0..n_workers)
                .map(|i| Wallet::from_label(&format!("worker{}", i + 1)))
                .collect(),
        }
    }
}

/// Prices and parameters of one set of orders (PoCo's `buildOrders`).
#[derive(Debug, Clone)]
pub struct OrderParams {
    /// app price
    pub app_price: U256,
    /// dataset price (ignored without dataset)
    pub dataset_price: U256,
    /// workerpool price
    pub workerpool_price: U256,
    /// volume of all four orders
    pub volume: U256,
    /// trust of request and workerpool orders
    pub trust: U256,
    /// category of request and workerpool orders
    pub category: U256,
    /// tag of all four orders
    pub tag: B256,
    /// use the dataset
    pub with_dataset: bool,
    /// request callback
    pub callback: Address,
    /// salt of all four orders
    pub salt: B256,
}

impl Default for OrderParams {
    fn default() -> Self {
        Self {
            app_price: U256::ZERO,
            dataset_price: U256::ZERO,
            workerpool_price: U256::ZERO,
            volume: U256::from(1),
            trust: U256::ZERO,
            category: U256::ZERO,
            tag: B256::ZERO,
            with_dataset: true,
            callback: Address::ZERO,
            salt: B256::ZERO,
        }
    }
}

/// The four orders of a match.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Orders {
    pub app: AppOrder,
    pub dataset: DatasetOrder,
    pub workerpool: WorkerpoolOrder,
    pub request: RequestOrder,
}

/// A deployed PoCo with the actors and assets of PoCo's tests.
#[derive(Debug, Clone)]
pub struct World<E = crate::Baseline> {
    /// the state machine
    pub poco: Poco<E>,
    /// actors
    pub actors: Actors,
    /// app asset
    pub app: Address,
    /// dataset asset
    pub dataset: Address,
    /// workerpool asset
    pub workerpool: Address,
    /// current block timestamp
    pub now: u64,
}

impl World<crate::Baseline> {
    /// Deploy with `n_workers` workers; `verify_signatures` selects exact or simulation mode.
    pub fn new(n_workers: usize, verify_signatures: bool) -> Self {
        Self::with_extension(n_workers, verify_signatures, crate::Baseline)
    }
}

impl<E: Extension> World<E> {
    /// Deploy with an extension.
    pub fn with_extension(n_workers: usize, verify_signatures: bool, ext: E) -> Self {
        let actors = Actors::new(n_workers);
        let cfg = Config {
            owner: actors.admin.address(),
            verify_signatures,
            ..Config::default()
        };
        let mut poco = Poco::with_extension(cfg, ext);
        let app = poco
            .create_app(
                actors.app_provider.address(),
                "my-app",
                "APP_TYPE_0",
                Bytes::from_static(b"hello world"),
                keccak256("app-checksum"),
                Bytes::new(),
            )
            .expect("fresh app");
        let dataset = poco
            .create_dataset(
                actors.dataset_provider.address(),
                "my-dataset",
                Bytes::from_static(b"dataset data"),
                keccak256("dataset-checksum"),
            )
            .expect("fresh dataset");
        let workerpool = poco
            .create_workerpool(actors.scheduler.address(), "my-workerpool")
            .expect("fresh workerpool");
        Self {
            poco,
            actors,
            app,
            dataset,
            workerpool,
            now: 1_700_000_000,
        }
    }

    /// Environment of a call by `sender` at the current time.
    pub fn env(&self, sender: Address) -> Env {
        Env::at(sender, self.now)
    }

    /// Advance time by `secs`.
    pub fn advance(&mut self, secs: u64) {
        self.now += secs;
    }

    /// Mint RLC to `who` and deposit it into PoCo.
    pub fn fund(&mut self, who: Address, amount: U256) -> Result<()> {
        self.poco.mint_rlc(who, amount)?;
        let env = self.env(who);
        self.poco.deposit(&env, amount)
    }

    /// Build and sign the four orders (`buildOrders` of PoCo's tests).
    pub fn orders(&self, p: &OrderParams) -> Orders {
        let ds = self.poco.domain_separator();
        let a = &self.actors;
        let mut app = AppOrder {
            app: self.app,
            appprice: p.app_price,
            volume: p.volume,
            tag: p.tag,
            salt: p.salt,
            ..Default::default()
        };
        let mut dataset = if p.with_dataset {
            DatasetOrder {
                dataset: self.dataset,
                datasetprice: p.dataset_price,
                volume: p.volume,
                tag: p.tag,
                salt: p.salt,
                ..Default::default()
            }
        } else {
            DatasetOrder::default()
        };
        let mut workerpool = WorkerpoolOrder {
            workerpool: self.workerpool,
            workerpoolprice: p.workerpool_price,
            volume: p.volume,
            tag: p.tag,
            category: p.category,
            trust: p.trust,
            salt: p.salt,
            ..Default::default()
        };
        let mut request = RequestOrder {
            app: self.app,
            appmaxprice: p.app_price,
            dataset: dataset.dataset,
            datasetmaxprice: dataset.datasetprice,
            workerpool: self.workerpool,
            workerpoolmaxprice: p.workerpool_price,
            requester: a.requester.address(),
            volume: p.volume,
            tag: p.tag,
            category: p.category,
            trust: p.trust,
            beneficiary: a.beneficiary.address(),
            callback: p.callback,
            params: String::new(),
            salt: p.salt,
            sign: Bytes::new(),
        };
        if self.poco.state.settings.verify_signatures {
            app.sign = a.app_provider.sign_hash(app.hash(ds));
            if p.with_dataset {
                dataset.sign = a.dataset_provider.sign_hash(dataset.hash(ds));
            }
            workerpool.sign = a.scheduler.sign_hash(workerpool.hash(ds));
            request.sign = a.requester.sign_hash(request.hash(ds));
        }
        Orders {
            app,
            dataset,
            workerpool,
            request,
        }
    }

    /// Re-sign the request order after editing it.
    pub fn resign_request(&self, o: &mut RequestOrder) {
        o.sign = self
            .actors
            .requester
            .sign_hash(o.hash(self.poco.domain_separator()));
    }

    /// `matchOrders` sent by `anyone`.
    pub fn match_orders(&mut self, o: &Orders) -> Result<B256> {
        let env = self.env(self.actors.anyone.address());
        self.poco
            .match_orders(&env, &o.app, &o.dataset, &o.workerpool, &o.request)
    }

    /// The scheduler's authorization for `worker` on `task` (no enclave).
    pub fn authorize(&self, worker: Address, task: B256) -> Bytes {
        self.authorize_with(&self.actors.scheduler, worker, task, Address::ZERO)
    }

    /// Authorization signed by `signer` for `worker`, `task`, `enclave`.
    pub fn authorize_with(
        &self,
        signer: &Wallet,
        worker: Address,
        task: B256,
        enclave: Address,
    ) -> Bytes {
        if !self.poco.state.settings.verify_signatures {
            return Bytes::new();
        }
        signer.sign_eth_message(crate::orders::authorization_hash(worker, task, enclave))
    }

    /// Worker `i` contributes `digest` to `task` (staking first if `fund`).
    pub fn contribute(&mut self, i: usize, task: B256, digest: B256) -> Result<()> {
        let w = self.actors.workers[i].address();
        let auth = self.authorize(w, task);
        let env = self.env(w);
        self.poco.contribute(
            &env,
            task,
            result_hash(task, digest),
            result_seal(w, task, digest),
            Address::ZERO,
            &[],
            &auth,
        )
    }

    /// Worker `i` reveals `digest`.
    pub fn reveal(&mut self, i: usize, task: B256, digest: B256) -> Result<()> {
        let env = self.env(self.actors.workers[i].address());
        self.poco.reveal(&env, task, digest)
    }

    /// The scheduler finalizes with `results` (no callback).
    pub fn finalize(&mut self, task: B256, results: &[u8]) -> Result<()> {
        let env = self.env(self.actors.scheduler.address());
        self.poco.finalize(&env, task, results, &[])
    }

    /// `anyone` initializes task `idx` of `deal`.
    pub fn initialize(&mut self, deal: B256, idx: u64) -> Result<B256> {
        let env = self.env(self.actors.anyone.address());
        self.poco.initialize(&env, deal, U256::from(idx))
    }

    /// Set the score of worker `i` directly (PoCo's tests write storage the same way).
    pub fn set_score(&mut self, i: usize, score: u64) {
        self.poco
            .set_score(self.actors.workers[i].address(), U256::from(score));
    }

    /// Worker address.
    pub fn worker(&self, i: usize) -> Address {
        self.actors.workers[i].address()
    }
}

/// `resultDigest` of a textual result (`keccak256(utf8(s))`).
pub fn digest(s: &str) -> B256 {
    keccak256(s.as_bytes())
}
