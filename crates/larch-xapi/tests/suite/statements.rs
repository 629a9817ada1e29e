//! Statement validation tables, part 1: formatting, ids, actors, verbs (ADL suite
//! `formatting.js`, `uuids.js`, `actors.js`, `agents.js`, `groups.js`, `ifis.js`,
//! `accountobjects.js`, `verbs.js`, `languages.js`).

use larch_xapi::{Statement, XapiVersion};
use serde_json::{Value, json};

use crate::common::{base, set, unset};

/// Expected outcome: `None` accepted, `Some(path)` rejected naming `path`.
pub type Expect = Option<String>;

/// One case: name, statement, outcome under 1.0.3, outcome under 2.0.
pub type Case = (String, Value, Expect, Expect);

/// Runs every case under both versions and reports all mismatches at once.
pub fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for (name, doc, v1, v2) in cases {
        for (version, want) in [(XapiVersion::V1_0_3, v1), (XapiVersion::V2_0_0, v2)] {
            let got = Statement::parse(doc, version);
            let ok = match (want, &got) {
                (None, Ok(_)) => true,
                (Some(path), Err(e)) => e.path == path.as_str(),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{name} [{version}]: want {want:?}, got {:?}",
                    got.map(|_| ()).map_err(|e| e.to_string())
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n")
    );
}

/// Rejected under both versions at `path`.
pub fn bad(name: impl Into<String>, doc: Value, path: impl Into<String>) -> Case {
    let path = path.into();
    (name.into(), doc, Some(path.clone()), Some(path))
}

/// Accepted under both versions.
pub fn good(name: impl Into<String>, doc: Value) -> Case {
    (name.into(), doc, None, None)
}

/// Outcomes that differ by version (`None` accepted, `Some(path)` rejected at `path`).
pub fn versioned(name: &str, doc: Value, v1: Option<&str>, v2: Option<&str>) -> Case {
    (
        name.to_owned(),
        doc,
        v1.map(str::to_owned),
        v2.map(str::to_owned),
    )
}

#[test]
fn formatting_requirements() {
    let b = base();
    check(&[
        good("the base statement", b.clone()),
        bad("no actor", unset(&b, "/actor"), "statement.actor"),
        bad("no verb", unset(&b, "/verb"), "statement.verb"),
        bad("no object", unset(&b, "/object"), "statement.object"),
        bad(
            "null value",
            set(&b, "/actor/name", Value::Null),
            "statement.actor.name",
        ),
        bad(
            "null result",
            set(&b, "/result", Value::Null),
            "statement.result",
        ),
        good(
            "null inside extensions",
            set(
                &b,
                "/result/extensions",
                json!({"http://example.com/x": null}),
            ),
        ),
        bad(
            "string where boolean",
            set(&b, "/result/success", json!("true")),
            "statement.result.success",
        ),
        bad(
            "string where number",
            set(&b, "/result/score/raw", json!("5")),
            "statement.result.score.raw",
        ),
        bad(
            "empty string where IRI",
            set(&b, "/verb/id", json!("")),
            "statement.verb.id",
        ),
        bad(
            "key with wrong case",
            set(&unset(&b, "/actor"), "/Actor", base()["actor"].clone()),
            "statement.Actor",
        ),
        bad(
            "key with wrong case (version)",
            set(&b, "/Version", json!("1.0.3")),
            "statement.Version",
        ),
        bad(
            "unknown top-level property",
            set(&b, "/foo", json!("bar")),
            "statement.foo",
        ),
        bad(
            "enumerated value with wrong case",
            set(&b, "/object/objectType", json!("activity")),
            "statement.object.objectType",
        ),
        bad("statement is not an object", json!([1]), "statement"),
    ]);
}
#[test]
fn ids_are_uuids() {
    let b = base();
    check(&[
        good(
            "uppercase UUID",
            set(&b, "/id", json!("FD41C918-B88B-4B20-A0A5-A4C32391AAA0")),
        ),
        good("no id", unset(&b, "/id")),
        bad(
            "too many digits",
            set(&b, "/id", json!("AA97B177-9383-4934-8543-0F91A7A028368")),
            "statement.id",
        ),
        bad(
            "non hex",
            set(&b, "/id", json!("MA97B177-9383-4934-8543-0F91A7A02836")),
            "statement.id",
        ),
        bad("numeric", set(&b, "/id", json!(12345)), "statement.id"),
        bad(
            "object",
            set(&b, "/id", json!({"key": "x"})),
            "statement.id",
        ),
        bad(
            "registration not UUID",
            set(&b, "/context/registration", json!("http://example.com/x")),
            "statement.context.registration",
        ),
        bad(
            "statement ref id not UUID",
            set(
                &b,
                "/object",
                json!({"objectType": "StatementRef", "id": "12345"}),
            ),
            "statement.object.id",
        ),
        bad(
            "context statement id not UUID",
            set(
                &b,
                "/context/statement",
                json!({"objectType": "StatementRef", "id": 7}),
            ),
            "statement.context.statement.id",
        ),
    ]);
}
#[test]
fn batches_name_the_failing_statement() {
    let batch = json!([base(), set(&base(), "/actor/mbox", json!("nope"))]);
    let err = Statement::parse_batch(&batch, XapiVersion::V1_0_3)
        .expect_err("second statement is invalid");
    assert_eq!(
        err.to_string(),
        "statements[1].actor.mbox: must be a mailto IRI (mailto:name@domain)"
    );
    assert_eq!(
        Statement::parse_batch(&json!([base(), base()]), XapiVersion::V2_0_0).map(|v| v.len()),
        Ok(2)
    );
}
