//! The store test suite: every store operation, against SQLite and PostgreSQL alike.

use larch_store::ids::{ApiKeyId, LearnerId};
use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    ApiKeySecret, Environment, IdempotencyClaim, LearnerPatch, NewLearner, PageRequest, Scope,
    StoreError,
};

fn learner(id: &str) -> NewLearner {
    NewLearner {
        id: LearnerId::parse(id).unwrap(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: Some("ada@example.com".into()),
    }
}

#[tokio::test]
async fn bootstrap_happens_once_and_its_key_authenticates() {
    for TestDb { store, .. } in testing::each().await {
        let first = store
            .tenants()
            .bootstrap(None)
            .await
            .unwrap()
            .expect("first start bootstraps");
        assert_eq!(first.scope.env, Environment::Test);
        assert!(first.key.secret.expose().starts_with("sk_test_"));
        assert!(
            store.tenants().bootstrap(None).await.unwrap().is_none(),
            "{}",
            store.kind()
        );
        let found = store
            .api_keys()
            .authenticate(&first.key.secret)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.scope, first.scope);
        assert!(found.last_used.is_some());
    }
}

#[tokio::test]
async fn bootstrap_registers_exactly_the_configured_key() {
    for TestDb { store, .. } in testing::each().await {
        let secret = ApiKeySecret::parse(&format!("sk_test_{}", "Z9".repeat(20))).unwrap();
        let done = store
            .tenants()
            .bootstrap(Some(secret.clone()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.key.secret, secret);
        let found = store
            .api_keys()
            .authenticate(&secret)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, done.key.key.id);
    }
}

#[tokio::test]
async fn api_keys_are_created_listed_revoked_and_scoped() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Live).await;
        let other = Scope {
            env: Environment::Test,
            ..scope
        };
        let a = store.api_keys().create(scope, "ci").await.unwrap();
        let b = store.api_keys().create(scope, "backend").await.unwrap();
        assert!(a.secret.expose().starts_with("sk_live_"));
        assert_ne!(a.secret, b.secret);
        assert!(a.key.hint.starts_with("sk_live_…"));

        let page = store
            .api_keys()
            .list(
                scope,
                PageRequest {
                    limit: 1,
                    after: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|k| &k.id).collect::<Vec<_>>(),
            [&b.key.id]
        );
        let rest = store
            .api_keys()
            .list(
                scope,
                PageRequest {
                    limit: 1,
                    after: page.next,
                },
            )
            .await
            .unwrap();
        assert_eq!(rest.items[0].id, a.key.id);
        assert!(rest.next.is_none());
        assert!(
            store
                .api_keys()
                .list(other, PageRequest::default())
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(
            store
                .api_keys()
                .get(other, &a.key.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .api_keys()
                .revoke(other, &a.key.id)
                .await
                .unwrap()
                .is_none()
        );

        let revoked = store
            .api_keys()
            .revoke(scope, &a.key.id)
            .await
            .unwrap()
            .unwrap();
        assert!(revoked.revoked.is_some());
        assert!(
            store
                .api_keys()
                .authenticate(&a.secret)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .api_keys()
                .authenticate(&b.secret)
                .await
                .unwrap()
                .is_some()
        );
        let again = store
            .api_keys()
            .revoke(scope, &a.key.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.revoked, revoked.revoked);
        assert!(
            store
                .api_keys()
                .get(scope, &ApiKeyId::generate())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_key_cannot_be_registered_in_the_other_environment() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Live).await;
        let test_key = ApiKeySecret::generate(Environment::Test);
        let err = store
            .api_keys()
            .create_with_secret(scope, "x", test_key)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Config(_)));
    }
}

#[tokio::test]
async fn learners_crud_and_conflicts() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let made = store
            .learners()
            .create(scope, learner("emp-1"))
            .await
            .unwrap();
        assert_eq!(made.email.as_deref(), Some("ada@example.com"));
        let dup = store
            .learners()
            .create(scope, learner("emp-1"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Conflict),
            "{}: {dup:?}",
            store.kind()
        );
        let id = LearnerId::parse("emp-1").unwrap();
        assert_eq!(
            store.learners().get(scope, &id).await.unwrap(),
            Some(made.clone())
        );

        let patch = LearnerPatch {
            first_name: Some("Augusta".into()),
            email: Some(None),
            ..LearnerPatch::default()
        };
        let updated = store
            .learners()
            .update(scope, &id, patch)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (updated.first_name.as_str(), updated.last_name.as_str()),
            ("Augusta", "Lovelace")
        );
        assert_eq!(updated.email, None);
        let unchanged = store
            .learners()
            .update(scope, &id, LearnerPatch::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.first_name, "Augusta");

        assert!(store.learners().delete(scope, &id).await.unwrap());
        assert!(!store.learners().delete(scope, &id).await.unwrap());
        assert!(store.learners().get(scope, &id).await.unwrap().is_none());
        let missing = LearnerId::parse("nobody").unwrap();
        assert!(
            store
                .learners()
                .update(scope, &missing, LearnerPatch::default())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn learners_paginate_newest_first_without_gaps() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        for i in 0..7 {
            store
                .learners()
                .create(scope, learner(&format!("l{i}")))
                .await
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut page = PageRequest {
            limit: 3,
            after: None,
        };
        loop {
            let got = store.learners().list(scope, page).await.unwrap();
            seen.extend(got.items.iter().map(|l| l.id.to_string()));
            match got.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        assert_eq!(
            seen,
            ["l6", "l5", "l4", "l3", "l2", "l1", "l0"],
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn learners_of_one_scope_are_invisible_from_every_other() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let other_env = Scope {
            env: Environment::Live,
            ..scope
        };
        let other_app = Scope {
            app: store
                .tenants()
                .create_application(scope.tenant, "b")
                .await
                .unwrap()
                .id,
            ..scope
        };
        let other_tenant = new_scope(&store, "acme", Environment::Test).await;
        store
            .learners()
            .create(scope, learner("shared-id"))
            .await
            .unwrap();
        let id = LearnerId::parse("shared-id").unwrap();
        for outsider in [other_env, other_app, other_tenant] {
            assert!(store.learners().get(outsider, &id).await.unwrap().is_none());
            assert!(
                store
                    .learners()
                    .list(outsider, PageRequest::default())
                    .await
                    .unwrap()
                    .items
                    .is_empty()
            );
            assert!(
                store
                    .learners()
                    .update(outsider, &id, LearnerPatch::default())
                    .await
                    .unwrap()
                    .is_none()
            );
            assert!(!store.learners().delete(outsider, &id).await.unwrap());
            // The same id is free in every other scope.
            store
                .learners()
                .create(outsider, learner("shared-id"))
                .await
                .unwrap();
        }
        assert_eq!(
            store
                .learners()
                .get(scope, &id)
                .await
                .unwrap()
                .unwrap()
                .first_name,
            "Ada"
        );
    }
}

#[tokio::test]
async fn idempotency_claims_replays_and_rejects_other_requests() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let idem = store.idempotency();
        assert_eq!(
            idem.claim(scope, "k1", "h1").await.unwrap(),
            IdempotencyClaim::Claimed
        );
        assert_eq!(
            idem.claim(scope, "k1", "h1").await.unwrap(),
            IdempotencyClaim::InProgress
        );
        assert_eq!(
            idem.claim(scope, "k1", "h2").await.unwrap(),
            IdempotencyClaim::Mismatch
        );
        idem.complete(scope, "k1", 201, "{\"id\":1}").await.unwrap();
        assert_eq!(
            idem.claim(scope, "k1", "h1").await.unwrap(),
            IdempotencyClaim::Replay {
                status: 201,
                body: "{\"id\":1}".into()
            }
        );
        // Keys are per scope.
        let other = Scope {
            env: Environment::Live,
            ..scope
        };
        assert_eq!(
            idem.claim(other, "k1", "h2").await.unwrap(),
            IdempotencyClaim::Claimed
        );
        // A released claim (the request failed on our side) can run again; a completed one stays.
        assert_eq!(
            idem.claim(scope, "k2", "h").await.unwrap(),
            IdempotencyClaim::Claimed
        );
        idem.release(scope, "k2").await.unwrap();
        assert_eq!(
            idem.claim(scope, "k2", "h").await.unwrap(),
            IdempotencyClaim::Claimed
        );
        idem.release(scope, "k1").await.unwrap();
        assert!(matches!(
            idem.claim(scope, "k1", "h1").await.unwrap(),
            IdempotencyClaim::Replay { .. }
        ));
    }
}

#[tokio::test]
async fn ping_answers_on_each_backend() {
    for TestDb { store, .. } in testing::each().await {
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn an_idempotency_key_is_claimed_once_under_concurrent_requests() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let claims: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(
                    async move { store.idempotency().claim(scope, "race", "h").await.unwrap() },
                )
            })
            .collect();
        let mut claimed = 0;
        for claim in claims {
            match claim.await.unwrap() {
                IdempotencyClaim::Claimed => claimed += 1,
                IdempotencyClaim::InProgress => {}
                other => panic!("{}: {other:?}", store.kind()),
            }
        }
        assert_eq!(
            claimed,
            1,
            "{}: {claimed} requests ran for one key",
            store.kind()
        );
    }
}
