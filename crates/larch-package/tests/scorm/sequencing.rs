//! `<imsss:sequencing>` in full: every element and attribute, collections, the 4th Edition
//! map extensions, and invalid values replaced by the defaults of the definition types.

use larch_sequencing::definition::{
    ChildActivitySet, ConditionCombination, ConditionOperator, ControlMode, DeliveryControls,
    Objective, RandomizationTiming, RollupAction, RollupConditionKind, RollupConsideration,
    RuleAction, RuleConditionKind,
};

use crate::support::{codes, manifest_2004, org, run, sco, sequencing};

const FULL: &str = r#"<item identifier="cluster"><title>Cluster</title>
  <item identifier="leaf" identifierref="r1"><title>Leaf</title>
    <imsss:sequencing>
      <imsss:sequencingRules>
        <imsss:preConditionRule>
          <imsss:ruleConditions conditionCombination="any">
            <imsss:ruleCondition condition="satisfied" operator="not" referencedObjective="obj1"/>
            <imsss:ruleCondition condition="objectiveMeasureGreaterThan" measureThreshold="-0.25"/>
          </imsss:ruleConditions>
          <imsss:ruleAction action="disabled"/>
        </imsss:preConditionRule>
        <imsss:exitConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="completed"/></imsss:ruleConditions>
          <imsss:ruleAction action="exit"/>
        </imsss:exitConditionRule>
        <imsss:postConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="always"/></imsss:ruleConditions>
          <imsss:ruleAction action="retryAll"/>
        </imsss:postConditionRule>
      </imsss:sequencingRules>
      <imsss:limitConditions attemptLimit="3" attemptAbsoluteDurationLimit="PT1H30M"/>
      <imsss:rollupRules rollupObjectiveSatisfied="false" objectiveMeasureWeight="0.5"/>
      <imsss:objectives>
        <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">
          <imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>
          <imsss:mapInfo targetObjectiveID="g1" readSatisfiedStatus="false" writeNormalizedMeasure="true"/>
        </imsss:primaryObjective>
        <imsss:objective objectiveID="obj1"><imsss:mapInfo targetObjectiveID="g2"/></imsss:objective>
      </imsss:objectives>
      <imsss:deliveryControls tracked="false" completionSetByContent="true" objectiveSetByContent="true"/>
      <adlseq:objectives>
        <adlseq:objective objectiveID="p">
          <adlseq:mapInfo targetObjectiveID="g1" readRawScore="false" writeMaxScore="true"/>
          <adlseq:mapInfo targetObjectiveID="g3" writeCompletionStatus="true"/>
        </adlseq:objective>
      </adlseq:objectives>
    </imsss:sequencing>
  </item>
  <item identifier="leaf2" identifierref="r1"><title>Leaf 2</title></item>
  <imsss:sequencing>
    <imsss:controlMode choice="false" choiceExit="false" flow="true" forwardOnly="true"
        useCurrentAttemptObjectiveInfo="false" useCurrentAttemptProgressInfo="false"/>
    <imsss:rollupRules rollupProgressCompletion="false">
      <imsss:rollupRule childActivitySet="atLeastCount" minimumCount="2">
        <imsss:rollupConditions conditionCombination="all">
          <imsss:rollupCondition condition="attempted" operator="not"/>
          <imsss:rollupCondition condition="completed"/>
        </imsss:rollupConditions>
        <imsss:rollupAction action="incomplete"/>
      </imsss:rollupRule>
      <imsss:rollupRule><imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions><imsss:rollupAction action="satisfied"/></imsss:rollupRule>
    </imsss:rollupRules>
    <imsss:randomizationControls randomizationTiming="onEachNewAttempt" selectCount="1" reorderChildren="true" selectionTiming="once"/>
    <adlseq:constrainedChoiceConsiderations preventActivation="true" constrainChoice="true"/>
    <adlseq:rollupConsiderations requiredForSatisfied="ifAttempted" requiredForNotSatisfied="ifNotSkipped"
        requiredForCompleted="ifNotSuspended" requiredForIncomplete="always" measureSatisfactionIfActive="false"/>
  </imsss:sequencing>
</item>"#;

#[test]
fn every_sequencing_element_is_read() {
    let manifest = manifest_2004(&org(FULL), &sco("r1", "a.html"));
    let (course, warnings) = run(&manifest, &["a.html"]);
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    let leaf = sequencing(&course, "leaf");
    let pre = &leaf.rules.pre_condition[0];
    assert_eq!(
        (pre.condition_combination, pre.action),
        (ConditionCombination::Any, RuleAction::Disabled)
    );
    assert_eq!(pre.conditions[0].operator, ConditionOperator::Not);
    assert_eq!(
        pre.conditions[0].referenced_objective.as_deref(),
        Some("obj1")
    );
    assert_eq!(
        pre.conditions[1].condition,
        RuleConditionKind::ObjectiveMeasureGreaterThan
    );
    assert_eq!(pre.conditions[1].measure_threshold, -0.25);
    assert_eq!(leaf.rules.exit_condition[0].action, RuleAction::Exit);
    assert_eq!(leaf.rules.post_condition[0].action, RuleAction::RetryAll);
    assert_eq!(leaf.limit_conditions.attempt_limit, Some(3));
    assert_eq!(
        leaf.limit_conditions.attempt_absolute_duration_limit_secs,
        Some(5400.0)
    );
    assert!(!leaf.rollup.rollup_objective_satisfied && leaf.rollup.rollup_progress_completion);
    assert_eq!(leaf.rollup.objective_measure_weight, 0.5);
    assert_eq!(
        leaf.delivery,
        DeliveryControls {
            tracked: false,
            completion_set_by_content: true,
            objective_set_by_content: true
        }
    );
    let primary: &Objective = leaf.objectives.primary.as_ref().expect("primary");
    assert!(primary.satisfied_by_measure && primary.min_normalized_measure == 0.7);
    let g1 = &primary.maps[0];
    assert!(!g1.read_satisfied_status && g1.write_normalized_measure);
    assert!(
        !g1.read_raw_score && g1.write_max_score && g1.read_min_score,
        "adlseq flags merged into the imsss map"
    );
    let g3 = &primary.maps[1];
    assert_eq!(g3.target_objective_id, "g3");
    assert!(g3.write_completion_status && !g3.read_satisfied_status && !g3.read_normalized_measure);
    assert_eq!(
        leaf.objectives.secondary[0].maps[0].target_objective_id,
        "g2"
    );
    let max_time = crate::support::details(&course, "leaf")
        .max_time_allowed
        .clone();
    assert_eq!(max_time.as_deref(), Some("PT1H30M"));

    let cluster = sequencing(&course, "cluster");
    assert_eq!(
        cluster.control_mode,
        ControlMode {
            choice: false,
            choice_exit: false,
            flow: true,
            forward_only: true,
            use_current_attempt_objective_info: false,
            use_current_attempt_progress_info: false,
        }
    );
    let rule = &cluster.rollup.rules[0];
    assert_eq!(rule.child_activity_set, ChildActivitySet::AtLeastCount(2));
    assert_eq!(rule.condition_combination, ConditionCombination::All);
    assert_eq!(rule.conditions[0].condition, RollupConditionKind::Attempted);
    assert_eq!(rule.conditions[0].operator, ConditionOperator::Not);
    assert_eq!(rule.action, RollupAction::Incomplete);
    let default_rule = &cluster.rollup.rules[1];
    assert_eq!(
        (
            default_rule.child_activity_set,
            default_rule.condition_combination
        ),
        (ChildActivitySet::All, ConditionCombination::Any)
    );
    let random = cluster.randomization;
    assert_eq!(
        random.randomization_timing,
        RandomizationTiming::OnEachNewAttempt
    );
    assert_eq!(random.selection_timing, RandomizationTiming::Once);
    assert_eq!(random.select_count, Some(1));
    assert!(random.reorder_children);
    assert!(
        cluster.constrained_choice.prevent_activation
            && cluster.constrained_choice.constrain_choice
    );
    let considerations = cluster.rollup_considerations;
    assert_eq!(
        considerations.required_for_satisfied,
        RollupConsideration::IfAttempted
    );
    assert_eq!(
        considerations.required_for_not_satisfied,
        RollupConsideration::IfNotSkipped
    );
    assert_eq!(
        considerations.required_for_completed,
        RollupConsideration::IfNotSuspended
    );
    assert!(!considerations.measure_satisfaction_if_active);
    // An item without <imsss:sequencing> has the defaults of the definition types.
    assert_eq!(*sequencing(&course, "leaf2"), Default::default());
}

#[test]
fn invalid_sequencing_values_keep_defaults_and_bad_rules_are_dropped() {
    let items = r#"<item identifier="leaf" identifierref="r1"><title>Leaf</title>
      <imsss:sequencing IDRef="nowhere">
        <imsss:controlMode choice="maybe" flow="TRUE"/>
        <imsss:sequencingRules>
          <imsss:preConditionRule>
            <imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions>
            <imsss:ruleAction action="retry"/>
          </imsss:preConditionRule>
          <imsss:postConditionRule>
            <imsss:ruleConditions><imsss:ruleCondition condition="Satisfied"/><imsss:ruleCondition condition="sunny"/></imsss:ruleConditions>
            <imsss:ruleAction action="exitParent"/>
          </imsss:postConditionRule>
        </imsss:sequencingRules>
        <imsss:limitConditions attemptLimit="0" attemptAbsoluteDurationLimit="90 minutes"/>
        <imsss:objectives>
          <imsss:primaryObjective><imsss:minNormalizedMeasure>2</imsss:minNormalizedMeasure><imsss:mapInfo/></imsss:primaryObjective>
          <imsss:objective/>
        </imsss:objectives>
        <imsss:randomizationControls randomizationTiming="sometimes" selectCount="-1"/>
        <adlseq:objectives><adlseq:objective objectiveID="unknown"><adlseq:mapInfo targetObjectiveID="g"/></adlseq:objective></adlseq:objectives>
        <imsss:bogus/>
      </imsss:sequencing>
    </item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(
        codes(&warnings),
        [
            "adlseq_objective_unmatched",
            "invalid_value",
            "map_target_missing",
            "objective_id_missing",
            "rule_invalid",
            "sequencing_reference_missing",
            "unknown_element"
        ]
    );
    let leaf = sequencing(&course, "leaf");
    assert!(
        leaf.control_mode.choice,
        "invalid value: the default is kept"
    );
    assert!(leaf.control_mode.flow, "booleans forgive letter case");
    assert!(
        leaf.rules.pre_condition.is_empty(),
        "retry is not a pre-condition action"
    );
    let post = &leaf.rules.post_condition[0];
    assert_eq!(post.conditions.len(), 1, "the unknown condition is dropped");
    assert_eq!(
        leaf.limit_conditions.attempt_limit, None,
        "0 means unlimited"
    );
    assert_eq!(
        leaf.limit_conditions.attempt_absolute_duration_limit_secs,
        None
    );
    let primary = leaf.objectives.primary.as_ref().expect("primary");
    assert_eq!(primary.min_normalized_measure, 1.0);
    assert!(primary.maps.is_empty());
    assert!(leaf.objectives.secondary.is_empty());
    assert_eq!(leaf.randomization, Default::default());
}

#[test]
fn collection_entries_fill_in_what_the_item_does_not_define() {
    let items = r#"<item identifier="a" identifierref="r1"><title>A</title>
        <imsss:sequencing IDRef="shared"><imsss:controlMode flow="true"/></imsss:sequencing></item>"#;
    let collection = r#"<imsss:sequencingCollection><imsss:sequencing ID="shared">
        <imsss:controlMode choice="false"/><imsss:deliveryControls tracked="false"/>
      </imsss:sequencing></imsss:sequencingCollection>"#;
    let manifest = manifest_2004(&org(items), &sco("r1", "a.html"))
        .replace("</manifest>", &format!("{collection}</manifest>"));
    let (course, warnings) = run(&manifest, &["a.html"]);
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    let a = sequencing(&course, "a");
    assert!(
        a.control_mode.flow && a.control_mode.choice,
        "the local controlMode replaces the shared one"
    );
    assert!(
        !a.delivery.tracked,
        "deliveryControls comes from the collection"
    );
}

#[test]
fn organization_flags_reach_the_sequencing_tree() {
    let organizations = r#"<organizations default="org"><organization identifier="org" adlseq:objectivesGlobalToSystem="false">
        <title>Course</title><item identifier="a" identifierref="r1" isvisible="false"><title>A</title></item>
        <imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing></organization></organizations>"#;
    let (course, _) = run(
        &manifest_2004(organizations, &sco("r1", "a.html")),
        &["a.html"],
    );
    let tree = larch_package::scorm::sequencing_tree(&course).expect("a tree");
    assert!(!tree.objectives_global_to_system && tree.shared_data_global_to_system);
    assert!(tree.root.sequencing.control_mode.flow);
    assert_eq!(tree.root.id, "org");
    assert!(!tree.root.children[0].is_visible);
}

#[test]
fn unknown_referenced_objectives_and_duplicate_objectives_are_reported() {
    let items = r#"<item identifier="a" identifierref="r1"><title>A</title><imsss:sequencing>
        <imsss:sequencingRules><imsss:preConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="satisfied" referencedObjective="ghost"/></imsss:ruleConditions>
          <imsss:ruleAction action="skip"/></imsss:preConditionRule></imsss:sequencingRules>
        <imsss:objectives><imsss:primaryObjective objectiveID="p"/>
          <imsss:objective objectiveID="o"/><imsss:objective objectiveID="o"><imsss:mapInfo targetObjectiveID="g"/></imsss:objective>
        </imsss:objectives></imsss:sequencing></item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(
        codes(&warnings),
        ["duplicate_identifier", "rule_objective_unknown"]
    );
    let a = sequencing(&course, "a");
    assert_eq!(a.objectives.secondary.len(), 1);
    assert!(
        a.objectives.secondary[0].maps.is_empty(),
        "the first definition is kept"
    );
    assert_eq!(a.rules.pre_condition.len(), 1, "the rule is kept");
}
