//! The content origin: what learners' browsers load (launch pages, the player, course assets).
//! A separate origin, so content can never read the API origin's cookies or keys.

use crate::state::AppState;
use crate::telemetry::telemetry;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse};
use axum::routing::get;

/// The content origin's router.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(crate::ops::health))
        .fallback(not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::router::on_panic,
        ))
        .layer(from_fn_with_state(state.clone(), telemetry))
        .with_state(state)
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(page("Not found", "There is nothing at this address.")),
    )
}

/// A minimal, self-contained HTML page for learners (no scripts, no external resources).
pub(crate) fn page(title: &str, message: &str) -> String {
    let (title, message) = (escape(title), escape(message));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36em;\
         margin:4em auto;padding:0 1em;color:#222}}</style></head>\
         <body><h1>{title}</h1><p>{message}</p></body></html>"
    )
}

/// HTML-escapes text.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
