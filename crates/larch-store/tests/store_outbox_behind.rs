//! Coalescing on SQLite and PostgreSQL alike: `claim_behind` takes the messages queued behind
//! a claimed one in its line, oldest first, within the bound, and stops at one it cannot take
//! so that nothing overtakes it; other lines and scopes are left alone.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{Behind, Environment, Message, NewMessage, Store};
use serde_json::{Value, json};

fn statements(payload: &Value) -> usize {
    payload["statements"].as_array().map_or(1, Vec::len)
}

const BOUND: Behind = Behind {
    messages: 10,
    weight: 5,
    weigh: statements,
};

async fn push(store: &Store, scope: larch_store::Scope, target: &str, n: usize) -> Message {
    let new = NewMessage {
        topic: "t".into(),
        target: target.into(),
        payload: json!({"statements": vec!["s"; n]}),
    };
    store.outbox().push(scope, new).await.unwrap()
}

#[tokio::test]
async fn the_messages_behind_go_in_order_within_the_bound() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let other = new_scope(&store, "globex", Environment::Test).await;
        let mut line = Vec::new();
        for n in [1, 2, 2, 1] {
            line.push(push(&store, scope, "rule", n).await);
        }
        push(&store, scope, "another-rule", 1).await;
        push(&store, other, "rule", 1).await;
        let outbox = store.outbox();
        let first = outbox.claim(&["t"], "w", 60_000).await.unwrap().unwrap();
        assert_eq!(first.id, line[0].id, "{}", store.kind());

        // Weights 1 + 2 + 2 = 5 fit; the fourth would make 6.
        let behind = outbox
            .claim_behind(&first, "w", 60_000, BOUND)
            .await
            .unwrap();
        let ids: Vec<_> = behind.iter().map(|m| m.id.clone()).collect();
        assert_eq!(
            ids,
            [line[1].id.clone(), line[2].id.clone()],
            "{}",
            store.kind()
        );
        assert!(behind.iter().all(|m| m.attempts == 1 && m.scope == scope));

        // Held now, they stop the next claim behind the head: nothing overtakes them.
        let again = outbox
            .claim_behind(&first, "w", 60_000, BOUND)
            .await
            .unwrap();
        assert_eq!(again, Vec::new(), "{}", store.kind());

        // Another worker gets the other lines only.
        let mut others = Vec::new();
        while let Some(m) = outbox.claim(&["t"], "w2", 60_000).await.unwrap() {
            others.push((m.scope, m.target));
        }
        others.sort_by_key(|(s, t)| (s.tenant.0, t.clone()));
        let expected = [
            (scope, "another-rule".to_owned()),
            (other, "rule".to_owned()),
        ];
        assert_eq!(others, expected, "{}", store.kind());
    }
}

#[tokio::test]
async fn a_message_too_heavy_for_the_bound_stays_for_the_next_request() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        push(&store, scope, "rule", 4).await;
        push(&store, scope, "rule", 2).await;
        let outbox = store.outbox();
        let first = outbox.claim(&["t"], "w", 60_000).await.unwrap().unwrap();
        let behind = outbox
            .claim_behind(&first, "w", 60_000, BOUND)
            .await
            .unwrap();
        assert_eq!(behind, Vec::new(), "{}: 4 + 2 > 5", store.kind());
    }
}

fn retry_at(number: i64, at: i64) -> larch_store::Attempt {
    larch_store::Attempt {
        number,
        status_code: Some(500),
        error: Some("HTTP 500".into()),
        duration_ms: 1,
        outcome: larch_store::AttemptOutcome::RetryAt(at),
    }
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_millis()).unwrap()
}

/// After a group failed, each backs off by its own attempts; the head's next claim takes the
/// others again even when their own next attempt is later.
#[tokio::test]
async fn a_failed_group_is_taken_again_whole_with_its_head() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        push(&store, scope, "rule", 1).await;
        let second = push(&store, scope, "rule", 1).await;
        let outbox = store.outbox();
        let head = outbox.claim(&["t"], "w", 60_000).await.unwrap().unwrap();
        let behind = outbox
            .claim_behind(&head, "w", 60_000, BOUND)
            .await
            .unwrap();
        assert_eq!(behind.len(), 1);
        let later = now_ms() + 3_600_000;
        let recorded = outbox
            .record(scope, &second.id, "w", retry_at(1, later))
            .await;
        assert!(recorded.unwrap());
        assert!(
            outbox
                .record(scope, &head.id, "w", retry_at(1, 0))
                .await
                .unwrap()
        );

        let head = outbox.claim(&["t"], "w", 60_000).await.unwrap().unwrap();
        let behind = outbox
            .claim_behind(&head, "w", 60_000, BOUND)
            .await
            .unwrap();
        let ids: Vec<_> = behind.iter().map(|m| (m.id.clone(), m.attempts)).collect();
        assert_eq!(ids, [(second.id.clone(), 2)], "{}", store.kind());
    }
}
