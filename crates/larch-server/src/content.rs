//! The content origin: what learners' browsers load (launch pages, the player, course assets).
//! A separate origin, so content can never read the API origin's cookies or keys.

use crate::state::AppState;
use crate::telemetry::telemetry;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use larch_store::LaunchOutcome;

/// The content origin's router.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(crate::ops::health))
        .route("/launch/{token}", get(launch))
        .merge(crate::player::routes())
        .fallback(not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::router::on_panic,
        ))
        .layer(from_fn_with_state(state.clone(), telemetry))
        .with_state(state)
}

/// A launch URL: valid once, before it expires. What it serves for now is the course's entry
/// list; the player replaces it (runtime issue).
async fn launch(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let (status, html) = match state.store.launches().consume(&token).await {
        Ok(LaunchOutcome::Valid(valid)) => {
            match crate::player::open(&state, &valid, &headers).await {
                Ok(crate::player::Opened::Player(html)) => {
                    return crate::player::player_response(StatusCode::OK, html);
                }
                Ok(crate::player::Opened::NotPlayable) => {
                    tracing::info!(registration.id = %valid.registration.id, "launch opened");
                    (StatusCode::OK, entry_list(&valid.course))
                }
                Err(err) => {
                    tracing::error!(error = ?err, "launch failed");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        page("Please try again", "The course cannot be opened right now."),
                    )
                }
            }
        }
        Ok(LaunchOutcome::Used) => (
            StatusCode::GONE,
            page(
                "This link was already used",
                "Launch links work once. Go back to where you started the course to get a new one.",
            ),
        ),
        Ok(LaunchOutcome::Expired) => (
            StatusCode::GONE,
            page(
                "This link has expired",
                "Launch links work for a few minutes. Go back to where you started the course to get a new one.",
            ),
        ),
        Ok(LaunchOutcome::Unknown) => (
            StatusCode::NOT_FOUND,
            page("Unknown link", "This launch link is not valid."),
        ),
        Err(err) => {
            tracing::error!(error = ?err, "launch failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                page("Please try again", "The course cannot be opened right now."),
            )
        }
    };
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    // The token is in the URL: never cache the page, never send the URL on as a referrer.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // The page is static HTML with inline styles: nothing else may load or run.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The course's title and entry points.
fn entry_list(course: &larch_store::Course) -> String {
    let items: String = course
        .launchables
        .iter()
        .map(|l| {
            format!(
                "<li>{} <small>({})</small></li>",
                escape(&l.title),
                escape(&l.href)
            )
        })
        .collect();
    let body = format!(
        "Version {}. Entry points:</p><ul>{items}</ul><p>",
        course.version
    );
    page_with_html(&course.title, &body)
}

/// The content origin's 404 page.
pub(crate) fn not_found_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(page("Not found", "There is nothing at this address.")),
    )
        .into_response()
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(page("Not found", "There is nothing at this address.")),
    )
}

/// A minimal, self-contained HTML page for learners (no scripts, no external resources).
pub(crate) fn page(title: &str, message: &str) -> String {
    page_with_html(title, &escape(message))
}

/// A page whose message is already HTML (escaped by the caller).
fn page_with_html(title: &str, message_html: &str) -> String {
    let (title, message) = (escape(title), message_html);
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
