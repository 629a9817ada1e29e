//! Unit-level checks of the tricky processes, through the public API: constrained choice,
//! rollup considerations, randomization on each new attempt, global objective maps,
//! suspend/resume all, limit conditions, and state round trips.

use larch_sequencing::definition::*;
use larch_sequencing::{
    CompletionStatus, EngineState, NavigationRequest as Nav, ObjectiveReport, Outcome, ScoReport,
    Sequencer, SuccessStatus,
};

fn leaf(id: &str) -> ActivityDefinition {
    ActivityDefinition::new(id, id)
}

fn cluster(id: &str, children: Vec<ActivityDefinition>, flow: bool) -> ActivityDefinition {
    let mut def = ActivityDefinition::new(id, id);
    def.sequencing.control_mode.flow = flow;
    def.children = children;
    def
}

fn tree(root: ActivityDefinition) -> TreeDefinition {
    TreeDefinition {
        root,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
    }
}

fn delivered(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Deliver { id, .. } => id,
        other => panic!("expected a delivery, got {other:?}"),
    }
}

fn finish(seq: &mut Sequencer, report: impl Into<Box<ScoReport>>) -> Outcome {
    seq.terminate(&report.into(), 10.0)
}

fn next() -> ScoReport {
    ScoReport {
        nav_request: Some(Nav::Continue),
        ..ScoReport::default()
    }
}

#[test]
fn flow_delivers_in_order_and_ends_after_the_last_leaf() {
    let mut seq = Sequencer::new(&tree(cluster("root", vec![leaf("a"), leaf("b")], true)), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    let look = seq.lookahead();
    assert!(
        look.continue_ && !look.previous,
        "continue but no previous at the first leaf"
    );
    assert_eq!(delivered(&finish(&mut seq, next())), "b");
    assert!(seq.lookahead().previous);
    assert_eq!(finish(&mut seq, next()), Outcome::SessionEnded);
}

#[test]
fn constrained_choice_allows_only_flow_neighbours() {
    let mut root = cluster("root", vec![leaf("a"), leaf("b"), leaf("c")], true);
    root.sequencing.constrained_choice.constrain_choice = true;
    let outer = cluster("outer", vec![root, leaf("z"), leaf("y")], true);
    let mut seq = Sequencer::new(&tree(outer), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    let look = seq.lookahead();
    assert!(look.is_valid(&Nav::Choice("b".into())), "a sibling is fine");
    assert!(
        look.is_valid(&Nav::Choice("z".into())),
        "so is the activity that flows after the cluster"
    );
    assert!(
        !look.is_valid(&Nav::Choice("y".into())),
        "but not one further away"
    );
}

#[test]
fn prevent_activation_blocks_descendants_of_an_inactive_cluster_only() {
    let mut guarded = cluster("guarded", vec![leaf("g1"), leaf("g2")], true);
    guarded.sequencing.constrained_choice.prevent_activation = true;
    let mut seq = Sequencer::new(&tree(cluster("root", vec![leaf("a"), guarded], true)), 1);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let look = seq.lookahead();
    assert!(
        look.is_valid(&Nav::Choice("guarded".into())),
        "the cluster itself may be chosen"
    );
    assert!(
        !look.is_valid(&Nav::Choice("g2".into())),
        "its children may not, while it is inactive"
    );
}

#[test]
fn rollup_considerations_ignore_unattempted_children() {
    let mut b = leaf("b");
    b.sequencing.rollup_considerations.required_for_satisfied = RollupConsideration::IfAttempted;
    b.sequencing
        .rollup_considerations
        .required_for_not_satisfied = RollupConsideration::IfAttempted;
    let mut root = cluster("root", vec![leaf("a"), b], true);
    root.sequencing.control_mode.choice = true;
    let mut seq = Sequencer::new(&tree(root), 1);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let passed = ScoReport {
        success_status: Some(SuccessStatus::Passed),
        ..ScoReport::default()
    };
    seq.terminate(&passed, 1.0);
    seq.navigate(&Nav::ExitAll, 2.0);
    let root = seq.tree().find("root").unwrap();
    assert_eq!(
        seq.activity_state(root).objectives[0].satisfied,
        Some(true),
        "b was never attempted"
    );
}

#[test]
fn rollup_rules_at_least_percent_and_measure_weights() {
    let mut root = cluster("root", vec![leaf("a"), leaf("b"), leaf("c")], true);
    root.sequencing.rollup.rules = vec![RollupRule {
        child_activity_set: ChildActivitySet::AtLeastPercent(0.5),
        condition_combination: ConditionCombination::Any,
        conditions: vec![RollupCondition {
            operator: ConditionOperator::NoOp,
            condition: RollupConditionKind::Completed,
        }],
        action: RollupAction::Completed,
    }];
    root.children[2].sequencing.rollup.objective_measure_weight = 0.0;
    let mut seq = Sequencer::new(&tree(root), 1);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let scored = |m| ScoReport {
        score: larch_sequencing::Score {
            scaled: Some(m),
            ..Default::default()
        },
        completion_status: Some(CompletionStatus::Completed),
        nav_request: Some(Nav::Continue),
        ..ScoReport::default()
    };
    finish(&mut seq, scored(0.2));
    finish(&mut seq, scored(0.6));
    let root = seq.tree().find("root").unwrap();
    let state = seq.activity_state(root);
    assert_eq!(
        state.completed,
        Some(true),
        "two of three children completed"
    );
    assert!(
        (state.objectives[0].measure.unwrap() - 0.4).abs() < 1e-9,
        "c weighs nothing"
    );
}

#[test]
fn randomization_reorders_on_each_new_attempt_deterministically() {
    let children: Vec<_> = (0..8).map(|i| leaf(&format!("c{i}"))).collect();
    let mut root = cluster("root", children, true);
    root.sequencing.randomization.randomization_timing = RandomizationTiming::OnEachNewAttempt;
    root.sequencing.randomization.reorder_children = true;
    let first_leaves = |seed| {
        let mut seq = Sequencer::new(&tree(root.clone()), seed);
        let mut firsts = Vec::new();
        for _ in 0..4 {
            firsts.push(delivered(&seq.open_session(0.0)).to_owned());
            seq.navigate(&Nav::ExitAll, 1.0);
        }
        firsts
    };
    assert_eq!(first_leaves(42), first_leaves(42), "same seed, same order");
    let firsts = first_leaves(42);
    assert!(
        firsts.iter().any(|f| *f != firsts[0]),
        "a new order on new attempts: {firsts:?}"
    );
}

#[test]
fn global_objective_maps_share_status_between_activities() {
    let mut a = leaf("a");
    let mut map = ObjectiveMap::to_target("g");
    map.write_satisfied_status = true;
    a.sequencing.objectives.primary = Some(Objective {
        id: Some("pa".into()),
        maps: vec![map],
        ..Objective::default()
    });
    let mut b = leaf("b");
    b.sequencing.objectives.primary = Some(Objective {
        id: Some("pb".into()),
        maps: vec![ObjectiveMap::to_target("g")],
        ..Objective::default()
    });
    b.sequencing.rules.pre_condition = vec![SequencingRule {
        condition_combination: ConditionCombination::All,
        conditions: vec![RuleCondition {
            referenced_objective: None,
            measure_threshold: 0.0,
            operator: ConditionOperator::NoOp,
            condition: RuleConditionKind::Satisfied,
        }],
        action: RuleAction::Skip,
    }];
    let mut seq = Sequencer::new(&tree(cluster("root", vec![a, b, leaf("c")], true)), 1);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    let report = ScoReport {
        objectives: vec![ObjectiveReport {
            id: "pa".into(),
            success_status: Some(SuccessStatus::Passed),
            ..Default::default()
        }],
        nav_request: Some(Nav::Continue),
        ..ScoReport::default()
    };
    assert_eq!(
        delivered(&finish(&mut seq, report)),
        "c",
        "b reads the satisfied global and is skipped"
    );
    assert_eq!(seq.state().globals["g"].satisfied, Some(true));
}

#[test]
fn suspend_all_resumes_exactly_from_saved_state() {
    let def = tree(cluster("root", vec![leaf("a"), leaf("b"), leaf("c")], true));
    let mut seq = Sequencer::new(&def, 1);
    delivered(&seq.navigate(&Nav::Start, 0.0));
    finish(&mut seq, next());
    let suspend = ScoReport {
        nav_request: Some(Nav::SuspendAll),
        ..ScoReport::default()
    };
    assert_eq!(finish(&mut seq, suspend), Outcome::SessionEnded);
    let saved = serde_json::to_string(seq.state()).unwrap();
    let state: EngineState = serde_json::from_str(&saved).unwrap();
    let mut resumed = Sequencer::from_state(&def, state).unwrap();
    assert_eq!(resumed.session_start_request(), Nav::ResumeAll);
    assert_eq!(delivered(&resumed.open_session(5.0)), "b");
    assert_eq!(delivered(&finish(&mut resumed, next())), "c");
}

#[test]
fn attempt_limit_disables_an_activity() {
    let mut a = leaf("a");
    a.sequencing.limit_conditions.attempt_limit = Some(1);
    let mut root = cluster("root", vec![a, leaf("b")], true);
    root.sequencing.control_mode.choice = true;
    let mut seq = Sequencer::new(&tree(root), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    assert_eq!(delivered(&finish(&mut seq, next())), "b");
    let look = seq.lookahead();
    assert!(
        !look.is_valid(&Nav::Choice("a".into())),
        "a used its only attempt"
    );
    assert!(!look.previous, "previous would land on a");
    assert!(matches!(
        seq.navigate(&Nav::Choice("a".into()), 3.0),
        Outcome::NoDelivery { .. }
    ));
}

#[test]
fn choice_exit_false_keeps_the_learner_inside() {
    let mut inner = cluster("inner", vec![leaf("i1"), leaf("i2")], true);
    inner.sequencing.control_mode.choice_exit = false;
    let mut seq = Sequencer::new(&tree(cluster("root", vec![inner, leaf("b")], true)), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "i1");
    let look = seq.lookahead();
    assert!(look.is_valid(&Nav::Choice("i2".into())));
    assert!(!look.is_valid(&Nav::Choice("b".into())));
    assert!(matches!(
        seq.navigate(&Nav::Choice("b".into()), 1.0),
        Outcome::Invalid { .. }
    ));
}

#[test]
fn request_parsing_follows_adl_nav_request() {
    assert_eq!(
        Nav::parse("{target=x}choice"),
        Some(Nav::Choice("x".into()))
    );
    assert_eq!(Nav::parse("{target=x}jump"), Some(Nav::Jump("x".into())));
    assert_eq!(Nav::parse("suspendAll"), Some(Nav::SuspendAll));
    assert_eq!(Nav::parse("_none_"), None);
}

fn completion(status: CompletionStatus, nav: Nav) -> ScoReport {
    ScoReport {
        completion_status: Some(status),
        nav_request: Some(nav),
        ..ScoReport::default()
    }
}

/// Returns the cluster's completion after: a completed, b incomplete, z, then back into the
/// cluster (a new attempt) and b completed.
fn completion_after_reentry(use_current: bool) -> Option<bool> {
    let mut c = cluster("c", vec![leaf("a"), leaf("b")], true);
    c.sequencing.control_mode.use_current_attempt_progress_info = use_current;
    let mut seq = Sequencer::new(&tree(cluster("root", vec![c, leaf("z")], true)), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    assert_eq!(
        delivered(&finish(
            &mut seq,
            completion(CompletionStatus::Completed, Nav::Continue)
        )),
        "b"
    );
    assert_eq!(
        delivered(&finish(
            &mut seq,
            completion(CompletionStatus::Incomplete, Nav::Continue)
        )),
        "z"
    );
    assert_eq!(
        delivered(&finish(&mut seq, next_previous())),
        "b",
        "previous flows back into c"
    );
    seq.terminate(
        &completion(CompletionStatus::Completed, Nav::SuspendAll),
        5.0,
    );
    let c = seq.tree().find("c").unwrap();
    seq.activity_state(c).completed
}

fn next_previous() -> ScoReport {
    ScoReport {
        nav_request: Some(Nav::Previous),
        ..ScoReport::default()
    }
}

#[test]
fn use_current_attempt_progress_info_ignores_earlier_attempts_of_children() {
    assert_eq!(
        completion_after_reentry(true),
        None,
        "a's completion is from c's earlier attempt"
    );
    assert_eq!(
        completion_after_reentry(false),
        Some(true),
        "all children count"
    );
}

#[test]
fn retry_post_condition_starts_the_cluster_again() {
    let mut c = cluster("c", vec![leaf("a"), leaf("b")], true);
    c.sequencing.rules.post_condition = vec![SequencingRule {
        condition_combination: ConditionCombination::All,
        conditions: vec![RuleCondition {
            referenced_objective: None,
            measure_threshold: 0.0,
            operator: ConditionOperator::Not,
            condition: RuleConditionKind::Satisfied,
        }],
        action: RuleAction::Retry,
    }];
    // b's attempt ends its parent's too (exit parent), so c's post conditions apply.
    c.children[1].sequencing.rules.post_condition = vec![SequencingRule {
        condition_combination: ConditionCombination::All,
        conditions: vec![RuleCondition {
            referenced_objective: None,
            measure_threshold: 0.0,
            operator: ConditionOperator::NoOp,
            condition: RuleConditionKind::Always,
        }],
        action: RuleAction::ExitParent,
    }];
    let mut seq = Sequencer::new(&tree(cluster("root", vec![c, leaf("z")], true)), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    let failed = ScoReport {
        success_status: Some(SuccessStatus::Failed),
        nav_request: Some(Nav::Continue),
        ..ScoReport::default()
    };
    assert_eq!(delivered(&finish(&mut seq, failed)), "b");
    assert_eq!(
        delivered(&finish(&mut seq, next())),
        "a",
        "c is not satisfied: retry"
    );
    let c = seq.tree().find("c").unwrap();
    assert_eq!(seq.activity_state(c).attempt_count, 2);
}

#[test]
fn attempt_absolute_duration_limit_disables_after_a_long_attempt() {
    let mut a = leaf("a");
    a.sequencing
        .limit_conditions
        .attempt_absolute_duration_limit_secs = Some(60.0);
    let mut root = cluster("root", vec![a, leaf("b")], true);
    root.sequencing.control_mode.choice = true;
    let mut seq = Sequencer::new(&tree(root), 1);
    assert_eq!(delivered(&seq.navigate(&Nav::Start, 0.0)), "a");
    assert_eq!(delivered(&seq.terminate(&next(), 600.0)), "b");
    assert!(
        !seq.lookahead().is_valid(&Nav::Choice("a".into())),
        "a's attempt lasted ten minutes"
    );
}
