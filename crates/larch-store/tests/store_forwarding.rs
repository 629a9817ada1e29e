//! Statement forwarding rules on SQLite and PostgreSQL alike: rules are scoped and keep their
//! secret, and storing statements writes one outbox message per matching enabled rule in the
//! statements' own transaction (none when the batch is refused).

use larch_store::ids::LrsForwardingRuleId;
use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    Attempt, AttemptOutcome, BasicAuth, Environment, FORWARD_TOPIC, ForwardingFilter,
    ForwardingRulePatch, ForwardingSecret, Message, NewForwardingRule, NewStatement, PageRequest,
    Scope, Store, StoreError,
};
use serde_json::json;

const ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

fn rule(filter: ForwardingFilter, enabled: bool) -> NewForwardingRule {
    NewForwardingRule {
        url: "https://lrs.example.com/xapi".into(),
        version: "2.0.0".into(),
        auth: BasicAuth {
            username: "user".into(),
            password: ForwardingSecret::new("s3cret-password".into()),
        },
        filter,
        enabled,
    }
}

fn statement(id: &str, verb: &str, activity: Option<&str>, target: Option<&str>) -> NewStatement {
    NewStatement {
        id: id.to_owned(),
        stored_nanos: 1,
        verb: verb.into(),
        activity: activity.map(str::to_owned),
        registration: None,
        voids: target.filter(|_| verb == VOIDED).map(str::to_owned),
        target: target.map(str::to_owned),
        authority: None,
        agents: Vec::new(),
        related_agents: Vec::new(),
        related_activities: Vec::new(),
        body: format!("{{\"id\":\"{id}\"}}"),
    }
}

/// Inserts a batch; the forwarding messages it queued.
async fn insert(
    store: &Store,
    scope: Scope,
    batch: Vec<NewStatement>,
) -> Result<usize, StoreError> {
    store
        .statements()
        .insert(scope, batch, Vec::new(), Vec::new(), Vec::new())
        .await
}

/// Claims and delivers every due forwarding message: (target, statement ids).
async fn drain(store: &Store) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    while let Some(Message {
        id,
        scope,
        target,
        payload,
        attempts,
        ..
    }) = store
        .outbox()
        .claim(&[FORWARD_TOPIC], "w", 60_000)
        .await
        .unwrap()
    {
        let done = Attempt {
            number: attempts,
            status_code: Some(200),
            error: None,
            duration_ms: 1,
            outcome: AttemptOutcome::Delivered,
        };
        assert!(store.outbox().record(scope, &id, "w", done).await.unwrap());
        out.push((target, payload["statements"].clone()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn rules_are_created_listed_updated_and_deleted_within_their_scope() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let rules = store.forwarding_rules();
        let created = rules
            .create(scope, rule(ForwardingFilter::default(), true))
            .await
            .unwrap();
        assert!(created.id.as_str().starts_with("lrsf_"));
        assert_eq!(created.auth.password.expose(), "s3cret-password");
        let other = new_scope(&store, "other", Environment::Test).await;
        assert_eq!(rules.get(other, &created.id).await.unwrap(), None);
        assert!(
            rules
                .list(other, PageRequest::default())
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let filter = ForwardingFilter {
            verbs: vec![ATTEMPTED.into()],
            ..Default::default()
        };
        let patch = ForwardingRulePatch {
            enabled: Some(false),
            filter: Some(filter.clone()),
            ..Default::default()
        };
        assert_eq!(
            rules
                .update(other, &created.id, patch.clone())
                .await
                .unwrap(),
            None
        );
        let updated = rules
            .update(scope, &created.id, patch)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((updated.enabled, &updated.filter), (false, &filter));
        assert_eq!(
            updated.url,
            created.url,
            "{}: untouched fields stay",
            store.kind()
        );
        assert_eq!(updated.auth, created.auth);
        let listed = rules.list(scope, PageRequest::default()).await.unwrap();
        assert_eq!(listed.items, vec![updated]);
        assert!(!rules.delete(other, &created.id).await.unwrap());
        assert!(rules.delete(scope, &created.id).await.unwrap());
        assert_eq!(rules.get(scope, &created.id).await.unwrap(), None);
        let unknown = LrsForwardingRuleId::parse("lrsf_nothing").unwrap();
        assert!(!rules.delete(scope, &unknown).await.unwrap());
    }
}

#[tokio::test]
async fn storing_statements_queues_one_message_per_matching_enabled_rule() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let rules = store.forwarding_rules();
        let all = rules
            .create(scope, rule(ForwardingFilter::default(), true))
            .await
            .unwrap();
        let golf = ForwardingFilter {
            activity_ids: vec!["http://example.com/golf".into()],
            ..Default::default()
        };
        let golf = rules.create(scope, rule(golf, true)).await.unwrap();
        rules
            .create(scope, rule(ForwardingFilter::default(), false))
            .await
            .unwrap();
        let other = new_scope(&store, "other", Environment::Test).await;
        rules
            .create(other, rule(ForwardingFilter::default(), true))
            .await
            .unwrap();

        let batch = vec![
            statement("s1", ATTEMPTED, Some("http://example.com/golf"), None),
            statement("s2", ATTEMPTED, Some("http://example.com/tennis"), None),
        ];
        let queued = insert(&store, scope, batch).await.unwrap();
        assert_eq!(queued, 2, "{}: one message per matching rule", store.kind());
        let mut expected = vec![
            (all.id.to_string(), json!(["s1", "s2"])),
            (golf.id.to_string(), json!(["s1"])),
        ];
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(drain(&store).await, expected, "{}", store.kind());

        // A voiding statement refers to s1 (golf) with a StatementRef: both rules forward it.
        insert(
            &store,
            scope,
            vec![statement("v1", VOIDED, None, Some("s1"))],
        )
        .await
        .unwrap();
        let mut expected = vec![
            (all.id.to_string(), json!(["v1"])),
            (golf.id.to_string(), json!(["v1"])),
        ];
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            drain(&store).await,
            expected,
            "{}: voiding statements",
            store.kind()
        );

        // A refused batch (an id already stored) queues nothing.
        let refused = vec![
            statement("s3", ATTEMPTED, None, None),
            statement("s1", ATTEMPTED, None, None),
        ];
        assert!(matches!(
            insert(&store, scope, refused).await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(drain(&store).await, Vec::new(), "{}", store.kind());
    }
}

#[tokio::test]
async fn deleting_a_rule_drops_its_queued_messages() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let rules = store.forwarding_rules();
        let doomed = rules
            .create(scope, rule(ForwardingFilter::default(), true))
            .await
            .unwrap();
        insert(&store, scope, vec![statement("s1", ATTEMPTED, None, None)])
            .await
            .unwrap();
        assert!(rules.delete(scope, &doomed.id).await.unwrap());
        assert_eq!(drain(&store).await, Vec::new(), "{}", store.kind());
    }
}
