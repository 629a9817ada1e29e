//! The transactional outbox on SQLite and PostgreSQL alike: each message goes to one of many
//! concurrent claimers at a time, a lapsed lease hands it over, back-off holds a message until
//! its time, outcomes are logged, and a worker that lost its lease cannot reschedule.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    Attempt, AttemptOutcome, DeliveryOutcome, Environment, MessageStatus, NewMessage, PageRequest,
    Store,
};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

fn message(topic: &str, target: &str, n: u32) -> NewMessage {
    NewMessage {
        topic: topic.into(),
        target: target.into(),
        payload: json!({"n": n}),
    }
}

fn attempt(number: i64, status: Option<u16>, outcome: AttemptOutcome) -> Attempt {
    Attempt {
        number,
        status_code: status,
        error: (status != Some(200)).then(|| "HTTP 500".to_owned()),
        duration_ms: 3,
        outcome,
    }
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_millis()).unwrap()
}

#[tokio::test]
async fn a_message_is_claimed_delivered_and_logged_once() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let pushed = store
            .outbox()
            .push(scope, message("t", "rule-1", 1))
            .await
            .unwrap();
        assert_eq!(pushed.status, MessageStatus::Pending);
        assert!(pushed.id.as_str().starts_with("msg_"));
        assert_eq!(
            store.outbox().claim(&["other"], "w", 60_000).await.unwrap(),
            None
        );
        let claimed = store
            .outbox()
            .claim(&["x", "t"], "w", 60_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (claimed.id.clone(), claimed.attempts),
            (pushed.id.clone(), 1)
        );
        assert_eq!(
            (claimed.scope, claimed.payload.clone()),
            (scope, json!({"n": 1}))
        );
        assert_eq!(
            store.outbox().claim(&["t"], "w2", 60_000).await.unwrap(),
            None
        );
        let done = attempt(1, Some(200), AttemptOutcome::Delivered);
        assert!(
            store
                .outbox()
                .record(scope, &claimed.id, "w", done)
                .await
                .unwrap()
        );
        let stored = store
            .outbox()
            .get(scope, &claimed.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, MessageStatus::Delivered);
        assert!(stored.delivered_ms.is_some());
        assert_eq!(store.outbox().claim(&["t"], "w", 0).await.unwrap(), None);
        let log = store
            .outbox()
            .deliveries(scope, "t", "rule-1", PageRequest::default())
            .await
            .unwrap();
        assert_eq!(log.items.len(), 1, "{}", store.kind());
        let entry = &log.items[0];
        assert_eq!((entry.attempt, entry.status_code), (1, Some(200)));
        assert_eq!(entry.outcome, DeliveryOutcome::Delivered);
        assert_eq!(entry.message_id, claimed.id);
        // Another scope sees neither the message nor its log.
        let other = new_scope(&store, "other", Environment::Test).await;
        assert_eq!(store.outbox().get(other, &claimed.id).await.unwrap(), None);
        let theirs = store
            .outbox()
            .deliveries(other, "t", "rule-1", PageRequest::default());
        assert!(theirs.await.unwrap().items.is_empty());
    }
}

#[tokio::test]
async fn concurrent_claimers_never_get_the_same_message() {
    for db in testing::each().await {
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let mut pushed = HashSet::new();
        for n in 0..8 {
            pushed.insert(
                db.store
                    .outbox()
                    .push(scope, message("t", &format!("rule-{n}"), n))
                    .await
                    .unwrap()
                    .id,
            );
        }
        // Two pools, as two processes would have.
        let second = Store::open(&db.config).await.unwrap();
        let claims = (0..16).map(|n| {
            let store = if n % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move {
                store
                    .outbox()
                    .claim(&["t"], &format!("w{n}"), 60_000)
                    .await
                    .unwrap()
            })
        });
        let mut claimed = Vec::new();
        for handle in claims {
            claimed.extend(handle.await.unwrap().map(|m| m.id));
        }
        let distinct: HashSet<_> = claimed.iter().cloned().collect();
        assert_eq!(
            claimed.len(),
            8,
            "{}: every message claimed once",
            db.store.kind()
        );
        assert_eq!(distinct, pushed, "{}", db.store.kind());
    }
}

#[tokio::test]
async fn a_lapsed_lease_hands_the_message_over_and_the_old_holder_cannot_reschedule() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let id = store
            .outbox()
            .push(scope, message("t", "rule-1", 1))
            .await
            .unwrap()
            .id;
        let first = store
            .outbox()
            .claim(&["t"], "crashed", 600)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.id, id);
        assert_eq!(
            store.outbox().claim(&["t"], "w2", 60_000).await.unwrap(),
            None
        );
        tokio::time::sleep(Duration::from_millis(700)).await;
        let second = store
            .outbox()
            .claim(&["t"], "w2", 60_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((second.id.clone(), second.attempts), (id.clone(), 2));
        let late = attempt(1, Some(500), AttemptOutcome::RetryAt(now_ms()));
        assert!(
            !store
                .outbox()
                .record(scope, &id, "crashed", late)
                .await
                .unwrap()
        );
        let still = store.outbox().get(scope, &id).await.unwrap().unwrap();
        assert_eq!(still.status, MessageStatus::Pending);
        assert_eq!(
            store.outbox().claim(&["t"], "w3", 60_000).await.unwrap(),
            None,
            "w2 holds it"
        );
        let failed = attempt(2, Some(500), AttemptOutcome::Failed);
        assert!(
            store
                .outbox()
                .record(scope, &id, "w2", failed)
                .await
                .unwrap()
        );
        let ended = store.outbox().get(scope, &id).await.unwrap().unwrap();
        assert_eq!(ended.status, MessageStatus::Failed);
        assert_eq!(ended.last_error.as_deref(), Some("HTTP 500"));
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            store.outbox().claim(&["t"], "w3", 60_000).await.unwrap(),
            None
        );
        let log = store
            .outbox()
            .deliveries(scope, "t", "rule-1", PageRequest::default());
        let outcomes: Vec<_> = log
            .await
            .unwrap()
            .items
            .iter()
            .map(|d| (d.attempt, d.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [(2, DeliveryOutcome::Failed), (1, DeliveryOutcome::Retrying)],
            "{}: newest first; the late attempt is logged too",
            store.kind()
        );
    }
}

#[tokio::test]
async fn a_retry_waits_for_its_time() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let id = store
            .outbox()
            .push(scope, message("t", "rule-1", 1))
            .await
            .unwrap()
            .id;
        store
            .outbox()
            .claim(&["t"], "w", 60_000)
            .await
            .unwrap()
            .unwrap();
        let later = attempt(1, None, AttemptOutcome::RetryAt(now_ms() + 1_000));
        assert!(store.outbox().record(scope, &id, "w", later).await.unwrap());
        assert_eq!(
            store.outbox().claim(&["t"], "w", 60_000).await.unwrap(),
            None
        );
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let again = store
            .outbox()
            .claim(&["t"], "w", 60_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.attempts), (id.clone(), 2));
        assert_eq!(again.last_error.as_deref(), Some("HTTP 500"));
        // A delivery counts whoever holds the message.
        let done = attempt(2, Some(200), AttemptOutcome::Delivered);
        assert!(
            store
                .outbox()
                .record(scope, &id, "someone", done)
                .await
                .unwrap()
        );
        let page = PageRequest {
            limit: 1,
            after: None,
        };
        let first = store
            .outbox()
            .deliveries(scope, "t", "rule-1", page)
            .await
            .unwrap();
        assert_eq!(first.items.len(), 1);
        assert!(
            first.next.is_some(),
            "{}: two entries, one per page",
            store.kind()
        );
        let rest = PageRequest {
            limit: 1,
            after: first.next,
        };
        let second = store
            .outbox()
            .deliveries(scope, "t", "rule-1", rest)
            .await
            .unwrap();
        assert_eq!(second.items[0].outcome, DeliveryOutcome::Retrying);
        assert_eq!(second.next, None);
    }
}

#[tokio::test]
async fn messages_to_one_target_go_in_order() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let first = store
            .outbox()
            .push(scope, message("t", "a", 1))
            .await
            .unwrap()
            .id;
        let second = store
            .outbox()
            .push(scope, message("t", "a", 2))
            .await
            .unwrap()
            .id;
        let elsewhere = store
            .outbox()
            .push(scope, message("t", "b", 3))
            .await
            .unwrap()
            .id;
        let claim = || store.outbox().claim(&["t"], "w", 60_000);
        assert_eq!(claim().await.unwrap().unwrap().id, first);
        assert_eq!(
            claim().await.unwrap().unwrap().id,
            elsewhere,
            "{}",
            store.kind()
        );
        assert_eq!(
            claim().await.unwrap(),
            None,
            "{}: the second waits",
            store.kind()
        );
        let retry = attempt(1, Some(500), AttemptOutcome::RetryAt(now_ms()));
        assert!(
            store
                .outbox()
                .record(scope, &first, "w", retry)
                .await
                .unwrap()
        );
        assert_eq!(
            claim().await.unwrap().unwrap().id,
            first,
            "a retry keeps its place"
        );
        let done = attempt(2, Some(200), AttemptOutcome::Delivered);
        assert!(
            store
                .outbox()
                .record(scope, &first, "w", done)
                .await
                .unwrap()
        );
        assert_eq!(claim().await.unwrap().unwrap().id, second);
    }
}
