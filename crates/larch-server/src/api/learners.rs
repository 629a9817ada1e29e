//! `/v1/learners`: the people who take courses.

use crate::api::validate;
use crate::api::{DeletedObject, IdempotencyKeyParam};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::ids::LearnerId;
use larch_store::{Learner, LearnerPatch, NewLearner};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// A learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerObject {
    /// Always `learner`.
    #[schema(value_type = String, example = "learner")]
    pub object: &'static str,
    /// Your id for this person, or a generated `lrn_…`.
    #[schema(example = "emp-1042")]
    pub id: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Contact address.
    pub email: Option<String>,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last change, Unix seconds.
    pub updated: i64,
}

impl From<Learner> for LearnerObject {
    fn from(l: Learner) -> Self {
        Self {
            object: "learner",
            id: l.id.to_string(),
            first_name: l.first_name,
            last_name: l.last_name,
            email: l.email,
            created: l.created,
            updated: l.updated,
        }
    }
}

list_type!(
    /// A page of learners.
    LearnerList,
    LearnerObject
);

/// The body of `POST /v1/learners`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLearner {
    /// Your id for this person (`[A-Za-z0-9._:-]`, up to 255); generated (`lrn_…`) when absent.
    pub id: Option<String>,
    /// Given name, 1 to 255 characters.
    pub first_name: String,
    /// Family name, 1 to 255 characters.
    pub last_name: String,
    /// Contact address.
    pub email: Option<String>,
}

/// The body of `PATCH /v1/learners/{id}`: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLearner {
    /// New given name.
    pub first_name: Option<String>,
    /// New family name.
    pub last_name: Option<String>,
    /// New address; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(de).map(Some)
}

/// Create a learner.
#[utoipa::path(
    post, path = "/v1/learners", tag = "learners", operation_id = "create_learner",
    params(IdempotencyKeyParam), request_body = CreateLearner,
    responses(
        (status = 201, description = "Created", body = LearnerObject),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 409, description = "The id is taken", body = ErrorBody),
    ),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateLearner>,
) -> Result<(StatusCode, axum::Json<LearnerObject>), ApiError> {
    let id = match &body.id {
        Some(raw) => validate::client_id("id", raw, LearnerId::parse)?,
        None => LearnerId::generate(),
    };
    let new = NewLearner {
        id,
        first_name: validate::name("first_name", &body.first_name)?,
        last_name: validate::name("last_name", &body.last_name)?,
        email: body
            .email
            .as_deref()
            .map(|e| validate::email("email", e))
            .transpose()?,
    };
    let learner = state
        .store
        .learners()
        .create(caller.scope, new)
        .await
        .map_err(|e| match e {
            larch_store::StoreError::Conflict => ApiError::Conflict {
                code: "resource_exists",
                message: "a learner with this id already exists".into(),
                param: Some("id".into()),
            },
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, axum::Json(learner.into())))
}

/// Retrieve a learner.
#[utoipa::path(
    get, path = "/v1/learners/{id}", tag = "learners", operation_id = "get_learner",
    params(("id" = String, Path, description = "The learner id")),
    responses((status = 200, body = LearnerObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<LearnerObject>, ApiError> {
    let id = validate::path_id("learner", &raw, LearnerId::parse)?;
    let learner = state.store.learners().get(caller.scope, &id).await?;
    learner
        .map(|l| axum::Json(l.into()))
        .ok_or_else(|| ApiError::not_found("learner", &raw))
}

/// List learners, newest first.
#[utoipa::path(
    get, path = "/v1/learners", tag = "learners", operation_id = "list_learners",
    params(ListParams),
    responses((status = 200, body = LearnerList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<LearnerList>, ApiError> {
    let page = state
        .store
        .learners()
        .list(caller.scope, params.page()?)
        .await?;
    Ok(axum::Json(LearnerList::from_page(
        page,
        LearnerObject::from,
    )))
}

/// Update a learner's fields.
#[utoipa::path(
    patch, path = "/v1/learners/{id}", tag = "learners", operation_id = "update_learner",
    params(("id" = String, Path, description = "The learner id")), request_body = UpdateLearner,
    responses(
        (status = 200, body = LearnerObject),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Json(body): Json<UpdateLearner>,
) -> Result<axum::Json<LearnerObject>, ApiError> {
    let id = validate::path_id("learner", &raw, LearnerId::parse)?;
    let patch = LearnerPatch {
        first_name: body
            .first_name
            .as_deref()
            .map(|n| validate::name("first_name", n))
            .transpose()?,
        last_name: body
            .last_name
            .as_deref()
            .map(|n| validate::name("last_name", n))
            .transpose()?,
        email: match body.email {
            Some(Some(e)) => Some(Some(validate::email("email", &e)?)),
            Some(None) => Some(None),
            None => None,
        },
    };
    let learner = state
        .store
        .learners()
        .update(caller.scope, &id, patch)
        .await?;
    learner
        .map(|l| axum::Json(l.into()))
        .ok_or_else(|| ApiError::not_found("learner", &raw))
}

/// Delete a learner.
#[utoipa::path(
    delete, path = "/v1/learners/{id}", tag = "learners", operation_id = "delete_learner",
    params(("id" = String, Path, description = "The learner id")),
    responses(
        (status = 200, body = DeletedObject),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The learner has registrations", body = ErrorBody),
    ),
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<DeletedObject>, ApiError> {
    let id = validate::path_id("learner", &raw, LearnerId::parse)?;
    if state.store.learners().delete(caller.scope, &id).await? {
        Ok(axum::Json(DeletedObject {
            object: "learner",
            id: raw,
            deleted: true,
        }))
    } else {
        Err(ApiError::not_found("learner", &raw))
    }
}
