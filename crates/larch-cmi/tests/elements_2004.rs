//! Table tests: every SCORM 2004 element, valid and invalid values with the
//! expected error code (RTE 4.2–4.4), for each edition.

mod common;

use common::{run_get_table, run_set_table, running};
use larch_cmi::schema::Schema;
use larch_cmi::{Edition, RuntimeConfig, ScormVersion};

const EDITIONS: [Edition; 3] = [Edition::Second, Edition::Third, Edition::Fourth];

/// Rows valid in every edition, in an order that builds the records they need.
const SET_ROWS: &[(&str, &str, u16)] = &[
    // 4.2.2 comments_from_learner
    (
        "cmi.comments_from_learner.0.comment",
        "{lang=en}Nice course",
        0,
    ),
    (
        "cmi.comments_from_learner.0.comment",
        "{lang=zz}bad language",
        406,
    ),
    ("cmi.comments_from_learner.0.location", "page-3", 0),
    (
        "cmi.comments_from_learner.0.timestamp",
        "2024-05-01T10:20:30.5Z",
        0,
    ),
    ("cmi.comments_from_learner.0.timestamp", "2024-13-01", 406),
    (
        "cmi.comments_from_learner.0.timestamp",
        "2024-05-01T10:20:30Z",
        406,
    ),
    ("cmi.comments_from_learner.2.comment", "skips a record", 351),
    // 4.2.3 comments_from_lms (read-only)
    ("cmi.comments_from_lms.0.comment", "x", 404),
    ("cmi.comments_from_lms.0.location", "x", 404),
    ("cmi.comments_from_lms.0.timestamp", "2024", 404),
    // 4.2.4 – 4.2.8
    ("cmi.completion_status", "incomplete", 0),
    ("cmi.completion_status", "done", 406),
    ("cmi.completion_status", "Completed", 406),
    ("cmi.completion_threshold", "0.5", 404),
    ("cmi.credit", "credit", 404),
    ("cmi.entry", "resume", 404),
    ("cmi.exit", "suspend", 0),
    ("cmi.exit", "quit", 406),
    // 4.2.9 interactions
    ("cmi.interactions.0.type", "choice", 408),
    ("cmi.interactions.1.id", "q2", 351),
    ("cmi.interactions.0.objectives.0.id", "obj", 408),
    ("cmi.interactions.0.id", "", 406),
    ("cmi.interactions.0.id", "has space", 406),
    ("cmi.interactions.0.id", "urn:", 406),
    ("cmi.interactions.0.id", "urn:larch:q1", 0),
    ("cmi.interactions.0.learner_response", "a", 408),
    ("cmi.interactions.0.correct_responses.0.pattern", "a", 408),
    ("cmi.interactions.0.type", "essay", 406),
    ("cmi.interactions.0.type", "choice", 0),
    ("cmi.interactions.0.objectives.0.id", "obj-1", 0),
    ("cmi.interactions.0.objectives.1.id", "obj-1", 351),
    ("cmi.interactions.0.objectives.1.id", "obj-2", 0),
    ("cmi.interactions.0.timestamp", "2024-05-01T10:20", 0),
    ("cmi.interactions.0.timestamp", "yesterday", 406),
    ("cmi.interactions.0.correct_responses.0.pattern", "a[,]b", 0),
    (
        "cmi.interactions.0.correct_responses.1.pattern",
        "a[,]b",
        351,
    ),
    (
        "cmi.interactions.0.correct_responses.1.pattern",
        "a[,]a",
        406,
    ),
    ("cmi.interactions.0.correct_responses.1.pattern", "c", 0),
    ("cmi.interactions.0.weighting", "1.5", 0),
    ("cmi.interactions.0.weighting", "heavy", 406),
    ("cmi.interactions.0.learner_response", "a[,]c", 0),
    ("cmi.interactions.0.learner_response", "a[,]a", 406),
    ("cmi.interactions.0.result", "incorrect", 0),
    ("cmi.interactions.0.result", "0.25", 0),
    ("cmi.interactions.0.result", "wrong", 406),
    ("cmi.interactions.0.latency", "PT5.5S", 0),
    ("cmi.interactions.0.latency", "5s", 406),
    ("cmi.interactions.0.description", "{lang=fr}Question un", 0),
    ("cmi.interactions.1.id", "q2", 0),
    ("cmi.interactions.1.type", "true-false", 0),
    ("cmi.interactions.1.correct_responses.0.pattern", "true", 0),
    (
        "cmi.interactions.1.correct_responses.1.pattern",
        "false",
        351,
    ),
    ("cmi.interactions.1.learner_response", "t", 406),
    ("cmi.interactions.1.learner_response", "false", 0),
    ("cmi.interactions.2.id", "q3", 0),
    ("cmi.interactions.2.type", "numeric", 0),
    ("cmi.interactions.2.correct_responses.0.pattern", "1[:]5", 0),
    (
        "cmi.interactions.2.correct_responses.0.pattern",
        "5[:]1",
        406,
    ),
    ("cmi.interactions.2.learner_response", "3.5", 0),
    ("cmi.interactions.2.learner_response", "three", 406),
    ("cmi.interactions.3.id", "q4", 0),
    ("cmi.interactions.3.type", "fill-in", 0),
    (
        "cmi.interactions.3.correct_responses.0.pattern",
        "{case_matters=true}{order_matters=false}{lang=de}Haus[,]Hof",
        0,
    ),
    (
        "cmi.interactions.3.correct_responses.0.pattern",
        "{case_matters=maybe}Haus",
        406,
    ),
    ("cmi.interactions.3.learner_response", "{lang=de}haus", 0),
    ("cmi.interactions.4.id", "q5", 0),
    ("cmi.interactions.4.type", "matching", 0),
    (
        "cmi.interactions.4.correct_responses.0.pattern",
        "1[.]a[,]2[.]b",
        0,
    ),
    ("cmi.interactions.4.learner_response", "1[.]", 406),
    ("cmi.interactions.5.id", "q6", 0),
    ("cmi.interactions.5.type", "performance", 0),
    (
        "cmi.interactions.5.correct_responses.0.pattern",
        "{order_matters=false}step1[.]10[:]20[,][.]done",
        0,
    ),
    ("cmi.interactions.5.learner_response", "step1[.]15", 0),
    ("cmi.interactions.5.learner_response", "[.]", 406),
    ("cmi.interactions.6.id", "q7", 0),
    ("cmi.interactions.6.type", "sequencing", 0),
    (
        "cmi.interactions.6.correct_responses.0.pattern",
        "c[,]a[,]b",
        0,
    ),
    ("cmi.interactions.6.learner_response", "", 406),
    ("cmi.interactions.7.id", "q8", 0),
    ("cmi.interactions.7.type", "likert", 0),
    ("cmi.interactions.7.learner_response", "agree", 0),
    ("cmi.interactions.7.learner_response", "a[,]b", 406),
    ("cmi.interactions.8.id", "q9", 0),
    ("cmi.interactions.8.type", "long-fill-in", 0),
    (
        "cmi.interactions.8.correct_responses.0.pattern",
        "{case_matters=false}{lang=en}An essay",
        0,
    ),
    (
        "cmi.interactions.8.learner_response",
        "{lang=en}My essay",
        0,
    ),
    ("cmi.interactions.9.id", "q10", 0),
    ("cmi.interactions.9.type", "other", 0),
    (
        "cmi.interactions.9.learner_response",
        "anything {at} all [,]",
        0,
    ),
    // 4.2.10 – 4.2.16
    ("cmi.launch_data", "x", 404),
    ("cmi.learner_id", "x", 404),
    ("cmi.learner_name", "x", 404),
    ("cmi.learner_preference.audio_level", "0.5", 0),
    ("cmi.learner_preference.audio_level", "-1", 407),
    ("cmi.learner_preference.audio_level", "loud", 406),
    ("cmi.learner_preference.language", "fr-CA", 0),
    ("cmi.learner_preference.language", "klingon", 406),
    ("cmi.learner_preference.language", "", 0),
    ("cmi.learner_preference.delivery_speed", "2", 0),
    ("cmi.learner_preference.delivery_speed", "-2", 407),
    ("cmi.learner_preference.audio_captioning", "-1", 0),
    ("cmi.learner_preference.audio_captioning", "2", 406),
    ("cmi.location", "chapter-2/page-7", 0),
    ("cmi.max_time_allowed", "PT1H", 404),
    ("cmi.mode", "review", 404),
    // 4.2.17 objectives (manifest-obj is record 0)
    ("cmi.objectives.1.score.raw", "10", 408),
    ("cmi.objectives.1.id", "manifest-obj", 351),
    ("cmi.objectives.0.id", "renamed", 351),
    ("cmi.objectives.1.id", "urn:larch:o2", 0),
    ("cmi.objectives.1.score.scaled", "0.5", 0),
    ("cmi.objectives.1.score.scaled", "1.5", 407),
    ("cmi.objectives.1.score.raw", "10", 0),
    ("cmi.objectives.1.score.min", "0", 0),
    ("cmi.objectives.1.score.max", "twenty", 406),
    ("cmi.objectives.1.success_status", "passed", 0),
    ("cmi.objectives.1.success_status", "won", 406),
    ("cmi.objectives.1.completion_status", "completed", 0),
    ("cmi.objectives.1.progress_measure", "0.5", 0),
    ("cmi.objectives.1.progress_measure", "2", 407),
    (
        "cmi.objectives.1.description",
        "{lang=en}Second objective",
        0,
    ),
    // 4.2.18 – 4.2.26
    ("cmi.progress_measure", "1", 0),
    ("cmi.progress_measure", "1.1", 407),
    ("cmi.scaled_passing_score", "0.5", 404),
    ("cmi.score.scaled", "-1", 0),
    ("cmi.score.scaled", "-1.01", 407),
    ("cmi.score.raw", "85", 0),
    ("cmi.score.min", "0", 0),
    ("cmi.score.max", "1e2", 406),
    ("cmi.session_time", "PT1H2M3.04S", 0),
    ("cmi.session_time", "1:00:00", 406),
    ("cmi.success_status", "failed", 0),
    ("cmi.suspend_data", "state=1;page=7", 0),
    ("cmi.time_limit_action", "exit,message", 404),
    ("cmi.total_time", "PT1H", 404),
    // 4.4 navigation
    ("adl.nav.request", "continue", 0),
    ("adl.nav.request", "{target=intro}choice", 0),
    ("adl.nav.request", "{target=bad id}choice", 406),
    ("adl.nav.request", "fly", 406),
    ("adl.nav.request_valid.continue", "true", 404),
    // keywords and unknown names
    ("cmi._version", "2.0", 404),
    ("cmi.interactions._count", "3", 404),
    ("cmi.score._children", "x", 404),
    ("cmi.unknown", "x", 401),
    ("", "x", 351),
];

const GET_ROWS: &[(&str, &str, u16)] = &[
    ("cmi._version", "1.0", 0),
    ("cmi.exit", "", 405),
    ("cmi.session_time", "", 405),
    ("cmi.score", "", 401),
    ("cmi.location._children", "", 301),
    ("cmi.location._count", "", 301),
    ("cmi.nothing._count", "", 401),
    ("cmi.score._children", "scaled,raw,min,max", 0),
    ("cmi.interactions._count", "10", 0),
    ("cmi.interactions.0.objectives._count", "2", 0),
    ("cmi.interactions.0.correct_responses._count", "2", 0),
    ("cmi.interactions.10.id", "", 301),
    ("cmi.interactions.0.id", "urn:larch:q1", 0),
    ("cmi.comments_from_lms._count", "1", 0),
    ("cmi.comments_from_lms.0.comment", "Welcome", 0),
    ("cmi.comments_from_lms.0.timestamp", "", 403),
    ("cmi.objectives._count", "2", 0),
    ("cmi.objectives.0.id", "manifest-obj", 0),
    ("cmi.objectives.0.success_status", "unknown", 0),
    ("cmi.objectives.0.score.raw", "", 403),
    ("cmi.learner_id", "learner-42", 0),
    ("cmi.launch_data", "chapter=2", 0),
    ("cmi.credit", "credit", 0),
    ("cmi.entry", "ab-initio", 0),
    ("cmi.mode", "normal", 0),
    ("cmi.max_time_allowed", "", 403),
    ("cmi.time_limit_action", "exit,message", 0),
    ("cmi.total_time", "PT0H0M0S", 0),
    ("cmi.completion_threshold", "0.8", 0),
    // RTE 4.2.4.1: threshold 0.8, progress 1 -> completed whatever was set.
    ("cmi.completion_status", "completed", 0),
    // RTE 4.2.22.1: passing 0.7, scaled -1 -> failed.
    ("cmi.success_status", "failed", 0),
    ("adl.nav.request", "{target=intro}choice", 0),
    ("adl.nav.request_valid.continue", "unknown", 0),
    ("adl.nav.request_valid.choice.{target=intro}", "unknown", 0),
    ("adl.nav.request_valid.sideways", "", 401),
    ("", "", 301),
];

#[test]
fn every_element_in_every_edition() {
    for edition in EDITIONS {
        let version = ScormVersion::Scorm2004(edition);
        let mut api = running(version, RuntimeConfig::strict());
        run_set_table(&mut api, SET_ROWS, &format!("{edition:?} set"));
        run_get_table(&mut api, GET_ROWS, &format!("{edition:?} get"));
    }
}

#[test]
fn the_tables_cover_every_element() {
    let schema = Schema::for_version(ScormVersion::SCORM2004_4TH);
    for def in schema.elements() {
        let pattern = def.name;
        let covered = SET_ROWS
            .iter()
            .chain(FOURTH_ROWS)
            .any(|(e, _, _)| matches_pattern(e, pattern));
        assert!(covered, "no table row for {pattern}");
    }
}

fn matches_pattern(element: &str, pattern: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (element.split('.').collect(), pattern.split('.').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || (*y == "n" && x.bytes().all(|c| c.is_ascii_digit())))
}

const FOURTH_ROWS: &[(&str, &str, u16)] = &[
    ("adl.nav.request", "{target=intro}jump", 0),
    ("adl.data.0.store", "new value", 0),
    ("adl.data.1.store", "x", 404),
    ("adl.data.3.store", "x", 351),
    ("adl.data.0.id", "x", 404),
];

/// Edition differences (RTE 4th Ed 4.3, 4.4.1; 3rd Ed 4.2.23).
#[test]
fn fourth_edition_only_elements() {
    let mut api = running(ScormVersion::SCORM2004_4TH, RuntimeConfig::strict());
    run_set_table(&mut api, FOURTH_ROWS, "4th");
    let gets = &[
        ("adl.data._count", "3", 0),
        ("adl.data._children", "id,store", 0),
        ("adl.data.0.id", "shared-rw", 0),
        ("adl.data.0.store", "new value", 0),
        ("adl.data.1.store", "", 403),
        ("adl.data.2.store", "", 405),
        ("adl.nav.request_valid.jump.{target=intro}", "unknown", 0),
    ];
    run_get_table(&mut api, gets, "4th get");
    for edition in [Edition::Second, Edition::Third] {
        let mut api = running(ScormVersion::Scorm2004(edition), RuntimeConfig::strict());
        let rows = &[
            ("adl.nav.request", "{target=intro}jump", 406),
            ("adl.data.0.store", "x", 401),
        ];
        run_set_table(&mut api, rows, "pre-4th");
        run_get_table(
            &mut api,
            &[
                ("adl.data._count", "", 401),
                ("adl.nav.request_valid.jump.{target=a}", "", 401),
            ],
            "pre-4th get",
        );
    }
}

/// suspend_data: the SPM is 4,000 in 2nd/3rd Edition and 64,000 in 4th; longer
/// values are kept (SPMs are minimums) with an over-long warning.
#[test]
fn suspend_data_spm_per_edition() {
    for (edition, spm) in [
        (Edition::Second, 4000),
        (Edition::Third, 4000),
        (Edition::Fourth, 64_000),
    ] {
        let mut api = running(ScormVersion::Scorm2004(edition), RuntimeConfig::strict());
        let at_limit = "x".repeat(spm);
        assert_eq!(api.set_value("cmi.suspend_data", &at_limit), "true");
        assert!(api.take_transcript()[0].warnings.is_empty());
        assert_eq!(
            api.set_value("cmi.suspend_data", &format!("{at_limit}y")),
            "true"
        );
        assert_eq!(api.take_transcript()[0].warnings.len(), 1, "{edition:?}");
        assert_eq!(api.get_value("cmi.suspend_data").len(), spm + 1);
    }
}
