//! The run-time service: load a registration instance's state, run one `larch-runtime` call,
//! and store the result with its transcript, rollup and session bookkeeping in one
//! transaction. Writes are optimistic (the state's revision): a lost race starts over with
//! the state the winner wrote, so two nodes never overwrite each other's commits.

use crate::error::ApiError;
use crate::player::cache::{SessionCache, StateCache, StateKey};
use crate::player::courses::CourseCache;
use crate::player::signing::Signer;
use crate::state::AppState;
use larch_cmi::Strictness;
use larch_runtime::{RegistrationState, RuntimeCourse, RuntimeError};
use larch_store::ids::{CourseId, RegistrationId};
use larch_store::{
    PlayerSession, Rollup, RuntimeSave, RuntimeWrite, Scope, SessionWrite, TranscriptRow,
};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Attempts at a write before giving up (each loser re-reads what the winner wrote).
const MAX_ATTEMPTS: usize = 16;

/// What the run-time service shares across requests.
#[derive(Debug, Default)]
pub(crate) struct RuntimeService {
    /// Run-time courses by version.
    pub(crate) courses: CourseCache,
    /// Verified player sessions (player/cache.rs).
    pub(crate) sessions: SessionCache,
    /// The states this node wrote last (player/cache.rs).
    states: StateCache,
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
    /// The player session driving it (`ps_…`).
    pub(crate) player_session: String,
    /// The data-model validation its launch chose (the course's setting then).
    pub(crate) strictness: Strictness,
}

impl Target {
    /// The instance player session `s` drives.
    pub(crate) fn of(scope: Scope, s: &PlayerSession) -> Self {
        Self {
            scope,
            registration: s.registration_id.clone(),
            instance: s.instance,
            course: s.course_id.clone(),
            version: s.course_version,
            player_session: s.id.clone(),
            strictness: strictness_of(&s.strictness),
        }
    }

    fn state_key(&self) -> StateKey {
        let t = self;
        (
            t.scope,
            t.registration.clone(),
            t.instance,
            t.player_session.clone(),
        )
    }
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
    /// what it produced; retried on a lost race. The state this node wrote last for the
    /// session is tried first, without a read (player/cache.rs).
    pub(crate) async fn drive<T>(
        &self,
        app: &AppState,
        target: &Target,
        course: &Arc<RuntimeCourse>,
        fresh: Option<&RegistrationState>,
        step: impl Fn(RegistrationState) -> Result<Computed<T>, ApiError>,
    ) -> Result<T, ApiError> {
        let key = target.state_key();
        let mut cached = self.states.take(&key);
        for _ in 0..MAX_ATTEMPTS {
            let (state, revision, from_cache) = match cached.take() {
                Some((state, revision)) => (state, Some(revision), true),
                None => {
                    let (state, revision) = self.load(app, target, fresh).await?;
                    (state, revision, false)
                }
            };
            let done = match step(state) {
                Ok(done) => done,
                // A cached state another node has since moved on from may refuse what the
                // stored one accepts: decide on the stored one.
                Err(_) if from_cache => {
                    self.states.forget(&key);
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !done.write {
                // A duplicate commit changed nothing: the state stays as it was stored.
                if let Some(revision) = revision {
                    self.states.put(key, revision, done.state);
                }
                return Ok(done.answer);
            }
            let (opens, ends) = done.session_change();
            let (write, state) = write_of(
                course,
                target,
                revision,
                done.state,
                done.transcript,
                done.session,
            )?;
            match app.store.runtime().save(target.scope, write).await? {
                RuntimeSave::Saved(revision) => {
                    if opens {
                        self.sessions
                            .forget_instance(&target.registration, target.instance);
                        self.states
                            .forget_instance(&target.registration, target.instance);
                    }
                    if ends {
                        self.states.forget(&key);
                        self.sessions.forget(&target.player_session);
                    } else {
                        self.states.put(key, revision, state);
                    }
                    return Ok(done.answer);
                }
                RuntimeSave::Conflict => self.states.forget(&key),
                RuntimeSave::SessionEnded => {
                    self.states.forget(&key);
                    self.sessions.forget(&target.player_session);
                    return Err(session_invalid());
                }
            }
        }
        Err(ApiError::Unavailable(anyhow::anyhow!(
            "registration state contended by {MAX_ATTEMPTS} writers"
        )))
    }

    /// The stored state and its revision, or `fresh` (no revision) before the first launch.
    async fn load(
        &self,
        app: &AppState,
        target: &Target,
        fresh: Option<&RegistrationState>,
    ) -> Result<(RegistrationState, Option<i64>), ApiError> {
        let stored = app
            .store
            .runtime()
            .load(target.scope, &target.registration, target.instance)
            .await?;
        match (stored, fresh) {
            (Some(s), _) => Ok((decode(&s.state)?, Some(s.revision))),
            (None, Some(fresh)) => Ok((fresh.clone(), None)),
            // Sessions exist only after their launch stored a state: it was removed.
            (None, None) => Err(ApiError::NotFound {
                what: "registration",
                id: Some(target.registration.to_string()),
            }),
        }
    }
}

impl<T> Computed<T> {
    /// Whether the write opens a session (ending the instance's others) and whether it ends
    /// this one: what is cached of them must go.
    fn session_change(&self) -> (bool, bool) {
        match &self.session {
            SessionWrite::Open(_) => (true, false),
            SessionWrite::Update { ended, .. } => (false, ended.is_some()),
        }
    }
}

/// The store write of a computed call; the state is handed back for the cache.
fn write_of(
    course: &RuntimeCourse,
    target: &Target,
    revision: Option<i64>,
    state: RegistrationState,
    transcript: Vec<TranscriptRow>,
    session: SessionWrite,
) -> Result<(RuntimeWrite, RegistrationState), ApiError> {
    let json = state_json(&state)?;
    let write = RuntimeWrite {
        registration: target.registration.clone(),
        instance: target.instance,
        course_version: target.version,
        expected_revision: revision,
        state: json,
        transcript,
        rollup: rollup(course, &state),
        session,
        now: unix_now(),
    };
    Ok((write, state))
}

/// The state as stored: JSON, written into a buffer sized for a typical state at once
/// (`serde_json::to_string` starts small and grows, copying the buffer each time).
fn state_json(state: &RegistrationState) -> Result<String, ApiError> {
    let mut json = Vec::with_capacity(STATE_JSON_CAPACITY);
    serde_json::to_writer(&mut json, state)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("state: {e}")))?;
    String::from_utf8(json).map_err(|e| ApiError::Internal(anyhow::anyhow!("state: {e}")))
}

/// Bytes reserved for a state's JSON: a one-SCO course's state is about 1.7 KB.
const STATE_JSON_CAPACITY: usize = 4096;

/// A stored strictness (`strict`; anything else is the forgiving default).
pub(crate) fn strictness_of(stored: &str) -> Strictness {
    if stored == "strict" {
        Strictness::Strict
    } else {
        Strictness::Forgiving
    }
}

/// The refusal of a call through a player session that has ended (docs/runtime-protocol.md).
pub(crate) fn session_invalid() -> ApiError {
    ApiError::Unauthenticated {
        code: "session_invalid",
        message: "this player session has ended or is not valid; relaunch the course".into(),
    }
}

/// The 401 for a call through a session that ended because the course was over: the player
/// says "Course complete" (a retry of the terminating commit whose answer was lost ends here).
pub(crate) fn course_complete() -> ApiError {
    ApiError::Unauthenticated {
        code: "course_complete",
        message: "this course is complete; relaunch it from your learning platform to see it again"
            .into(),
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
