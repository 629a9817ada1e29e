//! The run-time service: load a registration instance's state, run one `larch-runtime` call,
//! and store the result with its transcript, rollup and session bookkeeping in one
//! transaction. Writes are optimistic (the state's revision): a lost race starts over with
//! the state the winner wrote, so two nodes never overwrite each other's commits.

use crate::error::ApiError;
use crate::player::courses::CourseCache;
use crate::player::signing::Signer;
use crate::state::AppState;
use larch_runtime::{RegistrationState, RuntimeCourse, RuntimeError};
use larch_store::ids::{CourseId, RegistrationId};
use larch_store::{Rollup, RuntimeSave, RuntimeWrite, Scope, SessionWrite, TranscriptRow};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Attempts at a write before giving up (each loser re-reads what the winner wrote).
const MAX_ATTEMPTS: usize = 16;

/// What the run-time service shares across requests.
#[derive(Debug, Default)]
pub(crate) struct RuntimeService {
    /// Run-time courses by version.
    pub(crate) courses: CourseCache,
    /// The signing key, read from (or created in) the store on first use.
    signer: OnceCell<Signer>,
}

/// The registration instance a call drives.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Its scope.
    pub(crate) scope: Scope,
    /// The registration.
    pub(crate) registration: RegistrationId,
    /// Its instance.
    pub(crate) instance: i64,
    /// The course.
    pub(crate) course: CourseId,
    /// The version played.
    pub(crate) version: i64,
}

/// What one run-time call produced, to be stored.
#[derive(Debug)]
pub(crate) struct Computed<T> {
    /// The answer for the caller.
    pub(crate) answer: T,
    /// The state after the call.
    pub(crate) state: RegistrationState,
    /// Data-model changes to record.
    pub(crate) transcript: Vec<TranscriptRow>,
    /// Player session bookkeeping.
    pub(crate) session: SessionWrite,
    /// `false`: nothing changed, skip the write (a duplicate commit).
    pub(crate) write: bool,
}

impl RuntimeService {
    /// The server-wide signer.
    pub(crate) async fn signer(&self, app: &AppState) -> Result<&Signer, ApiError> {
        self.signer
            .get_or_try_init(|| async {
                let fresh = hex::encode(rand::random::<[u8; 32]>());
                let stored = app
                    .store
                    .runtime()
                    .server_secret("asset_signing", fresh)
                    .await?;
                let key = hex::decode(stored)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("signing secret: {e}")))?;
                Ok(Signer::new(key))
            })
            .await
    }

    /// Runs `step` on the instance's state (`fresh` when it was never launched) and stores
    /// what it produced; retried on a lost race.
    pub(crate) async fn drive<T>(
        &self,
        app: &AppState,
        target: &Target,
        course: &Arc<RuntimeCourse>,
        fresh: Option<&RegistrationState>,
        step: impl Fn(RegistrationState) -> Result<Computed<T>, ApiError>,
    ) -> Result<T, ApiError> {
        let store = app.store.runtime();
        for _ in 0..MAX_ATTEMPTS {
            let stored = store
                .load(target.scope, &target.registration, target.instance)
                .await?;
            let (state, revision) = match (stored, fresh) {
                (Some(s), _) => (decode(&s.state)?, Some(s.revision)),
                (None, Some(fresh)) => (fresh.clone(), None),
                // Sessions exist only after their launch stored a state: it was removed.
                (None, None) => {
                    return Err(ApiError::NotFound {
                        what: "registration",
                        id: Some(target.registration.to_string()),
                    });
                }
            };
            let done = step(state)?;
            if !done.write {
                return Ok(done.answer);
            }
            let write = RuntimeWrite {
                registration: target.registration.clone(),
                instance: target.instance,
                course_version: target.version,
                expected_revision: revision,
                state: serde_json::to_string(&done.state)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("state: {e}")))?,
                transcript: done.transcript,
                rollup: rollup(course, &done.state),
                session: done.session,
                now: unix_now(),
            };
            match store.save(target.scope, write).await? {
                RuntimeSave::Saved(_) => return Ok(done.answer),
                RuntimeSave::Conflict => continue,
            }
        }
        Err(ApiError::Unavailable(anyhow::anyhow!(
            "registration state contended by {MAX_ATTEMPTS} writers"
        )))
    }
}

fn decode(json: &str) -> Result<RegistrationState, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored run-time state: {e}")))
}

/// The registration row's copy of the results.
fn rollup(course: &RuntimeCourse, state: &RegistrationState) -> Rollup {
    let progress = larch_runtime::progress(course, state);
    let total_cs: u64 = state.activities.values().map(|r| r.total_time_cs).sum();
    Rollup {
        completion_status: enum_name(&progress.completion_status),
        success_status: enum_name(&progress.success_status),
        score_scaled: progress.score.scaled,
        score_raw: progress.score.raw,
        score_min: progress.score.min,
        score_max: progress.score.max,
        total_time_seconds: i64::try_from(total_cs / 100).unwrap_or(i64::MAX),
        attempts: i64::from(progress.attempts),
    }
}

/// The serde name of a unit enum variant (`completed`, `passed`).
fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".to_owned(),
    }
}

/// A runtime refusal as an API error.
#[expect(
    clippy::needless_pass_by_value,
    reason = "a `map_err` adapter: it receives the error by value"
)]
pub(crate) fn runtime_error(err: RuntimeError) -> ApiError {
    match err {
        RuntimeError::UnknownSession(id) => ApiError::NotFound {
            what: "run-time session",
            id: Some(id.to_string()),
        },
        RuntimeError::WrongActivity { .. } => ApiError::Conflict {
            code: "wrong_activity",
            message: err.to_string(),
            param: Some("activity".into()),
        },
        RuntimeError::StateMismatch(_) => ApiError::Conflict {
            code: "state_mismatch",
            message: err.to_string(),
            param: None,
        },
    }
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    unix_ms() / 1000
}

/// Milliseconds since the epoch (the runtime's clock).
pub(crate) fn unix_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
