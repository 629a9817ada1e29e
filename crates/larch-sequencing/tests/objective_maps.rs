//! Writes through objective maps (SN 4.2.4; 4th Ed extended maps), the rules the runtime's
//! replay of the ADL CTS exposed: an explicit `unknown` clears the global (OB-17a/b), an
//! earlier attempt is never written again over the global (SX-11b, CO-10), completion by
//! measure writes the status of the writer's own threshold (CO-10), a status read through a
//! map is kept by the End Attempt Process (OB-17b), and secondary objectives read their
//! completion and progress through the extended maps. A leaf that reads a global does not
//! write during the rollups the global's changes cause.

use larch_sequencing::definition::*;
use larch_sequencing::{
    CompletionStatus, NavigationRequest as Nav, ObjectiveReport, ObjectiveState, Outcome,
    ScoReport, Score, Sequencer, SuccessStatus,
};

/// A flow cluster of `leaves`.
fn course(leaves: Vec<ActivityDefinition>) -> Sequencer {
    let mut root = ActivityDefinition::new("root", "root");
    root.sequencing.control_mode.flow = true;
    root.children = leaves;
    let tree = TreeDefinition {
        root,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
    };
    Sequencer::new(&tree, 1)
}

/// A leaf whose primary objective `primary` and secondary objective `obj` map to `g`
/// with `map`.
fn leaf(id: &str, map: &ObjectiveMap) -> ActivityDefinition {
    let mut leaf = ActivityDefinition::new(id, id);
    let objective = |id: &str| Objective {
        id: Some(id.into()),
        maps: vec![map.clone()],
        ..Objective::default()
    };
    leaf.sequencing.objectives.primary = Some(objective("primary"));
    leaf.sequencing.objectives.secondary = vec![objective("obj")];
    leaf
}

/// Reads everything (the defaults) and writes everything.
fn read_write() -> ObjectiveMap {
    ObjectiveMap {
        write_satisfied_status: true,
        write_normalized_measure: true,
        write_raw_score: true,
        write_min_score: true,
        write_max_score: true,
        write_completion_status: true,
        write_progress_measure: true,
        ..ObjectiveMap::to_target("g")
    }
}

fn delivered(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Deliver { id, .. } => id,
        other => panic!("expected a delivery, got {other:?}"),
    }
}

/// The content terminates with `objective` and asks for `nav`: the id delivered next.
fn finish(seq: &mut Sequencer, nav: Nav, objective: ObjectiveReport, now: f64) -> String {
    delivered(&seq.terminate(&report(nav, objective), now)).to_owned()
}

fn report(nav: Nav, objective: ObjectiveReport) -> ScoReport {
    ScoReport {
        objectives: vec![objective],
        nav_request: Some(nav),
        ..ScoReport::default()
    }
}

fn global(seq: &Sequencer) -> ObjectiveState {
    seq.state().globals["g"]
}

fn view(seq: &Sequencer, id: &str, objective: usize) -> ObjectiveState {
    seq.objective_view(seq.tree().find(id).expect("activity"), objective)
}

#[test]
fn an_explicit_unknown_clears_the_global_status() {
    let mut seq = course(vec![leaf("a", &read_write()), leaf("b", &read_write())]);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let passed = ObjectiveReport {
        id: "obj".into(),
        success_status: Some(SuccessStatus::Passed),
        completion_status: Some(CompletionStatus::Completed),
        ..ObjectiveReport::default()
    };
    finish(&mut seq, Nav::Continue, passed, 1.0);
    assert_eq!(global(&seq).satisfied, Some(true));
    // b sets a score but no status: an unset status writes nothing.
    let score_only = ObjectiveReport {
        id: "obj".into(),
        score: Score {
            raw: Some(5.0),
            ..Score::default()
        },
        ..ObjectiveReport::default()
    };
    seq.record(
        seq.current().expect("b"),
        &report(Nav::Continue, score_only),
    );
    assert_eq!(global(&seq).satisfied, Some(true));
    assert_eq!(global(&seq).completed, Some(true));
    // Set to unknown: the global's statuses become unknown too.
    let unknown = ObjectiveReport {
        id: "obj".into(),
        success_status: Some(SuccessStatus::Unknown),
        completion_status: Some(CompletionStatus::Unknown),
        ..ObjectiveReport::default()
    };
    seq.record(seq.current().expect("b"), &report(Nav::Continue, unknown));
    assert_eq!(global(&seq).satisfied, None);
    assert_eq!(global(&seq).completed, None);
    assert_eq!(
        global(&seq).raw,
        Some(5.0),
        "an unknown status keeps the scores"
    );
}

#[test]
fn rollup_does_not_write_an_earlier_attempt_back_over_the_global() {
    let mut seq = course(vec![leaf("a", &read_write()), leaf("b", &read_write())]);
    let max = |value: f64| ObjectiveReport {
        id: "obj".into(),
        score: Score {
            max: Some(value),
            ..Score::default()
        },
        progress_measure: Some(value / 100.0),
        ..ObjectiveReport::default()
    };
    delivered(&seq.navigate(&Nav::Start, 0.0));
    assert_eq!(finish(&mut seq, Nav::Continue, max(10.0), 1.0), "b");
    assert_eq!(finish(&mut seq, Nav::Previous, max(20.0), 2.0), "a");
    assert_eq!(global(&seq).max, Some(20.0));
    // a's new attempt writes 30; b, which reads g, rolls up with its attempt's 20 and
    // must not write it again.
    assert_eq!(finish(&mut seq, Nav::Continue, max(30.0), 3.0), "b");
    assert_eq!(global(&seq).max, Some(30.0));
    assert_eq!(global(&seq).progress_measure, Some(0.3));
    assert_eq!(view(&seq, "b", 1).max, Some(30.0));
}

#[test]
fn completion_by_measure_writes_the_status_of_the_writers_threshold() {
    let by_measure = |id: &str, threshold: f64| {
        let mut leaf = leaf(id, &read_write());
        leaf.completion_threshold = CompletionThreshold {
            completed_by_measure: true,
            min_progress_measure: threshold,
            ..CompletionThreshold::default()
        };
        leaf
    };
    let mut seq = course(vec![by_measure("a", 0.4), by_measure("b", 0.15)]);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let progress = ObjectiveReport {
        id: "primary".into(),
        progress_measure: Some(0.2),
        ..ObjectiveReport::default()
    };
    assert_eq!(finish(&mut seq, Nav::Continue, progress, 1.0), "b");
    // 0.2 is below a's threshold: incomplete, whatever b's threshold would make of it.
    assert_eq!(global(&seq).completed, Some(false));
    assert_eq!(global(&seq).progress_measure, Some(0.2));
    let b = view(&seq, "b", 0);
    assert_eq!((b.completed, b.progress_measure), (Some(false), Some(0.2)));
}

#[test]
fn secondary_objectives_read_completion_and_progress_through_their_maps() {
    let mut seq = course(vec![
        leaf("a", &read_write()),
        leaf("b", &ObjectiveMap::to_target("g")),
    ]);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let done = ObjectiveReport {
        id: "obj".into(),
        completion_status: Some(CompletionStatus::Completed),
        progress_measure: Some(0.7),
        ..ObjectiveReport::default()
    };
    assert_eq!(finish(&mut seq, Nav::Continue, done, 1.0), "b");
    let b = view(&seq, "b", 1);
    assert_eq!((b.completed, b.progress_measure), (Some(true), Some(0.7)));
}

#[test]
fn end_attempt_keeps_a_status_read_through_a_map() {
    let mut seq = course(vec![
        leaf("a", &read_write()),
        leaf("b", &read_write()),
        leaf("c", &read_write()),
    ]);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let failed = ObjectiveReport {
        id: "primary".into(),
        success_status: Some(SuccessStatus::Failed),
        ..ObjectiveReport::default()
    };
    assert_eq!(finish(&mut seq, Nav::Continue, failed, 1.0), "b");
    // b reports nothing; objective set by content is false, but its primary objective
    // reads `failed` from g, so the End Attempt Process assumes no `satisfied`.
    let nothing = ScoReport {
        nav_request: Some(Nav::Continue),
        ..ScoReport::default()
    };
    assert_eq!(delivered(&seq.terminate(&nothing, 2.0)), "c");
    assert_eq!(global(&seq).satisfied, Some(false));
}

#[test]
fn a_reader_rolled_up_by_measure_does_not_write_its_old_measure() {
    let mut a = leaf("a", &read_write());
    if let Some(primary) = &mut a.sequencing.objectives.primary {
        primary.satisfied_by_measure = true;
        primary.min_normalized_measure = 0.5;
    }
    let mut seq = course(vec![a, leaf("b", &read_write()), leaf("c", &read_write())]);
    let scaled = |value: f64| ObjectiveReport {
        id: "primary".into(),
        score: Score {
            scaled: Some(value),
            ..Score::default()
        },
        ..ObjectiveReport::default()
    };
    delivered(&seq.navigate(&Nav::Start, 0.0));
    assert_eq!(finish(&mut seq, Nav::Continue, scaled(0.3), 1.0), "b");
    assert_eq!(
        (global(&seq).measure, global(&seq).satisfied),
        (Some(0.3), Some(false))
    );
    // b writes 0.9; a, which reads g, rolls up (now satisfied through the read measure)
    // and must not write its own 0.3 back.
    assert_eq!(finish(&mut seq, Nav::Continue, scaled(0.9), 2.0), "c");
    assert_eq!(global(&seq).measure, Some(0.9));
    assert_eq!(view(&seq, "a", 0).satisfied, Some(true));
}
