//! Statement validation tables, part 3: context (with 2.0's contextAgents/contextGroups),
//! timestamps, authority, version, attachments (ADL suite `contexts.js`,
//! `contextactivities.js`, `contextagents.js`, `contextgroups.js`, `timestamps.js`,
//! `authorities.js`, `version.js`, `attachments.js`).

use serde_json::json;

use crate::common::{base, set, unset};
use crate::statements::{bad, check, good, versioned};

const V1: Option<&str> = None;

#[test]
fn contexts() {
    let b = base();
    let agent = json!({"objectType": "Agent", "mbox": "mailto:i@example.com"});
    let act = json!({"id": "http://example.com/parent"});
    let sref = json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"});
    let on_ref = set(&b, "/object", sref.clone());
    check(&[
        good(
            "instructor, revision, platform, language, statement",
            set(
                &b,
                "/context",
                json!({"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "instructor": agent, "revision": "r1", "platform": "p", "language": "en-US", "statement": sref}),
            ),
        ),
        good(
            "contextActivities as object",
            set(
                &b,
                "/context/contextActivities",
                json!({"parent": act.clone(), "grouping": act.clone(), "category": act.clone(), "other": act.clone()}),
            ),
        ),
        good(
            "contextActivities as arrays",
            set(
                &b,
                "/context/contextActivities",
                json!({"parent": [act.clone()]}),
            ),
        ),
        good(
            "context without revision on a StatementRef",
            set(&on_ref, "/context/language", json!("en")),
        ),
        bad(
            "revision with a StatementRef object",
            set(&on_ref, "/context/revision", json!("r1")),
            "statement.context.revision",
        ),
        bad(
            "platform with an Agent object",
            set(
                &set(&b, "/object", agent.clone()),
                "/context/platform",
                json!("p"),
            ),
            "statement.context.platform",
        ),
        bad(
            "revision not string",
            set(&b, "/context/revision", json!(1)),
            "statement.context.revision",
        ),
        bad(
            "language not a tag",
            set(&b, "/context/language", json!("a12345")),
            "statement.context.language",
        ),
        bad(
            "instructor not an agent",
            set(&b, "/context/instructor", json!({"key": "x"})),
            "statement.context.instructor.key",
        ),
        bad(
            "contextActivities unknown key",
            set(
                &b,
                "/context/contextActivities",
                json!({"parents": act.clone()}),
            ),
            "statement.context.contextActivities.parents",
        ),
        bad(
            "contextActivities value not activity",
            set(&b, "/context/contextActivities", json!({"parent": "x"})),
            "statement.context.contextActivities.parent",
        ),
        bad(
            "contextActivities item without id",
            set(
                &b,
                "/context/contextActivities",
                json!({"other": [{"a": 1}]}),
            ),
            "statement.context.contextActivities.other[0].a",
        ),
        bad(
            "context statement not a ref",
            set(
                &b,
                "/context/statement",
                json!({"id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}),
            ),
            "statement.context.statement.objectType",
        ),
        bad(
            "context not an object",
            set(&b, "/context", json!([1])),
            "statement.context",
        ),
    ]);
}

#[test]
fn context_agents_and_groups_exist_only_in_2_0() {
    let b = base();
    let agent = json!({"objectType": "Agent", "mbox": "mailto:i@example.com"});
    let group = json!({"objectType": "Group", "member": [agent.clone()]});
    let ca = |v: serde_json::Value| set(&b, "/context/contextAgents", v);
    let cg = |v: serde_json::Value| set(&b, "/context/contextGroups", v);
    let ca_path = "statement.context.contextAgents";
    check(&[
        versioned(
            "contextAgents",
            ca(
                json!([{"objectType": "contextAgent", "agent": agent.clone(), "relevantTypes": ["http://example.com/role"]}]),
            ),
            Some(ca_path),
            V1,
        ),
        versioned(
            "contextAgents without relevantTypes",
            ca(json!([{"objectType": "contextAgent", "agent": agent.clone()}])),
            Some(ca_path),
            V1,
        ),
        versioned(
            "contextGroups",
            cg(json!([{"objectType": "contextGroup", "group": group.clone()}])),
            Some("statement.context.contextGroups"),
            V1,
        ),
        versioned(
            "contextAgents not array",
            ca(json!({"objectType": "contextAgent", "agent": agent.clone()})),
            Some(ca_path),
            Some(ca_path),
        ),
        versioned(
            "contextAgent wrong objectType",
            ca(json!([{"objectType": "Agent", "agent": agent.clone()}])),
            Some(ca_path),
            Some("statement.context.contextAgents[0].objectType"),
        ),
        versioned(
            "contextAgent without objectType",
            ca(json!([{"agent": agent.clone()}])),
            Some(ca_path),
            Some("statement.context.contextAgents[0].objectType"),
        ),
        versioned(
            "contextAgent with a group",
            ca(json!([{"objectType": "contextAgent", "agent": group.clone()}])),
            Some(ca_path),
            Some("statement.context.contextAgents[0].agent.objectType"),
        ),
        versioned(
            "contextAgent empty relevantTypes",
            ca(
                json!([{"objectType": "contextAgent", "agent": agent.clone(), "relevantTypes": []}]),
            ),
            Some(ca_path),
            Some("statement.context.contextAgents[0].relevantTypes"),
        ),
        versioned(
            "contextAgent relevantType not IRI",
            ca(
                json!([{"objectType": "contextAgent", "agent": agent.clone(), "relevantTypes": ["x"]}]),
            ),
            Some(ca_path),
            Some("statement.context.contextAgents[0].relevantTypes[0]"),
        ),
        versioned(
            "contextGroup with an agent",
            cg(json!([{"objectType": "contextGroup", "group": agent.clone()}])),
            Some("statement.context.contextGroups"),
            Some("statement.context.contextGroups[0].group.objectType"),
        ),
    ]);
}

#[test]
fn timestamps_stored_authority_version() {
    let b = base();
    let member = json!({"mbox": "mailto:m@example.com"});
    let other = json!({"account": {"homePage": "http://example.com", "name": "app"}});
    check(&[
        good(
            "RFC 3339 offset",
            set(&b, "/timestamp", json!("2008-09-15T15:53:00.601+00:00")),
        ),
        good(
            "future timestamp",
            set(&b, "/timestamp", json!("2031-11-28T00:33:09.217Z")),
        ),
        good(
            "stored given by the client",
            set(&b, "/stored", json!("2013-05-18T05:32:34.804Z")),
        ),
        good(
            "two-member OAuth authority",
            set(
                &b,
                "/authority",
                json!({"objectType": "Group", "member": [member.clone(), other.clone()]}),
            ),
        ),
        bad(
            "-00 offset",
            set(&b, "/timestamp", json!("2008-09-15T15:53:00.601-00")),
            "statement.timestamp",
        ),
        bad(
            "-0000 offset",
            set(&b, "/timestamp", json!("2008-09-15T15:53:00.601-0000")),
            "statement.timestamp",
        ),
        bad(
            "-00:00 offset",
            set(&b, "/timestamp", json!("2008-09-15T15:53:00.601-00:00")),
            "statement.timestamp",
        ),
        bad(
            "not a date",
            set(&b, "/timestamp", json!("01/011/2015")),
            "statement.timestamp",
        ),
        bad(
            "stored not a date",
            set(&b, "/stored", json!("yesterday")),
            "statement.stored",
        ),
        bad(
            "authority three members",
            set(
                &b,
                "/authority",
                json!({"objectType": "Group", "member": [member.clone(), other.clone(), {"mbox": "mailto:z@example.com"}]}),
            ),
            "statement.authority",
        ),
        bad(
            "authority identified group",
            set(
                &b,
                "/authority",
                json!({"objectType": "Group", "mbox": "mailto:g@example.com"}),
            ),
            "statement.authority",
        ),
        bad(
            "authority lowercase objectType",
            set(
                &b,
                "/authority",
                json!({"objectType": "agent", "mbox": "mailto:a@example.com"}),
            ),
            "statement.authority.objectType",
        ),
        good("version 1.0", set(&b, "/version", json!("1.0"))),
        good("version 1.0.9", set(&b, "/version", json!("1.0.9"))),
        versioned(
            "version 2.0.0",
            set(&b, "/version", json!("2.0.0")),
            Some("statement.version"),
            None,
        ),
        bad(
            "version 1.1.0",
            set(&b, "/version", json!("1.1.0")),
            "statement.version",
        ),
        bad(
            "version 0.9.9",
            set(&b, "/version", json!("0.9.9")),
            "statement.version",
        ),
        bad(
            "version numeric",
            set(&b, "/version", json!(1.0)),
            "statement.version",
        ),
    ]);
}

#[test]
fn attachments_metadata() {
    let b = base();
    let att = json!({"usageType": "http://example.com/attachment-usage/test", "display": {"en-US": "A test attachment"}, "description": {"en-US": "d"}, "contentType": "text/plain; charset=ascii", "length": 27, "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a", "fileUrl": "http://example.com/f.txt"});
    let with = |key: &str, v: serde_json::Value| {
        set(
            &b,
            "/attachments",
            json!([set(&att, &format!("/{key}"), v)]),
        )
    };
    let p = |k: &'static str| k;
    check(&[
        good("attachment", set(&b, "/attachments", json!([att.clone()]))),
        bad(
            "attachments not array",
            set(&b, "/attachments", att.clone()),
            "statement.attachments",
        ),
        bad(
            "attachment not object",
            set(&b, "/attachments", json!(["x"])),
            "statement.attachments[0]",
        ),
        bad(
            "usageType not IRI",
            with("usageType", json!("test")),
            p("statement.attachments[0].usageType"),
        ),
        bad(
            "display not map",
            with("display", json!("x")),
            p("statement.attachments[0].display"),
        ),
        bad(
            "display bad tag",
            with("display", json!({"a12345": "x"})),
            p("statement.attachments[0].display.a12345"),
        ),
        bad(
            "contentType not media type",
            with("contentType", json!("text")),
            p("statement.attachments[0].contentType"),
        ),
        bad(
            "length not integer",
            with("length", json!("27")),
            p("statement.attachments[0].length"),
        ),
        bad(
            "length fractional",
            with("length", json!(2.5)),
            p("statement.attachments[0].length"),
        ),
        bad(
            "sha2 not string",
            with("sha2", json!(1)),
            p("statement.attachments[0].sha2"),
        ),
        bad(
            "sha2 not hex",
            with("sha2", json!("xyz")),
            p("statement.attachments[0].sha2"),
        ),
        bad(
            "fileUrl not IRL",
            with("fileUrl", json!("f.txt")),
            p("statement.attachments[0].fileUrl"),
        ),
        bad(
            "missing display",
            set(&b, "/attachments", json!([unset(&att, "/display")])),
            "statement.attachments[0].display",
        ),
    ]);
}
