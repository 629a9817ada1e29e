//! The player and the run-time service on the content origin (docs/runtime-protocol.md):
//! launch URLs open player sessions, the player's script drives the registration through
//! `/p/{pid}/api/…`, course files are served under signed prefixes.

mod api;
mod assets;
mod cache;
pub(crate) mod courses;
mod hacp;
mod instances;
mod launch;
mod page;
mod present;
pub(crate) mod service;
mod session;
mod signing;
pub(crate) mod sweeper;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub(crate) use launch::{Opened, open};
pub(crate) use page::{PLAYER_JS, player_response};
pub(crate) use service::RuntimeService;

/// The player's routes (merged into the content origin's router).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/p/{pid}/", get(reload))
        .route("/p/{pid}/api/state", get(api::state))
        .route("/p/{pid}/api/step", get(api::step))
        .route("/p/{pid}/api/commit", post(api::commit))
        .route("/p/{pid}/api/navigate", post(api::navigate))
        .route("/static/{name}", get(page::static_file))
        .route("/a/{token}/{*path}", get(assets::asset))
        .route("/hacp", post(hacp::hacp))
}

/// `GET /p/{pid}/`: the player page again (a reload); the script finds the secret in
/// `sessionStorage`. The page reveals nothing: the session is checked by the API calls.
async fn reload(axum::extract::Path(pid): axum::extract::Path<String>) -> axum::response::Response {
    let valid = pid.starts_with("ps_")
        && pid.len() <= 64
        && pid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return crate::content::not_found_page();
    }
    player_response(axum::http::StatusCode::OK, page::reload_page(&pid))
}
