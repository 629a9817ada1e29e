//! `Idempotency-Key` on POST: the first request with a key runs and its response is recorded;
//! a retry with the same key and the same request gets the recorded response; the same key with
//! a different request gets a 409. Recorded in the database, so it holds across nodes.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use larch_store::IdempotencyClaim;
use sha2::{Digest as _, Sha256};

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
    let (parts, body) = req.into_parts();
    // An upload is streamed, never buffered: its request is known by its size instead of its
    // bytes (a retry sends the same file; another file of the very same size is not told apart).
    let (body, hashed) = if is_upload(&parts) {
        let length = parts.headers.get(header::CONTENT_LENGTH);
        let length = length.map(|v| v.as_bytes().to_vec()).unwrap_or_default();
        (body, [b"multipart:".as_slice(), &length].concat())
    } else {
        let limit = state.config.max_body_bytes;
        let bytes = to_bytes(body, limit)
            .await
            .map_err(|_| ApiError::TooLarge { limit })?;
        (Body::from(bytes.clone()), bytes.to_vec())
    };
    let hash = request_hash(&parts.method, parts.uri.path(), parts.uri.query(), &hashed);
    let idem = state.store.idempotency();
    match idem.claim(caller.scope, &key, &hash).await? {
        IdempotencyClaim::Claimed => {}
        IdempotencyClaim::Replay { status, body } => return Ok(replay(status, body)),
        IdempotencyClaim::Mismatch => {
            return Err(conflict(
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request",
            ));
        }
        IdempotencyClaim::InProgress => {
            return Err(conflict(
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still running",
            ));
        }
    }
    let response = next.run(Request::from_parts(parts, body)).await;
    let (response_parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, MAX_RECORDED_RESPONSE).await else {
        idem.release(caller.scope, &key).await?;
        return Err(ApiError::Internal(anyhow::anyhow!(
            "response too large to record"
        )));
    };
    // A server-side failure is not an answer: release the key so that a retry runs again.
    if response_parts.status.is_server_error() {
        idem.release(caller.scope, &key).await?;
    } else {
        let text = String::from_utf8_lossy(&body);
        idem.complete(caller.scope, &key, response_parts.status.as_u16(), &text)
            .await?;
    }
    Ok(Response::from_parts(response_parts, Body::from(body)))
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
