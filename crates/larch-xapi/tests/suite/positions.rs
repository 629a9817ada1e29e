//! Every actor rule in every place an actor can appear, as the ADL suite's configs do
//! (`actors.js`, `agents.js`, `groups.js`, `ifis.js`, `accountobjects.js` repeat each rule for
//! the actor, the object, the authority, the instructor, the team and inside a SubStatement).

use serde_json::{Value, json};

use crate::common::{base, set};
use crate::statements::{Case, bad, check, good};

/// Where an Agent can stand: JSON pointer and error path prefix.
const AGENT_PLACES: [(&str, &str); 6] = [
    ("/actor", "statement.actor"),
    ("/object", "statement.object"),
    ("/authority", "statement.authority"),
    ("/context/instructor", "statement.context.instructor"),
    ("/object/actor", "statement.object.actor"),
    (
        "/object/context/instructor",
        "statement.object.context.instructor",
    ),
];

fn substatement() -> Value {
    json!({"objectType": "SubStatement", "actor": base()["actor"], "verb": base()["verb"], "object": base()["object"]})
}

/// The base statement with `value` at `pointer` (a SubStatement object first when needed).
fn place(pointer: &str, value: Value) -> Value {
    let in_sub = pointer.starts_with("/object/") && !pointer.starts_with("/object/definition");
    let doc = if in_sub {
        set(&base(), "/object", substatement())
    } else {
        base()
    };
    set(&doc, pointer, value)
}

/// Agent rules: the Agent, and the property whose path the error names ("" = the Agent itself).
fn agent_rules() -> Vec<(&'static str, Value, &'static str)> {
    let acct = json!({"homePage": "http://www.example.com", "name": "xAPI account name"});
    vec![
        (
            "objectType agent",
            json!({"objectType": "agent", "mbox": "mailto:a@example.com"}),
            ".objectType",
        ),
        (
            "objectType object",
            json!({"objectType": {"a": 1}, "mbox": "mailto:a@example.com"}),
            ".objectType",
        ),
        (
            "name not string",
            json!({"name": ["x"], "mbox": "mailto:a@example.com"}),
            ".name",
        ),
        ("no IFI", json!({"objectType": "Agent", "name": "x"}), ""),
        (
            "mbox + mbox_sha1sum",
            json!({"mbox": "mailto:a@example.com", "mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}),
            ".mbox_sha1sum",
        ),
        (
            "openid + account",
            json!({"openid": "http://openid.example.org/1", "account": acct.clone()}),
            ".account",
        ),
        ("mbox not mailto", json!({"mbox": "a@example.com"}), ".mbox"),
        (
            "mbox_sha1sum number",
            json!({"mbox_sha1sum": 1}),
            ".mbox_sha1sum",
        ),
        ("openid not URI", json!({"openid": "openid"}), ".openid"),
        ("account not object", json!({"account": "acct"}), ".account"),
        (
            "account without homePage",
            json!({"account": {"name": "n"}}),
            ".account.homePage",
        ),
        (
            "account homePage not IRL",
            json!({"account": {"homePage": "www.example.com", "name": "n"}}),
            ".account.homePage",
        ),
        (
            "account without name",
            json!({"account": {"homePage": "http://www.example.com"}}),
            ".account.name",
        ),
        (
            "unknown key",
            json!({"mbox": "mailto:a@example.com", "Mbox": "x"}),
            ".Mbox",
        ),
    ]
}

#[test]
fn agent_rules_in_every_place() {
    let mut cases: Vec<Case> = Vec::new();
    for (pointer, prefix) in AGENT_PLACES {
        cases.push(good(format!("valid agent at {pointer}"), place(pointer, json!({"objectType": "Agent", "account": {"homePage": "http://www.example.com", "name": "n"}}))));
        for (rule, agent, suffix) in agent_rules() {
            // An Agent object needs its objectType (else it is an Activity without an id).
            let agent = if pointer.ends_with("/object") && agent.get("objectType").is_none() {
                set(&agent, "/objectType", json!("Agent"))
            } else {
                agent
            };
            cases.push(bad(
                format!("{rule} at {pointer}"),
                place(pointer, agent),
                format!("{prefix}{suffix}"),
            ));
        }
    }
    check(&cases);
}

#[test]
fn group_rules_in_every_place() {
    let places = [
        ("/actor", "statement.actor"),
        ("/object", "statement.object"),
        ("/context/team", "statement.context.team"),
        ("/object/actor", "statement.object.actor"),
        ("/object/context/team", "statement.object.context.team"),
    ];
    let member = json!({"mbox": "mailto:m@example.com"});
    let rules = [
        (
            "anonymous without member",
            json!({"objectType": "Group", "name": "g"}),
            ".member",
        ),
        (
            "member not array",
            json!({"objectType": "Group", "member": member.clone()}),
            ".member",
        ),
        (
            "member is a group",
            json!({"objectType": "Group", "member": [{"objectType": "Group", "member": [member.clone()]}]}),
            ".member[0].objectType",
        ),
        (
            "member without IFI",
            json!({"objectType": "Group", "member": [{"name": "m"}]}),
            ".member[0]",
        ),
        (
            "identified with two IFIs",
            json!({"objectType": "Group", "mbox": "mailto:g@example.com", "openid": "http://o.example.com/g"}),
            ".openid",
        ),
        (
            "identified bad mbox",
            json!({"objectType": "Group", "mbox": "mailto:g"}),
            ".mbox",
        ),
    ];
    let mut cases: Vec<Case> = Vec::new();
    for (pointer, prefix) in places {
        cases.push(good(
            format!("anonymous group at {pointer}"),
            place(
                pointer,
                json!({"objectType": "Group", "member": [member.clone()]}),
            ),
        ));
        cases.push(good(format!("identified group at {pointer}"), place(pointer, json!({"objectType": "Group", "account": {"homePage": "http://x.com", "name": "g"}}))));
        for (rule, group, suffix) in &rules {
            cases.push(bad(
                format!("{rule} at {pointer}"),
                place(pointer, group.clone()),
                format!("{prefix}{suffix}"),
            ));
        }
    }
    check(&cases);
}

#[test]
fn language_maps_in_every_place() {
    let places = [
        ("/verb/display", "statement.verb.display"),
        (
            "/object/definition/name",
            "statement.object.definition.name",
        ),
        (
            "/object/definition/description",
            "statement.object.definition.description",
        ),
        ("/object/verb/display", "statement.object.verb.display"),
        (
            "/object/object/definition/name",
            "statement.object.object.definition.name",
        ),
        ("/attachments", "statement.attachments[0].display"),
    ];
    let mut cases: Vec<Case> = Vec::new();
    for (pointer, path) in places {
        for (tag, ok) in [
            ("en-US", true),
            ("zh-Hant-TW", true),
            ("a12345", false),
            ("en-", false),
            ("12", false),
        ] {
            let map = json!({tag: "text"});
            let doc = if pointer == "/attachments" {
                place(
                    pointer,
                    json!([{"usageType": "http://example.com/u", "display": map, "contentType": "text/plain", "length": 1, "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a", "fileUrl": "http://example.com/f"}]),
                )
            } else {
                place(pointer, map)
            };
            let name = format!("{tag} at {pointer}");
            cases.push(if ok {
                good(name, doc)
            } else {
                bad(name, doc, format!("{path}.{tag}"))
            });
        }
    }
    check(&cases);
}
