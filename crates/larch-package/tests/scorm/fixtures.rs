//! Every SCORM package of the shared fixtures (SCORM 1.2, 2004 2nd/3rd Ed, the malformed and
//! Moodle ones) through `scorm::parse`: standard, edition, launchable count and warning codes,
//! or the rejection and its code.

use crate::support::{codes, error_codes, parse_fixture};
use larch_package::{Edition, Standard};

/// What a fixture must give.
enum Expect {
    /// Parsed: standard, edition, launchable activities, distinct warning codes.
    Course(Standard, Option<Edition>, usize, &'static [&'static str]),
    /// Rejected with this error code, after these warning codes.
    Rejected(&'static str, &'static [&'static str]),
}

use Expect::{Course, Rejected};

const S12: Standard = Standard::Scorm12;
const S2004: Standard = Standard::Scorm2004;
const SECOND: Option<Edition> = Some(Edition::Second);
const THIRD: Option<Edition> = Some(Edition::Third);

const FIXTURES: &[(&str, Expect)] = &[
    (
        "scorm12/emp_ContentPackagingWithMetadata_SCORM12.zip",
        Course(S12, None, 1, &[]),
    ),
    (
        "scorm12/emp_LaunchUrlFromNestedItem_SCORM12.zip",
        Course(S12, None, 2, &[]),
    ),
    (
        "scorm12/emp_MultipleItemsWithIdentifierRef_SCORM12.zip",
        Course(S12, None, 3, &[]),
    ),
    (
        "scorm12/emp_PrerequisitesTest_SCORM12.zip",
        Course(S12, None, 4, &[]),
    ),
    (
        "scorm12/golf_ContentPackagingOneFilePerSCO_SCORM12.zip",
        Course(S12, None, 18, &[]),
    ),
    (
        "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip",
        Course(S12, None, 1, &[]),
    ),
    (
        "scorm12/golf_RuntimeBasicCalls_SCORM12.zip",
        Course(S12, None, 1, &[]),
    ),
    (
        "scorm12/golf_RuntimeMinimumCalls_SCORM12.zip",
        Course(S12, None, 18, &[]),
    ),
    (
        "scorm2004-2nd/golf_ContentPackagingSingleSCO_SCORM20042ndEdition.zip",
        Course(S2004, SECOND, 1, &[]),
    ),
    (
        "scorm2004-3rd/emp_AdlAttributes_SCORM20043rdEdition_manifestonly.zip",
        Rejected(
            "no_launchable_content",
            &[
                "launch_file_missing",
                "schema_version_contradicted",
                "scorm_type_missing",
            ],
        ),
    ),
    (
        "scorm2004-3rd/emp_MinimalValid_SCORM20043rdEdition_manifestonly.zip",
        Rejected(
            "no_launchable_content",
            &["launch_file_missing", "scorm_type_missing"],
        ),
    ),
    (
        "scorm2004-3rd/golf_ContentPackagingMetadata_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 1, &[]),
    ),
    (
        "scorm2004-3rd/golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 18, &[]),
    ),
    (
        "scorm2004-3rd/golf_ContentPackagingSingleSCO_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 1, &[]),
    ),
    (
        "scorm2004-3rd/golf_RunTimeAdvancedCalls_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 1, &[]),
    ),
    (
        "scorm2004-3rd/golf_RuntimeBasicCalls_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 1, &[]),
    ),
    (
        "scorm2004-3rd/golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 18, &[]),
    ),
    (
        "scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 5, &[]),
    ),
    (
        "scorm2004-3rd/golf_SequencingPostTestRollup_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 5, &[]),
    ),
    (
        "scorm2004-3rd/golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 8, &[]),
    ),
    (
        "malformed/emp_ComplexNestedOrganization_SCORM12_manifestonly.zip",
        Rejected("no_launchable_content", &["launch_file_missing"]),
    ),
    (
        "malformed/emp_ContentPackagingNoSchemaVersion_SCORM20042ndEdition.zip",
        Rejected(
            "no_launchable_content",
            &["launch_file_missing", "schema_version_missing"],
        ),
    ),
    (
        "malformed/emp_InvalidFileReferences_SCORM12.zip",
        Rejected(
            "no_launchable_content",
            &["file_missing", "launch_file_missing"],
        ),
    ),
    (
        "malformed/emp_InvalidMissingOrgIdentifier_SCORM20043rdEdition.zip",
        Rejected(
            "no_launchable_content",
            &[
                "default_organization_missing",
                "identifier_missing",
                "launch_file_missing",
                "scorm_type_missing",
            ],
        ),
    ),
    (
        "malformed/emp_ItemWithNonExistentResourceId_SCORM12.zip",
        Course(S12, None, 1, &["item_resource_missing"]),
    ),
    (
        "malformed/emp_MalformedXml_SCORM12.zip",
        Rejected("manifest_not_xml", &[]),
    ),
    (
        "malformed/emp_MissingLaunchUrl_SCORM12.zip",
        Rejected(
            "no_launchable_content",
            &["file_missing", "resource_href_missing"],
        ),
    ),
    (
        "malformed/emp_MissingRequiredFields_SCORM12.zip",
        Rejected(
            "no_launchable_content",
            &["launch_file_missing", "title_missing"],
        ),
    ),
    (
        "malformed/emp_adlcts_CM-01-broken-default-org.zip",
        Rejected(
            "no_launchable_content",
            &[
                "default_organization_missing",
                "file_missing",
                "launch_file_missing",
            ],
        ),
    ),
    (
        "moodle/RuntimeBasicCalls_SCORM20043rdEdition.zip",
        Course(S2004, THIRD, 1, &[]),
    ),
    (
        "moodle/RuntimeMinimumCalls_SCORM12-mini.zip",
        Course(S12, None, 9, &[]),
    ),
    (
        "moodle/RuntimeMinimumCalls_SCORM12.zip",
        Course(S12, None, 18, &[]),
    ),
    ("moodle/badscorm.zip", Rejected("manifest_not_xml", &[])),
    (
        "moodle/complexscorm.zip",
        Course(
            S12,
            None,
            8,
            &["default_organization_missing", "metadata_unreadable"],
        ),
    ),
    ("moodle/singlesco_scorm12.zip", Course(S12, None, 1, &[])),
    ("moodle/singlescobasic.zip", Course(S12, None, 1, &[])),
    (
        "moodle/singlescobasic_missingorg.zip",
        Course(S12, None, 1, &["organization_missing"]),
    ),
    ("moodle/validscorm.zip", Rejected("manifest_not_xml", &[])),
];

#[test]
fn every_scorm_fixture_has_its_expected_outcome() {
    let mut failures = Vec::new();
    for (name, expect) in FIXTURES {
        let (result, warnings) = parse_fixture(name);
        let got_codes = codes(&warnings);
        let ok = match (expect, &result) {
            (Course(standard, edition, count, want), Ok(course)) => {
                course.standard == *standard
                    && course.edition == *edition
                    && course.launchable_count() == *count
                    && got_codes == *want
            }
            (Rejected(code, want), Err(error)) => {
                error_codes(error) == [*code] && got_codes == *want
            }
            _ => false,
        };
        if !ok {
            let got = match &result {
                Ok(c) => format!(
                    "{:?} {:?} {} {got_codes:?}",
                    c.standard,
                    c.edition,
                    c.launchable_count()
                ),
                Err(e) => format!("rejected {:?} {got_codes:?}", error_codes(e)),
            };
            failures.push(format!("{name}: got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn malformed_xml_is_located_at_its_line() {
    let (result, _) = parse_fixture("malformed/emp_MalformedXml_SCORM12.zip");
    let Err(larch_package::PackageError::Rejected { errors, .. }) = result else {
        panic!("not rejected");
    };
    assert_eq!(errors[0].location.file.as_deref(), Some("imsmanifest.xml"));
    assert_eq!(errors[0].location.line, Some(27));
}

#[test]
fn scorm12_details_come_through() {
    let (result, _) = parse_fixture("scorm12/emp_PrerequisitesTest_SCORM12.zip");
    let course = result.expect("parsed");
    let with_prerequisites = course
        .root
        .walk()
        .filter(|a| match &a.details {
            larch_package::ActivityDetails::Scorm(d) => d.prerequisites.is_some(),
            _ => false,
        })
        .count();
    assert!(with_prerequisites >= 1, "no prerequisites read");
    assert_eq!(larch_package::scorm::sequencing_tree(&course), None);
}

fn parsed(name: &str) -> larch_package::Course {
    let (result, _) = parse_fixture(name);
    result.unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn golf_forced_sequential_rules_objectives_and_collection() {
    use larch_sequencing::definition::{ConditionCombination, ConditionOperator, RuleAction};
    let course = parsed("scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip");
    let etiquette = crate::support::sequencing(&course, "etuqiette_item");
    let rule = &etiquette.rules.pre_condition[0];
    assert_eq!(
        (rule.action, rule.condition_combination),
        (RuleAction::Disabled, ConditionCombination::Any)
    );
    assert!(
        rule.conditions
            .iter()
            .all(|c| c.operator == ConditionOperator::Not
                && c.referenced_objective.as_deref() == Some("previous_sco_satisfied"))
    );
    let previous = &etiquette.objectives.secondary[0];
    let map = &previous.maps[0];
    assert_eq!(
        map.target_objective_id,
        "com.scorm.golfsamples.sequencing.forcedsequential.playing_satisfied"
    );
    assert!(map.read_satisfied_status && !map.write_satisfied_status);
    // From the collection entry `common_seq_rules`.
    assert!(
        etiquette.delivery.completion_set_by_content && etiquette.delivery.objective_set_by_content
    );
    assert_eq!(etiquette.rollup.objective_measure_weight, 0.0);
    let tree = larch_package::scorm::sequencing_tree(&course).expect("a tree");
    assert!(!tree.objectives_global_to_system);
}

#[test]
fn golf_simple_remediation_wrapper_and_collections() {
    use larch_sequencing::definition::{RollupConsideration, RuleAction};
    let course = parsed("scorm2004-3rd/golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip");
    assert!(!crate::support::find(&course, "content_wrapper").visible);
    let wrapper = crate::support::sequencing(&course, "content_wrapper");
    let mode = wrapper.control_mode;
    assert!(!mode.choice && mode.flow && !mode.choice_exit);
    let actions: Vec<RuleAction> = wrapper
        .rules
        .post_condition
        .iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, [RuleAction::Retry, RuleAction::ExitAll]);
    let test_1 = crate::support::sequencing(&course, "test_1");
    assert_eq!(test_1.rules.pre_condition[0].action, RuleAction::Skip);
    assert_eq!(
        test_1.rollup_considerations.required_for_completed,
        RollupConsideration::IfNotSkipped
    );
    // test_4 defines its own sequencingRules, which replace the collection's element.
    let test_4 = crate::support::sequencing(&course, "test_4");
    assert!(test_4.rules.pre_condition.is_empty());
    assert_eq!(
        test_4.rules.post_condition[0].action,
        RuleAction::ExitParent
    );
    assert_eq!(
        test_4.rollup_considerations.required_for_completed,
        RollupConsideration::IfNotSkipped
    );
    let launch = crate::support::find(&course, "test_4")
        .launch
        .clone()
        .expect("launch");
    assert!(
        launch.url.ends_with("?content=assessment4"),
        "{}",
        launch.url
    );
    let content = crate::support::sequencing(&course, "playing_item");
    assert!(
        !content.rollup.rollup_objective_satisfied && !content.rollup.rollup_progress_completion
    );
}

#[test]
fn golf_metadata_from_inline_and_external_lom() {
    let course = parsed("scorm2004-3rd/golf_ContentPackagingMetadata_SCORM20043rdEdition.zip");
    assert_eq!(course.title, "Golf Explained - Metadata Example");
    let description = course.description.clone().expect("a description");
    assert!(
        description.starts_with("A high level overview of the sport of golf."),
        "{description}"
    );
    let item = crate::support::find(&course, "item_1");
    assert!(
        item.description
            .as_deref()
            .is_some_and(|d| d.starts_with("The primary item"))
    );
}

#[test]
fn moodle_complex_scorm12_tree() {
    use larch_package::scorm::model::ScormType;
    let course = parsed("moodle/complexscorm.zip");
    let sub_sub = "mm-ITEM-SCORMDEbugger555f231e21b982c25s06";
    assert_eq!(
        crate::support::find(&course, "mm-ITEM-SCORMDEbugger555f231e21b982c25s04")
            .children
            .len(),
        1
    );
    assert!(crate::support::find(&course, sub_sub).launch.is_some());
    assert!(!crate::support::find(&course, "mm-ITEM-SCORMDEbugger555f231e21b982c25s07").visible);
    let asset = crate::support::details(&course, "mm-ITEM-SCORMDEbugger555f231e21b982c25s03");
    assert_eq!(asset.scorm_type, Some(ScormType::Asset));
    let with_prerequisites =
        crate::support::details(&course, "mm-ITEM-SCORMDEbugger555f231e21b982c25s08");
    assert!(
        with_prerequisites
            .prerequisites
            .as_deref()
            .is_some_and(|p| p.contains(" & "))
    );
}
