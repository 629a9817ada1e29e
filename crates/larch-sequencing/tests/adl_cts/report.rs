//! The values a scripted SCO sets, gathered into the engine's [`ScoReport`]: the
//! sequencing-relevant `SetValue` calls (statuses, scores, progress, objectives, exit,
//! `adl.nav.request`).

use std::collections::HashMap;

use larch_cts::Command;
use larch_sequencing::{
    CompletionStatus, ExitMode, NavigationRequest, ObjectiveReport, ScoReport, SuccessStatus,
};

/// Applies one successful `SetValue`; `ids` remembers `cmi.objectives.N.id` writes and
/// `initial_id` gives the ids the LMS initialized `cmi.objectives` with.
pub fn apply_set(
    report: &mut ScoReport,
    ids: &mut HashMap<String, String>,
    command: &Command,
    initial_id: &dyn Fn(usize) -> Option<String>,
) {
    let value = command.value.as_str();
    let number = value.parse::<f64>().ok();
    let parts: Vec<&str> = command.element.split('.').collect();
    match parts.as_slice() {
        ["cmi", "completion_status"] => report.completion_status = completion(value),
        ["cmi", "success_status"] => report.success_status = success(value),
        ["cmi", "progress_measure"] => report.progress_measure = number,
        ["cmi", "score", field] => set_score(&mut report.score, field, number),
        ["cmi", "exit"] => report.exit = exit(value),
        ["adl", "nav", "request"] => report.nav_request = NavigationRequest::parse(value),
        ["cmi", "objectives", index, "id"] => {
            ids.insert((*index).to_owned(), value.to_owned());
        }
        ["cmi", "objectives", index, field @ ..] => {
            let id = match index.strip_prefix('&').and_then(|i| i.strip_suffix('&')) {
                Some(id) => id.to_owned(),
                None => match ids
                    .get(*index)
                    .cloned()
                    .or_else(|| initial_id(index.parse().ok()?))
                {
                    Some(id) => id,
                    None => return,
                },
            };
            let objective = match report.objectives.iter().position(|o| o.id == id) {
                Some(i) => &mut report.objectives[i],
                None => {
                    report.objectives.push(ObjectiveReport {
                        id,
                        ..ObjectiveReport::default()
                    });
                    report.objectives.last_mut().expect("just pushed")
                }
            };
            match field {
                ["success_status"] => objective.success_status = success(value),
                ["completion_status"] => objective.completion_status = completion(value),
                ["progress_measure"] => objective.progress_measure = number,
                ["score", f] => set_score(&mut objective.score, f, number),
                _ => {}
            }
        }
        _ => {}
    }
}

fn set_score(score: &mut larch_sequencing::Score, field: &str, value: Option<f64>) {
    match field {
        "scaled" => score.scaled = value,
        "raw" => score.raw = value,
        "min" => score.min = value,
        "max" => score.max = value,
        _ => {}
    }
}

fn completion(value: &str) -> Option<CompletionStatus> {
    Some(match value {
        "completed" => CompletionStatus::Completed,
        "incomplete" => CompletionStatus::Incomplete,
        "not attempted" => CompletionStatus::NotAttempted,
        "unknown" => CompletionStatus::Unknown,
        _ => return None,
    })
}

fn success(value: &str) -> Option<SuccessStatus> {
    Some(match value {
        "passed" => SuccessStatus::Passed,
        "failed" => SuccessStatus::Failed,
        "unknown" => SuccessStatus::Unknown,
        _ => return None,
    })
}

fn exit(value: &str) -> Option<ExitMode> {
    Some(match value {
        "suspend" => ExitMode::Suspend,
        "logout" => ExitMode::Logout,
        "time-out" => ExitMode::TimeOut,
        _ => ExitMode::Normal,
    })
}
