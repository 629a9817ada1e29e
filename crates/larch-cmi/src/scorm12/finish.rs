//! SCORM 1.2 end-of-session rules and outcome (RTE 1.2 3.4.4,
//! cmi.core.lesson_status, cmi.core.total_time, cmi.student_data.mastery_score).

use crate::outcome::{
    Completion, Exit, FieldKeys, ObjectiveOutcome, RuntimeOutcome, Score, StatusOutcome, Success,
    interactions, parse_time,
};
use crate::state::CmiState;
use crate::types::v12::parse_decimal;

fn dec(state: &CmiState, key: &str) -> Option<f64> {
    state.get(key).and_then(parse_decimal)
}

/// At LMSFinish: in browse mode an untouched status becomes `browsed`;
/// otherwise an untouched status becomes `completed` (the SCO ran to its
/// end without reporting). Then, for credit attempts with a mastery score and
/// a raw score, the LMS decides `passed`/`failed` by comparing them.
pub(crate) fn apply_status_rules(state: &mut CmiState) {
    let status = state
        .get("cmi.core.lesson_status")
        .unwrap_or("not attempted");
    let browse = state.get("cmi.core.lesson_mode") == Some("browse");
    if status == "not attempted" {
        state.set_raw(
            "cmi.core.lesson_status",
            if browse { "browsed" } else { "completed" },
        );
    }
    let credit = state.get("cmi.core.credit") != Some("no-credit");
    let mastery = dec(state, "cmi.student_data.mastery_score");
    let raw = dec(state, "cmi.core.score.raw");
    if let (true, Some(m), Some(r)) = (credit && !browse, mastery, raw) {
        state.set_raw(
            "cmi.core.lesson_status",
            if r >= m { "passed" } else { "failed" },
        );
    }
}

/// Maps a 1.2 lesson status onto completion and success.
pub(crate) fn map_status(status: Option<&str>) -> (Completion, Success) {
    match status {
        Some("passed") => (Completion::Completed, Success::Passed),
        Some("failed") => (Completion::Completed, Success::Failed),
        Some("completed") => (Completion::Completed, Success::Unknown),
        Some("incomplete") | Some("browsed") => (Completion::Incomplete, Success::Unknown),
        Some("not attempted") => (Completion::NotAttempted, Success::Unknown),
        _ => (Completion::Unknown, Success::Unknown),
    }
}

fn score(state: &CmiState, base: &str) -> Score {
    let mut keys = FieldKeys::new(state, base);
    let mut dec = |field: &str| keys.get(field).and_then(parse_decimal);
    let (raw, min, max) = (dec("raw"), dec("min"), dec("max"));
    let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(100.0));
    let scaled = raw
        .filter(|_| hi > lo)
        .map(|r| ((r - lo) / (hi - lo)).clamp(-1.0, 1.0));
    Score {
        scaled,
        raw,
        min,
        max,
    }
}

/// RTE 1.2 3.4.4: the lesson status mapped, and the score.
pub(crate) fn status(state: &CmiState) -> StatusOutcome<'_> {
    let lesson_status = state.get("cmi.core.lesson_status");
    let (completion, success) = map_status(lesson_status);
    StatusOutcome {
        completion,
        success,
        lesson_status,
        score: score(state, "cmi.core.score"),
    }
}

/// The outcome of a 1.2 state.
pub(crate) fn outcome(state: &CmiState) -> RuntimeOutcome {
    let v = state.version;
    let session = state
        .get("cmi.core.session_time")
        .and_then(|t| parse_time(v, t));
    let total = state
        .get("cmi.core.total_time")
        .and_then(|t| parse_time(v, t))
        .unwrap_or(0);
    let status = status(state);
    let exit = match state.get("cmi.core.exit") {
        Some("suspend") => Exit::Suspend,
        Some("logout") => Exit::Logout,
        Some("time-out") => Exit::TimeOut,
        _ => Exit::Unspecified,
    };
    let objectives = (0..state.count("cmi.objectives"))
        .map(|i| {
            let base = format!("cmi.objectives.{i}");
            let (c, s) = map_status(state.get(&format!("{base}.status")));
            ObjectiveOutcome {
                id: state
                    .get(&format!("{base}.id"))
                    .unwrap_or_default()
                    .to_owned(),
                success: s,
                completion: c,
                score: score(state, &format!("{base}.score")),
                progress_measure: None,
            }
        })
        .collect();
    RuntimeOutcome {
        version: v,
        completion: status.completion,
        success: status.success,
        lesson_status: status.lesson_status.map(str::to_owned),
        score: status.score,
        progress_measure: None,
        session_time_cs: session,
        total_time_cs: total + session.unwrap_or(0),
        exit,
        suspended: exit == Exit::Suspend,
        nav_request: None,
        location: state.get("cmi.core.lesson_location").map(str::to_owned),
        objectives,
        interactions: interactions(state, "student_response", "time"),
        shared_data: Vec::new(),
    }
}
