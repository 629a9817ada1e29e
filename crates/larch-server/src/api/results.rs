//! Results of a registration: `GET /v1/registrations/{id}/progress`, `/transcript` and
//! `/launches` — one vocabulary for every standard (docs/runtime.md "Progress").

use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use larch_runtime::{ActivityProgress, Progress, ProgressScore, RegistrationState};
use larch_store::ids::RegistrationId;
use larch_store::{PlayerSession, Registration, TranscriptRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A score in every standard's terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreObject {
    /// -1 to 1.
    pub scaled: Option<f64>,
    /// Raw score.
    pub raw: Option<f64>,
    /// Minimum of the raw range.
    pub min: Option<f64>,
    /// Maximum of the raw range.
    pub max: Option<f64>,
}

impl From<ProgressScore> for ScoreObject {
    fn from(s: ProgressScore) -> Self {
        Self {
            scaled: s.scaled,
            raw: s.raw,
            min: s.min,
            max: s.max,
        }
    }
}

/// One activity's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityProgressObject {
    /// The package's identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Depth below the course (the course is 0).
    pub depth: u32,
    /// Whether it delivers content (a SCO, an AU, an asset).
    pub launchable: bool,
    /// `unknown`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Score.
    pub score: ScoreObject,
    /// Attempts begun.
    pub attempts: u32,
    /// Time spent, ISO 8601 duration.
    pub total_time: String,
    /// The current attempt is suspended.
    pub suspended: bool,
    /// First delivery, Unix seconds.
    pub first_access: Option<i64>,
    /// Latest delivery or commit, Unix seconds.
    pub last_access: Option<i64>,
    /// With `include_runtime=true`: the current attempt's data model, keyed by the course
    /// standard's element names (`cmi.suspend_data`, `cmi.core.lesson_status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<BTreeMap<String, String>>,
    /// With `include_runtime=true`: the objectives, one map of fields per record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objectives: Option<Vec<BTreeMap<String, String>>>,
    /// With `include_runtime=true`: the interactions, one map of fields per record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interactions: Option<Vec<BTreeMap<String, String>>>,
}

/// A registration's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressObject {
    /// Always `progress`.
    #[schema(value_type = String, example = "progress")]
    pub object: &'static str,
    /// The registration.
    pub registration_id: String,
    /// `unknown`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Score.
    pub score: ScoreObject,
    /// Time spent, ISO 8601 duration.
    pub total_time: String,
    /// Attempts on the course.
    pub attempts: u32,
    /// First launch, Unix seconds.
    pub first_access: Option<i64>,
    /// Latest launch or commit, Unix seconds.
    pub last_access: Option<i64>,
    /// Every activity in tree order, the course first.
    pub activities: Vec<ActivityProgressObject>,
}

/// Query of `GET /v1/registrations/{id}/progress`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// Add each activity's data-model values, objectives and interactions.
    #[serde(default)]
    pub include_runtime: bool,
}

/// A registration's progress.
#[utoipa::path(
    get, path = "/v1/registrations/{id}/progress", tag = "registrations",
    operation_id = "get_registration_progress",
    params(("id" = String, Path, description = "The registration id"), ProgressParams),
    responses((status = 200, body = ProgressObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn progress(
    State(app): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(params): Query<ProgressParams>,
) -> Result<axum::Json<ProgressObject>, ApiError> {
    let (registration, state) = load(&app, &caller, &raw).await?;
    let course = app
        .runtime
        .courses
        .get(
            &app.store,
            caller.scope,
            &registration.course_id,
            registration.course_version,
        )
        .await?;
    let Ok(course) = course else {
        return Ok(axum::Json(from_registration(&registration)));
    };
    let state = state.unwrap_or_else(|| {
        RegistrationState::new(
            &course,
            larch_runtime::Learner {
                id: String::new(),
                name: String::new(),
            },
            0,
        )
    });
    let progress = larch_runtime::progress(&course, &state);
    let runtime = params.include_runtime.then_some(&state);
    Ok(axum::Json(progress_object(raw, progress, runtime)))
}

async fn load(
    app: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<(Registration, Option<RegistrationState>), ApiError> {
    let id = validate::path_id("registration", raw, RegistrationId::parse)?;
    let registration = app.store.registrations().get(caller.scope, &id).await?;
    let registration = registration.ok_or_else(|| ApiError::not_found("registration", raw))?;
    let stored = app
        .store
        .runtime()
        .load(caller.scope, &id, registration.instance)
        .await?;
    let state = stored
        .map(|s| serde_json::from_str(&s.state))
        .transpose()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored run-time state: {e}")))?;
    Ok((registration, state))
}

fn progress_object(id: String, p: Progress, state: Option<&RegistrationState>) -> ProgressObject {
    let activities = p
        .activities
        .into_iter()
        .map(|a| activity_object(a, state))
        .collect();
    ProgressObject {
        object: "progress",
        registration_id: id,
        completion_status: name(&p.completion_status),
        success_status: name(&p.success_status),
        score: p.score.into(),
        total_time: p.total_time,
        attempts: p.attempts,
        first_access: p.first_access.map(|ms| ms / 1000),
        last_access: p.last_access.map(|ms| ms / 1000),
        activities,
    }
}

fn activity_object(
    a: ActivityProgress,
    state: Option<&RegistrationState>,
) -> ActivityProgressObject {
    let values = state
        .and_then(|s| s.activities.get(&a.id))
        .map(|r| r.cmi.as_ref().map(|c| c.values.clone()).unwrap_or_default());
    ActivityProgressObject {
        objectives: values.as_ref().map(|v| records(v, "objectives")),
        interactions: values.as_ref().map(|v| records(v, "interactions")),
        runtime: values,
        completion_status: name(&a.completion_status),
        success_status: name(&a.success_status),
        score: a.score.into(),
        first_access: a.first_access.map(|ms| ms / 1000),
        last_access: a.last_access.map(|ms| ms / 1000),
        id: a.id,
        title: a.title,
        depth: a.depth,
        launchable: a.launchable,
        attempts: a.attempts,
        total_time: a.total_time,
        suspended: a.suspended,
    }
}

/// The records of `cmi.<collection>.N.*` as one map per N (`id`, `result`, `score.raw`, …).
fn records(values: &BTreeMap<String, String>, collection: &str) -> Vec<BTreeMap<String, String>> {
    let prefix = format!("cmi.{collection}.");
    let mut by_index: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for (key, value) in values {
        let Some(rest) = key.strip_prefix(&prefix) else {
            continue;
        };
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        if let Ok(index) = index.parse::<usize>() {
            by_index
                .entry(index)
                .or_default()
                .insert(field.to_owned(), value.clone());
        }
    }
    by_index.into_values().collect()
}

/// Progress of a course without a SCORM/AICC run-time, from the registration row.
fn from_registration(r: &Registration) -> ProgressObject {
    ProgressObject {
        object: "progress",
        registration_id: r.id.to_string(),
        completion_status: r.completion_status.clone(),
        success_status: r.success_status.clone(),
        score: ScoreObject {
            scaled: r.score_scaled,
            raw: r.score_raw,
            min: r.score_min,
            max: r.score_max,
        },
        total_time: format!("PT{}S", r.total_time_seconds),
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        first_access: r.first_access,
        last_access: r.last_access,
        activities: Vec::new(),
    }
}

fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".to_owned(),
    }
}

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
    let id = existing(&app, &caller, &raw).await?;
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
    let id = existing(&app, &caller, &raw).await?;
    let page = app
        .store
        .runtime()
        .sessions(caller.scope, &id, list.page()?)
        .await?;
    Ok(axum::Json(LaunchRecordList::from_page(page, Into::into)))
}

/// The id of a registration that exists in the caller's scope (404 otherwise).
async fn existing(app: &AppState, caller: &Caller, raw: &str) -> Result<RegistrationId, ApiError> {
    let id = validate::path_id("registration", raw, RegistrationId::parse)?;
    match app.store.registrations().get(caller.scope, &id).await? {
        Some(_) => Ok(id),
        None => Err(ApiError::not_found("registration", raw)),
    }
}
