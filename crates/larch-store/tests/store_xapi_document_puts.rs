//! Blind document PUTs at once, on SQLite and PostgreSQL alike (both group-commit them): each
//! lands in its own scope, the last of one document's PUTs answered together wins, and a PUT
//! that cannot be written fails alone while the others of its batch land.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    AppId, DocumentChange, DocumentKey, DocumentKind, Environment, NewDocument, Scope, Store,
    TenantId,
};

fn key(n: usize) -> DocumentKey {
    DocumentKey {
        kind: DocumentKind::State,
        activity_id: format!("http://x/{n}"),
        agent_key: "mbox:mailto:a@x".into(),
        registration: String::new(),
    }
}

fn doc(body: String) -> NewDocument {
    NewDocument {
        id: "s".into(),
        content: body.into_bytes(),
        content_type: "application/json".into(),
        updated_nanos: 1,
    }
}

/// PUTs `body` at document `n` of `scope` on a task of its own.
fn put(store: &Store, scope: Scope, n: usize, body: String) -> tokio::task::JoinHandle<bool> {
    put_doc(store, scope, n, doc(body))
}

/// PUTs `doc` at document `n` of `scope` on a task of its own.
fn put_doc(
    store: &Store,
    scope: Scope,
    n: usize,
    doc: NewDocument,
) -> tokio::task::JoinHandle<bool> {
    let store = store.clone();
    tokio::spawn(async move {
        let documents = store.xapi_documents();
        documents.put(scope, &key(n), doc).await.is_ok()
    })
}

/// A PUT its database refuses: on SQLite one in a scope whose tenant does not exist (its
/// foreign key); on PostgreSQL, whose documents have none (migration 0110), one whose id
/// holds a NUL, which TEXT cannot.
fn bad_put(store: &Store, scope: Scope) -> tokio::task::JoinHandle<bool> {
    if store.kind() == "postgres" {
        let nul = NewDocument {
            id: "s\0".into(),
            ..doc("{}".into())
        };
        return put_doc(store, scope, 0, nul);
    }
    let nowhere = Scope {
        tenant: TenantId(i64::MAX),
        app: AppId(i64::MAX),
        env: Environment::Test,
    };
    put(store, nowhere, 0, "{}".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn puts_at_once_land_in_their_scopes_and_a_bad_one_fails_alone() {
    for TestDb { store, .. } in testing::each().await {
        let scopes = [
            new_scope(&store, "acme", Environment::Test).await,
            new_scope(&store, "globex", Environment::Live).await,
        ];
        let mut good = Vec::new();
        for round in 0..8 {
            for (s, scope) in scopes.iter().enumerate() {
                for n in 0..5 {
                    good.push(put(
                        &store,
                        *scope,
                        n,
                        format!("{{\"s\":{s},\"r\":{round}}}"),
                    ));
                }
            }
        }
        let bad = bad_put(&store, scopes[0]);
        for task in good {
            assert!(task.await.unwrap(), "{}", store.kind());
        }
        assert!(!bad.await.unwrap(), "{}: the bad PUT fails", store.kind());
        for (s, scope) in scopes.iter().enumerate() {
            for n in 0..5 {
                let got = store
                    .xapi_documents()
                    .get(*scope, &key(n), "s")
                    .await
                    .unwrap();
                let body = String::from_utf8(got.unwrap().content).unwrap();
                assert!(
                    body.starts_with(&format!("{{\"s\":{s},")),
                    "{}: {body}",
                    store.kind()
                );
            }
        }
    }
}

/// A create-only PUT (`If-None-Match: *`) of document `n` on a task of its own: whether it
/// created the document.
fn create(store: &Store, scope: Scope, n: usize, body: String) -> tokio::task::JoinHandle<bool> {
    let store = store.clone();
    tokio::spawn(async move {
        let change = DocumentChange::Write(doc(body));
        let documents = store.xapi_documents();
        documents
            .write_if(scope, &key(n), None, change)
            .await
            .unwrap()
    })
}

/// Create-only PUTs at once, beside overwrites of other documents (PostgreSQL writes them in
/// the same batches): of those of one document exactly one creates it and its content is the
/// one stored; one of an existing document creates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_create_only_puts_at_once_exactly_one_per_document_creates_it() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        assert!(put(&store, scope, 9, "{\"old\":1}".into()).await.unwrap());
        let (mut creates, mut overwrites) = (Vec::new(), Vec::new());
        for round in 0..6 {
            for n in [0, 1, 9] {
                creates.push((
                    n,
                    round,
                    create(&store, scope, n, format!("{{\"r\":{round}}}")),
                ));
            }
            overwrites.push(put(&store, scope, 5, format!("{{\"w\":{round}}}")));
        }
        let mut winners = std::collections::BTreeMap::new();
        for (n, round, task) in creates {
            if task.await.unwrap() {
                assert!(
                    winners.insert(n, round).is_none(),
                    "{}: {n} twice",
                    store.kind()
                );
            }
        }
        for task in overwrites {
            assert!(task.await.unwrap(), "{}", store.kind());
        }
        assert_eq!(
            winners.keys().copied().collect::<Vec<_>>(),
            [0, 1],
            "{}",
            store.kind()
        );
        for (n, round) in winners {
            let got = store
                .xapi_documents()
                .get(scope, &key(n), "s")
                .await
                .unwrap();
            let body = String::from_utf8(got.unwrap().content).unwrap();
            assert_eq!(body, format!("{{\"r\":{round}}}"), "{}", store.kind());
        }
        let kept = store
            .xapi_documents()
            .get(scope, &key(9), "s")
            .await
            .unwrap();
        assert_eq!(kept.unwrap().content, b"{\"old\":1}", "{}", store.kind());
    }
}
