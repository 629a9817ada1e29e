//! Generated manifests mixing valid and invalid constructs: the parser never panics, every
//! code it emits is documented, activity ids are unique, and a SCORM 2004 tree only has
//! launchable leaves.

use std::collections::HashSet;

use larch_package::scorm::codes::ALL;
use larch_package::{Course, PackageError};
use proptest::prelude::*;

use crate::support::{NS_12, NS_2004, run_at};

/// Files present in every generated package.
const PRESENT: &[&str] = &["a.html", "dir/b.html", "My Page.html"];

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(values)
}

fn href() -> impl Strategy<Value = &'static str> {
    pick(&[
        "a.html",
        "dir/b.html",
        "DIR/B.HTML",
        "My%20Page.html",
        "missing.html",
        "../out.html",
        "https://x.example/y",
        "a.html?q=1#f",
        "",
    ])
}

fn reference() -> impl Strategy<Value = &'static str> {
    pick(&["r0", "r1", "R1", "r2", "nope", ""])
}

fn boolean() -> impl Strategy<Value = &'static str> {
    pick(&["true", "false", "TRUE", "1", "maybe", ""])
}

fn number() -> impl Strategy<Value = &'static str> {
    pick(&["0", "0.5", "1", "-1", "1.5", "-0.25", "2", "abc", "1e3", ""])
}

fn sequencing() -> impl Strategy<Value = String> {
    let control = (boolean(), boolean(), boolean()).prop_map(|(c, f, o)| {
        format!(r#"<imsss:controlMode choice="{c}" flow="{f}" forwardOnly="{o}"/>"#)
    });
    let rule = (pick(&["preConditionRule", "exitConditionRule", "postConditionRule", "bogusRule"]),
        pick(&["satisfied", "always", "objectiveMeasureGreaterThan", "sunny", "Completed"]),
        pick(&["skip", "exit", "retry", "exitAll", "disabled", "fly"]),
        pick(&["", "obj", "ghost"]), number())
        .prop_map(|(kind, condition, action, objective, threshold)| {
            format!(r#"<imsss:sequencingRules><imsss:{kind}><imsss:ruleConditions conditionCombination="any"><imsss:ruleCondition condition="{condition}" referencedObjective="{objective}" measureThreshold="{threshold}"/></imsss:ruleConditions><imsss:ruleAction action="{action}"/></imsss:{kind}></imsss:sequencingRules>"#)
        });
    let rollup = (pick(&["all", "any", "atLeastCount", "atLeastPercent", "most"]), number(), pick(&["satisfied", "attempted", "rain"]), pick(&["completed", "notSatisfied", "dance"]))
        .prop_map(|(set, minimum, condition, action)| {
            format!(r#"<imsss:rollupRules objectiveMeasureWeight="{minimum}"><imsss:rollupRule childActivitySet="{set}" minimumCount="{minimum}" minimumPercent="{minimum}"><imsss:rollupConditions><imsss:rollupCondition condition="{condition}"/></imsss:rollupConditions><imsss:rollupAction action="{action}"/></imsss:rollupRule></imsss:rollupRules>"#)
        });
    let objectives = (pick(&["obj", "", "p"]), number(), pick(&["g1", "", "g%201"]), boolean()).prop_map(|(id, measure, target, flag)| {
        format!(r#"<imsss:objectives><imsss:primaryObjective objectiveID="p" satisfiedByMeasure="{flag}"><imsss:minNormalizedMeasure>{measure}</imsss:minNormalizedMeasure></imsss:primaryObjective><imsss:objective objectiveID="{id}"><imsss:mapInfo targetObjectiveID="{target}" writeSatisfiedStatus="{flag}"/></imsss:objective></imsss:objectives><adlseq:objectives><adlseq:objective objectiveID="{id}"><adlseq:mapInfo targetObjectiveID="{target}" readRawScore="{flag}"/></adlseq:objective></adlseq:objectives>"#)
    });
    let controls = (pick(&["never", "once", "onEachNewAttempt", "often"]), number(), boolean()).prop_map(|(timing, count, flag)| {
        format!(r#"<imsss:limitConditions attemptLimit="{count}" attemptAbsoluteDurationLimit="PT{count}M"/><imsss:randomizationControls randomizationTiming="{timing}" selectCount="{count}" reorderChildren="{flag}"/><imsss:deliveryControls tracked="{flag}"/><adlseq:constrainedChoiceConsiderations constrainChoice="{flag}"/><adlseq:rollupConsiderations requiredForSatisfied="{timing}"/>"#)
    });
    (
        prop::option::of(control),
        prop::option::of(rule),
        prop::option::of(rollup),
        prop::option::of(objectives),
        prop::option::of(controls),
        pick(&["", "shared", "absent"]),
    )
        .prop_map(|(a, b, c, d, e, idref)| {
            let parts: String = [a, b, c, d, e].into_iter().flatten().collect();
            let idref = if idref.is_empty() {
                String::new()
            } else {
                format!(r#" IDRef="{idref}""#)
            };
            format!("<imsss:sequencing{idref}>{parts}</imsss:sequencing>")
        })
}

fn item_attributes() -> impl Strategy<Value = String> {
    (pick(&["i", "i", "dup", ""]), reference(), boolean(), pick(&["", "?x=1", "#p", "&amp;y=2"]), prop::option::of(sequencing()), pick(&["", "<adlcp:masteryscore>150</adlcp:masteryscore>", "<adlcp:completionThreshold>0.4</adlcp:completionThreshold>", "<adlcp:data><adlcp:map targetID=\"t\"/></adlcp:data>", "<colour/>"]))
        .prop_map(|(id, reference, visible, parameters, sequencing, extra)| {
            format!(r#"identifier="{id}" identifierref="{reference}" isvisible="{visible}" parameters="{parameters}">{}{extra}"#, sequencing.unwrap_or_default())
        })
}

fn items() -> impl Strategy<Value = String> {
    let leaf =
        item_attributes().prop_map(|attrs| format!("<item {attrs}<title>Leaf</title></item>"));
    leaf.prop_recursive(4, 24, 4, |inner| {
        (item_attributes(), prop::collection::vec(inner, 0..4)).prop_map(|(attrs, children)| {
            format!(
                "<item {attrs}<title>Cluster</title>{}</item>",
                children.concat()
            )
        })
    })
}

fn manifest() -> impl Strategy<Value = String> {
    let resources = prop::collection::vec(
        (
            reference(),
            href(),
            pick(&["sco", "asset", "SCO", "lesson", ""]),
        ),
        0..4,
    );
    (pick(&["1.2", "2004 3rd Edition", "2004 4th Edition", "CAM 1.3", "", "7"]), prop::collection::vec(items(), 0..4), resources, any::<bool>())
        .prop_map(|(version, items, resources, scorm12_namespaces)| {
            // One good resource, so that many generated courses are playable.
            let good = ("r1", "a.html", "sco");
            let resources: String = std::iter::once(good)
                .chain(resources)
                .map(|(id, href, kind)| format!(r#"<resource identifier="{id}" type="webcontent" adlcp:scormType="{kind}" href="{href}"><file href="{href}"/></resource>"#))
                .collect();
            let ns = if scorm12_namespaces {
                format!(r#"{NS_12} xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3""#)
            } else {
                NS_2004.to_owned()
            };
            format!(
                r#"<manifest identifier="m" {ns}><metadata><schemaversion>{version}</schemaversion></metadata><organizations default="org"><organization identifier="org"><title>T</title>{}</organization></organizations><resources>{resources}</resources><imsss:sequencingCollection><imsss:sequencing ID="shared"><imsss:controlMode flow="true"/></imsss:sequencing></imsss:sequencingCollection></manifest>"#,
                items.concat()
            )
        })
}

fn check(result: &Result<Course, PackageError>, codes: impl Iterator<Item = String>) {
    for code in codes {
        assert!(ALL.contains(&code.as_str()), "undocumented code {code}");
    }
    let course = match result {
        Ok(course) => course,
        Err(PackageError::Rejected { errors, .. }) => {
            assert!(errors.iter().all(|e| ALL.contains(&e.code.as_str())));
            return;
        }
        Err(PackageError::Io(e)) => panic!("I/O error from memory: {e}"),
    };
    let mut ids = HashSet::new();
    assert!(
        course.root.walk().all(|a| ids.insert(a.id.clone())),
        "duplicate activity ids"
    );
    assert!(course.launchable_count() >= 1);
    if let Some(tree) = larch_package::scorm::sequencing_tree(course) {
        let leaves = tree.root.walk().into_iter().filter(|a| a.is_leaf()).count();
        assert_eq!(
            leaves,
            course.launchable_count(),
            "a 2004 leaf without launch"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn generated_manifests_parse_without_panic(manifest in manifest()) {
        let (result, warnings) = run_at("imsmanifest.xml", manifest.as_bytes(), PRESENT);
        check(&result, warnings.as_slice().iter().map(|w| w.code.clone()));
    }
}
