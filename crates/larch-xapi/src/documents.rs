//! The document resources: State, Activity Profile and Agent Profile (xAPI-Communication
//! 2.2–2.7): parameters, JSON merge on POST, ETags and the concurrency rules (3.1).

use serde_json::Value;
use sha1::{Digest, Sha1};

use crate::error::{Valid, ValidationError};
use crate::params::Params;
use crate::primitives::{Iri, Timestamp, Uuid};
use crate::statement::actor::{Actor, parse_agent_json};
use crate::version::XapiVersion;

/// Which document resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// `/activities/state`: keyed by activity, agent, optional registration and `stateId`.
    State,
    /// `/activities/profile`: keyed by activity and `profileId`.
    ActivityProfile,
    /// `/agents/profile`: keyed by agent and `profileId`.
    AgentProfile,
}

/// The HTTP method of a document request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentMethod {
    /// GET (and HEAD).
    Get,
    /// PUT.
    Put,
    /// POST.
    Post,
    /// DELETE.
    Delete,
}

/// Validated parameters of a document request.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentParams {
    /// `activityId` (State, Activity Profile).
    pub activity_id: Option<Iri>,
    /// `agent` (State, Agent Profile).
    pub agent: Option<Actor>,
    /// `registration` (State only).
    pub registration: Option<Uuid>,
    /// `stateId` / `profileId`; `None` addresses every matching document (GET lists ids,
    /// DELETE on State deletes them all).
    pub document_id: Option<String>,
    /// `since` (GET without a document id): only documents updated after it.
    pub since: Option<Timestamp>,
}

impl DocumentKind {
    fn id_param(self) -> &'static str {
        match self {
            Self::State => "stateId",
            Self::ActivityProfile | Self::AgentProfile => "profileId",
        }
    }

    fn allowed(self) -> &'static [&'static str] {
        match self {
            Self::State => &["activityId", "agent", "registration", "stateId", "since"],
            Self::ActivityProfile => &["activityId", "profileId", "since"],
            Self::AgentProfile => &["agent", "profileId", "since"],
        }
    }
}

/// Validates the query parameters of a document request (Communication 2.3 State, 2.6
/// Agent Profile, 2.7 Activity Profile tables): required parameters per method, `agent` as
/// JSON Agent, `registration` UUID, `activityId` IRI, `since` timestamp (GET lists only),
/// unknown or repeated parameters rejected.
pub fn parse_document_params(
    kind: DocumentKind,
    method: DocumentMethod,
    params: &[(String, String)],
) -> Valid<DocumentParams> {
    let p = Params::new(params)?;
    p.only(kind.allowed(), "is not a parameter of this resource")?;
    let get = |name: &str| p.get(name);
    let activity_id = match get("activityId") {
        Some(raw) => Some(
            Iri::parse(raw).ok_or_else(|| ValidationError::new("activityId", "must be an IRI"))?,
        ),
        None if kind != DocumentKind::AgentProfile => {
            return Err(ValidationError::new("activityId", "is required"));
        }
        None => None,
    };
    let agent = match get("agent") {
        Some(raw) => Some(parse_agent_json(raw, "agent")?),
        None if kind != DocumentKind::ActivityProfile => {
            return Err(ValidationError::new("agent", "is required"));
        }
        None => None,
    };
    let registration = get("registration")
        .map(|r| {
            Uuid::parse(r).ok_or_else(|| ValidationError::new("registration", "must be a UUID"))
        })
        .transpose()?;
    let id_param = kind.id_param();
    let document_id = get(id_param).map(str::to_owned);
    let id_required = match method {
        DocumentMethod::Put | DocumentMethod::Post => true,
        DocumentMethod::Delete => kind != DocumentKind::State,
        DocumentMethod::Get => false,
    };
    if id_required && document_id.is_none() {
        return Err(ValidationError::new(id_param, "is required"));
    }
    let since = get("since")
        .map(|s| {
            Timestamp::parse(s)
                .ok_or_else(|| ValidationError::new("since", "must be an ISO 8601 timestamp"))
        })
        .transpose()?;
    if since.is_some() && (method != DocumentMethod::Get || document_id.is_some()) {
        return Err(ValidationError::new(
            "since",
            format!("is only allowed on GET without {id_param}"),
        ));
    }
    Ok(DocumentParams {
        activity_id,
        agent,
        registration,
        document_id,
        since,
    })
}

/// The ETag of a document: the quoted lowercase hex SHA-1 of its content (Communication 3.1).
pub fn etag(content: &[u8]) -> String {
    format!("\"{}\"", hex::encode(Sha1::digest(content)))
}

/// What a write request may do, after its concurrency headers (Communication 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Go ahead.
    Proceed,
    /// `412 Precondition Failed`: `If-Match` did not match, or `If-None-Match` did.
    Failed,
    /// `409 Conflict`: a PUT without either header on a document that exists (check the
    /// current state and send `If-Match` with its ETag).
    Conflict,
    /// `400 Bad Request`: a PUT to a profile resource without either header on a document
    /// that does not exist (Communication 3.1: the client MUST send one; the ADL suite's
    /// `XAPI-00273`).
    Required,
}

/// Evaluates `If-Match` / `If-None-Match` of a PUT, POST or DELETE against the current
/// document's ETag (`None` when there is no document), per RFC 7232 and Communication 3.1.
pub fn check_preconditions(
    kind: DocumentKind,
    method: DocumentMethod,
    version: XapiVersion,
    current_etag: Option<&str>,
    if_match: Option<&str>,
    if_none_match: Option<&str>,
) -> Precondition {
    if let Some(header) = if_match {
        let matched = current_etag
            .is_some_and(|cur| header.trim() == "*" || etag_list(header).any(|e| e == cur));
        if !matched {
            return Precondition::Failed;
        }
    }
    if let Some(header) = if_none_match
        && let Some(cur) = current_etag
        && (header.trim() == "*" || etag_list(header).any(|e| e == cur))
    {
        return Precondition::Failed;
    }
    if method != DocumentMethod::Put || if_match.is_some() || if_none_match.is_some() {
        return Precondition::Proceed;
    }
    let profile = kind != DocumentKind::State;
    match current_etag {
        Some(_) if profile || version.state_put_requires_precondition() => Precondition::Conflict,
        None if profile => Precondition::Required,
        _ => Precondition::Proceed,
    }
}

/// A PUT whose preconditions do not need the stored document's ETag, so it can be written
/// without reading the document first (one statement that is itself the check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlindPut {
    /// `If-None-Match: *` alone: write only if no document exists, else `412` (Communication
    /// 3.1: the client expects to create it).
    CreateOnly,
    /// No precondition at all on a State document of a version that does not require one:
    /// write whatever is stored.
    Overwrite,
}

/// Whether this write can be a [`BlindPut`]: exactly when [`check_preconditions`] would give
/// the same answer as the blind write for an absent document and for any stored one.
pub fn blind_put(
    kind: DocumentKind,
    method: DocumentMethod,
    version: XapiVersion,
    if_match: Option<&str>,
    if_none_match: Option<&str>,
) -> Option<BlindPut> {
    if method != DocumentMethod::Put || if_match.is_some() {
        return None;
    }
    match if_none_match.map(str::trim) {
        Some("*") => Some(BlindPut::CreateOnly),
        Some(_) => None,
        None if kind == DocumentKind::State && !version.state_put_requires_precondition() => {
            Some(BlindPut::Overwrite)
        }
        None => None,
    }
}

/// The entity tags of a header value, weak prefixes dropped, always quoted.
fn etag_list(header: &str) -> impl Iterator<Item = String> + '_ {
    header.split(',').map(|t| {
        let t = t.trim().trim_start_matches("W/");
        if t.starts_with('"') {
            t.to_owned()
        } else {
            format!("\"{t}\"")
        }
    })
}

/// Whether a Content-Type is JSON (`application/json`, parameters and case ignored).
pub fn is_json_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/json"))
}

/// A document to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// The bytes.
    pub content: Vec<u8>,
    /// Its Content-Type, kept as sent.
    pub content_type: String,
}

/// The document a POST leaves (Communication 2.2 "JSON Procedure with Requirements"):
///
/// - no existing document: the posted one, as a PUT would store it;
/// - both JSON objects: the existing object with the posted top-level properties merged in;
/// - otherwise (either is not `application/json`, or not a JSON object): 400.
///
/// A posted `application/json` body must be a JSON object in every case.
pub fn post_document(
    existing: Option<&StoredDocument>,
    content: &[u8],
    content_type: &str,
) -> Valid<StoredDocument> {
    let incoming_json = is_json_content_type(content_type);
    let incoming = if incoming_json {
        Some(json_object(content, "document")?)
    } else {
        None
    };
    let Some(existing) = existing else {
        return Ok(StoredDocument {
            content: content.to_vec(),
            content_type: content_type.to_owned(),
        });
    };
    let Some(incoming) = incoming else {
        return Err(ValidationError::new(
            "Content-Type",
            "must be application/json to merge into an existing JSON document",
        ));
    };
    if !is_json_content_type(&existing.content_type) {
        return Err(ValidationError::new(
            "Content-Type",
            "the existing document is not JSON, so it cannot be merged",
        ));
    }
    let mut merged = json_object(&existing.content, "existing document")?;
    merged.extend(incoming);
    let content = serde_json::to_vec(&Value::Object(merged))
        .map_err(|e| ValidationError::new("document", e.to_string()))?;
    Ok(StoredDocument {
        content,
        content_type: existing.content_type.clone(),
    })
}

fn json_object(content: &[u8], what: &str) -> Valid<serde_json::Map<String, Value>> {
    match serde_json::from_slice(content) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ValidationError::new(what, "must be a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every blind write answers as reading first would: for an absent document and for a
    /// stored one, over every kind, version and header combination.
    #[test]
    fn a_blind_put_answers_as_reading_first_would() {
        let kinds = [
            DocumentKind::State,
            DocumentKind::ActivityProfile,
            DocumentKind::AgentProfile,
        ];
        let versions = [XapiVersion::V1_0_3, XapiVersion::V2_0_0];
        let headers = [None, Some("*"), Some(" * "), Some("\"abc\"")];
        let methods = [
            DocumentMethod::Put,
            DocumentMethod::Post,
            DocumentMethod::Delete,
        ];
        let mut blind = 0;
        for kind in kinds {
            for version in versions {
                for method in methods {
                    for if_match in headers {
                        for if_none_match in headers {
                            let check = |etag| {
                                check_preconditions(
                                    kind,
                                    method,
                                    version,
                                    etag,
                                    if_match,
                                    if_none_match,
                                )
                            };
                            let (absent, stored) = (check(None), check(Some("\"abc\"")));
                            let expected =
                                match blind_put(kind, method, version, if_match, if_none_match) {
                                    None => continue,
                                    Some(BlindPut::CreateOnly) => {
                                        (Precondition::Proceed, Precondition::Failed)
                                    }
                                    Some(BlindPut::Overwrite) => {
                                        (Precondition::Proceed, Precondition::Proceed)
                                    }
                                };
                            blind += 1;
                            assert_eq!(
                                (absent, stored),
                                expected,
                                "{kind:?} {version:?} {method:?} {if_match:?} {if_none_match:?}"
                            );
                        }
                    }
                }
            }
        }
        // CreateOnly: 3 kinds x 2 versions x 2 spellings of `*`; Overwrite: State in 1.0.3.
        assert_eq!(blind, 13);
    }
}
