//! # pocolab-results
//!
//! The types a pocolab result is made of, shared by the simulator that produces results
//! (`pocolab-sim`), the report that renders them (`pocolab-report`) and the CLI: summaries
//! with 95 % confidence intervals ([`stats`]), the evaluation data model ([`evaluation`]),
//! amounts of money ([`money`]), protocol-variant ids ([`variant`]) and the one verdict rule ([`verdict`]). It has no
//! simulator in it, so renderers and notebooks depend on these types alone.

#![warn(missing_docs)]

pub mod evaluation;
pub mod metric;
pub mod money;
pub mod outcome;
pub mod stats;
pub mod variant;
pub mod verdict;

pub use evaluation::{Evaluation, MatrixCell, Worse};
pub use metric::{Metric, Unit};
pub use money::Nrlc;
pub use outcome::{Change, Comparison, ComparisonKind, Outcome, OutcomeRow};
pub use stats::Summary;
pub use variant::{MechanismId, Variant};
pub use verdict::Verdict;
