//! Runtime configuration: strict or forgiving, and the limits that protect the
//! server from unbounded values.

use serde::{Deserialize, Serialize};

/// How closely SetValue follows the letter of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strictness {
    /// Accept what real content sends where no information is lost, recording
    /// a [`Warning`] for each leniency (see `docs/cmi-forgiving-mode.md`).
    #[default]
    Forgiving,
    /// The spec exactly.
    Strict,
}

/// Per-course runtime settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    /// Strict or forgiving. By default, forgiving.
    pub strictness: Strictness,
    /// In forgiving mode, the longest value kept for an element whose spec
    /// limit is exceeded (e.g. SCORM 1.2 `suspend_data` beyond 4,096
    /// characters). By default, 64,000 characters, the 2004 4th Ed limit.
    pub forgiving_max_len: usize,
    /// The longest value any element may hold in any mode; longer values fail
    /// with a general set failure. Guards storage. By default, 1,000,000.
    pub hard_max_len: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            strictness: Strictness::Forgiving,
            forgiving_max_len: 64_000,
            hard_max_len: 1_000_000,
        }
    }
}

impl RuntimeConfig {
    /// The strict configuration (spec exactly).
    pub fn strict() -> Self {
        Self {
            strictness: Strictness::Strict,
            ..Self::default()
        }
    }

    /// True in forgiving mode.
    pub fn forgiving(&self) -> bool {
        self.strictness == Strictness::Forgiving
    }
}

/// What kind of leniency was applied, or what notable thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A value longer than the element's smallest permitted maximum was stored
    /// in full. (2004 allows this; 1.2 forgiving mode allows it.)
    OverLongKept,
    /// A vocabulary token in the wrong case was accepted and stored in the
    /// spec's spelling.
    VocabularyCase,
    /// White space around a number was removed.
    NumberWhitespace,
    /// A SCORM 1.2 `student_response`/`pattern` that breaks its type's format
    /// was stored as a plain CMIString255.
    LooseFeedback,
    /// A SCORM 1.2 CMITimespan with more than four hour digits or an ISO 8601
    /// duration was accepted.
    LooseTimespan,
}

/// One leniency applied to one SetValue, recorded in the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The element set.
    pub element: String,
    /// The leniency.
    pub kind: WarningKind,
    /// Detail for the runtime log.
    pub message: String,
}
