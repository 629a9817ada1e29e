//! The small read resources: About (xAPI-Communication 2.8), Agents' Person object (2.4) and
//! Activities' canonical definitions (2.5).

use serde_json::{Map, Value, json};

use crate::error::{Valid, ValidationError};
use crate::primitives::Iri;
use crate::statement::activity::{Activity, ActivityDefinition};
use crate::statement::actor::{Actor, Agent, Ifi, parse_agent_json};
use crate::statement::{Core, Statement, StatementObject};
use crate::version::XapiVersion;

/// GET /activities parameters (Communication 2.5): `activityId`, an IRI, and nothing else.
pub fn parse_activities_params(params: &[(String, String)]) -> Valid<Iri> {
    let raw = single_param(params, "activityId")?;
    Iri::parse(raw).ok_or_else(|| ValidationError::new("activityId", "must be an IRI"))
}

/// GET /agents parameters (Communication 2.4): `agent`, a JSON Agent, and nothing else.
pub fn parse_agents_params(params: &[(String, String)]) -> Valid<Actor> {
    parse_agent_json(single_param(params, "agent")?, "agent")
}

/// The value of the one parameter a resource takes; others are rejected (Communication 3.2).
fn single_param<'p>(params: &'p [(String, String)], name: &str) -> Valid<&'p str> {
    if let Some((other, _)) = params.iter().find(|(n, _)| n != name) {
        return Err(ValidationError::new(
            other.as_str(),
            "is not a parameter of this resource",
        ));
    }
    match params {
        [(_, value)] => Ok(value),
        [] => Err(ValidationError::new(name, "is required")),
        _ => Err(ValidationError::new(name, "must not be repeated")),
    }
}

/// The About document: every version this LRS speaks and optional extensions (2.8).
pub fn about_document(extensions: Option<Map<String, Value>>) -> Value {
    let mut versions: Vec<&str> = vec!["1.0.0", "1.0.1", "1.0.2"];
    versions.extend(XapiVersion::ALL.iter().rev().map(|v| v.header_value()));
    let mut doc = json!({ "version": versions });
    if let Some(ext) = extensions {
        doc["extensions"] = Value::Object(ext);
    }
    doc
}

/// The Person object for GET /agents (2.4): the union of the names and identifiers of
/// `agents`, the Agents the LRS knows to be the same person as the one asked for (at least
/// that one). Every property is an array; duplicates are removed, first seen first.
pub fn person(agents: &[Agent]) -> Value {
    let mut person = Map::new();
    person.insert("objectType".into(), json!("Person"));
    let mut push = |key: &str, value: Value| {
        let list = person
            .entry(key)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list
            && !items.contains(&value)
        {
            items.push(value);
        }
    };
    for agent in agents {
        if let Some(name) = &agent.name {
            push("name", json!(name));
        }
        match &agent.ifi {
            Ifi::Mbox(m) => push("mbox", json!(m)),
            Ifi::MboxSha1Sum(s) => push("mbox_sha1sum", json!(s)),
            Ifi::OpenId(o) => push("openid", json!(o)),
            Ifi::Account(a) => push("account", json!({"homePage": a.home_page, "name": a.name})),
        }
    }
    Value::Object(person)
}

/// The Activity object GET /activities returns (2.5): the id and the canonical definition.
pub fn activity_document(id: &Iri, definition: Option<&ActivityDefinition>) -> Value {
    let mut doc = json!({"objectType": "Activity", "id": id});
    if let Some(def) = definition {
        doc["definition"] = serde_json::to_value(def).unwrap_or(Value::Null);
    }
    doc
}

/// Folds a newly received definition into the canonical one (Data 2.4.4.1 "LRS
/// Requirements": the LRS SHOULD update the stored definition). Language maps and
/// extensions are merged entry by entry; other given properties replace the stored ones.
pub fn merge_definition(canonical: &mut ActivityDefinition, incoming: &ActivityDefinition) {
    for (mine, theirs) in [
        (&mut canonical.name, &incoming.name),
        (&mut canonical.description, &incoming.description),
    ] {
        if let Some(theirs) = theirs {
            mine.get_or_insert_with(Default::default)
                .0
                .extend(theirs.0.clone());
        }
    }
    if let Some(ext) = &incoming.extensions {
        canonical
            .extensions
            .get_or_insert_with(Default::default)
            .0
            .extend(ext.0.clone());
    }
    replace(&mut canonical.activity_type, &incoming.activity_type);
    replace(&mut canonical.more_info, &incoming.more_info);
    replace(&mut canonical.interaction_type, &incoming.interaction_type);
    replace(
        &mut canonical.correct_responses_pattern,
        &incoming.correct_responses_pattern,
    );
    replace(&mut canonical.choices, &incoming.choices);
    replace(&mut canonical.scale, &incoming.scale);
    replace(&mut canonical.source, &incoming.source);
    replace(&mut canonical.target, &incoming.target);
    replace(&mut canonical.steps, &incoming.steps);
}

/// Replaces `mine` when `theirs` is given.
fn replace<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
    if theirs.is_some() {
        mine.clone_from(theirs);
    }
}

impl Statement {
    /// Every Activity of the statement (object, context activities, and the SubStatement's),
    /// for the store to keep canonical definitions and the GET /activities resource.
    pub fn activities(&self) -> Vec<&Activity> {
        let mut out = Vec::new();
        collect_activities(&self.core, &mut out);
        if let StatementObject::SubStatement(sub) = &self.core.object {
            collect_activities(&sub.core, &mut out);
        }
        out
    }
}

fn collect_activities<'s>(core: &'s Core, out: &mut Vec<&'s Activity>) {
    if let Some(a) = core.object.as_activity() {
        out.push(a);
    }
    if let Some(ctx) = core
        .context
        .as_ref()
        .and_then(|c| c.context_activities.as_ref())
    {
        out.extend(ctx.all());
    }
}

/// Reads back a canonical definition as the store kept it (the JSON `ActivityDefinition`
/// serializes to), for GET /activities and `format=canonical`.
pub fn parse_stored_definition(value: &Value) -> Valid<ActivityDefinition> {
    crate::statement::activity::parse_definition(value, &crate::error::Path::Root("definition"))
}
