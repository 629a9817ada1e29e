//! The run-time transcript stored as one row per commit (src/transcript.rs, migration 0012),
//! on SQLite and PostgreSQL: pages of any size walk every change in order, starting and
//! ending inside commits, and migration 0012 turns the changes stored one per row before it
//! into entries that read back the same, under row-level security (the test databases'
//! tables are owned by an unprivileged role, as in production).

use larch_store::ids::{CourseId, RegistrationId};
use larch_store::testing::{self, TestDb, new_scope, register_ada, sample_course};
use larch_store::{
    DatabaseConfig, Environment, NewPlayerSession, OpenDelivery, PageRequest, Rollup, RuntimeSave,
    RuntimeWrite, Scope, SessionWrite, Store, TranscriptRow,
};
use sqlx::Connection as _;

/// Change `i` (of commit `commit`): some with an old value, some with warnings.
fn change(commit: i64, i: i64) -> TranscriptRow {
    TranscriptRow {
        runtime_session: commit / 4 + 1,
        activity: format!("sco-{}", commit % 2),
        element: format!("cmi.interactions.{i}.result"),
        old_value: (i % 3 == 0).then(|| format!("old \"{commit}.{i}\"")),
        new_value: format!("v{commit}.{i} é\n"),
        warnings: if i % 4 == 1 {
            "[{\"code\":\"truncated\",\"element\":\"x\"}]".into()
        } else {
            "[]".into()
        },
        at: 1_000_000 + commit * 10 + i,
    }
}

/// A launch (`expected` none) or a commit over revision `expected`, with `transcript`.
fn write(
    reg: &RegistrationId,
    expected: Option<i64>,
    transcript: Vec<TranscriptRow>,
) -> RuntimeWrite {
    let session = match expected {
        None => SessionWrite::Open(NewPlayerSession {
            id: "ps_t".into(),
            course_id: CourseId::parse("golf").unwrap(),
            secret_hash: "t".into(),
            user_agent: None,
            expires_at: i64::MAX / 2,
            step: "{}".into(),
            runtime_session: Some(1),
            strictness: "strict".into(),
            content_window: "frameset".into(),
        }),
        Some(_) => SessionWrite::Update {
            id: "ps_t".into(),
            step: None,
            runtime_session: OpenDelivery::Unchanged,
            ended: None,
        },
    };
    RuntimeWrite {
        registration: reg.clone(),
        instance: 0,
        course_version: 1,
        expected_revision: expected,
        state: "{}".into(),
        transcript,
        rollup: Rollup::default(),
        session,
        now: 2_000,
    }
}

async fn setup(store: &Store) -> (Scope, RegistrationId) {
    let scope = new_scope(store, "acme", Environment::Test).await;
    store
        .courses()
        .create_version(scope, sample_course("golf"))
        .await
        .unwrap();
    (scope, register_ada(store, scope, "reg-1", "golf").await)
}

/// Every change of the registration, read `limit` at a time; each page but the last full.
async fn read_all(
    store: &Store,
    scope: Scope,
    reg: &RegistrationId,
    limit: u32,
) -> Vec<TranscriptRow> {
    let (mut all, mut after) = (Vec::new(), None);
    loop {
        let page = store
            .runtime()
            .transcript(scope, reg, PageRequest { limit, after })
            .await
            .unwrap();
        let full = page.items.len() == limit as usize;
        all.extend(page.items);
        match page.next {
            Some(next) => {
                assert!(full, "a page before the last is full (limit {limit})");
                after = Some(next);
            }
            None => return all,
        }
    }
}

#[tokio::test]
async fn pages_of_any_size_walk_every_change_in_order() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store).await;
        let rt = store.runtime();
        rt.save(scope, write(&reg, None, Vec::new())).await.unwrap();
        let mut expected = Vec::new();
        // Commits of 1 to 5 changes, and one of none (it stores no row).
        for (revision, size) in (1..).zip([3, 1, 5, 0, 2, 4, 1, 5, 3]) {
            let rows: Vec<_> = (0..size).map(|i| change(revision, i)).collect();
            expected.extend(rows.clone());
            let saved = rt
                .save(scope, write(&reg, Some(revision), rows))
                .await
                .unwrap();
            assert_eq!(saved, RuntimeSave::Saved(revision + 1), "{}", store.kind());
        }
        for limit in [1, 2, 3, 5, 7, 24, 100] {
            let read = read_all(&store, scope, &reg, limit).await;
            assert_eq!(read, expected, "{} limit {limit}", store.kind());
        }
        // Another registration's changes are its own.
        let other = register_ada(&store, scope, "reg-2", "golf").await;
        assert!(read_all(&store, scope, &other, 10).await.is_empty());
    }
}

/// Before 0012 (as migrations 0004 left it): one row per change, with two stored changes.
fn old_transcript(kind: &str, scope: Scope) -> String {
    let (serial, rls) = match kind {
        "sqlite" => ("INTEGER PRIMARY KEY AUTOINCREMENT", ""),
        _ => (
            "BIGSERIAL PRIMARY KEY",
            "ALTER TABLE runtime_transcript ENABLE ROW LEVEL SECURITY;
             ALTER TABLE runtime_transcript FORCE ROW LEVEL SECURITY;
             CREATE POLICY scope_wall ON runtime_transcript
                 USING (larch_in_scope(tenant_id, app_id, env));",
        ),
    };
    let (t, a, e) = (scope.tenant.0, scope.app.0, scope.env.as_str());
    format!(
        "DROP TABLE runtime_commits;
         CREATE TABLE runtime_transcript (seq {serial}, tenant_id BIGINT NOT NULL,
             app_id BIGINT NOT NULL, env TEXT NOT NULL, registration_id TEXT NOT NULL,
             instance BIGINT NOT NULL, runtime_session BIGINT NOT NULL, activity TEXT NOT NULL,
             element TEXT NOT NULL, old_value TEXT, new_value TEXT NOT NULL,
             warnings TEXT NOT NULL, at BIGINT NOT NULL);
         INSERT INTO runtime_transcript (seq, tenant_id, app_id, env, registration_id, instance,
             runtime_session, activity, element, old_value, new_value, warnings, at) VALUES
             (7, {t}, {a}, '{e}', 'reg-1', 0, 1, 'sco-1', 'cmi.core.lesson_status', NULL,
              'incomplete', '[]', 1500),
             (9, {t}, {a}, '{e}', 'reg-1', 0, 1, 'sco-1', 'cmi.core.score.raw', '4\"2',
              '85', '[{{\"code\":\"clamped\"}}]', 1600);
         {rls}
         DELETE FROM _sqlx_migrations WHERE version = 12;"
    )
}

/// Runs `sql` on the database of `config`, as the store's own role.
async fn run_sql(config: &DatabaseConfig, sql: &str) {
    match config {
        DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
        DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
    }
}

#[tokio::test]
async fn migration_0012_keeps_the_changes_stored_one_per_row() {
    for db in testing::each().await {
        let kind = db.store.kind().to_string();
        let (scope, reg) = setup(&db.store).await;
        let (first, config) = (db.store, db.config.clone());
        drop(first);
        run_sql(&config, &old_transcript(&kind, scope)).await;
        let store = Store::open(&config).await.unwrap();
        let old = |element: &str, old: Option<&str>, new: &str, warnings: &str, at| TranscriptRow {
            runtime_session: 1,
            activity: "sco-1".into(),
            element: element.into(),
            old_value: old.map(Into::into),
            new_value: new.into(),
            warnings: warnings.into(),
            at,
        };
        let mut expected = vec![
            old("cmi.core.lesson_status", None, "incomplete", "[]", 1500),
            old(
                "cmi.core.score.raw",
                Some("4\"2"),
                "85",
                "[{\"code\":\"clamped\"}]",
                1600,
            ),
        ];
        assert_eq!(read_all(&store, scope, &reg, 1).await, expected, "{kind}");
        // New commits land after the migrated changes (the sequence carries on above them).
        let rt = store.runtime();
        rt.save(scope, write(&reg, None, Vec::new())).await.unwrap();
        let rows: Vec<_> = (0..3).map(|i| change(1, i)).collect();
        expected.extend(rows.clone());
        rt.save(scope, write(&reg, Some(1), rows)).await.unwrap();
        assert_eq!(read_all(&store, scope, &reg, 2).await, expected, "{kind}");
    }
}
