// Group commit of statement writes (included into each backend module): the lanes that write
// the `StatementStore::insert` calls queued at once as one combined write, in one transaction
// (sql/statement_commit.rs, docs/xapi.md "Performance").

/// A boxed, `Send` store future (a spawned future must be `Send` for every lifetime of its
/// borrows, which the compiler proves only for boxed ones here).
/// Its output: the forwarding messages each job queued, in batch order.
type BoxedInsert<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<Vec<usize>, StoreError>> + Send + 'a>>;

/// The jobs of one scope, in queue order.
type XapiScopeGroup<'a> = (Scope, Vec<&'a crate::sql::statement_commit::InsertWrite>);

/// Where each statement id of a combined write comes from: its job's place in the group and
/// the statement. A combined write must behave as its jobs written one after the other, so a
/// job does not see the statements of the jobs after it.
struct XapiBatchIds<'a> {
    job_of: std::collections::HashMap<&'a str, (usize, &'a crate::NewStatement)>,
}

impl<'a> XapiBatchIds<'a> {
    fn new(writes: &[&'a crate::sql::statement_commit::InsertWrite]) -> Self {
        let job_of = writes
            .iter()
            .enumerate()
            .flat_map(|(job, w)| w.statements.iter().map(move |s| (s.id.as_str(), (job, s))))
            .collect();
        Self { job_of }
    }

    /// The statement `id` as job `job` would see it written alone after the jobs before it:
    /// `Some(Some(_))` when an earlier job (or itself) carries it, `Some(None)` when only a
    /// later job does (not stored yet), `None` when the batch does not carry it.
    fn seen_by(&self, id: &str, job: usize) -> Option<Option<&'a crate::NewStatement>> {
        self.job_of
            .get(id)
            .map(|&(carrier, s)| (carrier <= job).then_some(s))
    }

    /// The targets to void: those of every voiding statement, except a target that only a
    /// later job stores (written in sequence, the voiding statement found nothing to void,
    /// and the target was stored afterwards, not voided).
    fn void_targets(&self, writes: &[&crate::sql::statement_commit::InsertWrite]) -> Vec<String> {
        let mut targets = Vec::new();
        for (job, w) in writes.iter().enumerate() {
            for target in w.statements.iter().filter_map(|s| s.voids.as_ref()) {
                if !matches!(self.seen_by(target, job), Some(None)) {
                    targets.push(target.clone());
                }
            }
        }
        targets
    }
}

/// What writing the rows of a combined write read in its transaction (per backend:
/// sql/sqlite_statement_rows.rs, sql/pg_statement_rows.rs).
struct XapiWritten {
    /// The stored canonical definitions of the batch's activities (on PostgreSQL locked
    /// until `COMMIT`, so concurrent lanes never lose each other's merges).
    definitions: std::collections::HashMap<String, String>,
    /// The scope's enabled forwarding rules in creation order: id and filter.
    rules: Vec<(String, crate::ForwardingFilter)>,
}

/// The activities whose definitions the writes merge, sorted (one lock order on PostgreSQL).
fn xapi_definition_ids(writes: &[&crate::sql::statement_commit::InsertWrite]) -> Vec<String> {
    let mut ids: Vec<String> = writes
        .iter()
        .flat_map(|w| &w.definitions)
        .map(|d| d.activity.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The canonical definitions a combined write leaves: the writes' definitions merged in queue
/// order into the `stored` ones, as the writes one after the other would. Only those that
/// changed, in id order, so that lanes on PostgreSQL lock in one order.
fn xapi_merged_definitions(
    writes: &[&crate::sql::statement_commit::InsertWrite],
    stored: &std::collections::HashMap<String, String>,
) -> Vec<(String, String)> {
    let mut canonical = std::collections::BTreeMap::<&str, String>::new();
    for definition in writes.iter().flat_map(|w| &w.definitions) {
        let id = definition.activity.as_str();
        let current = canonical.get(id).or_else(|| stored.get(id));
        let merged = definition.merge.merge_into(current.map(String::as_str));
        canonical.insert(id, merged);
    }
    canonical
        .into_iter()
        .filter(|(id, merged)| stored.get(*id) != Some(merged))
        .map(|(id, merged)| (id.to_owned(), merged))
        .collect()
}

/// One scope's jobs as one combined write in `tx` (nothing committed here): the statements,
/// their keys and the Agents (per backend), the voided targets, attachments, definitions,
/// and each job's forwarding messages (their number per job is returned).
async fn xapi_write_jobs(
    tx: &mut Tx,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
) -> Result<Vec<usize>, StoreError> {
    let statements: Vec<&crate::NewStatement> =
        writes.iter().flat_map(|w| &w.statements).collect();
    let agents = xapi_agent_rows(writes.iter().flat_map(|w| &w.agents));
    let activities = xapi_definition_ids(writes);
    let written = xapi_write_rows(tx, scope, &statements, &activities, &agents).await?;
    let batch = XapiBatchIds::new(writes);
    xapi_void_targets(tx, scope, &batch.void_targets(writes)).await?;
    let attachments = writes.iter().flat_map(|w| &w.attachments);
    xapi_insert_attachments(tx, scope, attachments).await?;
    let definitions = xapi_merged_definitions(writes, &written.definitions);
    xapi_upsert_definitions(tx, scope, &definitions).await?;
    forward_jobs(tx, scope, writes, &batch, &written.rules).await
}

/// Every scope group of a batch in one transaction (on PostgreSQL, each group under its own
/// row-level-security scope), then one `COMMIT`.
fn insert_transaction<'a>(
    pool: &'a sqlx::Pool<Db>,
    groups: &'a [XapiScopeGroup<'a>],
) -> BoxedInsert<'a> {
    Box::pin(async move {
        let Some((first, _)) = groups.first() else {
            return Ok(Vec::new());
        };
        let mut tx = This::begin_scoped(pool, *first).await?;
        let mut queued = Vec::new();
        for (i, (scope, writes)) in groups.iter().enumerate() {
            if i > 0 {
                This::enter_scope(&mut tx, *scope).await?;
            }
            queued.extend(xapi_write_jobs(&mut tx, *scope, writes).await?);
        }
        tx.commit().await?;
        Ok(queued)
    })
}

/// Writes a batch and answers every job after `COMMIT`. When the combined write fails,
/// nothing of it is committed and each job is written again alone, so each caller gets the
/// outcome it would have had alone.
async fn write_insert_batch(
    pool: sqlx::Pool<Db>,
    batch: Vec<crate::sql::statement_commit::InsertJob>,
    counts: std::sync::Arc<crate::sql::group_commit::Counts>,
) {
    let groups = crate::sql::statement_commit::by_scope(batch);
    let jobs: usize = groups.iter().map(|(_, jobs)| jobs.len()).sum();
    let writes: Vec<XapiScopeGroup<'_>> = groups
        .iter()
        .map(|(scope, jobs)| (*scope, jobs.iter().map(|j| &j.write).collect()))
        .collect();
    counts.add(jobs);
    let outcome = insert_transaction(&pool, &writes).await;
    drop(writes);
    let queued: Vec<_> = groups.into_iter().flat_map(|(_, jobs)| jobs).collect();
    match outcome {
        Ok(messages) => queued.into_iter().zip(messages).for_each(|(job, n)| {
            let _ = job.reply.send(Ok(n));
        }),
        Err(e) if jobs == 1 => {
            if let Some(job) = queued.into_iter().next() {
                let _ = job.reply.send(Err(e));
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, inserts = jobs, "combined write failed: each alone");
            insert_each_alone(&pool, queued, &counts).await;
        }
    }
}

/// The jobs of a failed combined write, each in a transaction of its own, in queue order.
async fn insert_each_alone(
    pool: &sqlx::Pool<Db>,
    jobs: Vec<crate::sql::statement_commit::InsertJob>,
    counts: &crate::sql::group_commit::Counts,
) {
    for job in jobs {
        counts.add(1);
        let alone = [(job.scope, vec![&job.write])];
        let outcome = insert_transaction(pool, &alone).await;
        let _ = job.reply.send(outcome.map(|messages| messages.iter().sum()));
    }
}

/// Starts `lanes` writer tasks on `pool`, each writing batches within `bounds`.
pub(super) fn start_statement_commit(
    pool: &sqlx::Pool<Db>,
    lanes: usize,
    bounds: crate::sql::group_commit::Bounds,
) -> crate::sql::statement_commit::StatementCommit {
    let (queue, shared) = crate::sql::statement_commit::StatementCommit::new();
    for _ in 0..lanes.max(1) {
        let (pool, lane) = (pool.clone(), shared.clone());
        tokio::spawn(async move {
            let weight = crate::sql::statement_commit::statements_of;
            while let Some(batch) = crate::sql::group_commit::next_batch(&lane, bounds, weight).await
            {
                // A panic in one batch must not stop the lane: its callers' replies are
                // dropped, which they see as `WorkerCrashed`.
                let counts = std::sync::Arc::clone(&lane.counts);
                let _ = tokio::spawn(write_insert_batch(pool.clone(), batch, counts)).await;
            }
        });
    }
    queue
}
