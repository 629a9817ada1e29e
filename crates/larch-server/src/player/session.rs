//! Player sessions: opened by a launch URL, presented by the player as `X-Larch-Session` on
//! every run-time call (docs/runtime-protocol.md). Never a cookie, so it works inside
//! third-party iframes and never rides along with course asset requests.

use crate::error::ApiError;
use crate::player::service::{Target, unix_now};
use crate::state::AppState;
use axum::http::HeaderMap;
use larch_store::{PlayerSession, Scope};
use sha2::{Digest as _, Sha256};

/// The request header carrying the session secret.
pub(crate) const SESSION_HEADER: &str = "x-larch-session";

/// How long a player session lives (seconds): a learner may keep a course open all day.
pub(crate) const SESSION_TTL: i64 = 12 * 3600;

/// A request's player session, checked.
#[derive(Debug, Clone)]
pub(crate) struct PlayerCtx {
    /// The registration's scope.
    pub(crate) scope: Scope,
    /// The session row.
    pub(crate) session: PlayerSession,
}

impl PlayerCtx {
    /// The registration instance this session drives.
    pub(crate) fn target(&self) -> Target {
        Target {
            scope: self.scope,
            registration: self.session.registration_id.clone(),
            instance: self.session.instance,
            course: self.session.course_id.clone(),
            version: self.session.course_version,
        }
    }
}

/// SHA-256 (hex) of a secret: only this is stored.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new session secret (256 bits) and public id.
pub(crate) fn new_session_ids() -> (String, String) {
    use base64::Engine as _;
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let id = format!("ps_{}", larch_store::ids::random_base62(24));
    (id, secret)
}

/// The session of a run-time request to `/p/{pid}/…`: 401 when the secret is missing, wrong,
/// expired, ended, or belongs to another player session.
pub(crate) async fn authenticate(
    app: &AppState,
    pid: &str,
    headers: &HeaderMap,
) -> Result<PlayerCtx, ApiError> {
    let invalid = || ApiError::Unauthenticated {
        code: "session_invalid",
        message: "this player session has ended or is not valid; relaunch the course".into(),
    };
    let secret = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 128)
        .ok_or_else(invalid)?;
    let found = app
        .store
        .runtime()
        .session_by_secret(&secret_hash(secret), unix_now())
        .await?;
    let (scope, session) = found.filter(|(_, s)| s.id == pid).ok_or_else(invalid)?;
    Ok(PlayerCtx { scope, session })
}
