//! The sequencing definition of one activity: `<imsss:sequencing>` (CAM 5.1) merged with the
//! `<imsss:sequencingCollection>` entry its `IDRef` names, then read element by element into
//! the definition types of `larch_sequencing`, which hold every default.

mod controls;
mod objectives;
mod rules;

use std::collections::HashMap;

use larch_sequencing::definition::SequencingDefinition;
use roxmltree::Node;

use super::codes;
use super::xml::{Ctx, Ns, attr, elements, is};

/// The `<imsss:sequencing ID>` entries of a manifest's `<imsss:sequencingCollection>`.
pub(crate) type Collection<'a, 'i> = HashMap<String, Node<'a, 'i>>;

/// Reads `<imsss:sequencingCollection>` of a manifest.
pub(crate) fn collection<'a, 'i>(ctx: &mut Ctx<'_>, manifest: Node<'a, 'i>) -> Collection<'a, 'i> {
    let mut out = Collection::new();
    for coll in elements(manifest).filter(|e| is(*e, Ns::Imsss, "sequencingCollection")) {
        for seq in elements(coll) {
            let id = attr(seq, "ID").map(str::trim).filter(|id| !id.is_empty());
            match id {
                Some(id) if is(seq, Ns::Imsss, "sequencing") => {
                    if out.insert(id.to_owned(), seq).is_some() {
                        ctx.warn(
                            codes::DUPLICATE_IDENTIFIER,
                            format!("Two sequencing definitions of the collection have the ID \"{id}\"; the last one is used."),
                            seq,
                        );
                    }
                }
                _ => ctx.unknown(seq),
            }
        }
    }
    out
}

/// A parsed `<imsss:sequencing>`.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// The definition, defaults where the manifest is silent.
    pub definition: SequencingDefinition,
    /// `attemptAbsoluteDurationLimit` as written, for the activity's details.
    pub attempt_duration_limit: Option<String>,
}

/// The sequencing definition of the item or organization `owner`.
pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    owner: Node<'_, '_>,
    collection: &Collection<'_, '_>,
) -> Parsed {
    let mut parsed = Parsed::default();
    let Some(sequencing) = elements(owner).find(|e| is(*e, Ns::Imsss, "sequencing")) else {
        return parsed;
    };
    let mut adlseq_objectives = Vec::new();
    for element in merged(ctx, sequencing, collection) {
        if is(element, Ns::Adlseq, "objectives") {
            // Applied last: it extends objectives that `<imsss:objectives>` defines.
            adlseq_objectives.push(element);
        } else {
            apply(ctx, element, &mut parsed);
        }
    }
    for element in adlseq_objectives {
        objectives::adlseq_objectives(ctx, element, &mut parsed.definition.objectives);
    }
    check_referenced_objectives(ctx, sequencing, &parsed.definition);
    parsed
}

/// Warns about rule conditions that reference an objective the activity does not define
/// (SN 3.4.2: such a condition has no objective to read, so it evaluates to unknown).
fn check_referenced_objectives(
    ctx: &mut Ctx<'_>,
    at: Node<'_, '_>,
    definition: &SequencingDefinition,
) {
    let rules = &definition.rules;
    let referenced = [
        &rules.pre_condition,
        &rules.exit_condition,
        &rules.post_condition,
    ]
    .into_iter()
    .flatten()
    .flat_map(|rule| rule.conditions.iter())
    .filter_map(|condition| condition.referenced_objective.as_deref());
    let mut reported: Vec<&str> = Vec::new();
    for id in referenced {
        let known = definition
            .objectives
            .iter()
            .any(|o| o.id.as_deref() == Some(id));
        if !known && !reported.contains(&id) {
            reported.push(id);
            ctx.warn(
                codes::RULE_OBJECTIVE_UNKNOWN,
                format!("A sequencing rule refers to the objective \"{id}\", which this activity does not define, so that condition will always be unknown."),
                at,
            );
        }
    }
}

/// The child elements that define this activity's sequencing: its own, plus those of the
/// referenced collection entry that it does not define itself (CAM 5.1: "local" elements
/// override the collection's, element by element, as the ADL sample RTE merges them).
fn merged<'a, 'i>(
    ctx: &mut Ctx<'_>,
    sequencing: Node<'a, 'i>,
    collection: &Collection<'a, 'i>,
) -> Vec<Node<'a, 'i>> {
    let mut own: Vec<Node<'a, 'i>> = elements(sequencing).collect();
    let Some(reference) = attr(sequencing, "IDRef").map(str::trim) else {
        return own;
    };
    let Some(shared) = collection.get(reference) else {
        ctx.warn(
            codes::SEQUENCING_REFERENCE_MISSING,
            format!("The sequencing collection has no definition with the ID \"{reference}\", so only this activity's own sequencing elements were used."),
            sequencing,
        );
        return own;
    };
    let same = |a: Node<'_, '_>, b: Node<'_, '_>| {
        a.tag_name().name() == b.tag_name().name() && Ns::of(a) == Ns::of(b)
    };
    let inherited: Vec<Node<'a, 'i>> = elements(*shared)
        .filter(|s| !own.iter().any(|o| same(*o, *s)))
        .collect();
    own.extend(inherited);
    own
}

fn apply(ctx: &mut Ctx<'_>, element: Node<'_, '_>, parsed: &mut Parsed) {
    let def = &mut parsed.definition;
    match (Ns::of(element), element.tag_name().name()) {
        (Ns::Imsss, "controlMode") => controls::control_mode(ctx, element, &mut def.control_mode),
        (Ns::Imsss, "sequencingRules") => rules::sequencing_rules(ctx, element, &mut def.rules),
        (Ns::Imsss, "limitConditions") => {
            parsed.attempt_duration_limit =
                controls::limit_conditions(ctx, element, &mut def.limit_conditions);
        }
        // CAM 5.1.7: SCORM does not require LMSs to support auxiliary resources.
        (Ns::Imsss, "auxiliaryResources") => {}
        (Ns::Imsss, "rollupRules") => rules::rollup_rules(ctx, element, &mut def.rollup),
        (Ns::Imsss, "objectives") => {
            objectives::imsss_objectives(ctx, element, &mut def.objectives);
        }
        (Ns::Imsss, "randomizationControls") => {
            controls::randomization(ctx, element, &mut def.randomization);
        }
        (Ns::Imsss, "deliveryControls") => controls::delivery(ctx, element, &mut def.delivery),
        (Ns::Adlseq, "constrainedChoiceConsiderations") => {
            controls::constrained_choice(ctx, element, &mut def.constrained_choice);
        }
        (Ns::Adlseq, "rollupConsiderations") => {
            controls::rollup_considerations(ctx, element, &mut def.rollup_considerations);
        }
        _ => ctx.unknown(element),
    }
}
