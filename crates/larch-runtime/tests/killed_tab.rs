//! Rule 3 after a killed tab: the next launch opens a new session before the new page sends
//! what the dead tab kept (its journal). While that new session has run no content — still
//! open, nothing committed, the same attempt — the late commit is the attempt's latest data:
//! it is applied (every value, not only results) and the unused session is marked stale, so
//! the player's `state` delivers anew with the values.

#[expect(dead_code, reason = "shared with the other runtime tests")]
mod common;

use common::*;
use larch_runtime::CommitStatus;

#[test]
fn a_killed_tabs_values_reach_the_attempt_its_relaunch_resumes_scorm12() {
    let course = scorm12();
    let mut reg = registration(&course);
    let dead = start(&course, &mut reg, T0);
    let unused = start(&course, &mut reg, T0 + 60_000);
    let kept = [
        ("cmi.suspend_data", "page=3"),
        ("cmi.core.lesson_location", "3"),
    ];
    let late = commit(&course, &mut reg, &dead, 1, &kept, false);
    assert_eq!(late.status, CommitStatus::Late);
    assert!(
        reg.sessions[&unused.session].stale,
        "its delivery is out of date"
    );
    let again = start(&course, &mut reg, T0 + 61_000);
    assert_eq!(again.cmi.get("cmi.suspend_data"), Some("page=3"));
    assert_eq!(again.cmi.get("cmi.core.lesson_location"), Some("3"));
}

#[test]
fn a_killed_tabs_values_reach_the_attempt_its_relaunch_resumes_scorm2004() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let dead = start(&course, &mut reg, T0);
    commit(&course, &mut reg, &dead, 1, &[("cmi.location", "1")], false);
    let unused = start(&course, &mut reg, T0 + 60_000);
    let kept = [
        ("cmi.suspend_data", "page=3"),
        ("cmi.location", "3"),
        ("cmi.interactions.0.id", "q1"),
        ("cmi.interactions.0.type", "choice"),
        ("cmi.interactions.0.learner_response", "b"),
    ];
    let late = commit(&course, &mut reg, &dead, 2, &kept, false);
    assert_eq!(late.status, CommitStatus::Late);
    assert!(late.rejected.is_empty(), "{:?}", late.rejected);
    assert!(reg.sessions[&unused.session].stale);
    let again = start(&course, &mut reg, T0 + 61_000);
    assert_eq!(again.cmi.get("cmi.entry"), Some("resume"));
    for (element, value) in kept {
        assert_eq!(again.cmi.get(element), Some(value), "{element}");
    }
}

#[test]
fn once_the_new_session_committed_a_late_commit_keeps_only_its_results() {
    let course = scorm12();
    let mut reg = registration(&course);
    let dead = start(&course, &mut reg, T0);
    let newer = start(&course, &mut reg, T0 + 60_000);
    commit(
        &course,
        &mut reg,
        &newer,
        1,
        &[("cmi.suspend_data", "new")],
        false,
    );
    let kept = [
        ("cmi.suspend_data", "old"),
        ("cmi.core.lesson_status", "passed"),
    ];
    let late = commit(&course, &mut reg, &dead, 1, &kept, false);
    assert_eq!(late.status, CommitStatus::Late);
    assert!(!reg.sessions[&newer.session].stale);
    let cmi = reg.activities["a"].cmi.as_ref().expect("state");
    assert_eq!(
        cmi.get("cmi.suspend_data"),
        Some("new"),
        "the newer data stays"
    );
    assert!(reg.activities["a"].recorded.completed, "the result is kept");
}
