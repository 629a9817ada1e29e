//! A registration's history: `GET /v1/registrations/{id}/transcript` (every data-model
//! change) and `/launches` (every opening of a launch URL).

use crate::api::progress::existing;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use larch_store::{PlayerSession, TranscriptRow};
use serde::Serialize;
use utoipa::ToSchema;

/// One data-model change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptEntryObject {
    /// Always `transcript_entry`.
    #[schema(value_type = String, example = "transcript_entry")]
    pub object: &'static str,
    /// The activity whose data changed.
    pub activity_id: String,
    /// The run-time session (one delivery of the activity).
    pub session: i64,
    /// Element name in the course's data model.
    pub element: String,
    /// The value before, `null` when unset.
    pub old_value: Option<String>,
    /// The value set.
    pub new_value: String,
    /// What forgiving mode let through (`[{kind, message}]`).
    #[schema(value_type = Vec<Object>)]
    pub warnings: serde_json::Value,
    /// When, Unix milliseconds.
    pub at_ms: i64,
}

impl From<TranscriptRow> for TranscriptEntryObject {
    fn from(t: TranscriptRow) -> Self {
        Self {
            object: "transcript_entry",
            activity_id: t.activity,
            session: t.runtime_session,
            element: t.element,
            old_value: t.old_value,
            new_value: t.new_value,
            warnings: serde_json::from_str(&t.warnings).unwrap_or_default(),
            at_ms: t.at,
        }
    }
}

list_type!(
    /// A page of transcript entries, oldest first.
    TranscriptList,
    TranscriptEntryObject
);

/// Every data-model change of a registration, oldest first.
#[utoipa::path(
    get, path = "/v1/registrations/{id}/transcript", tag = "registrations",
    operation_id = "list_registration_transcript",
    params(("id" = String, Path, description = "The registration id"), ListParams),
    responses((status = 200, body = TranscriptList), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn transcript(
    State(app): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(list): Query<ListParams>,
) -> Result<axum::Json<TranscriptList>, ApiError> {
    let id = existing(&app, &caller, &raw).await?.id;
    let page = app
        .store
        .runtime()
        .transcript(caller.scope, &id, list.page()?)
        .await?;
    Ok(axum::Json(TranscriptList::from_page(page, Into::into)))
}

/// One opening of a launch URL.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaunchRecordObject {
    /// Always `launch_record`.
    #[schema(value_type = String, example = "launch_record")]
    pub object: &'static str,
    /// The player session, `ps_…`.
    pub id: String,
    /// The registration instance.
    pub instance: i64,
    /// The course version played.
    pub course_version: i64,
    /// The browser's `User-Agent`.
    pub browser: Option<String>,
    /// Opened, Unix seconds.
    pub started: i64,
    /// Latest request, Unix seconds.
    pub last_seen: i64,
    /// Seconds from opening to the latest request.
    pub duration_seconds: i64,
    /// Ended, Unix seconds (`null` while open).
    pub ended: Option<i64>,
    /// `course_over`, `abandoned` (closed by the timeout), `relaunched`, or `null` while open.
    pub exit: Option<String>,
}

impl From<PlayerSession> for LaunchRecordObject {
    fn from(s: PlayerSession) -> Self {
        Self {
            object: "launch_record",
            duration_seconds: s.last_seen - s.started,
            id: s.id,
            instance: s.instance,
            course_version: s.course_version,
            browser: s.user_agent,
            started: s.started,
            last_seen: s.last_seen,
            ended: s.ended,
            exit: s.exit_reason,
        }
    }
}

list_type!(
    /// A page of launches, newest first.
    LaunchRecordList,
    LaunchRecordObject
);

/// A registration's launch history, newest first.
#[utoipa::path(
    get, path = "/v1/registrations/{id}/launches", tag = "registrations",
    operation_id = "list_registration_launches",
    params(("id" = String, Path, description = "The registration id"), ListParams),
    responses((status = 200, body = LaunchRecordList), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn launches(
    State(app): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(list): Query<ListParams>,
) -> Result<axum::Json<LaunchRecordList>, ApiError> {
    let id = existing(&app, &caller, &raw).await?.id;
    let page = app
        .store
        .runtime()
        .sessions(caller.scope, &id, list.page()?)
        .await?;
    Ok(axum::Json(LaunchRecordList::from_page(page, Into::into)))
}
