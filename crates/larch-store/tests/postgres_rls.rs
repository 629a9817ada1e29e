//! PostgreSQL row-level security: the second wall holds even for a query that forgets the scope.

use larch_store::ids::LearnerId;
use larch_store::{DatabaseConfig, Environment, NewLearner, Scope};
use sqlx::Connection as _;

#[tokio::test]
async fn unscoped_queries_see_no_scoped_rows() {
    let db = larch_store::testing::postgres().await;
    let tenant = db.store.tenants().create_tenant("t").await.unwrap();
    let app = db
        .store
        .tenants()
        .create_application(tenant.id, "a")
        .await
        .unwrap();
    let scope = Scope {
        tenant: tenant.id,
        app: app.id,
        env: Environment::Test,
    };
    let new = NewLearner {
        id: LearnerId::generate(),
        first_name: "A".into(),
        last_name: "B".into(),
        email: None,
    };
    db.store.learners().create(scope, new).await.unwrap();
    db.store.api_keys().create(scope, "k").await.unwrap();
    db.store
        .courses()
        .create_version(scope, larch_store::testing::sample_course("c"))
        .await
        .unwrap();
    let reg = larch_store::NewRegistration {
        id: larch_store::ids::RegistrationId::generate(),
        course_id: larch_store::ids::CourseId::parse("c").unwrap(),
        learner: larch_store::LearnerRef::CreateIfAbsent(NewLearner {
            id: LearnerId::generate(),
            first_name: "C".into(),
            last_name: "D".into(),
            email: None,
        }),
        instance_policy: None,
    };
    let reg = db.store.registrations().create(scope, reg).await.unwrap();
    db.store
        .launches()
        .issue(scope, &reg.id, 60)
        .await
        .unwrap()
        .unwrap();
    db.store.idempotency().claim(scope, "k", "h").await.unwrap();
    let token = larch_store::NewLaunchToken {
        registration: "r".into(),
        actor_key: "mbox:mailto:a@example.com".into(),
        actor: "{}".into(),
        activity_id: "http://example.com/a".into(),
        scopes: "state".into(),
        ttl_secs: 60,
    };
    db.store.launch_tokens().issue(scope, token).await.unwrap();
    let rule = larch_store::NewForwardingRule {
        url: "https://lrs.example.com/xapi".into(),
        version: "2.0.0".into(),
        auth: larch_store::BasicAuth {
            username: "u".into(),
            password: larch_store::ForwardingSecret::new("p".into()),
        },
        filter: larch_store::ForwardingFilter::default(),
        enabled: true,
    };
    db.store
        .forwarding_rules()
        .create(scope, rule)
        .await
        .unwrap();
    let message = larch_store::NewMessage {
        topic: "t".into(),
        target: "x".into(),
        payload: serde_json::json!({}),
    };
    let message = db.store.outbox().push(scope, message).await.unwrap();
    let attempt = larch_store::Attempt {
        number: 1,
        status_code: Some(200),
        error: None,
        duration_ms: 1,
        outcome: larch_store::AttemptOutcome::Delivered,
    };
    db.store
        .outbox()
        .record(scope, &message.id, "w", attempt)
        .await
        .unwrap();

    let DatabaseConfig::Postgres { url, .. } = &db.config else {
        unreachable!("postgres config")
    };
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    for table in [
        "learners",
        "api_keys",
        "courses",
        "course_versions",
        "registrations",
        "launch_tokens",
        "idempotency_keys",
        "lrs_forwarding_rules",
        "outbox_messages",
        "outbox_deliveries",
        "xapi_launch_tokens",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(count, 0, "{table} rows visible without a scope");
    }
    // Another scope sees nothing either, and cannot write into this one.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('larch.tenant_id', $1, true), set_config('larch.app_id', $2, true), set_config('larch.env', 'live', true)")
        .bind(tenant.id.0.to_string())
        .bind(app.id.0.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM learners")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(count, 0);
    let smuggled = sqlx::query(
        "INSERT INTO learners (tenant_id, app_id, env, id, first_name, last_name, created_at, updated_at) \
         VALUES ($1, $2, 'test', 'x', 'a', 'b', 0, 0)",
    )
    .bind(tenant.id.0)
    .bind(app.id.0)
    .execute(&mut *tx)
    .await;
    assert!(
        smuggled.is_err(),
        "row-level security let a write into another scope"
    );
}
