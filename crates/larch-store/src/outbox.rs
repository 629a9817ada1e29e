//! The transactional outbox: a message is written in the same transaction as the change that
//! causes it (so either both happen or neither), then a delivery worker in any process claims
//! it, tries to deliver it, and records the attempt. Delivery is at least once: a worker that
//! dies mid-delivery leaves a lease that runs out, and another worker tries again.
//!
//! The outbox knows nothing of what it delivers: a message has a `topic` (`lrs.forward`, later
//! webhooks, grade passback, dispatch relay), a `target` (the rule or endpoint it goes to, by
//! id) and a JSON `payload`. The worker for a topic interprets them.

use crate::error::StoreError;
use crate::ids::{OutboxDeliveryId, OutboxMessageId};
use crate::model::{Page, PageRequest};
use crate::scope::Scope;
use async_trait::async_trait;
use std::time::Duration;

/// A message to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// What kind of delivery, e.g. `lrs.forward`.
    pub topic: String,
    /// Where to, e.g. a forwarding rule id.
    pub target: String,
    /// What to deliver (interpreted by the topic's worker).
    pub payload: serde_json::Value,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// Waiting for (another) attempt.
    Pending,
    /// An attempt succeeded.
    Delivered,
    /// Given up (too old, or its target is gone).
    Failed,
}

impl MessageStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "pending" => Self::Pending,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `msg_…`.
    pub id: OutboxMessageId,
    /// The scope it belongs to (a claiming worker learns it here).
    pub scope: Scope,
    /// What kind of delivery.
    pub topic: String,
    /// Where to.
    pub target: String,
    /// What to deliver.
    pub payload: serde_json::Value,
    /// Where it stands.
    pub status: MessageStatus,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// When it may be attempted (again), Unix milliseconds.
    pub next_attempt_ms: i64,
    /// Claims so far (each claim is one attempt, also one a crashed worker never finished).
    pub attempts: i64,
    /// When an attempt succeeded.
    pub delivered_ms: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When a manual redelivery last put it back in the queue (Unix milliseconds); its
    /// maximum age counts from then instead of `created_ms`.
    pub requeued_ms: Option<i64>,
}

impl Message {
    /// Where its maximum age counts from: the last manual redelivery, else its creation.
    pub fn age_from_ms(&self) -> i64 {
        self.requeued_ms.unwrap_or(self.created_ms)
    }
}

/// What a manual redelivery ([`OutboxStore::requeue`]) found.
#[derive(Debug, Clone, PartialEq)]
pub enum Requeue {
    /// The message was delivered or failed and is pending again, due now.
    Requeued(Message),
    /// The message is pending already (waiting or being attempted): nothing changed.
    AlreadyPending(Message),
    /// No such delivery of this topic and target in the scope (or its message is gone).
    NotFound,
}

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Delivered: the message is done.
    Delivered,
    /// Failed; try again at this time (Unix milliseconds).
    RetryAt(i64),
    /// Failed for good.
    Failed,
}

/// One attempt, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Which attempt: the claimed message's `attempts`.
    pub number: i64,
    /// The HTTP status the target answered, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed (never a secret).
    pub error: Option<String>,
    /// How long the attempt took.
    pub duration_ms: i64,
    /// What happens next.
    pub outcome: AttemptOutcome,
}

/// How a logged attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Delivered.
    Delivered,
    /// Failed; another attempt was scheduled.
    Retrying,
    /// Failed; no more attempts.
    Failed,
}

impl DeliveryOutcome {
    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Retrying => "retrying",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn of(outcome: AttemptOutcome) -> Self {
        match outcome {
            AttemptOutcome::Delivered => Self::Delivered,
            AttemptOutcome::RetryAt(_) => Self::Retrying,
            AttemptOutcome::Failed => Self::Failed,
        }
    }

    pub(crate) fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "delivered" => Self::Delivered,
            "retrying" => Self::Retrying,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// One entry of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `dlv_…`.
    pub id: OutboxDeliveryId,
    /// The message attempted.
    pub message_id: OutboxMessageId,
    /// The message's target.
    pub target: String,
    /// 1 for the first attempt.
    pub attempt: i64,
    /// When the attempt ended, Unix milliseconds.
    pub at_ms: i64,
    /// The HTTP status the target answered, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: DeliveryOutcome,
}

/// Exponential back-off with jitter: attempt `n` (from 1) waits `min(cap, base · 2^(n-1))`,
/// scaled by a jitter factor in `[0.5, 1]` so that messages failing together do not retry in
/// lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first wait.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1 for the first); `jitter` is a random number
    /// in `[0, 1)` (clamped).
    pub fn delay(&self, attempt: i64, jitter: f64) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 40)).unwrap_or(40);
        let full = self
            .base
            .checked_mul(2u32.saturating_pow(doublings.min(31)))
            .unwrap_or(self.cap)
            .min(self.cap);
        full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// The outbox. `claim` is the only unscoped call: it learns the scope from the message.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Enqueues a message on its own (a store call that makes a change writes its messages in
    /// its own transaction instead). Due at once.
    async fn push(&self, scope: Scope, new: NewMessage) -> Result<Message, StoreError>;

    /// One message.
    async fn get(&self, scope: Scope, id: &OutboxMessageId) -> Result<Option<Message>, StoreError>;

    /// Claims the due pending message of one of `topics` that waited longest (whose lease, if
    /// any, ran out) for `worker`, for `lease_ms`, and counts the attempt. Each message goes to
    /// one worker at a time across all processes (`FOR UPDATE SKIP LOCKED` on PostgreSQL; the
    /// single writer on SQLite).
    async fn claim(
        &self,
        topics: &[&str],
        worker: &str,
        lease_ms: i64,
    ) -> Result<Option<Message>, StoreError>;

    /// Coalescing: claims for `worker`, for `lease_ms`, the pending messages queued behind
    /// `first` (claimed by `worker`) in its line (its scope, topic and target), oldest first,
    /// as long as each is not held by a live lease and within `bound`, due or not; counts
    /// their attempts. No other worker claims behind a line's oldest pending message, so these are
    /// free, and delivering them with `first` keeps the line's order. One transaction.
    async fn claim_behind(
        &self,
        first: &Message,
        worker: &str,
        lease_ms: i64,
        bound: Behind,
    ) -> Result<Vec<Message>, StoreError>;

    /// Logs an attempt and applies its outcome: delivered (whoever holds the message now), or,
    /// only while `worker` still holds it, retry later or failed. Returns whether the message
    /// changed; `false` also when it no longer exists.
    async fn record(
        &self,
        scope: Scope,
        id: &OutboxMessageId,
        worker: &str,
        attempt: Attempt,
    ) -> Result<bool, StoreError>;

    /// Manual redelivery: puts the message that delivery `delivery` (of `topic` to `target`)
    /// attempted back in the queue, due now, with its maximum age counted from now, unless it
    /// is pending already. One transaction.
    async fn requeue(
        &self,
        scope: Scope,
        topic: &str,
        target: &str,
        delivery: &OutboxDeliveryId,
    ) -> Result<Requeue, StoreError>;

    /// The delivery log of the messages of `topic` to `target`, newest first.
    async fn deliveries(
        &self,
        scope: Scope,
        topic: &str,
        target: &str,
        page: PageRequest,
    ) -> Result<Page<Delivery>, StoreError>;

    /// Retention, in no scope: deletes at most `limit` finished messages (delivered, or failed)
    /// that finished before `before_ms` (Unix ms: when delivered; when last due, for a failed
    /// one), each with its whole delivery log, in one transaction. A pending message and its
    /// log are kept whatever their age. Returns what it deleted; fewer messages than `limit`
    /// means none is left to delete.
    async fn purge_finished(&self, before_ms: i64, limit: usize) -> Result<Purged, StoreError>;
}

/// How much [`OutboxStore::claim_behind`] may take.
#[derive(Debug, Clone, Copy)]
pub struct Behind {
    /// Messages at most.
    pub messages: usize,
    /// Total weight at most, counting the first message's.
    pub weight: usize,
    /// A message's weight, from its payload (e.g. its statements).
    pub weigh: fn(&serde_json::Value) -> usize,
}

/// What one [`OutboxStore::purge_finished`] call deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Finished messages.
    pub messages: usize,
    /// Their delivery log rows.
    pub deliveries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_jitter_halves_at_most() {
        let policy = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        assert_eq!(policy.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.delay(4, 1.0), Duration::from_millis(800));
        assert_eq!(policy.delay(5, 1.0), Duration::from_secs(1));
        assert_eq!(policy.delay(500, 1.0), Duration::from_secs(1));
        assert_eq!(policy.delay(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.delay(0, 0.5), Duration::from_millis(75));
        assert_eq!(policy.delay(3, -4.0), Duration::from_millis(200));
    }
}
