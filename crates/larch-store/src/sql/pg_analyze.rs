//! Planner statistics and visibility maps for the LRS and run-time tables when PostgreSQL's
//! autovacuum is off.
//!
//! Without statistics the planner takes every scope for one row (0.5 % selectivity per
//! scope column) and joins the statement walk to whole-table scans: a keyed GET that takes
//! 0.3 ms with statistics took seconds at ten thousand statements. The run-time saves'
//! lookups by player session id and registration id went through the scope's index instead
//! of the unique one, reading every session of the scope: at 512 sessions a save read ~1,000
//! rows where it needs two. Autovacuum keeps statistics fresh; where it is off, each process
//! analyzes the tables itself each time what it wrote there doubles (statements: 1,000,
//! 2,000, 4,000, …; run-time saves: 100, 200, …), so the statistics are never off by more
//! than a factor of two, at a cost amortized to nothing.
//!
//! The LRS tables are vacuumed as well, as autovacuum vacuums insert-only tables (PostgreSQL
//! 13+, `autovacuum_vacuum_insert_threshold`): that is what marks their pages all-visible.
//! Without it an index-only scan checks the heap for every row it returns: a GET by agent
//! walks `xapi_statement_keys_walk` index-only and then read a heap page of the keys per row
//! (`Heap Fetches: 11` for a page of ten); after a vacuum only rows stored since the last one
//! are checked (docs/xapi.md "Scale"). A vacuum after a doubling reads only the pages
//! written since the last one (the visibility map skips the rest), and with no dead rows to
//! remove it skips the indexes.

use sqlx::postgres::PgPool;
use std::sync::Mutex;

/// Statements stored by this process before the first ANALYZE.
const FIRST: u64 = 1_000;

/// Run-time saves written by this process before the first ANALYZE of the run-time tables
/// (sessions are launched by saves, so their tables have grown by as many rows at most).
const FIRST_SAVES: u64 = 100;

/// When to analyze next; `None` when autovacuum does the work.
#[derive(Debug)]
pub(crate) struct AnalyzeSchedule {
    /// (statements stored so far, the count at which to analyze next).
    counts: Mutex<(u64, u64)>,
    /// The same for run-time saves.
    saves: Mutex<(u64, u64)>,
}

impl AnalyzeSchedule {
    /// A schedule if autovacuum is off on this server, else `None`.
    pub(crate) async fn if_needed(pool: &PgPool) -> Result<Option<Self>, sqlx::Error> {
        let autovacuum: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
            .fetch_one(pool)
            .await?;
        if autovacuum == "on" {
            return Ok(None);
        }
        tracing::warn!(
            "PostgreSQL autovacuum is off: Larch vacuums and analyzes its LRS tables, and analyzes \
             its run-time tables, as they grow, other tables never; turn autovacuum on \
             (docs/configuration.md)"
        );
        Ok(Some(Self {
            counts: Mutex::new((0, FIRST)),
            saves: Mutex::new((0, FIRST_SAVES)),
        }))
    }

    /// A schedule whatever the server's autovacuum (for tests).
    #[cfg(test)]
    fn always() -> Self {
        Self {
            counts: Mutex::new((0, FIRST)),
            saves: Mutex::new((0, FIRST_SAVES)),
        }
    }

    /// Counts `n` statements stored; past the threshold, vacuums and analyzes in the
    /// background (a failure is logged: this is an optimisation).
    pub(crate) fn stored(&self, pool: &PgPool, n: usize) {
        if due(&self.counts, n) {
            maintain(
                pool,
                "VACUUM (ANALYZE) xapi_statements, xapi_statement_keys",
            );
        }
    }

    /// Counts `n` run-time saves written; past the threshold, analyzes the tables a save
    /// reads and writes, in the background. Analyzes only: no run-time read is an index-only
    /// scan, the updates are HOT (migration 0011), pruned on their pages as they go, and a
    /// vacuum of the transcript as it doubles cost the backends 10–30 % more CPU per commit
    /// in `larch bench runtime` (docs/runtime.md "Performance").
    pub(crate) fn saved(&self, pool: &PgPool, n: usize) {
        if due(&self.saves, n) {
            let sql = "ANALYZE registrations, player_sessions, runtime_states, runtime_commits";
            maintain(pool, sql);
        }
    }
}

/// Adds `n` to `counts` (so far, next); true when that reached the next threshold, which
/// doubles.
fn due(counts: &Mutex<(u64, u64)>, n: usize) -> bool {
    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
    counts.0 += u64::try_from(n).unwrap_or(u64::MAX);
    let due = counts.0 >= counts.1;
    if due {
        counts.1 = counts.0.saturating_mul(2);
    }
    due
}

/// Runs `sql` (a VACUUM or an ANALYZE) on its own task; a failure is logged. Sent as a simple
/// query: a VACUUM cannot run inside a transaction block, nor in a pipeline of prepared
/// statements.
fn maintain(pool: &PgPool, sql: &'static str) {
    let pool = pool.clone();
    tokio::spawn(async move {
        if let Err(e) = sqlx::raw_sql(sql).execute(&pool).await {
            tracing::warn!(error = %e, sql, "table maintenance failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewStatement;

    #[test]
    fn each_threshold_is_twice_the_count_that_reached_the_last() {
        let counts = Mutex::new((0, FIRST));
        assert!(!due(&counts, 999));
        assert!(due(&counts, 1));
        assert_eq!(*counts.lock().unwrap(), (1_000, 2_000));
        assert!(!due(&counts, 999));
        assert!(due(&counts, 1_500));
        assert_eq!(*counts.lock().unwrap(), (3_499, 6_998));
    }

    fn statement(i: usize) -> NewStatement {
        let agent = format!("mbox:mailto:learner{}@example.com", i % 7);
        NewStatement {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            stored_nanos: 1_700_000_000_000_000_000 + i64::try_from(i).unwrap(),
            verb: "http://adlnet.gov/expapi/verbs/answered".into(),
            activity: Some("http://example.com/q".into()),
            registration: None,
            voids: None,
            target: None,
            authority: None,
            agents: vec![agent.clone()],
            related_agents: vec![agent],
            related_activities: Vec::new(),
            body: "{}".into(),
        }
    }

    /// (pages all-visible, vacuums, analyzes) of `table`.
    async fn maintenance(pool: &PgPool, table: &str) -> (i32, i64, i64) {
        sqlx::query_as(
            "SELECT c.relallvisible, t.vacuum_count, t.analyze_count FROM pg_class c \
             JOIN pg_stat_user_tables t ON t.relid = c.oid WHERE c.relname = $1",
        )
        .bind(table)
        .fetch_one(pool)
        .await
        .unwrap()
    }

    /// The point of the vacuum: a GET by agent walks the keys index-only, and only pages
    /// marked all-visible spare it a heap read per row.
    #[tokio::test]
    async fn a_doubling_of_stored_statements_vacuums_and_analyzes_their_tables() {
        let db = crate::testing::postgres().await;
        let scope = crate::testing::new_scope(&db.store, "acme", crate::Environment::Test).await;
        // Fewer than the store's own first threshold, should autovacuum be off here too.
        let batch = (0..300).map(statement).collect();
        let statements = db.store.statements();
        statements
            .insert(scope, batch, vec![], vec![], vec![])
            .await
            .unwrap();
        let crate::DatabaseConfig::Postgres { url, .. } = &db.config else {
            panic!("a PostgreSQL test database");
        };
        let pool = PgPool::connect(url).await.unwrap();
        let tables = ["xapi_statements", "xapi_statement_keys"];
        for table in tables {
            assert_eq!(maintenance(&pool, table).await, (0, 0, 0), "{table} before");
        }
        AnalyzeSchedule::always().stored(&pool, 1_000);
        for table in tables {
            let mut seen = maintenance(&pool, table).await;
            for _ in 0..100 {
                if seen.0 > 0 && seen.1 > 0 && seen.2 > 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                seen = maintenance(&pool, table).await;
            }
            assert!(
                seen.0 > 0 && seen.1 == 1 && seen.2 == 1,
                "{table} after: {seen:?}"
            );
        }
    }
}
