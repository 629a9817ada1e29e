//! The run-time service's storage: a registration instance's state, player sessions (which
//! are also the launch history), the transcript of data-model changes, and server secrets.
//!
//! The state itself is opaque here (JSON owned by `larch-runtime`). Writers read it with its
//! `revision`, compute, and write it back naming the revision they read: a write that lost a
//! race changes nothing and reports [`RuntimeSave::Conflict`], and the caller starts over.

use crate::error::StoreError;
use crate::ids::RegistrationId;
use crate::model::{Page, PageRequest};
use crate::scope::Scope;
use async_trait::async_trait;

/// A registration instance's stored run-time state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRuntime {
    /// The course version the state belongs to.
    pub course_version: i64,
    /// `larch_runtime::RegistrationState` as JSON.
    pub state: String,
    /// Grows by one on every write, from 1.
    pub revision: i64,
}

/// One registration instance's stored state, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInstance {
    /// The instance, from 0.
    pub instance: i64,
    /// The course version it runs on.
    pub course_version: i64,
    /// `larch_runtime::RegistrationState` as JSON.
    pub state: String,
    /// Unix seconds of its latest write.
    pub updated: i64,
}

/// The registration's results, copied onto the registration row with every state write (the
/// registration object and its list filters read them without decoding the state).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollup {
    /// `unknown`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Scores, when reported.
    pub score_scaled: Option<f64>,
    /// Raw score.
    pub score_raw: Option<f64>,
    /// Minimum of the raw score's range.
    pub score_min: Option<f64>,
    /// Maximum of the raw score's range.
    pub score_max: Option<f64>,
    /// Time spent, in whole seconds.
    pub total_time_seconds: i64,
    /// Attempts, as the runtime counts them.
    pub attempts: i64,
}

/// One data-model change, as recorded in the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptRow {
    /// The run-time session (delivery) that made it.
    pub runtime_session: i64,
    /// The activity.
    pub activity: String,
    /// Element name in the course's data model (`cmi.core.lesson_status`, `cmi.score.raw`).
    pub element: String,
    /// The value before, when there was one.
    pub old_value: Option<String>,
    /// The value set.
    pub new_value: String,
    /// Forgiving-mode warnings (JSON array).
    pub warnings: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// A player session: one opened launch URL, bound to a registration instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerSession {
    /// Public id, `ps_…` (in player URLs; the secret is separate).
    pub id: String,
    /// The registration.
    pub registration_id: RegistrationId,
    /// Its instance.
    pub instance: i64,
    /// The course.
    pub course_id: crate::ids::CourseId,
    /// The course version played.
    pub course_version: i64,
    /// The latest `larch_runtime::Step` sent to the player (JSON).
    pub step: String,
    /// The open delivery's run-time session number, if a SCO is loaded.
    pub runtime_session: Option<i64>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<String>,
    /// Unix seconds.
    pub started: i64,
    /// Unix seconds of the latest request of this session.
    pub last_seen: i64,
    /// Unix seconds, once the session ended.
    pub ended: Option<i64>,
    /// How it ended: `course_over`, `abandoned` (timeout), `relaunched`.
    pub exit_reason: Option<String>,
    /// Unix seconds after which its secret is refused.
    pub expires_at: i64,
    /// The course's strictness when it was launched (`forgiving`, `strict`).
    pub strictness: String,
    /// The course's content window when it was launched (`frame`, `new_window`).
    pub content_window: String,
}

/// A new player session, written with the launch's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlayerSession {
    /// Public id, `ps_…`.
    pub id: String,
    /// The course played.
    pub course_id: crate::ids::CourseId,
    /// SHA-256 (hex) of the secret.
    pub secret_hash: String,
    /// The browser's `User-Agent` (truncated by the caller).
    pub user_agent: Option<String>,
    /// Unix seconds after which the secret is refused.
    pub expires_at: i64,
    /// The first `larch_runtime::Step` shown (JSON).
    pub step: String,
    /// The delivery's run-time session number, when the launch delivered a SCO.
    pub runtime_session: Option<i64>,
    /// The course's strictness now (kept for the session's life).
    pub strictness: String,
    /// The course's content window now (kept for the session's life).
    pub content_window: String,
}

/// What a state write does to player sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionWrite {
    /// A launch: open this session (and end the instance's other open sessions as
    /// `relaunched`).
    Open(NewPlayerSession),
    /// A commit or navigation in session `id`: record the step now shown and the open run-time
    /// session, mark it seen, and end it with `ended` when the course is over.
    Update {
        /// The player session.
        id: String,
        /// The new step to show on reload, when it changed.
        step: Option<String>,
        /// The open delivery's run-time session number.
        runtime_session: OpenDelivery,
        /// Set: the session ends with this reason.
        ended: Option<String>,
    },
}

/// What a session update does to its open delivery's run-time session number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenDelivery {
    /// Left as stored: the call did not change which SCO is loaded (a commit without
    /// navigation). Written as such rather than as the number the caller last read, so a
    /// caller working from a cached session never writes back a stale number.
    Unchanged,
    /// Now this one (`None`: no SCO is loaded).
    Set(Option<i64>),
}

/// One state write: the new state, what changed, and the session bookkeeping, in one
/// transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeWrite {
    /// The registration.
    pub registration: RegistrationId,
    /// Its instance.
    pub instance: i64,
    /// The course version the state belongs to.
    pub course_version: i64,
    /// The revision read, or `None` when no state existed (a new instance).
    pub expected_revision: Option<i64>,
    /// The new state (JSON).
    pub state: String,
    /// Changes to record.
    pub transcript: Vec<TranscriptRow>,
    /// The registration's results after the write.
    pub rollup: Rollup,
    /// The player session's bookkeeping.
    pub session: SessionWrite,
    /// Unix seconds now (first/last access).
    pub now: i64,
}

/// How a state write went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeSave {
    /// Written; the state's revision is now this.
    Saved(i64),
    /// Another writer got there first (or the registration is gone): nothing was written.
    Conflict,
    /// The player session of a [`SessionWrite::Update`] has ended (course over, relaunched,
    /// abandoned) or is gone: nothing was written. Checked in the write's own transaction, so
    /// a caller that verified the session earlier (or cached it) never writes through an
    /// ended one.
    SessionEnded,
}

/// How run-time saves were written so far by this process: many saves queued at once share
/// a transaction (group commit; docs/runtime.md, "Performance").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaveBatches {
    /// Transactions written (or tried) by the group-commit lanes.
    pub transactions: u64,
    /// Saves they carried.
    pub saves: u64,
}

/// An open player session the abandoned-session timeout should close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleSession {
    /// Its scope.
    pub scope: Scope,
    /// The session.
    pub session: PlayerSession,
}

/// The run-time service's storage.
#[async_trait]
pub trait RuntimeStore: Send + Sync {
    /// A registration instance's state, if it was ever launched.
    async fn load(
        &self,
        scope: Scope,
        registration: &RegistrationId,
        instance: i64,
    ) -> Result<Option<StoredRuntime>, StoreError>;

    /// A registration's instances that were launched, newest first (the cursor is the
    /// instance number).
    async fn instances(
        &self,
        scope: Scope,
        registration: &RegistrationId,
        page: PageRequest,
    ) -> Result<Page<StoredInstance>, StoreError>;

    /// Writes a new state, its transcript, the registration's rollup and the session
    /// bookkeeping atomically, if the state's revision is still `expected_revision`. The
    /// rollup, the registration's `instance` and `course_version` follow the write only when
    /// its instance is the registration's current one or a newer one (a new instance): a late
    /// write to an earlier instance keeps that instance's state and leaves the registration.
    async fn save(&self, scope: Scope, write: RuntimeWrite) -> Result<RuntimeSave, StoreError>;

    /// The player session whose secret has this SHA-256 (hex), with its scope, if it exists,
    /// has not ended, and has not expired at `now`.
    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, PlayerSession)>, StoreError>;

    /// The player session whose secret has this SHA-256 (hex), ended or not, with its scope, if
    /// it exists and has not expired at `now` (a reload after the course ended shows the end,
    /// read-only).
    async fn any_session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, PlayerSession)>, StoreError>;

    /// One player session by its public id, ended or not.
    async fn session(&self, scope: Scope, id: &str) -> Result<Option<PlayerSession>, StoreError>;

    /// A registration's player sessions, newest first (the launch history).
    async fn sessions(
        &self,
        scope: Scope,
        registration: &RegistrationId,
        page: PageRequest,
    ) -> Result<Page<PlayerSession>, StoreError>;

    /// A registration's transcript, oldest first.
    async fn transcript(
        &self,
        scope: Scope,
        registration: &RegistrationId,
        page: PageRequest,
    ) -> Result<Page<TranscriptRow>, StoreError>;

    /// Open sessions of every scope not seen since `seen_before` (unix seconds), oldest first.
    async fn stale_sessions(
        &self,
        seen_before: i64,
        limit: i64,
    ) -> Result<Vec<StaleSession>, StoreError>;

    /// How this process's saves were grouped into transactions so far.
    fn save_batches(&self) -> SaveBatches;

    /// The server-wide secret `name`, created from `generate` by whichever node asks first.
    async fn server_secret(&self, name: &str, generate: String) -> Result<String, StoreError>;
}
