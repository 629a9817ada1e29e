//! The runtime's rules: idempotent commits, sticky results, prerequisites, suspend and
//! resume across launches, abandoned sessions, progress per standard.

mod common;

use common::*;
use larch_runtime::{
    Commit, CommitStatus, CompletionStatus, NavigationRequest, Next, RegistrationState,
    RuntimeError, SuccessStatus, apply_commit, close_abandoned, launch, navigate, progress,
};

#[test]
fn replayed_and_stale_commits_change_nothing() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(&course, &mut reg, &d, 1, &[("cmi.location", "p1")], false);
    let second = commit(&course, &mut reg, &d, 2, &[("cmi.location", "p2")], false);
    assert_eq!(second.status, CommitStatus::Applied);
    let before = reg.clone();
    for seq in [1, 2] {
        let replay = commit(
            &course,
            &mut reg,
            &d,
            seq,
            &[("cmi.location", "old")],
            false,
        );
        assert_eq!(replay.status, CommitStatus::Duplicate);
        assert_eq!(replay.applied_seq, 2);
        assert!(replay.transcript.is_empty());
    }
    assert_eq!(reg, before, "a replayed commit changed the state");
    let cmi = reg.activities["sco1"].cmi.as_ref().expect("state");
    assert_eq!(cmi.get("cmi.location"), Some("p2"));
}

#[test]
fn commits_of_unknown_sessions_or_other_activities_are_refused() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    let mut wrong = Commit {
        session: d.session,
        seq: 1,
        activity: "sco2".into(),
        changes: Vec::new(),
        terminate: false,
        nav_request: None,
    };
    let err = apply_commit(&course, &mut reg, &wrong, T0).unwrap_err();
    assert!(matches!(err, RuntimeError::WrongActivity { .. }), "{err}");
    wrong.session = 99;
    let err = apply_commit(&course, &mut reg, &wrong, T0).unwrap_err();
    assert_eq!(err, RuntimeError::UnknownSession(99));
}

#[test]
fn a_recorded_completion_or_pass_is_never_undone() {
    let course = scorm12();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    let done = [
        ("cmi.core.lesson_status", "passed"),
        ("cmi.core.score.raw", "90"),
    ];
    commit(&course, &mut reg, &d, 1, &done, false);
    // A later commit (another tab, a confused SCO) reports less.
    commit(
        &course,
        &mut reg,
        &d,
        2,
        &[("cmi.core.lesson_status", "incomplete")],
        true,
    );
    let p = progress(&course, &reg);
    let a = p.activities.iter().find(|a| a.id == "a").expect("row");
    assert_eq!(a.completion_status, CompletionStatus::Completed);
    assert_eq!(a.success_status, SuccessStatus::Passed);
    // The recorded pass still opens B, whose prerequisite is A.
    let step = navigate(
        &course,
        &mut reg,
        &NavigationRequest::Choice("b".into()),
        T0 + 9,
    )
    .expect("navigate");
    assert_eq!(delivered(&step).activity, "b");
}

#[test]
fn a_late_commit_after_the_session_closed_keeps_its_completion() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(&course, &mut reg, &d, 1, &[("cmi.location", "p1")], false);
    close_abandoned(&course, &mut reg, d.session, T0 + 5_000).expect("close");
    let late = commit(
        &course,
        &mut reg,
        &d,
        2,
        &[("cmi.completion_status", "completed")],
        false,
    );
    assert_eq!(late.status, CommitStatus::Late);
    assert_eq!(late.applied_seq, 2);
    let p = progress(&course, &reg);
    let one = p.activities.iter().find(|a| a.id == "sco1").expect("row");
    assert_eq!(one.completion_status, CompletionStatus::Completed);
    // The next launch resumes the attempt with everything committed, the late value too.
    let again = start(&course, &mut reg, T0 + 60_000);
    assert_eq!(again.activity, "sco1");
    assert_eq!(again.cmi.get("cmi.entry"), Some("resume"));
    assert_eq!(again.cmi.get("cmi.location"), Some("p1"));
    assert_eq!(again.cmi.get("cmi.completion_status"), Some("completed"));
}

#[test]
fn a_commit_replayed_after_a_relaunch_keeps_its_score() {
    // A killed tab: its last commit waits in the browser while the learner relaunches, and
    // the next page replays it into the closed session, which is no longer the latest.
    let course = scorm12();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &d,
        1,
        &[("cmi.core.lesson_location", "p1")],
        false,
    );
    let again = delivered(&launch(&course, &mut reg, T0 + 60_000).expect("relaunch"));
    assert_eq!(again.activity, "a");
    let done = [
        ("cmi.core.score.raw", "85"),
        ("cmi.core.lesson_status", "passed"),
    ];
    let late = commit(&course, &mut reg, &d, 2, &done, false);
    assert_eq!(late.status, CommitStatus::Late);
    let p = progress(&course, &reg);
    let a = p.activities.iter().find(|a| a.id == "a").expect("row");
    assert_eq!(a.completion_status, CompletionStatus::Completed);
    assert_eq!(a.success_status, SuccessStatus::Passed);
    assert_eq!(a.score.raw, Some(85.0));
}

/// SCORM 2004 4th Ed: SCO `sco1` alone under the root.
fn scorm2004_single() -> larch_runtime::RuntimeCourse {
    let sco2 = r#"<item identifier="sco2" identifierref="r2"><title>Two</title></item>"#;
    with_pages(&MANIFEST_2004.replace(sco2, ""), &["one.html", "two.html"])
}

#[test]
fn a_scorm2004_course_completed_in_a_session_still_open_reads_completed() {
    // The tab was closed after the commit: the session stays open until the timeout.
    let course = scorm2004_single();
    let mut reg = registration(&course);
    let one = start(&course, &mut reg, T0);
    let done = [
        ("cmi.completion_status", "completed"),
        ("cmi.success_status", "passed"),
    ];
    commit(&course, &mut reg, &one, 1, &done, false);
    let p = progress(&course, &reg);
    assert_eq!(
        (p.completion_status, p.success_status),
        (CompletionStatus::Completed, SuccessStatus::Passed)
    );
}

#[test]
fn a_commit_replayed_after_a_relaunch_completes_a_scorm2004_course() {
    let course = scorm2004_single();
    let mut reg = registration(&course);
    let one = start(&course, &mut reg, T0);
    let started = [("cmi.completion_status", "incomplete")];
    commit(&course, &mut reg, &one, 1, &started, false);
    // The tab dies with the results unsent; the relaunch closes the session (its
    // "incomplete" goes to the engine) and resumes in a new one, then the new page replays
    // the old session's last commit.
    let again = start(&course, &mut reg, T0 + 60_000);
    assert_eq!(again.activity, "sco1");
    let done = [
        ("cmi.completion_status", "completed"),
        ("cmi.success_status", "passed"),
    ];
    let late = commit(&course, &mut reg, &one, 2, &done, false);
    assert_eq!(late.status, CommitStatus::Late);
    let p = progress(&course, &reg);
    assert_eq!(
        (p.completion_status, p.success_status),
        (CompletionStatus::Completed, SuccessStatus::Passed)
    );
}

#[test]
fn a_failure_once_reported_is_not_forgotten() {
    let course = scorm12();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &d,
        1,
        &[("cmi.core.lesson_location", "p1")],
        false,
    );
    start(&course, &mut reg, T0 + 60_000);
    let failed = [("cmi.core.lesson_status", "failed")];
    commit(&course, &mut reg, &d, 2, &failed, false);
    let p = progress(&course, &reg);
    let a = p.activities.iter().find(|a| a.id == "a").expect("row");
    assert_eq!(
        (a.completion_status, a.success_status),
        (CompletionStatus::Completed, SuccessStatus::Failed)
    );
}

#[test]
fn prerequisites_gate_the_simple_model() {
    let course = scorm12();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    assert_eq!(d.activity, "a");
    let nav = commit(&course, &mut reg, &d, 1, &[], false).nav;
    assert!(!nav.entry("b").expect("b").choice, "b requires a");
    assert!(!nav.continue_, "nothing after a is available");
    let r = commit(
        &course,
        &mut reg,
        &d,
        2,
        &[("cmi.core.lesson_status", "completed")],
        true,
    );
    assert_eq!(r.next, Some(Next::Menu { message: None }));
    assert!(r.nav.entry("b").expect("b").choice);
    assert!(r.nav.continue_);
    let b = delivered(&navigate(&course, &mut reg, &NavigationRequest::Continue, T0 + 9).unwrap());
    assert_eq!(b.activity, "b");
    assert_eq!(b.cmi.get("cmi.student_data.mastery_score"), Some("80"));
}

#[test]
fn aicc_prerequisites_from_the_pre_file() {
    let course = aicc();
    let mut reg = registration(&course);
    let first = start(&course, &mut reg, T0);
    assert_eq!(first.activity, "A1");
    let unfinished = [("cmi.core.lesson_status", "incomplete")];
    let r = commit(&course, &mut reg, &first, 1, &unfinished, true);
    assert!(!r.nav.entry("A2").expect("A2").choice, "A2 requires A1");
    let refused = navigate(
        &course,
        &mut reg,
        &NavigationRequest::Choice("A2".into()),
        T0 + 1,
    )
    .expect("navigate");
    assert!(
        matches!(refused.next, Next::Invalid { .. }),
        "{:?}",
        refused.next
    );
    let choose = NavigationRequest::Choice("A1".into());
    let again = delivered(&navigate(&course, &mut reg, &choose, T0 + 2).expect("navigate"));
    assert!(!again.new_attempt);
    let r = commit(
        &course,
        &mut reg,
        &again,
        1,
        &[("cmi.core.lesson_status", "passed")],
        true,
    );
    assert!(r.nav.entry("A2").expect("A2").choice);
}

#[test]
fn suspend_all_then_resume_all_across_launches() {
    let course = scorm2004();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    let data = [("cmi.location", "page 7"), ("cmi.suspend_data", "xyz")];
    commit(&course, &mut reg, &d, 1, &data, false);
    let leave = Commit {
        session: d.session,
        seq: 2,
        activity: d.activity.clone(),
        changes: changes(&[("cmi.exit", "suspend")]),
        terminate: true,
        nav_request: Some(NavigationRequest::SuspendAll),
    };
    let r = apply_commit(&course, &mut reg, &leave, T0 + 2_000).expect("commit");
    assert_eq!(r.next, Some(Next::CourseOver));
    // The server stores the state as one blob and reads it back.
    let json = serde_json::to_string(&reg).expect("serializes");
    let mut reg: RegistrationState = serde_json::from_str(&json).expect("deserializes");
    let again = start(&course, &mut reg, T0 + 86_400_000);
    assert_eq!(again.activity, "sco1");
    assert!(!again.new_attempt);
    assert_eq!(again.cmi.get("cmi.entry"), Some("resume"));
    assert_eq!(again.cmi.get("cmi.suspend_data"), Some("xyz"));
    assert_eq!(again.cmi.get("cmi.location"), Some("page 7"));
}

#[test]
fn a_relaunch_closes_the_abandoned_session_with_its_last_commit() {
    let course = scorm12();
    let mut reg = registration(&course);
    let d = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &d,
        1,
        &[("cmi.core.lesson_location", "s3")],
        false,
    );
    commit(
        &course,
        &mut reg,
        &d,
        2,
        &[("cmi.core.session_time", "00:05:00")],
        false,
    );
    // The tab was closed: no LMSFinish. The next launch finds the session open.
    let again = delivered(&launch(&course, &mut reg, T0 + 3_600_000).expect("launch"));
    assert!(reg.sessions[&d.session].closed);
    assert_eq!(again.activity, "a");
    assert_eq!(again.cmi.get("cmi.core.entry"), Some("resume"));
    assert_eq!(again.cmi.get("cmi.core.lesson_location"), Some("s3"));
    assert_eq!(again.cmi.get("cmi.core.total_time"), Some("0000:05:00.00"));
    assert_eq!(progress(&course, &reg).total_time, "PT0H5M0S");
}

#[test]
fn progress_rolls_up_per_standard() {
    // SCORM 2004: the engine's rollup of the root.
    let course = scorm2004();
    let mut reg = registration(&course);
    let one = start(&course, &mut reg, T0);
    let pass = [
        ("cmi.completion_status", "completed"),
        ("cmi.success_status", "passed"),
        ("cmi.score.scaled", "0.8"),
        ("adl.nav.request", "continue"),
    ];
    let r = commit(&course, &mut reg, &one, 1, &pass, true);
    let two = r
        .next
        .as_ref()
        .and_then(Next::delivery)
        .expect("sco2")
        .clone();
    assert_eq!(
        progress(&course, &reg).completion_status,
        CompletionStatus::Incomplete
    );
    let pass2 = [pass[0], pass[1], ("cmi.score.scaled", "0.6")];
    commit(&course, &mut reg, &two, 1, &pass2, true);
    let p = progress(&course, &reg);
    assert_eq!(p.completion_status, CompletionStatus::Completed);
    assert_eq!(p.success_status, SuccessStatus::Passed);
    assert_eq!(p.score.scaled, Some(0.7));
    assert_eq!(p.activities.len(), 3);
    // SCORM 1.2: the SCOs' lesson statuses; B is judged against its mastery score.
    let course = scorm12();
    let mut reg = registration(&course);
    let a = start(&course, &mut reg, T0);
    commit(
        &course,
        &mut reg,
        &a,
        1,
        &[("cmi.core.lesson_status", "completed")],
        true,
    );
    let p = progress(&course, &reg);
    assert_eq!(p.completion_status, CompletionStatus::Incomplete);
    let b = delivered(&navigate(&course, &mut reg, &NavigationRequest::Continue, T0).unwrap());
    let score = [
        ("cmi.core.score.raw", "50"),
        ("cmi.core.lesson_status", "completed"),
    ];
    commit(&course, &mut reg, &b, 1, &score, true);
    let p = progress(&course, &reg);
    assert_eq!(p.completion_status, CompletionStatus::Completed);
    assert_eq!(p.success_status, SuccessStatus::Failed, "50 < mastery 80");
    assert_eq!(p.score.raw, Some(50.0));
    assert_eq!(p.attempts, 1);
}
