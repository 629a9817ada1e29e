//! API instance states (2004 RTE 3.1.6, 1.2 RTE 3.3.2), session outcomes,
//! status evaluation, total time accumulation and resume.

#[expect(
    dead_code,
    reason = "the table helpers of the shared test module are used by the element tests only"
)]
mod common;

use common::{launch, running};
use larch_cmi::{
    ApiInstance, Completion, Credit, Exit, LaunchData, Mode, NavRequest, Prior, RuntimeConfig,
    ScormVersion, Success, initial_state,
};

fn fresh(version: ScormVersion) -> ApiInstance {
    ApiInstance::new(
        initial_state(version, &launch(), Prior::NewAttempt),
        RuntimeConfig::strict(),
    )
}

fn code(api: &ApiInstance) -> String {
    api.get_last_error()
}

#[test]
fn scorm2004_state_machine_codes() {
    let mut api = fresh(ScormVersion::SCORM2004_4TH);
    assert_eq!(
        (api.get_value("cmi.location"), code(&api)),
        (String::new(), "122".into())
    );
    assert_eq!(
        (api.set_value("cmi.location", "x"), code(&api)),
        ("false", "132".into())
    );
    assert_eq!((api.commit(""), code(&api)), ("false", "142".into()));
    assert_eq!((api.terminate(""), code(&api)), ("false", "112".into()));
    assert_eq!((api.initialize("x"), code(&api)), ("false", "201".into()));
    assert_eq!(api.get_error_string("201"), "General Argument Error");
    assert_eq!((api.initialize(""), code(&api)), ("true", "0".into()));
    assert_eq!((api.initialize(""), code(&api)), ("false", "103".into()));
    assert_eq!((api.commit("x"), code(&api)), ("false", "201".into()));
    assert_eq!((api.commit(""), code(&api)), ("true", "0".into()));
    assert_eq!((api.terminate(""), code(&api)), ("true", "0".into()));
    assert_eq!((api.terminate(""), code(&api)), ("false", "113".into()));
    assert_eq!(
        (api.get_value("cmi.location"), code(&api)),
        (String::new(), "123".into())
    );
    assert_eq!(
        (api.set_value("cmi.location", "x"), code(&api)),
        ("false", "133".into())
    );
    assert_eq!((api.commit(""), code(&api)), ("false", "143".into()));
    assert_eq!((api.initialize(""), code(&api)), ("false", "104".into()));
    assert_eq!(api.get_error_string("1444"), "");
    assert_eq!(api.get_error_string("001"), "");
    assert!(api.get_diagnostic("").len() < 255);
}

#[test]
fn scorm12_state_machine_codes() {
    let mut api = fresh(ScormVersion::Scorm12);
    assert_eq!(
        (api.get_value("cmi.core.lesson_location"), code(&api)),
        (String::new(), "301".into())
    );
    assert_eq!(api.get_error_string("301"), "Not initialized");
    assert_eq!((api.lms_finish(""), code(&api)), ("false", "301".into()));
    assert_eq!(
        (api.lms_initialize("x"), code(&api)),
        ("false", "201".into())
    );
    assert_eq!((api.lms_initialize(""), code(&api)), ("true", "0".into()));
    assert_eq!(
        (api.lms_initialize(""), code(&api)),
        ("false", "101".into())
    );
    assert_eq!((api.lms_finish(""), code(&api)), ("true", "0".into()));
    assert_eq!(
        (api.set_value("cmi.core.lesson_location", "x"), code(&api)),
        ("false", "301".into())
    );
    assert_eq!(api.get_error_string("405"), "Incorrect data type");
}

#[test]
fn scorm2004_session_outcome_and_resume() {
    let mut api = running(ScormVersion::SCORM2004_4TH, RuntimeConfig::strict());
    for (e, v) in [
        ("cmi.session_time", "PT10M"),
        ("cmi.progress_measure", "0.5"),
        ("cmi.score.scaled", "0.9"),
        ("cmi.score.raw", "90"),
        ("cmi.location", "p5"),
        ("cmi.exit", "suspend"),
        ("cmi.interactions.0.id", "q1"),
        ("cmi.interactions.0.type", "true-false"),
        ("cmi.interactions.0.learner_response", "true"),
        ("cmi.objectives.0.success_status", "passed"),
    ] {
        assert_eq!(api.set_value(e, v), "true", "{e}");
    }
    assert_eq!(api.terminate(""), "true");
    let out = api.outcome().expect("outcome").clone();
    assert_eq!(
        (out.completion, out.success),
        (Completion::Incomplete, Success::Passed)
    );
    assert_eq!((out.exit, out.suspended), (Exit::Suspend, true));
    assert_eq!(
        (out.session_time_cs, out.total_time_cs),
        (Some(60_000), 60_000)
    );
    assert_eq!(out.score.raw, Some(90.0));
    assert_eq!(
        out.interactions[0].learner_response.as_deref(),
        Some("true")
    );
    assert_eq!(out.objectives[0].success, Success::Passed);

    let state = api.state().clone();
    let mut next = ApiInstance::new(
        initial_state(
            ScormVersion::SCORM2004_4TH,
            &launch(),
            Prior::Resume(Box::new(state)),
        ),
        RuntimeConfig::strict(),
    );
    next.initialize("");
    assert_eq!(next.get_value("cmi.entry"), "resume");
    assert_eq!(next.get_value("cmi.total_time"), "PT0H10M0S");
    assert_eq!(next.get_value("cmi.location"), "p5");
    assert_eq!(next.get_value("cmi.objectives._count"), "1");
    assert_eq!(next.set_value("cmi.session_time", "PT5M"), "true");
    assert_eq!(next.set_value("adl.nav.request", "suspendAll"), "true");
    next.terminate("");
    let out = next.outcome().expect("outcome");
    assert_eq!((out.total_time_cs, out.suspended), (90_000, true));
    assert_eq!(out.nav_request, Some(NavRequest::SuspendAll));
}

fn run12(launch: &LaunchData, sets: &[(&str, &str)]) -> larch_cmi::RuntimeOutcome {
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::Scorm12, launch, Prior::NewAttempt),
        RuntimeConfig::strict(),
    );
    api.lms_initialize("");
    for (e, v) in sets {
        assert_eq!(api.set_value(e, v), "true", "{e}");
    }
    api.lms_finish("");
    api.outcome().expect("outcome").clone()
}

/// RTE 1.2 3.4.4 cmi.core.lesson_status with mastery_score and credit.
#[test]
fn scorm12_lesson_status_rules() {
    let l = launch();
    let passed = run12(
        &l,
        &[
            ("cmi.core.score.raw", "85"),
            ("cmi.core.lesson_status", "completed"),
        ],
    );
    assert_eq!(passed.lesson_status.as_deref(), Some("passed"));
    assert_eq!(
        (passed.completion, passed.success),
        (Completion::Completed, Success::Passed)
    );
    let failed = run12(&l, &[("cmi.core.score.raw", "79.5")]);
    assert_eq!(failed.lesson_status.as_deref(), Some("failed"));
    let no_credit = LaunchData {
        credit: Credit::NoCredit,
        ..launch()
    };
    let kept = run12(
        &no_credit,
        &[
            ("cmi.core.score.raw", "10"),
            ("cmi.core.lesson_status", "incomplete"),
        ],
    );
    assert_eq!(kept.lesson_status.as_deref(), Some("incomplete"));
    let untouched = run12(
        &LaunchData {
            mastery_score: None,
            ..launch()
        },
        &[],
    );
    assert_eq!(untouched.lesson_status.as_deref(), Some("completed"));
    let browsed = run12(
        &LaunchData {
            mode: Mode::Browse,
            ..launch()
        },
        &[],
    );
    assert_eq!(browsed.lesson_status.as_deref(), Some("browsed"));
}

#[test]
fn scorm12_total_time_and_relaunch() {
    let mut api = running(ScormVersion::Scorm12, RuntimeConfig::strict());
    api.set_value("cmi.core.session_time", "01:30:00");
    api.set_value("cmi.core.exit", "suspend");
    api.lms_finish("");
    assert_eq!(
        api.state().get("cmi.core.total_time"),
        Some("0001:30:00.00")
    );
    let prior = Prior::Resume(Box::new(api.state().clone()));
    let mut next = ApiInstance::new(
        initial_state(ScormVersion::Scorm12, &launch(), prior),
        RuntimeConfig::strict(),
    );
    next.lms_initialize("");
    assert_eq!(next.get_value("cmi.core.entry"), "resume");
    next.set_value("cmi.core.session_time", "00:45:00.5");
    next.lms_finish("");
    let prior = Prior::Continue(Box::new(next.state().clone()));
    let mut third = ApiInstance::new(
        initial_state(ScormVersion::Scorm12, &launch(), prior),
        RuntimeConfig::strict(),
    );
    third.lms_initialize("");
    assert_eq!(third.get_value("cmi.core.entry"), "");
    assert_eq!(third.get_value("cmi.core.total_time"), "0002:15:00.50");
}
