//! PostgreSQL backend: a connection pool, the scope set on every transaction for row-level
//! security, and migrations under an advisory lock so several nodes can start together.

use crate::{Scope, StoreError};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "tenancy keys learners",
        include_str!("../../migrations/postgres/0001_tenancy_keys_learners.sql"),
    ),
    (
        2,
        "courses registrations launches",
        include_str!("../../migrations/postgres/0002_courses_registrations_launches.sql"),
    ),
    (
        3,
        "import jobs course assets",
        include_str!("../../migrations/postgres/0003_import_jobs_course_assets.sql"),
    ),
    (
        4,
        "runtime",
        include_str!("../../migrations/postgres/0004_runtime.sql"),
    ),
    (
        5,
        "outbox forwarding",
        include_str!("../../migrations/postgres/0005_outbox_forwarding.sql"),
    ),
    (
        7,
        "xapi launch tokens",
        include_str!("../../migrations/postgres/0007_xapi_launch_tokens.sql"),
    ),
    (
        8,
        "registration instances",
        include_str!("../../migrations/postgres/0008_registration_instances.sql"),
    ),
    (
        9,
        "player branding",
        include_str!("../../migrations/postgres/0009_player_branding.sql"),
    ),
    (
        10,
        "course player settings",
        include_str!("../../migrations/postgres/0010_course_player_settings.sql"),
    ),
    (
        11,
        "runtime hot updates",
        include_str!("../../migrations/postgres/0011_runtime_hot_updates.sql"),
    ),
    (
        12,
        "transcript row per commit",
        include_str!("../../migrations/postgres/0012_transcript_row_per_commit.sql"),
    ),
    (
        13,
        "outbox retention",
        include_str!("../../migrations/postgres/0013_outbox_retention.sql"),
    ),
    (
        100,
        "xapi",
        include_str!("../../migrations/postgres/0100_xapi.sql"),
    ),
    (
        101,
        "xapi performance",
        include_str!("../../migrations/postgres/0101_xapi_performance.sql"),
    ),
    (
        102,
        "forwarding sealed passwords",
        include_str!("../../migrations/postgres/0102_forwarding_sealed_passwords.sql"),
    ),
    (
        103,
        "outbox requeue",
        include_str!("../../migrations/postgres/0103_outbox_requeue.sql"),
    ),
    (
        105,
        "xapi authority walk",
        include_str!("../../migrations/postgres/0105_xapi_authority_walk.sql"),
    ),
    (
        106,
        "xapi compact keys",
        include_str!("../../migrations/postgres/0106_xapi_compact_keys.sql"),
    ),
    (
        107,
        "xapi keys no foreign key",
        include_str!("../../migrations/postgres/0107_xapi_keys_no_foreign_key.sql"),
    ),
    (
        108,
        "runtime save guard",
        include_str!("../../migrations/postgres/0108_runtime_save_guard.sql"),
    ),
    (
        109,
        "runtime commits one index",
        include_str!("../../migrations/postgres/0109_runtime_commits_one_index.sql"),
    ),
    (
        110,
        "xapi rows no tenant keys",
        include_str!("../../migrations/postgres/0110_xapi_rows_no_tenant_keys.sql"),
    ),
];

/// Group-commit lanes at most (sql/group_commit.rs). Two, not four, since a batch's commits
/// go in one statement that locks nothing first (pg_runtime_batch.rs): fewer lanes make
/// bigger batches, and two still overlap one batch's WAL flush with the next batch's
/// statement (docs/runtime.md "Performance": 1, 2 and 4 lanes measured).
const LANES: usize = 2;

/// Statement-write lanes at most: fewer than for run-time saves. A statement batch is one
/// statement between `BEGIN` and `COMMIT` (sql/pg_statement_rows.rs), so fewer lanes make
/// bigger batches that share one `COMMIT`; two still overlap one batch's fsync with the next
/// batch's statement (docs/xapi.md "Performance": 1, 2 and 4 lanes measured).
const STATEMENT_LANES: usize = 2;

/// Run-time saves per transaction at most: bounds how long a batch holds its rows' locks and
/// its callers' answers (sql/pg_runtime_save.rs; no savepoints, so no subtransaction bound).
const MAX_BATCH: usize = 64;

/// Statement writes per transaction at most (sql/statement_commit.rs). A combined write has
/// no savepoints, so no subtransaction bound; the bound keeps a batch's row locks short.
const INSERT_BOUNDS: super::group_commit::Bounds = super::group_commit::Bounds {
    jobs: 256,
    weight: 2_000,
};

/// The PostgreSQL implementation of every store trait.
#[derive(Debug)]
pub(crate) struct PgBackend {
    pool: PgPool,
    /// Beside the pool: connections for one-statement reads and writes, each kept in a
    /// scope (sql/pg_scoped.rs).
    scoped: std::sync::Arc<super::pg_scoped::ScopedConns>,
    /// Run-time saves, written in batches by a few lanes.
    commits: super::group_commit::GroupCommit,
    /// Statement writes, written in batches by a few lanes.
    inserts: super::statement_commit::StatementCommit,
    /// Blind xAPI document PUTs, written in batches by one lane (pg_document_puts.rs).
    puts: body::DocumentPuts,
    /// Set when autovacuum is off: when to vacuum and analyze the LRS tables, and analyze the
    /// run-time tables.
    analyze: Option<std::sync::Arc<super::pg_analyze::AnalyzeSchedule>>,
    /// Seals the secrets stored for calling out (set once by `open`).
    sealer: std::sync::OnceLock<crate::sealing::Sealer>,
}

impl PgBackend {
    /// Connects and applies migrations.
    pub(crate) async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        // Beside the pool, as many connections again serve one-statement requests
        // (sql/pg_scoped.rs; docs/configuration.md): a write holds one through its WAL
        // flush, so fewer would queue concurrent requests the pool alone served at once.
        let scoped_size = max_connections.max(1);
        let options = super::pg_connect::connect_options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.clone())
            .await?;
        let scoped = super::pg_scoped::ScopedConns::new(options, scoped_size as usize);
        super::migrator(MIGRATIONS).run(&pool).await?;
        let analyze = super::pg_analyze::AnalyzeSchedule::if_needed(&pool)
            .await?
            .map(std::sync::Arc::new);
        // A few lanes, so one batch's fsync overlaps the next batch's statements; at most half
        // the pool, so other requests always find a connection.
        let lanes = usize::try_from(max_connections / 2)
            .unwrap_or(1)
            .clamp(1, LANES);
        let commits = body::start_group_commit(&pool, lanes, MAX_BATCH, analyze.as_ref());
        let statement_lanes = lanes.min(STATEMENT_LANES);
        let inserts = body::start_statement_commit(&pool, statement_lanes, INSERT_BOUNDS);
        // One lane: it takes whatever queued while it wrote the previous batch.
        let puts = body::start_document_puts(&pool, 1);
        let backend = Self {
            pool,
            scoped,
            commits,
            inserts,
            puts,
            analyze,
            sealer: std::sync::OnceLock::new(),
        };
        backend.load_sealer().await?;
        Ok(backend)
    }

    async fn read(&self, scope: Scope) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.write(scope).await
    }

    /// A connection for a read that is one statement, its session in `scope`: the statement
    /// runs alone, in one round trip (sql/pg_scoped.rs).
    async fn read_one(&self, scope: Scope) -> Result<super::pg_scoped::ScopedConn, StoreError> {
        self.scoped.acquire(scope).await
    }

    /// [`Self::read_one`] for a statement with one good plan whatever its values (a key
    /// walk to a literal `LIMIT`): planned once per connection (sql/pg_scoped.rs, `Plans`).
    async fn read_one_generic(
        &self,
        scope: Scope,
    ) -> Result<super::pg_scoped::ScopedConn, StoreError> {
        self.scoped
            .acquire_planned(scope, super::pg_scoped::Plans::Generic)
            .await
    }

    /// Ends a [`Self::read_one`]: the connection goes back, still in its scope.
    #[expect(clippy::unused_async, reason = "the SQLite twin's signature")]
    async fn end_read_one(conn: super::pg_scoped::ScopedConn) -> Result<(), StoreError> {
        conn.finish();
        Ok(())
    }

    /// A connection for a write that is one statement: the statement is its own transaction,
    /// committed (and flushed) before PostgreSQL answers it (sql/pg_scoped.rs).
    async fn write_one(&self, scope: Scope) -> Result<super::pg_scoped::ScopedConn, StoreError> {
        self.scoped.acquire(scope).await
    }

    /// Ends a [`Self::write_one`]: the statement committed itself.
    #[expect(clippy::unused_async, reason = "the SQLite twin's signature")]
    async fn end_write_one(conn: super::pg_scoped::ScopedConn) -> Result<(), StoreError> {
        conn.finish();
        Ok(())
    }

    /// A transaction in `scope`: `BEGIN` and the scope's settings go in one round trip (the
    /// values are integers and a fixed environment name, so they are inlined as literals).
    async fn write(&self, scope: Scope) -> Result<Transaction<'static, Postgres>, StoreError> {
        Self::begin_scoped(&self.pool, scope).await
    }

    /// A transaction in `scope` on `pool`.
    async fn begin_scoped(
        pool: &PgPool,
        scope: Scope,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        pool.begin_with(format!("BEGIN; {}", scope_settings(scope)))
            .await
            .map_err(StoreError::unavailable)
    }

    async fn unscoped_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(StoreError::unavailable)
    }

    /// Sets the row-level-security scope for the rest of the transaction (`is_local = true`, so
    /// it cannot leak to the next user of the pooled connection).
    async fn enter_scope(
        tx: &mut Transaction<'_, Postgres>,
        scope: Scope,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "SELECT set_config('larch.tenant_id', $1, true), set_config('larch.app_id', $2, true), \
             set_config('larch.env', $3, true)",
        )
        .bind(scope.tenant.0.to_string())
        .bind(scope.app.0.to_string())
        .bind(scope.env.as_str())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn key_read(&self, key_hash: &str) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.key_write(key_hash).await
    }

    async fn key_write(
        &self,
        key_hash: &str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.with_secret("larch.key_hash", key_hash).await
    }

    /// A write transaction allowed to touch the launch token with this hash.
    async fn token_write(
        &self,
        token_hash: &str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.with_secret("larch.token_hash", token_hash).await
    }

    /// A read transaction allowed to see the launch token or session secret with this hash.
    async fn token_read(
        &self,
        token_hash: &str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.token_write(token_hash).await
    }

    /// A transaction in which rows carrying this secret's hash are visible (row-level security
    /// lets a credential find its own row before the scope is known).
    async fn with_secret(
        &self,
        setting: &'static str,
        hash: &str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::unavailable)?;
        sqlx::query("SELECT set_config($1, $2, true)")
            .bind(setting)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn unscoped_read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(StoreError::unavailable)
    }

    fn kind_name(&self) -> &'static str {
        "postgres"
    }

    /// `n` statements were stored (keeps planner statistics when autovacuum is off).
    fn statements_stored(&self, n: usize) {
        if let Some(schedule) = &self.analyze {
            schedule.stored(&self.pool, n);
        }
    }
}

/// The statement that sets `scope` for the rest of the transaction. The values are integers
/// and a fixed environment name, so they are inlined as literals (one round trip with what
/// precedes it).
fn scope_settings(scope: Scope) -> String {
    format!(
        "SELECT set_config('larch.tenant_id', '{}', true), \
         set_config('larch.app_id', '{}', true), set_config('larch.env', '{}', true)",
        scope.tenant.0,
        scope.app.0,
        scope.env.as_str()
    )
}

/// The aggregates' shared implementation, compiled for PostgreSQL.
mod body {
    use super::PgBackend as This;
    use sqlx::Postgres as Db;
    /// A transaction, as the shared bodies hold one.
    type Tx = sqlx::Transaction<'static, Db>;
    /// Rows per multi-row INSERT of a statement batch: one round trip for a whole batch;
    /// at most 12 parameters a row stays far below the 65,535 bound parameters.
    const XAPI_ROWS_PER_INSERT: usize = 500;
    /// The join of a page's rows to their statements (PostgreSQL has no `CROSS JOIN … ON`; its
    /// planner, with statistics, reads the few rows first).
    const XAPI_PAGE_JOIN: &str = "JOIN";
    /// PostgreSQL picks indexes from its statistics: no term is held back.
    const XAPI_NO_INDEX: &str = "";
    /// How `StatementStore::query_plan` asks for a plan (estimates only: no `ANALYZE`).
    const XAPI_EXPLAIN: &str = "EXPLAIN ";

    /// `EXPLAIN` rows: one line of the plan each.
    fn xapi_plan_lines(rows: &[DbRow]) -> Result<Vec<String>, StoreError> {
        rows.iter()
            .map(|row| Ok(row.try_get("QUERY PLAN")?))
            .collect()
    }

    /// Deletes the transcripts of `registrations`, just deleted in `tx`: on PostgreSQL the
    /// transcript has no foreign key to cascade (migration 0109).
    async fn forget_transcripts(
        tx: &mut Tx,
        scope: Scope,
        registrations: Vec<String>,
    ) -> Result<(), StoreError> {
        scoped(
            "DELETE FROM runtime_commits WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND registration_id = ANY($4)",
            scope,
        )
        .bind(registrations)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
    include!("body/common.rs");
    include!("body/tenants.rs");
    include!("body/api_keys.rs");
    include!("body/learners.rs");
    include!("body/courses.rs");
    include!("body/imports.rs");
    include!("body/registrations.rs");
    include!("body/launches.rs");
    include!("body/idempotency.rs");
    include!("body/runtime.rs");
    include!("body/branding.rs");
    include!("body/xapi_credentials.rs");
    include!("body/xapi_query.rs");
    include!("body/xapi_insert.rs");
    include!("body/xapi_statements.rs");
    include!("body/xapi_commit.rs");
    include!("pg_statement_rows.rs");
    include!("pg_statement_commit.rs");
    include!("pg_statement_fast.rs");
    include!("pg_documents.rs");
    include!("body/outbox.rs");
    include!("body/outbox_lines.rs");
    include!("body/forwarding.rs");
    include!("body/xapi_tokens.rs");
    include!("pg_runtime_save_sql.rs");
    include!("pg_runtime_batch.rs");
    include!("pg_runtime_lane.rs");
    include!("pg_document_puts.rs");
    // Last: it ends with its tests module (clippy: no items after a test module).
    include!("pg_runtime_save.rs");
    include!("pg_runtime_batch_tests.rs");
}
