//! Registration instances: the instance policy of courses and registrations, and
//! `GET /v1/registrations/{id}/instances` (docs/runtime.md "Registration instances").

use crate::api::progress::{ScoreObject, decode, existing, progress_of};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use larch_runtime::InstancePolicy;
use larch_store::StoredInstance;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When a launch starts a new registration instance (a new attempt on the whole course).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstancePolicyName {
    /// Never: the registration keeps the course version it was registered on.
    Never,
    /// When the course has a newer version than the instance runs on: the next launch plays
    /// the latest version in a new instance.
    OnNewVersion,
    /// On a newer version, or when the current instance is completed.
    OnNewVersionOrCompleted,
}

impl InstancePolicyName {
    /// The stored name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::OnNewVersion => "on_new_version",
            Self::OnNewVersionOrCompleted => "on_new_version_or_completed",
        }
    }

    /// The stored name read back; anything unknown is `never` (the safe default: nothing
    /// moves).
    pub(crate) fn parse(stored: &str) -> Self {
        match stored {
            "on_new_version" => Self::OnNewVersion,
            "on_new_version_or_completed" => Self::OnNewVersionOrCompleted,
            _ => Self::Never,
        }
    }

    /// The runtime's policy.
    pub(crate) fn runtime(self) -> InstancePolicy {
        match self {
            Self::Never => InstancePolicy::Never,
            Self::OnNewVersion => InstancePolicy::OnNewVersion,
            Self::OnNewVersionOrCompleted => InstancePolicy::OnNewVersionOrCompleted,
        }
    }
}

/// One instance of a registration: an attempt on the whole course, on one course version.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceObject {
    /// Always `registration_instance`.
    #[schema(value_type = String, example = "registration_instance")]
    pub object: &'static str,
    /// The registration.
    pub registration_id: String,
    /// The instance, from 0; the highest is the current one.
    pub instance: i64,
    /// The course version it runs on.
    pub course_version: i64,
    /// Whether this is the registration's current instance.
    pub current: bool,
    /// `unknown`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Score.
    pub score: ScoreObject,
    /// Time spent, ISO 8601 duration.
    pub total_time: String,
    /// Attempts on the course in this instance.
    pub attempts: u32,
    /// Latest change, Unix seconds.
    pub updated: i64,
}

list_type!(
    /// A page of registration instances, newest first.
    InstanceList,
    InstanceObject
);

/// A registration's instances that were launched, newest first; the progress of each with
/// `GET /v1/registrations/{id}/progress?instance=N`.
#[utoipa::path(
    get, path = "/v1/registrations/{id}/instances", tag = "registrations",
    operation_id = "list_registration_instances",
    params(("id" = String, Path, description = "The registration id"), ListParams),
    responses((status = 200, body = InstanceList), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn instances(
    State(app): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(list): Query<ListParams>,
) -> Result<axum::Json<InstanceList>, ApiError> {
    let registration = existing(&app, &caller, &raw).await?;
    let page = app
        .store
        .runtime()
        .instances(caller.scope, &registration.id, list.page()?)
        .await?;
    let mut data = Vec::with_capacity(page.items.len());
    for stored in page.items {
        data.push(instance_object(&app, &caller, &registration, stored).await?);
    }
    Ok(axum::Json(InstanceList {
        object: "list",
        has_more: page.next.is_some(),
        next_cursor: page.next.map(crate::pagination::encode_cursor),
        data,
    }))
}

async fn instance_object(
    app: &AppState,
    caller: &Caller,
    registration: &larch_store::Registration,
    stored: StoredInstance,
) -> Result<InstanceObject, ApiError> {
    let state = decode(&stored.state)?;
    let at = (stored.instance, stored.course_version);
    let p = progress_of(app, caller, registration, at, &state).await?;
    Ok(InstanceObject {
        object: "registration_instance",
        registration_id: registration.id.to_string(),
        instance: stored.instance,
        course_version: stored.course_version,
        current: stored.instance == registration.instance,
        completion_status: p.completion_status,
        success_status: p.success_status,
        score: p.score,
        total_time: p.total_time,
        attempts: p.attempts,
        updated: stored.updated,
    })
}
