//! `/v1/lrs/forwarding_rules`: forward the statements the environment's LRS stores to external
//! LRSs, at least once, through the outbox (docs/xapi.md "Statement forwarding").

use crate::api::forwarding_input::{CreateForwardingRule, UpdateForwardingRule};
use crate::api::validate;
use crate::api::{DeletedObject, IdempotencyKeyParam};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::ids::LrsForwardingRuleId;
use larch_store::{Delivery, FORWARD_TOPIC, ForwardingRule};
use serde::Serialize;
use utoipa::ToSchema;

/// A statement forwarding rule. The target's password is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardingRuleObject {
    /// Always `lrs_forwarding_rule`.
    #[schema(value_type = String, example = "lrs_forwarding_rule")]
    pub object: &'static str,
    /// `lrsf_…`.
    pub id: String,
    /// The external LRS's endpoint base; statements go to `<url>/statements`.
    pub url: String,
    /// `X-Experience-API-Version` sent to the target: `1.0.3` or `2.0.0`.
    pub version: String,
    /// The target's credentials, without the password.
    pub auth: ForwardingAuthObject,
    /// Which statements are forwarded (empty lists: all).
    pub filter: ForwardingFilterObject,
    /// Whether the rule forwards.
    pub enabled: bool,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last change, Unix seconds.
    pub updated: i64,
}

/// HTTP Basic credentials at the target, as shown: the user only.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardingAuthObject {
    /// Always `basic`.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "basic")]
    pub kind: &'static str,
    /// The HTTP Basic user.
    pub username: String,
}

/// Which statements a rule forwards: a statement goes when each non-empty list contains its
/// value; a statement whose Object is a StatementRef (e.g. a voiding statement) also goes when
/// the statement it refers to matches.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardingFilterObject {
    /// Verb ids (IRIs).
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Activity ids (IRIs) of the statement's Object.
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// Registration UUIDs (`context.registration`).
    #[serde(default)]
    pub registrations: Vec<String>,
}

impl From<ForwardingRule> for ForwardingRuleObject {
    fn from(rule: ForwardingRule) -> Self {
        Self {
            object: "lrs_forwarding_rule",
            id: rule.id.to_string(),
            url: rule.url,
            version: rule.version,
            auth: ForwardingAuthObject {
                kind: "basic",
                username: rule.auth.username,
            },
            filter: ForwardingFilterObject {
                verbs: rule.filter.verbs,
                activity_ids: rule.filter.activity_ids,
                registrations: rule.filter.registrations,
            },
            enabled: rule.enabled,
            created: rule.created,
            updated: rule.updated,
        }
    }
}

/// One delivery attempt of a forwarded statement batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardingDeliveryObject {
    /// Always `lrs_forwarding_delivery`.
    #[schema(value_type = String, example = "lrs_forwarding_delivery")]
    pub object: &'static str,
    /// `dlv_…`.
    pub id: String,
    /// The forwarded batch (outbox message, `msg_…`): every attempt at it shares this id.
    pub message_id: String,
    /// 1 for the first attempt at the batch.
    pub attempt: i64,
    /// When the attempt ended, Unix seconds.
    pub created: i64,
    /// The HTTP status the target answered; `null` when it did not answer.
    pub status_code: Option<u16>,
    /// Why the attempt failed; `null` when delivered.
    pub error: Option<String>,
    /// How long the attempt took, milliseconds.
    pub duration_ms: i64,
    /// `delivered`, `retrying` (another attempt is scheduled) or `failed` (no more attempts).
    pub outcome: String,
}

impl From<Delivery> for ForwardingDeliveryObject {
    fn from(d: Delivery) -> Self {
        Self {
            object: "lrs_forwarding_delivery",
            id: d.id.to_string(),
            message_id: d.message_id.to_string(),
            attempt: d.attempt,
            created: d.at_ms / 1000,
            status_code: d.status_code,
            error: d.error,
            duration_ms: d.duration_ms,
            outcome: d.outcome.as_str().to_owned(),
        }
    }
}

list_type!(
    /// A page of forwarding rules.
    ForwardingRuleList,
    ForwardingRuleObject
);

list_type!(
    /// A page of a rule's delivery log.
    ForwardingDeliveryList,
    ForwardingDeliveryObject
);

/// Create a forwarding rule for the caller's environment's LRS.
#[utoipa::path(
    post, path = "/v1/lrs/forwarding_rules", tag = "lrs", operation_id = "create_lrs_forwarding_rule",
    params(IdempotencyKeyParam), request_body = CreateForwardingRule,
    responses((status = 201, body = ForwardingRuleObject), (status = 400, description = "Invalid field; `url_not_allowed` for an internal address", body = ErrorBody)),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateForwardingRule>,
) -> Result<(StatusCode, axum::Json<ForwardingRuleObject>), ApiError> {
    let new = body.validate()?;
    crate::outbox::check_target_url(&state, &new.url).await?;
    let rule = state
        .store
        .forwarding_rules()
        .create(caller.scope, new)
        .await?;
    tracing::info!(lrs_forwarding_rule.id = %rule.id, "LRS forwarding rule created");
    Ok((StatusCode::CREATED, axum::Json(rule.into())))
}

/// List the forwarding rules of the caller's environment, newest first.
#[utoipa::path(
    get, path = "/v1/lrs/forwarding_rules", tag = "lrs", operation_id = "list_lrs_forwarding_rules",
    params(ListParams),
    responses((status = 200, body = ForwardingRuleList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<ForwardingRuleList>, ApiError> {
    let page = state
        .store
        .forwarding_rules()
        .list(caller.scope, params.page()?)
        .await?;
    Ok(axum::Json(ForwardingRuleList::from_page(
        page,
        ForwardingRuleObject::from,
    )))
}

/// Retrieve a forwarding rule.
#[utoipa::path(
    get, path = "/v1/lrs/forwarding_rules/{id}", tag = "lrs", operation_id = "get_lrs_forwarding_rule",
    params(("id" = String, Path, description = "The rule id, `lrsf_…`")),
    responses((status = 200, body = ForwardingRuleObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<ForwardingRuleObject>, ApiError> {
    let id = validate::path_id("lrs_forwarding_rule", &raw, LrsForwardingRuleId::parse)?;
    let rule = state
        .store
        .forwarding_rules()
        .get(caller.scope, &id)
        .await?;
    rule.map(|r| axum::Json(r.into()))
        .ok_or_else(|| ApiError::not_found("lrs_forwarding_rule", &raw))
}

/// Change a forwarding rule: enable or disable it (disabling drops what it had queued), or
/// replace its `url`, `version`, `auth` or `filter`.
#[utoipa::path(
    patch, path = "/v1/lrs/forwarding_rules/{id}", tag = "lrs", operation_id = "update_lrs_forwarding_rule",
    params(("id" = String, Path, description = "The rule id, `lrsf_…`")), request_body = UpdateForwardingRule,
    responses((status = 200, body = ForwardingRuleObject), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Json(body): Json<UpdateForwardingRule>,
) -> Result<axum::Json<ForwardingRuleObject>, ApiError> {
    let id = validate::path_id("lrs_forwarding_rule", &raw, LrsForwardingRuleId::parse)?;
    let patch = body.validate()?;
    if let Some(url) = &patch.url {
        crate::outbox::check_target_url(&state, url).await?;
    }
    let rule = state
        .store
        .forwarding_rules()
        .update(caller.scope, &id, patch)
        .await?;
    let rule = rule.ok_or_else(|| ApiError::not_found("lrs_forwarding_rule", &raw))?;
    tracing::info!(lrs_forwarding_rule.id = %rule.id, enabled = rule.enabled, "LRS forwarding rule updated");
    Ok(axum::Json(rule.into()))
}

/// Delete a forwarding rule, with its queued batches and its delivery log.
#[utoipa::path(
    delete, path = "/v1/lrs/forwarding_rules/{id}", tag = "lrs", operation_id = "delete_lrs_forwarding_rule",
    params(("id" = String, Path, description = "The rule id, `lrsf_…`")),
    responses((status = 200, body = DeletedObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<DeletedObject>, ApiError> {
    let id = validate::path_id("lrs_forwarding_rule", &raw, LrsForwardingRuleId::parse)?;
    if !state
        .store
        .forwarding_rules()
        .delete(caller.scope, &id)
        .await?
    {
        return Err(ApiError::not_found("lrs_forwarding_rule", &raw));
    }
    tracing::info!(lrs_forwarding_rule.id = %raw, "LRS forwarding rule deleted");
    Ok(axum::Json(DeletedObject {
        object: "lrs_forwarding_rule",
        id: raw,
        deleted: true,
    }))
}

/// The delivery log of a rule: every attempt at every forwarded batch, newest first.
#[utoipa::path(
    get, path = "/v1/lrs/forwarding_rules/{id}/deliveries", tag = "lrs",
    operation_id = "list_lrs_forwarding_deliveries",
    params(("id" = String, Path, description = "The rule id, `lrsf_…`"), ListParams),
    responses((status = 200, body = ForwardingDeliveryList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<ForwardingDeliveryList>, ApiError> {
    let id = validate::path_id("lrs_forwarding_rule", &raw, LrsForwardingRuleId::parse)?;
    let page = params.page()?;
    if state
        .store
        .forwarding_rules()
        .get(caller.scope, &id)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found("lrs_forwarding_rule", &raw));
    }
    let log = state.store.outbox();
    let page = log
        .deliveries(caller.scope, FORWARD_TOPIC, id.as_str(), page)
        .await?;
    Ok(axum::Json(ForwardingDeliveryList::from_page(
        page,
        ForwardingDeliveryObject::from,
    )))
}
