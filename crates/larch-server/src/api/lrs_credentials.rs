//! `/v1/lrs/credentials`: HTTP Basic credentials for the environment's xAPI LRS (`/xapi/`).

use crate::api::IdempotencyKeyParam;
use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::LrsCredential;
use larch_store::ids::LrsCredentialId;
use larch_xapi::scopes::Scopes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An LRS credential: `key` and `secret` are the HTTP Basic user and password of the LRS at
/// `/xapi/`. The secret appears once, in the response that creates the credential.
#[derive(Debug, Serialize, ToSchema)]
pub struct LrsCredentialObject {
    /// Always `lrs_credential`.
    #[schema(value_type = String, example = "lrs_credential")]
    pub object: &'static str,
    /// `lrsk_…`.
    pub id: String,
    /// A name to recognise the credential by.
    pub name: String,
    /// The HTTP Basic user.
    pub key: String,
    /// xAPI scopes (Communication 4.2): `all`, `all/read`, `statements/write`,
    /// `statements/read`, `statements/read/mine`, `state`, `define`, `profile`.
    pub scopes: Vec<String>,
    /// `test` or `live`: the environment whose LRS it opens.
    pub environment: String,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Revocation time, Unix seconds; `null` while the credential works.
    pub revoked: Option<i64>,
    /// The HTTP Basic password: only in the creation response. It cannot be shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<LrsCredential> for LrsCredentialObject {
    fn from(c: LrsCredential) -> Self {
        Self {
            object: "lrs_credential",
            id: c.id.to_string(),
            name: c.name,
            key: c.key,
            scopes: c.scopes.split(' ').map(str::to_owned).collect(),
            environment: c.scope.env.to_string(),
            created: c.created,
            revoked: c.revoked,
            secret: None,
        }
    }
}

list_type!(
    /// A page of LRS credentials.
    LrsCredentialList,
    LrsCredentialObject
);

/// The body of `POST /v1/lrs/credentials`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLrsCredential {
    /// A name to recognise the credential by, e.g. `authoring-tool`.
    pub name: String,
    /// xAPI scopes. By default (absent or empty) `statements/write` and
    /// `statements/read/mine`, as Communication 4.2 assumes.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Create a credential for the caller's environment's LRS.
#[utoipa::path(
    post, path = "/v1/lrs/credentials", tag = "lrs", operation_id = "create_lrs_credential",
    params(IdempotencyKeyParam), request_body = CreateLrsCredential,
    responses((status = 201, description = "Created; `secret` is shown this once", body = LrsCredentialObject), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateLrsCredential>,
) -> Result<(StatusCode, axum::Json<LrsCredentialObject>), ApiError> {
    let name = validate::name("name", &body.name)?;
    let scopes = Scopes::parse(&body.scopes.join(" "))
        .map_err(|e| ApiError::invalid("scopes", e.message.to_string()))?;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let created = state
        .store
        .lrs_credentials()
        .create(caller.scope, &name, &scopes.join(" "))
        .await?;
    tracing::info!(lrs_credential.id = %created.credential.id, "LRS credential created");
    let mut object = LrsCredentialObject::from(created.credential);
    object.secret = Some(created.secret.expose().to_owned());
    Ok((StatusCode::CREATED, axum::Json(object)))
}

/// List the LRS credentials of the caller's environment, newest first.
#[utoipa::path(
    get, path = "/v1/lrs/credentials", tag = "lrs", operation_id = "list_lrs_credentials",
    params(ListParams),
    responses((status = 200, body = LrsCredentialList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<LrsCredentialList>, ApiError> {
    let page = state
        .store
        .lrs_credentials()
        .list(caller.scope, params.page()?)
        .await?;
    Ok(axum::Json(LrsCredentialList::from_page(
        page,
        LrsCredentialObject::from,
    )))
}

/// Retrieve a credential (never its secret).
#[utoipa::path(
    get, path = "/v1/lrs/credentials/{id}", tag = "lrs", operation_id = "get_lrs_credential",
    params(("id" = String, Path, description = "The credential id, `lrsk_…`")),
    responses((status = 200, body = LrsCredentialObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<LrsCredentialObject>, ApiError> {
    let id = validate::path_id("lrs_credential", &raw, LrsCredentialId::parse)?;
    let found = state.store.lrs_credentials().get(caller.scope, &id).await?;
    found
        .map(|c| axum::Json(c.into()))
        .ok_or_else(|| ApiError::not_found("lrs_credential", &raw))
}

/// Revoke a credential: the LRS accepts it no more. Revoking twice is harmless.
#[utoipa::path(
    post, path = "/v1/lrs/credentials/{id}/revoke", tag = "lrs", operation_id = "revoke_lrs_credential",
    params(("id" = String, Path, description = "The credential id, `lrsk_…`"), IdempotencyKeyParam),
    responses((status = 200, body = LrsCredentialObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<LrsCredentialObject>, ApiError> {
    let id = validate::path_id("lrs_credential", &raw, LrsCredentialId::parse)?;
    let revoked = state
        .store
        .lrs_credentials()
        .revoke(caller.scope, &id)
        .await?;
    state.lrs_credentials.forget(&id);
    tracing::info!(lrs_credential.id = %raw, "LRS credential revoked");
    revoked
        .map(|c| axum::Json(c.into()))
        .ok_or_else(|| ApiError::not_found("lrs_credential", &raw))
}
