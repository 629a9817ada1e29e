//! The rows of a statement write (sql/sqlite_statement_rows.rs, sql/pg_statement_rows.rs), on
//! SQLite and PostgreSQL: a key repeated in a statement's lists is stored once, the Agents
//! seen are recorded once, and migration 0107 (PostgreSQL's key rows without a foreign key)
//! over a database that already holds statements keeps every answer.

use larch_store::testing::{self, new_scope};
use larch_store::{AgentRow, DatabaseConfig, Environment, NewStatement, StatementQuery, Store};
use sqlx::Connection as _;

const LEARNER: &str = "mbox:mailto:learner@example.com";
const TEACHER: &str = "mbox:mailto:teacher@example.com";
const COURSE: &str = "http://example.com/course";

/// Statement `i`: the learner's, with the learner and the course repeated in its key lists
/// (the actor is also in the context, the Object Activity also a grouping).
fn statement(i: i64) -> NewStatement {
    NewStatement {
        id: format!("00000000-0000-4000-8000-{i:012}"),
        stored_nanos: 1_700_000_000_000_000_000 + i,
        verb: "http://adlnet.gov/expapi/verbs/answered".into(),
        activity: Some(COURSE.into()),
        registration: None,
        voids: None,
        target: None,
        authority: None,
        agents: vec![LEARNER.into(), LEARNER.into()],
        related_agents: vec![LEARNER.into(), TEACHER.into(), LEARNER.into()],
        related_activities: vec![COURSE.into(), COURSE.into()],
        body: format!("{{\"n\":{i}}}"),
    }
}

fn agent_row(ifi: &str) -> AgentRow {
    AgentRow {
        ifi_key: ifi.into(),
        agent: format!("{{\"mbox\":\"{}\"}}", &ifi[5..]),
    }
}

/// The sequence numbers of the statements `query` finds.
async fn found(store: &Store, scope: larch_store::Scope, query: StatementQuery) -> Vec<i64> {
    let rows = store.statements().query(scope, &query).await.unwrap();
    rows.into_iter().map(|r| r.seq).collect()
}

fn by(agent: &str, related: bool) -> StatementQuery {
    StatementQuery {
        agent: Some(agent.into()),
        related_agents: related,
        limit: 100,
        ..StatementQuery::default()
    }
}

#[tokio::test]
async fn repeated_keys_and_agents_are_stored_once() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store, "t", Environment::Test).await;
        let agents = vec![agent_row(LEARNER), agent_row(TEACHER), agent_row(LEARNER)];
        let statements = (0..3).map(statement).collect();
        let store = db.store.statements();
        store
            .insert(scope, statements, Vec::new(), Vec::new(), agents)
            .await
            .unwrap();
        let learner = found(&db.store, scope, by(LEARNER, false)).await;
        assert_eq!(learner.len(), 3, "{kind}: {learner:?}");
        let related = found(&db.store, scope, by(LEARNER, true)).await;
        assert_eq!(related, learner, "{kind}");
        assert_eq!(found(&db.store, scope, by(TEACHER, true)).await.len(), 3);
        assert_eq!(
            store.agents(scope, LEARNER).await.unwrap().len(),
            1,
            "{kind}"
        );
        assert_eq!(
            store.agents(scope, TEACHER).await.unwrap().len(),
            1,
            "{kind}"
        );
    }
}

/// The foreign keys of the key table, as text.
async fn key_constraints(config: &DatabaseConfig, restore: Option<&str>) -> Vec<String> {
    match config {
        DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(
                "SELECT \"table\" FROM pragma_foreign_key_list('xapi_statement_keys')",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap()
        }
        DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            if let Some(sql) = restore {
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
            sqlx::query_scalar(
                "SELECT conname::text FROM pg_constraint \
                 WHERE conrelid = 'xapi_statement_keys'::regclass AND contype = 'f'",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap()
        }
    }
}

/// The constraint 0107 drops, back as 0106 left it, and 0107 marked not applied.
const POSTGRES_0106: &str = "
ALTER TABLE xapi_statement_keys ADD CONSTRAINT xapi_statement_keys_statement_seq_fkey
    FOREIGN KEY (statement_seq) REFERENCES xapi_statements (seq) ON DELETE CASCADE;
DELETE FROM _sqlx_migrations WHERE version = 107;
";

#[tokio::test]
async fn migration_0107_drops_the_key_rows_foreign_key_and_keeps_every_answer() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store, "t", Environment::Test).await;
        let first = (0..50).map(statement).collect();
        let statements = db.store.statements();
        statements
            .insert(scope, first, Vec::new(), Vec::new(), Vec::new())
            .await
            .unwrap();
        let before = found(&db.store, scope, by(TEACHER, true)).await;
        assert_eq!(before.len(), 50, "{kind}");
        let (store, config) = (db.store, db.config.clone());
        drop(store);
        let old = key_constraints(&config, Some(POSTGRES_0106)).await;
        let reopened = Store::open(&config).await.unwrap();
        let now = key_constraints(&config, None).await;
        match config {
            // SQLite keeps its constraint (migrations/postgres/0107 says why).
            DatabaseConfig::Sqlite { .. } => assert_eq!(now, ["xapi_statements"], "{kind}"),
            DatabaseConfig::Postgres { .. } => {
                assert_eq!(old, ["xapi_statement_keys_statement_seq_fkey"], "{kind}");
                assert!(now.is_empty(), "{kind}: {now:?}");
            }
        }
        assert_eq!(
            found(&reopened, scope, by(TEACHER, true)).await,
            before,
            "{kind}"
        );
        let more = (50..60).map(statement).collect();
        reopened
            .statements()
            .insert(scope, more, Vec::new(), Vec::new(), Vec::new())
            .await
            .unwrap();
        assert_eq!(
            found(&reopened, scope, by(LEARNER, false)).await.len(),
            60,
            "{kind}"
        );
    }
}
