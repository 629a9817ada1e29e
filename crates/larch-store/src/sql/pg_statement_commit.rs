// PostgreSQL's statement-write lanes (included into sql/postgres.rs's body module): tasks that
// write the `StatementStore::insert` calls queued at once as one combined write, in one
// transaction (sql/statement_commit.rs, docs/xapi.md "Performance"). The statements, their
// keys and the Agents are one statement (sql/pg_statement_rows.rs); the rest here.

/// What writing the rows of a combined write read in its transaction (sql/pg_statement_rows.rs).
struct XapiWritten {
    /// The stored canonical definitions of the batch's activities (on PostgreSQL locked
    /// until `COMMIT`, so concurrent lanes never lose each other's merges).
    definitions: std::collections::HashMap<String, String>,
    /// The scope's enabled forwarding rules in creation order: id and filter.
    rules: Vec<(String, crate::ForwardingFilter)>,
}

/// A boxed, `Send` store future (a spawned future must be `Send` for every lifetime of its
/// borrows, which the compiler proves only for boxed ones here).
/// Its output: the forwarding messages each job queued, in batch order.
type BoxedInsert<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<Vec<usize>, StoreError>> + Send + 'a>>;

/// One scope's jobs as one combined write on `conn`, in its transaction (nothing committed here): the statements,
/// their keys and the Agents (per backend), the voided targets, attachments, definitions,
/// and each job's forwarding messages (their number per job is returned).
async fn xapi_write_jobs(
    conn: &mut sqlx::PgConnection,
    (scope, cache): (Scope, &DefinitionCache),
    writes: &[&crate::sql::statement_commit::InsertWrite],
) -> Result<Vec<usize>, StoreError> {
    let statements: Vec<&crate::NewStatement> =
        writes.iter().flat_map(|w| &w.statements).collect();
    let agents = xapi_agent_rows(writes.iter().flat_map(|w| &w.agents));
    let activities = xapi_definition_ids(writes);
    let written = xapi_write_rows(conn, scope, &statements, &activities, &agents).await?;
    let batch = XapiBatchIds::new(writes);
    xapi_void_targets(conn, scope, &batch.void_targets(writes)).await?;
    let attachments = writes.iter().flat_map(|w| &w.attachments);
    xapi_insert_attachments(conn, scope, attachments).await?;
    let definitions = xapi_merged_definitions(writes, &written.definitions);
    xapi_upsert_definitions(conn, scope, &definitions).await?;
    cache.remember(scope, &written.definitions, &definitions);
    forward_jobs(conn, scope, writes, &batch, &written.rules).await
}

/// Every scope group of a batch in one transaction on the lane's connection (its session in
/// the first group's scope, pg_runtime_lane.rs; each later group under its own
/// row-level-security scope for the transaction only), then one `COMMIT`. A connection that
/// failed as such is dropped and the next batch takes a fresh one.
fn insert_transaction<'a>(
    lane: &'a mut LaneConnection,
    groups: &'a [XapiScopeGroup<'a>],
    cache: &'a DefinitionCache,
) -> BoxedInsert<'a> {
    Box::pin(async move {
        let Some((first, _)) = groups.first() else {
            return Ok(Vec::new());
        };
        let written = groups_transaction(lane, (*first, cache), groups).await;
        if written.as_ref().is_err_and(StoreError::is_unavailable) {
            lane.reset();
        }
        written
    })
}

async fn groups_transaction(
    lane: &mut LaneConnection,
    (first, cache): (Scope, &DefinitionCache),
    groups: &[XapiScopeGroup<'_>],
) -> Result<Vec<usize>, StoreError> {
    let conn = lane.scoped(first).await?;
    // One scope that forwards nothing and changes no definition: one round trip
    // (pg_statement_fast.rs); else, or when its checks fail, the transaction below.
    if let [(scope, writes)] = groups
        && let Some(expected) = fast_expectations(cache, *scope, writes)
        && xapi_write_fast(conn, *scope, writes, &expected).await?
    {
        return Ok(vec![0; writes.len()]);
    }
    let mut tx = sqlx::Connection::begin(conn)
        .await
        .map_err(StoreError::unavailable)?;
    let mut queued = Vec::new();
    for (i, (scope, writes)) in groups.iter().enumerate() {
        if i > 0 {
            This::enter_scope(&mut tx, *scope).await?;
        }
        queued.extend(xapi_write_jobs(&mut tx, (*scope, cache), writes).await?);
    }
    tx.commit().await?;
    Ok(queued)
}

/// Writes a batch and answers every job after `COMMIT`. When the combined write fails,
/// nothing of it is committed and each job is written again alone, so each caller gets the
/// outcome it would have had alone.
async fn write_insert_batch(
    lane: &mut LaneConnection,
    batch: Vec<crate::sql::statement_commit::InsertJob>,
    counts: std::sync::Arc<crate::sql::group_commit::Counts>,
    cache: &DefinitionCache,
) {
    let groups = crate::sql::statement_commit::by_scope(batch);
    let writes = crate::sql::statement_commit::writes_of(&groups);
    counts.add(writes.iter().map(|(_, jobs)| jobs.len()).sum());
    let outcome = insert_transaction(lane, &writes, cache).await;
    drop(writes);
    let queued: Vec<_> = groups.into_iter().flat_map(|(_, jobs)| jobs).collect();
    let again = crate::sql::statement_commit::answer_combined(queued, outcome);
    insert_each_alone(lane, again, (&counts, cache)).await;
}

/// The jobs of a failed combined write, each in a transaction of its own, in queue order.
async fn insert_each_alone(
    lane: &mut LaneConnection,
    jobs: Vec<crate::sql::statement_commit::InsertJob>,
    (counts, cache): (&crate::sql::group_commit::Counts, &DefinitionCache),
) {
    for job in jobs {
        counts.add(1);
        let alone = [(job.scope, vec![&job.write])];
        let outcome = insert_transaction(lane, &alone, cache).await;
        let _ = job.reply.send(outcome.map(|messages| messages.iter().sum()));
    }
}

/// POSTs queued, or statements carried by the POST a lane holds, that start a second lane
/// while one writes (docs/xapi.md "Create-only PUTs group-committed, statement lanes paced":
/// single POSTs gain from one lane at a time, batch POSTs from two at once).
const STATEMENT_OVERLAP: usize = 16;

/// Starts `lanes` writer tasks on `pool`, each with a connection of its own
/// (pg_runtime_lane.rs: no acquire, no liveness ping and no scope to set per batch, only its
/// `BEGIN`, statement and `COMMIT`), writing batches within `bounds`.
pub(super) fn start_statement_commit(
    pool: &sqlx::Pool<Db>,
    lanes: usize,
    bounds: crate::sql::group_commit::Bounds,
) -> crate::sql::statement_commit::StatementCommit {
    let (queue, shared) = crate::sql::statement_commit::StatementCommit::new();
    // Paced as the run-time lanes are (sql/group_commit.rs `Pace`): at light load one lane at
    // a time writes what is queued, in fewer and bigger statements; a POST of many
    // statements, or a queue of many POSTs, starts the second lane at once.
    shared.pace.overlap_from(STATEMENT_OVERLAP);
    let bounds = (bounds, crate::sql::statement_commit::statements_of as fn(&_) -> usize);
    // Shared by the lanes: what one saw stored serves the next batch whichever lane takes it.
    let cache = std::sync::Arc::new(DefinitionCache::default());
    for _ in 0..lanes.max(1) {
        let cache = std::sync::Arc::clone(&cache);
        spawn_lane(pool.clone(), shared.clone(), bounds, |_| {}, move |mut conn, batch, counts| {
            let cache = std::sync::Arc::clone(&cache);
            async move {
                write_insert_batch(&mut conn, batch, counts, &cache).await;
                conn
            }
        });
    }
    queue
}

/// Appends `(v, v, …)` rows to `sql`, one per item, each starting with the scope.
fn xapi_values<T>(sql: &mut XapiSql, items: &[T], mut row: impl FnMut(&mut XapiSql, &T)) {
    for (i, item) in items.iter().enumerate() {
        sql.push(if i == 0 { "($1, $2, $3" } else { ", ($1, $2, $3" });
        row(sql, item);
        sql.push(")");
    }
}

/// Marks these targets of voiding statements voided (Data 2.3.2: a voiding statement cannot
/// itself be voided, it stays visible).
async fn xapi_void_targets(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    targets: &[String],
) -> Result<(), StoreError> {
    for chunk in targets.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new("UPDATE xapi_statements SET voided = 1 WHERE ");
        sql.scope("xapi_statements")
            .push(" AND voids_id IS NULL AND id IN ");
        xapi_in_list(&mut sql, chunk);
        sql.query(scope).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Upserts the merged canonical definitions (one row per activity id).
async fn xapi_upsert_definitions(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    definitions: &[(String, String)],
) -> Result<(), StoreError> {
    for chunk in definitions.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql =
            XapiSql::new("INSERT INTO xapi_activities (tenant_id, app_id, env, id, definition) VALUES ");
        xapi_values(&mut sql, chunk, |sql, (id, definition)| {
            sql.push(", ").arg(XapiArg::Text(id.clone()));
            sql.push(", ").arg(XapiArg::Text(definition.clone()));
        });
        sql.push(
            " ON CONFLICT (tenant_id, app_id, env, id) DO UPDATE SET definition = excluded.definition",
        );
        sql.query(scope).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Attachments by SHA-2 (rare and large: one row per statement of SQL is fine).
async fn xapi_insert_attachments(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    attachments: impl Iterator<Item = &crate::Attachment>,
) -> Result<(), StoreError> {
    for a in attachments {
        scoped(
            "INSERT INTO xapi_attachments (tenant_id, app_id, env, sha2, content_type, content) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, app_id, env, sha2) DO NOTHING",
            scope,
        )
        .bind(a.sha2.clone())
        .bind(a.content_type.clone())
        .bind(a.content.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The verb, Object Activity and registration of a stored statement (a StatementRef's target).
async fn statement_keys(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    id: &str,
) -> Result<Option<XapiFilterKeys>, StoreError> {
    let row = scoped(
        "SELECT verb_id, activity_id, registration FROM xapi_statements \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
        scope,
    )
    .bind(id.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get("verb_id")?, r.try_get("activity_id")?, r.try_get("registration")?)))
        .transpose()
}

/// In the statements' own transaction (after they are inserted, so a StatementRef to a
/// statement of the same batch resolves): each job's forwarding messages
/// (`xapi_forward_messages`), queued in the outbox; their number per job.
async fn forward_jobs(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
    batch: &XapiBatchIds<'_>,
    rules: &[(String, crate::ForwardingFilter)],
) -> Result<Vec<usize>, StoreError> {
    let mut queued = vec![0; writes.len()];
    if rules.is_empty() {
        return Ok(queued);
    }
    let mut stored = std::collections::HashMap::new();
    for target in xapi_outside_targets(writes, batch) {
        if let Some(keys) = statement_keys(conn, scope, target).await? {
            stored.insert(target, keys);
        }
    }
    for (job, message) in xapi_forward_messages(writes, batch, rules, &stored) {
        outbox_insert(conn, scope, &message).await?;
        queued[job] += 1;
    }
    Ok(queued)
}
