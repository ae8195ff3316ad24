//! Evidence submitted on chain about why a task fails (M3, M4).
//!
//! The chain cannot observe inputs, downloads or enclaves. Workers (or their pre-compute
//! enclave) therefore post **failure reports** through [`crate::MechanismCalls::report_failure`]:
//! a cause, a hash of the off-chain evidence (logs, enclave quote) and the hash of the input
//! bytes they observed. A report is authorised like a contribution (scheduler or TEE-broker
//! signature), may be enclave-signed, and locks the worker stake `S_w` (unless the reporter
//! already contributed, its stake being locked then). Attribution at `claim` counts reports;
//! it never reads simulator ground truth.

use pocolab_core::{Address, B256, U256};
use serde::Deserialize;

use crate::journal::JMap;

/// Failure causes a worker can report (iexec-common `ReplicateStatusCause` names).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
pub enum Cause {
    /// an input file's bytes do not match the checksum committed in the request (M3)
    InputChecksumMismatch,
    /// an input file cannot be downloaded (M3)
    InputUnavailable,
    /// replicas saw different input bytes (reports carry the input hash they observed) (M3)
    InputDivergent,
    /// `DATASET_FILE_DOWNLOAD_FAILED` (M4)
    DatasetDownloadFailed,
    /// `DATASET_FILE_BAD_CHECKSUM` (M4)
    DatasetBadChecksum,
    /// `PRE_COMPUTE_DATASET_DECRYPTION_FAILED` or missing secret (M4)
    DatasetDecryptionFailed,
    /// the dataset order was revoked while the deal was active (M4)
    DatasetRevoked,
    /// `APP_IMAGE_DOWNLOAD_FAILED` (M4)
    AppImageDownloadFailed,
    /// the pulled image does not have the registered digest (M4)
    AppDigestMismatch,
    /// replicas with the same input produced different outputs (M4)
    NonDeterministic,
}

/// Who a cause points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Party {
    /// the requester (inputs)
    Requester,
    /// the app provider
    App,
    /// the dataset provider
    Dataset,
}

impl Cause {
    /// The party a cause implicates.
    pub fn party(self) -> Party {
        use Cause::*;
        match self {
            InputChecksumMismatch | InputUnavailable | InputDivergent => Party::Requester,
            DatasetDownloadFailed
            | DatasetBadChecksum
            | DatasetDecryptionFailed
            | DatasetRevoked => Party::Dataset,
            AppImageDownloadFailed | AppDigestMismatch | NonDeterministic => Party::App,
        }
    }

    /// Stable code used in signed report hashes.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// One failure report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureReport {
    /// the worker
    pub reporter: Address,
    /// reported cause
    pub cause: Cause,
    /// hash of the off-chain evidence
    pub evidence: B256,
    /// hash of the input bytes the worker observed
    pub input_hash: B256,
    /// signed by an enclave (TEE pre-compute)
    pub enclave_signed: bool,
    /// stake locked by the report (0 if the reporter had contributed)
    pub stake: U256,
}

/// Reports per task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// task → reports, in submission order (removed at settlement)
    pub reports: JMap<B256, Vec<FailureReport>>,
    /// failed task → attribution decided at `claim` (`Provider` = status `PROVIDER_FAILED`)
    pub outcomes: JMap<B256, Attribution>,
}
crate::journaled!(Evidence; reports, outcomes);

/// Who is held responsible for a failed task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribution {
    /// no contribution and no conclusive report: today's rule (the pool did not deliver)
    Pool,
    /// agreeing input reports (M3)
    Requester {
        /// reporters whose reports carried the attribution
        reporters: Vec<Address>,
    },
    /// agreeing provider reports (M4)
    Provider {
        /// app or dataset
        party: Party,
        /// reporters whose reports carried the attribution
        reporters: Vec<Address>,
    },
    /// contributions exist but no conclusive report (M3 loss split)
    Unattributed,
}

/// Reporters of `reports` whose cause satisfies `pred`, and whether one of them is
/// enclave-signed.
pub fn agreeing(reports: &[FailureReport], pred: impl Fn(Cause) -> bool) -> (Vec<Address>, bool) {
    let r: Vec<&FailureReport> = reports.iter().filter(|r| pred(r.cause)).collect();
    (
        r.iter().map(|r| r.reporter).collect(),
        r.iter().any(|r| r.enclave_signed),
    )
}
