//! A registration's results: `GET /v1/registrations/{id}/progress`, one vocabulary for every
//! standard (docs/runtime.md "Progress"), of the current instance or an earlier one.

use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{PathId, Query};
use crate::state::AppState;
use axum::extract::State;
use larch_runtime::{ActivityProgress, Progress, ProgressScore, RegistrationState};
use larch_store::Registration;
use larch_store::ids::RegistrationId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Progress does not depend on the data-model validation: any cached build will do.
const FORGIVING: larch_cmi::Strictness = larch_cmi::Strictness::Forgiving;
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
    /// The registration instance reported (the current one unless `?instance=` names another).
    pub instance: i64,
    /// The course version that instance runs on.
    pub course_version: i64,
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
    /// An earlier registration instance (`GET …/instances` lists them). By default, the
    /// current one.
    pub instance: Option<i64>,
}

/// A registration's progress: the current instance's, or the one `instance` names.
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
    let registration = existing(&app, &caller, &raw).await?;
    let instance = params.instance.unwrap_or(registration.instance);
    let stored = app
        .store
        .runtime()
        .load(caller.scope, &registration.id, instance)
        .await?;
    let (version, state) = match stored {
        Some(s) => (s.course_version, Some(decode(&s.state)?)),
        // Not launched yet: the registered version, nothing recorded.
        None if instance == registration.instance => (registration.course_version, None),
        None => {
            return Err(ApiError::NotFound {
                what: "registration instance",
                id: Some(format!("{raw} instance {instance}")),
            });
        }
    };
    let course = app
        .runtime
        .courses
        .get(
            &app.store,
            caller.scope,
            &registration.course_id,
            (version, FORGIVING),
        )
        .await?;
    let Ok(course) = course else {
        return Ok(axum::Json(from_registration(&registration)));
    };
    let state = state.unwrap_or_else(|| blank_state(&course));
    let progress = larch_runtime::progress(&course, &state);
    let runtime = params.include_runtime.then_some(&state);
    let at = (instance, version);
    Ok(axum::Json(progress_object(raw, at, progress, runtime)))
}

/// The progress of one instance's `state` on `course` version `version` (no runtime values).
pub(crate) async fn progress_of(
    app: &AppState,
    caller: &Caller,
    registration: &Registration,
    at: (i64, i64),
    state: &RegistrationState,
) -> Result<ProgressObject, ApiError> {
    let course = app
        .runtime
        .courses
        .get(
            &app.store,
            caller.scope,
            &registration.course_id,
            (at.1, FORGIVING),
        )
        .await?;
    let Ok(course) = course else {
        return Ok(from_registration(registration));
    };
    let progress = larch_runtime::progress(&course, state);
    Ok(progress_object(
        registration.id.to_string(),
        at,
        progress,
        None,
    ))
}

fn blank_state(course: &larch_runtime::RuntimeCourse) -> RegistrationState {
    let nobody = larch_runtime::Learner {
        id: String::new(),
        name: String::new(),
    };
    RegistrationState::new(course, nobody, 0)
}

/// A stored run-time state.
pub(crate) fn decode(json: &str) -> Result<RegistrationState, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored run-time state: {e}")))
}

/// The registration `raw` names in the caller's scope (404 otherwise).
pub(crate) async fn existing(
    app: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<Registration, ApiError> {
    let id = validate::path_id("registration", raw, RegistrationId::parse)?;
    let found = app.store.registrations().get(caller.scope, &id).await?;
    found.ok_or_else(|| ApiError::not_found("registration", raw))
}

fn progress_object(
    id: String,
    (instance, course_version): (i64, i64),
    p: Progress,
    state: Option<&RegistrationState>,
) -> ProgressObject {
    let activities = p
        .activities
        .into_iter()
        .map(|a| activity_object(a, state))
        .collect();
    ProgressObject {
        object: "progress",
        registration_id: id,
        instance,
        course_version,
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
        instance: r.instance,
        course_version: r.course_version,
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
