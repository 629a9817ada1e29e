//! Random trees and random request sequences: the engine never panics, every delivery is
//! an active leaf that becomes the current activity, the look-ahead's `previous` holds when
//! no attempt has to end first, and the state survives a serde round trip.

use larch_sequencing::definition::*;
use larch_sequencing::{
    CompletionStatus, EngineState, NavigationRequest as Nav, Outcome, ScoReport, Score, Sequencer,
    SuccessStatus,
};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

struct Dice(ChaCha8Rng);

impl Dice {
    fn below(&mut self, n: u32) -> u32 {
        self.0.next_u32() % n
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

fn rule(action: RuleAction, condition: RuleConditionKind, not: bool) -> SequencingRule {
    SequencingRule {
        condition_combination: ConditionCombination::All,
        conditions: vec![RuleCondition {
            referenced_objective: None,
            measure_threshold: 0.0,
            operator: if not {
                ConditionOperator::Not
            } else {
                ConditionOperator::NoOp
            },
            condition,
        }],
        action,
    }
}

fn activity(dice: &mut Dice, id: &mut u32, depth: u32) -> ActivityDefinition {
    *id += 1;
    let mut def = ActivityDefinition::new(format!("a{id}"), format!("A{id}"));
    let seq = &mut def.sequencing;
    seq.control_mode.flow = dice.chance(80);
    seq.control_mode.choice = dice.chance(80);
    seq.control_mode.choice_exit = dice.chance(85);
    seq.control_mode.forward_only = dice.chance(15);
    seq.constrained_choice.constrain_choice = dice.chance(10);
    seq.constrained_choice.prevent_activation = dice.chance(10);
    if dice.chance(15) {
        seq.rules
            .pre_condition
            .push(rule(RuleAction::Skip, RuleConditionKind::Completed, false));
    }
    if dice.chance(10) {
        seq.rules.pre_condition.push(rule(
            RuleAction::Disabled,
            RuleConditionKind::Satisfied,
            true,
        ));
    }
    if dice.chance(10) {
        seq.rules.pre_condition.push(rule(
            RuleAction::HiddenFromChoice,
            RuleConditionKind::Attempted,
            false,
        ));
    }
    if dice.chance(10) {
        let action = [
            RuleAction::Retry,
            RuleAction::ExitParent,
            RuleAction::Continue,
            RuleAction::Previous,
        ][dice.below(4) as usize];
        seq.rules
            .post_condition
            .push(rule(action, RuleConditionKind::Satisfied, dice.chance(50)));
    }
    if dice.chance(10) {
        seq.limit_conditions.attempt_limit = Some(1 + dice.below(2));
    }
    if dice.chance(10) {
        seq.randomization.randomization_timing = RandomizationTiming::OnEachNewAttempt;
        seq.randomization.reorder_children = true;
        seq.randomization.select_count = dice.chance(50).then(|| 1 + dice.below(3));
        seq.randomization.selection_timing = RandomizationTiming::Once;
    }
    if depth < 3 && dice.chance(45) {
        let children = 1 + dice.below(4);
        def.children = (0..children)
            .map(|_| activity(dice, id, depth + 1))
            .collect();
    }
    def
}

fn random_tree(dice: &mut Dice) -> TreeDefinition {
    let mut id = 0;
    let mut root = activity(dice, &mut id, 0);
    if root.children.is_empty() {
        root.children = (0..3).map(|_| activity(dice, &mut id, 1)).collect();
    }
    root.sequencing.control_mode.flow = true;
    TreeDefinition {
        root,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
    }
}

fn random_request(dice: &mut Dice, ids: &[String]) -> Nav {
    match dice.below(11) {
        0 => Nav::Start,
        1 => Nav::ResumeAll,
        2 | 3 => Nav::Continue,
        4 => Nav::Previous,
        5 | 6 => Nav::Choice(ids[dice.below(ids.len() as u32) as usize].clone()),
        7 => Nav::Exit,
        8 => Nav::ExitAll,
        9 => Nav::SuspendAll,
        _ => Nav::Abandon,
    }
}

fn random_report(dice: &mut Dice, ids: &[String]) -> ScoReport {
    ScoReport {
        completion_status: dice.chance(70).then_some(CompletionStatus::Completed),
        success_status: [
            None,
            Some(SuccessStatus::Passed),
            Some(SuccessStatus::Failed),
        ][dice.below(3) as usize],
        score: Score {
            scaled: dice
                .chance(30)
                .then(|| f64::from(dice.below(201)) / 100.0 - 1.0),
            ..Score::default()
        },
        nav_request: dice.chance(70).then(|| random_request(dice, ids)),
        ..ScoReport::default()
    }
}

fn check_delivery(seq: &Sequencer, outcome: &Outcome) {
    if let Outcome::Deliver { activity, .. } = outcome {
        assert!(
            seq.tree().get(*activity).is_leaf(),
            "only leaves are delivered"
        );
        assert_eq!(seq.current(), Some(*activity));
        assert!(seq.activity_state(*activity).active);
    }
}

#[test]
fn random_courses_and_requests_keep_the_invariants() {
    for seed in 0..300 {
        let mut dice = Dice(ChaCha8Rng::seed_from_u64(seed));
        let def = random_tree(&mut dice);
        let ids: Vec<String> = def.root.walk().iter().map(|a| a.id.clone()).collect();
        let mut seq = Sequencer::new(&def, seed);
        let mut outcome = seq.open_session(0.0);
        for step in 1..60 {
            check_delivery(&seq, &outcome);
            let look = seq.lookahead();
            let now = f64::from(step);
            outcome = if matches!(outcome, Outcome::Deliver { .. }) && dice.chance(70) {
                seq.terminate(&random_report(&mut dice, &ids), now)
            } else {
                let request = random_request(&mut dice, &ids);
                // With no attempt to end first, the look-ahead is exact.
                let idle = seq.current().is_some_and(|c| !seq.activity_state(c).active);
                let promised = matches!(request, Nav::Previous) && look.previous && idle;
                let outcome = seq.navigate(&request, now);
                if promised {
                    assert!(
                        matches!(outcome, Outcome::Deliver { .. }),
                        "seed {seed}: previous was offered: {outcome:?}"
                    );
                }
                outcome
            };
            if seq.session_ended() && dice.chance(50) {
                outcome = seq.open_session(now);
            }
        }
        let saved = serde_json::to_string(seq.state()).unwrap();
        let mut restored: EngineState = serde_json::from_str(&saved).unwrap();
        let mut original = seq.state().clone();
        // The random source resumes at the same word, though its buffer is refilled lazily.
        let draws = |rng: &mut ChaCha8Rng| [rng.next_u64(), rng.next_u64()];
        assert_eq!(
            draws(&mut restored.rng),
            draws(&mut original.rng),
            "seed {seed}: random source"
        );
        restored.rng = original.rng.clone();
        assert_eq!(restored, original, "seed {seed}: state round trip");
    }
}
