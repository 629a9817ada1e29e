// Several run-time commits on PostgreSQL as one statement (included into sql/postgres.rs's
// body module before pg_runtime_save.rs, which decides what goes together; docs/runtime.md,
// "Performance").
//
// The statement writes commits over existing states, every save's values bound as arrays (one
// element per save) and expanded with `unnest … WITH ORDINALITY`, so each save keeps its
// number `i` through every CTE. It takes no lock before it writes: each save's rollup update
// takes its registration's row lock (first, in the batch's order, as every save does), its
// state is written over the expected revision only if the rollup was, and its transcript and
// session rows only if the state was. A save that cannot be written whole this way (a lost
// race, an ended session, a gone registration, a write to an older instance) would leave a
// part behind, so the statement then fails as a whole (`larch_save_written`, migration 0108)
// and nothing of it stays; the batch is written again save by save with
// pg_runtime_save_sql.rs's statement, which locks first and tells those outcomes apart. Such
// refusals are rare (a stale cached state, a tab closed and relaunched), and skipping the
// locks saves two row locks, their WAL records and two key lookups per commit. Two saves of
// one registration must not share a statement (one statement cannot update a row twice):
// the caller splits them.

/// The group statement: `$1`–`$3` the scope, `$4`–`$23` one array per save column (`$23`: its
/// transcript row's entries, src/transcript.rs, NULL when it changed nothing). It answers
/// each save's new revision, in order, or fails with SQLSTATE `LR001` having written nothing.
const PG_SAVE_GROUP_SQL: &str = concat!(
    "WITH w AS MATERIALIZED (SELECT * FROM unnest($4::TEXT[], $5::BIGINT[], $6::BIGINT[], \
     $7::TEXT[], $8::BIGINT[], $9::BIGINT[], $10::TEXT[], $11::TEXT[], $12::FLOAT8[], \
     $13::FLOAT8[], $14::FLOAT8[], $15::FLOAT8[], $16::BIGINT[], $17::BIGINT[], $18::TEXT[], \
     $19::TEXT[], $20::BOOL[], $21::BIGINT[], $22::TEXT[], $23::TEXT[]) WITH ORDINALITY AS \
     w(registration, instance, course_version, state, now_s, expected, completion_status, \
     success_status, score_scaled, score_raw, score_min, score_max, total_time_seconds, \
     attempts, session_id, step, keep_delivery, delivery, ended, entries, i)), ",
    // 1. The rollups, in the batch's order (`w`, sorted, drives the join): each takes its
    // registration's row lock, the first lock every save takes, so lanes and single saves
    // cannot deadlock each other.
    "roll AS (UPDATE registrations r SET completion_status = w.completion_status, \
     success_status = w.success_status, score_scaled = w.score_scaled, score_raw = w.score_raw, \
     score_min = w.score_min, score_max = w.score_max, \
     total_time_seconds = w.total_time_seconds, attempts = w.attempts, \
     last_access_at = w.now_s, updated_at = w.now_s, instance = w.instance, \
     course_version = w.course_version FROM (SELECT * FROM w ORDER BY i) w \
     WHERE r.tenant_id = $1 AND r.app_id = $2 AND r.env = $3 AND r.id = w.registration \
     AND r.instance <= w.instance RETURNING w.i), ",
    // 2. Each state over its expected revision, if its rollup was written.
    "st AS (UPDATE runtime_states s SET state = w.state, revision = s.revision + 1, \
     course_version = w.course_version, updated_at = w.now_s FROM w JOIN roll ON roll.i = w.i \
     WHERE s.tenant_id = $1 AND s.app_id = $2 AND s.env = $3 \
     AND s.registration_id = w.registration AND s.instance = w.instance \
     AND s.revision = w.expected RETURNING w.i, s.revision), ",
    // 3. The rest of a save only if its state was written; the transcript rows in the
    // batch's order, so their sequence numbers keep it.
    "tr AS (INSERT INTO runtime_commits (tenant_id, app_id, env, registration_id, instance, \
     entries) SELECT $1, $2, $3, w.registration, w.instance, w.entries FROM w \
     JOIN st ON st.i = w.i WHERE w.entries IS NOT NULL ORDER BY w.i), ",
    "ses AS (UPDATE player_sessions p SET step = COALESCE(w.step, p.step), \
     runtime_session = CASE WHEN w.keep_delivery THEN p.runtime_session ELSE w.delivery END, \
     last_seen_at = w.now_s, ended_at = CASE WHEN w.ended IS NULL THEN p.ended_at \
     ELSE w.now_s END, exit_reason = COALESCE(w.ended, p.exit_reason) FROM w \
     JOIN st ON st.i = w.i WHERE p.tenant_id = $1 AND p.app_id = $2 AND p.env = $3 \
     AND p.id = w.session_id AND p.ended_at IS NULL RETURNING w.i) ",
    // 4. Each save's new revision, in order; a save not written whole fails the statement.
    "SELECT w.i, st.revision FROM w LEFT JOIN st ON st.i = w.i LEFT JOIN ses ON ses.i = w.i \
     WHERE larch_save_written(st.revision IS NOT NULL AND ses.i IS NOT NULL) ORDER BY w.i"
);

/// Whether `write` can go in a group statement: a commit over an existing state. Launches
/// and first states are rarer and keep their own statements.
fn groupable(write: &crate::RuntimeWrite) -> bool {
    matches!(write.session, crate::SessionWrite::Update { .. }) && write.expected_revision.is_some()
}

/// How a sorted batch is written: runs of groupable saves of one scope, at most one save per
/// registration in a run (sorted, so a repeat follows its twin), become one statement each;
/// every other save is a run of its own. With `grouped` off, every save is alone.
fn save_runs(batch: &[crate::sql::group_commit::Job], grouped: bool) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, job) in batch.iter().enumerate() {
        let joins = grouped
            && groupable(&job.write)
            && runs.last().is_some_and(|run| {
                let last = &batch[run.end - 1];
                run.end == i
                    && groupable(&last.write)
                    && last.scope == job.scope
                    && last.write.registration != job.write.registration
            });
        match runs.last_mut() {
            Some(run) if joins => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// The group statement with every save's values bound (see `PG_SAVE_GROUP_SQL`).
fn save_group_query(
    scope: Scope,
    jobs: &[crate::sql::group_commit::Job],
) -> Result<Query<'static>, sqlx::Error> {
    let writes: Vec<&crate::RuntimeWrite> = jobs.iter().map(|job| &job.write).collect();
    let col = |f: fn(&crate::RuntimeWrite) -> String| writes.iter().map(|w| f(w)).collect::<Vec<_>>();
    let int = |f: fn(&crate::RuntimeWrite) -> i64| writes.iter().map(|w| f(w)).collect::<Vec<_>>();
    let real = |f: fn(&crate::Rollup) -> Option<f64>| {
        writes.iter().map(|w| f(&w.rollup)).collect::<Vec<_>>()
    };
    let sessions: Vec<_> = writes.iter().map(|w| session_columns(&w.session)).collect();
    let entries: Vec<Option<String>> = writes
        .iter()
        .map(|w| transcript_entries(&w.transcript))
        .collect::<Result<_, _>>()?;
    let query = scoped(PG_SAVE_GROUP_SQL, scope)
        .bind(col(|w| w.registration.as_str().to_owned()))
        .bind(int(|w| w.instance))
        .bind(int(|w| w.course_version))
        .bind(col(|w| w.state.clone()))
        .bind(int(|w| w.now))
        .bind(writes.iter().map(|w| w.expected_revision).collect::<Vec<_>>())
        .bind(col(|w| w.rollup.completion_status.clone()))
        .bind(col(|w| w.rollup.success_status.clone()))
        .bind(real(|r| r.score_scaled))
        .bind(real(|r| r.score_raw))
        .bind(real(|r| r.score_min))
        .bind(real(|r| r.score_max))
        .bind(int(|w| w.rollup.total_time_seconds))
        .bind(int(|w| w.rollup.attempts))
        .bind(sessions.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
        .bind(sessions.iter().map(|s| s.step.clone()).collect::<Vec<_>>())
        .bind(sessions.iter().map(|s| s.keep).collect::<Vec<_>>())
        .bind(sessions.iter().map(|s| s.delivery).collect::<Vec<_>>())
        .bind(sessions.iter().map(|s| s.ended.clone()).collect::<Vec<_>>())
        .bind(entries);
    Ok(query)
}

/// A commit's session update, as group columns.
struct SessionColumns {
    id: String,
    step: Option<String>,
    keep: bool,
    delivery: Option<i64>,
    ended: Option<String>,
}

/// The session columns of a groupable save. A launch is never grouped; were one, it would
/// name no session, find none and write nothing.
fn session_columns(session: &crate::SessionWrite) -> SessionColumns {
    let crate::SessionWrite::Update {
        id,
        step,
        runtime_session,
        ended,
    } = session
    else {
        let (id, step, keep, delivery, ended) = (String::new(), None, true, None, None);
        return SessionColumns { id, step, keep, delivery, ended };
    };
    let (keep, delivery) = match runtime_session {
        crate::OpenDelivery::Unchanged => (true, None),
        crate::OpenDelivery::Set(n) => (false, *n),
    };
    SessionColumns {
        id: id.clone(),
        step: step.clone(),
        keep,
        delivery,
        ended: ended.clone(),
    }
}

/// Runs one group statement on `conn` (in a transaction or alone, its scope `scope`): every
/// save written, its new revision in order; or an error (SQLSTATE `LR001` when a save could
/// not be written whole) and nothing written.
async fn save_group(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    jobs: &[crate::sql::group_commit::Job],
) -> Result<Vec<crate::RuntimeSave>, sqlx::Error> {
    let rows = save_group_query(scope, jobs)?.fetch_all(conn).await?;
    if rows.len() != jobs.len() {
        let message = format!("{} answers to {} saves", rows.len(), jobs.len());
        return Err(sqlx::Error::Protocol(message));
    }
    rows.iter()
        .map(|row| Ok(crate::RuntimeSave::Saved(row.try_get("revision")?)))
        .collect()
}
