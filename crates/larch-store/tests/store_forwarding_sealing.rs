//! Forwarding rule passwords at rest, on SQLite and PostgreSQL: the stored column holds an
//! AES-256-GCM sealed value bound to the rule (never the password), the API of the store hands
//! back the password, a value copied into another rule does not open, and rows stored in plain
//! text before migration 0102 are sealed when the store opens.

use larch_store::testing;
use larch_store::testing::new_scope;
use larch_store::{
    BasicAuth, DatabaseConfig, Environment, ForwardingFilter, ForwardingRulePatch,
    ForwardingSecret, NewForwardingRule, Store,
};
use sqlx::Connection as _;

const PASSWORD: &str = "s3cret-target-password";

fn rule(password: &str) -> NewForwardingRule {
    NewForwardingRule {
        url: "https://lrs.example.com/xapi".into(),
        version: "2.0.0".into(),
        auth: BasicAuth {
            username: "user".into(),
            password: ForwardingSecret::new(password.into()),
        },
        filter: ForwardingFilter::default(),
        enabled: true,
    }
}

/// Runs `sql` (binding `binds` as text, in order) straight on the database, past the store;
/// returns the first column of each row as text. On PostgreSQL the session takes the sealing
/// pass's `larch.worker` setting, which row-level security admits across scopes.
async fn raw(config: &DatabaseConfig, sql: &str, binds: &[&str]) -> Vec<(String, i64)> {
    match config {
        DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let mut query = sqlx::query_as(sql);
            for b in binds {
                query = query.bind(*b);
            }
            query.fetch_all(&mut conn).await.unwrap()
        }
        DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("SELECT set_config('larch.worker', 'sealing', false)")
                .execute(&mut conn)
                .await
                .unwrap();
            let mut query = sqlx::query_as(sql);
            for b in binds {
                query = query.bind(*b);
            }
            query.fetch_all(&mut conn).await.unwrap()
        }
    }
}

const STORED: &str = "SELECT auth_password, auth_sealed FROM lrs_forwarding_rules WHERE id = $1";

#[tokio::test]
async fn passwords_are_sealed_at_rest_and_bound_to_their_rule() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let rules = db.store.forwarding_rules();
        let a = rules.create(scope, rule(PASSWORD)).await.unwrap();
        let b = rules.create(scope, rule("another-password")).await.unwrap();
        let stored = raw(&db.config, STORED, &[a.id.as_str()]).await;
        let (column, sealed) = stored[0].clone();
        assert_eq!(sealed, 1, "{kind}");
        assert!(
            !column.contains(PASSWORD) && !column.contains(&hex(PASSWORD)),
            "{kind}: the stored column holds the password: {column}"
        );
        let got = rules.get(scope, &a.id).await.unwrap().unwrap();
        assert_eq!(got.auth.password.expose(), PASSWORD, "{kind}");
        let listed = rules.list(scope, Default::default()).await.unwrap();
        assert!(
            listed
                .items
                .iter()
                .any(|r| r.auth.password.expose() == PASSWORD)
        );

        // A new password through an update is sealed too, under a fresh nonce.
        let patch = ForwardingRulePatch {
            auth: Some(rule("rotated-password").auth),
            ..ForwardingRulePatch::default()
        };
        rules.update(scope, &a.id, patch).await.unwrap().unwrap();
        let (rotated, _) = raw(&db.config, STORED, &[a.id.as_str()]).await[0].clone();
        assert!(!rotated.contains(&hex("rotated-password")) && rotated != column);
        let got = rules.get(scope, &a.id).await.unwrap().unwrap();
        assert_eq!(got.auth.password.expose(), "rotated-password");

        // A's sealed value copied into B's row does not open as B's password.
        let copy = "UPDATE lrs_forwarding_rules SET auth_password = $1 WHERE id = $2 \
                    RETURNING auth_password, auth_sealed";
        raw(&db.config, copy, &[&rotated, b.id.as_str()]).await;
        assert!(rules.get(scope, &b.id).await.is_err(), "{kind}");
    }
}

#[tokio::test]
async fn passwords_stored_in_plain_text_are_sealed_when_the_store_opens() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let rules = db.store.forwarding_rules();
        let created = rules.create(scope, rule("unused")).await.unwrap();
        // As a row written before migration 0102 looks.
        let plain = "UPDATE lrs_forwarding_rules SET auth_password = $1, auth_sealed = 0 \
                     WHERE id = $2 RETURNING auth_password, auth_sealed";
        raw(&db.config, plain, &[PASSWORD, created.id.as_str()]).await;
        let got = rules.get(scope, &created.id).await.unwrap().unwrap();
        assert_eq!(
            got.auth.password.expose(),
            PASSWORD,
            "{kind}: read as it is"
        );

        let reopened = Store::open(&db.config).await.unwrap();
        let (column, sealed) = raw(&db.config, STORED, &[created.id.as_str()]).await[0].clone();
        assert_eq!(sealed, 1, "{kind}: sealed at open");
        assert!(!column.contains(PASSWORD) && !column.contains(&hex(PASSWORD)));
        let got = reopened
            .forwarding_rules()
            .get(scope, &created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.auth.password.expose(), PASSWORD, "{kind}");
        assert_eq!(
            rules
                .get(scope, &created.id)
                .await
                .unwrap()
                .unwrap()
                .auth
                .password
                .expose(),
            PASSWORD,
            "{kind}: the first store shares the key"
        );
    }
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}
