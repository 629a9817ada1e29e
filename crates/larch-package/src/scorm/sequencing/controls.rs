//! The attribute-only parts of `<imsss:sequencing>`: control mode (CAM 5.1.2), limit
//! conditions (5.1.4), randomization controls (5.1.8), delivery controls (5.1.9), and the ADL
//! extensions `constrainedChoiceConsiderations` (5.2.1) and `rollupConsiderations` (5.2.2).

use larch_sequencing::definition::{
    ConstrainedChoice, ControlMode, DeliveryControls, LimitConditions, RandomizationControls,
    RandomizationTiming, RollupConsideration, RollupConsiderations, parse_duration_secs,
};
use roxmltree::Node;

use crate::scorm::values::{invalid, non_negative, set_bool, set_token};
use crate::scorm::xml::{Ctx, attr};

/// `<imsss:controlMode>`.
pub(crate) fn control_mode(ctx: &mut Ctx<'_>, node: Node<'_, '_>, mode: &mut ControlMode) {
    set_bool(ctx, node, "choice", &mut mode.choice);
    set_bool(ctx, node, "choiceExit", &mut mode.choice_exit);
    set_bool(ctx, node, "flow", &mut mode.flow);
    set_bool(ctx, node, "forwardOnly", &mut mode.forward_only);
    set_bool(
        ctx,
        node,
        "useCurrentAttemptObjectiveInfo",
        &mut mode.use_current_attempt_objective_info,
    );
    set_bool(
        ctx,
        node,
        "useCurrentAttemptProgressInfo",
        &mut mode.use_current_attempt_progress_info,
    );
}

/// `<imsss:limitConditions>`. SCORM requires only `attemptLimit` and
/// `attemptAbsoluteDurationLimit` (CAM 5.1.4); the other limits are optional for LMSs and
/// Larch ignores them. Returns the duration limit as written.
pub(crate) fn limit_conditions(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    limits: &mut LimitConditions,
) -> Option<String> {
    // CAM 5.1.4: attemptLimit 0 means no limit, like an absent attribute.
    if let Some(limit) = non_negative(ctx, node, "attemptLimit", &"no attempt limit") {
        limits.attempt_limit = (limit > 0).then_some(limit);
    }
    let raw = attr(node, "attemptAbsoluteDurationLimit")?;
    match parse_duration_secs(raw) {
        Ok(secs) => limits.attempt_absolute_duration_limit_secs = Some(secs),
        Err(_) => invalid(
            ctx,
            node,
            "attemptAbsoluteDurationLimit",
            raw,
            &"no duration limit",
        ),
    }
    Some(raw.trim().to_owned())
}

/// `<imsss:randomizationControls>`.
pub(crate) fn randomization(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    controls: &mut RandomizationControls,
) {
    let timing = RandomizationTiming::from_token;
    set_token(
        ctx,
        node,
        "randomizationTiming",
        timing,
        &mut controls.randomization_timing,
    );
    set_token(
        ctx,
        node,
        "selectionTiming",
        timing,
        &mut controls.selection_timing,
    );
    set_bool(ctx, node, "reorderChildren", &mut controls.reorder_children);
    if let Some(count) = non_negative(ctx, node, "selectCount", &"no selection") {
        controls.select_count = Some(count);
    }
}

/// `<imsss:deliveryControls>`.
pub(crate) fn delivery(ctx: &mut Ctx<'_>, node: Node<'_, '_>, controls: &mut DeliveryControls) {
    set_bool(ctx, node, "tracked", &mut controls.tracked);
    set_bool(
        ctx,
        node,
        "completionSetByContent",
        &mut controls.completion_set_by_content,
    );
    set_bool(
        ctx,
        node,
        "objectiveSetByContent",
        &mut controls.objective_set_by_content,
    );
}

/// `<adlseq:constrainedChoiceConsiderations>`.
pub(crate) fn constrained_choice(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    choice: &mut ConstrainedChoice,
) {
    set_bool(
        ctx,
        node,
        "preventActivation",
        &mut choice.prevent_activation,
    );
    set_bool(ctx, node, "constrainChoice", &mut choice.constrain_choice);
}

/// `<adlseq:rollupConsiderations>`.
pub(crate) fn rollup_considerations(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    considerations: &mut RollupConsiderations,
) {
    let token = RollupConsideration::from_token;
    let c = considerations;
    set_token(
        ctx,
        node,
        "requiredForSatisfied",
        token,
        &mut c.required_for_satisfied,
    );
    set_token(
        ctx,
        node,
        "requiredForNotSatisfied",
        token,
        &mut c.required_for_not_satisfied,
    );
    set_token(
        ctx,
        node,
        "requiredForCompleted",
        token,
        &mut c.required_for_completed,
    );
    set_token(
        ctx,
        node,
        "requiredForIncomplete",
        token,
        &mut c.required_for_incomplete,
    );
    set_bool(
        ctx,
        node,
        "measureSatisfactionIfActive",
        &mut c.measure_satisfaction_if_active,
    );
}
