//! [`RuntimeOutcome`] for SCORM 2004 states.

use crate::nav::NavRequest;
use crate::outcome::{
    Completion, Exit, FieldKeys, ObjectiveOutcome, RuntimeOutcome, Score, StatusOutcome, Success,
    interactions, parse_time, real,
};
use crate::scorm2004::eval;
use crate::state::CmiState;
use crate::types::parse_real;

pub(crate) fn completion(token: Option<&str>) -> Completion {
    match token {
        Some("completed") => Completion::Completed,
        Some("incomplete") => Completion::Incomplete,
        Some("not attempted") => Completion::NotAttempted,
        _ => Completion::Unknown,
    }
}

pub(crate) fn success(token: Option<&str>) -> Success {
    match token {
        Some("passed") => Success::Passed,
        Some("failed") => Success::Failed,
        _ => Success::Unknown,
    }
}

pub(crate) fn exit(token: Option<&str>) -> Exit {
    match token {
        Some("suspend") => Exit::Suspend,
        Some("logout") => Exit::Logout,
        Some("time-out") => Exit::TimeOut,
        Some("normal") => Exit::Normal,
        _ => Exit::Unspecified,
    }
}

fn score(state: &CmiState, base: &str) -> Score {
    let mut keys = FieldKeys::new(state, base);
    let mut real = |field: &str| keys.get(field).and_then(parse_real);
    Score {
        scaled: real("scaled"),
        raw: real("raw"),
        min: real("min"),
        max: real("max"),
    }
}

/// RTE 4.2.4.1 / 4.2.22.1: completion and success as evaluated, and the score.
pub(crate) fn status(state: &CmiState) -> StatusOutcome<'_> {
    StatusOutcome {
        completion: completion(
            eval::completion_status(state).or(state.get("cmi.completion_status")),
        ),
        success: success(eval::success_status(state).or(state.get("cmi.success_status"))),
        lesson_status: None,
        score: score(state, "cmi.score"),
    }
}

fn objectives(state: &CmiState) -> Vec<ObjectiveOutcome> {
    (0..state.count("cmi.objectives"))
        .map(|i| {
            let base = format!("cmi.objectives.{i}");
            ObjectiveOutcome {
                id: state
                    .get(&format!("{base}.id"))
                    .unwrap_or_default()
                    .to_owned(),
                success: success(state.get(&format!("{base}.success_status"))),
                completion: completion(state.get(&format!("{base}.completion_status"))),
                score: score(state, &format!("{base}.score")),
                progress_measure: real(state, &format!("{base}.progress_measure")),
            }
        })
        .collect()
}

pub(crate) fn from_state(state: &CmiState) -> RuntimeOutcome {
    let v = state.version;
    let session = state.get("cmi.session_time").and_then(|t| parse_time(v, t));
    let total = state
        .get("cmi.total_time")
        .and_then(|t| parse_time(v, t))
        .unwrap_or(0);
    let nav_request = state
        .get("adl.nav.request")
        .and_then(|r| NavRequest::parse(r, v))
        .filter(|r| *r != NavRequest::None);
    let exit = exit(state.get("cmi.exit"));
    let shared_data = (0..state.count("adl.data"))
        .filter(|&i| state.shared_data.get(i).is_some_and(|a| a.writable))
        .filter_map(|i| {
            let id = state.get(&format!("adl.data.{i}.id"))?;
            Some((
                id.to_owned(),
                state.get(&format!("adl.data.{i}.store")).map(str::to_owned),
            ))
        })
        .collect();
    let status = status(state);
    RuntimeOutcome {
        version: v,
        completion: status.completion,
        success: status.success,
        lesson_status: None,
        score: status.score,
        progress_measure: real(state, "cmi.progress_measure"),
        session_time_cs: session,
        total_time_cs: total + session.unwrap_or(0),
        suspended: exit == Exit::Suspend || nav_request == Some(NavRequest::SuspendAll),
        exit,
        nav_request,
        location: state.get("cmi.location").map(str::to_owned),
        objectives: objectives(state),
        interactions: interactions(state, "learner_response", "timestamp"),
        shared_data,
    }
}
