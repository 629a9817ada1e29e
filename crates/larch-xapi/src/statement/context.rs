//! Context (xAPI-Data 2.4.6), with 2.0's `contextAgents` and `contextGroups`.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::{Obj, array};
use crate::primitives::{Extensions, Iri, Uuid, is_language_tag};
use crate::statement::activity::{Activity, parse_activity};
use crate::statement::actor::{Actor, Agent, Group, parse_actor, parse_agent, parse_group};
use crate::statement::object::{StatementRef, parse_statement_ref};
use crate::version::XapiVersion;

/// The context of a statement (xAPI-Data 2.4.6).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The registration the statement belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<Uuid>,
    /// The instructor (an Agent or Group).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructor: Option<Actor>,
    /// The team (a Group).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Group>,
    /// Related activities, always serialized as arrays (xAPI-Data 2.4.6.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_activities: Option<ContextActivities>,
    /// 2.0 only: Agents in other roles, with their relevant types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_agents: Option<Vec<ContextAgent>>,
    /// 2.0 only: Groups in other roles, with their relevant types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_groups: Option<Vec<ContextGroup>>,
    /// Revision of the learning activity (Activity objects only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Platform of the experience (Activity objects only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Language of the experience (RFC 5646).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Another statement giving context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementRef>,
    /// Extensions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
}

/// `contextActivities` (xAPI-Data 2.4.6.2): each key an array, single objects normalized.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ContextActivities {
    /// Direct parents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parent: Vec<Activity>,
    /// Indirectly related activities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grouping: Vec<Activity>,
    /// Categories (e.g. profiles).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<Activity>,
    /// Anything else.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<Activity>,
}

impl ContextActivities {
    /// All context activities, in key order.
    pub fn all(&self) -> impl Iterator<Item = &Activity> {
        self.parent
            .iter()
            .chain(&self.grouping)
            .chain(&self.category)
            .chain(&self.other)
    }
}

/// 2.0 `contextAgents` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextAgent {
    /// Always `"contextAgent"`.
    pub object_type: &'static str,
    /// The Agent.
    pub agent: Agent,
    /// IRIs of the roles the Agent plays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_types: Option<Vec<Iri>>,
}

/// 2.0 `contextGroups` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextGroup {
    /// Always `"contextGroup"`.
    pub object_type: &'static str,
    /// The Group.
    pub group: Group,
    /// IRIs of the roles the Group plays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_types: Option<Vec<Iri>>,
}

const KEYS_1_0: [&str; 9] = [
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
];
const KEYS_2_0: [&str; 11] = [
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
    "contextAgents",
    "contextGroups",
];

pub(crate) fn parse_context(
    value: &Value,
    path: &Path<'_>,
    version: XapiVersion,
) -> Valid<Context> {
    let obj = Obj::new(value, path)?;
    obj.allow(if version.has_context_agents() {
        &KEYS_2_0
    } else {
        &KEYS_1_0
    })?;
    let registration = obj
        .str("registration")?
        .map(|raw| Uuid::parse(raw).ok_or_else(|| path.key("registration").err("must be a UUID")))
        .transpose()?;
    let language = obj.str("language")?;
    if language.is_some_and(|l| !is_language_tag(l)) {
        return Err(path.key("language").err("must be an RFC 5646 language tag"));
    }
    Ok(Context {
        registration,
        instructor: obj
            .get("instructor")
            .map(|v| parse_actor(v, &path.key("instructor")))
            .transpose()?,
        team: obj
            .get("team")
            .map(|v| parse_group(v, &path.key("team")))
            .transpose()?,
        context_activities: obj
            .get("contextActivities")
            .map(|v| parse_context_activities(v, &path.key("contextActivities")))
            .transpose()?,
        context_agents: obj
            .get("contextAgents")
            .map(|v| parse_context_agents(v, &path.key("contextAgents")))
            .transpose()?,
        context_groups: obj
            .get("contextGroups")
            .map(|v| parse_context_groups(v, &path.key("contextGroups")))
            .transpose()?,
        revision: obj.str("revision")?.map(str::to_owned),
        platform: obj.str("platform")?.map(str::to_owned),
        language: language.map(str::to_owned),
        statement: obj
            .get("statement")
            .map(|v| parse_statement_ref(v, &path.key("statement")))
            .transpose()?,
        extensions: obj
            .get("extensions")
            .map(|e| Extensions::parse(e, &path.key("extensions")))
            .transpose()?,
    })
}

/// xAPI-Data 2.4.6.2: keys `parent`, `grouping`, `category`, `other`; each an Activity or an
/// array of Activities.
fn parse_context_activities(value: &Value, path: &Path<'_>) -> Valid<ContextActivities> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["parent", "grouping", "category", "other"])?;
    let list = |key: &'static str| -> Valid<Vec<Activity>> {
        let key_path = path.key(key);
        match obj.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, a)| parse_activity(a, &key_path.index(i)))
                .collect(),
            Some(single) => Ok(vec![parse_activity(single, &key_path)?]),
        }
    };
    Ok(ContextActivities {
        parent: list("parent")?,
        grouping: list("grouping")?,
        category: list("category")?,
        other: list("other")?,
    })
}

/// `relevantTypes`: a non-empty array of IRIs.
fn parse_relevant_types(obj: &Obj<'_, '_>) -> Valid<Option<Vec<Iri>>> {
    let Some(value) = obj.get("relevantTypes") else {
        return Ok(None);
    };
    let path = obj.path.key("relevantTypes");
    let items = array(value, &path)?;
    if items.is_empty() {
        return Err(path.err("must not be empty"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .and_then(Iri::parse)
                .ok_or_else(|| path.index(i).err("must be an IRI"))
        })
        .collect::<Valid<Vec<_>>>()
        .map(Some)
}

/// 2.0 4.2.2.5: `contextAgents` is an array of `{objectType: "contextAgent", agent, relevantTypes?}`.
fn parse_context_agents(value: &Value, path: &Path<'_>) -> Valid<Vec<ContextAgent>> {
    let items = array(value, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let obj = Obj::new(item, &item_path)?;
        obj.allow(&["objectType", "agent", "relevantTypes"])?;
        if obj.req_str("objectType")? != "contextAgent" {
            return Err(item_path.key("objectType").err("must be \"contextAgent\""));
        }
        let agent = parse_agent(obj.req("agent")?, &item_path.key("agent"))?;
        out.push(ContextAgent {
            object_type: "contextAgent",
            agent,
            relevant_types: parse_relevant_types(&obj)?,
        });
    }
    Ok(out)
}

/// 2.0 4.2.2.5: `contextGroups` is an array of `{objectType: "contextGroup", group, relevantTypes?}`.
fn parse_context_groups(value: &Value, path: &Path<'_>) -> Valid<Vec<ContextGroup>> {
    let items = array(value, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let obj = Obj::new(item, &item_path)?;
        obj.allow(&["objectType", "group", "relevantTypes"])?;
        if obj.req_str("objectType")? != "contextGroup" {
            return Err(item_path.key("objectType").err("must be \"contextGroup\""));
        }
        let group = parse_group(obj.req("group")?, &item_path.key("group"))?;
        out.push(ContextGroup {
            object_type: "contextGroup",
            group,
            relevant_types: parse_relevant_types(&obj)?,
        });
    }
    Ok(out)
}
