//! Table tests: every SCORM 1.2 element (RTE 1.2 3.4), valid and invalid
//! values with the expected error code, in strict and forgiving mode.

mod common;

use common::{run_get_table, run_set_table, running};
use larch_cmi::schema::Schema;
use larch_cmi::{RuntimeConfig, ScormVersion, WarningKind};

const V12: ScormVersion = ScormVersion::Scorm12;

const SET_ROWS: &[(&str, &str, u16)] = &[
    ("cmi.core.student_id", "x", 403),
    ("cmi.core.student_name", "x", 403),
    ("cmi.core.lesson_location", "page-7", 0),
    ("cmi.core.credit", "credit", 403),
    ("cmi.core.lesson_status", "incomplete", 0),
    ("cmi.core.lesson_status", "not attempted", 405),
    ("cmi.core.lesson_status", "done", 405),
    ("cmi.core.entry", "resume", 403),
    ("cmi.core.score.raw", "85", 0),
    ("cmi.core.score.raw", "101", 405),
    ("cmi.core.score.raw", "eighty", 405),
    ("cmi.core.score.max", "100", 0),
    ("cmi.core.score.min", "", 0),
    ("cmi.core.total_time", "00:01:00", 403),
    ("cmi.core.lesson_mode", "normal", 403),
    ("cmi.core.exit", "suspend", 0),
    ("cmi.core.exit", "normal", 405),
    ("cmi.core.session_time", "0000:10:00.5", 0),
    ("cmi.core.session_time", "00:61:00", 405),
    ("cmi.suspend_data", "a=1;b=2", 0),
    ("cmi.launch_data", "x", 403),
    ("cmi.comments", "Nice", 0),
    ("cmi.comments_from_lms", "x", 403),
    ("cmi.objectives.1.id", "skip", 201),
    ("cmi.objectives.0.id", "obj 1", 405),
    ("cmi.objectives.0.id", "obj1", 0),
    ("cmi.objectives.0.score.raw", "50", 0),
    ("cmi.objectives.0.score.max", "100", 0),
    ("cmi.objectives.0.score.min", "0", 0),
    ("cmi.objectives.0.status", "not attempted", 0),
    ("cmi.objectives.0.status", "passed", 0),
    ("cmi.objectives.0.status", "won", 405),
    ("cmi.student_data.mastery_score", "50", 403),
    ("cmi.student_data.max_time_allowed", "01:00:00", 403),
    ("cmi.student_data.time_limit_action", "exit,message", 403),
    ("cmi.student_preference.audio", "-1", 0),
    ("cmi.student_preference.audio", "101", 405),
    ("cmi.student_preference.language", "fr", 0),
    ("cmi.student_preference.speed", "-100", 0),
    ("cmi.student_preference.speed", "-101", 405),
    ("cmi.student_preference.text", "1", 0),
    ("cmi.student_preference.text", "2", 405),
    ("cmi.interactions.0.id", "q1", 0),
    ("cmi.interactions.0.objectives.0.id", "obj1", 0),
    ("cmi.interactions.0.time", "12:30:00", 0),
    ("cmi.interactions.0.time", "25:00:00", 405),
    ("cmi.interactions.0.type", "choice", 0),
    ("cmi.interactions.0.type", "other", 405),
    ("cmi.interactions.0.correct_responses.0.pattern", "a,b", 0),
    ("cmi.interactions.0.weighting", "1", 0),
    ("cmi.interactions.0.weighting", "one", 405),
    ("cmi.interactions.0.student_response", "{a,c}", 0),
    ("cmi.interactions.0.result", "wrong", 0),
    ("cmi.interactions.0.result", "0.5", 0),
    ("cmi.interactions.0.result", "incorrect", 405),
    ("cmi.interactions.0.latency", "00:00:05", 0),
    ("cmi._version", "4.0", 402),
    ("cmi.core._children", "x", 402),
    ("cmi.interactions._count", "3", 402),
    ("cmi.core.unknown", "x", 201),
    ("", "x", 201),
];

const GET_ROWS: &[(&str, &str, u16)] = &[
    ("cmi._version", "3.4", 0),
    (
        "cmi.core._children",
        "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
        0,
    ),
    ("cmi.core.score._children", "raw,min,max", 0),
    ("cmi.core.lesson_location._children", "", 202),
    ("cmi.core._count", "", 203),
    ("cmi.objectives._count", "1", 0),
    ("cmi.objectives.0.score._children", "raw,min,max", 0),
    ("cmi.objectives.3.id", "", 201),
    ("cmi.interactions._count", "1", 0),
    ("cmi.interactions.0.objectives._count", "1", 0),
    ("cmi.interactions.0.id", "", 404),
    ("cmi.core.exit", "", 404),
    ("cmi.core.session_time", "", 404),
    ("cmi.core.lesson_status", "incomplete", 0),
    ("cmi.core.entry", "ab-initio", 0),
    ("cmi.core.credit", "credit", 0),
    ("cmi.core.lesson_mode", "normal", 0),
    ("cmi.core.student_id", "learner-42", 0),
    ("cmi.core.total_time", "0000:00:00.00", 0),
    ("cmi.core.score.min", "", 0),
    ("cmi.student_data.mastery_score", "80", 0),
    ("cmi.student_data.time_limit_action", "exit,message", 0),
    ("cmi.launch_data", "chapter=2", 0),
    ("cmi.comments_from_lms", "Welcome", 0),
    ("cmi.core.nothing", "", 201),
    ("", "", 201),
];

#[test]
fn every_element_strict() {
    let mut api = running(V12, RuntimeConfig::strict());
    run_set_table(&mut api, SET_ROWS, "1.2 set");
    run_get_table(&mut api, GET_ROWS, "1.2 get");
}

#[test]
fn the_table_covers_every_element() {
    for def in Schema::for_version(V12).elements() {
        let covered = SET_ROWS.iter().any(|(e, _, _)| {
            let (a, b): (Vec<&str>, Vec<&str>) =
                (e.split('.').collect(), def.name.split('.').collect());
            a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x == y || *y == "n")
        });
        assert!(covered, "no table row for {}", def.name);
    }
}

/// Forgiving mode (docs/cmi-forgiving-mode.md): over-long strings, case of
/// vocabulary, white space around numbers, free-form student_response and
/// ISO 8601 session times are accepted with a warning; strict mode refuses them.
#[test]
fn forgiving_leniencies_and_their_strict_codes() {
    let cases: &[(&str, String, WarningKind, &str)] = &[
        (
            "cmi.suspend_data",
            "x".repeat(5000),
            WarningKind::OverLongKept,
            "",
        ),
        (
            "cmi.core.lesson_location",
            "y".repeat(300),
            WarningKind::OverLongKept,
            "",
        ),
        (
            "cmi.core.lesson_status",
            "Completed".into(),
            WarningKind::VocabularyCase,
            "completed",
        ),
        (
            "cmi.core.score.raw",
            " 85 ".into(),
            WarningKind::NumberWhitespace,
            "85",
        ),
        (
            "cmi.core.session_time",
            "PT1M30S".into(),
            WarningKind::LooseTimespan,
            "",
        ),
        (
            "cmi.interactions.0.student_response",
            "The answer is B".into(),
            WarningKind::LooseFeedback,
            "",
        ),
    ];
    let mut strict = running(V12, RuntimeConfig::strict());
    let mut lenient = running(V12, RuntimeConfig::default());
    for api in [&mut strict, &mut lenient] {
        assert_eq!(api.set_value("cmi.interactions.0.id", "q1"), "true");
        assert_eq!(api.set_value("cmi.interactions.0.type", "choice"), "true");
        api.take_transcript();
    }
    for (element, value, kind, stored) in cases {
        assert_eq!(
            strict.set_value(element, value),
            "false",
            "strict {element}"
        );
        assert_eq!(strict.get_last_error(), "405");
        assert_eq!(
            lenient.set_value(element, value),
            "true",
            "forgiving {element}"
        );
        let entry = lenient.take_transcript().pop().expect("transcript entry");
        assert_eq!(entry.warnings[0].kind, *kind, "{element}");
        if !stored.is_empty() {
            assert_eq!(entry.new, *stored);
        }
    }
    assert_eq!(lenient.get_value("cmi.core.session_time"), "");
    assert_eq!(
        lenient.get_last_error(),
        "404",
        "leniency never changes access rules"
    );
    let limit = RuntimeConfig::default().forgiving_max_len;
    assert_eq!(
        lenient.set_value("cmi.suspend_data", &"z".repeat(limit + 1)),
        "false"
    );
}
