//! AICC HACP (CMI001 v4 section 6): `POST /hacp` with form fields `command`, `version`,
//! `session_id`, `aicc_data` (names and commands case-insensitive), answered in the HACP
//! format (`error=…`, `error_text=…`, `aicc_data=…`, CRLF-separated, `text/plain`).
//!
//! The session id is signed (`signing::AiccClaims`): a forged one is refused before any
//! lookup. HACP has no sequence numbers: each `Put…` is committed as the session's next one.

use crate::error::ApiError;
use crate::player::api::session_update;
use crate::player::service::{Computed, Target, runtime_error, unix_ms, unix_now};
use crate::player::signing::AiccClaims;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use larch_cmi::aicc::{self, AiccData};
use larch_cmi::{Change, CmiState, ScormVersion};
use larch_runtime::{Commit, RegistrationState, Step};
use larch_store::{Environment, OpenDelivery, PlayerSession, Scope, SessionWrite};
use std::collections::HashMap;

/// `POST /hacp`.
pub(crate) async fn hacp(State(app): State<AppState>, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect();
    let text = match handle(&app, &form).await {
        Ok(text) => text,
        Err(Hacp::Error(code, message)) => format!("error={code}\r\nerror_text={message}\r\n"),
        Err(Hacp::Internal(err)) => {
            tracing::error!(error = %err, "HACP request failed");
            "error=1\r\nerror_text=The LMS cannot take this request now\r\n".to_owned()
        }
    };
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A HACP failure: an error code of CMI001 6.4 or an internal failure.
enum Hacp {
    Error(u8, &'static str),
    Internal(ApiError),
}

impl From<ApiError> for Hacp {
    fn from(err: ApiError) -> Self {
        Self::Internal(err)
    }
}

impl From<larch_store::StoreError> for Hacp {
    fn from(err: larch_store::StoreError) -> Self {
        Self::Internal(err.into())
    }
}

const OK: &str = "error=0\r\nerror_text=Successful\r\n";

async fn handle(app: &AppState, form: &HashMap<String, String>) -> Result<String, Hacp> {
    let command = form.get("command").map(|c| c.trim().to_ascii_lowercase());
    let command = command.ok_or(Hacp::Error(1, "Invalid Command"))?;
    let (claims, session) = session(app, form).await?;
    let data = form.get("aicc_data").map_or("", String::as_str);
    let changes = match command.as_str() {
        "getparam" => return get_param(app, &claims, &session).await,
        "putparam" => Changes::Now(aicc::put_param_changes(&AiccData::parse(data))),
        "putinteractions" => Changes::Appended("cmi.interactions", Appender::Interactions),
        "putobjectives" => Changes::Appended("cmi.objectives", Appender::Objectives),
        "putcomments" => Changes::Now(aicc::put_comments_changes(data)),
        // Paths and performance have no place in the SCORM 1.2 data model: acknowledged.
        "putpath" | "putperformance" => return Ok(OK.to_owned()),
        "exitau" => {
            return commit(app, &claims, &session, Changes::Now(Vec::new()), data, true).await;
        }
        _ => return Err(Hacp::Error(1, "Invalid Command")),
    };
    commit(app, &claims, &session, changes, data, false).await
}

/// The checked sid's claims and its player session.
async fn session(
    app: &AppState,
    form: &HashMap<String, String>,
) -> Result<(AiccClaims, PlayerSession), Hacp> {
    let invalid = Hacp::Error(3, "Invalid Session ID");
    let sid = form.get("session_id").map(|s| s.trim()).unwrap_or_default();
    let signer = app.runtime.signer(app).await?;
    let Some(claims) = signer.verify::<AiccClaims>("aicc", sid) else {
        return Err(invalid);
    };
    if claims.exp < unix_now() {
        return Err(invalid);
    }
    let scope = scope_of(&claims).ok_or(Hacp::Error(3, "Invalid Session ID"))?;
    let session = app.store.runtime().session(scope, &claims.ps).await?;
    Ok((claims, session.ok_or(invalid)?))
}

fn scope_of(claims: &AiccClaims) -> Option<Scope> {
    Some(Scope {
        tenant: larch_store::TenantId(claims.t),
        app: larch_store::AppId(claims.a),
        env: Environment::parse(&claims.e)?,
    })
}

fn target(claims: &AiccClaims, session: &PlayerSession) -> Result<Target, Hacp> {
    let scope = scope_of(claims).ok_or(Hacp::Error(3, "Invalid Session ID"))?;
    Ok(Target::of(scope, session))
}

/// `GetParam`: the AU's data as last committed (CMI001 6.4.2).
async fn get_param(
    app: &AppState,
    claims: &AiccClaims,
    session: &PlayerSession,
) -> Result<String, Hacp> {
    let t = target(claims, session)?;
    let stored = app
        .store
        .runtime()
        .load(t.scope, &t.registration, t.instance)
        .await?;
    let state: Option<RegistrationState> = stored
        .map(|s| serde_json::from_str(&s.state))
        .transpose()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored run-time state: {e}")))?;
    let cmi = state
        .and_then(|s| s.activities.get(&claims.au).and_then(|a| a.cmi.clone()))
        .unwrap_or_else(|| CmiState::empty(ScormVersion::Scorm12));
    Ok(format!("{}\r\n", aicc::get_param_response(&cmi)))
}

/// Data files whose records go after the ones the AU already has.
#[derive(Clone, Copy)]
enum Appender {
    Interactions,
    Objectives,
}

enum Changes {
    Now(Vec<Change>),
    Appended(&'static str, Appender),
}

impl Changes {
    fn resolve(&self, state: &RegistrationState, au: &str, data: &str) -> Vec<Change> {
        match self {
            Self::Now(changes) => changes.clone(),
            Self::Appended(collection, kind) => {
                let cmi = state.activities.get(au).and_then(|a| a.cmi.as_ref());
                let existing = cmi
                    .and_then(|c| c.counts.get(*collection).copied())
                    .unwrap_or(0);
                match kind {
                    Appender::Interactions => aicc::put_interactions_changes(data, existing),
                    Appender::Objectives => aicc::put_objectives_changes(data, existing),
                }
            }
        }
    }
}

/// Commits `changes` (and `terminate` for `ExitAU`) as the AU session's next commit.
async fn commit(
    app: &AppState,
    claims: &AiccClaims,
    session: &PlayerSession,
    changes: Changes,
    data: &str,
    terminate: bool,
) -> Result<String, Hacp> {
    let t = target(claims, session)?;
    let course = app
        .runtime
        .courses
        .get(&app.store, t.scope, &t.course, (t.version, t.strictness))
        .await?
        .map_err(|_| Hacp::Error(3, "Invalid Session ID"))?;
    app.runtime
        .drive(app, &t, &course, None, |mut state| {
            let seq = state.sessions.get(&claims.s).map_or(0, |s| s.last_seq) + 1;
            let commit = Commit {
                session: claims.s,
                seq,
                activity: claims.au.clone(),
                changes: changes.resolve(&state, &claims.au, data),
                terminate,
                nav_request: None,
            };
            let result = larch_runtime::apply_commit(&course, &mut state, &commit, unix_ms())
                .map_err(runtime_error)?;
            let transcript = crate::player::api::transcript_rows(&commit, &result);
            let session = match &result.next {
                Some(next) => session_update(
                    &claims.ps,
                    &Step {
                        next: next.clone(),
                        nav: result.nav.clone(),
                    },
                ),
                None => SessionWrite::Update {
                    id: claims.ps.clone(),
                    step: None,
                    runtime_session: OpenDelivery::Unchanged,
                    ended: None,
                },
            };
            Ok(Computed {
                answer: (),
                state,
                transcript,
                session,
                write: true,
            })
        })
        .await?;
    Ok(OK.to_owned())
}
