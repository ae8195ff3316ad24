//! What a run found: the calls' outcomes, the divergences and the failed expectations.

use std::fmt::Write as _;

/// One divergence: call, field, values on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// index of the call in the scenario (`None`: setup)
    pub call: Option<usize>,
    /// call label
    pub label: String,
    /// field path (`outcome`, `account.requester.balance`, `task.d1#0.status`, …)
    pub field: String,
    /// core value
    pub core: String,
    /// EVM value
    pub evm: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.call {
            Some(i) => write!(
                f,
                "call #{i} {}: {}: core={} evm={}",
                self.label, self.field, self.core, self.evm
            ),
            None => write!(
                f,
                "setup {}: {}: core={} evm={}",
                self.label, self.field, self.core, self.evm
            ),
        }
    }
}

/// The outcome of one call on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// label
    pub label: String,
    /// EVM entry point name (for the gas table)
    pub op: &'static str,
    /// core outcome (`ok` or class)
    pub core: String,
    /// EVM outcome
    pub evm: String,
    /// EVM gas used
    pub gas: Option<u64>,
}

/// Result of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// scenario name
    pub name: String,
    /// calls
    pub calls: Vec<CallRecord>,
    /// divergences between the backends
    pub divergences: Vec<Divergence>,
    /// failed expectations (`expect = …`)
    pub expectation_failures: Vec<String>,
}

impl Report {
    /// No divergence and every expectation met.
    pub fn passed(&self) -> bool {
        self.divergences.is_empty() && self.expectation_failures.is_empty()
    }

    /// Human-readable summary.
    pub fn render(&self, verbose: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "scenario {:?}: {} calls, {} divergences, {} failed expectations",
            self.name,
            self.calls.len(),
            self.divergences.len(),
            self.expectation_failures.len()
        );
        if verbose {
            for (i, c) in self.calls.iter().enumerate() {
                let gas = c.gas.map(|g| format!(" gas={g}")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  #{i:<3} {:<55} core={:<28} evm={}{gas}",
                    c.label, c.core, c.evm
                );
            }
        }
        for d in &self.divergences {
            let _ = writeln!(s, "  DIVERGENCE {d}");
        }
        for e in &self.expectation_failures {
            let _ = writeln!(s, "  EXPECTATION {e}");
        }
        s
    }
}
