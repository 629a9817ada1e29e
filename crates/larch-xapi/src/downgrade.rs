//! Down-conversion of a stored statement to xAPI 1.0.3, for a 1.0.3 forwarding target.
//!
//! A statement received under 2.0 (IEEE 9274.1.1) may use what 1.0.3 does not have, and a
//! 1.0.3 LRS rejects it whole. Nothing is dropped silently: the 2.0-only Context properties
//! travel in the Context's `extensions` (which both versions carry unchanged) under Larch's
//! extension IRIs, so the receiving side can read them back. What changes:
//!
//! - 2.0 4.2.2.5 (Context): `contextAgents` and `contextGroups` are not Context properties in
//!   1.0.3 (Data 2.4.6, whose LRS rejects unknown properties, Data 2.2): each moves to
//!   `context.extensions` under [`CONTEXT_AGENTS_IRI`] / [`CONTEXT_GROUPS_IRI`], value as is —
//!   in the statement's Context and in a SubStatement's (Data 2.4.4.3).
//! - Data 2.4.10 (1.0.3): `version` must be `1.0.x`; a `2.0.x` becomes `1.0.3`.
//! - Data 2.6 (signed statements): a statement changed above no longer matches its JWS
//!   payload, so its signature attachment (usage type [`SIGNATURE_USAGE`]) is removed rather
//!   than sent as a signature a 1.0.3 LRS must reject.
//!
//! Everything else 2.0 changed is accepted by 1.0.3 as 2.0 stores it (timestamps in UTC are
//! ISO 8601 timestamps; 2.0 added no other statement property).

use serde_json::{Map, Value};

/// The Context extension carrying 2.0's `context.contextAgents` in a 1.0.3 statement.
pub const CONTEXT_AGENTS_IRI: &str = "urn:larch:xapi:2.0:context:contextAgents";
/// The Context extension carrying 2.0's `context.contextGroups` in a 1.0.3 statement.
pub const CONTEXT_GROUPS_IRI: &str = "urn:larch:xapi:2.0:context:contextGroups";
/// The usage type of a signature attachment (xAPI-Data 2.6).
pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// 2.0-only Context properties and the extension each travels in.
const MOVED: [(&str, &str); 2] = [
    ("contextAgents", CONTEXT_AGENTS_IRI),
    ("contextGroups", CONTEXT_GROUPS_IRI),
];

/// A statement made valid xAPI 1.0.3.
#[derive(Debug, Clone, PartialEq)]
pub struct Downgraded {
    /// The statement to send.
    pub statement: Value,
    /// What was changed, one short phrase each (`statement.context.contextAgents moved to an
    /// extension`); empty when the statement was 1.0.3 already.
    pub changes: Vec<String>,
}

/// Converts `statement` (as stored, either version) to xAPI 1.0.3; see the module
/// documentation for the rules.
pub fn to_1_0_3(statement: &Value) -> Downgraded {
    let mut out = statement.clone();
    let mut changes = Vec::new();
    if let Some(obj) = out.as_object_mut() {
        move_context(obj, "statement", &mut changes);
        if let Some(sub) = obj.get_mut("object").and_then(Value::as_object_mut)
            && sub.get("objectType").and_then(Value::as_str) == Some("SubStatement")
        {
            move_context(sub, "statement.object", &mut changes);
        }
        let v2 = obj
            .get("version")
            .and_then(Value::as_str)
            .is_some_and(|v| v == "2.0" || v.starts_with("2.0."));
        if v2 {
            obj.insert("version".into(), Value::from("1.0.3"));
            changes.push("statement.version 2.0.0 became 1.0.3".to_owned());
        }
        if !changes.is_empty() && drop_signature(obj) {
            changes.push("the signature attachment was removed (it no longer matches)".to_owned());
        }
    }
    Downgraded {
        statement: out,
        changes,
    }
}

/// Moves the 2.0-only properties of `holder.context` into its extensions.
fn move_context(holder: &mut Map<String, Value>, at: &str, changes: &mut Vec<String>) {
    let Some(context) = holder.get_mut("context").and_then(Value::as_object_mut) else {
        return;
    };
    for (property, iri) in MOVED {
        let Some(value) = context.remove(property) else {
            continue;
        };
        let extensions = context
            .entry("extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions.insert(iri.to_owned(), value);
        }
        changes.push(format!(
            "{at}.context.{property} moved to the extension {iri}"
        ));
    }
}

/// Removes signature attachments; whether there was one.
fn drop_signature(statement: &mut Map<String, Value>) -> bool {
    let Some(list) = statement
        .get_mut("attachments")
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    let before = list.len();
    list.retain(|a| a["usageType"] != SIGNATURE_USAGE);
    let removed = list.len() != before;
    if list.is_empty() {
        statement.remove("attachments");
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Statement, XapiVersion};
    use serde_json::json;

    fn agent(name: &str) -> Value {
        json!({"objectType": "Agent", "mbox": format!("mailto:{name}@example.com")})
    }

    /// A 2.0 statement as the LRS stores it, with both 2.0-only Context properties.
    fn stored_v2() -> Value {
        json!({
            "id": "6f1b5f8e-8d5c-4d5e-9c57-0b7b3c2a1d10",
            "actor": agent("ada"),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"objectType": "Activity", "id": "https://example.com/course/1"},
            "context": {
                "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                "contextAgents": [{"objectType": "contextAgent", "agent": agent("coach"),
                    "relevantTypes": ["https://example.com/types/coach"]}],
                "contextGroups": [{"objectType": "contextGroup",
                    "group": {"objectType": "Group", "member": [agent("bo")]}}],
                "extensions": {"https://example.com/ext/x": 1}
            },
            "timestamp": "2026-11-28T10:00:00.000Z",
            "stored": "2026-11-28T10:00:01.000Z",
            "authority": agent("lrs"),
            "version": "2.0.0"
        })
    }

    #[test]
    fn a_v2_statement_becomes_valid_1_0_3_with_its_context_agents_in_extensions() {
        let original = stored_v2();
        assert!(Statement::parse(&original, XapiVersion::V1_0_3).is_err());
        let out = to_1_0_3(&original);
        Statement::parse(&out.statement, XapiVersion::V1_0_3).expect("valid 1.0.3");
        let context = &out.statement["context"];
        assert!(context.get("contextAgents").is_none());
        assert_eq!(
            context["extensions"][CONTEXT_AGENTS_IRI],
            original["context"]["contextAgents"]
        );
        assert_eq!(
            context["extensions"][CONTEXT_GROUPS_IRI],
            original["context"]["contextGroups"]
        );
        assert_eq!(context["extensions"]["https://example.com/ext/x"], 1);
        assert_eq!(out.statement["version"], "1.0.3");
        assert_eq!(out.changes.len(), 3, "{:?}", out.changes);
    }

    #[test]
    fn a_substatement_context_is_converted_too() {
        let mut original = stored_v2();
        let context = original
            .as_object_mut()
            .and_then(|o| o.remove("context"))
            .expect("a context");
        original["object"] = json!({
            "objectType": "SubStatement", "actor": agent("bo"),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
            "object": {"objectType": "Activity", "id": "https://example.com/a"},
            "context": context
        });
        original["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/planned");
        let out = to_1_0_3(&original);
        Statement::parse(&out.statement, XapiVersion::V1_0_3).expect("valid 1.0.3");
        let ext = &out.statement["object"]["context"]["extensions"];
        assert!(ext[CONTEXT_AGENTS_IRI].is_array());
        assert!(out.changes[0].starts_with("statement.object.context.contextAgents"));
    }

    #[test]
    fn a_1_0_3_statement_is_left_alone() {
        let mut original = stored_v2();
        original["context"] = json!({"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"});
        original["version"] = json!("1.0.3");
        let out = to_1_0_3(&original);
        assert_eq!(out.statement, original);
        assert!(out.changes.is_empty());
    }

    #[test]
    fn a_converted_signed_statement_loses_its_signature_attachment() {
        let mut original = stored_v2();
        let signature = json!({"usageType": SIGNATURE_USAGE, "display": {"en-US": "sig"},
            "contentType": "application/octet-stream", "length": 10, "sha2": "ab"});
        original["attachments"] = json!([signature]);
        let out = to_1_0_3(&original);
        assert!(out.statement.get("attachments").is_none());
        assert!(out.changes.iter().any(|c| c.contains("signature")));
        Statement::parse(&out.statement, XapiVersion::V1_0_3).expect("valid 1.0.3");
        // Unchanged otherwise: the signature stays.
        let mut plain = original.clone();
        plain["context"] = json!({});
        plain["version"] = json!("1.0.0");
        assert_eq!(to_1_0_3(&plain).statement, plain);
    }
}
