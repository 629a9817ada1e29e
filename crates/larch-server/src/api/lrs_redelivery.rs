//! `POST /v1/lrs/forwarding_rules/{id}/deliveries/{delivery_id}/retry`: manual redelivery of a
//! forwarded statement batch through the outbox (docs/xapi.md "Statement forwarding").

use crate::api::IdempotencyKeyParam;
use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::PathIds;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use larch_store::ids::{LrsForwardingRuleId, OutboxDeliveryId};
use larch_store::{FORWARD_TOPIC, Message, Requeue};
use serde::Serialize;
use utoipa::ToSchema;

/// A forwarded statement batch put back in the queue by a manual retry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardingBatchObject {
    /// Always `lrs_forwarding_batch`.
    #[schema(value_type = String, example = "lrs_forwarding_batch")]
    pub object: &'static str,
    /// The batch (outbox message), `msg_…`: the `message_id` of its deliveries.
    pub id: String,
    /// The rule it is forwarded by, `lrsf_…`.
    pub rule_id: String,
    /// `pending` after a retry: a delivery worker sends it at once.
    pub status: String,
    /// Attempts so far (the next one is numbered one more).
    pub attempts: i64,
    /// When the batch was first queued, Unix seconds.
    pub created: i64,
    /// When it is due, Unix seconds.
    pub next_attempt: i64,
}

impl From<Message> for ForwardingBatchObject {
    fn from(m: Message) -> Self {
        Self {
            object: "lrs_forwarding_batch",
            id: m.id.to_string(),
            rule_id: m.target,
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            created: m.created_ms / 1000,
            next_attempt: m.next_attempt_ms / 1000,
        }
    }
}

/// Send a forwarded batch again: the batch that delivery `delivery_id` attempted goes back in
/// the queue, due now, whether it failed for good or was delivered (a target that already
/// stores the statements answers 409, which counts as delivered). Its maximum age
/// (`LARCH_FORWARDING_MAX_AGE`) counts from the retry. 409 `delivery_pending` while the batch
/// is still queued or being attempted, 409 `rule_disabled` while the rule is disabled.
#[utoipa::path(
    post, path = "/v1/lrs/forwarding_rules/{id}/deliveries/{delivery_id}/retry", tag = "lrs",
    operation_id = "retry_lrs_forwarding_delivery",
    params(
        ("id" = String, Path, description = "The rule id, `lrsf_…`"),
        ("delivery_id" = String, Path, description = "A delivery of the batch to send again, `dlv_…`"),
        IdempotencyKeyParam,
    ),
    responses(
        (status = 202, body = ForwardingBatchObject),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`delivery_pending`: the batch is queued already; `rule_disabled`", body = ErrorBody),
    ),
)]
pub(crate) async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    PathIds(raw, raw_delivery): PathIds,
) -> Result<(StatusCode, axum::Json<ForwardingBatchObject>), ApiError> {
    let id = validate::path_id("lrs_forwarding_rule", &raw, LrsForwardingRuleId::parse)?;
    let rule = state
        .store
        .forwarding_rules()
        .get(caller.scope, &id)
        .await?;
    let rule = rule.ok_or_else(|| ApiError::not_found("lrs_forwarding_rule", &raw))?;
    let delivery = validate::path_id(
        "lrs_forwarding_delivery",
        &raw_delivery,
        OutboxDeliveryId::parse,
    )?;
    if !rule.enabled {
        return Err(ApiError::Conflict {
            code: "rule_disabled",
            message: "the rule is disabled; enable it before retrying its deliveries".into(),
            param: None,
        });
    }
    let outbox = state.store.outbox();
    match outbox
        .requeue(caller.scope, FORWARD_TOPIC, id.as_str(), &delivery)
        .await?
    {
        Requeue::Requeued(message) => {
            tracing::info!(lrs_forwarding_rule.id = %id, outbox.message = %message.id, "forwarded batch requeued");
            state.outbox_wake.notify_waiters();
            Ok((StatusCode::ACCEPTED, axum::Json(message.into())))
        }
        Requeue::AlreadyPending(message) => Err(ApiError::Conflict {
            code: "delivery_pending",
            message: format!(
                "batch {} is queued already; it is sent when due",
                message.id
            ),
            param: None,
        }),
        Requeue::NotFound => Err(ApiError::not_found(
            "lrs_forwarding_delivery",
            &raw_delivery,
        )),
    }
}
