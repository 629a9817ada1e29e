//! Run-time states, player sessions and transcripts, against SQLite and PostgreSQL alike.

use larch_store::ids::{CourseId, RegistrationId};
use larch_store::testing::{self, TestDb, sample_course};
use larch_store::{
    Environment, NewPlayerSession, OpenDelivery, PageRequest, Rollup, RuntimeSave, RuntimeWrite,
    Scope, SessionWrite, Store, TranscriptRow,
};

async fn setup(store: &Store, env: Environment) -> (Scope, RegistrationId) {
    let tenant = store.tenants().create_tenant("acme").await.unwrap();
    let app = store
        .tenants()
        .create_application(tenant.id, "lms")
        .await
        .unwrap();
    let scope = Scope {
        tenant: tenant.id,
        app: app.id,
        env,
    };
    store
        .courses()
        .create_version(scope, sample_course("golf"))
        .await
        .unwrap();
    let id = testing::register_ada(store, scope, "reg-1", "golf").await;
    (scope, id)
}

fn open_write(
    registration: &RegistrationId,
    secret_hash: &str,
    expected: Option<i64>,
) -> RuntimeWrite {
    RuntimeWrite {
        registration: registration.clone(),
        instance: 0,
        course_version: 1,
        expected_revision: expected,
        state: "{\"n\":1}".into(),
        transcript: Vec::new(),
        rollup: Rollup {
            completion_status: "incomplete".into(),
            success_status: "unknown".into(),
            attempts: 1,
            ..Rollup::default()
        },
        session: SessionWrite::Open(NewPlayerSession {
            id: format!("ps_{secret_hash}"),
            course_id: CourseId::parse("golf").unwrap(),
            secret_hash: secret_hash.into(),
            user_agent: Some("Test/1.0".into()),
            expires_at: i64::MAX / 2,
            step: "{\"next\":\"menu\"}".into(),
            runtime_session: Some(1),
            strictness: "strict".into(),
            content_window: "new_window".into(),
        }),
        now: 1_000,
    }
}

fn commit_write(registration: &RegistrationId, session: &str, expected: i64) -> RuntimeWrite {
    let entry = TranscriptRow {
        runtime_session: 1,
        activity: "sco-1".into(),
        element: "cmi.core.lesson_status".into(),
        old_value: None,
        new_value: "passed".into(),
        warnings: "[]".into(),
        at: 1_000_500,
    };
    RuntimeWrite {
        state: "{\"n\":2}".into(),
        transcript: vec![entry],
        rollup: Rollup {
            completion_status: "completed".into(),
            success_status: "passed".into(),
            score_raw: Some(85.0),
            score_scaled: Some(0.85),
            total_time_seconds: 90,
            attempts: 1,
            ..Rollup::default()
        },
        session: SessionWrite::Update {
            id: session.into(),
            step: None,
            runtime_session: OpenDelivery::Unchanged,
            ended: None,
        },
        now: 1_100,
        ..open_write(registration, "unused", Some(expected))
    }
}

#[tokio::test]
async fn a_launch_then_a_commit_store_state_rollup_session_and_transcript() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        assert_eq!(rt.load(scope, &reg, 0).await.unwrap(), None);
        let saved = rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        assert_eq!(saved, RuntimeSave::Saved(1), "{}", store.kind());
        let (found_scope, session) = rt.session_by_secret("h1", 2_000).await.unwrap().unwrap();
        assert_eq!((found_scope, session.id.as_str()), (scope, "ps_h1"));
        assert_eq!(session.runtime_session, Some(1));
        let saved = rt
            .save(scope, commit_write(&reg, "ps_h1", 1))
            .await
            .unwrap();
        assert_eq!(saved, RuntimeSave::Saved(2));
        let stored = rt.load(scope, &reg, 0).await.unwrap().unwrap();
        assert_eq!((stored.state.as_str(), stored.revision), ("{\"n\":2}", 2));
        let r = store
            .registrations()
            .get(scope, &reg)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.completion_status.as_str(), r.success_status.as_str()),
            ("completed", "passed")
        );
        assert_eq!(
            (r.score_raw, r.score_scaled, r.total_time_seconds),
            (Some(85.0), Some(0.85), 90)
        );
        assert_eq!((r.first_access, r.last_access), (Some(1_000), Some(1_100)));
        let page = rt
            .transcript(scope, &reg, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].new_value, "passed");
        let launches = rt
            .sessions(scope, &reg, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(launches.items[0].last_seen, 1_100);
    }
}

#[tokio::test]
async fn a_stale_revision_writes_nothing() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        // A second first write (another node launching at the same moment) loses.
        let again = rt.save(scope, open_write(&reg, "h2", None)).await.unwrap();
        assert_eq!(again, RuntimeSave::Conflict, "{}", store.kind());
        assert_eq!(rt.session_by_secret("h2", 0).await.unwrap(), None);
        rt.save(scope, commit_write(&reg, "ps_h1", 1))
            .await
            .unwrap();
        let stale = rt
            .save(scope, commit_write(&reg, "ps_h1", 1))
            .await
            .unwrap();
        assert_eq!(stale, RuntimeSave::Conflict);
        let page = rt
            .transcript(scope, &reg, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1, "the loser's transcript is not written");
        // Nor its rollup or session bookkeeping (PostgreSQL writes the rollup first and
        // undoes it: sql/pg_runtime_batch.rs).
        let loser = RuntimeWrite {
            rollup: Rollup::default(),
            now: 9_999,
            ..commit_write(&reg, "ps_h1", 1)
        };
        assert_eq!(rt.save(scope, loser).await.unwrap(), RuntimeSave::Conflict);
        let r = store.registrations().get(scope, &reg).await.unwrap();
        let r = r.unwrap();
        assert_eq!(
            (r.completion_status.as_str(), r.last_access),
            ("completed", Some(1_100))
        );
        let launches = rt.sessions(scope, &reg, PageRequest::default()).await;
        assert_eq!(
            launches.unwrap().items[0].last_seen,
            1_100,
            "{}",
            store.kind()
        );
    }
}

/// A late commit to an earlier instance (its tab still open after a new instance started)
/// stores that instance's state and transcript, and leaves the registration's rollup to the
/// newer instance.
#[tokio::test]
async fn a_commit_to_an_earlier_instance_leaves_the_rollup_to_the_newer_one() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        let newer = RuntimeWrite {
            instance: 1,
            now: 1_050,
            ..open_write(&reg, "h2", None)
        };
        assert_eq!(rt.save(scope, newer).await.unwrap(), RuntimeSave::Saved(1));
        let late = rt.save(scope, commit_write(&reg, "ps_h1", 1)).await;
        assert_eq!(late.unwrap(), RuntimeSave::Saved(2), "{}", store.kind());
        let stored = rt.load(scope, &reg, 0).await.unwrap().unwrap();
        assert_eq!(stored.state, "{\"n\":2}");
        let r = store.registrations().get(scope, &reg).await.unwrap();
        let r = r.unwrap();
        assert_eq!(
            (r.completion_status.as_str(), r.last_access),
            ("incomplete", Some(1_050))
        );
        let page = rt.transcript(scope, &reg, PageRequest::default()).await;
        assert_eq!(page.unwrap().items.len(), 1, "the late commit's transcript");
    }
}

#[tokio::test]
async fn a_relaunch_ends_the_open_session_and_ended_or_expired_secrets_are_refused() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        rt.save(scope, open_write(&reg, "h2", Some(1)))
            .await
            .unwrap();
        assert_eq!(
            rt.session_by_secret("h1", 0).await.unwrap(),
            None,
            "{}",
            store.kind()
        );
        assert!(rt.session_by_secret("h2", 0).await.unwrap().is_some());
        assert_eq!(
            rt.session_by_secret("h2", i64::MAX / 2).await.unwrap(),
            None,
            "expired"
        );
        // Ended sessions are found by `any_session_by_secret` (until they expire), with the
        // settings their launch recorded.
        let (_, ended) = rt.any_session_by_secret("h1", 0).await.unwrap().unwrap();
        assert_eq!(ended.exit_reason.as_deref(), Some("relaunched"));
        assert_eq!(
            (ended.strictness.as_str(), ended.content_window.as_str()),
            ("strict", "new_window")
        );
        assert_eq!(
            rt.any_session_by_secret("h1", i64::MAX / 2).await.unwrap(),
            None
        );
        assert_eq!(rt.any_session_by_secret("nope", 0).await.unwrap(), None);
        let launches = rt
            .sessions(scope, &reg, PageRequest::default())
            .await
            .unwrap();
        let exits: Vec<_> = launches
            .items
            .iter()
            .map(|s| s.exit_reason.clone())
            .collect();
        assert_eq!(exits, [None, Some("relaunched".to_owned())]);
    }
}

#[tokio::test]
async fn stale_sessions_are_found_across_scopes_and_data_stays_in_its_scope() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let (live, live_reg) = setup(&store, Environment::Live).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        rt.save(live, open_write(&live_reg, "h9", None))
            .await
            .unwrap();
        let stale = rt.stale_sessions(1_001, 10).await.unwrap();
        assert_eq!(stale.len(), 2, "{}", store.kind());
        assert!(rt.stale_sessions(1_000, 10).await.unwrap().is_empty());
        // Another scope sees none of it.
        let other = Scope {
            env: Environment::Live,
            ..scope
        };
        assert_eq!(rt.load(other, &reg, 0).await.unwrap(), None);
        assert!(
            rt.transcript(other, &reg, PageRequest::default())
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(
            rt.sessions(other, &reg, PageRequest::default())
                .await
                .unwrap()
                .items
                .is_empty()
        );
    }
}

#[tokio::test]
async fn the_server_secret_is_created_once_and_shared() {
    for TestDb { store, .. } in testing::each().await {
        let first = store
            .runtime()
            .server_secret("k", "a".into())
            .await
            .unwrap();
        let second = store
            .runtime()
            .server_secret("k", "b".into())
            .await
            .unwrap();
        assert_eq!(
            (first.as_str(), second.as_str()),
            ("a", "a"),
            "{}",
            store.kind()
        );
    }
}

#[tokio::test]
async fn a_write_through_an_ended_session_writes_nothing() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        // A relaunch (here or on another node) ends ps_h1 while its tab still commits.
        rt.save(scope, open_write(&reg, "h2", Some(1)))
            .await
            .unwrap();
        let late = rt
            .save(scope, commit_write(&reg, "ps_h1", 2))
            .await
            .unwrap();
        assert_eq!(late, RuntimeSave::SessionEnded, "{}", store.kind());
        let stored = rt.load(scope, &reg, 0).await.unwrap().unwrap();
        assert_eq!(stored.revision, 2, "the state write was rolled back");
        let page = rt
            .transcript(scope, &reg, PageRequest::default())
            .await
            .unwrap();
        assert!(page.items.is_empty(), "nor its transcript");
        let r = store
            .registrations()
            .get(scope, &reg)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.completion_status, "incomplete", "nor its rollup");
    }
}

#[tokio::test]
async fn a_commit_keeps_or_sets_the_open_delivery_and_stores_every_transcript_row() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, reg) = setup(&store, Environment::Test).await;
        let rt = store.runtime();
        rt.save(scope, open_write(&reg, "h1", None)).await.unwrap();
        // 150 changes: more than one multi-row INSERT.
        let mut write = commit_write(&reg, "ps_h1", 1);
        let row = write.transcript[0].clone();
        write.transcript = (0..150)
            .map(|i| TranscriptRow {
                new_value: format!("v{i}"),
                old_value: (i % 2 == 0).then(|| format!("o{i}")),
                ..row.clone()
            })
            .collect();
        assert_eq!(rt.save(scope, write).await.unwrap(), RuntimeSave::Saved(2));
        let session = rt.session(scope, "ps_h1").await.unwrap().unwrap();
        assert_eq!(session.runtime_session, Some(1), "{}", store.kind());
        let mut write = commit_write(&reg, "ps_h1", 2);
        write.session = SessionWrite::Update {
            id: "ps_h1".into(),
            step: Some("{\"next\":\"menu\"}".into()),
            runtime_session: OpenDelivery::Set(None),
            ended: None,
        };
        rt.save(scope, write).await.unwrap();
        let session = rt.session(scope, "ps_h1").await.unwrap().unwrap();
        assert_eq!(session.runtime_session, None);
        let (mut values, mut after) = (Vec::new(), None);
        loop {
            let request = PageRequest { limit: 100, after };
            let page = rt.transcript(scope, &reg, request).await.unwrap();
            values.extend(
                page.items
                    .iter()
                    .map(|t| (t.new_value.clone(), t.old_value.clone())),
            );
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let mut expected: Vec<_> = (0..150)
            .map(|i| (format!("v{i}"), (i % 2 == 0).then(|| format!("o{i}"))))
            .collect();
        expected.push(("passed".into(), None));
        assert_eq!(values, expected);
    }
}
