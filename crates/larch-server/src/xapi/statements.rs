//! `/statements` writes: PUT (one statement, `statementId`) and POST (one or a batch,
//! all or nothing), as JSON or `multipart/mixed` with attachments and signatures
//! (xAPI-Communication 2.1.1, 2.1.2; Data 2.4.11 attachments, 2.6 signed statements).

use super::error::XapiError;
use super::request::XapiRequest;
use super::{XapiState, json, now_nanos, query, versioned};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};
use larch_store::{
    AgentRow, Attachment, DefinitionMerge, IncomingDefinition, LrsCredential, NewStatement,
};
use larch_xapi::documents::is_json_content_type;
use larch_xapi::multipart::{self, AttachmentPart};
use larch_xapi::primitives::{Timestamp, Uuid};
use larch_xapi::scopes::Resource;
use larch_xapi::statement::activity::ActivityDefinition;
use larch_xapi::statement::actor::{Actor, parse_agent_param};
use larch_xapi::{Statement, resources, signature};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Every method on `/statements`; `X-Experience-API-Consistent-Through` on each answer
/// (Communication 2.1.3: the LRS is consistent up to now).
pub(crate) async fn handle(State(state): State<XapiState>, req: XapiRequest) -> Response {
    let version = req.version;
    let result = match req.method.as_str() {
        "PUT" | "POST" => write(&state, &req).await,
        "GET" => query::get(&state, &req).await,
        _ => Err(XapiError::method_not_allowed()),
    };
    let mut response = match result {
        Ok(r) => r,
        Err(e) => e.with_version(version).into_response(),
    };
    let through = Timestamp::from_unix_nanos(i128::from(now_nanos()));
    if let Ok(value) = HeaderValue::from_str(through.as_str()) {
        response
            .headers_mut()
            .insert("x-experience-api-consistent-through", value);
    }
    versioned(response, version)
}

/// The authority the LRS assigns for this credential (Data 2.4.9): an Agent whose account
/// is the credential id at the LRS.
pub(crate) fn authority(state: &XapiState, req: &XapiRequest) -> Result<Actor, XapiError> {
    let home = format!("{}xapi", state.app.config.public_url);
    authority_at(&home, &req.credential)
}

/// The authority of `credential` at the LRS whose endpoint is `home` (Data 2.4.9).
pub(crate) fn authority_at(home: &str, credential: &LrsCredential) -> Result<Actor, XapiError> {
    let value = json!({"objectType": "Agent", "account": {"homePage": home, "name": credential.id.as_str()}});
    parse_agent_param(&value, "authority")
        .map(Actor::Agent)
        .map_err(|e| XapiError::from(larch_store::StoreError::Corrupt(e.to_string())))
}

async fn write(state: &XapiState, req: &XapiRequest) -> Result<Response, XapiError> {
    req.authorize(Resource::Statements)?;
    let (json_bytes, parts) = read_body(req)?;
    let value: Value =
        serde_json::from_slice(&json_bytes).map_err(|e| req.bad(format!("invalid JSON: {e}")))?;
    let put = req.method == "PUT";
    let mut statements = if put {
        parse_put(req, &value)?
    } else {
        if !req.params.is_empty() {
            return Err(req.bad("POST /statements takes no parameters"));
        }
        Statement::parse_batch(&value, req.version).map_err(|e| req.bad(e))?
    };
    req.check_launch_statements(&statements)?;
    multipart::match_attachments(&statements, &parts).map_err(|e| req.bad(e))?;
    signature::verify_signatures(&statements, &parts, req.version).map_err(|e| req.bad(e))?;
    let skip = already_stored(state, req, &statements).await?;
    let ids = prepare(state, req, &mut statements)?;
    let fresh: Vec<Statement> = statements
        .into_iter()
        .zip(&ids)
        .filter(|(_, id)| !skip.contains(*id))
        .map(|(s, _)| s)
        .collect();
    if !fresh.is_empty() && store(state, req, fresh, parts).await? > 0 {
        // Forwarding rules queued the batch: let an idle delivery worker look now (only then:
        // a woken worker's claim is a write, which would otherwise follow every POST).
        state.app.outbox_wake.notify_waiters();
    }
    if put {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let ids: Vec<Value> = ids.iter().map(|id| json!(id.to_string())).collect();
    Ok(json(StatusCode::OK, &Value::Array(ids)))
}

/// The statement JSON and the attachment parts: `application/json`, or `multipart/mixed`
/// (Communication 1.5.2); anything else is a 400.
fn read_body(req: &XapiRequest) -> Result<(Vec<u8>, Vec<AttachmentPart>), XapiError> {
    let content_type = req.header("content-type").unwrap_or_default();
    if multipart::is_multipart_mixed(content_type) {
        let body = multipart::parse_multipart(content_type, &req.body).map_err(|e| req.bad(e))?;
        Ok((body.statements, body.attachments))
    } else if is_json_content_type(content_type) {
        Ok((req.body.clone(), Vec::new()))
    } else {
        Err(req.bad("Content-Type must be application/json or multipart/mixed"))
    }
}

/// PUT: one statement, `statementId` and no other parameter (Communication 2.1.1).
fn parse_put(req: &XapiRequest, value: &Value) -> Result<Vec<Statement>, XapiError> {
    if value.is_array() {
        return Err(req.bad("PUT /statements takes one statement, not an array"));
    }
    if let Some((name, _)) = req.params.iter().find(|(k, _)| k != "statementId") {
        return Err(req.bad(format!("unexpected parameter {name}")));
    }
    let id = req
        .param("statementId")
        .and_then(Uuid::parse)
        .ok_or_else(|| req.bad("statementId: a UUID is required"))?;
    let mut statement = Statement::parse(value, req.version).map_err(|e| req.bad(e))?;
    statement.use_put_id(id).map_err(|e| req.bad(e))?;
    Ok(vec![statement])
}

/// Ids already stored with the same statement (a no-op, Communication 2.1.1); a different
/// statement under a stored id is a 409 for the whole batch; a repeated id in the batch a 400.
async fn already_stored(
    state: &XapiState,
    req: &XapiRequest,
    statements: &[Statement],
) -> Result<HashSet<Uuid>, XapiError> {
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for id in statements.iter().filter_map(|s| s.id) {
        if !seen.insert(id) {
            return Err(req.bad(format!("statement id {id} appears twice in the batch")));
        }
        ids.push(id.to_string());
    }
    let stored = state
        .app
        .store
        .statements()
        .by_ids(req.scope(), &ids)
        .await?;
    let mut same = HashSet::new();
    for row in stored {
        let existing = parse_stored(&row.body)?;
        let incoming = statements.iter().find(|s| s.id == existing.id);
        match (existing.id, incoming) {
            (Some(id), Some(s)) if existing.same_as(s, req.version) => {
                same.insert(id);
            }
            _ => {
                return Err(XapiError::conflict(
                    "a different statement with this id is stored",
                ));
            }
        }
    }
    Ok(same)
}

/// A stored statement read back (written by us: a failure is corruption).
pub(crate) fn parse_stored(body: &str) -> Result<Statement, XapiError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| larch_store::StoreError::Corrupt(format!("statement JSON: {e}")))?;
    Statement::from_stored(&value)
        .map_err(|e| XapiError::from(larch_store::StoreError::Corrupt(e.to_string())))
}

/// Assigns `id`, `stored`, `authority`, `version` (Data 2.4.7–2.4.10); returns every id.
fn prepare(
    state: &XapiState,
    req: &XapiRequest,
    statements: &mut [Statement],
) -> Result<Vec<Uuid>, XapiError> {
    let authority = authority(state, req)?;
    let stored = Timestamp::from_unix_nanos(i128::from(now_nanos()));
    let mut ids = Vec::with_capacity(statements.len());
    for s in statements.iter_mut() {
        s.prepare_for_storage(
            Uuid::new_v4(rand::random()),
            stored.clone(),
            authority.clone(),
            req.version,
        );
        ids.push(s.id.unwrap_or_else(|| Uuid::new_v4(rand::random())));
    }
    Ok(ids)
}

/// Writes the new statements with their keys, attachments, definitions and Agents; the
/// forwarding messages this queued.
async fn store(
    state: &XapiState,
    req: &XapiRequest,
    statements: Vec<Statement>,
    parts: Vec<AttachmentPart>,
) -> Result<usize, XapiError> {
    let store = state.app.store.statements();
    // Communication 4.2 `define`: only such credentials update canonical definitions.
    let definitions = if req.scopes.may_define() {
        incoming_definitions(&statements)
    } else {
        Vec::new()
    };
    let mut agents = Vec::new();
    let mut rows = Vec::with_capacity(statements.len());
    for s in &statements {
        agents.extend(agent_row(s));
        rows.push(new_statement(s));
    }
    let attachments = parts
        .into_iter()
        .map(|p| Attachment {
            sha2: p.sha2,
            content_type: p.content_type,
            content: p.content,
        })
        .collect();
    Ok(store
        .insert(req.scope(), rows, attachments, definitions, agents)
        .await?)
}

/// The batch's Activity definitions, to be merged into the canonical ones by the store as it
/// writes (Data 2.4.4.1, Communication 2.5).
fn incoming_definitions(statements: &[Statement]) -> Vec<IncomingDefinition> {
    statements
        .iter()
        .flat_map(Statement::activities)
        .filter_map(|activity| {
            let definition = activity.definition.as_deref()?;
            Some(IncomingDefinition {
                activity: activity.id.as_str().to_owned(),
                merge: Box::new(DefinitionPatch {
                    text: serde_json::to_string(definition).unwrap_or_default(),
                    definition: definition.clone(),
                }),
            })
        })
        .collect()
}

/// A definition from a statement, merged into the canonical one as Communication 2.5 says
/// (`resources::merge_definition`).
#[derive(Debug)]
struct DefinitionPatch {
    definition: ActivityDefinition,
    /// `definition` as the canonical one is stored.
    text: String,
}

impl DefinitionMerge for DefinitionPatch {
    fn merge_into(&self, stored: Option<&str>) -> String {
        // Content sends the same definition again and again: merging a definition into
        // itself changes nothing, so the usual case needs no parsing (and is done in the
        // writer, where time holds up the other writes).
        if stored == Some(self.text.as_str()) {
            return self.text.clone();
        }
        let mut canonical = stored
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .and_then(|value| resources::parse_stored_definition(&value).ok())
            .unwrap_or_default();
        resources::merge_definition(&mut canonical, &self.definition);
        serde_json::to_string(&canonical).unwrap_or_default()
    }
}

/// The Agent row of a statement's actor (GET /agents), when the actor is an Agent.
pub(crate) fn agent_row(s: &Statement) -> Option<AgentRow> {
    let Actor::Agent(agent) = &s.core.actor else {
        return None;
    };
    Some(AgentRow {
        ifi_key: agent.ifi.key(),
        agent: serde_json::to_string(agent).unwrap_or_default(),
    })
}

/// The row and index keys of a prepared statement.
pub(crate) fn new_statement(s: &Statement) -> NewStatement {
    let index = s.index();
    let stored = s
        .stored
        .as_ref()
        .map_or(0, |t| i64::try_from(t.unix_nanos()).unwrap_or(0));
    NewStatement {
        id: s.id.map(|id| id.to_string()).unwrap_or_default(),
        stored_nanos: stored,
        verb: s.core.verb.id.as_str().to_owned(),
        activity: index.activity.map(|a| a.as_str().to_owned()),
        registration: index.registration.map(|r| r.to_string()),
        voids: index.voids.map(|v| v.to_string()),
        target: index.targets.map(|t| t.to_string()),
        authority: index.authority,
        agents: index.agents,
        related_agents: index.related_agents,
        related_activities: index
            .related_activities
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        body: s.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(value: &Value) -> DefinitionPatch {
        let definition = resources::parse_stored_definition(value).unwrap();
        DefinitionPatch {
            text: serde_json::to_string(&definition).unwrap(),
            definition,
        }
    }

    #[test]
    fn a_definition_merges_into_the_stored_one_and_into_itself_changes_nothing() {
        let golf = patch(&json!({"name": {"en-US": "Golf"}, "type": "http://t/a"}));
        assert_eq!(golf.merge_into(None), golf.text);
        assert_eq!(golf.merge_into(Some(&golf.text)), golf.text);
        let french = patch(&json!({"name": {"fr-FR": "Le golf"}}));
        let merged: Value = serde_json::from_str(&french.merge_into(Some(&golf.text))).unwrap();
        assert_eq!(
            merged,
            json!({"name": {"en-US": "Golf", "fr-FR": "Le golf"}, "type": "http://t/a"})
        );
    }
}
