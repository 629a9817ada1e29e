//! Planner statistics for the LRS and run-time tables when PostgreSQL's autovacuum is off.
//!
//! Without statistics the planner takes every scope for one row (0.5 % selectivity per
//! scope column) and joins the statement walk to whole-table scans: a keyed GET that takes
//! 0.3 ms with statistics took seconds at ten thousand statements. The run-time saves'
//! lookups by player session id and registration id went through the scope's index instead
//! of the unique one, reading every session of the scope: at 512 sessions a save read ~1,000
//! rows where it needs two. Autovacuum keeps statistics fresh; where it is off, each process
//! analyzes the tables itself each time what it wrote there doubles (statements: 1,000,
//! 2,000, 4,000, …; run-time saves: 100, 200, …), so they are never off by more than a factor
//! of two, at a cost amortized to nothing.

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
            "PostgreSQL autovacuum is off: Larch analyzes its LRS and run-time tables itself \
             as they grow, other tables are never analyzed; turn autovacuum on (docs/configuration.md)"
        );
        Ok(Some(Self {
            counts: Mutex::new((0, FIRST)),
            saves: Mutex::new((0, FIRST_SAVES)),
        }))
    }

    /// Counts `n` statements stored; past the threshold, analyzes in the background (a
    /// failure is logged: statistics are an optimisation).
    pub(crate) fn stored(&self, pool: &PgPool, n: usize) {
        if due(&self.counts, n) {
            analyze(pool, "ANALYZE xapi_statements, xapi_statement_keys");
        }
    }

    /// Counts `n` run-time saves written; past the threshold, analyzes the tables a save
    /// reads and writes, in the background.
    pub(crate) fn saved(&self, pool: &PgPool, n: usize) {
        if due(&self.saves, n) {
            let sql = "ANALYZE registrations, player_sessions, runtime_states, runtime_commits";
            analyze(pool, sql);
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

/// Runs `sql` (an ANALYZE) on its own task; a failure is logged.
fn analyze(pool: &PgPool, sql: &'static str) {
    let pool = pool.clone();
    tokio::spawn(async move {
        if let Err(e) = sqlx::query(sql).execute(&pool).await {
            tracing::warn!(error = %e, sql, "ANALYZE failed");
        }
    });
}
