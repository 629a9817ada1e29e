//! State (xAPI-Communication 2.3), Activity Profile (2.7) and Agent Profile (2.6) documents:
//! one document by id with its `ETag` and `Last-Modified`, id lists with `since`, PUT as
//! sent, POST with JSON merge (2.2), DELETE (State without `stateId`: every matching one),
//! and the `If-Match` / `If-None-Match` preconditions (3.1).

use super::error::XapiError;
use super::request::XapiRequest;
use super::{XapiState, json, now_nanos, versioned};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use larch_store::{DocumentChange, DocumentKey, NewDocument, StoredDocument, XapiDocumentStore};
use larch_xapi::documents::{
    self, BlindPut, DocumentKind, DocumentMethod, DocumentParams, Precondition, check_preconditions,
};
use larch_xapi::primitives::Timestamp;
use larch_xapi::scopes::Resource;
use serde_json::Value;

/// Every method on a document resource.
pub(crate) async fn handle(
    State(state): State<XapiState>,
    kind: DocumentKind,
    req: XapiRequest,
) -> Response {
    let version = req.version;
    match serve(&state, kind, &req).await {
        Ok(response) => versioned(response, version),
        Err(e) => e.with_version(version).into_response(),
    }
}

async fn serve(
    state: &XapiState,
    kind: DocumentKind,
    req: &XapiRequest,
) -> Result<Response, XapiError> {
    let method = match req.method.as_str() {
        "GET" => DocumentMethod::Get,
        "PUT" => DocumentMethod::Put,
        "POST" => DocumentMethod::Post,
        "DELETE" => DocumentMethod::Delete,
        _ => return Err(XapiError::method_not_allowed()),
    };
    req.authorize(resource(kind))?;
    let params =
        documents::parse_document_params(kind, method, &req.params).map_err(|e| req.bad(e))?;
    req.check_launch_document(kind, &params)?;
    let key = store_key(kind, &params);
    let store = state.app.store.xapi_documents();
    let Some(id) = params.document_id.as_deref() else {
        return match method {
            DocumentMethod::Get => {
                let since = params
                    .since
                    .as_ref()
                    .map(|t| i64::try_from(t.unix_nanos()).unwrap_or(i64::MAX));
                let ids = store.ids(req.scope(), &key, since).await?;
                Ok(json(StatusCode::OK, &Value::from(ids)))
            }
            DocumentMethod::Delete => {
                store.delete(req.scope(), &key, None).await?;
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(req.bad("a document id is required")),
        };
    };
    if method == DocumentMethod::Get {
        return store
            .get(req.scope(), &key, id)
            .await?
            .map(document_response)
            .ok_or_else(XapiError::not_found);
    }
    let (if_match, if_none_match) = (req.header("if-match"), req.header("if-none-match"));
    if let Some(blind) = documents::blind_put(kind, method, req.version, if_match, if_none_match) {
        return write_blind(store, req, &key, id, blind).await;
    }
    // Read, check the preconditions, write only if the document is still as read; when a
    // concurrent writer got there first, read again (its change may now fail them).
    for _ in 0..MAX_ATTEMPTS {
        let current = store.get(req.scope(), &key, id).await?;
        check(kind, method, req, current.as_ref())?;
        let expected = current.as_ref().map(|d| d.version);
        let change = change(req, id, method, current)?;
        if store.write_if(req.scope(), &key, expected, change).await? {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
    }
    Err(XapiError::conflict(
        "the document kept changing during the request; retry",
    ))
}

/// Writes of one document that lose the race this many times in a row get a 409.
const MAX_ATTEMPTS: usize = 16;

/// A PUT written without reading the document first ([`documents::blind_put`]): the one
/// statement that writes is also the check, so it is as atomic as the compare-and-set loop.
async fn write_blind(
    store: &dyn XapiDocumentStore,
    req: &XapiRequest,
    key: &DocumentKey,
    id: &str,
    blind: BlindPut,
) -> Result<Response, XapiError> {
    let doc = put_document(req, id)?;
    match blind {
        BlindPut::Overwrite => store.put(req.scope(), key, doc).await?,
        BlindPut::CreateOnly => {
            let change = DocumentChange::Write(doc);
            if !store.write_if(req.scope(), key, None, change).await? {
                return Err(XapiError::precondition_failed());
            }
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `If-Match` / `If-None-Match` against the document as it is now (Communication 3.1).
fn check(
    kind: DocumentKind,
    method: DocumentMethod,
    req: &XapiRequest,
    current: Option<&StoredDocument>,
) -> Result<(), XapiError> {
    let etag = current.map(|d| documents::etag(&d.content));
    match check_preconditions(
        kind,
        method,
        req.version,
        etag.as_deref(),
        req.header("if-match"),
        req.header("if-none-match"),
    ) {
        Precondition::Proceed => Ok(()),
        Precondition::Failed => Err(XapiError::precondition_failed()),
        Precondition::Conflict => Err(XapiError::conflict(
            "the document exists: send If-Match with its ETag",
        )),
        Precondition::Required => {
            Err(req.bad("send If-Match or If-None-Match with a profile document PUT"))
        }
    }
}

/// The change a PUT, POST or DELETE makes to the document as it is now.
fn change(
    req: &XapiRequest,
    id: &str,
    method: DocumentMethod,
    current: Option<StoredDocument>,
) -> Result<DocumentChange, XapiError> {
    if method == DocumentMethod::Delete {
        return Ok(DocumentChange::Delete(id.to_owned()));
    }
    if method == DocumentMethod::Put {
        return Ok(DocumentChange::Write(put_document(req, id)?));
    }
    let content_type = content_type(req);
    let existing = current.map(|d| documents::StoredDocument {
        content: d.content,
        content_type: d.content_type,
    });
    let doc = documents::post_document(existing.as_ref(), &req.body, &content_type)
        .map_err(|e| req.bad(e))?;
    Ok(DocumentChange::Write(new_document(id, doc)))
}

/// The document a PUT stores: the body as sent, refused if it claims to be JSON and is not.
fn put_document(req: &XapiRequest, id: &str) -> Result<NewDocument, XapiError> {
    let content_type = content_type(req);
    if documents::is_json_content_type(&content_type)
        && serde_json::from_slice::<Value>(&req.body).is_err()
    {
        return Err(req.bad("the document claims to be JSON and is not"));
    }
    let doc = documents::StoredDocument {
        content: req.body.clone(),
        content_type,
    };
    Ok(new_document(id, doc))
}

fn content_type(req: &XapiRequest) -> String {
    req.header("content-type")
        .unwrap_or("application/octet-stream")
        .to_owned()
}

fn new_document(id: &str, doc: documents::StoredDocument) -> NewDocument {
    NewDocument {
        id: id.to_owned(),
        content: doc.content,
        content_type: doc.content_type,
        updated_nanos: now_nanos(),
    }
}

fn resource(kind: DocumentKind) -> Resource {
    match kind {
        DocumentKind::State => Resource::State,
        DocumentKind::ActivityProfile => Resource::ActivityProfile,
        DocumentKind::AgentProfile => Resource::AgentProfile,
    }
}

/// Where the document lives: activity, agent (by IFI key), registration.
fn store_key(kind: DocumentKind, params: &DocumentParams) -> DocumentKey {
    DocumentKey {
        kind: match kind {
            DocumentKind::State => larch_store::DocumentKind::State,
            DocumentKind::ActivityProfile => larch_store::DocumentKind::ActivityProfile,
            DocumentKind::AgentProfile => larch_store::DocumentKind::AgentProfile,
        },
        activity_id: params
            .activity_id
            .as_ref()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
        agent_key: params
            .agent
            .as_ref()
            .and_then(|a| a.ifi())
            .map(|i| i.key())
            .unwrap_or_default(),
        registration: params
            .registration
            .map(|r| r.to_string())
            .unwrap_or_default(),
    }
}

/// The document as stored, with `ETag` and `Last-Modified` (Communication 3.1, 2.2).
fn document_response(doc: StoredDocument) -> Response {
    let etag = documents::etag(&doc.content);
    let updated = Timestamp::from_unix_nanos(i128::from(doc.updated_nanos)).to_http_date();
    let content_type = HeaderValue::from_str(&doc.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = (StatusCode::OK, doc.content).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&updated) {
        headers.insert(header::LAST_MODIFIED, v);
    }
    response
}
