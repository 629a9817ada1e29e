//! Outbox retention on SQLite and PostgreSQL alike: finished messages (delivered or failed) go
//! with their whole delivery log, in every scope, at most `limit` at a time; pending messages
//! and their logs stay whatever their age.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    Attempt, AttemptOutcome, Environment, Message, MessageStatus, NewMessage, PageRequest, Purged,
    Scope, Store,
};
use serde_json::json;

const TOPIC: &str = "t";

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_millis()).unwrap()
}

fn attempt(number: i64, outcome: AttemptOutcome) -> Attempt {
    Attempt {
        number,
        status_code: Some(500),
        error: Some("HTTP 500".to_owned()),
        duration_ms: 3,
        outcome,
    }
}

/// In `scope`: to target `delivered`, a retry then a delivery; to `failed`, a failure; to
/// `pending`, a retry due in an hour. Returns the three messages in that order.
async fn three_messages(store: &Store, scope: Scope) -> Vec<Message> {
    let mut pushed = Vec::new();
    for target in ["delivered", "failed", "pending"] {
        let new = NewMessage {
            topic: TOPIC.into(),
            target: target.into(),
            payload: json!({}),
        };
        pushed.push(store.outbox().push(scope, new).await.unwrap());
    }
    while let Some(claimed) = store.outbox().claim(&[TOPIC], "w", 60_000).await.unwrap() {
        let outcome = match (claimed.target.as_str(), claimed.attempts) {
            ("delivered", 1) => AttemptOutcome::RetryAt(now_ms()),
            ("delivered", _) => AttemptOutcome::Delivered,
            ("failed", _) => AttemptOutcome::Failed,
            _ => AttemptOutcome::RetryAt(now_ms() + 3_600_000),
        };
        let done = attempt(claimed.attempts, outcome);
        let outbox = store.outbox();
        assert!(
            outbox
                .record(claimed.scope, &claimed.id, "w", done)
                .await
                .unwrap()
        );
    }
    pushed
}

async fn log_len(store: &Store, scope: Scope, target: &str) -> usize {
    let page = PageRequest {
        limit: 100,
        after: None,
    };
    let log = store.outbox().deliveries(scope, TOPIC, target, page).await;
    log.unwrap().items.len()
}

#[tokio::test]
async fn finished_messages_go_with_their_logs_in_every_scope_and_pending_ones_stay() {
    for TestDb { store, .. } in testing::each().await {
        let scopes = [
            new_scope(&store, "acme", Environment::Test).await,
            new_scope(&store, "globex", Environment::Live).await,
        ];
        let mut messages = Vec::new();
        for scope in scopes {
            messages.push(three_messages(&store, scope).await);
            assert_eq!(log_len(&store, scope, "delivered").await, 2);
        }
        let outbox = store.outbox();
        let nothing_old = outbox.purge_finished(now_ms() - 60_000, 100).await.unwrap();
        assert_eq!(
            nothing_old,
            Purged::default(),
            "all finished within the minute"
        );

        let later = now_ms() + 1_000;
        let first = outbox.purge_finished(later, 3).await.unwrap();
        assert_eq!(first.messages, 3, "at most the limit");
        let rest = outbox.purge_finished(later, 3).await.unwrap();
        assert_eq!(rest.messages, 1, "the last finished one");
        assert_eq!(
            first.deliveries + rest.deliveries,
            6,
            "two logs of 2 and 1 rows each"
        );
        assert_eq!(
            outbox.purge_finished(later, 3).await.unwrap(),
            Purged::default()
        );

        for (scope, ids) in scopes.iter().zip(&messages) {
            assert_eq!(outbox.get(*scope, &ids[0].id).await.unwrap(), None);
            assert_eq!(outbox.get(*scope, &ids[1].id).await.unwrap(), None);
            let pending = outbox.get(*scope, &ids[2].id).await.unwrap().unwrap();
            assert_eq!(pending.status, MessageStatus::Pending);
            assert_eq!(log_len(&store, *scope, "delivered").await, 0);
            assert_eq!(log_len(&store, *scope, "failed").await, 0);
            assert_eq!(
                log_len(&store, *scope, "pending").await,
                1,
                "a pending log stays"
            );
        }
    }
}
