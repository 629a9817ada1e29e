//! The xAPI part of the store suite: credentials, statements and their filters, voiding,
//! attachments, definitions, agents and documents, against SQLite and PostgreSQL alike.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    AgentRow, Attachment, Environment, IncomingDefinition, LrsSecret, NewStatement, PageRequest,
    Scope, StatementQuery, Store, StoreError,
};

/// A statement by `agent` on `activity`, stored at `nanos`.
fn statement(id: &str, nanos: i64, agent: &str, activity: &str) -> NewStatement {
    NewStatement {
        id: id.to_owned(),
        stored_nanos: nanos,
        verb: "http://adlnet.gov/expapi/verbs/attempted".into(),
        activity: Some(activity.to_owned()),
        registration: None,
        voids: None,
        target: None,
        authority: Some("account:http://lrs x".into()),
        agents: vec![agent.to_owned()],
        related_agents: vec![agent.to_owned(), "account:http://lrs x".into()],
        related_activities: vec![activity.to_owned(), "http://example.com/parent".into()],
        body: format!("{{\"id\":\"{id}\"}}"),
    }
}

fn ids(rows: &[larch_store::StoredStatement]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r.body
                .trim_start_matches("{\"id\":\"")
                .trim_end_matches("\"}")
                .to_owned()
        })
        .collect()
}

async fn insert(
    store: &Store,
    scope: Scope,
    statements: Vec<NewStatement>,
) -> Result<(), StoreError> {
    store
        .statements()
        .insert(scope, statements, Vec::new(), Vec::new(), Vec::new())
        .await
        .map(drop)
}

#[tokio::test]
async fn credentials_authenticate_only_with_their_secret_until_revoked() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let created = store
            .lrs_credentials()
            .create(scope, "tool", "all")
            .await
            .unwrap();
        let creds = store.lrs_credentials();
        let found = creds
            .authenticate(&created.credential.key, &created.secret)
            .await
            .unwrap();
        assert_eq!(found.map(|c| c.scope), Some(scope), "{}", store.kind());
        let wrong = LrsSecret::presented("not-the-secret");
        assert!(
            creds
                .authenticate(&created.credential.key, &wrong)
                .await
                .unwrap()
                .is_none()
        );
        let listed = creds
            .list(
                scope,
                PageRequest {
                    limit: 10,
                    after: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 1);
        let other = new_scope(&store, "acme", Environment::Test).await;
        assert!(
            creds
                .get(other, &created.credential.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            creds
                .revoke(other, &created.credential.id)
                .await
                .unwrap()
                .is_none()
        );
        let revoked = creds
            .revoke(scope, &created.credential.id)
            .await
            .unwrap()
            .unwrap();
        assert!(revoked.revoked.is_some());
        assert!(
            creds
                .authenticate(&created.credential.key, &created.secret)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn filters_follow_statement_refs_and_page_in_order() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let mut a = statement("a", 10, "mbox:mailto:a@x", "http://example.com/1");
        a.registration = Some("reg-1".into());
        let b = statement("b", 20, "mbox:mailto:b@x", "http://example.com/2");
        let mut c = statement("c", 30, "mbox:mailto:c@x", "http://example.com/3");
        c.activity = None;
        c.target = Some("a".into());
        insert(&store, scope, vec![a, b, c]).await.unwrap();
        let q = |f: &dyn Fn(&mut StatementQuery)| {
            let mut query = StatementQuery {
                limit: 10,
                ..StatementQuery::default()
            };
            f(&mut query);
            query
        };
        let run = |query: StatementQuery| {
            let store = store.clone();
            async move { ids(&store.statements().query(scope, &query).await.unwrap()) }
        };
        assert_eq!(run(q(&|_| {})).await, ["c", "b", "a"], "{}", store.kind());
        assert_eq!(run(q(&|q| q.ascending = true)).await, ["a", "b", "c"]);
        // c refers to a, so it matches a's agent and registration (Communication 2.1.4).
        assert_eq!(
            run(q(&|q| q.agent = Some("mbox:mailto:a@x".into()))).await,
            ["c", "a"]
        );
        assert_eq!(
            run(q(&|q| q.registration = Some("reg-1".into()))).await,
            ["c", "a"]
        );
        assert_eq!(
            run(q(&|q| q.activity = Some("http://example.com/2".into()))).await,
            ["b"]
        );
        let parent = |q: &mut StatementQuery| {
            q.activity = Some("http://example.com/parent".into());
        };
        assert!(run(q(&parent)).await.is_empty());
        let related = |q: &mut StatementQuery| {
            parent(q);
            q.related_activities = true;
        };
        assert_eq!(run(q(&related)).await, ["c", "b", "a"]);
        let authority = |q: &mut StatementQuery| q.agent = Some("account:http://lrs x".into());
        assert!(run(q(&authority)).await.is_empty());
        let related_agent = |q: &mut StatementQuery| {
            authority(q);
            q.related_agents = true;
        };
        assert_eq!(run(q(&related_agent)).await.len(), 3);
        assert_eq!(
            run(q(&|q| {
                q.since_nanos = Some(10);
                q.until_nanos = Some(20);
            }))
            .await,
            ["b"]
        );
        assert_eq!(
            run(q(&|q| q.authority = Some("someone else".into())))
                .await
                .len(),
            0
        );
        // One more than the limit tells the caller there is a next page.
        assert_eq!(run(q(&|q| q.limit = 1)).await, ["c", "b"]);
        let after_c = run(q(&|q| {
            q.limit = 1;
            q.after = Some((30, 3));
        }))
        .await;
        assert_eq!(after_c.first().map(String::as_str), Some("b"));
        let other = new_scope(&store, "acme", Environment::Live).await;
        assert!(
            store
                .statements()
                .query(other, &q(&|_| {}))
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn voiding_hides_the_target_but_never_a_voiding_statement() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let target = statement("t", 1, "mbox:mailto:a@x", "http://example.com/1");
        let mut voider = statement("v", 2, "mbox:mailto:a@x", "http://example.com/1");
        voider.voids = Some("t".into());
        voider.target = Some("t".into());
        let mut second = statement("w", 3, "mbox:mailto:a@x", "http://example.com/1");
        second.voids = Some("v".into());
        insert(&store, scope, vec![target, voider, second])
            .await
            .unwrap();
        let rows = store
            .statements()
            .by_ids(scope, &["t".into(), "v".into()])
            .await
            .unwrap();
        let voided: Vec<(String, bool)> = rows.iter().map(|r| (r.body.clone(), r.voided)).collect();
        assert!(
            voided.contains(&("{\"id\":\"t\"}".into(), true)),
            "{}",
            store.kind()
        );
        assert!(voided.contains(&("{\"id\":\"v\"}".into(), false)));
        let all = StatementQuery {
            limit: 10,
            ..StatementQuery::default()
        };
        assert_eq!(
            ids(&store.statements().query(scope, &all).await.unwrap()),
            ["w", "v"]
        );
    }
}

#[tokio::test]
async fn a_stored_id_rejects_the_whole_batch() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        insert(&store, scope, vec![statement("a", 1, "k", "http://x/1")])
            .await
            .unwrap();
        let batch = vec![
            statement("b", 2, "k", "http://x/1"),
            statement("a", 3, "k", "http://x/1"),
        ];
        assert!(matches!(
            insert(&store, scope, batch).await,
            Err(StoreError::Conflict)
        ));
        assert!(
            store
                .statements()
                .by_ids(scope, &["b".into()])
                .await
                .unwrap()
                .is_empty()
        );
        // The same id in another environment is another LRS.
        let live = new_scope(&store, "acme", Environment::Live).await;
        insert(&store, live, vec![statement("a", 1, "k", "http://x/1")])
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn attachments_definitions_and_agents_are_kept_per_scope() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let attachment = Attachment {
            sha2: "ab12".into(),
            content_type: Some("text/plain".into()),
            content: b"hello".to_vec(),
        };
        let agents = vec![AgentRow {
            ifi_key: "mbox:mailto:a@x".into(),
            agent: "{\"mbox\":\"mailto:a@x\"}".into(),
        }];
        let s = store.statements();
        s.insert(
            scope,
            vec![statement("a", 1, "k", "http://x/1")],
            vec![attachment.clone()],
            vec![IncomingDefinition::replace(
                "http://x/1",
                "{\"type\":\"http://t\"}",
            )],
            agents.clone(),
        )
        .await
        .unwrap();
        // The same attachment and agent again are kept once; a definition is replaced.
        s.insert(
            scope,
            vec![statement("b", 2, "k", "http://x/1")],
            vec![attachment.clone()],
            vec![IncomingDefinition::replace(
                "http://x/1",
                "{\"type\":\"http://u\"}",
            )],
            agents,
        )
        .await
        .unwrap();
        assert_eq!(
            s.attachments(scope, &["ab12".into(), "cd34".into()])
                .await
                .unwrap(),
            vec![attachment],
            "{}",
            store.kind()
        );
        assert_eq!(
            s.definitions(scope, &["http://x/1".into()]).await.unwrap(),
            [(
                "http://x/1".to_owned(),
                "{\"type\":\"http://u\"}".to_owned()
            )]
        );
        assert_eq!(s.agents(scope, "mbox:mailto:a@x").await.unwrap().len(), 1);
        let other = new_scope(&store, "acme", Environment::Test).await;
        assert!(
            s.attachments(other, &["ab12".into()])
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.definitions(other, &["http://x/1".into()])
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.agents(other, "mbox:mailto:a@x").await.unwrap().is_empty());
    }
}
