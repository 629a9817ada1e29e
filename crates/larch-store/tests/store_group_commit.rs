//! Group commit of run-time saves (sql/group_commit.rs): many saves queued at once are written
//! in shared transactions, and each still gets its own outcome, on SQLite and PostgreSQL.

use larch_store::ids::{CourseId, LearnerId, RegistrationId};
use larch_store::testing::{self, TestDb, new_scope, sample_course};
use larch_store::{
    DocumentChange, DocumentKey, DocumentKind, Environment, LearnerRef, NewDocument, NewLearner,
    NewPlayerSession, NewRegistration, OpenDelivery, PageRequest, Rollup, RuntimeSave,
    RuntimeWrite, Scope, SessionWrite, Store, StoreError, TranscriptRow,
};

/// Registrations written concurrently (enough to fill batches, well below the pool's size).
const SESSIONS: usize = 48;

async fn scope_with_course(store: &Store) -> Scope {
    let scope = new_scope(store, "acme", Environment::Test).await;
    store
        .courses()
        .create_version(scope, sample_course("golf"))
        .await
        .unwrap();
    scope
}

async fn registration(store: &Store, scope: Scope, i: usize) -> RegistrationId {
    let id = RegistrationId::parse(&format!("reg-{i}")).unwrap();
    let new = NewRegistration {
        id: id.clone(),
        course_id: CourseId::parse("golf").unwrap(),
        learner: LearnerRef::CreateIfAbsent(NewLearner {
            id: LearnerId::parse(&format!("learner-{i}")).unwrap(),
            first_name: "Ada".into(),
            last_name: "L".into(),
            email: None,
        }),
        instance_policy: None,
    };
    store.registrations().create(scope, new).await.unwrap();
    id
}

fn launch(reg: &RegistrationId, session: &str) -> RuntimeWrite {
    RuntimeWrite {
        registration: reg.clone(),
        instance: 0,
        course_version: 1,
        expected_revision: None,
        state: "{\"n\":1}".into(),
        transcript: Vec::new(),
        rollup: Rollup {
            completion_status: "incomplete".into(),
            success_status: "unknown".into(),
            attempts: 1,
            ..Rollup::default()
        },
        session: SessionWrite::Open(NewPlayerSession {
            id: format!("ps_{session}"),
            course_id: CourseId::parse("golf").unwrap(),
            secret_hash: format!("hash-{session}"),
            user_agent: None,
            expires_at: i64::MAX / 2,
            step: "{\"next\":\"menu\"}".into(),
            runtime_session: Some(1),
            strictness: "forgiving".into(),
            content_window: "frame".into(),
        }),
        now: 1_000,
    }
}

fn commit(reg: &RegistrationId, session: &str, expected: i64, value: &str) -> RuntimeWrite {
    RuntimeWrite {
        expected_revision: Some(expected),
        state: format!("{{\"value\":\"{value}\"}}"),
        transcript: vec![TranscriptRow {
            runtime_session: 1,
            activity: "sco-1".into(),
            element: "cmi.core.lesson_location".into(),
            old_value: None,
            new_value: value.into(),
            warnings: "[]".into(),
            at: 1_000_500,
        }],
        session: SessionWrite::Update {
            id: format!("ps_{session}"),
            step: None,
            runtime_session: OpenDelivery::Unchanged,
            ended: None,
        },
        now: 1_100,
        ..launch(reg, session)
    }
}

/// Launches `SESSIONS` registrations (one save each, all at once).
async fn launched(store: &Store, scope: Scope) -> Vec<RegistrationId> {
    let mut regs = Vec::new();
    for i in 0..SESSIONS {
        regs.push(registration(store, scope, i).await);
    }
    let writes = regs
        .iter()
        .enumerate()
        .map(|(i, r)| launch(r, &i.to_string()));
    for outcome in save_all(store, scope, writes.collect()).await {
        assert_eq!(outcome.unwrap(), RuntimeSave::Saved(1));
    }
    regs
}

/// Saves every write concurrently; the outcomes in the writes' order.
async fn save_all(
    store: &Store,
    scope: Scope,
    writes: Vec<RuntimeWrite>,
) -> Vec<Result<RuntimeSave, StoreError>> {
    let tasks: Vec<_> = writes
        .into_iter()
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move { store.runtime().save(scope, w).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

async fn transcript_len(store: &Store, scope: Scope, reg: &RegistrationId) -> usize {
    let page = PageRequest {
        limit: 100,
        after: None,
    };
    let rows = store.runtime().transcript(scope, reg, page).await.unwrap();
    rows.items.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_share_transactions_and_each_gets_its_own_outcome() {
    for TestDb { store, .. } in testing::each().await {
        let scope = scope_with_course(&store).await;
        let regs = launched(&store, scope).await;
        let before = store.runtime().save_batches();
        // Every session commits at once; session 0 names a stale revision, session 1 was
        // ended by a relaunch, session 2 commits twice from the same revision.
        let relaunch = launch(&regs[1], "1-again");
        let relaunch = RuntimeWrite {
            expected_revision: Some(1),
            ..relaunch
        };
        assert_eq!(
            store.runtime().save(scope, relaunch).await.unwrap(),
            RuntimeSave::Saved(2)
        );
        let mut writes: Vec<_> = regs
            .iter()
            .enumerate()
            .map(|(i, r)| commit(r, &i.to_string(), if i == 1 { 2 } else { 1 }, "page-2"))
            .collect();
        writes[0].expected_revision = Some(7);
        writes.push(commit(&regs[2], "2", 1, "page-3"));
        let outcomes = save_all(&store, scope, writes).await;
        let kind = store.kind();
        assert_eq!(
            outcomes[0].as_ref().unwrap(),
            &RuntimeSave::Conflict,
            "{kind}"
        );
        assert_eq!(outcomes[1].as_ref().unwrap(), &RuntimeSave::SessionEnded);
        let twice = [&outcomes[2], &outcomes[SESSIONS]].map(|o| *o.as_ref().unwrap());
        assert!(
            twice.contains(&RuntimeSave::Saved(2)) && twice.contains(&RuntimeSave::Conflict),
            "one of two writes from one revision wins: {twice:?}"
        );
        for outcome in &outcomes[3..SESSIONS] {
            assert_eq!(outcome.as_ref().unwrap(), &RuntimeSave::Saved(2));
        }
        // What was refused left nothing behind; the others are stored whole.
        assert_eq!(transcript_len(&store, scope, &regs[0]).await, 0);
        assert_eq!(transcript_len(&store, scope, &regs[1]).await, 0);
        assert_eq!(transcript_len(&store, scope, &regs[2]).await, 1);
        for reg in &regs[3..] {
            let stored = store.runtime().load(scope, reg, 0).await.unwrap().unwrap();
            assert_eq!(stored.state, "{\"value\":\"page-2\"}");
            assert_eq!(transcript_len(&store, scope, reg).await, 1);
            let r = store
                .registrations()
                .get(scope, reg)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(r.last_access, Some(1_100));
        }
        let after = store.runtime().save_batches();
        let (batches, saves) = (
            after.transactions - before.transactions,
            after.saves - before.saves,
        );
        // Saves are counted per attempt: on PostgreSQL the refused saves fail the group
        // statement they were in, whose saves are then written again one by one (in one
        // transaction still).
        let writes = 1 + SESSIONS as u64 + 1;
        assert!(
            saves >= writes,
            "{kind}: {saves} attempts at {writes} saves"
        );
        assert!(
            batches < writes,
            "{kind}: {writes} saves in {batches} transactions"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_save_failing_in_the_database_does_not_fail_its_batch() {
    for TestDb { store, .. } in testing::each().await {
        let scope = scope_with_course(&store).await;
        let regs = launched(&store, scope).await;
        let before = store.runtime().save_batches();
        // Session 5's relaunch reuses session 4's id: the INSERT fails after its state and
        // rollup were written (a unique violation, which aborts the statement).
        let mut writes: Vec<_> = regs
            .iter()
            .enumerate()
            .map(|(i, r)| commit(r, &i.to_string(), 1, "page-2"))
            .collect();
        writes[5] = RuntimeWrite {
            expected_revision: Some(1),
            ..launch(&regs[5], "4")
        };
        let outcomes = save_all(&store, scope, writes).await;
        let kind = store.kind();
        assert!(
            matches!(outcomes[5], Err(StoreError::Conflict)),
            "{kind}: {:?}",
            outcomes[5]
        );
        let stored = store
            .runtime()
            .load(scope, &regs[5], 0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.revision, stored.state.as_str()),
            (1, "{\"n\":1}"),
            "{kind}"
        );
        let open = store
            .runtime()
            .session_by_secret("hash-5", 0)
            .await
            .unwrap();
        assert!(
            open.is_some(),
            "{kind}: the failed relaunch ended no session"
        );
        for (i, outcome) in outcomes.iter().enumerate().filter(|(i, _)| *i != 5) {
            assert_eq!(
                outcome.as_ref().unwrap(),
                &RuntimeSave::Saved(2),
                "{kind} {i}"
            );
            let stored = store
                .runtime()
                .load(scope, &regs[i], 0)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.state, "{\"value\":\"page-2\"}");
        }
        let after = store.runtime().save_batches();
        let (batches, saves) = (
            after.transactions - before.transactions,
            after.saves - before.saves,
        );
        assert!(
            batches < saves,
            "{kind}: {saves} saves in {batches} transactions"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_save_to_a_deleted_registration_is_a_conflict_and_writes_nothing() {
    for TestDb { store, .. } in testing::each().await {
        let scope = scope_with_course(&store).await;
        let regs = launched(&store, scope).await;
        assert!(store.registrations().delete(scope, &regs[3]).await.unwrap());
        let writes = regs
            .iter()
            .enumerate()
            .map(|(i, r)| commit(r, &i.to_string(), 1, "page-2"));
        let outcomes = save_all(&store, scope, writes.collect()).await;
        let kind = store.kind();
        for (i, outcome) in outcomes.iter().enumerate() {
            let expected = if i == 3 {
                RuntimeSave::Conflict
            } else {
                RuntimeSave::Saved(2)
            };
            assert_eq!(outcome.as_ref().unwrap(), &expected, "{kind} {i}");
        }
        assert!(
            store
                .runtime()
                .load(scope, &regs[3], 0)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(transcript_len(&store, scope, &regs[3]).await, 0, "{kind}");
    }
}

/// On SQLite the run-time saves have a writer of their own (sql/sqlite_writer) beside the
/// connection every other write goes through: the two must wait for each other, never fail
/// with `SQLITE_BUSY`, even for transactions that read before they write (a registration's
/// create checks its course and learner first, and a document write is one statement in
/// autocommit mode).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saves_and_other_writes_at_once_all_succeed() {
    for TestDb { store, .. } in testing::each().await {
        let scope = scope_with_course(&store).await;
        let regs = launched(&store, scope).await;
        let kind = store.kind();
        for round in 0..4_usize {
            let creates: Vec<_> = (0..SESSIONS)
                .map(|i| {
                    let store = store.clone();
                    let i = SESSIONS * (round + 1) + i;
                    tokio::spawn(async move {
                        registration(&store, scope, i).await;
                        document(&store, scope, i).await;
                    })
                })
                .collect();
            let revision = i64::try_from(round).unwrap() + 1;
            let writes = regs
                .iter()
                .enumerate()
                .map(|(i, r)| commit(r, &i.to_string(), revision, &format!("page-{round}")));
            for outcome in save_all(&store, scope, writes.collect()).await {
                assert_eq!(outcome.unwrap(), RuntimeSave::Saved(revision + 1), "{kind}");
            }
            for create in creates {
                create.await.unwrap();
            }
        }
    }
}

/// Writes a State document with `If-None-Match: *` semantics (one conditional statement).
async fn document(store: &Store, scope: Scope, i: usize) {
    let key = DocumentKey {
        kind: DocumentKind::State,
        activity_id: "http://example.com/golf".into(),
        agent_key: "mbox:mailto:a@example.com".into(),
        registration: String::new(),
    };
    let doc = NewDocument {
        id: format!("state-{i}"),
        content: b"{}".to_vec(),
        content_type: "application/json".into(),
        updated_nanos: 1,
    };
    let change = DocumentChange::Write(doc);
    let written = store
        .xapi_documents()
        .write_if(scope, &key, None, change)
        .await;
    assert!(written.unwrap(), "{}: state-{i} written", store.kind());
}
