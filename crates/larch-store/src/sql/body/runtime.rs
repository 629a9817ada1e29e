// The run-time service's storage (included into each backend module).

const SESSION_COLUMNS: &str = "seq, id, registration_id, instance, course_id, course_version, step, runtime_session, \
     user_agent, started_at, last_seen_at, ended_at, exit_reason, expires_at, strictness, content_window";

fn session_from_row(row: &DbRow) -> Result<(i64, crate::PlayerSession), StoreError> {
    let session = crate::PlayerSession {
        id: row.try_get("id")?,
        registration_id: super::super::id_of(
            row.try_get("registration_id")?,
            crate::ids::RegistrationId::parse,
        )?,
        instance: row.try_get("instance")?,
        course_id: super::super::id_of(row.try_get("course_id")?, crate::ids::CourseId::parse)?,
        course_version: row.try_get("course_version")?,
        step: row.try_get("step")?,
        runtime_session: row.try_get("runtime_session")?,
        user_agent: row.try_get("user_agent")?,
        started: row.try_get("started_at")?,
        last_seen: row.try_get("last_seen_at")?,
        ended: row.try_get("ended_at")?,
        exit_reason: row.try_get("exit_reason")?,
        expires_at: row.try_get("expires_at")?,
        strictness: row.try_get("strictness")?,
        content_window: row.try_get("content_window")?,
    };
    Ok((row.try_get("seq")?, session))
}

fn transcript_from_row(row: &DbRow) -> Result<(i64, crate::TranscriptRow), StoreError> {
    let entry = crate::TranscriptRow {
        runtime_session: row.try_get("runtime_session")?,
        activity: row.try_get("activity")?,
        element: row.try_get("element")?,
        old_value: row.try_get("old_value")?,
        new_value: row.try_get("new_value")?,
        warnings: row.try_get("warnings")?,
        at: row.try_get("at")?,
    };
    Ok((row.try_get("seq")?, entry))
}

/// Writes the state if its revision is still the expected one; the new revision, or `None`.
async fn write_state(
    tx: &mut Tx,
    scope: Scope,
    write: &crate::RuntimeWrite,
) -> Result<Option<i64>, StoreError> {
    let reg = write.registration.as_str().to_owned();
    let Some(expected) = write.expected_revision else {
        let inserted = scoped(
            "INSERT INTO runtime_states (tenant_id, app_id, env, registration_id, instance, course_version, state, revision, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT DO NOTHING",
            scope,
        )
        .bind(reg)
        .bind(write.instance)
        .bind(write.course_version)
        .bind(write.state.clone())
        .bind(write.now)
        .execute(&mut **tx)
        .await?;
        return Ok((inserted.rows_affected() == 1).then_some(1));
    };
    let updated = scoped(
        "UPDATE runtime_states SET state = $6, revision = revision + 1, course_version = $7, updated_at = $8 \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance = $5 AND revision = $9",
        scope,
    )
    .bind(reg)
    .bind(write.instance)
    .bind(write.state.clone())
    .bind(write.course_version)
    .bind(write.now)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    Ok((updated.rows_affected() == 1).then_some(expected + 1))
}

/// Transcript rows per INSERT: a commit's changes go in one statement (one round trip on
/// PostgreSQL), well below SQLite's 32,766 bound parameters.
const TRANSCRIPT_ROWS_PER_INSERT: usize = 64;

async fn write_transcript(
    tx: &mut Tx,
    scope: Scope,
    write: &crate::RuntimeWrite,
) -> Result<(), StoreError> {
    for chunk in write.transcript.chunks(TRANSCRIPT_ROWS_PER_INSERT) {
        let sql = transcript_insert(chunk.len());
        let mut query = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str());
        for entry in chunk {
            query = query
                .bind(write.registration.as_str().to_owned())
                .bind(write.instance)
                .bind(entry.runtime_session)
                .bind(entry.activity.clone())
                .bind(entry.element.clone())
                .bind(entry.old_value.clone())
                .bind(entry.new_value.clone())
                .bind(entry.warnings.clone())
                .bind(entry.at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `INSERT … VALUES (…), (…)` for `rows` transcript rows after the three scope parameters.
fn transcript_insert(rows: usize) -> String {
    use std::fmt::Write as _;
    let mut sql = String::from(
        "INSERT INTO runtime_transcript (tenant_id, app_id, env, registration_id, instance, runtime_session, activity, element, old_value, new_value, warnings, at) VALUES ",
    );
    for row in 0..rows {
        let p = 4 + row * 9;
        let sep = if row == 0 { "" } else { ", " };
        let _ = write!(
            sql,
            "{sep}($1, $2, $3, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            p,
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6,
            p + 7,
            p + 8
        );
    }
    sql
}

/// Copies the results onto the registration, which moves to the write's instance and course
/// version; false when it is gone. A write to an instance older than the registration's
/// current one changes nothing here (its results stay with that instance's state).
async fn write_rollup(
    tx: &mut Tx,
    scope: Scope,
    write: &crate::RuntimeWrite,
    launched: bool,
) -> Result<bool, StoreError> {
    let r = &write.rollup;
    let first_access = if launched { Some(write.now) } else { None };
    let updated = scoped(
        "UPDATE registrations SET completion_status = $5, success_status = $6, score_scaled = $7, score_raw = $8, \
         score_min = $9, score_max = $10, total_time_seconds = $11, attempts = $12, \
         first_access_at = COALESCE(first_access_at, $13), last_access_at = $14, updated_at = $14, \
         instance = $15, course_version = $16 \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 AND instance <= $15",
        scope,
    )
    .bind(write.registration.as_str().to_owned())
    .bind(r.completion_status.clone())
    .bind(r.success_status.clone())
    .bind(r.score_scaled)
    .bind(r.score_raw)
    .bind(r.score_min)
    .bind(r.score_max)
    .bind(r.total_time_seconds)
    .bind(r.attempts)
    .bind(first_access)
    .bind(write.now)
    .bind(write.instance)
    .bind(write.course_version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(true);
    }
    let exists = scoped(
        "SELECT 1 FROM registrations WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
        scope,
    )
    .bind(write.registration.as_str().to_owned())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(exists.is_some())
}

async fn open_session(
    tx: &mut Tx,
    scope: Scope,
    write: &crate::RuntimeWrite,
    new: &crate::NewPlayerSession,
) -> Result<(), StoreError> {
    let reg = write.registration.as_str().to_owned();
    // A new launch supersedes the instance's open sessions (their tabs were closed or are
    // stale; their commits still land through the late-commit rule).
    scoped(
        "UPDATE player_sessions SET ended_at = $6, exit_reason = 'relaunched' \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance = $5 AND ended_at IS NULL",
        scope,
    )
    .bind(reg.clone())
    .bind(write.instance)
    .bind(write.now)
    .execute(&mut **tx)
    .await?;
    scoped(
        "INSERT INTO player_sessions (tenant_id, app_id, env, id, secret_hash, registration_id, instance, course_id, course_version, \
         step, runtime_session, user_agent, started_at, last_seen_at, expires_at, strictness, content_window) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16)",
        scope,
    )
    .bind(new.id.clone())
    .bind(new.secret_hash.clone())
    .bind(reg)
    .bind(write.instance)
    .bind(new.course_id.as_str().to_owned())
    .bind(write.course_version)
    .bind(new.step.clone())
    .bind(new.runtime_session)
    .bind(new.user_agent.clone())
    .bind(write.now)
    .bind(new.expires_at)
    .bind(new.strictness.clone())
    .bind(new.content_window.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a commit or navigation on an open session; false when it has ended (or is gone),
/// so a session ended by another request or node is refused at the write.
async fn update_session(
    tx: &mut Tx,
    scope: Scope,
    id: &str,
    step: Option<&String>,
    delivery: crate::OpenDelivery,
    ended: Option<&String>,
    now: i64,
) -> Result<bool, StoreError> {
    let (keep, runtime_session) = match delivery {
        crate::OpenDelivery::Unchanged => (true, None),
        crate::OpenDelivery::Set(n) => (false, n),
    };
    let updated = scoped(
        "UPDATE player_sessions SET step = COALESCE($5, step), \
         runtime_session = CASE WHEN $6 THEN runtime_session ELSE $7 END, last_seen_at = $8, \
         ended_at = CASE WHEN $9 IS NULL THEN ended_at ELSE $8 END, exit_reason = COALESCE($9, exit_reason) \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 AND ended_at IS NULL",
        scope,
    )
    .bind(id.to_owned())
    .bind(step.cloned())
    .bind(keep)
    .bind(runtime_session)
    .bind(now)
    .bind(ended.cloned())
    .execute(&mut **tx)
    .await?;
    Ok(updated.rows_affected() == 1)
}

impl This {
    /// The unexpired player session with this secret hash (only an open one when `open`).
    async fn session_by_hash(
        &self,
        secret_hash: &str,
        now: i64,
        open: bool,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        let mut tx = self.token_read(secret_hash).await?;
        let sql = format!(
            "SELECT tenant_id, app_id, env, {SESSION_COLUMNS} FROM player_sessions \
             WHERE secret_hash = $1 AND expires_at > $2 AND (ended_at IS NULL OR NOT $3)"
        );
        let row = sqlx::query(&sql)
            .bind(secret_hash.to_owned())
            .bind(now)
            .bind(open)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| Ok((scope_of(&r)?, session_from_row(&r)?.1)))
            .transpose()
    }
}

#[async_trait]
impl crate::RuntimeStore for This {
    async fn load(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        instance: i64,
    ) -> Result<Option<crate::StoredRuntime>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT course_version, state, revision FROM runtime_states \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance = $5",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(instance)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(crate::StoredRuntime {
                course_version: r.try_get("course_version")?,
                state: r.try_get("state")?,
                revision: r.try_get("revision")?,
            })
        })
        .transpose()
    }

    async fn instances(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::StoredInstance>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rows = scoped(
            "SELECT instance, course_version, state, updated_at FROM runtime_states \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance < $5 \
             ORDER BY instance DESC LIMIT $6",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(crate::model::cursor_bound(page))
        .bind(crate::model::fetch_limit(page))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(|r| {
                let instance: i64 = r.try_get("instance")?;
                let stored = crate::StoredInstance {
                    instance,
                    course_version: r.try_get("course_version")?,
                    state: r.try_get("state")?,
                    updated: r.try_get("updated_at")?,
                };
                Ok((instance, stored))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn save(
        &self,
        scope: Scope,
        write: crate::RuntimeWrite,
    ) -> Result<crate::RuntimeSave, StoreError> {
        let mut tx = self.write(scope).await?;
        let Some(revision) = write_state(&mut tx, scope, &write).await? else {
            return Ok(crate::RuntimeSave::Conflict);
        };
        let launched = matches!(write.session, crate::SessionWrite::Open(_));
        if !write_rollup(&mut tx, scope, &write, launched).await? {
            return Ok(crate::RuntimeSave::Conflict);
        }
        write_transcript(&mut tx, scope, &write).await?;
        match &write.session {
            crate::SessionWrite::Open(new) => {
                open_session(&mut tx, scope, &write, new).await?;
            }
            crate::SessionWrite::Update {
                id,
                step,
                runtime_session,
                ended,
            } => {
                let (step, ended) = (step.as_ref(), ended.as_ref());
                let open =
                    update_session(&mut tx, scope, id, step, *runtime_session, ended, write.now)
                        .await?;
                if !open {
                    // Dropping the transaction rolls the state write back.
                    return Ok(crate::RuntimeSave::SessionEnded);
                }
            }
        }
        tx.commit().await?;
        Ok(crate::RuntimeSave::Saved(revision))
    }

    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        self.session_by_hash(secret_hash, now, true).await
    }

    async fn any_session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        self.session_by_hash(secret_hash, now, false).await
    }

    async fn session(
        &self,
        scope: Scope,
        id: &str,
    ) -> Result<Option<crate::PlayerSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM player_sessions WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
        );
        let mut tx = self.read(scope).await?;
        let row = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str())
            .bind(id.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| session_from_row(&r).map(|(_, s)| s)).transpose()
    }

    async fn sessions(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::PlayerSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM player_sessions WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND registration_id = $4 AND seq < $5 ORDER BY seq DESC LIMIT $6"
        );
        let mut tx = self.read(scope).await?;
        let rows = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str())
            .bind(registration.as_str().to_owned())
            .bind(crate::model::cursor_bound(page))
            .bind(crate::model::fetch_limit(page))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows.iter().map(session_from_row).collect::<Result<_, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn transcript(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::TranscriptRow>, StoreError> {
        let mut tx = self.read(scope).await?;
        // Oldest first: the cursor is the last sequence read, the next page starts above it.
        let rows = scoped(
            "SELECT seq, runtime_session, activity, element, old_value, new_value, warnings, at FROM runtime_transcript \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND seq > $5 ORDER BY seq LIMIT $6",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(page.after.map_or(0, |c| c.0))
        .bind(crate::model::fetch_limit(page))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = rows.iter().map(transcript_from_row).collect::<Result<_, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn stale_sessions(
        &self,
        seen_before: i64,
        limit: i64,
    ) -> Result<Vec<crate::StaleSession>, StoreError> {
        let mut tx = self.unscoped_write().await?;
        if self.kind_name() == "postgres" {
            sqlx::query("SELECT set_config('larch.worker', 'runtime', true)")
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!(
            "SELECT tenant_id, app_id, env, {SESSION_COLUMNS} FROM player_sessions \
             WHERE ended_at IS NULL AND last_seen_at < $1 ORDER BY last_seen_at LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(seen_before)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(crate::StaleSession {
                    scope: scope_of(r)?,
                    session: session_from_row(r)?.1,
                })
            })
            .collect()
    }

    async fn server_secret(&self, name: &str, generate: String) -> Result<String, StoreError> {
        let mut tx = self.unscoped_write().await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(name.to_owned())
        .bind(generate)
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name.to_owned())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }
}
