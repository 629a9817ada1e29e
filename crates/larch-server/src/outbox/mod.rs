//! The delivery workers of the transactional outbox: in every process, claim due messages from
//! the database (so any number of processes cooperate), hand each to its topic's deliverer,
//! and record the attempt: delivered, retried later with exponential back-off and jitter until
//! the topic's maximum age, or failed. Topics today: `lrs.forward` ([`forward`]), whose
//! messages queued behind the claimed one for the same rule go in the same request.

mod forward;
mod retention;
mod target;

use crate::state::AppState;
use larch_store::{Attempt, AttemptOutcome, FORWARD_TOPIC, Message, RetryPolicy};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub(crate) use target::{check_target_url, validate_target_url};

/// How long a claim holds before another worker may take the message over: well above the
/// longest attempt ([`forward::TIMEOUT`]).
const LEASE_MS: i64 = 2 * 60 * 1000;
/// How long a worker waits after the database failed it.
const BACKOFF_ON_STORE_ERROR: Duration = Duration::from_secs(2);
/// The topics this process delivers.
const TOPICS: &[&str] = &[FORWARD_TOPIC];

/// What a deliverer reports of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// The HTTP status the target answered, if it answered.
    pub(crate) status_code: Option<u16>,
    /// Why it failed (never a secret).
    pub(crate) error: Option<String>,
    /// What to do next.
    pub(crate) verdict: Verdict,
}

/// The deliverer's judgement of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The target has it.
    Delivered,
    /// Try again later (until the topic's maximum age).
    Retry,
    /// Pointless to try again (the rule is gone or disabled).
    GiveUp,
}

/// Starts the configured number of delivery workers and the retention pass
/// ([`retention`]); they stop when `stop` turns true.
pub(crate) fn spawn(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let node = larch_store::ids::random_base62(8);
    let mut tasks: Vec<_> = (0..state.config.delivery_workers)
        .map(|n| {
            let worker = format!("{node}-out-{n}");
            tokio::spawn(work(state.clone(), worker, stop.clone()))
        })
        .collect();
    tasks.push(tokio::spawn(retention::run(state.clone(), stop.clone())));
    tasks
}

async fn work(state: AppState, worker: String, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let wake = state.outbox_wake.notified();
        match state.store.outbox().claim(TOPICS, &worker, LEASE_MS).await {
            Ok(Some(message)) => {
                let group = with_behind(&state, &worker, message).await;
                deliver(&state, &worker, group).await;
            }
            Ok(None) => {
                tokio::select! {
                    () = tokio::time::sleep(state.config.delivery_poll_interval) => {}
                    () = wake => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming an outbox message failed");
                tokio::time::sleep(BACKOFF_ON_STORE_ERROR).await;
            }
        }
    }
}

/// `first` and, for statement forwarding, the messages queued behind it for the same rule,
/// claimed too so that one request delivers them all (`claim_behind`: in the line's order,
/// within [`forward::BEHIND`]). A failed claim only means delivering `first` alone.
async fn with_behind(state: &AppState, worker: &str, first: Message) -> Vec<Message> {
    if first.topic != FORWARD_TOPIC {
        return vec![first];
    }
    let store = state.store.outbox();
    let behind = store
        .claim_behind(&first, worker, LEASE_MS, forward::BEHIND)
        .await;
    let behind = behind.unwrap_or_else(|e| {
        tracing::warn!(error = %e, outbox.message = %first.id, "claiming the messages behind failed");
        Vec::new()
    });
    std::iter::once(first).chain(behind).collect()
}

/// One attempt at a group of messages of one line (one request), each recorded with its own
/// outcome.
async fn deliver(state: &AppState, worker: &str, group: Vec<Message>) {
    let started = Instant::now();
    let report = match group[0].topic.as_str() {
        FORWARD_TOPIC => forward::deliver(state, &group).await,
        other => Report {
            status_code: None,
            error: Some(format!("no deliverer for topic {other}")),
            verdict: Verdict::GiveUp,
        },
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    for message in group {
        record(state, worker, message, &report, duration_ms).await;
    }
}

/// Records one message's attempt, with the outcome the report leads to for it.
async fn record(
    state: &AppState,
    worker: &str,
    message: Message,
    report: &Report,
    duration_ms: i64,
) {
    let max_age = state.config.forwarding_max_age;
    let outcome = outcome(
        &state.retry_policy(),
        max_age,
        &message,
        report.verdict,
        now_ms(),
    );
    let attempt = Attempt {
        number: message.attempts,
        status_code: report.status_code,
        error: report.error.clone(),
        duration_ms,
        outcome,
    };
    tracing::info!(
        outbox.message = %message.id, outbox.topic = %message.topic, outbox.target = %message.target,
        attempt = attempt.number, status = ?attempt.status_code, outcome = ?outcome,
        error = attempt.error.as_deref().unwrap_or(""), "outbox delivery attempt"
    );
    let store = state.store.outbox();
    if let Err(e) = store
        .record(message.scope, &message.id, worker, attempt)
        .await
    {
        tracing::error!(error = %e, outbox.message = %message.id, "recording a delivery attempt failed; the message will be retried");
    }
}

/// What an attempt leads to: a failure is retried after the policy's delay, unless the
/// message is older than `max_age`, counted from its last manual redelivery if any (then it
/// fails for good).
fn outcome(
    policy: &RetryPolicy,
    max_age: Duration,
    message: &Message,
    verdict: Verdict,
    now_ms: i64,
) -> AttemptOutcome {
    match verdict {
        Verdict::Delivered => AttemptOutcome::Delivered,
        Verdict::GiveUp => AttemptOutcome::Failed,
        Verdict::Retry => {
            let max_age_ms = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
            if now_ms.saturating_sub(message.age_from_ms()) >= max_age_ms {
                return AttemptOutcome::Failed;
            }
            let delay = policy.delay(message.attempts, rand::random::<f64>());
            let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
            AttemptOutcome::RetryAt(now_ms.saturating_add(delay_ms))
        }
    }
}

impl AppState {
    /// The back-off of failed deliveries, from the settings.
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            base: self.config.delivery_retry_base,
            cap: self.config.delivery_retry_cap,
        }
    }
}

/// Unix milliseconds now.
fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use larch_store::{AppId, Environment, MessageStatus, Scope, TenantId};

    fn message(created_ms: i64, attempts: i64) -> Message {
        Message {
            id: larch_store::ids::OutboxMessageId::generate(),
            scope: Scope {
                tenant: TenantId(1),
                app: AppId(1),
                env: Environment::Test,
            },
            topic: FORWARD_TOPIC.into(),
            target: "lrsf_x".into(),
            payload: serde_json::json!({}),
            status: MessageStatus::Pending,
            created_ms,
            next_attempt_ms: created_ms,
            attempts,
            delivered_ms: None,
            last_error: None,
            requeued_ms: None,
        }
    }

    #[test]
    fn failures_back_off_until_the_maximum_age_then_fail() {
        let policy = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(10),
        };
        let day = Duration::from_secs(86_400);
        let fresh = message(1_000, 3);
        match outcome(&policy, day, &fresh, Verdict::Retry, 2_000) {
            // Third failure: 400 ms, jittered into [200, 400].
            AttemptOutcome::RetryAt(at) => assert!((2_200..=2_400).contains(&at), "{at}"),
            other => panic!("{other:?}"),
        }
        let old = message(0, 3);
        let now = 86_400_000;
        assert_eq!(
            outcome(&policy, day, &old, Verdict::Retry, now),
            AttemptOutcome::Failed
        );
        assert_eq!(
            outcome(&policy, day, &old, Verdict::Delivered, now),
            AttemptOutcome::Delivered
        );
        assert_eq!(
            outcome(&policy, day, &fresh, Verdict::GiveUp, 2_000),
            AttemptOutcome::Failed
        );
    }
}
