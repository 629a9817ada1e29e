//! larch-cmi: the SCORM 1.2, SCORM 2004 (2nd, 3rd, 4th Edition) and AICC HACP
//! run-time data models and API rules, as a pure library.
//!
//! No I/O, no clock: time is passed in. The crate is the single source of
//! truth for what content may read and write:
//!
//! - [`ApiInstance`] is the API object a SCO talks to (`Initialize`,
//!   `GetValue`, `SetValue`, `Commit`, `Terminate`, `GetLastError`,
//!   `GetErrorString`, `GetDiagnostic`, and the `LMS…` names of SCORM 1.2),
//!   returning exactly the strings and error codes of the specs.
//! - [`CmiState`] is the serializable data of one activity attempt;
//!   [`initial_state`] seeds it from [`LaunchData`] and an earlier session.
//! - [`apply_batch`] validates a commit from the browser shim exactly as the
//!   API would; [`diff`] / [`apply_diff`] compare states; every change is a
//!   [`TranscriptEntry`].
//! - [`RuntimeOutcome`] summarizes a session for the server and the
//!   sequencing engine; [`finish_session`] ends one.
//! - [`export_schema`] describes every element for the browser shim.
//! - [`aicc`] reads and writes the HACP `aicc_data` format.
//! - [`NavigationOracle`] is how the sequencing engine answers
//!   `adl.nav.request_valid.*`.
//!
//! ```
//! use larch_cmi::{ApiInstance, LaunchData, Prior, RuntimeConfig, ScormVersion, initial_state};
//!
//! let launch = LaunchData { learner_id: "l-1".into(), learner_name: "Doe, Jane".into(), ..LaunchData::default() };
//! let state = initial_state(ScormVersion::SCORM2004_4TH, &launch, Prior::NewAttempt);
//! let mut api = ApiInstance::new(state, RuntimeConfig::default());
//! assert_eq!(api.initialize(""), "true");
//! assert_eq!(api.set_value("cmi.score.scaled", "0.9"), "true");
//! assert_eq!(api.set_value("cmi.score.scaled", "9"), "false");
//! assert_eq!(api.get_last_error(), "407"); // RTE 4.2.20: scaled is -1..1
//! api.set_value("cmi.session_time", "PT5M");
//! assert_eq!(api.terminate(""), "true");
//! assert_eq!(api.outcome().map(|o| o.total_time_cs), Some(30_000));
//! ```
#![deny(missing_docs)]

pub mod aicc;
mod api;
mod compare;
mod config;
mod errors;
mod launch;
mod launch2004;
mod nav;
mod outcome;
mod outcome2004;
mod path;
pub mod schema;
mod scorm12;
mod scorm2004;
mod state;
mod transcript;
pub mod types;
mod validate;
mod version;

pub use api::{ApiInstance, Phase};
pub use compare::values_equivalent;
pub use config::{RuntimeConfig, Strictness, Warning, WarningKind};
pub use errors::{CmiError, ErrorCode};
pub use launch::{
    Credit, LaunchData, LmsComment, Mode, ObjectiveInit, Prior, SharedDataInit, format_number,
    initial_state,
};
pub use nav::{NavQuery, NavRequest, NavValidity, NavigationOracle, UnknownNavigation};
pub use outcome::{
    Completion, Exit, InteractionOutcome, ObjectiveOutcome, RuntimeOutcome, Score, StatusOutcome,
    Success, finish_session,
};
pub use schema::{SchemaExport, export_schema};
pub use state::{CmiState, SharedDataAccess};
pub use transcript::{
    BatchResult, Change, Difference, RejectedChange, TranscriptEntry, apply_batch, apply_diff, diff,
};
pub use version::{Edition, ScormVersion};
