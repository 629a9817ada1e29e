//! Migration 0106 (the filter keys keyed in walk order, two unused indexes dropped) on a
//! database that already holds statements, on SQLite and PostgreSQL: every filter key
//! survives, and the keyed queries answer exactly as before.
//!
//! The database is brought back to the shape 0105 left (the keys table, its primary key
//! `(scope, kind, key, statement_seq)`, the walk index, `xapi_statement_keys_statement`,
//! `xapi_statements_target`), 0106 is marked not applied, and the store is opened again.

use larch_store::testing;
use larch_store::{DatabaseConfig, Environment, NewStatement, Scope, StatementQuery, Store};
use sqlx::Connection as _;

async fn new_scope(store: &Store) -> Scope {
    let tenant = store.tenants().create_tenant("t").await.unwrap();
    let app = store
        .tenants()
        .create_application(tenant.id, "lms")
        .await
        .unwrap();
    Scope {
        tenant: tenant.id,
        app: app.id,
        env: Environment::Test,
    }
}

/// Statement `i`: 7 agents, 3 courses, related agents and activities, some sharing `stored`.
fn statement(i: i64) -> NewStatement {
    let agent = format!("mbox:mailto:learner{}@example.com", i % 7);
    let activity = format!("http://example.com/q/{}", i % 11);
    NewStatement {
        id: format!("00000000-0000-4000-8000-{i:012}"),
        stored_nanos: 1_700_000_000_000_000_000 + (i / 3) * 1_000,
        verb: "http://adlnet.gov/expapi/verbs/answered".into(),
        activity: Some(activity.clone()),
        registration: None,
        voids: None,
        target: None,
        authority: Some("account:http://lrs lrsk_1".into()),
        agents: vec![agent.clone()],
        related_agents: vec![agent, format!("mbox:mailto:teacher{}@example.com", i % 2)],
        related_activities: vec![activity, format!("http://example.com/course/{}", i % 3)],
        body: format!("{{\"n\":{i}}}"),
    }
}

/// The queries whose answers must not change: each key kind walked, a key filter on a
/// walked statement (the `EXISTS` lookup), and a second page.
fn queries() -> Vec<StatementQuery> {
    let base = StatementQuery {
        limit: 500,
        ..StatementQuery::default()
    };
    let mut out = Vec::new();
    for n in 0..7 {
        out.push(StatementQuery {
            agent: Some(format!("mbox:mailto:learner{n}@example.com")),
            ..base.clone()
        });
    }
    out.push(StatementQuery {
        agent: Some("mbox:mailto:teacher1@example.com".into()),
        related_agents: true,
        ..base.clone()
    });
    for c in 0..3 {
        out.push(StatementQuery {
            activity: Some(format!("http://example.com/course/{c}")),
            related_activities: true,
            ..base.clone()
        });
    }
    out.push(StatementQuery {
        agent: Some("mbox:mailto:learner2@example.com".into()),
        activity: Some("http://example.com/course/1".into()),
        related_activities: true,
        ..base.clone()
    });
    out.push(StatementQuery {
        activity: Some("http://example.com/course/2".into()),
        related_activities: true,
        limit: 5,
        after: Some((1_700_000_000_000_000_000 + 40 * 1_000, 121)),
        ..base
    });
    out
}

/// Each query's answer as (seq, body) pairs.
async fn answers(store: &Store, scope: Scope) -> Vec<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for q in queries() {
        let rows = store.statements().query(scope, &q).await.unwrap();
        out.push(rows.into_iter().map(|r| (r.seq, r.body)).collect());
    }
    out
}

const SQLITE_0105: &str = "
CREATE TABLE keys_0105 (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    stored_nanos BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, app_id, env, kind, key, statement_seq)
);
INSERT INTO keys_0105 (tenant_id, app_id, env, kind, key, statement_seq, stored_nanos)
    SELECT tenant_id, app_id, env, kind, key, statement_seq, stored_nanos FROM xapi_statement_keys;
DROP TABLE xapi_statement_keys;
ALTER TABLE keys_0105 RENAME TO xapi_statement_keys;
CREATE INDEX xapi_statement_keys_statement ON xapi_statement_keys (statement_seq);
CREATE INDEX xapi_statement_keys_walk
    ON xapi_statement_keys (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq);
CREATE INDEX xapi_statements_target ON xapi_statements (tenant_id, app_id, env, target_id);
DELETE FROM _sqlx_migrations WHERE version = 106;
";

const POSTGRES_0105: &str = "
ALTER TABLE xapi_statement_keys DROP CONSTRAINT xapi_statement_keys_walk;
ALTER TABLE xapi_statement_keys ADD PRIMARY KEY (tenant_id, app_id, env, kind, key, statement_seq);
CREATE INDEX xapi_statement_keys_walk
    ON xapi_statement_keys (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq);
CREATE INDEX xapi_statement_keys_statement ON xapi_statement_keys (statement_seq);
CREATE INDEX xapi_statements_target ON xapi_statements (tenant_id, app_id, env, target_id);
DELETE FROM _sqlx_migrations WHERE version = 106;
";

/// Runs `sql` (if any) on the database past the store; returns what `check` selects as text.
async fn raw(config: &DatabaseConfig, sql: Option<&str>, check: &str) -> Vec<String> {
    match config {
        DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            if let Some(sql) = sql {
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
            sqlx::query_scalar(check)
                .fetch_all(&mut conn)
                .await
                .unwrap()
        }
        DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            if let Some(sql) = sql {
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
            sqlx::query_scalar(check)
                .fetch_all(&mut conn)
                .await
                .unwrap()
        }
    }
}

/// The keys table's shape: SQLite's definition; PostgreSQL's index names.
fn shape_query(config: &DatabaseConfig) -> &'static str {
    match config {
        DatabaseConfig::Sqlite { .. } => {
            "SELECT name FROM sqlite_master WHERE tbl_name IN \
             ('xapi_statement_keys', 'xapi_statements') AND type = 'index' \
             AND name NOT LIKE 'sqlite_autoindex_xapi_statements%' \
             UNION ALL SELECT sql FROM sqlite_master WHERE name = 'xapi_statement_keys' \
             ORDER BY 1"
        }
        DatabaseConfig::Postgres { .. } => {
            "SELECT indexname::text FROM pg_indexes WHERE tablename IN \
             ('xapi_statement_keys', 'xapi_statements') ORDER BY 1"
        }
    }
}

#[tokio::test]
async fn migration_0106_keeps_every_filter_key_and_answer() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store).await;
        for first in (0..600).step_by(200) {
            let batch = (first..first + 200).map(statement).collect();
            db.store
                .statements()
                .insert(scope, batch, Vec::new(), Vec::new(), Vec::new())
                .await
                .unwrap();
        }
        let before = answers(&db.store, scope).await;
        assert!(before.iter().all(|a| !a.is_empty()), "{kind}: {before:?}");
        assert_eq!(before[0].len(), 86, "{kind}: learner0 has every 7th of 600");
        let (store, config) = (db.store, db.config.clone());
        drop(store);

        let (old_sql, shape) = match config {
            DatabaseConfig::Sqlite { .. } => (SQLITE_0105, shape_query(&config)),
            DatabaseConfig::Postgres { .. } => (POSTGRES_0105, shape_query(&config)),
        };
        let old = raw(&config, Some(old_sql), shape).await;
        assert!(
            old.iter().any(|s| s == "xapi_statements_target"),
            "{kind}: back at 0105: {old:?}"
        );
        let reopened = Store::open(&config).await.unwrap();
        let now = raw(&config, None, shape).await;
        assert!(
            !now.iter()
                .any(|s| s == "xapi_statements_target" || s == "xapi_statement_keys_statement"),
            "{kind}: {now:?}"
        );
        match config {
            DatabaseConfig::Sqlite { .. } => assert!(
                now.iter().any(|s| s.contains("WITHOUT ROWID"))
                    && !now.iter().any(|s| s.contains("xapi_statement_keys_walk")),
                "{kind}: {now:?}"
            ),
            DatabaseConfig::Postgres { .. } => assert!(
                now.iter().any(|s| s == "xapi_statement_keys_walk")
                    && !now.iter().any(|s| s == "xapi_statement_keys_pkey"),
                "{kind}: {now:?}"
            ),
        }
        assert_eq!(answers(&reopened, scope).await, before, "{kind}");
    }
}
