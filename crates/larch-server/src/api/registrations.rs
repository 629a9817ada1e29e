//! `/v1/registrations`: a learner on a course, and launching it.

use crate::api::instances::InstancePolicyName;
use crate::api::learners::CreateLearner;
use crate::api::{DeletedObject, IdempotencyKeyParam, validate};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::ids::{CourseId, LearnerId, RegistrationId};
use larch_store::{
    LearnerRef, NewLearner, NewRegistration, Registration, RegistrationFilter, StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registration: a learner on a course version, with the results the runtime records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationObject {
    /// Always `registration`.
    #[schema(value_type = String, example = "registration")]
    pub object: &'static str,
    /// Your id, or a generated `reg_…`.
    pub id: String,
    /// The course.
    pub course_id: String,
    /// The course version played (the latest when registered).
    pub course_version: i64,
    /// The learner.
    pub learner_id: String,
    /// Attempt instance on the course, from 0 (`GET …/instances` lists them).
    pub instance: i64,
    /// Its own instance policy; `null` follows the course's `instance_policy`.
    pub instance_policy: Option<InstancePolicyName>,
    /// `unknown`, `not_attempted`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Scaled score, -1 to 1; `null` until reported.
    pub score_scaled: Option<f64>,
    /// Raw score; `null` until reported.
    pub score_raw: Option<f64>,
    /// Minimum of the raw score's range; `null` until reported.
    pub score_min: Option<f64>,
    /// Maximum of the raw score's range; `null` until reported.
    pub score_max: Option<f64>,
    /// Time spent, seconds.
    pub total_time_seconds: i64,
    /// Attempts started.
    pub attempts: i64,
    /// First launch, Unix seconds.
    pub first_access: Option<i64>,
    /// Latest activity, Unix seconds.
    pub last_access: Option<i64>,
    /// Creation, Unix seconds.
    pub created: i64,
    /// Last change, Unix seconds.
    pub updated: i64,
}

impl From<Registration> for RegistrationObject {
    fn from(r: Registration) -> Self {
        Self {
            object: "registration",
            id: r.id.to_string(),
            course_id: r.course_id.to_string(),
            course_version: r.course_version,
            learner_id: r.learner_id.to_string(),
            instance: r.instance,
            instance_policy: r.instance_policy.as_deref().map(InstancePolicyName::parse),
            completion_status: r.completion_status,
            success_status: r.success_status,
            score_scaled: r.score_scaled,
            score_raw: r.score_raw,
            score_min: r.score_min,
            score_max: r.score_max,
            total_time_seconds: r.total_time_seconds,
            attempts: r.attempts,
            first_access: r.first_access,
            last_access: r.last_access,
            created: r.created,
            updated: r.updated,
        }
    }
}

list_type!(
    /// A page of registrations.
    RegistrationList,
    RegistrationObject
);

/// The body of `POST /v1/registrations`: exactly one of `learner_id` and `learner`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRegistration {
    /// Your id for the registration; generated (`reg_…`) when absent.
    pub id: Option<String>,
    /// The course; its latest version is registered.
    pub course_id: String,
    /// An existing learner.
    pub learner_id: Option<String>,
    /// A learner to create, or to use as is when one with this id exists.
    pub learner: Option<CreateLearner>,
    /// When a launch starts a new instance; by default, the course's `instance_policy`.
    pub instance_policy: Option<InstancePolicyName>,
}

/// Filters of `GET /v1/registrations`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationFilterParams {
    /// Only this course's registrations.
    pub course_id: Option<String>,
    /// Only this learner's registrations.
    pub learner_id: Option<String>,
    /// Only registrations with this completion status.
    pub completion_status: Option<String>,
}

/// A launch URL: open it once, before `expires_at`, in the learner's browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaunchObject {
    /// Always `launch`.
    #[schema(value_type = String, example = "launch")]
    pub object: &'static str,
    /// The registration launched.
    pub registration_id: String,
    /// Single-use URL on the content origin.
    pub url: String,
    /// Unix seconds after which the URL is refused.
    pub expires_at: i64,
}

fn learner_ref(body: &CreateRegistration) -> Result<LearnerRef, ApiError> {
    match (&body.learner_id, &body.learner) {
        (Some(id), None) => Ok(LearnerRef::Existing(validate::client_id(
            "learner_id",
            id,
            LearnerId::parse,
        )?)),
        (None, Some(new)) => Ok(LearnerRef::CreateIfAbsent(NewLearner {
            id: match &new.id {
                Some(raw) => validate::client_id("learner.id", raw, LearnerId::parse)?,
                None => LearnerId::generate(),
            },
            first_name: validate::name("learner.first_name", &new.first_name)?,
            last_name: validate::name("learner.last_name", &new.last_name)?,
            email: new
                .email
                .as_deref()
                .map(|e| validate::email("learner.email", e))
                .transpose()?,
        })),
        _ => Err(ApiError::invalid(
            "learner_id",
            "give exactly one of learner_id and learner",
        )),
    }
}

/// Register a learner on a course.
#[utoipa::path(
    post, path = "/v1/registrations", tag = "registrations", operation_id = "create_registration",
    params(IdempotencyKeyParam), request_body = CreateRegistration,
    responses(
        (status = 201, description = "Created", body = RegistrationObject),
        (status = 400, description = "Invalid field, or no such course or learner", body = ErrorBody),
        (status = 409, description = "The id is taken", body = ErrorBody),
    ),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateRegistration>,
) -> Result<(StatusCode, axum::Json<RegistrationObject>), ApiError> {
    let new = NewRegistration {
        id: match &body.id {
            Some(raw) => validate::client_id("id", raw, RegistrationId::parse)?,
            None => RegistrationId::generate(),
        },
        course_id: validate::client_id("course_id", &body.course_id, CourseId::parse)?,
        learner: learner_ref(&body)?,
        instance_policy: body.instance_policy.map(|p| p.as_str().to_owned()),
    };
    let created = state
        .store
        .registrations()
        .create(caller.scope, new)
        .await
        .map_err(|e| match e {
            StoreError::Conflict => ApiError::Conflict {
                code: "resource_exists",
                message: "a registration with this id already exists".into(),
                param: Some("id".into()),
            },
            other => other.into(),
        })?;
    tracing::info!(registration.id = %created.id, "registration created");
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Retrieve a registration.
#[utoipa::path(
    get, path = "/v1/registrations/{id}", tag = "registrations", operation_id = "get_registration",
    params(("id" = String, Path, description = "The registration id")),
    responses((status = 200, body = RegistrationObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<RegistrationObject>, ApiError> {
    let id = validate::path_id("registration", &raw, RegistrationId::parse)?;
    let found = state.store.registrations().get(caller.scope, &id).await?;
    found
        .map(|r| axum::Json(r.into()))
        .ok_or_else(|| ApiError::not_found("registration", &raw))
}

/// List registrations, newest first, optionally filtered.
#[utoipa::path(
    get, path = "/v1/registrations", tag = "registrations", operation_id = "list_registrations",
    params(ListParams, RegistrationFilterParams),
    responses((status = 200, body = RegistrationList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
    Query(filter): Query<RegistrationFilterParams>,
) -> Result<axum::Json<RegistrationList>, ApiError> {
    let filter = RegistrationFilter {
        course_id: filter
            .course_id
            .map(|c| validate::client_id("course_id", &c, CourseId::parse))
            .transpose()?,
        learner_id: filter
            .learner_id
            .map(|l| validate::client_id("learner_id", &l, LearnerId::parse))
            .transpose()?,
        completion_status: filter.completion_status,
    };
    let page = state
        .store
        .registrations()
        .list(caller.scope, filter, params.page()?)
        .await?;
    Ok(axum::Json(RegistrationList::from_page(
        page,
        RegistrationObject::from,
    )))
}

/// Delete a registration (and its pending launch URLs).
#[utoipa::path(
    delete, path = "/v1/registrations/{id}", tag = "registrations", operation_id = "delete_registration",
    params(("id" = String, Path, description = "The registration id")),
    responses((status = 200, body = DeletedObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<DeletedObject>, ApiError> {
    let id = validate::path_id("registration", &raw, RegistrationId::parse)?;
    if state
        .store
        .registrations()
        .delete(caller.scope, &id)
        .await?
    {
        Ok(axum::Json(DeletedObject {
            object: "registration",
            id: raw,
            deleted: true,
        }))
    } else {
        Err(ApiError::not_found("registration", &raw))
    }
}

/// Get a single-use, short-lived launch URL on the content origin.
#[utoipa::path(
    post, path = "/v1/registrations/{id}/launch", tag = "registrations", operation_id = "launch_registration",
    params(("id" = String, Path, description = "The registration id"), IdempotencyKeyParam),
    responses((status = 201, body = LaunchObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn launch(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<(StatusCode, axum::Json<LaunchObject>), ApiError> {
    let id = validate::path_id("registration", &raw, RegistrationId::parse)?;
    let ttl = i64::try_from(state.config.launch_ttl.as_secs()).unwrap_or(i64::MAX);
    let issued = state.store.launches().issue(caller.scope, &id, ttl).await?;
    let issued = issued.ok_or_else(|| ApiError::not_found("registration", &raw))?;
    let base = state.config.content_url.as_str().trim_end_matches('/');
    let url = format!("{base}/launch/{}", issued.token);
    tracing::info!(registration.id = %raw, "launch issued");
    let object = LaunchObject {
        object: "launch",
        registration_id: raw,
        url,
        expires_at: issued.expires_at,
    };
    Ok((StatusCode::CREATED, axum::Json(object)))
}
