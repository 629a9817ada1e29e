//! Player sessions: opened by a launch URL, presented by the player as `X-Larch-Session` on
//! every run-time call (docs/runtime-protocol.md). Never a cookie, so it works inside
//! third-party iframes and never rides along with course asset requests.

use crate::error::ApiError;
use crate::player::service::{Target, course_complete, session_invalid, unix_now};
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
        Target::of(self.scope, &self.session)
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
/// expired, ended, or belongs to another player session. Always asks the store (the state
/// request reads the session's stored step).
pub(crate) async fn authenticate(
    app: &AppState,
    pid: &str,
    headers: &HeaderMap,
) -> Result<PlayerCtx, ApiError> {
    let hash = secret_hash(presented(headers)?);
    let found = app
        .store
        .runtime()
        .session_by_secret(&hash, unix_now())
        .await?;
    let Some((scope, session)) = found.filter(|(_, s)| s.id == pid) else {
        return Err(refusal(app, &hash).await);
    };
    app.runtime.sessions.put(hash, scope, session.clone());
    Ok(PlayerCtx { scope, session })
}

/// The session of a state request that [`authenticate`] refused, if it ended because the
/// course is over: a reload then shows "course complete" (read-only: commits and navigation
/// stay refused), not "relaunch".
pub(crate) async fn finished(
    app: &AppState,
    pid: &str,
    headers: &HeaderMap,
) -> Result<Option<PlayerCtx>, ApiError> {
    let Ok(secret) = presented(headers) else {
        return Ok(None);
    };
    let found = app
        .store
        .runtime()
        .any_session_by_secret(&secret_hash(secret), unix_now())
        .await?;
    Ok(found
        .filter(|(_, s)| s.id == pid && s.exit_reason.as_deref() == Some("course_over"))
        .map(|(scope, session)| PlayerCtx { scope, session }))
}

/// The refusal of a write its store found through an ended session (another request ended it
/// meanwhile: `course_complete` when that one finished the course, e.g. a terminating commit
/// whose answer was lost racing its own retry; else `session_invalid`).
pub(crate) async fn ended_refusal(app: &AppState, headers: &HeaderMap) -> ApiError {
    match presented(headers) {
        Ok(secret) => refusal(app, &secret_hash(secret)).await,
        Err(e) => e,
    }
}

/// True for the refusal of a call through an ended session ([`session_invalid`]).
pub(crate) fn is_session_invalid(err: &ApiError) -> bool {
    matches!(
        err,
        ApiError::Unauthenticated {
            code: "session_invalid",
            ..
        }
    )
}

/// Why a secret opens no session: `course_complete` when its session ended with the course
/// (a commit retried after the answer to the terminating one was lost), else
/// `session_invalid`.
async fn refusal(app: &AppState, hash: &str) -> ApiError {
    let found = app
        .store
        .runtime()
        .any_session_by_secret(hash, unix_now())
        .await;
    match found {
        Ok(Some((_, s))) if s.exit_reason.as_deref() == Some("course_over") => course_complete(),
        _ => session_invalid(),
    }
}

/// [`authenticate`] for commits and navigation, trusting a session verified within
/// `cache::SESSION_TTL`: their writes check in the store that the session is still open
/// (`RuntimeSave::SessionEnded`), and they read nothing of the session row that changes.
pub(crate) async fn authenticate_cached(
    app: &AppState,
    pid: &str,
    headers: &HeaderMap,
) -> Result<PlayerCtx, ApiError> {
    let hash = secret_hash(presented(headers)?);
    match app.runtime.sessions.get(&hash, unix_now()) {
        Some((scope, session)) if session.id == pid => Ok(PlayerCtx { scope, session }),
        Some(_) => Err(session_invalid()),
        None => authenticate(app, pid, headers).await,
    }
}

/// The secret presented in the request.
fn presented(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 128)
        .ok_or_else(session_invalid)
}
