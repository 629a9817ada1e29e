//! `/v1/api_keys`: the keys of the caller's environment.

use crate::api::IdempotencyKeyParam;
use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::ApiKey;
use larch_store::ids::ApiKeyId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An API key. The secret appears once, in the response that creates the key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyObject {
    /// Always `api_key`.
    #[schema(value_type = String, example = "api_key")]
    pub object: &'static str,
    /// `key_…`.
    pub id: String,
    /// A name to recognise the key by.
    pub name: String,
    /// `test` or `live`: the environment the key opens.
    #[schema(example = "test")]
    pub environment: String,
    /// The prefix and last four characters of the secret.
    #[schema(example = "sk_test_…a1B2")]
    pub hint: String,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last use, Unix seconds (to the minute); `null` if never used.
    pub last_used: Option<i64>,
    /// Revocation time, Unix seconds; `null` while the key works.
    pub revoked: Option<i64>,
    /// The secret: only in the creation response. Store it now; it cannot be shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<ApiKey> for ApiKeyObject {
    fn from(k: ApiKey) -> Self {
        Self {
            object: "api_key",
            id: k.id.to_string(),
            name: k.name,
            environment: k.scope.env.to_string(),
            hint: k.hint,
            created: k.created,
            last_used: k.last_used,
            revoked: k.revoked,
            secret: None,
        }
    }
}

list_type!(
    /// A page of API keys.
    ApiKeyList,
    ApiKeyObject
);

/// The body of `POST /v1/api_keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// A name to recognise the key by, e.g. `ci`.
    pub name: String,
}

/// Create a key in the caller's environment.
#[utoipa::path(
    post, path = "/v1/api_keys", tag = "api_keys", operation_id = "create_api_key",
    params(IdempotencyKeyParam), request_body = CreateApiKey,
    responses((status = 201, description = "Created; `secret` is shown this once", body = ApiKeyObject), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateApiKey>,
) -> Result<(StatusCode, axum::Json<ApiKeyObject>), ApiError> {
    let name = validate::name("name", &body.name)?;
    let created = state.store.api_keys().create(caller.scope, &name).await?;
    tracing::info!(api_key.id = %created.key.id, "API key created");
    let mut object = ApiKeyObject::from(created.key);
    object.secret = Some(created.secret.expose().to_owned());
    Ok((StatusCode::CREATED, axum::Json(object)))
}

/// List the keys of the caller's environment, newest first.
#[utoipa::path(
    get, path = "/v1/api_keys", tag = "api_keys", operation_id = "list_api_keys",
    params(ListParams),
    responses((status = 200, body = ApiKeyList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<ApiKeyList>, ApiError> {
    let page = state
        .store
        .api_keys()
        .list(caller.scope, params.page()?)
        .await?;
    Ok(axum::Json(ApiKeyList::from_page(page, ApiKeyObject::from)))
}

/// Retrieve a key (never its secret).
#[utoipa::path(
    get, path = "/v1/api_keys/{id}", tag = "api_keys", operation_id = "get_api_key",
    params(("id" = String, Path, description = "The key id, `key_…`")),
    responses((status = 200, body = ApiKeyObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<ApiKeyObject>, ApiError> {
    let id = validate::path_id("api_key", &raw, ApiKeyId::parse)?;
    let key = state.store.api_keys().get(caller.scope, &id).await?;
    key.map(|k| axum::Json(k.into()))
        .ok_or_else(|| ApiError::not_found("api_key", &raw))
}

/// Revoke a key: from now on it authenticates nothing. Revoking twice is harmless.
#[utoipa::path(
    post, path = "/v1/api_keys/{id}/revoke", tag = "api_keys", operation_id = "revoke_api_key",
    params(("id" = String, Path, description = "The key id, `key_…`"), IdempotencyKeyParam),
    responses((status = 200, body = ApiKeyObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<ApiKeyObject>, ApiError> {
    let id = validate::path_id("api_key", &raw, ApiKeyId::parse)?;
    let key = state.store.api_keys().revoke(caller.scope, &id).await?;
    tracing::info!(api_key.id = %raw, "API key revoked");
    key.map(|k| axum::Json(k.into()))
        .ok_or_else(|| ApiError::not_found("api_key", &raw))
}
