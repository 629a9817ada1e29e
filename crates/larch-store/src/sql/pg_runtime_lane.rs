// A run-time save lane's own PostgreSQL connection (included into sql/postgres.rs's body
// module before pg_runtime_save.rs, which writes its batches through it; docs/runtime.md,
// "PostgreSQL: a lane's own connection").
//
// A batch taken from the pool cost four round trips around its one statement's worth of work:
// the pool's liveness ping on acquire, `BEGIN` with the scope's settings (parsed and planned
// as text each time), the statement, `COMMIT`. A lane now keeps one connection for as long as
// it works: no acquire and no ping per batch; the scope is set at the session level
// (`set_config(…, false)`) once, and again only when a batch's first scope differs; and a
// batch that is one statement (one save, or one group of saves) runs without `BEGIN`/`COMMIT`
// as PostgreSQL's implicit transaction of one statement, which commits before its answer
// completes (the extended protocol's `Sync`; sqlx reads up to `ReadyForQuery`). So such a
// batch is one round trip. A save's statement writes all of its rows or none, so a statement
// in a transaction of its own keeps every guarantee of the explicit transaction.
//
// Invariant: the session-level scope is set only outside a transaction (a setting made in a
// transaction that is rolled back is undone); a batch of several scopes changes scope inside
// its transaction with `is_local` settings, which end with it. The connection never goes back
// to the pool (`close_on_drop`), so its session-level scope cannot reach another caller; after
// a failure of the transaction itself it is dropped and a fresh one is taken.

/// A lane's connection and the scope its session is set to.
struct LaneConnection {
    pool: sqlx::Pool<Db>,
    conn: Option<sqlx::pool::PoolConnection<Db>>,
    scope: Option<Scope>,
}

impl LaneConnection {
    /// No connection yet: the first batch takes one from `pool`.
    fn new(pool: sqlx::Pool<Db>) -> Self {
        Self {
            pool,
            conn: None,
            scope: None,
        }
    }

    /// The connection, its session in `scope` (taken and set as needed).
    async fn scoped(&mut self, scope: Scope) -> Result<&mut sqlx::PgConnection, StoreError> {
        if self.conn.is_none() {
            let mut conn = self.pool.acquire().await.map_err(StoreError::unavailable)?;
            conn.close_on_drop();
            (self.conn, self.scope) = (Some(conn), None);
        }
        let conn = self.conn.as_mut().expect("taken above");
        if self.scope != Some(scope) {
            self.scope = None;
            // With the scope, for this connection only: no sequential scans. Its statements
            // read rows by unique key; with statistics gone stale while the run-time tables
            // grow (this PostgreSQL may run without autovacuum, sql/pg_analyze.rs), the
            // planner scanned a whole table once per save of a group. And generic plans:
            // PostgreSQL kept choosing a custom plan for the one-registration save (its
            // estimates depend on the parameters), planning its CTEs again on every call:
            // 40 % of the backend's time per commit at 8 sessions. Every lane statement
            // reads and writes by key, so one plan fits every call (docs/runtime.md). No
            // bitmap scans either: for a one-row key lookup the generic plan chose them
            // (a bitmap built and walked per lookup) over a plain index scan.
            sqlx::query(
                "SELECT set_config('larch.tenant_id', $1, false), \
                 set_config('larch.app_id', $2, false), set_config('larch.env', $3, false), \
                 set_config('enable_seqscan', 'off', false), \
                 set_config('enable_bitmapscan', 'off', false), \
                 set_config('plan_cache_mode', 'force_generic_plan', false)",
            )
            .bind(scope.tenant.0.to_string())
            .bind(scope.app.0.to_string())
            .bind(scope.env.as_str())
            .execute(&mut **conn)
            .await?;
            self.scope = Some(scope);
        }
        Ok(&mut **conn)
    }

    /// Forgets the connection (after the transaction itself failed: it may be broken).
    fn reset(&mut self) {
        (self.conn, self.scope) = (None, None);
    }
}

/// Starts one lane task: it takes each batch from `lane` (within `bounds`, each job weighing
/// `weight`), tells `taken` its size, and writes it with `write` on the lane's own connection,
/// until the queue ends. A panic in one batch must not stop the lane: its callers' replies
/// are dropped, which they see as `WorkerCrashed`, and its connection with them.
fn spawn_lane<W, R, F, Fut>(
    pool: sqlx::Pool<Db>,
    lane: crate::sql::group_commit::Lanes<W, R>,
    (bounds, weight): (crate::sql::group_commit::Bounds, fn(&W) -> usize),
    taken: impl Fn(usize) + Send + 'static,
    write: F,
) where
    W: Send + 'static,
    R: Send + 'static,
    F: Fn(LaneConnection, Vec<crate::sql::group_commit::Queued<W, R>>, std::sync::Arc<crate::sql::group_commit::Counts>) -> Fut
        + Send
        + 'static,
    Fut: Future<Output = LaneConnection> + Send + 'static,
{
    tokio::spawn(async move {
        let mut conn = LaneConnection::new(pool.clone());
        while let Some(batch) = crate::sql::group_commit::next_batch(&lane, bounds, weight).await {
            taken(batch.len());
            let counts = std::sync::Arc::clone(&lane.counts);
            let writing = lane.pace.writing();
            conn = tokio::spawn(write(conn, batch, counts))
                .await
                .unwrap_or_else(|_| LaneConnection::new(pool.clone()));
            drop(writing);
        }
    });
}
