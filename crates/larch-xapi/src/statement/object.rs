//! The object of a statement (xAPI-Data 2.4.4): Activity, Agent, Group, Statement Reference
//! or SubStatement.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::Obj;
use crate::primitives::Uuid;
use crate::statement::activity::{Activity, parse_activity};
use crate::statement::actor::{Agent, Group, parse_agent, parse_group};
use crate::statement::{Core, parse_core};
use crate::version::XapiVersion;

/// What the statement is about (xAPI-Data 2.4.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StatementObject {
    /// An Activity (the default when `objectType` is absent).
    Activity(Activity),
    /// An Agent.
    Agent(Agent),
    /// A Group.
    Group(Group),
    /// A reference to another statement.
    StatementRef(StatementRef),
    /// A statement nested as the object.
    SubStatement(Box<SubStatement>),
}

/// A Statement Reference (xAPI-Data 2.4.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    /// Always `"StatementRef"`.
    #[serde(rename = "objectType")]
    pub object_type: StatementRefTag,
    /// The referenced statement's id (it need not exist).
    pub id: Uuid,
}

/// Serializes as `"StatementRef"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum StatementRefTag {
    /// `"StatementRef"`.
    #[default]
    StatementRef,
}

/// Serializes as `"SubStatement"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum SubStatementTag {
    /// `"SubStatement"`.
    #[default]
    SubStatement,
}

/// A SubStatement (xAPI-Data 2.4.4.3): a statement without `id`, `stored`, `version` or
/// `authority`, which cannot itself contain a SubStatement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubStatement {
    /// Always `"SubStatement"`.
    #[serde(rename = "objectType")]
    pub object_type: SubStatementTag,
    /// The statement body.
    #[serde(flatten)]
    pub core: Core,
}

impl StatementObject {
    /// The Activity, if the object is one.
    pub fn as_activity(&self) -> Option<&Activity> {
        match self {
            StatementObject::Activity(a) => Some(a),
            _ => None,
        }
    }
}

/// xAPI-Data 2.4.4.3: `{objectType: "StatementRef", id: UUID}`.
pub(crate) fn parse_statement_ref(value: &Value, path: &Path<'_>) -> Valid<StatementRef> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["objectType", "id"])?;
    if obj.req_str("objectType")? != "StatementRef" {
        return Err(path.key("objectType").err("must be \"StatementRef\""));
    }
    let id = Uuid::parse(obj.req_str("id")?).ok_or_else(|| path.key("id").err("must be a UUID"))?;
    Ok(StatementRef {
        object_type: StatementRefTag::StatementRef,
        id,
    })
}

/// xAPI-Data 2.4.4: dispatch on `objectType` (absent means Activity). `in_sub` forbids a
/// nested SubStatement (2.4.4.3).
pub(crate) fn parse_object(
    value: &Value,
    path: &Path<'_>,
    version: XapiVersion,
    in_sub: bool,
) -> Valid<StatementObject> {
    let obj = Obj::new(value, path)?;
    Ok(match obj.object_type()? {
        None | Some("Activity") => StatementObject::Activity(parse_activity(value, path)?),
        Some("Agent") => StatementObject::Agent(parse_agent(value, path)?),
        Some("Group") => StatementObject::Group(parse_group(value, path)?),
        Some("StatementRef") => StatementObject::StatementRef(parse_statement_ref(value, path)?),
        Some("SubStatement") if in_sub => {
            return Err(path
                .key("objectType")
                .err("a SubStatement cannot contain a SubStatement"));
        }
        Some("SubStatement") => {
            let obj = Obj::new(value, path)?;
            obj.allow(&[
                "objectType",
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "attachments",
            ])?;
            let core = parse_core(&obj, version, true)?;
            StatementObject::SubStatement(Box::new(SubStatement {
                object_type: SubStatementTag::SubStatement,
                core,
            }))
        }
        Some(_) => {
            return Err(path
                .key("objectType")
                .err("must be one of Activity, Agent, Group, StatementRef, SubStatement"));
        }
    })
}
