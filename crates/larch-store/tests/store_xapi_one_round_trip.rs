//! Statement writes that PostgreSQL takes in one round trip (sql/pg_statement_fast.rs) keep
//! every outcome of the combined write: on both stores, a batch repeating a stored definition
//! is stored; once a forwarding rule is enabled the next batch is forwarded; a changed
//! definition is merged; and a definition another process changed meanwhile (so this
//! process's memory of it is stale) is merged from what is stored, not from that memory.

use larch_store::testing::{self, new_scope};
use larch_store::{
    BasicAuth, Environment, ForwardingFilter, ForwardingSecret, IncomingDefinition,
    NewForwardingRule, NewStatement, Scope, Store, StoreError,
};

const COURSE: &str = "http://example.com/course";

fn statement(id: &str) -> NewStatement {
    NewStatement {
        id: format!("00000000-0000-4000-8000-{id:0>12}"),
        stored_nanos: 1_700_000_000_000_000_000,
        verb: "http://adlnet.gov/expapi/verbs/attempted".into(),
        activity: Some(COURSE.into()),
        registration: None,
        voids: None,
        target: None,
        authority: None,
        agents: vec!["mbox:mailto:learner@example.com".into()],
        related_agents: Vec::new(),
        related_activities: vec![COURSE.into()],
        body: format!("{{\"id\":\"{id}\"}}"),
    }
}

/// Stores statement `id` carrying `definition` for the course; the messages it queued.
async fn store_with(
    store: &Store,
    scope: Scope,
    id: &str,
    definition: &str,
) -> Result<usize, StoreError> {
    let definitions = vec![IncomingDefinition::replace(COURSE, definition)];
    store
        .statements()
        .insert(
            scope,
            vec![statement(id)],
            Vec::new(),
            definitions,
            Vec::new(),
        )
        .await
}

async fn stored_definition(store: &Store, scope: Scope) -> String {
    let found = store
        .statements()
        .definitions(scope, &[COURSE.to_owned()])
        .await
        .unwrap();
    found.into_iter().next().expect("stored").1
}

async fn stored_ids(store: &Store, scope: Scope, ids: &[&str]) -> usize {
    let ids: Vec<String> = ids.iter().map(|id| statement(id).id).collect();
    store.statements().by_ids(scope, &ids).await.unwrap().len()
}

#[tokio::test]
async fn one_round_trip_writes_keep_forwarding_and_definition_merges() {
    for db in testing::each().await {
        let (store, kind) = (&db.store, db.store.kind());
        let scope = new_scope(store, "t", Environment::Test).await;
        let a = r#"{"name":{"en":"A"}}"#;
        assert_eq!(store_with(store, scope, "1", a).await.unwrap(), 0);
        // The same definition again: nothing to merge, nothing to forward.
        assert_eq!(store_with(store, scope, "2", a).await.unwrap(), 0);
        assert_eq!(stored_ids(store, scope, &["1", "2"]).await, 2, "{kind}");
        assert_eq!(stored_definition(store, scope).await, a, "{kind}");

        // A rule enabled since: the next batch is forwarded.
        let rule = NewForwardingRule {
            url: "https://lrs.example.com/xapi".into(),
            version: "2.0.0".into(),
            auth: BasicAuth {
                username: "user".into(),
                password: ForwardingSecret::new("s3cret-password".into()),
            },
            filter: ForwardingFilter::default(),
            enabled: true,
        };
        let created = store.forwarding_rules().create(scope, rule).await.unwrap();
        assert_eq!(store_with(store, scope, "3", a).await.unwrap(), 1, "{kind}");
        store
            .forwarding_rules()
            .delete(scope, &created.id)
            .await
            .unwrap();

        // A changed definition is merged (here: replaced).
        let b = r#"{"name":{"en":"B"}}"#;
        assert_eq!(store_with(store, scope, "4", b).await.unwrap(), 0);
        assert_eq!(stored_definition(store, scope).await, b, "{kind}");

        // Another process stores C; this one still remembers B and is sent B again: B must
        // be stored again over C, as the combined write merges from what is stored.
        let other = Store::open(&db.config).await.unwrap();
        let c = r#"{"name":{"en":"C"}}"#;
        store_with(&other, scope, "5", c).await.unwrap();
        assert_eq!(stored_definition(store, scope).await, c, "{kind}");
        store_with(store, scope, "6", b).await.unwrap();
        assert_eq!(
            stored_definition(store, scope).await,
            b,
            "{kind}: stale memory"
        );
        assert_eq!(
            stored_ids(store, scope, &["1", "2", "3", "4", "5", "6"]).await,
            6
        );

        // A statement id stored before is refused, and nothing of its batch is stored.
        let again = store_with(store, scope, "6", b).await;
        assert!(
            matches!(again, Err(StoreError::Conflict)),
            "{kind}: {again:?}"
        );
    }
}
