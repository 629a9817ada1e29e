//! Status evaluation by the LMS (SCORM 2004 RTE 4.2.4.1 and 4.2.22.1): when
//! the LMS knows a threshold, the status is computed from the measure the SCO
//! reported rather than taken from what the SCO set.

use crate::state::CmiState;
use crate::types::parse_real;

/// The evaluated value of `cmi.completion_status` / `cmi.success_status`, or
/// `None` if the element is not evaluated (the stored value applies).
pub(crate) fn evaluated(state: &CmiState, element: &str) -> Option<String> {
    match element {
        "cmi.completion_status" => completion_status(state).map(str::to_owned),
        "cmi.success_status" => success_status(state).map(str::to_owned),
        _ => None,
    }
}

fn real(state: &CmiState, element: &str) -> Option<f64> {
    state.get(element).and_then(parse_real)
}

/// RTE 4.2.4.1: with a `completion_threshold` and a `progress_measure`, the
/// status is `completed` at or above the threshold and `incomplete` below
/// it; with a threshold but no measure it is `unknown`, whatever the SCO set.
/// Without a threshold the SCO's value stands.
pub(crate) fn completion_status(state: &CmiState) -> Option<&'static str> {
    let threshold = real(state, "cmi.completion_threshold")?;
    Some(match real(state, "cmi.progress_measure") {
        Some(measure) if measure >= threshold => "completed",
        Some(_) => "incomplete",
        None => "unknown",
    })
}

/// RTE 4.2.22.1: with a `scaled_passing_score`, the status is `passed` when
/// `score.scaled` reaches it and `failed` below it, and `unknown` while the
/// SCO has reported no scaled score. Without a passing score the SCO's value stands.
pub(crate) fn success_status(state: &CmiState) -> Option<&'static str> {
    let passing = real(state, "cmi.scaled_passing_score")?;
    Some(match real(state, "cmi.score.scaled") {
        Some(score) if score >= passing => "passed",
        Some(_) => "failed",
        None => "unknown",
    })
}
