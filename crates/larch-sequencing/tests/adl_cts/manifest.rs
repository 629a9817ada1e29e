//! A minimal `imsmanifest.xml` reader for the CTS packages: the default organization's
//! items with their `imsss`/`adlseq` sequencing, the `act=N` launch parameter and
//! `hideLMSUI`. (To be replaced by `larch_package::scorm::parse` + `sequencing_tree`.)

use std::collections::HashMap;

use larch_sequencing::definition::*;
use roxmltree::{Document, Node};

/// What the harness needs from a CTS manifest.
pub struct CtsCourse {
    pub tree: TreeDefinition,
    /// Item identifier → its `act=N` launch parameter.
    pub acts: HashMap<String, String>,
    /// Item identifier → `hideLMSUI` tokens.
    pub hidden_ui: HashMap<String, Vec<String>>,
    /// Items whose content calls `Terminate` only when unloaded
    /// (`SequencingTestSingleDoTerminate.htm`): the learner's navigation ends them.
    pub terminate_on_unload: std::collections::HashSet<String>,
    /// Resource identifier → href.
    resources: HashMap<String, String>,
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// An attribute by local name, in any namespace (`adlseq:objectivesGlobalToSystem`).
fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn flag(node: Node, name: &str, default: bool) -> bool {
    attr(node, name).map_or(default, |v| v.trim() == "true")
}

/// An identifier as the CTS packages expect it compared: percent-decoded, with white space
/// trimmed and collapsed (`"  %20obj%20%201%20  "` is `obj 1`).
fn ident(node: Node, name: &str) -> Option<String> {
    let raw = node.attribute(name)?;
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    let text = String::from_utf8_lossy(&decoded);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn number(node: Node, name: &str) -> Option<f64> {
    node.attribute(name).and_then(|v| v.trim().parse().ok())
}

pub fn read(xml: &str) -> Result<CtsCourse, String> {
    let doc = Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let manifest = doc.root_element();
    let collection: HashMap<String, Node> = child(manifest, "sequencingCollection")
        .map(|c| {
            children(c, "sequencing")
                .filter_map(|s| Some((ident(s, "ID")?, s)))
                .collect()
        })
        .unwrap_or_default();
    let orgs = child(manifest, "organizations").ok_or("no organizations")?;
    let default = ident(orgs, "default");
    let org = children(orgs, "organization")
        .find(|o| default.is_none() || ident(*o, "identifier") == default)
        .or_else(|| child(orgs, "organization"))
        .ok_or("no organization")?;
    let mut course = CtsCourse {
        tree: TreeDefinition {
            root: ActivityDefinition::new("", ""),
            objectives_global_to_system: flag(org, "objectivesGlobalToSystem", true),
            shared_data_global_to_system: flag(org, "sharedDataGlobalToSystem", true),
        },
        acts: HashMap::new(),
        hidden_ui: HashMap::new(),
        terminate_on_unload: Default::default(),
        resources: child(manifest, "resources")
            .map(|r| {
                children(r, "resource")
                    .filter_map(|r| {
                        Some((ident(r, "identifier")?, r.attribute("href")?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    course.tree.root = item(org, &collection, &mut course);
    Ok(course)
}

fn item(
    node: Node,
    collection: &HashMap<String, Node>,
    course: &mut CtsCourse,
) -> ActivityDefinition {
    let id = ident(node, "identifier").unwrap_or_default();
    let title = child(node, "title")
        .and_then(|t| t.text())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut def = ActivityDefinition::new(id.clone(), title);
    def.is_visible = flag(node, "isvisible", true);
    let href = ident(node, "identifierref").and_then(|r| course.resources.get(&r));
    if href.is_some_and(|h| h.contains("SingleDoTerminate")) {
        course.terminate_on_unload.insert(id.clone());
    }
    if let Some(act) = node.attribute("parameters").and_then(act_number) {
        course.acts.insert(id.clone(), act);
    }
    if let Some(seq) = child(node, "sequencing") {
        if let Some(base) = ident(seq, "IDRef").and_then(|r| collection.get(&r)) {
            sequencing(*base, &mut def.sequencing);
        }
        sequencing(seq, &mut def.sequencing);
    }
    if let Some(ct) = child(node, "completionThreshold") {
        let t = &mut def.completion_threshold;
        t.completed_by_measure = flag(ct, "completedByMeasure", false);
        t.min_progress_measure = number(ct, "minProgressMeasure")
            .or_else(|| ct.text().and_then(|v| v.trim().parse().ok()))
            .unwrap_or(1.0);
        t.progress_weight = number(ct, "progressWeight").unwrap_or(1.0);
    }
    let hidden: Vec<String> = node
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "hideLMSUI"
                && n.parent().and_then(|p| p.parent()).and_then(|p| p.parent()) == Some(node)
        })
        .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
        .collect();
    course.hidden_ui.insert(id, hidden);
    def.children = children(node, "item")
        .map(|c| item(c, collection, course))
        .collect();
    def
}

fn act_number(parameters: &str) -> Option<String> {
    parameters
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("act="))
        .map(str::to_owned)
}

fn sequencing(node: Node, seq: &mut SequencingDefinition) {
    if let Some(cm) = child(node, "controlMode") {
        seq.control_mode = ControlMode::default();
        let m = &mut seq.control_mode;
        m.choice = flag(cm, "choice", m.choice);
        m.choice_exit = flag(cm, "choiceExit", m.choice_exit);
        m.flow = flag(cm, "flow", m.flow);
        m.forward_only = flag(cm, "forwardOnly", m.forward_only);
        m.use_current_attempt_objective_info = flag(
            cm,
            "useCurrentAttemptObjectiveInfo",
            m.use_current_attempt_objective_info,
        );
        m.use_current_attempt_progress_info = flag(
            cm,
            "useCurrentAttemptProgressInfo",
            m.use_current_attempt_progress_info,
        );
    }
    if let Some(rules) = child(node, "sequencingRules") {
        seq.rules.pre_condition = children(rules, "preConditionRule")
            .filter_map(rule)
            .collect();
        seq.rules.exit_condition = children(rules, "exitConditionRule")
            .filter_map(rule)
            .collect();
        seq.rules.post_condition = children(rules, "postConditionRule")
            .filter_map(rule)
            .collect();
    }
    if let Some(limits) = child(node, "limitConditions") {
        let attempts = limits
            .attribute("attemptLimit")
            .and_then(|v| v.trim().parse::<u32>().ok());
        seq.limit_conditions.attempt_limit = attempts.filter(|n| *n > 0);
        seq.limit_conditions.attempt_absolute_duration_limit_secs = limits
            .attribute("attemptAbsoluteDurationLimit")
            .and_then(|d| parse_duration_secs(d).ok());
    }
    if let Some(rollup) = child(node, "rollupRules") {
        let r = &mut seq.rollup;
        r.rollup_objective_satisfied = flag(rollup, "rollupObjectiveSatisfied", true);
        r.rollup_progress_completion = flag(rollup, "rollupProgressCompletion", true);
        r.objective_measure_weight = number(rollup, "objectiveMeasureWeight").unwrap_or(1.0);
        r.rules = children(rollup, "rollupRule")
            .filter_map(rollup_rule)
            .collect();
    }
    if let Some(objectives) = child(node, "objectives") {
        seq.objectives.primary = child(objectives, "primaryObjective").map(objective);
        seq.objectives.secondary = children(objectives, "objective").map(objective).collect();
    }
    if let Some(r) = child(node, "randomizationControls") {
        let c = &mut seq.randomization;
        c.randomization_timing = timing(r.attribute("randomizationTiming"));
        c.selection_timing = timing(r.attribute("selectionTiming"));
        c.select_count = r
            .attribute("selectCount")
            .and_then(|v| v.trim().parse().ok());
        c.reorder_children = flag(r, "reorderChildren", false);
    }
    if let Some(d) = child(node, "deliveryControls") {
        seq.delivery.tracked = flag(d, "tracked", true);
        seq.delivery.completion_set_by_content = flag(d, "completionSetByContent", false);
        seq.delivery.objective_set_by_content = flag(d, "objectiveSetByContent", false);
    }
    if let Some(c) = child(node, "constrainedChoiceConsiderations") {
        seq.constrained_choice.prevent_activation = flag(c, "preventActivation", false);
        seq.constrained_choice.constrain_choice = flag(c, "constrainChoice", false);
    }
    if let Some(c) = child(node, "rollupConsiderations") {
        let r = &mut seq.rollup_considerations;
        let consider = |name| {
            c.attribute(name)
                .and_then(RollupConsideration::from_token)
                .unwrap_or_default()
        };
        r.required_for_satisfied = consider("requiredForSatisfied");
        r.required_for_not_satisfied = consider("requiredForNotSatisfied");
        r.required_for_completed = consider("requiredForCompleted");
        r.required_for_incomplete = consider("requiredForIncomplete");
        r.measure_satisfaction_if_active = flag(c, "measureSatisfactionIfActive", true);
    }
    if let Some(adl) = children(node, "objectives").find(|o| {
        o.tag_name()
            .namespace()
            .is_some_and(|n| n.contains("adlseq"))
    }) {
        extended_maps(adl, &mut seq.objectives);
    }
}

fn timing(token: Option<&str>) -> RandomizationTiming {
    match token {
        Some("once") => RandomizationTiming::Once,
        Some("onEachNewAttempt") => RandomizationTiming::OnEachNewAttempt,
        _ => RandomizationTiming::Never,
    }
}

fn combination(node: Node, default: ConditionCombination) -> ConditionCombination {
    match node.attribute("conditionCombination") {
        Some("any") => ConditionCombination::Any,
        Some("all") => ConditionCombination::All,
        _ => default,
    }
}

fn operator(node: Node) -> ConditionOperator {
    if node.attribute("operator") == Some("not") {
        ConditionOperator::Not
    } else {
        ConditionOperator::NoOp
    }
}

fn rule(node: Node) -> Option<SequencingRule> {
    let conditions = child(node, "ruleConditions")?;
    Some(SequencingRule {
        condition_combination: combination(conditions, ConditionCombination::All),
        conditions: children(conditions, "ruleCondition")
            .filter_map(|c| {
                Some(RuleCondition {
                    referenced_objective: ident(c, "referencedObjective"),
                    measure_threshold: number(c, "measureThreshold").unwrap_or(0.0),
                    operator: operator(c),
                    condition: RuleConditionKind::from_token(c.attribute("condition")?)?,
                })
            })
            .collect(),
        action: RuleAction::from_token(child(node, "ruleAction")?.attribute("action")?)?,
    })
}

fn rollup_rule(node: Node) -> Option<RollupRule> {
    let conditions = child(node, "rollupConditions")?;
    let set = match node.attribute("childActivitySet").unwrap_or("all") {
        "any" => ChildActivitySet::Any,
        "none" => ChildActivitySet::None,
        "atLeastCount" => {
            ChildActivitySet::AtLeastCount(number(node, "minimumCount").unwrap_or(0.0) as u32)
        }
        "atLeastPercent" => {
            ChildActivitySet::AtLeastPercent(number(node, "minimumPercent").unwrap_or(0.0))
        }
        _ => ChildActivitySet::All,
    };
    Some(RollupRule {
        child_activity_set: set,
        condition_combination: combination(conditions, ConditionCombination::Any),
        conditions: children(conditions, "rollupCondition")
            .filter_map(|c| {
                Some(RollupCondition {
                    operator: operator(c),
                    condition: RollupConditionKind::from_token(c.attribute("condition")?)?,
                })
            })
            .collect(),
        action: RollupAction::from_token(child(node, "rollupAction")?.attribute("action")?)?,
    })
}

fn objective(node: Node) -> Objective {
    Objective {
        id: ident(node, "objectiveID"),
        satisfied_by_measure: flag(node, "satisfiedByMeasure", false),
        min_normalized_measure: child(node, "minNormalizedMeasure")
            .and_then(|m| m.text())
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(1.0),
        maps: children(node, "mapInfo")
            .map(|m| ObjectiveMap {
                target_objective_id: ident(m, "targetObjectiveID").unwrap_or_default(),
                read_satisfied_status: flag(m, "readSatisfiedStatus", true),
                read_normalized_measure: flag(m, "readNormalizedMeasure", true),
                write_satisfied_status: flag(m, "writeSatisfiedStatus", false),
                write_normalized_measure: flag(m, "writeNormalizedMeasure", false),
                ..ObjectiveMap::default()
            })
            .collect(),
    }
}

/// `adlseq:objectives/adlseq:objective/adlseq:mapInfo`: the 4th Ed extended map flags,
/// merged into the `imsss` map with the same target, or added as a new map.
fn extended_maps(node: Node, objectives: &mut Objectives) {
    for adl_objective in children(node, "objective") {
        let id = ident(adl_objective, "objectiveID");
        let target = match &mut objectives.primary {
            Some(p) if p.id == id => Some(p),
            _ => objectives.secondary.iter_mut().find(|o| o.id == id),
        };
        let Some(target) = target else { continue };
        for m in children(adl_objective, "mapInfo") {
            let target_id = ident(m, "targetObjectiveID").unwrap_or_default();
            let map = match target
                .maps
                .iter()
                .position(|x| x.target_objective_id == target_id)
            {
                Some(i) => &mut target.maps[i],
                None => {
                    target.maps.push(ObjectiveMap {
                        read_satisfied_status: false,
                        read_normalized_measure: false,
                        ..ObjectiveMap::to_target(target_id.clone())
                    });
                    target.maps.last_mut().expect("just pushed")
                }
            };
            map.read_raw_score = flag(m, "readRawScore", true);
            map.read_min_score = flag(m, "readMinScore", true);
            map.read_max_score = flag(m, "readMaxScore", true);
            map.read_completion_status = flag(m, "readCompletionStatus", true);
            map.read_progress_measure = flag(m, "readProgressMeasure", true);
            map.write_raw_score = flag(m, "writeRawScore", false);
            map.write_min_score = flag(m, "writeMinScore", false);
            map.write_max_score = flag(m, "writeMaxScore", false);
            map.write_completion_status = flag(m, "writeCompletionStatus", false);
            map.write_progress_measure = flag(m, "writeProgressMeasure", false);
        }
    }
}
