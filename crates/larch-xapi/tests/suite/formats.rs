//! Output formats, statement comparison, LRS-assigned properties, index keys and the small
//! resources (ADL suite `E.Data2.5`, `4.2.2.5`, `4.2.7`, `H.Communication2.4`/`2.5`/`2.8`).

use larch_xapi::format::{Format, parse_accept_language};
use larch_xapi::{Statement, XapiVersion};
use serde_json::{Value, json};

use crate::common::{base, set, unset};

const V1: XapiVersion = XapiVersion::V1_0_3;
const V2: XapiVersion = XapiVersion::V2_0_0;

fn rich() -> Value {
    let b = set(
        &base(),
        "/object/definition",
        json!({"name": {"en-US": "Meeting", "fr-FR": "Réunion"}, "type": "http://adlnet.gov/expapi/activities/meeting"}),
    );
    let b = set(
        &b,
        "/context/contextActivities",
        json!({"parent": {"id": "http://example.com/parent", "definition": {"name": {"en-US": "P"}}}}),
    );
    let b = set(
        &b,
        "/context/team",
        json!({"objectType": "Group", "name": "Team", "member": [{"name": "Z", "mbox": "mailto:z@example.com"}, {"name": "A", "mbox": "mailto:a@example.com"}]}),
    );
    let b = set(&b, "/context/language", json!("en-US"));
    set(&b, "/timestamp", json!("2023-05-04T12:00:00-05:00"))
}

fn parse(doc: &Value, version: XapiVersion) -> Statement {
    Statement::parse(doc, version).expect("valid statement")
}

fn none(
    _: &larch_xapi::primitives::Iri,
) -> Option<larch_xapi::statement::activity::ActivityDefinition> {
    None
}

#[test]
fn exact_normalizes_context_activities_and_version_specific_timestamps() {
    let v1 = parse(&rich(), V1).render(Format::Exact, &[], &none);
    assert!(v1["context"]["contextActivities"]["parent"].is_array());
    assert_eq!(v1["actor"]["objectType"], "Agent");
    let bare = unset(&unset(&rich(), "/actor/objectType"), "/object/objectType");
    let exact = parse(&bare, V1).render(Format::Exact, &[], &none);
    assert_eq!(
        (
            exact["actor"].get("objectType"),
            exact["object"].get("objectType")
        ),
        (None, None),
        "exact adds nothing"
    );
    assert_eq!(
        v1["timestamp"], "2023-05-04T12:00:00-05:00",
        "1.0.3 keeps the serialization"
    );
    let v2 = parse(&rich(), V2).render(Format::Exact, &[], &none);
    assert_eq!(
        v2["timestamp"], "2023-05-04T17:00:00.000Z",
        "2.0 stores UTC"
    );
    assert_eq!(
        parse(&v2, V2).to_value(),
        v2,
        "exact output parses back to itself"
    );
}

#[test]
fn the_json_text_is_the_exact_value() {
    for version in [V1, V2] {
        let statement = parse(&rich(), version);
        let text: Value = serde_json::from_str(&statement.to_json()).unwrap();
        assert_eq!(text, statement.to_value(), "{version:?}");
    }
}
#[test]
fn ids_keeps_only_identifiers() {
    let out = parse(&rich(), V1).render(Format::Ids, &[], &none);
    assert_eq!(
        out["actor"],
        json!({"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"})
    );
    assert_eq!(
        out["verb"],
        json!({"id": "http://adlnet.gov/expapi/verbs/attended"})
    );
    assert_eq!(
        out["object"],
        json!({"id": "http://www.example.com/meetings/occurances/34534"}),
        "the ADL suite wants the id alone"
    );
    assert_eq!(
        out["context"]["team"]["member"][0],
        json!({"mbox": "mailto:z@example.com"})
    );
    assert!(out["context"]["team"].get("name").is_none());
    assert!(
        out["context"]["contextActivities"]["parent"][0]
            .get("definition")
            .is_none()
    );
}
#[test]
fn canonical_filters_languages_and_uses_canonical_definitions() {
    let langs = parse_accept_language("fr-FR;q=0.9, de;q=0.5, en-US;q=0.1, *;q=0.01");
    assert_eq!(langs, ["fr-FR", "de", "en-US"]);
    let canonical = |id: &larch_xapi::primitives::Iri| {
        (id.as_str() == "http://example.com/parent").then(|| {
            parse(
                &set(
                    &base(),
                    "/object/definition",
                    json!({"name": {"en-US": "Parent", "fr-FR": "Parent FR"}}),
                ),
                V1,
            )
            .activities()[0]
                .definition
                .as_deref()
                .cloned()
                .expect("definition")
        })
    };
    let out = parse(&rich(), V1).render(Format::Canonical, &langs, &canonical);
    assert_eq!(
        out["verb"]["display"],
        json!({"en-US": "attended"}),
        "no fr/de entry: falls back to the first"
    );
    assert_eq!(
        out["object"]["definition"]["name"],
        json!({"fr-FR": "Réunion"})
    );
    assert_eq!(
        out["context"]["contextActivities"]["parent"][0]["definition"]["name"],
        json!({"fr-FR": "Parent FR"})
    );
    assert_eq!(out["context"]["team"]["name"], "Team", "agents stay exact");
}
#[test]
fn same_statement_ignores_the_immutability_exceptions() {
    let a = parse(&rich(), V1);
    let mut variants = vec![
        set(&rich(), "/verb/display", json!({"de": "teilgenommen"})),
        set(
            &rich(),
            "/object/definition",
            json!({"name": {"de": "Treffen"}}),
        ),
        set(&rich(), "/timestamp", json!("2023-05-04T17:00:00Z")),
        set(&rich(), "/actor/mbox", json!("mailto:xapi@ADLNET.gov")),
        set(&rich(), "/stored", json!("2024-01-01T00:00:00Z")),
        set(&rich(), "/version", json!("1.0.0")),
        set(
            &rich(),
            "/id",
            json!("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
        ),
        set(
            &rich(),
            "/actor",
            json!({"name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"}),
        ),
        unset(&rich(), "/object/objectType"),
        unset(&rich(), "/timestamp"),
        set(&rich(), "/context/language", json!("EN-us")),
    ];
    let mut swapped = rich();
    let members = swapped["context"]["team"]["member"]
        .as_array_mut()
        .expect("members");
    members.reverse();
    variants.push(swapped);
    for v in &variants {
        assert!(a.same_as(&parse(v, V1), V1), "{v}");
    }
    for different in [
        set(&rich(), "/result/success", json!(true)),
        set(&rich(), "/actor/name", json!("Other")),
        set(&rich(), "/timestamp", json!("2023-05-04T12:00:01-05:00")),
    ] {
        assert!(!a.same_as(&parse(&different, V1), V1), "{different}");
    }
}
#[test]
fn durations_compare_to_hundredths_only_in_2_0() {
    let short = set(&base(), "/result/duration", json!("P1DT12H36M0.12S"));
    let long = set(&base(), "/result/duration", json!("P1DT12H36M0.1237S"));
    assert!(parse(&short, V2).same_as(&parse(&long, V2), V2));
    assert!(!parse(&short, V1).same_as(&parse(&long, V1), V1));
}
