//! # pocolab-sim
//!
//! A deterministic discrete-event simulator of an iExec-style marketplace. It drives the real
//! protocol core ([`pocolab_core`], signatures off) with requester, scheduler and worker
//! agents, honest or adversarial, in virtual time. Same seed, same bytes out: every random
//! draw comes from a stream keyed by (master seed, run, agent) ([`rng`]), events are ordered
//! by (time, sequence) ([`engine`]), and no result depends on hash-map iteration order.

#![warn(missing_docs)]

pub mod analytic;
mod attacks;
pub mod config;
pub mod engine;
pub mod evaluate;
pub mod evaluation;
pub mod experiments;
pub mod lite;
pub mod market;
pub mod metrics;
pub mod rng;
pub mod stats;
pub mod sweep;
pub mod threats;
pub mod validate;

/// The git commit this build comes from (`+dirty` with uncommitted changes; `unknown` outside
/// a checkout): every output names it.
pub const GIT_COMMIT: &str = env!("POCOLAB_GIT_COMMIT");

pub use config::{Attack, MarketConfig};
pub use market::{Market, SimError, run};
pub use metrics::{Histogram, RunMetrics};
pub use stats::Summary;
