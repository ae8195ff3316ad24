//! Loading the npm artifacts and deploying PoCo 6.1.0 per `evm-oracle.md` §A.2.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, Bytes, FixedBytes, U256, hex, keccak256};
use alloy_sol_types::{SolCall, SolValue};
use serde_json::Value;

use crate::abi;
use crate::chain::{Chain, TxOutcome};

/// Environment variable overriding the artifacts directory (the npm package root, the folder
/// holding `artifacts/`, `deployments/` and `abis/`).
pub const ARTIFACTS_ENV: &str = "POCOLAB_POCO_ARTIFACTS";

/// Default location, relative to the workspace root, written by `scripts/fetch-poco.sh`.
pub const DEFAULT_ARTIFACTS: &str = "vendor/npm/poco-6.1.0/package";

const LIB_PLACEHOLDER: &str = "__$9d824026d0515d8abd681f0f0f4707f16a$__";

/// Errors of the oracle's setup.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The npm artifacts are missing.
    #[error(
        "PoCo 6.1.0 artifacts not found at {0}: run `scripts/fetch-poco.sh` (or set {ARTIFACTS_ENV} to the unpacked @iexec/poco@6.1.0 package root)"
    )]
    MissingArtifacts(PathBuf),
    /// An artifact could not be read or parsed.
    #[error("artifact {path}: {msg}")]
    BadArtifact {
        /// file
        path: PathBuf,
        /// what went wrong
        msg: String,
    },
    /// A deployment transaction failed.
    #[error("deployment step `{step}` failed: {reason}")]
    Deploy {
        /// step
        step: String,
        /// revert class
        reason: String,
    },
}

/// The unpacked `@iexec/poco@6.1.0` package.
#[derive(Debug, Clone)]
pub struct Artifacts {
    root: PathBuf,
}

impl Artifacts {
    /// `$POCOLAB_POCO_ARTIFACTS`, else `<workspace>/vendor/npm/poco-6.1.0/package`.
    pub fn locate() -> Result<Self, SetupError> {
        let root = match std::env::var_os(ARTIFACTS_ENV) {
            Some(p) => PathBuf::from(p),
            None => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(DEFAULT_ARTIFACTS),
        };
        Self::at(root)
    }

    /// Artifacts at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Result<Self, SetupError> {
        let root = root.into();
        if !root
            .join("artifacts/contracts/Diamond.sol/Diamond.json")
            .is_file()
        {
            return Err(SetupError::MissingArtifacts(root));
        }
        Ok(Self { root })
    }

    /// Are the artifacts available (for tests that skip otherwise)?
    pub fn available() -> bool {
        Self::locate().is_ok()
    }

    fn json(&self, rel: &str) -> Result<Value, SetupError> {
        let path = self.root.join(rel);
        let s = std::fs::read_to_string(&path).map_err(|e| SetupError::BadArtifact {
            path: path.clone(),
            msg: e.to_string(),
        })?;
        serde_json::from_str(&s).map_err(|e| SetupError::BadArtifact {
            path,
            msg: e.to_string(),
        })
    }

    /// Creation code of an artifact, with IexecLibOrders_v5 linked at `lib` if given.
    pub fn creation_code(&self, rel: &str, lib: Option<Address>) -> Result<Vec<u8>, SetupError> {
        let j = self.json(rel)?;
        let bad = |msg: &str| SetupError::BadArtifact {
            path: self.root.join(rel),
            msg: msg.into(),
        };
        let mut code = j["bytecode"]
            .as_str()
            .ok_or_else(|| bad("no bytecode"))?
            .trim_start_matches("0x")
            .to_string();
        if code.contains("__$") {
            let lib = lib.ok_or_else(|| bad("unlinked library placeholder"))?;
            code = code.replace(LIB_PLACEHOLDER, &hex::encode(lib));
            if code.contains("__$") {
                return Err(bad("unknown library placeholder"));
            }
        }
        hex::decode(&code).map_err(|e| bad(&e.to_string()))
    }

    /// Every selector of the artifact's ABI, plus `0x00000000` for `receive` and
    /// `0xffffffff` for `fallback` (§A.2 step 5).
    pub fn selectors(&self, rel: &str) -> Result<Vec<FixedBytes<4>>, SetupError> {
        let j = self.json(rel)?;
        let abi = j["abi"].as_array().ok_or_else(|| SetupError::BadArtifact {
            path: self.root.join(rel),
            msg: "no abi".into(),
        })?;
        let mut out = Vec::new();
        for e in abi {
            match e["type"].as_str() {
                Some("function") => {
                    let inputs = e["inputs"]
                        .as_array()
                        .map(|v| v.iter().map(canonical_type).collect::<Vec<_>>())
                        .unwrap_or_default();
                    let sig = format!(
                        "{}({})",
                        e["name"].as_str().unwrap_or_default(),
                        inputs.join(",")
                    );
                    out.push(FixedBytes::<4>::from_slice(&keccak256(sig.as_bytes())[..4]));
                }
                Some("receive") => out.push(FixedBytes::ZERO),
                Some("fallback") => out.push(FixedBytes::from([0xff; 4])),
                _ => {}
            }
        }
        Ok(out)
    }
}

fn canonical_type(p: &Value) -> String {
    let t = p["type"].as_str().unwrap_or_default();
    if let Some(suffix) = t.strip_prefix("tuple") {
        let comps = p["components"]
            .as_array()
            .map(|v| v.iter().map(canonical_type).collect::<Vec<_>>())
            .unwrap_or_default();
        format!("({}){}", comps.join(","), suffix)
    } else {
        t.to_string()
    }
}

/// Escrow flavour (§A.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EscrowMode {
    /// `IexecEscrowTokenFacet` + the RLC ERC-20 (production, default).
    #[default]
    Token,
    /// `IexecEscrowNativeFacet`: payable deposits, 1 nRLC = 10⁹ wei.
    Native,
}

/// Deployment options.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// token or native escrow
    pub mode: EscrowMode,
    /// `block.chainid` (31337 like the core's `Config::default()`)
    pub chain_id: u64,
    /// deployer and owner of everything
    pub admin: Address,
    /// categories (name, description, workClockTimeRef)
    pub categories: Vec<(String, String, u64)>,
    /// block timestamp of the deployment transactions
    pub timestamp: u64,
}

impl Default for DeployOptions {
    fn default() -> Self {
        let cfg = pocolab_core::Config::default();
        Self {
            mode: EscrowMode::Token,
            chain_id: cfg.chain_id,
            admin: pocolab_core::fixtures::Actors::new(0).admin.address(),
            categories: cfg.categories,
            timestamp: 1_600_000_000,
        }
    }
}

/// Addresses of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addresses {
    /// deployer / owner
    pub admin: Address,
    /// Diamond proxy (the PoCo address)
    pub proxy: Address,
    /// RLC token (0 in native mode)
    pub rlc: Address,
    /// IexecLibOrders_v5
    pub lib_orders: Address,
    /// AppRegistry
    pub app_registry: Address,
    /// DatasetRegistry
    pub dataset_registry: Address,
    /// WorkerpoolRegistry
    pub workerpool_registry: Address,
}

/// A deployed and configured PoCo: clone [`Deployment::chain`] to start a scenario.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// snapshot of the chain right after deployment
    pub chain: Chain,
    /// addresses
    pub addrs: Addresses,
    /// escrow mode
    pub mode: EscrowMode,
    /// gas of each deployment step
    pub gas: Vec<(String, u64)>,
    /// number of selectors cut into the Diamond
    pub selector_count: usize,
}

const FACETS: &[(&str, bool)] = &[
    ("IexecAccessorsABILegacyFacet", false),
    ("IexecCategoryManagerFacet", false),
    ("IexecConfigurationExtraFacet", false),
    ("IexecConfigurationFacet", true),
    ("IexecERC20Facet", false),
    ("ESCROW", false),
    ("IexecOrderManagementFacet", true),
    ("IexecPoco1Facet", true),
    ("IexecPoco2Facet", false),
    ("IexecPocoAccessorsFacet", true),
    ("IexecPocoBoostFacet", true),
    ("IexecPocoBoostAccessorsFacet", false),
    ("IexecRelayFacet", false),
];

struct Deployer<'a> {
    chain: &'a mut Chain,
    admin: Address,
    gas: Vec<(String, u64)>,
}

impl Deployer<'_> {
    fn check(&mut self, step: &str, o: TxOutcome) -> Result<TxOutcome, SetupError> {
        self.gas.push((step.to_string(), o.gas_used));
        match &o.result {
            Ok(_) => Ok(o),
            Err(r) => Err(SetupError::Deploy {
                step: step.into(),
                reason: r.class(),
            }),
        }
    }
    fn create(&mut self, step: &str, code: Vec<u8>) -> Result<Address, SetupError> {
        let o = self.chain.create(self.admin, code.into());
        let o = self.check(step, o)?;
        o.created.ok_or_else(|| SetupError::Deploy {
            step: step.into(),
            reason: "no address".into(),
        })
    }
    fn send(&mut self, step: &str, to: Address, data: Vec<u8>) -> Result<Bytes, SetupError> {
        let o = self.chain.send(self.admin, to, data.into(), U256::ZERO);
        Ok(self.check(step, o)?.result.expect("checked"))
    }
}

impl Deployment {
    /// Deploy with default options (token mode, chain 31337, the core's categories).
    pub fn deploy_default() -> Result<Self, SetupError> {
        Self::deploy(&Artifacts::locate()?, &DeployOptions::default())
    }

    /// Deploy per §A.2.
    pub fn deploy(art: &Artifacts, opts: &DeployOptions) -> Result<Self, SetupError> {
        let mut chain = Chain::new(opts.chain_id);
        chain.set_timestamp(opts.timestamp);
        let admin = opts.admin;
        let mut d = Deployer {
            chain: &mut chain,
            admin,
            gas: Vec::new(),
        };

        // 1-3: mudgen diamond
        let dep = |n: &str| format!("deployments/arbitrum/{n}.json");
        let init = d.create("DiamondInit", art.creation_code(&dep("DiamondInit"), None)?)?;
        let mut cuts = Vec::new();
        for n in ["DiamondCutFacet", "DiamondLoupeFacet", "OwnershipFacet"] {
            let a = d.create(n, art.creation_code(&dep(n), None)?)?;
            cuts.push(abi::FacetCut {
                facetAddress: a,
                action: 0,
                functionSelectors: art.selectors(&dep(n))?,
            });
        }
        let mut selector_count: usize = cuts.iter().map(|c| c.functionSelectors.len()).sum();
        let args = abi::DiamondArgs {
            owner: admin,
            init,
            initCalldata: Bytes::from(vec![0xe1, 0xc7, 0x39, 0x2a]),
        };
        let mut code = art.creation_code("artifacts/contracts/Diamond.sol/Diamond.json", None)?;
        code.extend_from_slice(&(cuts, args).abi_encode_params());
        let proxy = d.create("Diamond", code)?;

        // 4: library
        let lib = d.create(
            "IexecLibOrders_v5",
            art.creation_code(
                "artifacts/contracts/libs/IexecLibOrders_v5.sol/IexecLibOrders_v5.json",
                None,
            )?,
        )?;

        // 5: PoCo facets
        for (name, _linked) in FACETS {
            let name = match *name {
                "ESCROW" => match opts.mode {
                    EscrowMode::Token => "IexecEscrowTokenFacet",
                    EscrowMode::Native => "IexecEscrowNativeFacet",
                },
                n => n,
            };
            let rel = format!("artifacts/contracts/facets/{name}.sol/{name}.json");
            let facet = d.create(name, art.creation_code(&rel, Some(lib))?)?;
            let sels = art.selectors(&rel)?;
            selector_count += sels.len();
            let cut = abi::diamondCutCall {
                _diamondCut: vec![abi::FacetCut {
                    facetAddress: facet,
                    action: 0,
                    functionSelectors: sels,
                }],
                _init: Address::ZERO,
                _calldata: Bytes::new(),
            };
            d.send(&format!("diamondCut {name}"), proxy, cut.abi_encode())?;
        }

        // 6: RLC
        let rlc = match opts.mode {
            EscrowMode::Token => {
                let j = art.json("deployments/arbitrum/RLC.json")?;
                let code = hex::decode(
                    j["bytecode"]
                        .as_str()
                        .unwrap_or_default()
                        .trim_start_matches("0x"),
                )
                .map_err(|e| SetupError::BadArtifact {
                    path: "RLC.json".into(),
                    msg: e.to_string(),
                })?;
                d.create("RLC", code)?
            }
            EscrowMode::Native => Address::ZERO,
        };

        // 7: registries
        let mut regs = [Address::ZERO; 3];
        for (i, (kind, name)) in [
            ("apps", "AppRegistry"),
            ("datasets", "DatasetRegistry"),
            ("workerpools", "WorkerpoolRegistry"),
        ]
        .iter()
        .enumerate()
        {
            let rel = format!("artifacts/contracts/registries/{kind}/{name}.sol/{name}.json");
            let r = d.create(name, art.creation_code(&rel, None)?)?;
            d.send(
                &format!("{name}.initialize"),
                r,
                abi::initialize_1Call {
                    _previous: Address::ZERO,
                }
                .abi_encode(),
            )?;
            let uri = format!(
                "https://nfts-metadata.iex.ec/{}/{}/",
                &kind[..kind.len() - 1],
                opts.chain_id
            );
            d.send(
                &format!("{name}.setBaseURI"),
                r,
                abi::setBaseURICall { _baseURI: uri }.abi_encode(),
            )?;
            regs[i] = r;
        }

        // 8: configure
        let conf = abi::configureCall {
            _token: rlc,
            _name: "Staked RLC".into(),
            _symbol: "SRLC".into(),
            _decimal: 9,
            _appregistryAddress: regs[0],
            _datasetregistryAddress: regs[1],
            _workerpoolregistryAddress: regs[2],
            _v3_iexecHubAddress: Address::ZERO,
        };
        d.send("configure", proxy, conf.abi_encode())?;

        // 9: categories
        for (name, desc, r) in &opts.categories {
            let c = abi::createCategoryCall {
                name: name.clone(),
                description: desc.clone(),
                workClockTimeRef: U256::from(*r),
            };
            d.send("createCategory", proxy, c.abi_encode())?;
        }
        let gas = d.gas;
        Ok(Self {
            chain,
            addrs: Addresses {
                admin,
                proxy,
                rlc,
                lib_orders: lib,
                app_registry: regs[0],
                dataset_registry: regs[1],
                workerpool_registry: regs[2],
            },
            mode: opts.mode,
            gas,
            selector_count,
        })
    }
}
