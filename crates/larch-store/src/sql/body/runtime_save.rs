// Run-time saves (included into each backend module): one save's statements, and the group
// commit lanes that write many saves in one transaction (sql/group_commit.rs).

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

/// One save's statements in `tx` (nothing committed here). Anything but `Saved` leaves
/// writes behind that the caller must roll back.
fn write_one<'a>(
    tx: &'a mut Tx,
    scope: Scope,
    write: &'a crate::RuntimeWrite,
) -> BoxedSave<'a, crate::RuntimeSave> {
    Box::pin(write_one_inner(tx, scope, write))
}

async fn write_one_inner(
    tx: &mut Tx,
    scope: Scope,
    write: &crate::RuntimeWrite,
) -> Result<crate::RuntimeSave, StoreError> {
    let Some(revision) = write_state(tx, scope, write).await? else {
        return Ok(crate::RuntimeSave::Conflict);
    };
    let launched = matches!(write.session, crate::SessionWrite::Open(_));
    if !write_rollup(tx, scope, write, launched).await? {
        return Ok(crate::RuntimeSave::Conflict);
    }
    write_transcript(tx, scope, write).await?;
    match &write.session {
        crate::SessionWrite::Open(new) => open_session(tx, scope, write, new).await?,
        crate::SessionWrite::Update {
            id,
            step,
            runtime_session,
            ended,
        } => {
            let (step, ended) = (step.as_ref(), ended.as_ref());
            let open =
                update_session(tx, scope, id, step, *runtime_session, ended, write.now).await?;
            if !open {
                return Ok(crate::RuntimeSave::SessionEnded);
            }
        }
    }
    Ok(crate::RuntimeSave::Saved(revision))
}

/// Starts `lanes` writer tasks on `pool`, writing batches of at most `max_batch` saves.
pub(super) fn start_group_commit(
    pool: &sqlx::Pool<Db>,
    lanes: usize,
    max_batch: usize,
) -> crate::sql::group_commit::GroupCommit {
    let (queue, shared) = crate::sql::group_commit::GroupCommit::new();
    for _ in 0..lanes.max(1) {
        let (pool, lane) = (pool.clone(), shared.clone());
        tokio::spawn(async move {
            while let Some(batch) = crate::sql::group_commit::next_batch(&lane, max_batch).await
            {
                // A panic in one batch must not stop the lane: its callers' replies are
                // dropped, which they see as `WorkerCrashed`.
                let counts = std::sync::Arc::clone(&lane.counts);
                let _ = tokio::spawn(write_batch(pool.clone(), batch, counts)).await;
            }
        });
    }
    queue
}

/// Writes a batch in one transaction and answers every job after `COMMIT`. When the batch
/// as a whole fails (no connection, `COMMIT` refused, a savepoint that cannot be rolled
/// back), nothing of it is committed and each job is tried again alone, so every caller
/// gets its own outcome.
async fn write_batch(
    pool: sqlx::Pool<Db>,
    mut batch: Vec<crate::sql::group_commit::Job>,
    counts: std::sync::Arc<crate::sql::group_commit::Counts>,
) {
    batch.sort_by(|a, b| a.lock_order().cmp(&b.lock_order()));
    let outcomes = match batch.len() {
        1 => Err(()),
        n => {
            counts.add(n);
            batch_transaction(&pool, &batch).await.map_err(|e| {
                tracing::warn!(error = %e, saves = n, "group commit failed: saving each alone");
            })
        }
    };
    match outcomes {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(()) => {
            for job in batch {
                counts.add(1);
                let outcome = save_alone(&pool, job.scope, &job.write).await;
                let _ = job.reply.send(outcome);
            }
        }
    }
}

/// Every job of the batch under its own savepoint, then one `COMMIT`. (Boxed, like the
/// trait methods: a spawned future must be `Send` for every lifetime of its borrows.)
fn batch_transaction<'a>(
    pool: &'a sqlx::Pool<Db>,
    batch: &'a [crate::sql::group_commit::Job],
) -> BoxedSave<'a, Vec<Result<crate::RuntimeSave, StoreError>>> {
    Box::pin(async move {
        let mut tx = pool.begin().await.map_err(StoreError::unavailable)?;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut held = false;
        for job in batch {
            This::job_savepoint(&mut tx, job.scope, held).await?;
            let outcome = write_one(&mut tx, job.scope, &job.write).await;
            held = matches!(outcome, Ok(crate::RuntimeSave::Saved(_)));
            if !held {
                let undo = "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job";
                sqlx::Executor::execute(&mut *tx, undo).await?;
            }
            outcomes.push(outcome);
        }
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// A boxed, `Send` store future.
type BoxedSave<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// One save in a transaction of its own (a batch of one, or a failed batch's jobs).
fn save_alone<'a>(
    pool: &'a sqlx::Pool<Db>,
    scope: Scope,
    write: &'a crate::RuntimeWrite,
) -> BoxedSave<'a, crate::RuntimeSave> {
    Box::pin(async move {
        let mut tx = This::begin_scoped(pool, scope).await?;
        let outcome = write_one(&mut tx, scope, write).await?;
        if matches!(outcome, crate::RuntimeSave::Saved(_)) {
            tx.commit().await?;
        }
        // Otherwise dropping the transaction rolls back what was written.
        Ok(outcome)
    })
}
