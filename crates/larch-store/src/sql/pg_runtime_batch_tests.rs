// Tests of pg_runtime_batch.rs (included last into sql/postgres.rs's body module, after
// pg_runtime_save.rs and its tests, whose fixtures they share).

#[cfg(test)]
mod batch_tests {
    use super::tests::{SAVES, launch, registrations};
    use super::*;
    use crate::ids::RegistrationId;
    use crate::sql::group_commit::{Counts, Job};
    use crate::{OpenDelivery, RuntimeSave, RuntimeWrite, SessionWrite, TranscriptRow};
    use tokio::sync::oneshot;

    /// A commit in session `ps_{session}` from revision `expected`, recording two changes.
    fn commit(reg: &RegistrationId, session: &str, expected: i64, value: &str) -> RuntimeWrite {
        let row = |element: &str, at: i64| TranscriptRow {
            runtime_session: 1,
            activity: "sco-1".into(),
            element: element.into(),
            old_value: None,
            new_value: value.into(),
            warnings: "[]".into(),
            at,
        };
        RuntimeWrite {
            expected_revision: Some(expected),
            state: format!("{{\"value\":\"{value}\"}}"),
            transcript: vec![
                row("cmi.core.lesson_location", 2_000),
                row("cmi.suspend_data", 2_001),
            ],
            rollup: crate::Rollup {
                completion_status: "completed".into(),
                attempts: 1,
                score_raw: Some(80.0),
                ..crate::Rollup::default()
            },
            session: SessionWrite::Update {
                id: format!("ps_{session}"),
                step: Some(format!("{{\"at\":\"{value}\"}}")),
                runtime_session: OpenDelivery::Set(Some(2)),
                ended: None,
            },
            now: 2_000,
            ..launch(reg, session)
        }
    }

    /// Jobs for `writes` in `scope`, and where their outcomes will come.
    fn jobs(scope: Scope, writes: Vec<RuntimeWrite>) -> (Vec<Job>, Vec<oneshot::Receiver<Reply>>) {
        writes
            .into_iter()
            .map(|write| {
                let (reply, outcome) = oneshot::channel();
                (Job { scope, write, reply }, outcome)
            })
            .unzip()
    }

    type Reply = Result<RuntimeSave, StoreError>;

    /// `SAVES` registrations launched (sessions `ps_0` …), each at revision 1.
    async fn launched(store: &crate::Store) -> (Scope, Vec<RegistrationId>) {
        let (scope, regs) = registrations(store).await;
        for (i, reg) in regs.iter().enumerate() {
            let saved = store.runtime().save(scope, launch(reg, &i.to_string())).await;
            assert_eq!(saved.unwrap(), RuntimeSave::Saved(1));
        }
        (scope, regs)
    }

    /// Writes `batch` on a lane connection of its own: the transactions and saves it took.
    async fn write_on_a_lane(pool: &sqlx::PgPool, batch: Vec<Job>) -> (u64, u64) {
        let counts = std::sync::Arc::new(Counts::default());
        let mut lane = LaneConnection::new(pool.clone());
        write_batch(&mut lane, batch, std::sync::Arc::clone(&counts)).await;
        counts.get()
    }

    /// A PostgreSQL test store and a pool of its own to write batches with.
    async fn database() -> (crate::testing::TestDb, sqlx::PgPool) {
        let db = crate::testing::postgres().await;
        let crate::DatabaseConfig::Postgres { url, .. } = &db.config else {
            panic!("a PostgreSQL test database");
        };
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        (db, pool)
    }

    #[test]
    fn commits_of_different_registrations_share_a_statement() {
        let scope = Scope {
            tenant: crate::TenantId(1),
            app: crate::AppId(1),
            env: crate::Environment::Test,
        };
        let reg = |i: usize| RegistrationId::parse(&format!("reg-{i}")).unwrap();
        let other = Scope {
            env: crate::Environment::Live,
            ..scope
        };
        let (mut batch, _replies) = jobs(
            scope,
            vec![
                commit(&reg(0), "0", 1, "a"),
                commit(&reg(1), "1", 1, "a"),
                commit(&reg(1), "1", 1, "b"),
                commit(&reg(2), "2", 1, "a"),
                launch(&reg(3), "3"),
                commit(&reg(4), "4", 1, "a"),
                RuntimeWrite {
                    expected_revision: None,
                    ..commit(&reg(5), "5", 1, "a")
                },
                commit(&reg(6), "6", 1, "a"),
                commit(&reg(7), "7", 1, "a"),
            ],
        );
        batch[8].scope = other;
        // A repeated registration, a launch, a first state and a new scope each start a run.
        let runs = [0..2, 2..4, 4..5, 5..6, 6..7, 7..8, 8..9];
        assert_eq!(save_runs(&batch, true), runs);
        let alone: Vec<_> = (0..batch.len()).map(|i| i..i + 1).collect();
        assert_eq!(save_runs(&batch, false), alone);
    }

    /// Commits of different registrations: a stale revision, an ended session and a deleted
    /// registration each write nothing and get their own outcome; of two commits from one
    /// revision, the first wins; the rest are stored whole, their transcript rows in order.
    /// The refusals fail the group statement, so the batch takes a second transaction, save
    /// by save.
    #[tokio::test]
    async fn a_group_statement_gives_each_save_its_own_outcome() {
        use RuntimeSave::{Conflict, Saved, SessionEnded};
        let (db, pool) = database().await;
        let (scope, regs) = launched(&db.store).await;
        let relaunch = RuntimeWrite {
            expected_revision: Some(1),
            ..launch(&regs[1], "1-again")
        };
        let relaunched = db.store.runtime().save(scope, relaunch).await;
        assert_eq!(relaunched.unwrap(), Saved(2));
        assert!(db.store.registrations().delete(scope, &regs[3]).await.unwrap());
        let mut writes: Vec<_> = regs[..SAVES]
            .iter()
            .enumerate()
            .map(|(i, r)| commit(r, &i.to_string(), if i == 1 { 2 } else { 1 }, "p2"))
            .collect();
        writes[0].expected_revision = Some(7);
        writes.push(commit(&regs[2], "2", 1, "p3"));
        let (batch, replies) = jobs(scope, writes);
        let counts = write_on_a_lane(&pool, batch).await;
        let mut outcomes = Vec::new();
        for reply in replies {
            outcomes.push(reply.await.unwrap().unwrap());
        }
        let expected = [Conflict, SessionEnded, Saved(2), Conflict, Saved(2), Saved(2), Conflict];
        assert_eq!(outcomes, expected);
        assert_eq!(counts, (2, 14), "the group, then save by save");
        let runtime = db.store.runtime();
        let page = crate::PageRequest {
            limit: 10,
            after: None,
        };
        for (i, reg) in regs[..SAVES].iter().enumerate() {
            let rows = runtime.transcript(scope, reg, page).await.unwrap().items;
            let elements: Vec<_> = rows.iter().map(|t| t.element.as_str()).collect();
            let state = runtime.load(scope, reg, 0).await.unwrap();
            let session = runtime.session(scope, &format!("ps_{i}")).await.unwrap();
            if matches!(outcomes[i], Saved(_)) {
                let stored = state.unwrap();
                assert_eq!((stored.revision, stored.state.as_str()), (2, "{\"value\":\"p2\"}"));
                assert_eq!(elements, ["cmi.core.lesson_location", "cmi.suspend_data"]);
                let session = session.unwrap();
                assert_eq!(session.step, "{\"at\":\"p2\"}");
                assert_eq!((session.runtime_session, session.last_seen), (Some(2), 2_000));
                let r = db.store.registrations().get(scope, reg).await.unwrap();
                assert_eq!(r.unwrap().last_access, Some(2_000));
            } else {
                assert!(elements.is_empty(), "save {i} wrote no transcript");
                let unchanged = state.map(|s| s.revision);
                assert!(matches!(unchanged, None | Some(1 | 2)), "save {i}");
                assert_ne!(session.map(|s| s.last_seen), Some(2_000), "save {i}");
            }
        }
        pool.close().await;
    }

    /// Commits that can all be written whole go in one group statement, in one transaction.
    #[tokio::test]
    async fn writable_commits_take_one_statement() {
        let (db, pool) = database().await;
        let (scope, regs) = launched(&db.store).await;
        let writes = regs.iter().enumerate();
        let writes = writes.map(|(i, r)| commit(r, &i.to_string(), 1, "p2")).collect();
        let (batch, replies) = jobs(scope, writes);
        let counts = write_on_a_lane(&pool, batch).await;
        for reply in replies {
            assert_eq!(reply.await.unwrap().unwrap(), RuntimeSave::Saved(2));
        }
        assert_eq!(counts, (1, SAVES as u64 + 1));
        pool.close().await;
    }

    /// A group statement with a save it cannot write whole (here a stale revision) fails with
    /// SQLSTATE LR001 and leaves nothing of any save, though it had written their rollups.
    #[tokio::test]
    async fn a_refused_save_fails_its_group_statement_which_leaves_nothing() {
        let (db, pool) = database().await;
        let (scope, regs) = launched(&db.store).await;
        let writes = vec![commit(&regs[0], "0", 1, "p2"), commit(&regs[1], "1", 5, "p2")];
        let (batch, _replies) = jobs(scope, writes);
        let registrations = db.store.registrations();
        let before = registrations.get(scope, &regs[0]).await.unwrap().unwrap();
        let mut lane = LaneConnection::new(pool.clone());
        let conn = lane.scoped(scope).await.unwrap();
        let failed = save_group(conn, scope, &batch).await.unwrap_err();
        let code = failed.as_database_error().and_then(|e| e.code());
        assert_eq!(code.as_deref(), Some("LR001"), "{failed}");
        for reg in &regs[..2] {
            let state = db.store.runtime().load(scope, reg, 0).await.unwrap();
            assert_eq!(state.unwrap().revision, 1);
            let r = registrations.get(scope, reg).await.unwrap().unwrap();
            let rollup = (r.completion_status, r.score_raw, r.last_access);
            let unchanged = (before.completion_status.clone(), before.score_raw, before.last_access);
            assert_eq!(rollup, unchanged);
        }
        drop(lane);
        pool.close().await;
    }

    /// A group statement failing in the database (a state PostgreSQL cannot store) is
    /// written again save by save: the failing save gets its own error and writes nothing,
    /// the others are saved together.
    #[tokio::test]
    async fn a_failing_group_is_written_again_save_by_save() {
        let (db, pool) = database().await;
        let (scope, regs) = launched(&db.store).await;
        let mut writes: Vec<_> = regs[..SAVES]
            .iter()
            .enumerate()
            .map(|(i, r)| commit(r, &i.to_string(), 1, "p2"))
            .collect();
        writes[3].state = "{\"value\":\"\0\"}".into();
        let (batch, replies) = jobs(scope, writes);
        let counts = write_on_a_lane(&pool, batch).await;
        for (i, reply) in replies.into_iter().enumerate() {
            match reply.await.unwrap() {
                Err(StoreError::Database(_)) if i == 3 => {}
                Ok(RuntimeSave::Saved(2)) if i != 3 => {}
                other => panic!("save {i}: {other:?}"),
            }
        }
        // The group (6 saves), save by save up to the failure (6), it alone (1), the rest
        // grouped again (5).
        assert_eq!(counts, (4, 18));
        let failed = db.store.runtime().load(scope, &regs[3], 0).await.unwrap();
        assert_eq!(failed.unwrap().revision, 1, "the failed save wrote nothing");
        pool.close().await;
    }

    /// A lane's session plans its statements once (pg_runtime_lane.rs): every save of a
    /// single registration is the same prepared statement, which PostgreSQL otherwise
    /// re-plans on each call (a custom plan of its CTEs was 40 % of the backend's time).
    #[tokio::test]
    async fn a_lane_session_uses_generic_plans_and_no_sequential_scans() {
        let (_db, pool) = database().await;
        let scope = Scope {
            tenant: crate::TenantId(1),
            app: crate::AppId(1),
            env: crate::Environment::Test,
        };
        let mut lane = LaneConnection::new(pool);
        let conn = lane.scoped(scope).await.unwrap();
        let settings: (String, String, String) = sqlx::query_as(
            "SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan'), \
             current_setting('larch.tenant_id')",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(settings, ("force_generic_plan".into(), "off".into(), "1".into()));
    }
}
