//! SN book RB.1.4 Rollup Rule Check Subprocess, RB.1.4.1 Evaluate Rollup Conditions
//! Subprocess and RB.1.4.2 Check Child for Rollup Subprocess, with the default rules of
//! SN 4.6.5 for clusters that define none.

use crate::definition::{
    ChildActivitySet, ConditionCombination, ConditionOperator, RollupAction, RollupCondition,
    RollupConditionKind, RollupConsideration, RollupRule, RuleAction,
};
use crate::engine::Sequencer;
use crate::rules::{apply_operator, combine};
use crate::tracking::ObjectiveState;
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book RB.1.4 Rollup Rule Check Subprocess: whether any rule with `action` applies.
    pub(crate) fn rollup_rule_check(&self, ix: ActivityIx, action: RollupAction) -> bool {
        let defined = &self.tree.get(ix).sequencing.rollup.rules;
        let pair = pair_of(action);
        let explicit = defined.iter().any(|r| pair.contains(&r.action));
        let defaults;
        let rules: Vec<&RollupRule> = if explicit {
            defined.iter().filter(|r| r.action == action).collect()
        } else {
            defaults = default_rule(action);
            vec![&defaults]
        };
        rules
            .into_iter()
            .any(|rule| self.rollup_rule_applies(ix, rule))
    }

    /// RB.1.4 steps 1.1–1.3: the contributing children's bag against the child activity set.
    fn rollup_rule_applies(&self, ix: ActivityIx, rule: &RollupRule) -> bool {
        let bag: Vec<Option<bool>> = self
            .available(ix)
            .iter()
            .copied()
            .filter(|c| self.check_child_for_rollup(*c, rule.action))
            .map(|c| self.evaluate_rollup_conditions(ix, c, rule))
            .collect();
        child_set_holds(rule.child_activity_set, &bag)
    }

    /// SN book RB.1.4.1 Evaluate Rollup Conditions Subprocess.
    fn evaluate_rollup_conditions(
        &self,
        parent: ActivityIx,
        child: ActivityIx,
        rule: &RollupRule,
    ) -> Option<bool> {
        let view = self.rollup_view(parent, child);
        let values = rule
            .conditions
            .iter()
            .map(|c| self.rollup_condition(child, &view, c));
        combine(rule.condition_combination, values)
    }

    fn rollup_condition(
        &self,
        child: ActivityIx,
        view: &ObjectiveState,
        condition: &RollupCondition,
    ) -> Option<bool> {
        let value = match condition.condition {
            RollupConditionKind::Satisfied => view.satisfied,
            RollupConditionKind::ObjectiveStatusKnown => Some(view.satisfied.is_some()),
            RollupConditionKind::ObjectiveMeasureKnown => Some(view.measure.is_some()),
            RollupConditionKind::Completed => view.completed,
            RollupConditionKind::ActivityProgressKnown => Some(view.completed.is_some()),
            RollupConditionKind::Attempted => Some(self.st(child).attempted()),
            RollupConditionKind::AttemptLimitExceeded => Some(self.attempt_limit_exceeded(child)),
            RollupConditionKind::TimeLimitExceeded
            | RollupConditionKind::OutsideAvailableTimeRange => Some(false),
        };
        apply_operator(condition.operator, value)
    }

    /// SN book RB.1.4.2 Check Child for Rollup Subprocess: whether `child` contributes to
    /// its parent's rollup for `action`, per its rollup controls and considerations.
    pub(crate) fn check_child_for_rollup(&self, child: ActivityIx, action: RollupAction) -> bool {
        let sequencing = &self.tree.get(child).sequencing;
        if !sequencing.delivery.tracked {
            return false;
        }
        let considerations = sequencing.rollup_considerations;
        let consideration = match action {
            RollupAction::Satisfied => considerations.required_for_satisfied,
            RollupAction::NotSatisfied => considerations.required_for_not_satisfied,
            RollupAction::Completed => considerations.required_for_completed,
            RollupAction::Incomplete => considerations.required_for_incomplete,
        };
        let included = match action {
            RollupAction::Satisfied | RollupAction::NotSatisfied => {
                sequencing.rollup.rollup_objective_satisfied
            }
            RollupAction::Completed | RollupAction::Incomplete => {
                sequencing.rollup.rollup_progress_completion
            }
        };
        included && self.consideration_allows(child, consideration)
    }

    /// RB.1.4.2 steps 2.1.1–2.1.3 (and 3.x): `ifNotSuspended`, `ifAttempted`, `ifNotSkipped`.
    fn consideration_allows(&self, child: ActivityIx, consideration: RollupConsideration) -> bool {
        let state = self.st(child);
        match consideration {
            RollupConsideration::Always => true,
            RollupConsideration::IfNotSuspended => !(state.attempted() && state.suspended),
            RollupConsideration::IfAttempted => state.attempted(),
            RollupConsideration::IfNotSkipped => !self.pre_condition(child, RuleAction::Skip),
        }
    }
}

/// The two actions that decide one status: satisfied/not satisfied or completed/incomplete.
fn pair_of(action: RollupAction) -> [RollupAction; 2] {
    match action {
        RollupAction::Satisfied | RollupAction::NotSatisfied => {
            [RollupAction::Satisfied, RollupAction::NotSatisfied]
        }
        RollupAction::Completed | RollupAction::Incomplete => {
            [RollupAction::Completed, RollupAction::Incomplete]
        }
    }
}

/// SN 4.6.5 default rollup rules: satisfied/completed if all children are; not satisfied/
/// incomplete if all children's status is known.
fn default_rule(action: RollupAction) -> RollupRule {
    let condition = match action {
        RollupAction::Satisfied => RollupConditionKind::Satisfied,
        RollupAction::NotSatisfied => RollupConditionKind::ObjectiveStatusKnown,
        RollupAction::Completed => RollupConditionKind::Completed,
        RollupAction::Incomplete => RollupConditionKind::ActivityProgressKnown,
    };
    RollupRule {
        child_activity_set: ChildActivitySet::All,
        condition_combination: ConditionCombination::Any,
        conditions: vec![RollupCondition {
            operator: ConditionOperator::NoOp,
            condition,
        }],
        action,
    }
}

/// RB.1.4 step 1.3: whether the bag of contributing children's values meets the set.
///
/// As in the ADL sample implementation: with no contributing child, `all` and `none` hold
/// (vacuously) and the others do not; a bag of only unknowns meets no set.
fn child_set_holds(set: ChildActivitySet, bag: &[Option<bool>]) -> bool {
    if bag.is_empty() {
        return matches!(set, ChildActivitySet::All | ChildActivitySet::None);
    }
    if bag.iter().all(Option::is_none) {
        return false;
    }
    let trues = bag.iter().filter(|v| **v == Some(true)).count();
    match set {
        ChildActivitySet::All => trues == bag.len(),
        ChildActivitySet::Any => trues > 0,
        ChildActivitySet::None => bag.iter().all(|v| *v == Some(false)),
        ChildActivitySet::AtLeastCount(n) => trues >= n as usize,
        ChildActivitySet::AtLeastPercent(p) => trues as f64 >= (p * bag.len() as f64 + 0.5).floor(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_activity_sets() {
        let bag = [Some(true), Some(false), None, Some(true)];
        assert!(!child_set_holds(ChildActivitySet::All, &bag));
        assert!(child_set_holds(ChildActivitySet::Any, &bag));
        assert!(!child_set_holds(ChildActivitySet::None, &bag));
        assert!(child_set_holds(ChildActivitySet::AtLeastCount(2), &bag));
        assert!(!child_set_holds(ChildActivitySet::AtLeastCount(3), &bag));
        // 0.5 × 4 children rounds to 2 (the ADL implementation adds 0.5 and truncates).
        assert!(child_set_holds(ChildActivitySet::AtLeastPercent(0.5), &bag));
        assert!(!child_set_holds(
            ChildActivitySet::AtLeastPercent(0.7),
            &bag
        ));
    }

    #[test]
    fn empty_and_unknown_bags() {
        assert!(
            child_set_holds(ChildActivitySet::All, &[]),
            "vacuously true"
        );
        assert!(!child_set_holds(ChildActivitySet::Any, &[]));
        assert!(
            !child_set_holds(ChildActivitySet::All, &[None, None]),
            "only unknowns"
        );
    }

    #[test]
    fn default_rules_pair_status_with_known() {
        let rule = default_rule(RollupAction::NotSatisfied);
        assert_eq!(
            rule.conditions[0].condition,
            RollupConditionKind::ObjectiveStatusKnown
        );
        assert_eq!(
            pair_of(RollupAction::Incomplete),
            [RollupAction::Completed, RollupAction::Incomplete]
        );
    }
}
