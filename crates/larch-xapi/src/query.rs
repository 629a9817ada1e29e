//! GET /statements parameters (xAPI-Communication 2.1.3) parsed into a typed query, and the
//! opaque `more` cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::error::{Valid, ValidationError};
use crate::format::Format;
use crate::index::StatementIndex;
use crate::params::Params;
use crate::primitives::{Iri, Timestamp, Uuid};
use crate::statement::actor::{Actor, parse_agent_json};

/// A parsed GET /statements request.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementsQuery {
    /// `statementId` or `voidedStatementId`: one statement.
    Single {
        /// The id asked for.
        id: Uuid,
        /// `voidedStatementId` (the statement must be voided) rather than `statementId` (it
        /// must not be).
        voided: bool,
        /// `format`.
        format: Format,
        /// `attachments`.
        attachments: bool,
    },
    /// A filtered, paged list.
    Filter(Box<StatementFilter>),
}

/// The filters and paging of a list request. Defaults: no filters, `limit` 0 (the server's
/// maximum), `format` exact, `attachments` false, `ascending` false (newest first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatementFilter {
    /// `agent`: an Agent or identified Group.
    pub agent: Option<Actor>,
    /// `verb`.
    pub verb: Option<Iri>,
    /// `activity`.
    pub activity: Option<Iri>,
    /// `registration`.
    pub registration: Option<Uuid>,
    /// `related_activities`.
    pub related_activities: bool,
    /// `related_agents`.
    pub related_agents: bool,
    /// `since` (exclusive, on `stored`).
    pub since: Option<Timestamp>,
    /// `until` (inclusive, on `stored`).
    pub until: Option<Timestamp>,
    /// `limit`; 0 means the server's maximum.
    pub limit: u32,
    /// `format`.
    pub format: Format,
    /// `attachments`.
    pub attachments: bool,
    /// `ascending`.
    pub ascending: bool,
}

const FILTER_PARAMS: [&str; 12] = [
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
];

/// Parses the query parameters of GET /statements (already percent-decoded, without the
/// alternate-syntax and authentication parameters the server consumed).
///
/// Rejects (400): unknown or repeated parameters, `statementId` with `voidedStatementId`,
/// either of them with any parameter but `attachments`/`format`, and malformed values
/// (xAPI-Data 2.2: parameters are validated like statement values).
pub fn parse_statements_query(params: &[(String, String)]) -> Valid<StatementsQuery> {
    let p = Params::new(params)?;
    let format = p
        .get("format")
        .map(parse_format)
        .transpose()?
        .unwrap_or_default();
    let attachments = boolean(p.get("attachments"), "attachments")?;
    let single = match (p.get("statementId"), p.get("voidedStatementId")) {
        (Some(_), Some(_)) => {
            return Err(ValidationError::new(
                "statementId",
                "cannot be combined with voidedStatementId",
            ));
        }
        (Some(id), None) => Some(("statementId", id, false)),
        (None, Some(id)) => Some(("voidedStatementId", id, true)),
        (None, None) => None,
    };
    if let Some((name, raw, voided)) = single {
        p.only(
            &["statementId", "voidedStatementId", "format", "attachments"],
            &format!("cannot be combined with {name}"),
        )?;
        let id = Uuid::parse(raw).ok_or_else(|| ValidationError::new(name, "must be a UUID"))?;
        return Ok(StatementsQuery::Single {
            id,
            voided,
            format,
            attachments,
        });
    }
    p.only(&FILTER_PARAMS, "is not a parameter of GET /statements")?;
    Ok(StatementsQuery::Filter(Box::new(StatementFilter {
        agent: p
            .get("agent")
            .map(|raw| parse_agent_json(raw, "agent"))
            .transpose()?,
        verb: p.get("verb").map(|v| iri(v, "verb")).transpose()?,
        activity: p.get("activity").map(|v| iri(v, "activity")).transpose()?,
        registration: p
            .get("registration")
            .map(|v| {
                Uuid::parse(v).ok_or_else(|| ValidationError::new("registration", "must be a UUID"))
            })
            .transpose()?,
        related_activities: boolean(p.get("related_activities"), "related_activities")?,
        related_agents: boolean(p.get("related_agents"), "related_agents")?,
        since: p.get("since").map(|v| timestamp(v, "since")).transpose()?,
        until: p.get("until").map(|v| timestamp(v, "until")).transpose()?,
        limit: p
            .get("limit")
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| ValidationError::new("limit", "must be a non-negative integer"))
            })
            .transpose()?
            .unwrap_or(0),
        format,
        attachments,
        ascending: boolean(p.get("ascending"), "ascending")?,
    })))
}

fn parse_format(raw: &str) -> Valid<Format> {
    Format::parse(raw)
        .ok_or_else(|| ValidationError::new("format", "must be ids, exact or canonical"))
}

fn iri(raw: &str, name: &str) -> Valid<Iri> {
    Iri::parse(raw).ok_or_else(|| ValidationError::new(name, "must be an IRI"))
}

/// Communication 2.1.3: Booleans are `true` or `false` as in JSON.
fn boolean(raw: Option<&str>, name: &str) -> Valid<bool> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ValidationError::new(name, "must be true or false")),
    }
}

fn timestamp(raw: &str, name: &str) -> Valid<Timestamp> {
    Timestamp::parse(raw).ok_or_else(|| ValidationError::new(name, "must be an ISO 8601 timestamp"))
}

impl StatementFilter {
    /// Whether a statement with index keys `index` passes the content filters (`agent`,
    /// `verb`, `activity`, `registration`, with the `related_*` flags), e.g. for statement
    /// forwarding rules or an in-memory store. Time, paging and the StatementRef rule
    /// ([`StatementIndex::targets`]) are the caller's.
    pub fn matches(&self, index: &StatementIndex) -> bool {
        let agent_ok = self.agent.as_ref().and_then(Actor::ifi).is_none_or(|ifi| {
            let pool = if self.related_agents {
                &index.related_agents
            } else {
                &index.agents
            };
            pool.contains(&ifi.key())
        });
        let activity_ok = self.activity.as_ref().is_none_or(|id| {
            if self.related_activities {
                index.related_activities.contains(id)
            } else {
                index.activity.as_ref() == Some(id)
            }
        });
        agent_ok
            && activity_ok
            && self
                .verb
                .as_ref()
                .is_none_or(|v| index.verb.as_ref() == Some(v))
            && self
                .registration
                .is_none_or(|r| index.registration == Some(r))
    }

    /// The filter as query parameters, in a fixed order (parsing them gives the same filter).
    pub fn to_params(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| out.push((k.to_owned(), v));
        if let Some(agent) = &self.agent {
            push("agent", serde_json::to_string(agent).unwrap_or_default());
        }
        self.verb.iter().for_each(|v| push("verb", v.to_string()));
        self.activity
            .iter()
            .for_each(|v| push("activity", v.to_string()));
        self.registration
            .iter()
            .for_each(|v| push("registration", v.to_string()));
        let flags = [
            ("related_activities", self.related_activities),
            ("related_agents", self.related_agents),
            ("attachments", self.attachments),
            ("ascending", self.ascending),
        ];
        for (name, on) in flags {
            if on {
                push(name, "true".to_owned());
            }
        }
        self.since
            .iter()
            .for_each(|t| push("since", t.as_str().to_owned()));
        self.until
            .iter()
            .for_each(|t| push("until", t.as_str().to_owned()));
        if self.limit > 0 {
            push("limit", self.limit.to_string());
        }
        match self.format {
            Format::Exact => {}
            Format::Ids => push("format", "ids".to_owned()),
            Format::Canonical => push("format", "canonical".to_owned()),
        }
        out
    }
}

/// Where the next page of a list starts: after the statement stored at `stored_nanos` with
/// store sequence `seq` (in the query's order), for the same filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The filter of the first request (with `until` pinned by the server if it wishes, so
    /// later pages do not shift as statements arrive).
    pub filter: StatementFilter,
    /// `stored` of the last statement returned, in nanoseconds since the epoch.
    pub stored_nanos: i128,
    /// The store's tie-breaker for equal `stored` values (e.g. its row sequence).
    pub seq: u64,
}

impl Cursor {
    /// An opaque, URL-safe token (base64url of a small JSON document); the same cursor always
    /// encodes to the same token.
    pub fn encode(&self) -> String {
        let doc = json!({"v": 1, "q": self.filter.to_params(), "s": self.stored_nanos.to_string(), "n": self.seq});
        URL_SAFE_NO_PAD.encode(doc.to_string())
    }

    /// Decodes a token from [`Cursor::encode`]; a tampered or foreign token is a 400 on `more`.
    pub fn decode(token: &str) -> Valid<Self> {
        let invalid = || ValidationError::new("more", "is not a valid cursor");
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
        let doc: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if doc["v"] != 1 {
            return Err(invalid());
        }
        let params: Vec<(String, String)> =
            serde_json::from_value(doc["q"].clone()).map_err(|_| invalid())?;
        let StatementsQuery::Filter(filter) = parse_statements_query(&params)? else {
            return Err(invalid());
        };
        let filter = *filter;
        let stored_nanos = doc["s"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(invalid)?;
        let seq = doc["n"].as_u64().ok_or_else(invalid)?;
        Ok(Self {
            filter,
            stored_nanos,
            seq,
        })
    }
}
