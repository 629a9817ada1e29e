//! One run-time save's statements on the writer thread's connection: the same writes as
//! PostgreSQL's one statement makes (sql/pg_runtime_save_sql.rs), one statement at a time.

use crate::{OpenDelivery, RuntimeSave, RuntimeWrite, Scope, SessionWrite, StoreError};
use rusqlite::{Connection, params};

/// One save's statements (nothing committed here). Anything but `Saved` leaves writes behind
/// that the caller must roll back.
pub(super) fn write_one(
    conn: &Connection,
    scope: Scope,
    write: &RuntimeWrite,
) -> Result<RuntimeSave, StoreError> {
    let s = Scoped::of(scope, write);
    let Some(revision) = write_state(conn, &s, write)? else {
        return Ok(RuntimeSave::Conflict);
    };
    let launched = matches!(write.session, SessionWrite::Open(_));
    if !write_rollup(conn, &s, write, launched)? {
        return Ok(RuntimeSave::Conflict);
    }
    write_transcript(conn, &s, write)?;
    match &write.session {
        SessionWrite::Open(new) => open_session(conn, &s, write, new)?,
        SessionWrite::Update {
            id,
            step,
            runtime_session,
            ended,
        } => {
            let update = SessionUpdate {
                id,
                step: step.as_deref(),
                delivery: *runtime_session,
                ended: ended.as_deref(),
            };
            if !update_session(conn, &s, &update, write.now)? {
                return Ok(RuntimeSave::SessionEnded);
            }
        }
    }
    Ok(RuntimeSave::Saved(revision))
}

/// The scope and registration every statement of a save starts with (`?1`…`?4`).
struct Scoped<'a> {
    tenant: i64,
    app: i64,
    env: &'a str,
    registration: &'a str,
}

impl<'a> Scoped<'a> {
    fn of(scope: Scope, write: &'a RuntimeWrite) -> Self {
        Self {
            tenant: scope.tenant.0,
            app: scope.app.0,
            env: scope.env.as_str(),
            registration: write.registration.as_str(),
        }
    }
}

/// Writes the state if its revision is still the expected one; the new revision, or `None`.
fn write_state(
    conn: &Connection,
    s: &Scoped<'_>,
    write: &RuntimeWrite,
) -> Result<Option<i64>, StoreError> {
    let Some(expected) = write.expected_revision else {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO runtime_states (tenant_id, app_id, env, registration_id, instance, \
                 course_version, state, revision, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                s.tenant,
                s.app,
                s.env,
                s.registration,
                write.instance,
                write.course_version,
                write.state,
                write.now
            ])?;
        return Ok((inserted == 1).then_some(1));
    };
    let updated = conn
        .prepare_cached(
            "UPDATE runtime_states SET state = ?6, revision = revision + 1, course_version = ?7, \
             updated_at = ?8 WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 \
             AND registration_id = ?4 AND instance = ?5 AND revision = ?9",
        )?
        .execute(params![
            s.tenant,
            s.app,
            s.env,
            s.registration,
            write.instance,
            write.state,
            write.course_version,
            write.now,
            expected
        ])?;
    Ok((updated == 1).then_some(expected + 1))
}

/// Copies the results onto the registration, which moves to the write's instance and course
/// version; false when it is gone. A write to an instance older than the registration's
/// current one changes nothing here (its results stay with that instance's state).
fn write_rollup(
    conn: &Connection,
    s: &Scoped<'_>,
    write: &RuntimeWrite,
    launched: bool,
) -> Result<bool, StoreError> {
    let r = &write.rollup;
    let first_access = launched.then_some(write.now);
    let updated = conn
        .prepare_cached(
            "UPDATE registrations SET completion_status = ?5, success_status = ?6, \
             score_scaled = ?7, score_raw = ?8, score_min = ?9, score_max = ?10, \
             total_time_seconds = ?11, attempts = ?12, \
             first_access_at = COALESCE(first_access_at, ?13), last_access_at = ?14, \
             updated_at = ?14, instance = ?15, course_version = ?16 \
             WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND id = ?4 AND instance <= ?15",
        )?
        .execute(params![
            s.tenant,
            s.app,
            s.env,
            s.registration,
            r.completion_status,
            r.success_status,
            r.score_scaled,
            r.score_raw,
            r.score_min,
            r.score_max,
            r.total_time_seconds,
            r.attempts,
            first_access,
            write.now,
            write.instance,
            write.course_version
        ])?;
    if updated == 1 {
        return Ok(true);
    }
    let exists = conn
        .prepare_cached(
            "SELECT 1 FROM registrations WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND id = ?4",
        )?
        .exists(params![s.tenant, s.app, s.env, s.registration])?;
    Ok(exists)
}

/// The commit's changes as one row (src/transcript.rs), if it made any.
fn write_transcript(
    conn: &Connection,
    s: &Scoped<'_>,
    write: &RuntimeWrite,
) -> Result<(), StoreError> {
    let Some(entries) = crate::transcript::encode(&write.transcript)? else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO runtime_commits (tenant_id, app_id, env, registration_id, instance, entries) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        s.tenant,
        s.app,
        s.env,
        s.registration,
        write.instance,
        entries
    ])?;
    Ok(())
}

/// A launch's session; it supersedes the instance's open sessions (their tabs were closed or
/// are stale; their commits still land through the late-commit rule).
fn open_session(
    conn: &Connection,
    s: &Scoped<'_>,
    write: &RuntimeWrite,
    new: &crate::NewPlayerSession,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE player_sessions SET ended_at = ?6, exit_reason = 'relaunched' \
         WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND registration_id = ?4 \
         AND instance = ?5 AND ended_at IS NULL",
    )?
    .execute(params![
        s.tenant,
        s.app,
        s.env,
        s.registration,
        write.instance,
        write.now
    ])?;
    conn.prepare_cached(
        "INSERT INTO player_sessions (tenant_id, app_id, env, id, secret_hash, registration_id, \
         instance, course_id, course_version, step, runtime_session, user_agent, started_at, \
         last_seen_at, expires_at, strictness, content_window) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        s.tenant,
        s.app,
        s.env,
        new.id,
        new.secret_hash,
        s.registration,
        write.instance,
        new.course_id.as_str(),
        write.course_version,
        new.step,
        new.runtime_session,
        new.user_agent,
        write.now,
        new.expires_at,
        new.strictness,
        new.content_window
    ])?;
    Ok(())
}

/// A commit's or navigation's session bookkeeping.
struct SessionUpdate<'a> {
    id: &'a str,
    step: Option<&'a str>,
    delivery: OpenDelivery,
    ended: Option<&'a str>,
}

/// Records a commit or navigation on an open session; false when it has ended (or is gone),
/// so a session ended by another request or node is refused at the write.
fn update_session(
    conn: &Connection,
    s: &Scoped<'_>,
    update: &SessionUpdate<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let (keep, runtime_session) = match update.delivery {
        OpenDelivery::Unchanged => (true, None),
        OpenDelivery::Set(n) => (false, n),
    };
    let updated = conn
        .prepare_cached(
            "UPDATE player_sessions SET step = COALESCE(?5, step), \
             runtime_session = CASE WHEN ?6 THEN runtime_session ELSE ?7 END, last_seen_at = ?8, \
             ended_at = CASE WHEN ?9 IS NULL THEN ended_at ELSE ?8 END, \
             exit_reason = COALESCE(?9, exit_reason) \
             WHERE tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND id = ?4 AND ended_at IS NULL",
        )?
        .execute(params![
            s.tenant,
            s.app,
            s.env,
            update.id,
            update.step,
            keep,
            runtime_session,
            now,
            update.ended
        ])?;
    Ok(updated == 1)
}
