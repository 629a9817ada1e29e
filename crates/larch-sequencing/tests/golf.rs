//! Real sequencing packages beyond the conformance suite (the Rustici "golf" SCORM 2004
//! 3rd Edition sequencing examples in the shared fixtures), read with the ingestion crate
//! and driven the way a player would.

use std::path::PathBuf;

use larch_package::{MemorySource, Warnings, scorm};
use larch_sequencing::definition::TreeDefinition;
use larch_sequencing::{
    CompletionStatus, NavigationRequest as Nav, Outcome, ScoReport, Sequencer, SuccessStatus,
};

fn golf(name: &str) -> TreeDefinition {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/scorm2004-3rd"
    ))
    .join(format!("golf_{name}_SCORM20043rdEdition.zip"));
    let entries = larch_cts::read_zip(&path).expect("the golf fixture is readable");
    let mut source = MemorySource::new(entries);
    let course =
        scorm::parse(&mut source, "imsmanifest.xml", &mut Warnings::default()).expect("it parses");
    scorm::sequencing_tree(&course).expect("a SCORM 2004 course")
}

fn report(success: SuccessStatus, nav: Nav) -> ScoReport {
    ScoReport {
        completion_status: Some(CompletionStatus::Completed),
        success_status: Some(success),
        nav_request: Some(nav),
        ..ScoReport::default()
    }
}

fn id(outcome: &Outcome) -> Option<&str> {
    match outcome {
        Outcome::Deliver { id, .. } => Some(id),
        _ => None,
    }
}

/// Passes every SCO and continues; the ids delivered until the session ends.
fn pass_everything(seq: &mut Sequencer) -> Vec<String> {
    let mut delivered = Vec::new();
    let mut outcome = seq.open_session(0.0);
    for step in 1..60 {
        let Some(current) = id(&outcome) else { break };
        delivered.push(current.to_owned());
        assert!(!seq.lookahead().toc.is_empty());
        outcome = seq.terminate(
            &report(SuccessStatus::Passed, Nav::Continue),
            f64::from(step),
        );
    }
    delivered
}

#[test]
fn forced_sequential_opens_each_lesson_after_the_previous_one() {
    let mut seq = Sequencer::new(&golf("SequencingForcedSequential"), 1);
    assert_eq!(id(&seq.open_session(0.0)), Some("playing_item"));
    let look = seq.lookahead();
    assert!(
        !look.is_valid(&Nav::Choice("etuqiette_item".into())),
        "etiquette waits for playing"
    );
    let outcome = seq.terminate(&report(SuccessStatus::Passed, Nav::Continue), 1.0);
    assert_eq!(id(&outcome), Some("etuqiette_item"));
    assert!(
        seq.lookahead()
            .is_valid(&Nav::Choice("playing_item".into()))
    );
}

#[test]
fn forced_sequential_runs_to_the_end() {
    let mut seq = Sequencer::new(&golf("SequencingForcedSequential"), 1);
    let delivered = pass_everything(&mut seq);
    assert!(delivered.len() >= 5, "{delivered:?}");
    assert!(seq.session_ended());
}

#[test]
fn post_test_rollup_completes_the_course() {
    let mut seq = Sequencer::new(&golf("SequencingPostTestRollup"), 1);
    let delivered = pass_everything(&mut seq);
    assert_eq!(
        delivered.last().map(String::as_str),
        Some("assessment_item"),
        "{delivered:?}"
    );
    let root = seq.activity_state(seq.tree().find("golf_sample_default_org").unwrap());
    assert_eq!(root.objectives[0].satisfied, Some(true));
}

#[test]
fn simple_remediation_retries_after_a_failed_test() {
    let mut seq = Sequencer::new(&golf("SequencingSimpleRemediation"), 1);
    let mut outcome = seq.open_session(0.0);
    let mut delivered = Vec::new();
    for step in 1..40 {
        let Some(current) = id(&outcome).map(str::to_owned) else {
            break;
        };
        // Fail the first quiz once, pass everything else.
        let fail = current == "test_1" && !delivered.contains(&current);
        delivered.push(current);
        let success = if fail {
            SuccessStatus::Failed
        } else {
            SuccessStatus::Passed
        };
        outcome = seq.terminate(&report(success, Nav::Continue), f64::from(step));
    }
    let first_test = delivered
        .iter()
        .position(|d| d == "test_1")
        .expect("the quiz is reached");
    assert!(
        delivered[first_test + 1..]
            .iter()
            .any(|d| d == "playing_item"),
        "a failed quiz sends the learner back to the lessons: {delivered:?}"
    );
    assert!(
        seq.session_ended(),
        "passing everything ends the course: {delivered:?}"
    );
}
