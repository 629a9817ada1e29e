//! The statement model and its validation (xAPI-Data 2.0–2.4).
//!
//! [`Statement::parse`] validates untrusted JSON against the rules of the request's
//! [`XapiVersion`] and returns the typed statement, or a [`ValidationError`] naming the
//! offending property (`statement.actor.mbox: must be a mailto IRI …`).

pub mod activity;
pub mod actor;
pub mod attachment;
pub mod context;
mod lifecycle;
pub mod object;
pub mod result;
pub(crate) mod walk;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid, ValidationError};
use crate::json::{Obj, array};
use crate::primitives::{Timestamp, Uuid};
use crate::version::XapiVersion;
use activity::{Verb, parse_verb};
use actor::{Actor, parse_actor};
use attachment::{Attachment, parse_attachment};
use context::{Context, parse_context};
pub use object::StatementObject;
use object::parse_object;
use result::{StatementResult, parse_result};

/// The verb that voids the statement its object references (xAPI-Data 2.3.2).
pub const VOIDED_VERB: &str = "http://adlnet.gov/expapi/verbs/voided";

/// The properties a Statement and a SubStatement share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Core {
    /// Whom the statement is about.
    pub actor: Actor,
    /// The action.
    pub verb: Verb,
    /// What the action was done to.
    pub object: StatementObject,
    /// The outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<StatementResult>,
    /// The context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// When the experience happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// Attachment metadata (statements only; SubStatements may carry it too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
}

/// A validated statement (xAPI-Data 2.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// The statement id; the LRS assigns one when absent ([`Statement::prepare_for_storage`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// Actor, verb, object, result, context, timestamp, attachments.
    #[serde(flatten)]
    pub core: Core,
    /// When the LRS stored it (set by the LRS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<Timestamp>,
    /// Who asserts the statement is true (set by the LRS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<Actor>,
    /// The xAPI version of the statement (set by the LRS when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

const STATEMENT_KEYS: [&str; 11] = [
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];

impl Statement {
    /// Validates one statement (xAPI-Data 2.2–2.4) under `version`'s rules.
    pub fn parse(value: &Value, version: XapiVersion) -> Result<Self, ValidationError> {
        Self::parse_at(value, version, &Path::Root("statement"))
    }

    /// Reads back a statement the LRS stored ([`Statement::to_value`]), whatever version it
    /// was received under: it is parsed with the widest rules (2.0), which accept every
    /// statement either version accepted.
    pub fn from_stored(value: &Value) -> Result<Self, ValidationError> {
        Self::parse(value, XapiVersion::V2_0_0)
    }

    /// Validates a POST body: one statement or an array of them (all-or-nothing: the first
    /// error is returned, naming `statements[i]…`).
    pub fn parse_batch(value: &Value, version: XapiVersion) -> Result<Vec<Self>, ValidationError> {
        match value {
            Value::Array(items) => {
                let root = Path::Root("statements");
                items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Self::parse_at(s, version, &root.index(i)))
                    .collect()
            }
            single => Ok(vec![Self::parse(single, version)?]),
        }
    }

    fn parse_at(value: &Value, version: XapiVersion, path: &Path<'_>) -> Valid<Self> {
        let obj = Obj::new(value, path)?;
        obj.allow(&STATEMENT_KEYS)?;
        let id = obj
            .str("id")?
            .map(|raw| Uuid::parse(raw).ok_or_else(|| path.key("id").err("must be a UUID")))
            .transpose()?;
        let core = parse_core(&obj, version, false)?;
        let stored = timestamp(&obj, "stored", version)?;
        let authority = obj
            .get("authority")
            .map(|a| parse_authority(a, &path.key("authority")))
            .transpose()?;
        let statement_version = obj.str("version")?;
        if statement_version.is_some_and(|v| !version.accepts_statement_version(v)) {
            return Err(path.key("version").err(match version {
                XapiVersion::V1_0_3 => "must be 1.0 or 1.0.x",
                XapiVersion::V2_0_0 => "must be 1.0, 1.0.x, 2.0 or 2.0.x",
            }));
        }
        // xAPI-Data 2.3.2: a voiding statement's object is a StatementRef.
        if core.verb.id.as_str() == VOIDED_VERB
            && !matches!(core.object, StatementObject::StatementRef(_))
        {
            return Err(path
                .key("object")
                .err("a voiding statement's object must be a StatementRef"));
        }
        Ok(Statement {
            id,
            core,
            stored,
            authority,
            version: statement_version.map(str::to_owned),
        })
    }

    /// The statement as JSON (the `exact` format).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The statement as JSON text (the `exact` format), written straight from the statement:
    /// what [`Self::to_value`] renders, without building the tree first (keys in the order
    /// of the model rather than sorted).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".to_owned())
    }

    /// Whether a voiding statement that targets this one voids it: a voiding statement is
    /// never itself voided (xAPI-Data 2.3.2; the voiding request is still accepted).
    pub fn can_be_voided(&self) -> bool {
        self.voided_target().is_none()
    }

    /// The id of the statement this one voids, if it is a voiding statement (xAPI-Data 2.3.2).
    pub fn voided_target(&self) -> Option<Uuid> {
        match &self.core.object {
            StatementObject::StatementRef(r) if self.core.verb.id.as_str() == VOIDED_VERB => {
                Some(r.id)
            }
            _ => None,
        }
    }
}

/// Parses the shared properties of a Statement or SubStatement held in `obj`.
pub(crate) fn parse_core(obj: &Obj<'_, '_>, version: XapiVersion, in_sub: bool) -> Valid<Core> {
    let path = obj.path;
    let actor = parse_actor(obj.req("actor")?, &path.key("actor"))?;
    let verb = parse_verb(obj.req("verb")?, &path.key("verb"))?;
    let object = parse_object(obj.req("object")?, &path.key("object"), version, in_sub)?;
    let result = obj
        .get("result")
        .map(|r| parse_result(r, &path.key("result")))
        .transpose()?;
    let context = obj
        .get("context")
        .map(|c| parse_context(c, &path.key("context"), version))
        .transpose()?;
    // xAPI-Data 2.4.6: revision and platform only when the object is an Activity.
    if let Some(ctx) = &context
        && object.as_activity().is_none()
    {
        let misuse = if ctx.revision.is_some() {
            Some("revision")
        } else {
            ctx.platform.as_ref().map(|_| "platform")
        };
        if let Some(key) = misuse {
            return Err(path
                .key("context")
                .key(key)
                .err("is only allowed when the object is an Activity"));
        }
    }
    let attachments = match obj.get("attachments") {
        Some(list) => {
            let list_path = path.key("attachments");
            let items = array(list, &list_path)?;
            Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, a)| parse_attachment(a, &list_path.index(i)))
                    .collect::<Valid<Vec<_>>>()?,
            )
        }
        None => None,
    };
    Ok(Core {
        actor,
        verb,
        object,
        result,
        context,
        timestamp: timestamp(obj, "timestamp", version)?,
        attachments,
    })
}

/// xAPI-Data 2.4.7/2.4.8 and 4.5: an ISO 8601 timestamp; 2.0 keeps it converted to UTC.
fn timestamp(
    obj: &Obj<'_, '_>,
    key: &'static str,
    version: XapiVersion,
) -> Valid<Option<Timestamp>> {
    let Some(raw) = obj.str(key)? else {
        return Ok(None);
    };
    let parsed = Timestamp::parse(raw).ok_or_else(|| {
        obj.path
            .key(key)
            .err("must be an ISO 8601 timestamp with a valid offset")
    })?;
    Ok(Some(if version.stores_timestamps_in_utc() {
        parsed.to_utc()
    } else {
        parsed
    }))
}

/// xAPI-Data 2.4.9: an Agent, or an anonymous Group of exactly two Agents (OAuth consumer
/// and user).
fn parse_authority(value: &Value, path: &Path<'_>) -> Valid<Actor> {
    let actor = parse_actor(value, path)?;
    if let Actor::Group(group) = &actor
        && (group.ifi.is_some() || group.members.len() != 2)
    {
        return Err(path.err("a Group authority must be an anonymous Group of exactly two Agents"));
    }
    Ok(actor)
}
