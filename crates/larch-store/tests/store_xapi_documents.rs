//! xAPI documents in the store suite (State, Activity Profile, Agent Profile): replace, list,
//! delete, and the atomic compare-and-set behind `If-Match` / `If-None-Match`, on SQLite and
//! PostgreSQL alike.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{DocumentChange, DocumentKey, DocumentKind, Environment, NewDocument};
use std::sync::Arc;

fn state_key() -> DocumentKey {
    DocumentKey {
        kind: DocumentKind::State,
        activity_id: "http://x/1".into(),
        agent_key: "mbox:mailto:a@x".into(),
        registration: String::new(),
    }
}

fn doc(id: &str, body: &str, at: i64) -> NewDocument {
    NewDocument {
        id: id.into(),
        content: body.as_bytes().to_vec(),
        content_type: "application/json".into(),
        updated_nanos: at,
    }
}

#[tokio::test]
async fn documents_are_replaced_listed_since_and_deleted() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let key = state_key();
        let d = store.xapi_documents();
        d.put(scope, &key, doc("s1", "{}", 10)).await.unwrap();
        d.put(scope, &key, doc("s1", "{\"a\":1}", 20))
            .await
            .unwrap();
        d.put(scope, &key, doc("s2", "x", 30)).await.unwrap();
        let got = d.get(scope, &key, "s1").await.unwrap().unwrap();
        assert_eq!(
            (got.content, got.updated_nanos),
            (b"{\"a\":1}".to_vec(), 20),
            "{}",
            store.kind()
        );
        assert_eq!(d.ids(scope, &key, None).await.unwrap(), ["s1", "s2"]);
        assert_eq!(d.ids(scope, &key, Some(20)).await.unwrap(), ["s2"]);
        let profile = DocumentKey {
            kind: DocumentKind::ActivityProfile,
            ..key.clone()
        };
        assert!(d.get(scope, &profile, "s1").await.unwrap().is_none());
        let other = new_scope(&store, "acme", Environment::Test).await;
        assert!(d.get(other, &key, "s1").await.unwrap().is_none());
        d.delete(scope, &key, Some("s1")).await.unwrap();
        assert_eq!(d.ids(scope, &key, None).await.unwrap(), ["s2"]);
        d.delete(scope, &key, None).await.unwrap();
        assert!(d.ids(scope, &key, None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn write_if_applies_only_to_the_version_read() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let (key, d) = (state_key(), store.xapi_documents());
        let write = |body: &str| DocumentChange::Write(doc("s", body, 1));
        assert!(d.write_if(scope, &key, None, write("1")).await.unwrap());
        assert!(
            !d.write_if(scope, &key, None, write("2")).await.unwrap(),
            "created meanwhile ({})",
            store.kind()
        );
        let v1 = d.get(scope, &key, "s").await.unwrap().unwrap().version;
        assert!(d.write_if(scope, &key, Some(v1), write("3")).await.unwrap());
        assert!(!d.write_if(scope, &key, Some(v1), write("4")).await.unwrap());
        let gone = DocumentChange::Delete("s".into());
        assert!(
            !d.write_if(scope, &key, Some(v1), gone.clone())
                .await
                .unwrap()
        );
        let now = d.get(scope, &key, "s").await.unwrap().unwrap();
        assert_eq!(now.content, b"3", "{}", store.kind());
        assert!(
            d.write_if(scope, &key, Some(now.version), gone)
                .await
                .unwrap()
        );
        assert!(d.get(scope, &key, "s").await.unwrap().is_none());
    }
}

/// Concurrent read-modify-write loops (what the server does for POST merges and If-Match):
/// no increment is lost.
#[tokio::test]
async fn concurrent_compare_and_set_loses_no_update() {
    const WRITERS: i64 = 8;
    const ROUNDS: i64 = 5;
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let store = Arc::new(store);
        let tasks: Vec<_> = (0..WRITERS)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let d = store.xapi_documents();
                    for _ in 0..ROUNDS {
                        loop {
                            let current = d.get(scope, &state_key(), "n").await.unwrap();
                            let n: i64 = current.as_ref().map_or(0, |c| {
                                std::str::from_utf8(&c.content).unwrap().parse().unwrap()
                            });
                            let change = DocumentChange::Write(doc("n", &(n + 1).to_string(), n));
                            let expected = current.map(|c| c.version);
                            if d.write_if(scope, &state_key(), expected, change)
                                .await
                                .unwrap()
                            {
                                break;
                            }
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let last = store
            .xapi_documents()
            .get(scope, &state_key(), "n")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            last.content,
            (WRITERS * ROUNDS).to_string().as_bytes(),
            "{}",
            store.kind()
        );
    }
}

/// One-statement reads and writes in more scopes than connections, interleaved, one at a time
/// (so on PostgreSQL one connection of sql/pg_scoped.rs serves them all, switching scope each
/// time), with failed writes among them: each scope sees exactly its own documents.
#[tokio::test]
async fn one_statement_requests_switching_scopes_see_only_their_own() {
    for TestDb { store, .. } in testing::each().await {
        let mut scopes = Vec::new();
        for i in 0..7 {
            scopes.push(new_scope(&store, &format!("t{i}"), Environment::Test).await);
        }
        let (key, d) = (state_key(), store.xapi_documents());
        for round in 0..3 {
            for (i, scope) in scopes.iter().enumerate() {
                let body = format!("{{\"scope\":{i},\"round\":{round}}}");
                d.put(*scope, &key, doc(&format!("s{i}"), &body, round))
                    .await
                    .unwrap();
                // On PostgreSQL a write that fails in the database (a NUL in text; SQLite
                // stores it) takes its connection with it; the next request gets a good one.
                let bad = NewDocument {
                    content_type: "text/plain\0".into(),
                    ..doc("bad", "x", round)
                };
                let failed = d.put(*scope, &key, bad).await.is_err();
                assert_eq!(failed, store.kind() == "postgres", "{}", store.kind());
            }
            for (i, scope) in scopes.iter().enumerate().rev() {
                let want = format!("{{\"scope\":{i},\"round\":{round}}}");
                let got = d
                    .get(*scope, &key, &format!("s{i}"))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(got.content, want.as_bytes(), "{}", store.kind());
                let ids = d.ids(*scope, &key, None).await.unwrap();
                let mut want_ids = vec![format!("s{i}")];
                if store.kind() == "sqlite" {
                    want_ids.insert(0, "bad".into());
                }
                assert_eq!(ids, want_ids);
            }
        }
    }
}
