//! SQLite backend: one file in WAL mode; a few readers; four writers, each queueing its writes
//! in-process: writer threads with `rusqlite` connections for the hot paths (run-time saves,
//! sql/sqlite_writer; statement batches, sql/sqlite_statement_writer.rs; xAPI document
//! writes, sql/sqlite_writer/single.rs) and one sqlx connection for everything else.
//!
//! SQLite allows one writer at a time; every writer begins `IMMEDIATE` and waits for the others
//! in the busy handler instead of failing with `SQLITE_BUSY`. Several processes on one SQLite
//! file are not supported: that is what the PostgreSQL backend is for.

use super::sqlite_turns::{SqliteTx, WriteTurns};
use crate::StoreError;
use sqlx::Sqlite;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "tenancy keys learners",
        include_str!("../../migrations/sqlite/0001_tenancy_keys_learners.sql"),
    ),
    (
        2,
        "courses registrations launches",
        include_str!("../../migrations/sqlite/0002_courses_registrations_launches.sql"),
    ),
    (
        3,
        "import jobs course assets",
        include_str!("../../migrations/sqlite/0003_import_jobs_course_assets.sql"),
    ),
    (
        4,
        "runtime",
        include_str!("../../migrations/sqlite/0004_runtime.sql"),
    ),
    (
        5,
        "outbox forwarding",
        include_str!("../../migrations/sqlite/0005_outbox_forwarding.sql"),
    ),
    (
        7,
        "xapi launch tokens",
        include_str!("../../migrations/sqlite/0007_xapi_launch_tokens.sql"),
    ),
    (
        8,
        "registration instances",
        include_str!("../../migrations/sqlite/0008_registration_instances.sql"),
    ),
    (
        9,
        "player branding",
        include_str!("../../migrations/sqlite/0009_player_branding.sql"),
    ),
    (
        10,
        "course player settings",
        include_str!("../../migrations/sqlite/0010_course_player_settings.sql"),
    ),
    (
        12,
        "transcript row per commit",
        include_str!("../../migrations/sqlite/0012_transcript_row_per_commit.sql"),
    ),
    (
        13,
        "outbox retention",
        include_str!("../../migrations/sqlite/0013_outbox_retention.sql"),
    ),
    (
        100,
        "xapi",
        include_str!("../../migrations/sqlite/0100_xapi.sql"),
    ),
    (
        101,
        "xapi performance",
        include_str!("../../migrations/sqlite/0101_xapi_performance.sql"),
    ),
    (
        102,
        "forwarding sealed passwords",
        include_str!("../../migrations/sqlite/0102_forwarding_sealed_passwords.sql"),
    ),
    (
        103,
        "outbox requeue",
        include_str!("../../migrations/sqlite/0103_outbox_requeue.sql"),
    ),
    (
        105,
        "xapi authority walk",
        include_str!("../../migrations/sqlite/0105_xapi_authority_walk.sql"),
    ),
    (
        106,
        "xapi compact keys",
        include_str!("../../migrations/sqlite/0106_xapi_compact_keys.sql"),
    ),
];

/// The SQLite implementation of every store trait.
#[derive(Debug)]
pub(crate) struct SqliteBackend {
    read: SqlitePool,
    write: SqlitePool,
    /// Run-time saves, written in batches by the writer thread (sql/sqlite_writer).
    commits: super::group_commit::GroupCommit,
    /// Statement writes, written in batches by their writer thread
    /// (sql/sqlite_statement_writer.rs).
    inserts: super::statement_commit::StatementCommit,
    /// One-statement writes (xAPI documents), written in batches by their writer thread
    /// (sql/sqlite_writer/single.rs).
    singles: super::sqlite_writer::single::SingleWrites,
    /// Read-only connections for one-statement reads run on the calling task
    /// (sql/sqlite_readers.rs).
    readers: super::sqlite_readers::Readers,
    /// Seals the secrets stored for calling out (set once by `open`).
    sealer: std::sync::OnceLock<crate::sealing::Sealer>,
    /// The writers' first-come, first-served queue (sql/sqlite_turns.rs), shared with the
    /// writer threads and the checkpointer.
    turns: WriteTurns,
    /// WAL checkpoints, off the writer's path (sql/checkpoint.rs).
    _checkpoints: super::checkpoint::Checkpointer,
}

/// Run-time saves per transaction at most (sql/group_commit.rs): SQLite has a single writer,
/// so one lane takes whatever queued while it wrote the previous batch.
const MAX_BATCH: usize = 256;

/// Statement writes per transaction at most (sql/statement_commit.rs): a batch of single
/// statements is a few dozen multi-row INSERTs; a few big POSTs stop it earlier.
const INSERT_BOUNDS: super::group_commit::Bounds = super::group_commit::Bounds {
    jobs: 256,
    weight: 2_000,
};

impl SqliteBackend {
    /// Opens (or creates) the database file and applies migrations.
    pub(crate) async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
        }
        // NORMAL is durable in WAL mode against a killed process; only a power loss can drop
        // the last transactions (those since the last checkpoint: sql/checkpoint.rs).
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // The writer never checkpoints: the checkpointer does, on a connection of its own.
        // Each multi-row INSERT's statement journal stays in memory instead of a temporary
        // file (docs/xapi.md "Performance", seeding rate). The page cache stays SQLite's
        // default 2 MB: each commit truncates the cache (`pager_end_transaction` ->
        // `pcache1Truncate`), which can scan its whole hash table, as large as the cache has
        // grown; with 64 MB that cost each small transaction (a run-time commit, a document
        // PUT) more than the cache saved (measured: docs/xapi.md, seeding rate); it only
        // paid for bulk seeding's 500-statement batches.
        let writer_options = options
            .clone()
            .pragma("wal_autocheckpoint", "0")
            .pragma("temp_store", "memory");
        // No liveness ping before a connection is handed out: a SQLite connection is a file in
        // this process, not a socket that can go away, and the ping is a round trip to the
        // connection's worker thread (two thread wake-ups) before every statement.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(writer_options)
            .await?;
        super::migrator(MIGRATIONS).run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true))
            .await?;
        let turns = WriteTurns::default();
        let (commits, lanes) = super::group_commit::GroupCommit::new();
        super::sqlite_writer::start(path, lanes, MAX_BATCH, turns.clone())?;
        let inserts = body::start_statement_writer(path, INSERT_BOUNDS, turns.clone())?;
        let singles = super::sqlite_writer::single::start(path, turns.clone())?;
        let checkpoints = super::checkpoint::start(options, write.clone(), turns.clone());
        let backend = Self {
            read,
            write,
            commits,
            inserts,
            singles,
            readers: super::sqlite_readers::Readers::new(path),
            turns,
            sealer: std::sync::OnceLock::new(),
            _checkpoints: checkpoints,
        };
        backend.load_sealer().await?;
        Ok(backend)
    }

    /// A connection for a read that is one statement: a reader in autocommit mode, where the
    /// statement is its own read transaction (`BEGIN` and `COMMIT` would be two more round
    /// trips to the connection's thread). The scope is enforced by the query alone.
    async fn read_one(
        &self,
        _scope: crate::Scope,
    ) -> Result<sqlx::pool::PoolConnection<Sqlite>, StoreError> {
        self.read.acquire().await.map_err(StoreError::unavailable)
    }

    /// [`Self::read_one`]; SQLite plans each statement once when it is prepared anyway.
    async fn read_one_generic(
        &self,
        scope: crate::Scope,
    ) -> Result<sqlx::pool::PoolConnection<Sqlite>, StoreError> {
        self.read_one(scope).await
    }

    /// Ends a [`Self::read_one`]: nothing to commit; the connection goes back to the pool.
    #[expect(clippy::unused_async, reason = "the PostgreSQL twin commits")]
    async fn end_read_one(
        _connection: sqlx::pool::PoolConnection<Sqlite>,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// A read transaction. The scope is enforced by the queries alone on SQLite.
    async fn read(&self, _scope: crate::Scope) -> Result<SqliteTx, StoreError> {
        self.begin_read().await
    }

    /// A read transaction on the read pool.
    async fn begin_read(&self) -> Result<SqliteTx, StoreError> {
        let tx = self.read.begin().await.map_err(StoreError::unavailable)?;
        Ok(SqliteTx::reading(tx))
    }

    /// A write transaction on the writer connection, in its turn (sql/sqlite_turns.rs).
    /// `IMMEDIATE`: another process may write the file too, and a transaction that read
    /// before it wrote would fail with `SQLITE_BUSY` if that one committed in between;
    /// taking the write lock first waits in the busy handler instead.
    async fn write(&self, _scope: crate::Scope) -> Result<SqliteTx, StoreError> {
        self.begin_write().await
    }

    /// `BEGIN IMMEDIATE` on the writer connection, in its turn (see [`Self::write`]).
    async fn begin_write(&self) -> Result<SqliteTx, StoreError> {
        let turn = self.turns.next_in_time().await?;
        let tx = self
            .write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::unavailable)?;
        Ok(SqliteTx::writing(tx, turn))
    }

    /// A write transaction before any scope is known (bootstrap, tenants).
    async fn unscoped_write(&self) -> Result<SqliteTx, StoreError> {
        self.begin_write().await
    }

    /// Sets the scope on a transaction: nothing to do on SQLite.
    async fn enter_scope(_tx: &mut SqliteTx, _scope: crate::Scope) -> Result<(), StoreError> {
        Ok(())
    }

    /// A read transaction allowed to see the key with this hash.
    async fn key_read(&self, _key_hash: &str) -> Result<SqliteTx, StoreError> {
        self.begin_read().await
    }

    /// A write transaction allowed to touch the key with this hash.
    async fn key_write(&self, _key_hash: &str) -> Result<SqliteTx, StoreError> {
        self.begin_write().await
    }

    /// A write transaction allowed to touch the launch token with this hash.
    async fn token_write(&self, _token_hash: &str) -> Result<SqliteTx, StoreError> {
        self.begin_write().await
    }

    /// A read transaction allowed to see the launch token or session secret with this hash
    /// (the read pool: finding a session must not queue behind the single writer).
    async fn token_read(&self, _token_hash: &str) -> Result<SqliteTx, StoreError> {
        self.begin_read().await
    }

    /// A read transaction needing no scope (health checks).
    async fn unscoped_read(&self) -> Result<SqliteTx, StoreError> {
        self.begin_read().await
    }

    fn kind_name(&self) -> &'static str {
        "sqlite"
    }

    /// `n` statements were stored: nothing to do (SQLite's planner needs no statistics here).
    fn statements_stored(&self, _n: usize) {}
}

/// The aggregates' shared implementation, compiled for SQLite.
mod body {
    use super::SqliteBackend as This;
    use sqlx::Sqlite as Db;
    /// A transaction, as the shared bodies hold one: a write holds its turn
    /// (sql/sqlite_turns.rs).
    type Tx = crate::sql::sqlite_turns::SqliteTx;
    /// The join that keeps its left side outer: SQLite's `CROSS JOIN` (the documented way to
    /// fix the loop order, "The SQLite Query Optimizer Overview"), so a page's few rows
    /// drive the primary-key reads of their statements.
    const XAPI_PAGE_JOIN: &str = "CROSS JOIN";
    /// Keeps a term from choosing the index (SQLite's unary `+`, "The SQLite Query Optimizer
    /// Overview", disqualifying terms), where Larch knows the better walk and SQLite cannot.
    const XAPI_NO_INDEX: &str = "+";
    /// How `StatementStore::query_plan` asks for a plan.
    const XAPI_EXPLAIN: &str = "EXPLAIN QUERY PLAN ";

    /// The transcripts of registrations just deleted: SQLite's foreign key has deleted them
    /// already (PostgreSQL's was dropped, migration 0109 there).
    #[expect(
        clippy::unused_async,
        reason = "the same signature as PostgreSQL's, which deletes them"
    )]
    async fn forget_transcripts(
        _tx: &mut Tx,
        _scope: Scope,
        _registrations: Vec<String>,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// `EXPLAIN QUERY PLAN` rows (`id`, `parent`, `detail`) as details indented by depth.
    fn xapi_plan_lines(rows: &[DbRow]) -> Result<Vec<String>, StoreError> {
        let mut depths = std::collections::HashMap::new();
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let (id, parent): (i64, i64) = (row.try_get("id")?, row.try_get("parent")?);
            let depth = depths.get(&parent).map_or(0, |d| d + 1);
            depths.insert(id, depth);
            let detail: String = row.try_get("detail")?;
            lines.push(format!("{}{detail}", "  ".repeat(depth)));
        }
        Ok(lines)
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
    include!("sqlite_statement_writer.rs");
    include!("sqlite_documents.rs");
    include!("body/outbox.rs");
    include!("body/outbox_lines.rs");
    include!("body/forwarding.rs");
    include!("body/xapi_tokens.rs");
}
