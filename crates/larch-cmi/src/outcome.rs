//! The summary of a session that the server and the sequencing engine
//! consume: statuses, score, times, exit, objectives and interactions.

use serde::{Deserialize, Serialize};

use crate::ScormVersion;
use crate::nav::NavRequest;
use crate::state::CmiState;
use crate::types::{duration, parse_real};

/// Completion status (2004 vocabulary; 1.2 statuses are mapped onto it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    /// Completed.
    Completed,
    /// Incomplete.
    Incomplete,
    /// Not attempted.
    NotAttempted,
    /// Unknown (the default).
    #[default]
    Unknown,
}

/// Success status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Success {
    /// Passed.
    Passed,
    /// Failed.
    Failed,
    /// Unknown (the default).
    #[default]
    Unknown,
}

/// How the SCO said it was leaving (`cmi.exit` / `cmi.core.exit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// `suspend`: the attempt continues next time.
    Suspend,
    /// `logout` (deprecated in 2004 4th Ed).
    Logout,
    /// `time-out`.
    TimeOut,
    /// `normal` (2004).
    Normal,
    /// "" or never set.
    #[default]
    Unspecified,
}

/// A score (2004 `cmi.score.*`; 1.2 `cmi.core.score.*` fills raw/min/max).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    /// −1..1 (2004 only; for 1.2 derived as raw/100 when min/max are absent).
    pub scaled: Option<f64>,
    /// Raw score.
    pub raw: Option<f64>,
    /// Minimum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
}

/// One objective as the SCO left it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ObjectiveOutcome {
    /// Objective id.
    pub id: String,
    /// Success status.
    pub success: Success,
    /// Completion status.
    pub completion: Completion,
    /// Score.
    pub score: Score,
    /// 2004 progress measure.
    pub progress_measure: Option<f64>,
}

/// One interaction as the SCO recorded it (values as stored).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InteractionOutcome {
    /// Interaction id.
    pub id: String,
    /// Type token (`choice`, …).
    pub kind: Option<String>,
    /// 2004 timestamp / 1.2 time.
    pub timestamp: Option<String>,
    /// Weighting.
    pub weighting: Option<String>,
    /// 2004 `learner_response` / 1.2 `student_response`.
    pub learner_response: Option<String>,
    /// Result.
    pub result: Option<String>,
    /// Latency (native format).
    pub latency: Option<String>,
    /// 2004 description.
    pub description: Option<String>,
    /// Correct response patterns.
    pub correct_responses: Vec<String>,
    /// Objective ids.
    pub objectives: Vec<String>,
}

/// The session summary (RTE 2004 4.2, RTE 1.2 3.4), computed from a state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeOutcome {
    /// Data model.
    pub version: ScormVersion,
    /// Completion (2004 evaluated per RTE 4.2.4.1; 1.2 mapped from lesson_status).
    pub completion: Completion,
    /// Success (2004 evaluated per RTE 4.2.22.1; 1.2 mapped from lesson_status).
    pub success: Success,
    /// SCORM 1.2 `cmi.core.lesson_status` as stored.
    pub lesson_status: Option<String>,
    /// Score.
    pub score: Score,
    /// 2004 progress measure.
    pub progress_measure: Option<f64>,
    /// This session's time in centiseconds, if reported.
    pub session_time_cs: Option<u64>,
    /// Total time of the attempt in centiseconds, including this session.
    pub total_time_cs: u64,
    /// Exit.
    pub exit: Exit,
    /// True if the attempt continues next launch (`suspend`, or `suspendAll`).
    pub suspended: bool,
    /// 2004 `adl.nav.request`, unless `_none_`.
    pub nav_request: Option<NavRequest>,
    /// Bookmark (`cmi.location` / `cmi.core.lesson_location`).
    pub location: Option<String>,
    /// Objectives.
    pub objectives: Vec<ObjectiveOutcome>,
    /// Interactions.
    pub interactions: Vec<InteractionOutcome>,
    /// 4th Ed shared data stores this SCO may write, with their values:
    /// `(targetID, value)`, `None` for a store left empty.
    pub shared_data: Vec<(String, Option<String>)>,
}

/// Ends a session: folds `session_time` into `total_time` (RTE 4.2.25 /
/// 1.2 3.4.4 total_time), applies the LMS status rules, and returns the
/// outcome. Idempotent: the session time is consumed.
pub fn finish_session(state: &mut CmiState) -> RuntimeOutcome {
    let (session_key, total_key) = time_keys(state.version);
    let session = state
        .get(session_key)
        .and_then(|v| parse_time(state.version, v));
    let mut outcome = RuntimeOutcome::from_state(state);
    if state.version.is_2004() {
        for (key, value) in [
            (
                "cmi.completion_status",
                crate::scorm2004::eval::completion_status(state),
            ),
            (
                "cmi.success_status",
                crate::scorm2004::eval::success_status(state),
            ),
        ] {
            if let Some(v) = value {
                state.set_raw(key, v);
            }
        }
    } else {
        crate::scorm12::finish::apply_status_rules(state);
        outcome = RuntimeOutcome::from_state(state);
    }
    state.set_raw(total_key, format_time(state.version, outcome.total_time_cs));
    state.values.remove(session_key);
    outcome.session_time_cs = session;
    outcome
}

fn time_keys(version: ScormVersion) -> (&'static str, &'static str) {
    if version.is_2004() {
        ("cmi.session_time", "cmi.total_time")
    } else {
        ("cmi.core.session_time", "cmi.core.total_time")
    }
}

pub(crate) fn parse_time(version: ScormVersion, v: &str) -> Option<u64> {
    if version.is_2004() {
        duration::parse_iso(v)
    } else {
        duration::parse_timespan(v)
    }
}

pub(crate) fn format_time(version: ScormVersion, cs: u64) -> String {
    if version.is_2004() {
        duration::format_iso(cs)
    } else {
        duration::format_timespan(cs)
    }
}

impl RuntimeOutcome {
    /// The outcome as of now, without ending the session (for commits):
    /// the total time includes the session time reported so far.
    pub fn from_state(state: &CmiState) -> Self {
        if state.version.is_2004() {
            crate::outcome2004::from_state(state)
        } else {
            crate::scorm12::finish::outcome(state)
        }
    }

    /// The status and score of [`RuntimeOutcome::from_state`], computed alone: what a
    /// progress rollup reads. A rollup runs more than once per commit, and the full outcome
    /// also walks every objective and interaction (a quiz's hundreds of elements), which it
    /// does not need. `from_state` takes these fields from here, so the two always agree.
    pub fn status_from_state(state: &CmiState) -> StatusOutcome<'_> {
        if state.version.is_2004() {
            crate::outcome2004::status(state)
        } else {
            crate::scorm12::finish::status(state)
        }
    }
}

/// The status part of a [`RuntimeOutcome`] (see [`RuntimeOutcome::status_from_state`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusOutcome<'a> {
    /// As [`RuntimeOutcome::completion`].
    pub completion: Completion,
    /// As [`RuntimeOutcome::success`].
    pub success: Success,
    /// As [`RuntimeOutcome::lesson_status`], borrowed from the state.
    pub lesson_status: Option<&'a str>,
    /// As [`RuntimeOutcome::score`].
    pub score: Score,
}

/// Reads `{base}.{field}` for several fields with one key buffer (no `format!` each).
pub(crate) struct FieldKeys<'s> {
    state: &'s CmiState,
    key: String,
    base_len: usize,
}

impl<'s> FieldKeys<'s> {
    /// Keys under `base` (`cmi.core.score`, `cmi.objectives.3.score`).
    pub(crate) fn new(state: &'s CmiState, base: &str) -> Self {
        let mut key = String::with_capacity(base.len() + 24);
        key.push_str(base);
        key.push('.');
        Self {
            state,
            base_len: key.len(),
            key,
        }
    }

    /// The value of `{base}.{field}`.
    pub(crate) fn get(&mut self, field: &str) -> Option<&'s str> {
        self.key.truncate(self.base_len);
        self.key.push_str(field);
        self.state.get(&self.key)
    }
}

/// Reads an optional real.
pub(crate) fn real(state: &CmiState, key: &str) -> Option<f64> {
    state.get(key).and_then(parse_real)
}

/// Builds the interactions list, with the element names of `version`.
pub(crate) fn interactions(
    state: &CmiState,
    response_key: &str,
    time_key: &str,
) -> Vec<InteractionOutcome> {
    (0..state.count("cmi.interactions"))
        .map(|i| {
            let base = format!("cmi.interactions.{i}");
            let get = |f: &str| state.get(&format!("{base}.{f}")).map(str::to_owned);
            let list = |c: &str, f: &str| {
                let coll = format!("{base}.{c}");
                (0..state.count(&coll))
                    .filter_map(|j| state.get(&format!("{coll}.{j}.{f}")).map(str::to_owned))
                    .collect()
            };
            InteractionOutcome {
                id: get("id").unwrap_or_default(),
                kind: get("type"),
                timestamp: get(time_key),
                weighting: get("weighting"),
                learner_response: get(response_key),
                result: get("result"),
                latency: get("latency"),
                description: get("description"),
                correct_responses: list("correct_responses", "pattern"),
                objectives: list("objectives", "id"),
            }
        })
        .collect()
}
