// A run-time save on PostgreSQL as one statement (included into sql/postgres.rs's body module
// with pg_runtime_save.rs, which writes batches of them). The statement writes all of its rows
// or none: see pg_runtime_save.rs.

/// The registration, locked so that it cannot go away or change under the save (`NO KEY`:
/// the rollup updates it anyway).
macro_rules! pg_save_registration {
    () => {
        "WITH reg AS MATERIALIZED (SELECT 1 FROM registrations \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 FOR NO KEY UPDATE), "
    };
}

/// A commit's player session, locked if it is still open (so it stays open until `COMMIT`).
macro_rules! pg_save_open_session {
    () => {
        "sess AS MATERIALIZED (SELECT 1 FROM player_sessions \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $20 AND ended_at IS NULL \
         FOR NO KEY UPDATE), "
    };
}

/// A launch opens its session: there is none to check.
macro_rules! pg_save_no_session {
    () => {
        "sess AS (SELECT 1), "
    };
}

/// The state written over the expected revision.
macro_rules! pg_save_state_update {
    () => {
        "st AS (UPDATE runtime_states SET state = $7, revision = revision + 1, course_version = $6, \
         updated_at = $8 WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 \
         AND instance = $5 AND revision = $9 AND EXISTS (SELECT 1 FROM reg) \
         AND EXISTS (SELECT 1 FROM sess) RETURNING revision), "
    };
}

/// A new instance's first state (`$9`, the expected revision, is NULL).
macro_rules! pg_save_state_insert {
    () => {
        "st AS (INSERT INTO runtime_states (tenant_id, app_id, env, registration_id, instance, \
         course_version, state, revision, updated_at) SELECT $1, $2, $3, $4, $5, $6, $7, 1, $8 \
         WHERE $9::BIGINT IS NULL AND EXISTS (SELECT 1 FROM reg) AND EXISTS (SELECT 1 FROM sess) \
         ON CONFLICT DO NOTHING RETURNING revision), "
    };
}

/// The rollup onto the registration (which moves to the write's instance; a write to an
/// older instance leaves it) and the transcript rows, both only once the state was written.
macro_rules! pg_save_rollup_transcript {
    () => {
        "roll AS (UPDATE registrations SET completion_status = $10, success_status = $11, \
         score_scaled = $12, score_raw = $13, score_min = $14, score_max = $15, \
         total_time_seconds = $16, attempts = $17, first_access_at = COALESCE(first_access_at, $18), \
         last_access_at = $8, updated_at = $8, instance = $5, course_version = $6 \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 AND instance <= $5 \
         AND EXISTS (SELECT 1 FROM st)), \
         tr AS (INSERT INTO runtime_commits (tenant_id, app_id, env, registration_id, instance, \
         entries) SELECT $1, $2, $3, $4, $5, $19 WHERE $19::TEXT IS NOT NULL \
         AND EXISTS (SELECT 1 FROM st)), "
    };
}

/// A commit's session bookkeeping (`$22`: keep the open delivery's number).
macro_rules! pg_save_session_update {
    () => {
        "ses AS (UPDATE player_sessions SET step = COALESCE($21, step), \
         runtime_session = CASE WHEN $22 THEN runtime_session ELSE $23 END, last_seen_at = $8, \
         ended_at = CASE WHEN $24::TEXT IS NULL THEN ended_at ELSE $8 END, \
         exit_reason = COALESCE($24, exit_reason) WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
         AND id = $20 AND ended_at IS NULL AND EXISTS (SELECT 1 FROM st)) "
    };
}

/// A launch supersedes the instance's open sessions (their tabs were closed or are stale;
/// their commits still land through the late-commit rule) and opens its own.
macro_rules! pg_save_session_open {
    () => {
        "ended AS (UPDATE player_sessions SET ended_at = $8, exit_reason = 'relaunched' \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance = $5 \
         AND ended_at IS NULL AND EXISTS (SELECT 1 FROM st)), \
         opened AS (INSERT INTO player_sessions (tenant_id, app_id, env, id, secret_hash, \
         registration_id, instance, course_id, course_version, step, runtime_session, user_agent, \
         started_at, last_seen_at, expires_at, strictness, content_window) \
         SELECT $1, $2, $3, $20, $21, $4, $5, $22, $6, $23, $24, $25, $8, $8, $26, $27, $28 \
         WHERE EXISTS (SELECT 1 FROM st)) "
    };
}

/// What the caller needs to tell the outcomes apart: the new revision (none: nothing was
/// written), whether the registration and the session were there, and the state's revision
/// as the statement found it. The last is looked up only when nothing was written (a
/// `CASE` evaluates only the branch it takes).
macro_rules! pg_save_answer {
    () => {
        "SELECT a.revision, EXISTS (SELECT 1 FROM reg) AS registered, \
         EXISTS (SELECT 1 FROM sess) AS open, CASE WHEN a.revision IS NULL THEN \
         (SELECT revision FROM runtime_states WHERE tenant_id = $1 AND app_id = $2 \
         AND env = $3 AND registration_id = $4 AND instance = $5) END AS current \
         FROM (SELECT (SELECT revision FROM st) AS revision) a"
    };
}

/// The save statement for `write`'s kind: a commit or a launch, over a state or a new one.
fn save_sql(write: &crate::RuntimeWrite) -> &'static str {
    let commit = matches!(write.session, crate::SessionWrite::Update { .. });
    match (commit, write.expected_revision.is_some()) {
        (true, true) => concat!(
            pg_save_registration!(),
            pg_save_open_session!(),
            pg_save_state_update!(),
            pg_save_rollup_transcript!(),
            pg_save_session_update!(),
            pg_save_answer!()
        ),
        (true, false) => concat!(
            pg_save_registration!(),
            pg_save_open_session!(),
            pg_save_state_insert!(),
            pg_save_rollup_transcript!(),
            pg_save_session_update!(),
            pg_save_answer!()
        ),
        (false, true) => concat!(
            pg_save_registration!(),
            pg_save_no_session!(),
            pg_save_state_update!(),
            pg_save_rollup_transcript!(),
            pg_save_session_open!(),
            pg_save_answer!()
        ),
        (false, false) => concat!(
            pg_save_registration!(),
            pg_save_no_session!(),
            pg_save_state_insert!(),
            pg_save_rollup_transcript!(),
            pg_save_session_open!(),
            pg_save_answer!()
        ),
    }
}

/// The save statement with every parameter bound (`$1`–`$19`; the session's from `$20`).
fn save_query(scope: Scope, write: &crate::RuntimeWrite) -> Result<Query<'static>, sqlx::Error> {
    let r = &write.rollup;
    let launched = matches!(write.session, crate::SessionWrite::Open(_));
    let query = scoped(save_sql(write), scope)
        .bind(write.registration.as_str().to_owned())
        .bind(write.instance)
        .bind(write.course_version)
        .bind(write.state.clone())
        .bind(write.now)
        .bind(write.expected_revision)
        .bind(r.completion_status.clone())
        .bind(r.success_status.clone())
        .bind(r.score_scaled)
        .bind(r.score_raw)
        .bind(r.score_min)
        .bind(r.score_max)
        .bind(r.total_time_seconds)
        .bind(r.attempts)
        .bind(launched.then_some(write.now));
    let query = query.bind(transcript_entries(&write.transcript)?);
    Ok(bind_session(query, &write.session))
}

/// `$19`: the commit's transcript as one row's entries (src/transcript.rs), if it changed
/// anything.
fn transcript_entries(rows: &[crate::TranscriptRow]) -> Result<Option<String>, sqlx::Error> {
    crate::transcript::encode(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// From `$20`: a commit's session update or a launch's new session.
fn bind_session(query: Query<'static>, session: &crate::SessionWrite) -> Query<'static> {
    match session {
        crate::SessionWrite::Update {
            id,
            step,
            runtime_session,
            ended,
        } => {
            let (keep, number) = match runtime_session {
                crate::OpenDelivery::Unchanged => (true, None),
                crate::OpenDelivery::Set(n) => (false, *n),
            };
            query
                .bind(id.clone())
                .bind(step.clone())
                .bind(keep)
                .bind(number)
                .bind(ended.clone())
        }
        crate::SessionWrite::Open(new) => query
            .bind(new.id.clone())
            .bind(new.secret_hash.clone())
            .bind(new.course_id.as_str().to_owned())
            .bind(new.step.clone())
            .bind(new.runtime_session)
            .bind(new.user_agent.clone())
            .bind(new.expires_at)
            .bind(new.strictness.clone())
            .bind(new.content_window.clone()),
    }
}

/// Runs one save's statement on `conn` (in a transaction or alone, its scope `scope`);
/// nothing is written unless the outcome is `Saved`.
async fn save_statement(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    write: &crate::RuntimeWrite,
) -> Result<crate::RuntimeSave, sqlx::Error> {
    let row = save_query(scope, write)?.fetch_one(conn).await?;
    save_outcome(&row, write)
}

/// A save's outcome from its answer row (`revision`, `registered`, `open`, `current`).
fn save_outcome(
    row: &DbRow,
    write: &crate::RuntimeWrite,
) -> Result<crate::RuntimeSave, sqlx::Error> {
    let revision: Option<i64> = row.try_get("revision")?;
    let registered: bool = row.try_get("registered")?;
    let open: bool = row.try_get("open")?;
    let current: Option<i64> = row.try_get("current")?;
    Ok(match revision {
        Some(revision) => crate::RuntimeSave::Saved(revision),
        // In the order a save checks them: a lost race (or a gone registration) first, then
        // the session; a race the statement lost while waiting for a row lock shows as
        // neither.
        None if !registered || current != write.expected_revision => crate::RuntimeSave::Conflict,
        None if !open => crate::RuntimeSave::SessionEnded,
        None => crate::RuntimeSave::Conflict,
    })
}
