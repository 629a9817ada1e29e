//! The xAPI Learning Record Store at `/xapi/` on the API origin (xAPI 1.0.3 and 2.0, chosen
//! per request by `X-Experience-API-Version`). Each application environment is its own LRS;
//! the HTTP Basic credential (`/v1/lrs/credentials`) decides which.
//!
//! The xAPI rules live in `larch-xapi`; this module is the HTTP flow around them
//! (docs/xapi.md "Server flow"): [`request`] normalises and authenticates, [`statements`] and
//! [`query`] serve `/statements`, [`documents`] the State and Profile resources,
//! [`resources`] Activities, Agents and About, [`cors`] lets browser content call in, and
//! [`error`] is the one place errors become responses.

pub(crate) mod bulk;
mod cors;
mod documents;
mod error;
mod launch;
mod query;
mod request;
mod resources;
mod statements;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::any;
use larch_store::LrsCredential;
use larch_xapi::XapiVersion;
use larch_xapi::documents::DocumentKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Largest LRS request body (statements with attachments): 16 MiB.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What LRS handlers share.
#[derive(Debug, Clone)]
pub(crate) struct XapiState {
    /// The server's state (store, settings).
    pub app: AppState,
    /// The version each credential last asked for: a request without a valid version header
    /// is answered with it (the conformance suites of both versions send such requests).
    versions: Arc<Mutex<HashMap<String, XapiVersion>>>,
}

impl XapiState {
    fn last_version(&self, credential: &LrsCredential) -> XapiVersion {
        let versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        versions
            .get(credential.id.as_str())
            .copied()
            .unwrap_or(XapiVersion::V2_0_0)
    }

    fn remember_version(&self, credential: &LrsCredential, version: XapiVersion) {
        let mut versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        versions.insert(credential.id.as_str().to_owned(), version);
    }
}

/// The LRS routes, to mount at `/xapi`.
pub(crate) fn router(app: AppState) -> Router {
    let state = XapiState {
        app,
        versions: Arc::default(),
    };
    let doc = |kind: DocumentKind| any(move |s, r| documents::handle(s, kind, r));
    Router::new()
        .route("/statements", any(statements::handle))
        .route("/activities/state", doc(DocumentKind::State))
        .route("/activities/profile", doc(DocumentKind::ActivityProfile))
        .route("/agents/profile", doc(DocumentKind::AgentProfile))
        .route("/activities", any(resources::activities))
        .route("/agents", any(resources::agents))
        .route("/about", any(resources::about))
        .fallback(|| async { error::XapiError::not_found() })
        .layer(axum::middleware::from_fn(cors::cors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Sets the version header (Communication 3.3) on a successful response.
fn versioned(mut response: Response, version: XapiVersion) -> Response {
    response.headers_mut().insert(
        header::HeaderName::from_static("x-experience-api-version"),
        HeaderValue::from_static(version.header_value()),
    );
    response
}

/// A JSON response.
fn json(status: axum::http::StatusCode, value: &serde_json::Value) -> Response {
    use axum::response::IntoResponse as _;
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        value.to_string(),
    )
        .into_response()
}

/// Unix nanoseconds now.
fn now_nanos() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}
