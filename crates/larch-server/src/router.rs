//! The API origin's router: `/v1` (authenticated), the OpenAPI document, operations routes, and
//! the layers every request goes through.

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::idempotency::idempotency;
use crate::state::AppState;
use crate::telemetry::telemetry;
use crate::{api, ops};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;

/// The API origin. Layers, outermost first: telemetry (request id, span, metrics, log line),
/// panic to 500, body limit; then, on `/v1` routes only, authentication with rate limit, and
/// idempotency.
pub(crate) fn api_router(state: AppState) -> Router {
    let (v1, doc) = api::v1_routes().split_for_parts();
    let doc_json = doc.to_pretty_json().unwrap_or_default();
    let v1 = v1
        .route_layer(from_fn_with_state(state.clone(), idempotency))
        .route_layer(from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .merge(v1)
        .route(
            "/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], doc_json) }),
        )
        .merge(ops::routes())
        .nest_service("/xapi", crate::xapi::router(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(CatchPanicLayer::custom(on_panic))
        .layer(from_fn_with_state(state.clone(), telemetry))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound {
        what: "route",
        id: None,
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A panic becomes an ordinary 500 (logged once, with the request id), never a dropped
/// connection.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the signature CatchPanicLayer::custom calls"
)]
pub(crate) fn on_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    ApiError::Internal(anyhow::anyhow!("handler panicked: {what}")).into_response()
}
