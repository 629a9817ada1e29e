//! Operations endpoints, outside `/v1` and without authentication: `/health`, `/ready`,
//! `/metrics`. Not in the OpenAPI document (they are for orchestrators, not integrators).

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

/// The operations routes of the API origin.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
}

/// Liveness: the process serves HTTP. Never touches the database, so a database outage does
/// not get healthy processes restarted.
pub(crate) async fn health() -> impl IntoResponse {
    axum::Json(json!({"status": "ok"}))
}

/// Readiness: the database answers. 503 while it does not, so load balancers route around it.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let checked = match state.store.ping().await {
        Ok(()) => state.blobs.ping().await,
        Err(err) => Err(err),
    };
    match checked {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(json!({"status": "ready", "database": state.store.kind()})),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({"status": "unavailable", "database": state.store.kind()})),
            )
        }
    }
}

/// Prometheus text exposition.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
