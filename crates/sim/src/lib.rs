//! # pocolab-sim
//!
//! A deterministic discrete-event simulator of an iExec-style marketplace. It drives the real
//! protocol core ([`pocolab_core`], signatures off) with requester, scheduler and worker
//! agents, honest or adversarial, in virtual time. Same seed, same bytes out: every random
//! draw comes from a stream keyed by (master seed, run, agent) ([`rng`]), events are ordered
//! by (time, sequence) (`engine`), and no result depends on hash-map iteration order.

#![warn(missing_docs)]

pub mod analytic;
mod attacks;
pub mod config;
mod engine;
pub mod evaluate;
pub mod experiments;
pub mod invariants;
pub mod lite;
pub mod market;
pub mod metrics;
pub mod rng;
pub mod sweep;
pub mod threats;
pub mod validate;
pub mod version;

pub use version::code_version;

pub use config::{Attack, MarketConfig};
pub use market::{SimError, run};
pub use metrics::{Histogram, RunMetrics};
pub use pocolab_results::{Summary, evaluation, stats};
