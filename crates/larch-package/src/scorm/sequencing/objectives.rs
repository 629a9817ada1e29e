//! `<imsss:objectives>` (CAM 5.1.6) and the 4th Edition `<adlseq:objectives>` map extensions
//! (CAM 5.2.3), merged into one [`Objectives`] per activity.

use larch_sequencing::definition::{Objective, ObjectiveMap, Objectives};
use roxmltree::Node;

use crate::scorm::codes;
use crate::scorm::values::{invalid, parse_decimal, set_bool, uri_id};
use crate::scorm::xml::{Ctx, Ns, attr, elements, is, text};

/// `<imsss:objectives>`: the primary objective and the others, in document order.
pub(crate) fn imsss_objectives(ctx: &mut Ctx<'_>, node: Node<'_, '_>, objectives: &mut Objectives) {
    for element in elements(node) {
        if is(element, Ns::Imsss, "primaryObjective") {
            objectives.primary = Some(objective(ctx, element));
        } else if is(element, Ns::Imsss, "objective") {
            let parsed = objective(ctx, element);
            let duplicate = objectives
                .iter()
                .any(|o| o.id.is_some() && o.id == parsed.id);
            if duplicate {
                let id = parsed.id.unwrap_or_default();
                ctx.warn(
                    codes::DUPLICATE_IDENTIFIER,
                    format!(
                        "This activity already has an objective \"{id}\"; this one was ignored."
                    ),
                    element,
                );
            } else if parsed.id.is_some() {
                objectives.secondary.push(parsed);
            } else {
                ctx.warn(
                    codes::OBJECTIVE_ID_MISSING,
                    "This objective has no objectiveID, so it was ignored.".to_owned(),
                    element,
                );
            }
        } else {
            ctx.unknown(element);
        }
    }
}

fn objective(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Objective {
    let mut objective = Objective {
        id: id_attr(node, "objectiveID"),
        ..Objective::default()
    };
    set_bool(
        ctx,
        node,
        "satisfiedByMeasure",
        &mut objective.satisfied_by_measure,
    );
    for element in elements(node) {
        if is(element, Ns::Imsss, "minNormalizedMeasure") {
            let raw = text(element).unwrap_or_default();
            match parse_decimal(&raw, -1.0, 1.0) {
                Some(value) => objective.min_normalized_measure = value,
                None => {
                    let kept = format!("the default {}", objective.min_normalized_measure);
                    invalid(ctx, element, "minNormalizedMeasure", &raw, &kept);
                }
            }
        } else if is(element, Ns::Imsss, "mapInfo") {
            if let Some(map) = imsss_map(ctx, element) {
                objective.maps.push(map);
            }
        } else {
            ctx.unknown(element);
        }
    }
    objective
}

fn imsss_map(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Option<ObjectiveMap> {
    let mut map = ObjectiveMap::to_target(target(ctx, node)?);
    set_bool(
        ctx,
        node,
        "readSatisfiedStatus",
        &mut map.read_satisfied_status,
    );
    set_bool(
        ctx,
        node,
        "readNormalizedMeasure",
        &mut map.read_normalized_measure,
    );
    set_bool(
        ctx,
        node,
        "writeSatisfiedStatus",
        &mut map.write_satisfied_status,
    );
    set_bool(
        ctx,
        node,
        "writeNormalizedMeasure",
        &mut map.write_normalized_measure,
    );
    Some(map)
}

/// `<adlseq:objectives>`: each `<adlseq:objective objectiveID>` extends the objective of the
/// same id. A `<adlseq:mapInfo>` whose target an `<imsss:mapInfo>` already names sets that
/// map's extension flags (an explicit attribute wins over the default); a new target adds a
/// map that reads and writes only what the extension says, since no `<imsss:mapInfo>` asked
/// for satisfied status or normalized measure (the ADL sample RTE does the same).
pub(crate) fn adlseq_objectives(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    objectives: &mut Objectives,
) {
    for element in elements(node) {
        if !is(element, Ns::Adlseq, "objective") {
            ctx.unknown(element);
            continue;
        }
        let id = id_attr(element, "objectiveID");
        let matched = objectives
            .primary
            .iter_mut()
            .chain(objectives.secondary.iter_mut())
            .find(|o| o.id.is_some() && o.id == id);
        let Some(objective) = matched else {
            let id = id.unwrap_or_default();
            ctx.warn(
                codes::ADLSEQ_OBJECTIVE_UNMATCHED,
                format!("The ADL objective extension names objective \"{id}\", which this activity does not define, so its maps were ignored."),
                element,
            );
            continue;
        };
        for map_node in elements(element) {
            if is(map_node, Ns::Adlseq, "mapInfo") {
                adlseq_map(ctx, map_node, &mut objective.maps);
            } else {
                ctx.unknown(map_node);
            }
        }
    }
}

fn adlseq_map(ctx: &mut Ctx<'_>, node: Node<'_, '_>, maps: &mut Vec<ObjectiveMap>) {
    let Some(target) = target(ctx, node) else {
        return;
    };
    let index = match maps.iter().position(|m| m.target_objective_id == target) {
        Some(index) => index,
        None => {
            let mut map = ObjectiveMap::to_target(target);
            map.read_satisfied_status = false;
            map.read_normalized_measure = false;
            maps.push(map);
            maps.len() - 1
        }
    };
    let map = &mut maps[index];
    set_bool(ctx, node, "readRawScore", &mut map.read_raw_score);
    set_bool(ctx, node, "readMinScore", &mut map.read_min_score);
    set_bool(ctx, node, "readMaxScore", &mut map.read_max_score);
    set_bool(
        ctx,
        node,
        "readCompletionStatus",
        &mut map.read_completion_status,
    );
    set_bool(
        ctx,
        node,
        "readProgressMeasure",
        &mut map.read_progress_measure,
    );
    set_bool(ctx, node, "writeRawScore", &mut map.write_raw_score);
    set_bool(ctx, node, "writeMinScore", &mut map.write_min_score);
    set_bool(ctx, node, "writeMaxScore", &mut map.write_max_score);
    set_bool(
        ctx,
        node,
        "writeCompletionStatus",
        &mut map.write_completion_status,
    );
    set_bool(
        ctx,
        node,
        "writeProgressMeasure",
        &mut map.write_progress_measure,
    );
}

/// `targetObjectiveID`, in its compared form (see [`uri_id`]).
fn target(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> Option<String> {
    let target = id_attr(node, "targetObjectiveID");
    if target.is_none() {
        ctx.warn(
            codes::MAP_TARGET_MISSING,
            "This <mapInfo> has no targetObjectiveID, so it was ignored.".to_owned(),
            node,
        );
    }
    target
}

fn id_attr(node: Node<'_, '_>, name: &str) -> Option<String> {
    attr(node, name).and_then(uri_id)
}
