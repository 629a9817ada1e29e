//! `Idempotency-Key` on POST: the first request with a key runs and its response is recorded;
//! a retry with the same key and the same request gets the recorded response; the same key with
//! a different request gets a 409. Recorded in the database, so it holds across nodes.
//!
//! A JSON request is small: it is read whole, hashed, and the key claimed before the handler
//! runs. A course upload (`multipart/form-data`) may be gigabytes and is never held in memory,
//! so it cannot be hashed before the claim. Its key is claimed by the handler instead, through
//! the [`UploadGate`] this middleware puts in the request's extensions, once the file has been
//! streamed to its temporary upload blob and hashed on the way: the decision (run, replay, 409)
//! is taken on the real content, the temporary blob is deleted when the request does not run,
//! and nothing else (no import job) happens before the claim. Hashing the raw body instead
//! would not do: clients pick a fresh multipart boundary for each attempt, so a faithful retry
//! would differ byte for byte; the gate hashes the form's parts (name, file name, content).
//! The price is that two concurrent attempts with one key both stream their file before one of
//! them gets `idempotency_key_in_use`; neither creates a second job.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use larch_store::{IdempotencyClaim, Scope};
use sha2::{Digest as _, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The request header.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Set on a response replayed from the record.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// Responses larger than this are not recorded (none of ours come close).
const MAX_RECORDED_RESPONSE: usize = 4 * 1024 * 1024;

/// Middleware, mounted inside `authenticate` (it needs the caller's scope).
pub(crate) async fn idempotency(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if req.method() != Method::POST {
        return Ok(next.run(req).await);
    }
    let Some(key) = idempotency_key(&req)? else {
        return Ok(next.run(req).await);
    };
    let caller = req.extensions().get::<Caller>().cloned().ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "idempotency middleware mounted outside authentication"
        ))
    })?;
    let (mut parts, body) = req.into_parts();
    if is_upload(&parts) {
        let request = request_hash(&parts.method, parts.uri.path(), parts.uri.query(), b"");
        let gate = UploadGate::new(caller.scope, key.clone(), request);
        parts.extensions.insert(gate.clone());
        let response = next.run(Request::from_parts(parts, body)).await;
        if !gate.claimed() {
            return Ok(response);
        }
        return record(&state, caller.scope, &key, response).await;
    }
    let limit = state.config.max_body_bytes;
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::TooLarge { limit })?;
    let hash = request_hash(&parts.method, parts.uri.path(), parts.uri.query(), &bytes);
    let claim = state
        .store
        .idempotency()
        .claim(caller.scope, &key, &hash)
        .await?;
    if let Some(answer) = answer(claim)? {
        return Ok(answer);
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    record(&state, caller.scope, &key, response).await
}

/// What a claim means for the request: `None` to run it, a replayed response, or a 409.
fn answer(claim: IdempotencyClaim) -> Result<Option<Response>, ApiError> {
    match claim {
        IdempotencyClaim::Claimed => Ok(None),
        IdempotencyClaim::Replay { status, body } => Ok(Some(replay(status, body))),
        IdempotencyClaim::Mismatch => Err(conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
        )),
        IdempotencyClaim::InProgress => Err(conflict(
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still running",
        )),
    }
}

/// Records the response of a claimed request (or releases the key after a 5xx).
async fn record(
    state: &AppState,
    scope: Scope,
    key: &str,
    response: Response,
) -> Result<Response, ApiError> {
    let idem = state.store.idempotency();
    let (response_parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, MAX_RECORDED_RESPONSE).await else {
        idem.release(scope, key).await?;
        return Err(ApiError::Internal(anyhow::anyhow!(
            "response too large to record"
        )));
    };
    // A server-side failure is not an answer: release the key so that a retry runs again.
    if response_parts.status.is_server_error() {
        idem.release(scope, key).await?;
    } else {
        let text = String::from_utf8_lossy(&body);
        idem.complete(scope, key, response_parts.status.as_u16(), &text)
            .await?;
    }
    Ok(Response::from_parts(response_parts, Body::from(body)))
}

/// The `Idempotency-Key` of an upload, claimed by the handler once the form is hashed.
#[derive(Debug, Clone)]
pub(crate) struct UploadGate(Arc<GateInner>);

#[derive(Debug)]
struct GateInner {
    scope: Scope,
    key: String,
    /// Hash of method, path and query.
    request: String,
    claimed: AtomicBool,
}

impl UploadGate {
    fn new(scope: Scope, key: String, request: String) -> Self {
        Self(Arc::new(GateInner {
            scope,
            key,
            request,
            claimed: AtomicBool::new(false),
        }))
    }

    /// Claims the key for an upload whose form hashes to `form_hash` (see
    /// `FormFingerprint`): `None` when the request is to run (its response will be recorded),
    /// the recorded response of the same request, or a 409.
    pub(crate) async fn claim(
        &self,
        state: &AppState,
        form_hash: &str,
    ) -> Result<Option<Response>, ApiError> {
        let hash = request_hash(
            &Method::POST,
            &self.0.request,
            None,
            format!("multipart:{form_hash}").as_bytes(),
        );
        let idem = state.store.idempotency();
        let claim = idem.claim(self.0.scope, &self.0.key, &hash).await?;
        let claimed = claim == IdempotencyClaim::Claimed;
        self.0.claimed.store(claimed, Ordering::SeqCst);
        answer(claim)
    }

    fn claimed(&self) -> bool {
        self.0.claimed.load(Ordering::SeqCst)
    }
}

/// Hashes a multipart form as it streams: each part's name, file name and content, in order.
#[derive(Debug, Default)]
pub(crate) struct FormFingerprint {
    hasher: Sha256,
}

impl FormFingerprint {
    /// Adds one part; `content_sha256` is the SHA-256 of its bytes, computed while streaming.
    pub(crate) fn part(&mut self, name: &str, file_name: Option<&str>, content_sha256: &[u8]) {
        let file_name = file_name.map(|f| format!("f:{f}")).unwrap_or_default();
        for field in [name.as_bytes(), file_name.as_bytes(), content_sha256] {
            self.hasher.update((field.len() as u64).to_be_bytes());
            self.hasher.update(field);
        }
    }

    /// The form's hash, hex.
    pub(crate) fn finish(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

/// A `multipart/form-data` request (a course upload).
fn is_upload(parts: &axum::http::request::Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid(
            "Idempotency-Key",
            "Idempotency-Key is 1 to 255 visible ASCII characters",
        )
    };
    let key = value.to_str().map_err(|_| bad())?;
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(Some(key.to_owned()))
}

/// What makes two requests "the same": method, path, query and body, byte for byte.
fn request_hash(method: &Method, path: &str, query: Option<&str>, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        method.as_str().as_bytes(),
        path.as_bytes(),
        query.unwrap_or("").as_bytes(),
        body,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::Conflict {
        code,
        message: message.into(),
        param: Some("Idempotency-Key".into()),
    }
}
