//! The ADL SCORM 2004 4th Edition conformance packages (`scorm2004-4th/adl-cts/`): every one
//! parses as 4th Edition without error, and the sequencing definitions of several are
//! checked against their manifests.

use crate::support::{FIXTURES, codes, parse_fixture};
use larch_package::scorm::sequencing_tree;
use larch_package::{Activity, ActivityDetails, Course, Edition, Standard};
use larch_sequencing::definition::{
    ChildActivitySet, ConditionCombination, ConditionOperator, RollupAction, RollupConditionKind,
    RollupConsideration, RuleAction, RuleConditionKind, SequencingDefinition,
};

fn course(test_case: &str) -> Course {
    let (result, _) = parse_fixture(&format!(
        "scorm2004-4th/adl-cts/LMSTestPackage_{test_case}.zip"
    ));
    result.unwrap_or_else(|e| panic!("{test_case}: {e}"))
}

fn activity<'c>(course: &'c Course, id: &str) -> &'c Activity {
    course
        .root
        .walk()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no activity {id}"))
}

fn seq<'c>(course: &'c Course, id: &str) -> &'c SequencingDefinition {
    match &activity(course, id).details {
        ActivityDetails::Scorm(d) => d
            .sequencing
            .as_ref()
            .expect("2004 activities have sequencing"),
        other => panic!("not SCORM: {other:?}"),
    }
}

#[test]
fn every_cts_package_parses_as_fourth_edition() {
    let dir = format!("{FIXTURES}/scorm2004-4th/adl-cts");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the CTS folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter(|n| n.starts_with("LMSTestPackage_") && n.ends_with(".zip"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 186,
        "only {} CTS packages found",
        names.len()
    );
    for name in &names {
        let (result, warnings) = parse_fixture(&format!("scorm2004-4th/adl-cts/{name}"));
        let course = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(course.standard, Standard::Scorm2004, "{name}");
        assert_eq!(course.edition, Some(Edition::Fourth), "{name}");
        // The only flaw of these packages: the test applet `common/LMSTest.jar` is not shipped.
        assert_eq!(codes(&warnings), ["file_missing"], "{name}");
        let tree = sequencing_tree(&course).unwrap_or_else(|| panic!("{name}: no tree"));
        let leaves = tree.root.walk().into_iter().filter(|a| a.is_leaf()).count();
        assert_eq!(
            leaves,
            course.launchable_count(),
            "{name}: every leaf launches"
        );
        assert!(course.launchable_count() >= 1, "{name}");
    }
}

#[test]
fn sx_10a_post_condition_objective_map_and_presentation() {
    let course = course("SX-10a");
    let a1 = activity(&course, "activity_1");
    let launch = a1.launch.as_ref().expect("launchable");
    assert_eq!(launch.url, "resources/SequencingTest.htm?tc=SX-10a&act=1");
    let ActivityDetails::Scorm(details) = &a1.details else {
        panic!()
    };
    assert_eq!(details.hide_lms_ui, ["continue", "previous", "suspendAll"]);
    let s = seq(&course, "activity_1");
    let rule = &s.rules.post_condition[0];
    assert_eq!(rule.action, RuleAction::ExitAll);
    assert_eq!(rule.conditions[0].condition, RuleConditionKind::Satisfied);
    assert_eq!(
        rule.conditions[0].referenced_objective.as_deref(),
        Some("obj1")
    );
    let obj1 = &s.objectives.secondary[0];
    assert_eq!(obj1.id.as_deref(), Some("obj1"));
    assert_eq!(obj1.maps[0].target_objective_id, "gObj_SX10a");
    assert!(obj1.maps[0].write_satisfied_status && obj1.maps[0].read_satisfied_status);
    assert!(s.objectives.primary.is_some());
    assert!(seq(&course, "SX-10a").control_mode.flow);
}

#[test]
fn cm_07d_collection_elements_are_overridden_element_by_element() {
    let course = course("CM-07d");
    // Local constrainedChoiceConsiderations replaces the collection's whole element.
    let a12 = seq(&course, "activity_12");
    assert!(a12.constrained_choice.prevent_activation && !a12.constrained_choice.constrain_choice);
    assert!(a12.control_mode.flow);
    // IDRef only: the collection's element as is.
    let a13 = seq(&course, "activity_13");
    assert!(a13.constrained_choice.prevent_activation && a13.constrained_choice.constrain_choice);
    assert!(!a13.control_mode.flow, "flow keeps its default");
    assert!(!seq(&course, "activity_7").control_mode.choice);
    assert!(
        seq(&course, "activity_4")
            .constrained_choice
            .constrain_choice
    );
}

#[test]
fn ru_04aa_rollup_rule_at_least_percent() {
    let course = course("RU-04aa");
    let rule = course
        .root
        .walk()
        .filter_map(|a| match &a.details {
            ActivityDetails::Scorm(d) => d.sequencing.as_ref(),
            _ => None,
        })
        .flat_map(|s| s.rollup.rules.iter())
        .find(|r| matches!(r.child_activity_set, ChildActivitySet::AtLeastPercent(_)))
        .expect("an atLeastPercent rule");
    assert_eq!(
        rule.child_activity_set,
        ChildActivitySet::AtLeastPercent(0.5)
    );
    assert_eq!(rule.condition_combination, ConditionCombination::Any);
    let kinds: Vec<_> = rule.conditions.iter().map(|c| c.condition).collect();
    assert_eq!(
        kinds,
        [
            RollupConditionKind::Satisfied,
            RollupConditionKind::ObjectiveMeasureKnown
        ]
    );
    assert_eq!(rule.action, RollupAction::Satisfied);
}

#[test]
fn co_01_and_co_03_adlseq_map_extensions() {
    let course = course("CO-01");
    let primary = seq(&course, "activity_1")
        .objectives
        .primary
        .clone()
        .expect("primary");
    assert_eq!(primary.id.as_deref(), Some("PRIMARYOBJ_1"));
    let map = &primary.maps[0];
    assert_eq!(map.target_objective_id, "gObj-CO01");
    assert!(map.write_completion_status && map.read_completion_status);
    assert!(
        !map.read_satisfied_status && !map.read_normalized_measure,
        "no imsss map asked for them"
    );

    let course = self::course("CO-03");
    let maps = &seq(&course, "activity_1")
        .objectives
        .primary
        .as_ref()
        .expect("primary")
        .maps;
    assert_eq!(maps.len(), 2);
    assert!(
        !maps[0].read_completion_status
            && !maps[0].read_progress_measure
            && maps[0].write_completion_status
    );
    assert!(maps[1].write_progress_measure && !maps[1].write_completion_status);
}

#[test]
fn ru_07a_rollup_considerations_limits_and_collection() {
    let course = course("RU-07a");
    let a3 = seq(&course, "activity_3");
    // Local limitConditions (attemptLimit 1) overrides the collection's (2).
    assert_eq!(a3.limit_conditions.attempt_limit, Some(1));
    assert!(!a3.rollup.rollup_progress_completion);
    assert_eq!(
        a3.rollup_considerations.required_for_satisfied,
        RollupConsideration::IfNotSkipped
    );
    assert_eq!(
        a3.rollup_considerations.required_for_completed,
        RollupConsideration::Always
    );
    assert_eq!(
        a3.rules.pre_condition[0].conditions[0].condition,
        RuleConditionKind::AttemptLimitExceeded
    );
    let a4 = seq(&course, "activity_4");
    assert_eq!(
        a4.rollup_considerations.required_for_completed,
        RollupConsideration::IfAttempted
    );
    assert_eq!(a4.rules.pre_condition[0].action, RuleAction::Skip);
}

#[test]
fn ms_02_measure_weights_and_thresholds() {
    let course = course("MS-02");
    assert_eq!(
        seq(&course, "activity_3").rollup.objective_measure_weight,
        0.75
    );
    assert_eq!(
        seq(&course, "activity_4").rollup.objective_measure_weight,
        0.25
    );
    let a2 = seq(&course, "activity_2");
    assert!(!a2.control_mode.choice && a2.control_mode.flow);
    let condition = &a2.rules.pre_condition[0].conditions[0];
    assert_eq!(
        condition.condition,
        RuleConditionKind::ObjectiveMeasureLessThan
    );
    assert_eq!(condition.measure_threshold, 0.6);
    assert_eq!(condition.operator, ConditionOperator::NoOp);
}

#[test]
fn ct_04_delivery_controls_and_ddmb_shared_data() {
    let course = course("CT-04");
    assert!(!seq(&course, "activity_4").delivery.tracked);
    assert!(seq(&course, "activity_3").delivery.tracked);

    let course = self::course("DDMb");
    let tree = sequencing_tree(&course).expect("a tree");
    assert!(!tree.shared_data_global_to_system);
    let ActivityDetails::Scorm(d1) = &activity(&course, "activity_1").details else {
        panic!()
    };
    let ActivityDetails::Scorm(d2) = &activity(&course, "activity_2").details else {
        panic!()
    };
    let targets: Vec<&str> = d1
        .shared_data
        .iter()
        .map(|m| m.target_id.as_str())
        .collect();
    assert_eq!(targets, ["tarID_1", "tarID_2", "tarID_3"]);
    assert!(d1.shared_data.iter().all(|m| m.read && m.write));
    assert!(d2.shared_data.iter().all(|m| m.read && !m.write));
}

#[test]
fn ob_02a_objective_identifiers_compare_as_uris() {
    let course = course("OB-02a");
    let mut ids: Vec<String> = Vec::new();
    for activity in course.root.walk() {
        let ActivityDetails::Scorm(d) = &activity.details else {
            continue;
        };
        let Some(s) = &d.sequencing else { continue };
        ids.extend(s.objectives.iter().filter_map(|o| o.id.clone()));
        ids.extend(
            s.objectives
                .iter()
                .flat_map(|o| o.maps.iter().map(|m| m.target_objective_id.clone())),
        );
        let rules = s.rules.pre_condition.iter().chain(&s.rules.post_condition);
        ids.extend(rules.flat_map(|r| {
            r.conditions
                .iter()
                .filter_map(|c| c.referenced_objective.clone())
        }));
    }
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(
            !id.contains('%') && id.trim() == id && !id.contains("  "),
            "{id:?} is not normalized"
        );
    }
}

#[test]
fn parsed_courses_round_trip_through_json() {
    for case in ["RU-04aa", "CO-03", "CM-07d", "DDMb"] {
        let course = course(case);
        let json = serde_json::to_string(&course).expect("serializable");
        let back: Course = serde_json::from_str(&json).expect("deserializable");
        assert_eq!(back, course, "{case}");
    }
}

#[test]
fn ob_06_inherited_adlseq_objectives_extend_local_objectives() {
    // The item defines <imsss:objectives> itself; <adlseq:objectives> comes from the
    // collection entry and extends the item's own primary objective, as the ADL RTE merges.
    let course = course("OB-06");
    let primary = seq(&course, "activity_1")
        .objectives
        .primary
        .clone()
        .expect("primary");
    assert_eq!(primary.id.as_deref(), Some("PRIMARYOBJ"));
    let map = &primary.maps[0];
    assert_eq!(map.target_objective_id, "gObj-OB06");
    assert!(map.write_satisfied_status && map.write_normalized_measure);
    assert!(map.write_raw_score && map.write_completion_status && map.write_progress_measure);
}
