//! Deleting a registration, alone or with its course, deletes its run-time transcript, on
//! both stores (the transcript's `ON DELETE CASCADE` foreign key). A registration created
//! again under the same id must not inherit the old rows.

use larch_store::ids::{CourseId, RegistrationId};
use larch_store::testing::{self, TestDb, sample_course};
use larch_store::{
    Environment, NewPlayerSession, OpenDelivery, PageRequest, Rollup, RuntimeSave, RuntimeWrite,
    Scope, SessionWrite, Store, TranscriptRow,
};

/// A scope with the sample course and an application of its own per call.
async fn scope(store: &Store, app: &str) -> Scope {
    let tenant = store.tenants().create_tenant("acme").await.unwrap();
    let app = store.tenants().create_application(tenant.id, app);
    let scope = Scope {
        tenant: tenant.id,
        app: app.await.unwrap().id,
        env: Environment::Test,
    };
    let course = sample_course("golf");
    store.courses().create_version(scope, course).await.unwrap();
    scope
}

/// Creates registration `id` of course `golf` (its learner too, once).
async fn register(store: &Store, scope: Scope, id: &str) -> RegistrationId {
    testing::register_ada(store, scope, id, "golf").await
}

/// A launch of `reg` then a commit with two transcript rows.
async fn launch_and_commit(store: &Store, scope: Scope, reg: &RegistrationId, secret: &str) {
    let row = |element: &str| TranscriptRow {
        runtime_session: 1,
        activity: "sco-1".into(),
        element: element.into(),
        old_value: None,
        new_value: "passed".into(),
        warnings: "[]".into(),
        at: 1_000_500,
    };
    let launch = RuntimeWrite {
        registration: reg.clone(),
        instance: 0,
        course_version: 1,
        expected_revision: None,
        state: "{}".into(),
        transcript: Vec::new(),
        rollup: Rollup::default(),
        session: SessionWrite::Open(NewPlayerSession {
            id: format!("ps_{secret}"),
            course_id: CourseId::parse("golf").unwrap(),
            secret_hash: secret.into(),
            user_agent: None,
            expires_at: i64::MAX / 2,
            step: "{}".into(),
            runtime_session: Some(1),
            strictness: "strict".into(),
            content_window: "frame".into(),
        }),
        now: 1_000,
    };
    let commit = RuntimeWrite {
        expected_revision: Some(1),
        transcript: vec![row("cmi.core.lesson_status"), row("cmi.core.exit")],
        session: SessionWrite::Update {
            id: format!("ps_{secret}"),
            step: None,
            runtime_session: OpenDelivery::Unchanged,
            ended: None,
        },
        now: 1_100,
        ..launch.clone()
    };
    let rt = store.runtime();
    assert_eq!(rt.save(scope, launch).await.unwrap(), RuntimeSave::Saved(1));
    assert_eq!(rt.save(scope, commit).await.unwrap(), RuntimeSave::Saved(2));
}

/// The transcript rows stored for `reg`.
/// Asserts that `reg` holds `expected` transcript rows.
async fn assert_transcript(store: &Store, scope: Scope, reg: &RegistrationId, expected: usize) {
    let page = store
        .runtime()
        .transcript(scope, reg, PageRequest::default());
    let rows = page.await.unwrap().items.len();
    assert_eq!(rows, expected, "{} {reg:?}", store.kind());
}

#[tokio::test]
async fn deleting_a_registration_deletes_its_transcript_and_no_other() {
    for TestDb { store, .. } in testing::each().await {
        let scope = scope(&store, "lms").await;
        let (gone, kept) = (
            register(&store, scope, "r1").await,
            register(&store, scope, "r2").await,
        );
        launch_and_commit(&store, scope, &gone, "h1").await;
        launch_and_commit(&store, scope, &kept, "h2").await;
        assert!(store.registrations().delete(scope, &gone).await.unwrap());
        let again = register(&store, scope, "r1").await;
        assert_transcript(&store, scope, &again, 0).await;
        assert_transcript(&store, scope, &kept, 2).await;
    }
}

#[tokio::test]
async fn deleting_a_course_with_its_registrations_deletes_their_transcripts() {
    for TestDb { store, .. } in testing::each().await {
        let (scope, other) = (scope(&store, "lms").await, scope(&store, "other").await);
        let reg = register(&store, scope, "r1").await;
        let elsewhere = register(&store, other, "r1").await;
        launch_and_commit(&store, scope, &reg, "h1").await;
        launch_and_commit(&store, other, &elsewhere, "h2").await;
        let golf = CourseId::parse("golf").unwrap();
        store.courses().delete(scope, &golf, true).await.unwrap();
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        let again = register(&store, scope, "r1").await;
        assert_transcript(&store, scope, &again, 0).await;
        assert_transcript(&store, other, &elsewhere, 2).await;
    }
}
