//! Statement validation tables, part 2: objects, interactions, SubStatements, results (ADL
//! suite `objects.js`, `activities.js`, `substatements.js`, `statementrefs.js`, `results.js`,
//! `scores.js`, `durations.js`, `extensions.js`).

use serde_json::json;

use crate::common::{base, set, unset};
use crate::statements::{bad, check, good};

#[test]
fn objects_and_activities() {
    let b = base();
    let d = "/object/definition";
    check(&[
        good(
            "activity without objectType",
            unset(&b, "/object/objectType"),
        ),
        good(
            "full definition",
            set(
                &b,
                d,
                json!({"name": {"en-US": "n"}, "description": {"en-US": "d"}, "type": "http://adlnet.gov/expapi/activities/meeting", "moreInfo": "http://virtualmeeting.example.com/345256", "extensions": {"http://example.com/ext": {"a": 1}}}),
            ),
        ),
        good(
            "agent as object",
            set(
                &b,
                "/object",
                json!({"objectType": "Agent", "mbox": "mailto:o@example.com"}),
            ),
        ),
        bad(
            "unknown objectType",
            set(&b, "/object/objectType", json!("Thing")),
            "statement.object.objectType",
        ),
        bad(
            "activity without id",
            unset(&b, "/object/id"),
            "statement.object.id",
        ),
        bad(
            "activity id not IRI",
            set(&b, "/object/id", json!("not an iri")),
            "statement.object.id",
        ),
        bad(
            "definition not object",
            set(&b, d, json!("x")),
            "statement.object.definition",
        ),
        bad(
            "definition name not map",
            set(&b, "/object/definition/name", json!("x")),
            "statement.object.definition.name",
        ),
        bad(
            "definition type not IRI",
            set(&b, "/object/definition/type", json!("meeting")),
            "statement.object.definition.type",
        ),
        bad(
            "definition moreInfo not IRL",
            set(&b, "/object/definition/moreInfo", json!("x")),
            "statement.object.definition.moreInfo",
        ),
        bad(
            "definition extension key not IRI",
            set(
                &b,
                "/object/definition/extensions",
                json!({"description": 1}),
            ),
            "statement.object.definition.extensions.description",
        ),
        bad(
            "definition extensions not object",
            set(&b, "/object/definition/extensions", json!([1])),
            "statement.object.definition.extensions",
        ),
        bad(
            "definition unknown key",
            set(&b, "/object/definition/moreinfo", json!("http://x.com")),
            "statement.object.definition.moreinfo",
        ),
    ]);
}

#[test]
fn agent_and_group_objects_need_their_object_type() {
    let b = base();
    let sub = json!({"objectType": "SubStatement", "actor": b["actor"], "verb": b["verb"], "object": b["object"]});
    let agent = json!({"name": "x", "mbox": "mailto:x@example.com"});
    let group = json!({"name": "g", "member": [agent.clone()]});
    check(&[
        bad(
            "agent object without objectType",
            set(&b, "/object", agent.clone()),
            "statement.object.mbox",
        ),
        bad(
            "group object without objectType",
            set(&b, "/object", group.clone()),
            "statement.object.member",
        ),
        bad(
            "substatement agent object without objectType",
            set(&set(&b, "/object", sub.clone()), "/object/object", agent),
            "statement.object.object.mbox",
        ),
        bad(
            "substatement group object without objectType",
            set(&set(&b, "/object", sub), "/object/object", group),
            "statement.object.object.member",
        ),
    ]);
}

#[test]
fn interaction_activities() {
    let b = base();
    let with = |def: serde_json::Value| set(&b, "/object/definition", def);
    let comps = json!([{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}]);
    check(&[
        good(
            "choice",
            with(
                json!({"interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"], "choices": comps.clone()}),
            ),
        ),
        good(
            "sequencing",
            with(json!({"interactionType": "sequencing", "choices": comps.clone()})),
        ),
        good(
            "likert",
            with(json!({"interactionType": "likert", "scale": comps.clone()})),
        ),
        good(
            "matching",
            with(
                json!({"interactionType": "matching", "source": comps.clone(), "target": comps.clone()}),
            ),
        ),
        good(
            "performance",
            with(json!({"interactionType": "performance", "steps": comps.clone()})),
        ),
        good(
            "true-false",
            with(json!({"interactionType": "true-false", "correctResponsesPattern": ["true"]})),
        ),
        good(
            "numeric",
            with(json!({"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]})),
        ),
        good(
            "fill-in / long-fill-in / other",
            with(json!({"interactionType": "long-fill-in"})),
        ),
        bad(
            "interactionType wrong case",
            with(json!({"interactionType": "Other"})),
            "statement.object.definition.interactionType",
        ),
        bad(
            "interactionType numeric",
            with(json!({"interactionType": 1})),
            "statement.object.definition.interactionType",
        ),
        bad(
            "interactionType an IRI",
            with(json!({"interactionType": "http://x.com/choice"})),
            "statement.object.definition.interactionType",
        ),
        bad(
            "components for another type",
            with(json!({"interactionType": "likert", "choices": comps.clone()})),
            "statement.object.definition.choices",
        ),
        bad(
            "duplicate component ids",
            with(json!({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]})),
            "statement.object.definition.choices[1].id",
        ),
        bad(
            "component bad language map",
            with(
                json!({"interactionType": "choice", "choices": [{"id": "a", "description": {"a12345": "x"}}]}),
            ),
            "statement.object.definition.choices[0].description.a12345",
        ),
        bad(
            "pattern not string",
            with(json!({"interactionType": "choice", "correctResponsesPattern": [1]})),
            "statement.object.definition.correctResponsesPattern[0]",
        ),
        bad(
            "choices without type",
            with(json!({"choices": comps.clone(), "correctResponsesPattern": ["golf"]})),
            "statement.object.definition.choices",
        ),
        bad(
            "pattern without type",
            with(json!({"correctResponsesPattern": ["a"]})),
            "statement.object.definition.interactionType",
        ),
    ]);
}

#[test]
fn statement_refs_and_substatements() {
    let b = base();
    let sref = json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"});
    let sub = json!({"objectType": "SubStatement", "actor": b["actor"], "verb": b["verb"], "object": b["object"]});
    check(&[
        good("statement ref", set(&b, "/object", sref.clone())),
        good("substatement", set(&b, "/object", sub.clone())),
        good(
            "substatement with statement ref",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/object",
                sref.clone(),
            ),
        ),
        good(
            "substatement timestamp in the future",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/timestamp",
                json!("2999-01-01T00:00:00Z"),
            ),
        ),
        bad(
            "statement ref without id",
            set(&b, "/object", json!({"objectType": "StatementRef"})),
            "statement.object.id",
        ),
        bad(
            "statement ref lowercase key",
            set(
                &b,
                "/object",
                json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "ID": 1}),
            ),
            "statement.object.ID",
        ),
        bad(
            "nested substatement",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/object",
                sub.clone(),
            ),
            "statement.object.object.objectType",
        ),
        bad(
            "substatement with id",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/id",
                json!("ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
            ),
            "statement.object.id",
        ),
        bad(
            "substatement with stored",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/stored",
                json!("2013-05-18T05:32:34.804Z"),
            ),
            "statement.object.stored",
        ),
        bad(
            "substatement with version",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/version",
                json!("1.0.0"),
            ),
            "statement.object.version",
        ),
        bad(
            "substatement with authority",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/authority",
                b["actor"].clone(),
            ),
            "statement.object.authority",
        ),
        bad(
            "substatement without verb",
            unset(&set(&b, "/object", sub.clone()), "/object/verb"),
            "statement.object.verb",
        ),
        bad(
            "substatement invalid actor",
            set(
                &set(&b, "/object", sub.clone()),
                "/object/actor/mbox",
                json!("x"),
            ),
            "statement.object.actor.mbox",
        ),
    ]);
}

#[test]
fn results_and_scores() {
    let b = base();
    check(&[
        good(
            "full result",
            set(
                &b,
                "/result",
                json!({"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "success": true, "completion": true, "response": "We agreed on some example actions.", "duration": "PT1H0M0S", "extensions": {"http://example.com/e": 1}}),
            ),
        ),
        good(
            "scaled -1 and 1",
            set(&b, "/result/score", json!({"scaled": -1})),
        ),
        good(
            "raw equals max",
            set(&b, "/result/score", json!({"raw": 100, "max": 100})),
        ),
        good(
            "durations with weeks and fractions",
            set(&b, "/result/duration", json!("P4W")),
        ),
        bad(
            "score not object",
            set(&b, "/result/score", json!(1)),
            "statement.result.score",
        ),
        bad(
            "scaled above 1",
            set(&b, "/result/score/scaled", json!(1.01)),
            "statement.result.score.scaled",
        ),
        bad(
            "scaled below -1",
            set(&b, "/result/score/scaled", json!(-1.5)),
            "statement.result.score.scaled",
        ),
        bad(
            "raw below min",
            set(&b, "/result/score", json!({"raw": -1, "min": 0})),
            "statement.result.score.raw",
        ),
        bad(
            "raw above max",
            set(&b, "/result/score", json!({"raw": 101, "max": 100})),
            "statement.result.score.raw",
        ),
        bad(
            "min not below max",
            set(&b, "/result/score", json!({"min": 5, "max": 5})),
            "statement.result.score.min",
        ),
        bad(
            "success not boolean",
            set(&b, "/result/success", json!("true")),
            "statement.result.success",
        ),
        bad(
            "completion not boolean",
            set(&b, "/result/completion", json!(1)),
            "statement.result.completion",
        ),
        bad(
            "response not string",
            set(&b, "/result/response", json!({"a": 1})),
            "statement.result.response",
        ),
        bad(
            "duration alternative format",
            set(&b, "/result/duration", json!("P0001-02-03T04:05:06")),
            "statement.result.duration",
        ),
        bad(
            "duration weeks with days",
            set(&b, "/result/duration", json!("P4W1D")),
            "statement.result.duration",
        ),
        bad(
            "extensions not object",
            set(&b, "/result/extensions", json!("x")),
            "statement.result.extensions",
        ),
        bad(
            "extension key not IRI",
            set(&b, "/result/extensions", json!({"key": 1})),
            "statement.result.extensions.key",
        ),
    ]);
}
