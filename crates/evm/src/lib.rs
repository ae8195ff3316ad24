//! # pocolab-evm
//!
//! A differential conformance oracle for `pocolab-core`: the real PoCo 6.1.0 bytecode (npm
//! package `@iexec/poco@6.1.0`, fetched by `scripts/fetch-poco.sh`) deployed into an
//! in-memory revm (`shared/spec/evm-oracle.md` §A), driven through the same call surface as
//! the core ([`EvmPoco`]), and a scenario runner comparing both after every call.

#![warn(missing_docs)]
#![allow(clippy::too_many_arguments)]

pub mod abi;
pub mod backend;
pub mod chain;
pub mod convert;
pub mod deploy;
pub mod random;
pub mod revert;
pub mod runner;
pub mod scenario;

pub use backend::{EvmPoco, EvmResult, GasEntry};
pub use chain::{Chain, TxOutcome};
pub use deploy::{Addresses, Artifacts, DeployOptions, Deployment, EscrowMode, SetupError};
pub use revert::RevertReason;
