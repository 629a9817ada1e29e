//! GET `/statements` (xAPI-Communication 2.1.3): one statement by `statementId` /
//! `voidedStatementId`, or a filtered list newest first with `more` paging, in the `exact`,
//! `ids` or `canonical` format, with attachments on request (`multipart/mixed`).

use super::error::XapiError;
use super::request::XapiRequest;
use super::statements::{authority, parse_stored};
use super::{XapiState, json};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use larch_store::{StatementQuery, StoredStatement};
use larch_xapi::Statement;
use larch_xapi::format::{Format, parse_accept_language, statement_result};
use larch_xapi::index::authority_key;
use larch_xapi::multipart::{self, AttachmentPart};
use larch_xapi::primitives::{Iri, Uuid};
use larch_xapi::query::{Cursor, StatementFilter, StatementsQuery, parse_statements_query};
use larch_xapi::resources;
use larch_xapi::scopes::{Access, Resource};
use larch_xapi::statement::activity::ActivityDefinition;
use serde_json::Value;
use std::collections::HashMap;

/// Largest page, and the page size when `limit` is 0 or absent.
const MAX_LIMIT: u32 = 100;

/// The boundary of `attachments=true` responses (Communication 1.5.2); parts are binary, and
/// a boundary this long and random-looking does not occur in them in practice.
const BOUNDARY: &str = "larch-xapi-7f3c9e21b4d84a6d9f0e5a1c";

/// GET /statements.
pub(crate) async fn get(state: &XapiState, req: &XapiRequest) -> Result<Response, XapiError> {
    let access = req.authorize(Resource::Statements)?;
    let mine = match access {
        Access::Mine => Some(authority_key(&authority(state, req)?)),
        _ => None,
    };
    let (filter, after) = if let Some(token) = req.param("more") {
        let cursor = Cursor::decode(token).map_err(|e| req.bad(e))?;
        let seq = i64::try_from(cursor.seq).unwrap_or(i64::MAX);
        (cursor.filter, Some((nanos(cursor.stored_nanos), seq)))
    } else {
        match parse_statements_query(&req.params).map_err(|e| req.bad(e))? {
            StatementsQuery::Single {
                id,
                voided,
                format,
                attachments,
            } => {
                return single(state, req, id, voided, (format, attachments), mine).await;
            }
            StatementsQuery::Filter(filter) => (*filter, None),
        }
    };
    list(state, req, filter, after, mine).await
}

fn nanos(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// One statement; 404 unless its voided state is the one asked for.
async fn single(
    state: &XapiState,
    req: &XapiRequest,
    id: Uuid,
    voided: bool,
    (format, attachments): (Format, bool),
    mine: Option<String>,
) -> Result<Response, XapiError> {
    let rows = state
        .app
        .store
        .statements()
        .by_ids(req.scope(), &[id.to_string()])
        .await?;
    let Some(row) = rows.into_iter().find(|r| r.voided == voided) else {
        return Err(XapiError::not_found());
    };
    if format == Format::Exact && !attachments && mine.is_none() {
        return Ok(last_modified(raw_json(row.body.clone()), &row));
    }
    let statement = parse_stored(&row.body)?;
    if mine.is_some() && statement.authority.as_ref().map(authority_key) != mine {
        return Err(XapiError::not_found());
    }
    let rendered = render(state, req, std::slice::from_ref(&statement), format).await?;
    let body = rendered.into_iter().next().unwrap_or(Value::Null);
    let response = respond(state, req, body, &[statement], attachments).await?;
    Ok(last_modified(response, &row))
}

/// `Last-Modified`: the statement's `stored`.
fn last_modified(mut response: Response, row: &StoredStatement) -> Response {
    let stored = larch_xapi::primitives::Timestamp::from_unix_nanos(i128::from(row.stored_nanos));
    if let Ok(value) = HeaderValue::from_str(&stored.to_http_date()) {
        response.headers_mut().insert(header::LAST_MODIFIED, value);
    }
    response
}

/// A page in the `exact` format straight from the stored text: the LRS stored each statement
/// as its exact rendering (`Statement::to_value`, the same as `Format::Exact` renders), so
/// reading it back into a `Statement` only to render it again would change nothing.
fn exact_page(rows: &[StoredStatement], more: Option<&str>) -> Response {
    let size = rows.iter().map(|r| r.body.len() + 1).sum::<usize>();
    let mut body = String::with_capacity(size + 64);
    body.push_str("{\"statements\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&row.body);
    }
    body.push_str("],\"more\":");
    body.push_str(&Value::String(more.unwrap_or_default().to_owned()).to_string());
    body.push('}');
    raw_json(body)
}

/// A 200 whose body is JSON text the LRS wrote itself.
fn raw_json(body: String) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// A filtered page, and `more` when the page is full.
async fn list(
    state: &XapiState,
    req: &XapiRequest,
    filter: StatementFilter,
    after: Option<(i64, i64)>,
    mine: Option<String>,
) -> Result<Response, XapiError> {
    let limit = if filter.limit == 0 {
        MAX_LIMIT
    } else {
        filter.limit.min(MAX_LIMIT)
    };
    let query = store_query(&filter, after, mine, i64::from(limit));
    let mut rows = state
        .app
        .store
        .statements()
        .query(req.scope(), &query)
        .await?;
    let more = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            let cursor = Cursor {
                filter: filter.clone(),
                stored_nanos: i128::from(last.stored_nanos),
                seq: u64::try_from(last.seq).unwrap_or(0),
            };
            format!("/xapi/statements?more={}", cursor.encode())
        })
    } else {
        None
    };
    if filter.format == Format::Exact && !filter.attachments {
        return Ok(exact_page(&rows, more.as_deref()));
    }
    let statements = rows
        .iter()
        .map(|r| parse_stored(&r.body))
        .collect::<Result<Vec<_>, _>>()?;
    let rendered = render(state, req, &statements, filter.format).await?;
    let body = statement_result(rendered, more.as_deref());
    respond(state, req, body, &statements, filter.attachments).await
}

/// The store's form of a filter (agent by IFI key, Communication 2.1.3).
fn store_query(
    filter: &StatementFilter,
    after: Option<(i64, i64)>,
    mine: Option<String>,
    limit: i64,
) -> StatementQuery {
    StatementQuery {
        agent: filter.agent.as_ref().and_then(|a| a.ifi()).map(|i| i.key()),
        related_agents: filter.related_agents,
        verb: filter.verb.as_ref().map(|v| v.as_str().to_owned()),
        activity: filter.activity.as_ref().map(|a| a.as_str().to_owned()),
        related_activities: filter.related_activities,
        registration: filter.registration.map(|r| r.to_string()),
        since_nanos: filter.since.as_ref().map(|t| nanos(t.unix_nanos())),
        until_nanos: filter.until.as_ref().map(|t| nanos(t.unix_nanos())),
        authority: mine,
        ascending: filter.ascending,
        after,
        limit,
    }
}

/// Renders in `format`; `canonical` needs the stored definitions (Communication 2.1.3).
async fn render(
    state: &XapiState,
    req: &XapiRequest,
    statements: &[Statement],
    format: Format,
) -> Result<Vec<Value>, XapiError> {
    let languages = req
        .header("accept-language")
        .map(parse_accept_language)
        .unwrap_or_default();
    let mut canonical: HashMap<Iri, ActivityDefinition> = HashMap::new();
    if format == Format::Canonical {
        let ids: Vec<String> = statements
            .iter()
            .flat_map(Statement::activities)
            .map(|a| a.id.as_str().to_owned())
            .collect();
        for (id, text) in state
            .app
            .store
            .statements()
            .definitions(req.scope(), &ids)
            .await?
        {
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if let (Some(iri), Ok(def)) =
                (Iri::parse(&id), resources::parse_stored_definition(&value))
            {
                canonical.insert(iri, def);
            }
        }
    }
    let lookup = |iri: &Iri| canonical.get(iri).cloned();
    Ok(statements
        .iter()
        .map(|s| s.render(format, &languages, &lookup))
        .collect())
}

/// JSON, or `multipart/mixed` with the statements' attachments (Communication 2.1.3
/// `attachments=true`).
async fn respond(
    state: &XapiState,
    req: &XapiRequest,
    body: Value,
    statements: &[Statement],
    attachments: bool,
) -> Result<Response, XapiError> {
    if !attachments {
        return Ok(json(StatusCode::OK, &body));
    }
    let mut hashes: Vec<String> = statements
        .iter()
        .flat_map(|s| s.core.attachments.iter().flatten())
        .map(|a| a.sha2.clone())
        .collect();
    hashes.sort();
    hashes.dedup();
    let parts: Vec<AttachmentPart> = state
        .app
        .store
        .statements()
        .attachments(req.scope(), &hashes)
        .await?
        .into_iter()
        .map(|a| AttachmentPart {
            sha2: a.sha2,
            content_type: a.content_type,
            content: a.content,
        })
        .collect();
    let bytes = multipart::write_multipart(BOUNDARY, body.to_string().as_bytes(), &parts);
    let content_type = format!("multipart/mixed; boundary={BOUNDARY}");
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("multipart/mixed")),
        )],
        bytes,
    )
        .into_response())
}
