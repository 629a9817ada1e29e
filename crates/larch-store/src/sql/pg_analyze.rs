//! Planner statistics for the LRS tables when PostgreSQL's autovacuum is off.
//!
//! Without statistics the planner takes every scope for one row (0.5 % selectivity per
//! scope column) and joins the statement walk to whole-table scans: a keyed GET that takes
//! 0.3 ms with statistics took seconds at ten thousand statements. Autovacuum keeps them
//! fresh; where it is off, each process analyzes the LRS tables itself each time the
//! statements it stored double (1,000, 2,000, 4,000, …), so they are never off by more than
//! a factor of two, at a cost amortized to nothing.

use sqlx::postgres::PgPool;
use std::sync::Mutex;

/// Statements stored by this process before the first ANALYZE.
const FIRST: u64 = 1_000;

/// When to analyze next; `None` when autovacuum does the work.
#[derive(Debug)]
pub(crate) struct AnalyzeSchedule {
    /// (statements stored so far, the count at which to analyze next).
    counts: Mutex<(u64, u64)>,
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
            "PostgreSQL autovacuum is off: Larch analyzes its LRS tables itself as they grow, \
             other tables are never analyzed; turn autovacuum on (docs/configuration.md)"
        );
        Ok(Some(Self {
            counts: Mutex::new((0, FIRST)),
        }))
    }

    /// Counts `n` statements stored; past the threshold, analyzes in the background (a
    /// failure is logged: statistics are an optimisation).
    pub(crate) fn stored(&self, pool: &PgPool, n: usize) {
        let due = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts.0 += u64::try_from(n).unwrap_or(u64::MAX);
            let due = counts.0 >= counts.1;
            if due {
                counts.1 = counts.0.saturating_mul(2);
            }
            due
        };
        if due {
            let pool = pool.clone();
            tokio::spawn(async move {
                let sql = "ANALYZE xapi_statements, xapi_statement_keys";
                if let Err(e) = sqlx::query(sql).execute(&pool).await {
                    tracing::warn!(error = %e, "ANALYZE of the LRS tables failed");
                }
            });
        }
    }
}
