//! `<imsss:sequencingRules>` (CAM 5.1.3) and `<imsss:rollupRules>` (CAM 5.1.5).

use larch_sequencing::definition::{
    ChildActivitySet, ConditionCombination, ConditionOperator, RollupAction, RollupCondition,
    RollupConditionKind, RollupRule, RollupRules, RuleAction, RuleCondition, RuleConditionKind,
    RuleKind, SequencingRule, SequencingRules,
};
use roxmltree::Node;

use crate::scorm::codes;
use crate::scorm::values::{
    invalid, non_negative, parse_decimal, set_bool, set_decimal, set_token, token, uri_id,
};
use crate::scorm::xml::{Ctx, Ns, attr, elements, is};

/// `<imsss:sequencingRules>`: pre-condition, exit-condition and post-condition rules in
/// document order. Invalid rules are dropped with a warning.
pub(crate) fn sequencing_rules(ctx: &mut Ctx<'_>, node: Node<'_, '_>, rules: &mut SequencingRules) {
    for element in elements(node) {
        let (kind, list) = match element.tag_name().name() {
            "preConditionRule" if Ns::of(element) == Ns::Imsss => {
                (RuleKind::PreCondition, &mut rules.pre_condition)
            }
            "exitConditionRule" if Ns::of(element) == Ns::Imsss => {
                (RuleKind::ExitCondition, &mut rules.exit_condition)
            }
            "postConditionRule" if Ns::of(element) == Ns::Imsss => {
                (RuleKind::PostCondition, &mut rules.post_condition)
            }
            _ => {
                ctx.unknown(element);
                continue;
            }
        };
        if let Some(rule) = sequencing_rule(ctx, element, kind) {
            list.push(rule);
        }
    }
}

fn sequencing_rule(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    kind: RuleKind,
) -> Option<SequencingRule> {
    let mut combination = ConditionCombination::default();
    let mut conditions = Vec::new();
    let mut action = None;
    for element in elements(node) {
        if is(element, Ns::Imsss, "ruleConditions") {
            set_token(
                ctx,
                element,
                "conditionCombination",
                ConditionCombination::from_token,
                &mut combination,
            );
            conditions.extend(elements(element).filter_map(|c| rule_condition(ctx, c)));
        } else if is(element, Ns::Imsss, "ruleAction") {
            action = rule_action(ctx, element, kind);
        } else {
            ctx.unknown(element);
        }
    }
    let Some(action) = action.filter(|_| !conditions.is_empty()) else {
        let name = node.tag_name().name();
        ctx.warn(
            codes::RULE_INVALID,
            format!("This <{name}> has no valid conditions or no valid action, so it was ignored."),
            node,
        );
        return None;
    };
    Some(SequencingRule {
        condition_combination: combination,
        conditions,
        action,
    })
}

fn rule_condition(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Option<RuleCondition> {
    if !is(node, Ns::Imsss, "ruleCondition") {
        ctx.unknown(node);
        return None;
    }
    let raw = attr(node, "condition").unwrap_or_default();
    let Some(kind) = token(raw, RuleConditionKind::from_token) else {
        invalid(
            ctx,
            node,
            "condition",
            raw,
            &"nothing (the condition was dropped)",
        );
        return None;
    };
    let mut condition = RuleCondition::new(kind);
    condition.referenced_objective = attr(node, "referencedObjective").and_then(uri_id);
    set_decimal(
        ctx,
        node,
        "measureThreshold",
        (-1.0, 1.0),
        &mut condition.measure_threshold,
    );
    set_token(
        ctx,
        node,
        "operator",
        ConditionOperator::from_token,
        &mut condition.operator,
    );
    Some(condition)
}

fn rule_action(ctx: &mut Ctx<'_>, node: Node<'_, '_>, kind: RuleKind) -> Option<RuleAction> {
    let raw = attr(node, "action").unwrap_or_default();
    let action = token(raw, RuleAction::from_token).filter(|a| a.is_legal_for(kind));
    if action.is_none() {
        invalid(ctx, node, "action", raw, &"nothing (the rule was dropped)");
    }
    action
}

/// `<imsss:rollupRules>`: the rollup controls and the rules in document order.
pub(crate) fn rollup_rules(ctx: &mut Ctx<'_>, node: Node<'_, '_>, rollup: &mut RollupRules) {
    set_bool(
        ctx,
        node,
        "rollupObjectiveSatisfied",
        &mut rollup.rollup_objective_satisfied,
    );
    set_bool(
        ctx,
        node,
        "rollupProgressCompletion",
        &mut rollup.rollup_progress_completion,
    );
    set_decimal(
        ctx,
        node,
        "objectiveMeasureWeight",
        (0.0, 1.0),
        &mut rollup.objective_measure_weight,
    );
    for element in elements(node) {
        if !is(element, Ns::Imsss, "rollupRule") {
            ctx.unknown(element);
            continue;
        }
        if let Some(rule) = rollup_rule(ctx, element) {
            rollup.rules.push(rule);
        }
    }
}

fn rollup_rule(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Option<RollupRule> {
    let mut conditions_node = None;
    let mut action = None;
    for element in elements(node) {
        if is(element, Ns::Imsss, "rollupConditions") {
            conditions_node = Some(element);
        } else if is(element, Ns::Imsss, "rollupAction") {
            let raw = attr(element, "action").unwrap_or_default();
            action = token(raw, RollupAction::from_token);
            if action.is_none() {
                invalid(
                    ctx,
                    element,
                    "action",
                    raw,
                    &"nothing (the rule was dropped)",
                );
            }
        } else {
            ctx.unknown(element);
        }
    }
    let mut rule = RollupRule::new(action?);
    child_activity_set(ctx, node, &mut rule.child_activity_set);
    if let Some(conditions) = conditions_node {
        let combination = ConditionCombination::from_token;
        set_token(
            ctx,
            conditions,
            "conditionCombination",
            combination,
            &mut rule.condition_combination,
        );
        rule.conditions = elements(conditions)
            .filter_map(|c| rollup_condition(ctx, c))
            .collect();
    }
    if rule.conditions.is_empty() {
        ctx.warn(
            codes::RULE_INVALID,
            "This <rollupRule> has no valid conditions, so it was ignored.".to_owned(),
            node,
        );
        return None;
    }
    Some(rule)
}

fn child_activity_set(ctx: &mut Ctx<'_>, node: Node<'_, '_>, set: &mut ChildActivitySet) {
    let count = non_negative(ctx, node, "minimumCount", &"0");
    let percent = attr(node, "minimumPercent").and_then(|raw| {
        let parsed = parse_decimal(raw, 0.0, 1.0);
        if parsed.is_none() {
            invalid(ctx, node, "minimumPercent", raw, &"0");
        }
        parsed
    });
    let Some(raw) = attr(node, "childActivitySet") else {
        return;
    };
    match token(raw, |t| ChildActivitySet::from_token(t, count, percent)) {
        Some(parsed) => *set = parsed,
        None => invalid(
            ctx,
            node,
            "childActivitySet",
            raw,
            &format!("the default {set:?}"),
        ),
    }
}

fn rollup_condition(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Option<RollupCondition> {
    if !is(node, Ns::Imsss, "rollupCondition") {
        ctx.unknown(node);
        return None;
    }
    let raw = attr(node, "condition").unwrap_or_default();
    let Some(condition) = token(raw, RollupConditionKind::from_token) else {
        invalid(
            ctx,
            node,
            "condition",
            raw,
            &"nothing (the condition was dropped)",
        );
        return None;
    };
    let mut operator = ConditionOperator::default();
    set_token(
        ctx,
        node,
        "operator",
        ConditionOperator::from_token,
        &mut operator,
    );
    Some(RollupCondition {
        operator,
        condition,
    })
}
