//! What a SCORM 2004 SCO reported, for the sequencing engine: the run-time data model
//! mapped onto the tracking model (RTE 4.2 ↔ SN 4.2, as the SN book's Appendix on the
//! run-time data model describes), keeping only the elements the content itself set.

use std::collections::BTreeSet;

use larch_cmi::{CmiState, Completion, Exit, NavRequest, RuntimeOutcome, Success};
use larch_sequencing::{
    CompletionStatus, ExitMode, NavigationRequest, ObjectiveReport, ScoReport, Score, SuccessStatus,
};

/// The report of `outcome` for the engine. `reported` lists the elements the content set in
/// this attempt; values the LMS seeded (statuses read from global objectives, defaults) are
/// left out, so they never write back through objective maps.
pub(crate) fn sco_report(
    state: &CmiState,
    outcome: &RuntimeOutcome,
    reported: &BTreeSet<String>,
) -> ScoReport {
    let set = |e: &str| reported.contains(e);
    // RTE 4.2.4.1 / 4.2.22.1: the LMS evaluates the status from the threshold and measure,
    // so a progress measure (or scaled score) reported against one counts as a status.
    let completion = (set("cmi.completion_status")
        || (set("cmi.progress_measure") && outcome.completion != Completion::Unknown))
        .then(|| completion(outcome.completion));
    let success = (set("cmi.success_status")
        || (set("cmi.score.scaled") && outcome.success != Success::Unknown))
        .then(|| success(outcome.success));
    ScoReport {
        completion_status: completion,
        success_status: success,
        score: score(&outcome.score, "cmi.score", reported),
        progress_measure: outcome
            .progress_measure
            .filter(|_| set("cmi.progress_measure")),
        objectives: objectives(state, outcome, reported),
        session_time_secs: outcome.session_time_cs.map(|cs| cs as f64 / 100.0),
        exit: exit(outcome.exit),
        nav_request: outcome.nav_request.as_ref().and_then(navigation_request),
    }
}

fn objectives(
    state: &CmiState,
    outcome: &RuntimeOutcome,
    reported: &BTreeSet<String>,
) -> Vec<ObjectiveReport> {
    outcome
        .objectives
        .iter()
        .enumerate()
        .filter_map(|(n, o)| {
            let base = format!("cmi.objectives.{n}");
            let set = |f: &str| reported.contains(&format!("{base}.{f}"));
            let report = ObjectiveReport {
                id: o.id.clone(),
                success_status: set("success_status").then(|| success(o.success)),
                completion_status: set("completion_status").then(|| completion(o.completion)),
                score: score(&o.score, &format!("{base}.score"), reported),
                progress_measure: o.progress_measure.filter(|_| set("progress_measure")),
            };
            let touched = report.success_status.is_some()
                || report.completion_status.is_some()
                || report.progress_measure.is_some()
                || report.score != Score::default();
            (touched && state.get(&format!("{base}.id")).is_some()).then_some(report)
        })
        .collect()
}

fn score(score: &larch_cmi::Score, base: &str, reported: &BTreeSet<String>) -> Score {
    let set = |f: &str| reported.contains(&format!("{base}.{f}"));
    Score {
        scaled: score.scaled.filter(|_| set("scaled")),
        raw: score.raw.filter(|_| set("raw")),
        min: score.min.filter(|_| set("min")),
        max: score.max.filter(|_| set("max")),
    }
}

fn completion(c: Completion) -> CompletionStatus {
    match c {
        Completion::Completed => CompletionStatus::Completed,
        Completion::Incomplete => CompletionStatus::Incomplete,
        Completion::NotAttempted => CompletionStatus::NotAttempted,
        Completion::Unknown => CompletionStatus::Unknown,
    }
}

fn success(s: Success) -> SuccessStatus {
    match s {
        Success::Passed => SuccessStatus::Passed,
        Success::Failed => SuccessStatus::Failed,
        Success::Unknown => SuccessStatus::Unknown,
    }
}

fn exit(e: Exit) -> Option<ExitMode> {
    match e {
        Exit::Suspend => Some(ExitMode::Suspend),
        Exit::Logout => Some(ExitMode::Logout),
        Exit::TimeOut => Some(ExitMode::TimeOut),
        Exit::Normal => Some(ExitMode::Normal),
        Exit::Unspecified => None,
    }
}

/// `adl.nav.request` (RTE 4.4.1) as a navigation request (SN 4.4 table 4.4a).
pub(crate) fn navigation_request(request: &NavRequest) -> Option<NavigationRequest> {
    Some(match request {
        NavRequest::Continue => NavigationRequest::Continue,
        NavRequest::Previous => NavigationRequest::Previous,
        NavRequest::Choice(id) => NavigationRequest::Choice(id.clone()),
        NavRequest::Jump(id) => NavigationRequest::Jump(id.clone()),
        NavRequest::Exit => NavigationRequest::Exit,
        NavRequest::ExitAll => NavigationRequest::ExitAll,
        NavRequest::Abandon => NavigationRequest::Abandon,
        NavRequest::AbandonAll => NavigationRequest::AbandonAll,
        NavRequest::SuspendAll => NavigationRequest::SuspendAll,
        NavRequest::None => return None,
    })
}
