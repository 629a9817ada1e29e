// Run-time saves on PostgreSQL (included into sql/postgres.rs's body module only; SQLite has
// body/runtime_save.rs). Each save is one data-modifying statement, one round trip, and the
// group commit lanes (sql/group_commit.rs) write a batch of them in one transaction with no
// savepoints; the batch's commits over existing states share one statement
// (pg_runtime_batch.rs; docs/runtime.md, "Performance").
//
// A save's statement writes all of its rows or none. A commit over an existing state is
// first tried in a group statement (of one save or more), which locks nothing before it
// writes and fails as a whole if a save cannot be written whole (pg_runtime_batch.rs).
// Otherwise, and for launches and first states, a save's own statement
// (pg_runtime_save_sql.rs) first locks the registration and, for a commit, its player session
// if that is still open; the state is written only if both were found and the state's
// revision is the expected one; the rollup, transcript and session rows only if the state was
// written. A save refused for a lost race, a gone registration or an ended session thus
// leaves nothing behind and needs no savepoint to undo it. A save failing in the database (a
// constraint) aborts the transaction: the batch is rolled back, that save is tried alone,
// and the rest are written again together.

/// How a batch's transaction failed (nothing of it was committed).
enum BatchFailure {
    /// The save at this index failed in the database: the others may still go together.
    Save(usize, StoreError),
    /// A statement of several saves failed in the database: which one is unknown.
    Group(StoreError),
    /// The transaction itself (no connection, `COMMIT` refused).
    Whole(StoreError),
}

/// A failure in a batch of the saves at `run`: a database error belongs to that save (or to
/// one of that group statement's saves); the database being unreachable to the whole batch.
fn failure_at(run: &std::ops::Range<usize>, err: sqlx::Error) -> BatchFailure {
    match StoreError::from(err) {
        e if e.is_unavailable() => BatchFailure::Whole(e),
        e if run.len() == 1 => BatchFailure::Save(run.start, e),
        e => BatchFailure::Group(e),
    }
}

/// A boxed, `Send` future (a spawned future must be `Send` for every lifetime of its borrows).
type BoxedSave<'a, T, E = StoreError> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'a>>;

/// Every save of the batch, in order, on the lane's connection: commits of different
/// registrations over existing states in one group statement each run (`grouped`,
/// pg_runtime_batch.rs), other saves one statement each. A batch that is one statement runs
/// as a transaction of its own (one round trip, pg_runtime_lane.rs); a longer one between
/// `BEGIN` and `COMMIT`, its scope set again (for the transaction only) where it changes; the
/// batch is sorted by scope first.
fn batch_transaction<'a>(
    lane: &'a mut LaneConnection,
    batch: &'a [crate::sql::group_commit::Job],
    grouped: bool,
) -> BoxedSave<'a, Vec<crate::RuntimeSave>, BatchFailure> {
    Box::pin(async move {
        let Some(first) = batch.first().map(|job| job.scope) else {
            return Ok(Vec::new());
        };
        let runs = save_runs(batch, grouped);
        let conn = lane.scoped(first).await.map_err(BatchFailure::Whole)?;
        if let [run] = runs.as_slice() {
            let written = write_run(conn, first, &batch[run.clone()], grouped).await;
            return written.map_err(|e| failure_at(run, e));
        }
        let mut tx = sqlx::Connection::begin(conn)
            .await
            .map_err(|e| BatchFailure::Whole(StoreError::unavailable(e)))?;
        let (mut scope, mut outcomes) = (first, Vec::with_capacity(batch.len()));
        for run in runs {
            let jobs = &batch[run.clone()];
            if jobs[0].scope != scope {
                scope = jobs[0].scope;
                This::enter_scope(&mut tx, scope)
                    .await
                    .map_err(BatchFailure::Whole)?;
            }
            let written = write_run(&mut tx, scope, jobs, grouped).await;
            outcomes.extend(written.map_err(|e| failure_at(&run, e))?);
        }
        tx.commit()
            .await
            .map_err(|e| BatchFailure::Whole(e.into()))?;
        Ok(outcomes)
    })
}

/// One run of a batch: a group statement for commits over existing states (while `grouped`),
/// a save's own statement otherwise.
async fn write_run(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    jobs: &[crate::sql::group_commit::Job],
    grouped: bool,
) -> Result<Vec<crate::RuntimeSave>, sqlx::Error> {
    match jobs {
        [job] if !(grouped && groupable(&job.write)) => save_statement(conn, scope, &job.write)
            .await
            .map(|outcome| vec![outcome]),
        _ => save_group(conn, scope, jobs).await,
    }
}

/// Whether `batch` is worth a transaction of its own: several saves, or one that a group
/// statement may write (while `grouped`). Otherwise its saves are written alone.
fn worth_a_batch(batch: &[crate::sql::group_commit::Job], grouped: bool) -> bool {
    match batch {
        [] => false,
        [job] => grouped && groupable(&job.write),
        _ => true,
    }
}

/// One save in a transaction of its own (a batch of one, or a failed batch's save): its
/// statement alone, which writes all or nothing, so a refused save commits nothing.
fn save_alone<'a>(
    lane: &'a mut LaneConnection,
    scope: Scope,
    write: &'a crate::RuntimeWrite,
) -> BoxedSave<'a, crate::RuntimeSave> {
    Box::pin(async move {
        let conn = lane.scoped(scope).await?;
        let outcome = save_statement(conn, scope, write)
            .await
            .map_err(StoreError::from);
        if outcome.as_ref().is_err_and(StoreError::is_unavailable) {
            lane.reset();
        }
        outcome
    })
}

/// Writes `job` alone and answers it.
async fn answer_alone(
    lane: &mut LaneConnection,
    job: crate::sql::group_commit::Job,
    counts: &crate::sql::group_commit::Counts,
) {
    counts.add(1);
    let outcome = save_alone(lane, job.scope, &job.write).await;
    let _ = job.reply.send(outcome);
}

/// Writes a batch in one transaction and answers every save after its `COMMIT`. A save failing
/// in the database is taken out and tried alone (so it gets its own error, or succeeds if
/// the failure came from the company it kept, e.g. a deadlock), and the rest are written
/// again together; when a group statement failed (also when one of its saves was refused:
/// it then writes nothing, pg_runtime_batch.rs), the batch is written again with one
/// statement per save, which finds that save and gives each its own outcome. A batch of one
/// commit is tried as a group statement too, then, if refused, alone. If the transaction itself fails, the lane
/// takes a fresh connection and each save is tried alone.
async fn write_batch(
    lane: &mut LaneConnection,
    mut batch: Vec<crate::sql::group_commit::Job>,
    counts: std::sync::Arc<crate::sql::group_commit::Counts>,
) {
    batch.sort_by(|a, b| a.lock_order().cmp(&b.lock_order()));
    let mut grouped = true;
    while worth_a_batch(&batch, grouped) {
        counts.add(batch.len());
        match batch_transaction(lane, &batch, grouped).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
                return;
            }
            Err(BatchFailure::Group(e)) => {
                tracing::debug!(error = %e, saves = batch.len(), "a group of saves failed");
                grouped = false;
            }
            Err(BatchFailure::Save(i, e)) => {
                tracing::debug!(error = %e, saves = batch.len(), "a save failed in its batch");
                answer_alone(lane, batch.remove(i), &counts).await;
                grouped = true;
            }
            Err(BatchFailure::Whole(e)) => {
                let saves = batch.len();
                tracing::warn!(error = %e, saves, "group commit failed: saving each alone");
                lane.reset();
                break;
            }
        }
    }
    for job in batch {
        answer_alone(lane, job, &counts).await;
    }
}

/// Starts `lanes` writer tasks on `pool`, each with a connection of its own
/// (pg_runtime_lane.rs), writing batches of at most `max_batch` saves (and counting them for
/// `analyze`, when autovacuum is off).
pub(super) fn start_group_commit(
    pool: &sqlx::Pool<Db>,
    lanes: usize,
    max_batch: usize,
    analyze: Option<&std::sync::Arc<crate::sql::pg_analyze::AnalyzeSchedule>>,
) -> crate::sql::group_commit::GroupCommit {
    let (queue, shared) = crate::sql::group_commit::GroupCommit::new();
    // A second lane starts while one writes only once a quarter of a batch waits: at light
    // load one statement then carries every commit queued meanwhile (docs/runtime.md).
    shared.pace.overlap_from(max_batch / 4);
    let bounds = (crate::sql::group_commit::Bounds::jobs(max_batch), (|_| 1) as fn(&_) -> usize);
    for _ in 0..lanes.max(1) {
        let (stats, analyze) = (pool.clone(), analyze.cloned());
        let taken = move |saves| {
            if let Some(schedule) = &analyze {
                schedule.saved(&stats, saves);
            }
        };
        spawn_lane(pool.clone(), shared.clone(), bounds, taken, |mut conn, batch, counts| async move {
            write_batch(&mut conn, batch, counts).await;
            conn
        });
    }
    queue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CourseId, LearnerId, RegistrationId};
    use crate::sql::group_commit::{Counts, Job};
    use crate::{RuntimeSave, RuntimeWrite, SessionWrite};

    /// Saves in the batch written below.
    pub(super) const SAVES: usize = 6;

    /// A scope with the sample course and `SAVES + 1` registrations.
    pub(super) async fn registrations(store: &crate::Store) -> (Scope, Vec<RegistrationId>) {
        let tenant = store.tenants().create_tenant("acme").await.unwrap();
        let app = store.tenants().create_application(tenant.id, "lms");
        let scope = Scope {
            tenant: tenant.id,
            app: app.await.unwrap().id,
            env: crate::Environment::Test,
        };
        let course = crate::testing::sample_course("golf");
        store.courses().create_version(scope, course).await.unwrap();
        let mut regs = Vec::new();
        for i in 0..=SAVES {
            let id = RegistrationId::parse(&format!("reg-{i}")).unwrap();
            let learner = crate::NewLearner {
                id: LearnerId::parse(&format!("learner-{i}")).unwrap(),
                first_name: "Ada".into(),
                last_name: "L".into(),
                email: None,
            };
            let new = crate::NewRegistration {
                id: id.clone(),
                course_id: CourseId::parse("golf").unwrap(),
                learner: crate::LearnerRef::CreateIfAbsent(learner),
                instance_policy: None,
            };
            store.registrations().create(scope, new).await.unwrap();
            regs.push(id);
        }
        (scope, regs)
    }

    /// The first launch of `reg`, opening player session `ps_{session}`.
    pub(super) fn launch(reg: &RegistrationId, session: &str) -> RuntimeWrite {
        RuntimeWrite {
            registration: reg.clone(),
            instance: 0,
            course_version: 1,
            expected_revision: None,
            state: "{}".into(),
            transcript: Vec::new(),
            rollup: crate::Rollup::default(),
            session: SessionWrite::Open(crate::NewPlayerSession {
                id: format!("ps_{session}"),
                course_id: CourseId::parse("golf").unwrap(),
                secret_hash: format!("hash-{session}"),
                user_agent: None,
                expires_at: i64::MAX / 2,
                step: "{}".into(),
                runtime_session: Some(1),
                strictness: "forgiving".into(),
                content_window: "frame".into(),
            }),
            now: 1_000,
        }
    }

    /// A batch whose third save reuses a stored session's id: that save fails alone (a unique
    /// violation aborts the transaction), and the other five are written again together, so
    /// the batch took three transactions rather than one per save.
    #[tokio::test]
    async fn a_save_failing_in_the_database_leaves_its_batch_and_the_rest_go_together() {
        let db = crate::testing::postgres().await;
        let (scope, regs) = registrations(&db.store).await;
        let taken = db.store.runtime().save(scope, launch(&regs[SAVES], "taken"));
        assert_eq!(taken.await.unwrap(), RuntimeSave::Saved(1));
        let crate::DatabaseConfig::Postgres { url, .. } = &db.config else {
            panic!("a PostgreSQL test database");
        };
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let (mut jobs, mut replies) = (Vec::new(), Vec::new());
        for (i, reg) in regs[..SAVES].iter().enumerate() {
            let session = if i == 2 { "taken".to_owned() } else { i.to_string() };
            let (reply, outcome) = tokio::sync::oneshot::channel();
            let write = launch(reg, &session);
            jobs.push(Job { scope, write, reply });
            replies.push(outcome);
        }
        let counts = std::sync::Arc::new(Counts::default());
        let mut lane = LaneConnection::new(pool.clone());
        write_batch(&mut lane, jobs, std::sync::Arc::clone(&counts)).await;
        for (i, outcome) in replies.into_iter().enumerate() {
            match outcome.await.unwrap() {
                Err(StoreError::Conflict) if i == 2 => {}
                Ok(RuntimeSave::Saved(1)) if i != 2 => {}
                other => panic!("save {i}: {other:?}"),
            }
        }
        assert_eq!(counts.get(), (3, 12));
        let failed = db.store.runtime().load(scope, &regs[2], 0).await.unwrap();
        assert!(failed.is_none(), "the failed launch left no state");
        // The lane's connection never goes back to the pool: `close` would wait for it.
        drop(lane);
        pool.close().await;
    }
}
