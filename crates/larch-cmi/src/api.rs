//! The API instance: the state machine of SCORM 2004 RTE 3.1.6 (and SCORM
//! 1.2 RTE 3.3.2) with the eight API methods, returning exactly the spec's
//! strings and error codes.

use serde::{Deserialize, Serialize};

use crate::config::RuntimeConfig;
use crate::errors::{CmiError, ErrorCode, err};
use crate::nav::{NavigationOracle, UnknownNavigation};
use crate::state::CmiState;
use crate::transcript::TranscriptEntry;
use crate::{RuntimeOutcome, ScormVersion, outcome};

/// API instance states (SCORM 2004 RTE 3.1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before `Initialize`.
    NotInitialized,
    /// Between `Initialize` and `Terminate`.
    Running,
    /// After `Terminate`.
    Terminated,
}

/// One SCO session's API object (`API_1484_11` or `API`).
///
/// Time is never read: set it with [`ApiInstance::set_now`] before calls whose
/// transcript entries should carry it.
pub struct ApiInstance {
    pub(crate) state: CmiState,
    pub(crate) phase: Phase,
    pub(crate) config: RuntimeConfig,
    last_error: CmiError,
    oracle: Box<dyn NavigationOracle + Send + Sync>,
    pub(crate) transcript: Vec<TranscriptEntry>,
    pub(crate) now_ms: i64,
    outcome: Option<RuntimeOutcome>,
}

impl std::fmt::Debug for ApiInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiInstance")
            .field("version", &self.state.version)
            .field("phase", &self.phase)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

const TRUE: &str = "true";
const FALSE: &str = "false";

impl ApiInstance {
    /// A new instance over `state` (see [`crate::initial_state`]).
    pub fn new(state: CmiState, config: RuntimeConfig) -> Self {
        Self {
            state,
            phase: Phase::NotInitialized,
            config,
            last_error: CmiError::new(ErrorCode::NO_ERROR, ""),
            oracle: Box::new(UnknownNavigation),
            transcript: Vec::new(),
            now_ms: 0,
            outcome: None,
        }
    }

    /// Answers `adl.nav.request_valid.*` through `oracle` from now on.
    pub fn set_navigation_oracle(&mut self, oracle: Box<dyn NavigationOracle + Send + Sync>) {
        self.oracle = oracle;
    }

    /// Sets the clock used for transcript entries (milliseconds since the Unix epoch).
    pub fn set_now(&mut self, at_ms: i64) {
        self.now_ms = at_ms;
    }

    /// The version this instance speaks.
    pub fn version(&self) -> ScormVersion {
        self.state.version
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The data, as stored.
    pub fn state(&self) -> &CmiState {
        &self.state
    }

    /// The outcome computed at `Terminate`, once terminated.
    pub fn outcome(&self) -> Option<&RuntimeOutcome> {
        self.outcome.as_ref()
    }

    /// Takes the transcript entries recorded since the last call.
    pub fn take_transcript(&mut self) -> Vec<TranscriptEntry> {
        std::mem::take(&mut self.transcript)
    }

    fn finish(&mut self, result: Result<(), CmiError>) -> &'static str {
        match result {
            Ok(()) => {
                self.last_error = CmiError::new(ErrorCode::NO_ERROR, "");
                TRUE
            }
            Err(e) => {
                self.last_error = e;
                FALSE
            }
        }
    }

    fn is_2004(&self) -> bool {
        self.state.version.is_2004()
    }

    /// `Initialize("")` / `LMSInitialize("")` (2004 RTE 3.1.3.1, 1.2 RTE 3.3.3).
    pub fn initialize(&mut self, param: &str) -> &'static str {
        let result = if !param.is_empty() {
            Err(err(ErrorCode::ARGUMENT, "Initialize takes an empty string"))
        } else {
            match (self.phase, self.is_2004()) {
                (Phase::NotInitialized, _) => Ok(()),
                (Phase::Running, true) => Err(err(
                    ErrorCode::ALREADY_INITIALIZED,
                    "Initialize was already called",
                )),
                (Phase::Terminated, true) => Err(err(
                    ErrorCode::INSTANCE_TERMINATED,
                    "Initialize after Terminate: the instance has ended",
                )),
                (_, false) => Err(err(ErrorCode::GENERAL, "LMSInitialize was already called")),
            }
        };
        if result.is_ok() {
            self.phase = Phase::Running;
        }
        self.finish(result)
    }

    /// `Terminate("")` / `LMSFinish("")`: ends the session and computes the outcome.
    pub fn terminate(&mut self, param: &str) -> &'static str {
        let result = if !param.is_empty() {
            Err(err(ErrorCode::ARGUMENT, "Terminate takes an empty string"))
        } else {
            self.require_running(
                ErrorCode::TERMINATE_BEFORE_INIT,
                ErrorCode::TERMINATE_AFTER_TERMINATE,
            )
        };
        if result.is_ok() {
            self.phase = Phase::Terminated;
            self.outcome = Some(outcome::finish_session(&mut self.state));
        }
        self.finish(result)
    }

    /// `Commit("")` / `LMSCommit("")`. The data is already held by the
    /// instance; the caller persists [`ApiInstance::state`] or the transcript.
    pub fn commit(&mut self, param: &str) -> &'static str {
        let result = if !param.is_empty() {
            Err(err(ErrorCode::ARGUMENT, "Commit takes an empty string"))
        } else {
            self.require_running(
                ErrorCode::COMMIT_BEFORE_INIT,
                ErrorCode::COMMIT_AFTER_TERMINATE,
            )
        };
        self.finish(result)
    }

    fn require_running(&self, before: ErrorCode, after: ErrorCode) -> Result<(), CmiError> {
        let v12 = !self.is_2004();
        match self.phase {
            Phase::Running => Ok(()),
            Phase::NotInitialized if v12 => Err(err(
                ErrorCode::V12_NOT_INITIALIZED,
                "LMSInitialize has not been called",
            )),
            Phase::Terminated if v12 => Err(err(
                ErrorCode::V12_NOT_INITIALIZED,
                "LMSFinish has been called",
            )),
            Phase::NotInitialized => Err(err(before, "the API instance is not initialized")),
            Phase::Terminated => Err(err(after, "the API instance has been terminated")),
        }
    }

    /// `GetValue(element)` / `LMSGetValue(element)`. Returns "" on error.
    pub fn get_value(&mut self, element: &str) -> String {
        let result = self
            .require_running(ErrorCode::GET_BEFORE_INIT, ErrorCode::GET_AFTER_TERMINATE)
            .and_then(|()| self.read(element));
        match result {
            Ok(v) => {
                self.last_error = CmiError::new(ErrorCode::NO_ERROR, "");
                v
            }
            Err(e) => {
                self.last_error = e;
                String::new()
            }
        }
    }

    /// GetValue without the phase check and without touching the error state.
    pub fn read(&self, element: &str) -> Result<String, CmiError> {
        if self.is_2004() {
            crate::scorm2004::get_value(&self.state, element, self.oracle.as_ref())
        } else {
            crate::scorm12::get_value(&self.state, element)
        }
    }

    /// `SetValue(element, value)` / `LMSSetValue(element, value)`.
    pub fn set_value(&mut self, element: &str, value: &str) -> &'static str {
        let result = self
            .require_running(ErrorCode::SET_BEFORE_INIT, ErrorCode::SET_AFTER_TERMINATE)
            .and_then(|()| self.write(element, value));
        self.finish(result)
    }

    /// SetValue without the phase check; records a transcript entry.
    pub(crate) fn write(&mut self, element: &str, value: &str) -> Result<(), CmiError> {
        let at = self.now_ms;
        let entry =
            crate::transcript::apply_one(&mut self.state, &self.config, element, value, at)?;
        self.transcript.push(entry);
        Ok(())
    }

    /// `GetLastError()`: the code of the last API call, as a string.
    pub fn get_last_error(&self) -> String {
        self.last_error.code.as_api_string()
    }

    /// The last error with its diagnostic.
    pub fn last_error(&self) -> &CmiError {
        &self.last_error
    }

    /// `GetErrorString(code)`: the spec's text for a defined code, else "".
    pub fn get_error_string(&self, code: &str) -> String {
        ErrorCode::parse_exact(code, self.state.version)
            .and_then(|c| c.message(self.state.version))
            .unwrap_or_default()
            .to_owned()
    }

    /// `GetDiagnostic(code)`: detail about `code`, or about the last error
    /// when `code` is "". Always shorter than 255 characters.
    pub fn get_diagnostic(&self, code: &str) -> String {
        if code.is_empty() {
            let d = &self.last_error.diagnostic;
            return if d.is_empty() {
                self.get_error_string(&self.get_last_error())
            } else {
                d.clone()
            };
        }
        match ErrorCode::parse_exact(code, self.state.version) {
            Some(c) if c == self.last_error.code && !self.last_error.diagnostic.is_empty() => {
                self.last_error.diagnostic.clone()
            }
            Some(c) => c.message(self.state.version).unwrap_or_default().to_owned(),
            None => String::new(),
        }
    }

    /// SCORM 1.2 name of [`Self::initialize`].
    pub fn lms_initialize(&mut self, param: &str) -> &'static str {
        self.initialize(param)
    }

    /// SCORM 1.2 name of [`Self::terminate`].
    pub fn lms_finish(&mut self, param: &str) -> &'static str {
        self.terminate(param)
    }
}
