//! Mapping between HACP `aicc_data` and the SCORM 1.2-shaped state
//! (CMI001 v4 section 6.4 GetParam / 6.5 PutParam, and the data model of
//! CMI001 section 2, which SCORM 1.2 RTE 3.4 adopted).

use super::parse::{AiccData, Section};
use crate::state::CmiState;
use crate::transcript::Change;

/// Expands the first letter of a HACP status token (CMI001 2.3:
/// "only the first character is significant").
pub(super) fn status_word(token: &str) -> Option<&'static str> {
    Some(match token.trim().chars().next()?.to_ascii_lowercase() {
        'p' => "passed",
        'c' => "completed",
        'f' => "failed",
        'i' => "incomplete",
        'b' => "browsed",
        'n' => "not attempted",
        _ => return None,
    })
}

fn exit_word(token: &str) -> Option<&'static str> {
    Some(match token.trim().chars().next()?.to_ascii_lowercase() {
        's' => "suspend",
        'l' => "logout",
        't' => "time-out",
        _ => return None,
    })
}

fn change(element: &str, value: impl Into<String>) -> Change {
    Change {
        element: element.to_owned(),
        value: value.into(),
    }
}

/// The changes a `PutParam` asks for, as 1.2 element names, in a valid
/// order (records' ids first). Apply them with [`crate::apply_batch`] on a
/// 1.2 state: each is validated like `LMSSetValue`, and refusals are reported.
pub fn put_param_changes(data: &AiccData) -> Vec<Change> {
    let mut out = Vec::new();
    let core = |k: &str| data.get("Core", k);
    if let Some(v) = core("Lesson_Location") {
        out.push(change("cmi.core.lesson_location", v));
    }
    if let Some(v) = core("Lesson_Status") {
        let mut parts = v.split(',');
        if let Some(status) = parts.next().and_then(status_word) {
            // A SCO cannot set "not attempted"; HACP AUs echo it, so skip it.
            if status != "not attempted" {
                out.push(change("cmi.core.lesson_status", status));
            }
        }
        if let Some(exit) = parts.next().and_then(exit_word) {
            out.push(change("cmi.core.exit", exit));
        }
    }
    if let Some(v) = core("Score") {
        for (part, name) in v.split(',').zip(["raw", "max", "min"]) {
            if !part.trim().is_empty() {
                out.push(change(&format!("cmi.core.score.{name}"), part.trim()));
            }
        }
    }
    if let Some(v) = core("Time") {
        out.push(change("cmi.core.session_time", v));
    }
    if let Some(s) = data.section("Core_Lesson") {
        out.push(change("cmi.suspend_data", s.text.clone()));
    }
    if let Some(s) = data.section("Comments") {
        out.push(change("cmi.comments", s.text.clone()));
    }
    out.extend(objectives(data));
    out.extend(preferences(data));
    out
}

/// `[Objectives_Status]`: `J_ID.n`, `J_Score.n`, `J_Status.n` (1-based).
fn objectives(data: &AiccData) -> Vec<Change> {
    let mut out = Vec::new();
    for n in 1.. {
        let Some(id) = data.get("Objectives_Status", &format!("J_ID.{n}")) else {
            break;
        };
        let base = format!("cmi.objectives.{}", n - 1);
        out.push(change(&format!("{base}.id"), id));
        if let Some(score) = data.get("Objectives_Status", &format!("J_Score.{n}")) {
            for (part, name) in score.split(',').zip(["raw", "max", "min"]) {
                if !part.trim().is_empty() {
                    out.push(change(&format!("{base}.score.{name}"), part.trim()));
                }
            }
        }
        if let Some(status) = data
            .get("Objectives_Status", &format!("J_Status.{n}"))
            .and_then(status_word)
        {
            out.push(change(&format!("{base}.status"), status));
        }
    }
    out
}

fn preferences(data: &AiccData) -> Vec<Change> {
    ["Audio", "Language", "Speed", "Text"]
        .iter()
        .filter_map(|k| {
            let v = data.get("Student_Preferences", k)?;
            Some(change(
                &format!("cmi.student_preference.{}", k.to_ascii_lowercase()),
                v,
            ))
        })
        .collect()
}

fn entry(name: &str, value: Option<&str>) -> Option<(String, String)> {
    value.map(|v| (name.to_owned(), v.to_owned()))
}

/// The `aicc_data` an LMS returns to `GetParam` for a 1.2 state (CMI001
/// 6.4.2): `[Core]`, `[Core_Lesson]`, `[Core_Vendor]`, `[Objectives_Status]`,
/// `[Student_Data]`, `[Student_Preferences]`.
pub fn get_param_data(state: &CmiState) -> AiccData {
    let g = |k: &str| state.get(k);
    let text = |name: &str, key: &str| Section {
        name: name.into(),
        entries: Vec::new(),
        text: g(key).unwrap_or("").to_owned(),
    };
    let student_data = [
        entry("Mastery_Score", g("cmi.student_data.mastery_score")),
        entry("Max_Time_Allowed", g("cmi.student_data.max_time_allowed")),
        entry("Time_Limit_Action", g("cmi.student_data.time_limit_action")),
    ];
    let preferences = ["Audio", "Language", "Speed", "Text"].map(|k| {
        entry(
            k,
            g(&format!(
                "cmi.student_preference.{}",
                k.to_ascii_lowercase()
            )),
        )
    });
    AiccData {
        sections: vec![
            keyed("Core", core_entries(state)),
            text("Core_Lesson", "cmi.suspend_data"),
            text("Core_Vendor", "cmi.launch_data"),
            objectives_section(state),
            keyed("Student_Data", student_data.into_iter().flatten().collect()),
            keyed(
                "Student_Preferences",
                preferences.into_iter().flatten().collect(),
            ),
        ],
    }
}

fn keyed(name: &str, entries: Vec<(String, String)>) -> Section {
    Section {
        name: name.into(),
        entries,
        text: String::new(),
    }
}

/// `[Core]`: the status carries the entry flag (`incomplete,resume`), the
/// score is `raw,max,min`, the time is the total time (CMI001 6.4.2).
fn core_entries(state: &CmiState) -> Vec<(String, String)> {
    let g = |k: &str| state.get(k);
    let status = g("cmi.core.lesson_status").unwrap_or("not attempted");
    let status = match g("cmi.core.entry") {
        Some(flag @ ("resume" | "ab-initio")) => format!("{status},{flag}"),
        _ => status.to_owned(),
    };
    let score: Vec<&str> = ["raw", "max", "min"]
        .iter()
        .map(|p| g(&format!("cmi.core.score.{p}")).unwrap_or(""))
        .collect();
    let score = score.join(",").trim_end_matches(',').to_owned();
    let time = hhmmss(g("cmi.core.total_time").unwrap_or("00:00:00"));
    [
        entry("Student_ID", g("cmi.core.student_id")),
        entry("Student_Name", g("cmi.core.student_name")),
        entry(
            "Lesson_Location",
            Some(g("cmi.core.lesson_location").unwrap_or("")),
        ),
        entry("Credit", g("cmi.core.credit")),
        entry("Lesson_Status", Some(&status)),
        entry("Score", Some(&score)),
        entry("Time", Some(&time)),
        entry("Lesson_Mode", g("cmi.core.lesson_mode")),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// HACP times are `HH:MM:SS`; a CMITimespan's fraction is dropped.
fn hhmmss(timespan: &str) -> String {
    timespan.split('.').next().unwrap_or(timespan).to_owned()
}

fn objectives_section(state: &CmiState) -> Section {
    let mut entries = Vec::new();
    for i in 0..state.count("cmi.objectives") {
        let g = |f: &str| {
            state
                .get(&format!("cmi.objectives.{i}.{f}"))
                .unwrap_or("")
                .to_owned()
        };
        let n = i + 1;
        entries.push((format!("J_ID.{n}"), g("id")));
        entries.push((format!("J_Score.{n}"), g("score.raw")));
        entries.push((format!("J_Status.{n}"), g("status")));
    }
    Section {
        name: "Objectives_Status".into(),
        entries,
        text: String::new(),
    }
}

/// A complete `GetParam` response body (CMI001 6.4.2): `error=0`,
/// `error_text=Successful`, `version=4.0`, `aicc_data=` and the data.
pub fn get_param_response(state: &CmiState) -> String {
    format!(
        "error=0\r\nerror_text=Successful\r\nversion=4.0\r\naicc_data={}",
        get_param_data(state).to_text()
    )
}
