//! Changes from the browser, the runtime transcript, and diffs between states.

use serde::{Deserialize, Serialize};

use crate::config::{RuntimeConfig, Warning};
use crate::errors::CmiError;
use crate::state::CmiState;

/// One data-model change, as the runtime log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// Element name (`cmi.score.raw`).
    pub element: String,
    /// Value before the change, `None` if unset.
    pub old: Option<String>,
    /// Value stored.
    pub new: String,
    /// When, in milliseconds since the Unix epoch (supplied by the caller).
    pub at: i64,
    /// Leniencies applied to this change (forgiving mode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// What a successful SetValue stored.
#[derive(Debug)]
pub(crate) struct Stored {
    /// Canonical element name (`cmi.objectives.01.id` is stored as `cmi.objectives.1.id`).
    pub key: String,
    /// Previous value.
    pub old: Option<String>,
    /// New value; `None` if the element was cleared (an emptied `adl.data` store).
    pub new: Option<String>,
    /// Leniencies applied.
    pub warnings: Vec<Warning>,
}

/// Validates and applies one SetValue to `state`, exactly as the API does.
pub(crate) fn apply_one(
    state: &mut CmiState,
    config: &RuntimeConfig,
    element: &str,
    value: &str,
    at: i64,
) -> Result<TranscriptEntry, CmiError> {
    let stored = if state.version.is_2004() {
        crate::scorm2004::set_value(state, config, element, value)?
    } else {
        crate::scorm12::set_value(state, config, element, value)?
    };
    Ok(TranscriptEntry {
        element: stored.key,
        old: stored.old,
        new: stored.new.unwrap_or_default(),
        at,
        warnings: stored.warnings,
    })
}

/// One SetValue sent by the browser shim in a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Element name.
    pub element: String,
    /// Value passed to SetValue.
    pub value: String,
}

/// A change of a batch that the data model refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedChange {
    /// Position in the batch.
    pub index: usize,
    /// Element name.
    pub element: String,
    /// The error SetValue would have returned.
    pub error: CmiError,
}

/// Result of [`apply_batch`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchResult {
    /// One entry per applied change, in order.
    pub transcript: Vec<TranscriptEntry>,
    /// Changes refused, with the code the API returns for them.
    pub rejected: Vec<RejectedChange>,
}

/// Applies a commit batch from the browser in order, validating each change
/// exactly as `SetValue` does. A refused change is skipped and reported (the
/// browser's API refused it too, so it was never part of the SCO's view);
/// later changes still apply, as they would have in the browser.
pub fn apply_batch(
    state: &mut CmiState,
    config: &RuntimeConfig,
    changes: &[Change],
    at: i64,
) -> BatchResult {
    let mut result = BatchResult::default();
    for (index, change) in changes.iter().enumerate() {
        match apply_one(state, config, &change.element, &change.value, at) {
            Ok(entry) => result.transcript.push(entry),
            Err(error) => result.rejected.push(RejectedChange {
                index,
                element: change.element.clone(),
                error,
            }),
        }
    }
    result
}

/// One difference between two states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// Element name.
    pub element: String,
    /// Value in the old state.
    pub old: Option<String>,
    /// Value in the new state.
    pub new: Option<String>,
}

/// The element-by-element difference from `old` to `new`, in element order.
pub fn diff(old: &CmiState, new: &CmiState) -> Vec<Difference> {
    let mut out: Vec<Difference> = old
        .values
        .iter()
        .filter_map(|(k, v)| match new.values.get(k) {
            Some(nv) if nv == v => None,
            nv => Some(Difference {
                element: k.clone(),
                old: Some(v.clone()),
                new: nv.cloned(),
            }),
        })
        .collect();
    out.extend(
        new.values
            .iter()
            .filter(|(k, _)| !old.values.contains_key(*k))
            .map(|(k, v)| Difference {
                element: k.clone(),
                old: None,
                new: Some(v.clone()),
            }),
    );
    out.sort_by(|a, b| a.element.cmp(&b.element));
    out
}

/// Applies a diff produced by [`diff`] (trusted data: no validation).
pub fn apply_diff(state: &mut CmiState, differences: &[Difference]) {
    for d in differences {
        match &d.new {
            Some(v) => {
                state.set_raw(&d.element, v.clone());
            }
            None => {
                state.values.remove(&d.element);
            }
        }
    }
    state.recount();
}
