//! Learner navigation around running content, refused changes, the navigation oracle and
//! registration instances.

mod common;

use common::*;
use larch_cmi::{NavQuery, NavValidity, NavigationOracle};
use larch_runtime::{
    CommitStatus, CompletionStatus, InstancePolicy, NavigationRequest, Next, navigate,
    needs_new_instance, new_instance, progress,
};

#[test]
fn navigating_while_a_sco_runs_ends_it_with_its_last_commit() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let one = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &one,
        1,
        &[("cmi.completion_status", "completed")],
        false,
    );
    // The learner presses "next" without the SCO terminating.
    let step = navigate(&course, &mut reg, &NavigationRequest::Continue, T0 + 5_000).unwrap();
    let two = delivered(&step);
    assert_eq!(two.activity, "sco2");
    assert!(reg.sessions[&one.session].closed);
    let p = progress(&course, &reg);
    let row = p.activities.iter().find(|a| a.id == "sco1").expect("row");
    assert_eq!(row.completion_status, CompletionStatus::Completed);
    // The SCO's own Terminate arrives late: it changes nothing of the delivery.
    let late = commit(&course, &mut reg, &one, 2, &[], true);
    assert_eq!(late.status, CommitStatus::Late);
    assert_eq!(reg.current.as_deref(), Some("sco2"));
}

#[test]
fn refused_changes_come_back_with_their_codes() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    let pairs = [
        ("cmi.score.scaled", "9"),
        ("cmi.location", "ok"),
        ("cmi.learner_id", "x"),
    ];
    let r = commit(&course, &mut reg, &d, 1, &pairs, false);
    let codes: Vec<(usize, u16)> = r
        .rejected
        .iter()
        .map(|c| (c.index, c.error.code.0))
        .collect();
    assert_eq!(codes, [(0, 407), (2, 404)]);
    assert_eq!(r.transcript.len(), 1);
    assert_eq!(r.transcript[0].element, "cmi.location");
    assert_eq!(r.transcript[0].new, "ok");
}

#[test]
fn the_navigation_state_answers_request_valid() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    let nav = commit(&course, &mut reg, &d, 1, &[], false).nav;
    assert_eq!(nav.request_valid(NavQuery::Continue), NavValidity::True);
    assert_eq!(nav.request_valid(NavQuery::Previous), NavValidity::False);
    assert_eq!(
        nav.request_valid(NavQuery::Choice("sco2")),
        NavValidity::True
    );
    assert_eq!(
        nav.request_valid(NavQuery::Choice("nope")),
        NavValidity::False
    );
    let titles: Vec<&str> = nav.toc.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Two SCOs", "One", "Two"]);
}

#[test]
fn exit_all_ends_the_course_and_the_next_launch_starts_a_new_attempt() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(&course, &mut reg, &d, 1, &[("cmi.location", "here")], true);
    let step = navigate(&course, &mut reg, &NavigationRequest::ExitAll, T0 + 1).unwrap();
    assert_eq!(step.next, Next::CourseOver);
    assert!(reg.course_over);
    let again = start(&course, &mut reg, T0 + 2);
    assert!(again.new_attempt);
    assert_eq!(again.cmi.get("cmi.entry"), Some("ab-initio"));
    assert_eq!(again.cmi.get("cmi.location"), None);
    assert_eq!(reg.activities["sco1"].previous.len(), 1);
}

#[test]
fn registration_instances_follow_the_policy_and_keep_what_is_global() {
    let course = scorm2004();
    let mut reg = registration(&course);
    reg.shared_data.insert("store".into(), "kept".into());
    let d = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &d,
        1,
        &[("cmi.completion_status", "completed")],
        true,
    );
    assert!(!needs_new_instance(InstancePolicy::Never, &reg, true));
    assert!(needs_new_instance(InstancePolicy::OnNewVersion, &reg, true));
    assert!(!needs_new_instance(
        InstancePolicy::OnNewVersion,
        &reg,
        false
    ));
    let completed = InstancePolicy::OnNewVersionOrCompleted;
    assert!(!needs_new_instance(completed, &reg, false));
    let two = delivered(&navigate(&course, &mut reg, &NavigationRequest::Continue, T0).unwrap());
    commit(
        &course,
        &mut reg,
        &two,
        1,
        &[("cmi.completion_status", "completed")],
        true,
    );
    assert!(needs_new_instance(completed, &reg, false));
    let next = new_instance(&course, &reg, 2);
    assert_eq!(next.instance, 1);
    assert_eq!(next.learner, reg.learner);
    assert_eq!(
        next.shared_data.get("store").map(String::as_str),
        Some("kept")
    );
    assert!(next.sessions.is_empty());
    assert_eq!(
        progress(&course, &next).completion_status,
        CompletionStatus::Unknown
    );
}

#[test]
fn continuing_past_the_last_sco_ends_a_simple_course() {
    let course = scorm12();
    let mut reg = registration(&course);
    let a = start(&course, &mut reg, T0);
    let done = [("cmi.core.lesson_status", "completed")];
    commit(&course, &mut reg, &a, 1, &done, true);
    let b = delivered(&navigate(&course, &mut reg, &NavigationRequest::Continue, T0).unwrap());
    assert_eq!(b.activity, "b");
    let r = commit(&course, &mut reg, &b, 1, &done, true);
    assert!(!r.nav.continue_);
    assert!(r.nav.previous);
    let step = navigate(&course, &mut reg, &NavigationRequest::Continue, T0 + 1).unwrap();
    assert_eq!(step.next, Next::CourseOver);
}

#[test]
fn aicc_progress_counts_launches_and_aus() {
    let course = aicc();
    let mut reg = registration(&course);
    let first = start(&course, &mut reg, T0);
    let passed = [
        ("cmi.core.lesson_status", "passed"),
        ("cmi.core.score.raw", "88"),
    ];
    commit(&course, &mut reg, &first, 1, &passed, true);
    let p = progress(&course, &reg);
    assert_eq!(
        p.completion_status,
        CompletionStatus::Incomplete,
        "A2 is left"
    );
    assert_eq!(p.attempts, 1);
    assert_eq!(p.score.raw, Some(88.0));
    let second = start(&course, &mut reg, T0 + 10);
    assert_eq!(second.activity, "A2", "the first AU not yet done");
    commit(&course, &mut reg, &second, 1, &passed, true);
    let p = progress(&course, &reg);
    assert_eq!(p.completion_status, CompletionStatus::Completed);
    assert_eq!(p.success_status, larch_runtime::SuccessStatus::Passed);
    assert_eq!(p.attempts, 2);
}

#[test]
fn a_late_commit_after_a_newer_session_keeps_only_its_results() {
    let course = scorm12();
    let mut reg = registration(&course);
    let old = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &old,
        1,
        &[("cmi.core.lesson_location", "p1")],
        true,
    );
    let choose = NavigationRequest::Choice("a".into());
    let newer = delivered(&navigate(&course, &mut reg, &choose, T0 + 1).unwrap());
    commit(
        &course,
        &mut reg,
        &newer,
        1,
        &[("cmi.core.lesson_location", "p9")],
        false,
    );
    // The first tab's unsent commit arrives now.
    let pairs = [
        ("cmi.core.lesson_status", "passed"),
        ("cmi.core.lesson_location", "p2"),
    ];
    let late = commit(&course, &mut reg, &old, 2, &pairs, false);
    assert_eq!(late.status, CommitStatus::Late);
    let cmi = reg.activities["a"].cmi.as_ref().expect("state");
    assert_eq!(
        cmi.get("cmi.core.lesson_location"),
        Some("p9"),
        "the newer data stays"
    );
    let p = progress(&course, &reg);
    let a = p.activities.iter().find(|r| r.id == "a").expect("row");
    assert_eq!(a.success_status, larch_runtime::SuccessStatus::Passed);
}

#[test]
fn commits_of_forgotten_sessions_still_keep_their_results() {
    let course = scorm12();
    let mut reg = registration(&course);
    let first = start(&course, &mut reg, T0);
    commit(&course, &mut reg, &first, 1, &[], true);
    for n in 0..=larch_runtime::CLOSED_SESSIONS_KEPT as i64 {
        let choose = NavigationRequest::Choice("a".into());
        let d = delivered(&navigate(&course, &mut reg, &choose, T0 + n).unwrap());
        commit(&course, &mut reg, &d, 1, &[], true);
    }
    assert!(!reg.sessions.contains_key(&first.session), "forgotten");
    let done = [("cmi.core.lesson_status", "completed")];
    let late = commit(&course, &mut reg, &first, 2, &done, false);
    assert_eq!(late.status, CommitStatus::Late);
    assert!(reg.activities["a"].recorded.completed);
}
