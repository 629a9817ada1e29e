// SQLite's statement writer (included into sql/sqlite.rs's body module): the group commit of
// statement writes (sql/statement_commit.rs) on a thread of its own with a `rusqlite`
// connection, as run-time saves are written (sql/sqlite_writer). Through sqlx, each statement
// of a batch (its statements, keys, Agents, definitions, rules, then COMMIT) was a round trip
// to sqlx's worker thread, two thread wake-ups each; a third of a single POST's server time
// went to those hand-overs and the futexes under them (`perf`, docs/xapi.md "Performance").
// Here a batch runs straight through on one thread with cached prepared statements, one row
// per statement execution (no SQL text to build or parse): one hand-over in (the queue) and
// one out (each caller's reply) per POST.
//
// What is written is what PostgreSQL's lane writes (sql/pg_statement_commit.rs), from the
// same shared pieces (body/xapi_commit.rs, body/xapi_insert.rs, body/forwarding.rs): a batch
// is one transaction; when it fails, nothing of it is committed and each job is written
// again in a transaction of its own, so only the offending POST fails.

/// `?1`–`?3`: the scope, as every statement below starts.
type XapiScopeParams<'a> = (i64, i64, &'a str);

fn xapi_scope_params(scope: &Scope) -> XapiScopeParams<'_> {
    (scope.tenant.0, scope.app.0, scope.env.as_str())
}

/// Starts the writer thread on the database at `path` (migrated already): it writes the
/// statement batches queued on the returned queue, each within `bounds`, and stops once the
/// queue (the backend) is gone and empty.
pub(super) fn start_statement_writer(
    path: &std::path::Path,
    bounds: crate::sql::group_commit::Bounds,
    turns: crate::sql::sqlite_turns::WriteTurns,
) -> Result<crate::sql::statement_commit::StatementCommit, StoreError> {
    let conn = crate::sql::sqlite_writer::open(path)?;
    let (queue, lanes) = crate::sql::statement_commit::StatementCommit::new();
    std::thread::Builder::new()
        .name("larch-sqlite-statements".into())
        .spawn(move || xapi_writer_run(conn, &lanes, bounds, &turns))
        .map_err(|e| StoreError::Config(format!("cannot start the statement writer: {e}")))?;
    Ok(queue)
}

/// The thread's loop: one batch at a time, in its turn (sql/sqlite_turns.rs), every job
/// answered. A batch that panics drops its jobs' replies (their callers see `WorkerCrashed`)
/// and rolls back; the thread goes on.
fn xapi_writer_run(
    mut conn: rusqlite::Connection,
    lanes: &crate::sql::group_commit::Lanes<crate::sql::statement_commit::InsertWrite, usize>,
    bounds: crate::sql::group_commit::Bounds,
    turns: &crate::sql::sqlite_turns::WriteTurns,
) {
    let mut queue = lanes.batches.blocking_lock();
    while let Some(first) = queue.blocking_recv() {
        let _turn = turns.blocking();
        let weight = crate::sql::statement_commit::statements_of;
        let batch = crate::sql::group_commit::fill_batch(&mut *queue, first, bounds, weight);
        let write = std::panic::AssertUnwindSafe(|| xapi_writer_batch(&mut conn, batch, &lanes.counts));
        if std::panic::catch_unwind(write).is_err() {
            tracing::error!("the statement writer panicked: its batch was not written");
        }
    }
}

/// Writes a batch and answers every job after `COMMIT`. When the combined write fails,
/// nothing of it is committed and each job is written again alone, so each caller gets the
/// outcome it would have had alone.
fn xapi_writer_batch(
    conn: &mut rusqlite::Connection,
    batch: Vec<crate::sql::statement_commit::InsertJob>,
    counts: &crate::sql::group_commit::Counts,
) {
    let groups = crate::sql::statement_commit::by_scope(batch);
    let writes = crate::sql::statement_commit::writes_of(&groups);
    counts.add(writes.iter().map(|(_, jobs)| jobs.len()).sum());
    let outcome = xapi_writer_transaction(conn, &writes);
    drop(writes);
    let queued: Vec<_> = groups.into_iter().flat_map(|(_, jobs)| jobs).collect();
    for job in crate::sql::statement_commit::answer_combined(queued, outcome) {
        counts.add(1);
        let alone = [(job.scope, vec![&job.write])];
        let outcome = xapi_writer_transaction(conn, &alone);
        let _ = job.reply.send(outcome.map(|messages| messages.iter().sum()));
    }
}

/// Every scope group of a batch in one `IMMEDIATE` transaction (sql/sqlite_writer), then one
/// `COMMIT`; each job's forwarding messages.
fn xapi_writer_transaction(
    conn: &mut rusqlite::Connection,
    groups: &[XapiScopeGroup<'_>],
) -> Result<Vec<usize>, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut queued = Vec::new();
    for (scope, writes) in groups {
        queued.extend(xapi_writer_jobs(&tx, *scope, writes)?);
    }
    tx.commit()?;
    Ok(queued)
}

/// One scope's jobs as one combined write (nothing committed here): the statements and their
/// keys, the Agents, the voided targets, attachments, definitions, and each job's forwarding
/// messages (their number per job is returned).
fn xapi_writer_jobs(
    conn: &rusqlite::Connection,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
) -> Result<Vec<usize>, StoreError> {
    let at = xapi_scope_params(&scope);
    for s in writes.iter().flat_map(|w| &w.statements) {
        xapi_writer_statement(conn, at, s)?;
    }
    xapi_writer_agents(conn, at, &xapi_agent_rows(writes.iter().flat_map(|w| &w.agents)))?;
    let batch = XapiBatchIds::new(writes);
    let mut void = conn.prepare_cached(
        "UPDATE xapi_statements SET voided = 1 WHERE tenant_id = ?1 AND app_id = ?2 \
         AND env = ?3 AND voids_id IS NULL AND id = ?4",
    )?;
    for target in batch.void_targets(writes) {
        void.execute(rusqlite::params![at.0, at.1, at.2, target])?;
    }
    xapi_writer_attachments(conn, at, writes.iter().flat_map(|w| &w.attachments))?;
    xapi_writer_definitions(conn, at, writes)?;
    xapi_writer_forward(conn, scope, writes, &batch)
}

/// Inserts a statement and its filter keys.
fn xapi_writer_statement(
    conn: &rusqlite::Connection,
    at: XapiScopeParams<'_>,
    s: &crate::NewStatement,
) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO xapi_statements (tenant_id, app_id, env, id, stored_nanos, verb_id, \
         activity_id, registration, voids_id, target_id, authority_key, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING seq",
    )?;
    let seq: i64 = insert.query_row(
        rusqlite::params![
            at.0, at.1, at.2, s.id, s.stored_nanos, s.verb, s.activity, s.registration,
            s.voids, s.target, s.authority, s.body
        ],
        |row| row.get(0),
    )?;
    let mut key = conn.prepare_cached(
        "INSERT INTO xapi_statement_keys (tenant_id, app_id, env, statement_seq, \
         stored_nanos, kind, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (kind, value) in xapi_key_rows(s) {
        key.execute(rusqlite::params![at.0, at.1, at.2, seq, s.stored_nanos, kind, value])?;
    }
    Ok(())
}

/// Records the Agents seen (GET /agents), each distinct one once.
fn xapi_writer_agents(
    conn: &rusqlite::Connection,
    at: XapiScopeParams<'_>,
    rows: &[(String, String, String)],
) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO xapi_agents (tenant_id, app_id, env, ifi_key, agent_hash, agent) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
    )?;
    for (ifi_key, hash, agent) in rows {
        insert.execute(rusqlite::params![at.0, at.1, at.2, ifi_key, hash, agent])?;
    }
    Ok(())
}

/// Attachments by SHA-2; one already stored is kept.
fn xapi_writer_attachments<'a>(
    conn: &rusqlite::Connection,
    at: XapiScopeParams<'_>,
    attachments: impl Iterator<Item = &'a crate::Attachment>,
) -> Result<(), StoreError> {
    for a in attachments {
        conn.prepare_cached(
            "INSERT INTO xapi_attachments (tenant_id, app_id, env, sha2, content_type, content) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant_id, app_id, env, sha2) DO NOTHING",
        )?
        .execute(rusqlite::params![at.0, at.1, at.2, a.sha2, a.content_type, a.content])?;
    }
    Ok(())
}

/// Merges the writes' definitions into the stored canonical ones, in queue order, and
/// upserts those that changed. SQLite's one writer serialises the merges: nothing to lock.
fn xapi_writer_definitions(
    conn: &rusqlite::Connection,
    at: XapiScopeParams<'_>,
    writes: &[&crate::sql::statement_commit::InsertWrite],
) -> Result<(), StoreError> {
    let mut read = conn.prepare_cached(
        "SELECT definition FROM xapi_activities WHERE tenant_id = ?1 AND app_id = ?2 \
         AND env = ?3 AND id = ?4",
    )?;
    let mut stored = std::collections::HashMap::new();
    for id in xapi_definition_ids(writes) {
        let definition: Option<String> = rusqlite::OptionalExtension::optional(
            read.query_row(rusqlite::params![at.0, at.1, at.2, id], |row| row.get(0)),
        )?;
        if let Some(definition) = definition {
            stored.insert(id, definition);
        }
    }
    let mut upsert = conn.prepare_cached(
        "INSERT INTO xapi_activities (tenant_id, app_id, env, id, definition) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant_id, app_id, env, id) \
         DO UPDATE SET definition = excluded.definition",
    )?;
    for (id, definition) in xapi_merged_definitions(writes, &stored) {
        upsert.execute(rusqlite::params![at.0, at.1, at.2, id, definition])?;
    }
    Ok(())
}

/// After the statements are inserted (a StatementRef to one of the batch resolves): each
/// job's forwarding messages (`xapi_forward_messages`) queued in the outbox; their number
/// per job.
fn xapi_writer_forward(
    conn: &rusqlite::Connection,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
    batch: &XapiBatchIds<'_>,
) -> Result<Vec<usize>, StoreError> {
    let at = xapi_scope_params(&scope);
    let mut queued = vec![0; writes.len()];
    let rules = xapi_writer_rules(conn, at)?;
    if rules.is_empty() {
        return Ok(queued);
    }
    let mut keys = conn.prepare_cached(
        "SELECT verb_id, activity_id, registration FROM xapi_statements \
         WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND id = ?4",
    )?;
    let mut stored = std::collections::HashMap::new();
    for target in xapi_outside_targets(writes, batch) {
        let found: Option<XapiFilterKeys> = rusqlite::OptionalExtension::optional(
            keys.query_row(rusqlite::params![at.0, at.1, at.2, target], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            }),
        )?;
        if let Some(found) = found {
            stored.insert(target, found);
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO outbox_messages (tenant_id, app_id, env, id, topic, target, payload, \
         created_ms, next_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?;
    for (job, message) in xapi_forward_messages(writes, batch, &rules, &stored) {
        let id = crate::ids::OutboxMessageId::generate();
        let payload = message.payload.to_string();
        let now = crate::unix_now_ms();
        insert.execute(rusqlite::params![
            at.0, at.1, at.2, id.as_str(), message.topic, message.target, payload, now
        ])?;
        queued[job] += 1;
    }
    Ok(queued)
}

/// The scope's enabled forwarding rules, in creation order: id and filter.
fn xapi_writer_rules(
    conn: &rusqlite::Connection,
    at: XapiScopeParams<'_>,
) -> Result<Vec<(String, crate::ForwardingFilter)>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT id, filter FROM lrs_forwarding_rules WHERE tenant_id = ?1 AND app_id = ?2 \
         AND env = ?3 AND enabled = 1 ORDER BY seq",
    )?;
    let rows = select.query_map(rusqlite::params![at.0, at.1, at.2], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut rules = Vec::new();
    for row in rows {
        let (id, filter) = row?;
        rules.push((id, rule_filter(&filter)?));
    }
    Ok(rules)
}
