//! The background workers' polls that find nothing write nothing (sql/body/common.rs,
//! `worker_finds`): while another connection holds the write lock (SQLite's single write
//! lock; on PostgreSQL a lock that blocks every writer of the two tables), an idle import
//! claim, exhausted-job check and outbox claim each answer at once; a poll that finds a job
//! still claims it.

use larch_store::ids::{CourseId, ImportJobId};
use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{DatabaseConfig, Environment, ImportSource, NewImportJob};
use sqlx::Connection as _;
use std::time::Duration;

/// Longer than an idle poll takes, far shorter than a wait for the write lock (5 s).
const PROMPTLY: Duration = Duration::from_secs(2);

/// A connection of its own holding the write lock until dropped.
enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

async fn hold_write_lock(config: &DatabaseConfig) -> WriteLock {
    match config {
        DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Sqlite(conn)
        }
        DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            // EXCLUSIVE conflicts with every UPDATE, never with a plain SELECT.
            sqlx::raw_sql("BEGIN; LOCK TABLE import_jobs, outbox_messages IN EXCLUSIVE MODE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Postgres(conn)
        }
    }
}

async fn release(lock: WriteLock) {
    match lock {
        WriteLock::Sqlite(mut conn) => {
            sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        }
        WriteLock::Postgres(mut conn) => {
            sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        }
    }
}

async fn promptly<T>(what: &str, kind: &str, call: impl Future<Output = T>) -> T {
    tokio::time::timeout(PROMPTLY, call)
        .await
        .unwrap_or_else(|_| panic!("{kind}: an idle {what} waited for the write lock"))
}

#[tokio::test]
async fn idle_polls_take_no_write_lock_and_a_poll_that_finds_work_claims_it() {
    for TestDb { store, config, .. } in testing::each().await {
        let kind = store.kind();
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let lock = hold_write_lock(&config).await;
        let claimed = promptly("import claim", kind, store.imports().claim("w", 60, 3)).await;
        assert!(claimed.unwrap().is_none(), "{kind}");
        let ended = promptly("exhausted check", kind, store.imports().fail_exhausted(3)).await;
        assert!(ended.unwrap().is_empty(), "{kind}");
        let message = promptly(
            "outbox claim",
            kind,
            store.outbox().claim(&["webhook"], "w", 60_000),
        )
        .await;
        assert!(message.unwrap().is_none(), "{kind}");
        release(lock).await;
        let job = NewImportJob {
            id: ImportJobId::generate(),
            course_id: CourseId::parse("golf").unwrap(),
            source: ImportSource::Url("https://example.com/p.zip".into()),
            file_name: "p.zip".into(),
        };
        let created = store.imports().create(scope, job).await.unwrap();
        let claimed = store.imports().claim("w", 60, 3).await.unwrap();
        assert_eq!(claimed.map(|c| c.job.id), Some(created.id), "{kind}");
    }
}
