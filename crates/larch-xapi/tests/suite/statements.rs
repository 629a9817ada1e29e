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
fn actors_agents_and_ifis() {
    let b = base();
    let mbox = "/actor/mbox";
    check(&[
        good("agent without objectType", unset(&b, "/actor/objectType")),
        good(
            "mbox_sha1sum",
            set(
                &unset(&b, mbox),
                "/actor/mbox_sha1sum",
                json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
            ),
        ),
        good(
            "openid",
            set(
                &unset(&b, mbox),
                "/actor/openid",
                json!("http://openid.example.org/12345"),
            ),
        ),
        good(
            "account",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://www.example.com", "name": "xAPI account name"}),
            ),
        ),
        bad(
            "objectType agent lowercase",
            set(&b, "/actor/objectType", json!("agent")),
            "statement.actor.objectType",
        ),
        bad(
            "objectType group lowercase",
            set(&b, "/actor/objectType", json!("group")),
            "statement.actor.objectType",
        ),
        bad(
            "objectType not string",
            set(&b, "/actor/objectType", json!({"a": 1})),
            "statement.actor.objectType",
        ),
        bad(
            "name not string",
            set(&b, "/actor/name", json!(12)),
            "statement.actor.name",
        ),
        bad("no IFI", unset(&b, mbox), "statement.actor"),
        bad(
            "mbox and openid",
            set(&b, "/actor/openid", json!("http://openid.example.org/1")),
            "statement.actor.openid",
        ),
        bad(
            "mbox and account",
            set(
                &b,
                "/actor/account",
                json!({"homePage": "http://x.com", "name": "n"}),
            ),
            "statement.actor.account",
        ),
        bad(
            "mbox and sha1sum",
            set(
                &b,
                "/actor/mbox_sha1sum",
                json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
            ),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "mbox without mailto",
            set(&b, mbox, json!("xapi@adlnet.gov")),
            "statement.actor.mbox",
        ),
        bad(
            "mbox not an address",
            set(&b, mbox, json!("mailto:xapi")),
            "statement.actor.mbox",
        ),
        bad(
            "mbox_sha1sum not string",
            set(&unset(&b, mbox), "/actor/mbox_sha1sum", json!(1)),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "mbox_sha1sum not hex",
            set(&unset(&b, mbox), "/actor/mbox_sha1sum", json!("not a sha1")),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "openid not URI",
            set(&unset(&b, mbox), "/actor/openid", json!("not a uri")),
            "statement.actor.openid",
        ),
        bad(
            "account without homePage",
            set(&unset(&b, mbox), "/actor/account", json!({"name": "n"})),
            "statement.actor.account.homePage",
        ),
        bad(
            "account without name",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com"}),
            ),
            "statement.actor.account.name",
        ),
        bad(
            "account homePage not IRL",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "x", "name": "n"}),
            ),
            "statement.actor.account.homePage",
        ),
        bad(
            "account name not string",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com", "name": 1}),
            ),
            "statement.actor.account.name",
        ),
        bad(
            "account extra key",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com", "name": "n", "x": 1}),
            ),
            "statement.actor.account.x",
        ),
    ]);
}

#[test]
fn groups() {
    let b = base();
    let member = json!({"mbox": "mailto:member@example.com"});
    let anon = json!({"objectType": "Group", "name": "team", "member": [member.clone()]});
    let identified = json!({"objectType": "Group", "mbox": "mailto:group@example.com"});
    check(&[
        good("anonymous group", set(&b, "/actor", anon.clone())),
        good(
            "identified group without members",
            set(&b, "/actor", identified.clone()),
        ),
        good(
            "identified group with members",
            set(
                &set(&b, "/actor", identified.clone()),
                "/actor/member",
                json!([member.clone()]),
            ),
        ),
        good("group as object", set(&b, "/object", anon.clone())),
        bad(
            "anonymous group without member",
            set(&b, "/actor", json!({"objectType": "Group", "name": "x"})),
            "statement.actor.member",
        ),
        bad(
            "member not array",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": member.clone()}),
            ),
            "statement.actor.member",
        ),
        bad(
            "member is a group",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": [anon.clone()]}),
            ),
            "statement.actor.member[0].objectType",
        ),
        bad(
            "member without IFI",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": [{"name": "x"}]}),
            ),
            "statement.actor.member[0]",
        ),
        bad(
            "group with two IFIs",
            set(
                &set(&b, "/actor", identified.clone()),
                "/actor/openid",
                json!("http://o.example.com/1"),
            ),
            "statement.actor.openid",
        ),
        bad(
            "team not a group",
            set(&b, "/context/team", member.clone()),
            "statement.context.team.objectType",
        ),
    ]);
}

#[test]
fn verbs_and_language_maps() {
    let b = base();
    check(&[
        good("verb without display", unset(&b, "/verb/display")),
        good(
            "display with region and script",
            set(
                &b,
                "/verb/display",
                json!({"zh-Hant-TW": "x", "es-419": "y", "und": "z"}),
            ),
        ),
        bad(
            "verb without id",
            unset(&b, "/verb/id"),
            "statement.verb.id",
        ),
        bad(
            "verb id not IRI",
            set(&b, "/verb/id", json!("attended")),
            "statement.verb.id",
        ),
        bad(
            "verb id numeric",
            set(&b, "/verb/id", json!(1)),
            "statement.verb.id",
        ),
        bad(
            "display not a map",
            set(&b, "/verb/display", json!("attended")),
            "statement.verb.display",
        ),
        bad(
            "display bad tag",
            set(&b, "/verb/display", json!({"a12345": "x"})),
            "statement.verb.display.a12345",
        ),
        bad(
            "display value not string",
            set(&b, "/verb/display", json!({"en-US": 1})),
            "statement.verb.display.en-US",
        ),
        bad(
            "verb extra key",
            set(&b, "/verb/foo", json!(1)),
            "statement.verb.foo",
        ),
        bad(
            "voiding statement needs a StatementRef",
            set(
                &b,
                "/verb/id",
                json!("http://adlnet.gov/expapi/verbs/voided"),
            ),
            "statement.object",
        ),
        good(
            "voiding statement",
            set(
                &set(
                    &b,
                    "/verb/id",
                    json!("http://adlnet.gov/expapi/verbs/voided"),
                ),
                "/object",
                json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}),
            ),
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
