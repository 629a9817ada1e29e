//! SN book 4.3 (UP.2) Sequencing Rules Check Process and Sequencing Rule Check
//! Subprocess, plus the Check Activity Process (UP.5) and Limit Conditions Check (UP.1).

use crate::definition::{
    ConditionCombination, ConditionOperator, RuleAction, RuleCondition, RuleConditionKind,
    RuleKind, SequencingRule,
};
use crate::engine::Sequencer;
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book UP.2 Sequencing Rules Check Process: the action of the first rule of `kind`
    /// whose action is one of `actions` and whose conditions hold.
    pub(crate) fn sequencing_rules_check(
        &self,
        ix: ActivityIx,
        kind: RuleKind,
        actions: &[RuleAction],
    ) -> Option<RuleAction> {
        // 1–2: rules in document order; the first that applies decides.
        self.tree
            .get(ix)
            .sequencing
            .rules
            .of_kind(kind)
            .iter()
            .filter(|rule| actions.contains(&rule.action))
            .find(|rule| self.sequencing_rule_check(ix, rule) == Some(true))
            .map(|rule| rule.action)
    }

    /// Whether a pre-condition rule with `action` applies to `ix`.
    pub(crate) fn pre_condition(&self, ix: ActivityIx, action: RuleAction) -> bool {
        if !self.tree.hot(ix).has_pre_rules {
            return false;
        }
        self.sequencing_rules_check(ix, RuleKind::PreCondition, &[action])
            .is_some()
    }

    /// SN book UP.2.1 Sequencing Rule Check Subprocess: combines the conditions with
    /// three-valued logic (`None` is unknown).
    fn sequencing_rule_check(&self, ix: ActivityIx, rule: &SequencingRule) -> Option<bool> {
        let values = rule.conditions.iter().map(|c| self.rule_condition(ix, c));
        combine(rule.condition_combination, values)
    }

    /// One rule condition, evaluated against the referenced objective or the activity.
    fn rule_condition(&self, ix: ActivityIx, condition: &RuleCondition) -> Option<bool> {
        let objective = self.objective_index(ix, condition.referenced_objective.as_deref());
        // An untracked activity has no tracking information: every status is unknown.
        let tracked = self.tree.get(ix).sequencing.delivery.tracked;
        let objective = objective.filter(|_| tracked);
        let value = match condition.condition {
            RuleConditionKind::Completed | RuleConditionKind::ActivityProgressKnown if !tracked => {
                Some(false)
                    .filter(|_| condition.condition == RuleConditionKind::ActivityProgressKnown)
            }
            RuleConditionKind::Attempted if !tracked => Some(false),
            RuleConditionKind::Always => Some(true),
            RuleConditionKind::Satisfied => objective.and_then(|o| self.objective_satisfied(ix, o)),
            RuleConditionKind::ObjectiveStatusKnown => {
                Some(objective.is_some_and(|o| self.objective_satisfied(ix, o).is_some()))
            }
            RuleConditionKind::ObjectiveMeasureKnown => {
                Some(objective.is_some_and(|o| self.objective_measure(ix, o).is_some()))
            }
            RuleConditionKind::ObjectiveMeasureGreaterThan => objective
                .and_then(|o| self.objective_measure(ix, o))
                .map(|m| m > condition.measure_threshold),
            RuleConditionKind::ObjectiveMeasureLessThan => objective
                .and_then(|o| self.objective_measure(ix, o))
                .map(|m| m < condition.measure_threshold),
            RuleConditionKind::Completed => self.attempt_completed(ix),
            RuleConditionKind::ActivityProgressKnown => Some(self.attempt_completed(ix).is_some()),
            RuleConditionKind::Attempted => Some(self.st(ix).attempted()),
            RuleConditionKind::AttemptLimitExceeded => Some(self.attempt_limit_exceeded(ix)),
            RuleConditionKind::TimeLimitExceeded | RuleConditionKind::OutsideAvailableTimeRange => {
                Some(false)
            }
        };
        apply_operator(condition.operator, value)
    }

    /// Whether the attempt limit has been reached.
    pub(crate) fn attempt_limit_exceeded(&self, ix: ActivityIx) -> bool {
        let limit = self.tree.get(ix).sequencing.limit_conditions.attempt_limit;
        limit.is_some_and(|n| n > 0 && self.st(ix).attempt_count >= n)
    }

    /// SN book UP.5 Check Activity Process: true when the activity is disabled or violates
    /// its limit conditions.
    pub(crate) fn check_activity(&self, ix: ActivityIx) -> bool {
        // 1: disabled pre-condition rules.
        if self.pre_condition(ix, RuleAction::Disabled) {
            return true;
        }
        // 3: Limit Conditions Check Process.
        self.limit_conditions_check(ix)
    }

    /// SN book UP.1 Limit Conditions Check Process.
    fn limit_conditions_check(&self, ix: ActivityIx) -> bool {
        let state = self.st(ix);
        // 1: untracked activities have no limits; 2: nor have active or suspended ones.
        if !self.tree.hot(ix).tracked || state.active || state.suspended {
            return false;
        }
        let activity = self.tree.get(ix);
        // 3: the attempt limit; 4: the attempt absolute duration limit.
        let duration_limit = activity
            .sequencing
            .limit_conditions
            .attempt_absolute_duration_limit_secs;
        let too_long = duration_limit
            .is_some_and(|limit| state.attempted() && state.attempt_absolute_secs >= limit);
        self.attempt_limit_exceeded(ix) || too_long
    }
}

/// Combines condition values: `all` is a three-valued AND, `any` a three-valued OR.
pub(crate) fn combine(
    combination: ConditionCombination,
    values: impl Iterator<Item = Option<bool>>,
) -> Option<bool> {
    let (decisive, neutral) = match combination {
        ConditionCombination::All => (false, true),
        ConditionCombination::Any => (true, false),
    };
    let mut unknown = false;
    for value in values {
        match value {
            Some(v) if v == decisive => return Some(decisive),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(neutral) }
}

/// `not` negates a known value; unknown stays unknown.
pub(crate) fn apply_operator(operator: ConditionOperator, value: Option<bool>) -> Option<bool> {
    match operator {
        ConditionOperator::NoOp => value,
        ConditionOperator::Not => value.map(|v| !v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_combinations() {
        use ConditionCombination::{All, Any};
        assert_eq!(combine(All, [Some(true), None].into_iter()), None);
        assert_eq!(combine(All, [Some(false), None].into_iter()), Some(false));
        assert_eq!(combine(Any, [Some(true), None].into_iter()), Some(true));
        assert_eq!(combine(Any, [Some(false), None].into_iter()), None);
        assert_eq!(combine(All, std::iter::empty()), Some(true));
    }

    #[test]
    fn not_keeps_unknown_unknown() {
        assert_eq!(apply_operator(ConditionOperator::Not, None), None);
        assert_eq!(
            apply_operator(ConditionOperator::Not, Some(true)),
            Some(false)
        );
    }
}
