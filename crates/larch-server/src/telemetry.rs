//! The outermost middleware: request id, request span, one log line and metrics per request.

use crate::request_id::{REQUEST_ID, RequestId};
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument as _;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "request-id";

/// Serves `req` inside a span that carries the request id, so every log line of the request
/// has it; answers with the `Request-Id` header; records metrics; logs the outcome once.
pub(crate) async fn telemetry(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = RequestId::generate();
    // The route pattern, not the path: ids in paths would leak into metric labels.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = req.method().clone();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = %route,
        key_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(req))
        .instrument(span.clone())
        .await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    state
        .metrics
        .observe(method.as_str(), &route, status, elapsed);
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request served"
        );
    });
    response
}
