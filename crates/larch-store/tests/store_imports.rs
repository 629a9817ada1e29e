//! Import jobs: each queued job goes to exactly one of many concurrent workers (also across
//! two connection pools, as two processes), a lapsed lease hands a job over, and a worker that
//! lost its job can no longer write; on SQLite and PostgreSQL alike.

use larch_store::ids::{CourseId, ImportJobId};
use larch_store::testing::{self, new_scope, sample_course};
use larch_store::{CourseAsset, Environment, ImportSource, ImportStatus, NewImportJob, Store};
use std::collections::HashSet;

fn job(course: &str) -> NewImportJob {
    NewImportJob {
        id: ImportJobId::generate(),
        course_id: CourseId::parse(course).unwrap(),
        source: ImportSource::Url("https://example.com/p.zip".into()),
        file_name: "p.zip".into(),
    }
}

#[tokio::test]
async fn each_job_is_claimed_by_exactly_one_of_many_workers() {
    for db in testing::each().await {
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let mut queued = HashSet::new();
        for n in 0..6 {
            let created = db
                .store
                .imports()
                .create(scope, job(&format!("c{n}")))
                .await
                .unwrap();
            assert_eq!(created.status, ImportStatus::Queued);
            queued.insert(created.id);
        }
        let second = Store::open(&db.config).await.unwrap();
        let claims = (0..12).map(|n| {
            let store = if n % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move {
                store
                    .imports()
                    .claim(&format!("w{n}"), 60, 3)
                    .await
                    .unwrap()
            })
        });
        let mut claimed = Vec::new();
        for handle in claims {
            if let Some(c) = handle.await.unwrap() {
                assert_eq!(c.scope, scope);
                assert_eq!(c.job.status, ImportStatus::Running);
                claimed.push(c.job.id);
            }
        }
        let distinct: HashSet<_> = claimed.iter().cloned().collect();
        assert_eq!(claimed.len(), 6, "{}: every job once", db.store.kind());
        assert_eq!(distinct, queued);
        assert!(
            db.store
                .imports()
                .claim("late", 60, 3)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_lapsed_lease_hands_the_job_over_and_the_first_worker_cannot_write() {
    for db in testing::each().await {
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let imports = db.store.imports();
        let created = imports.create(scope, job("golf")).await.unwrap();
        let first = imports.claim("slow", -1, 3).await.unwrap().unwrap();
        assert_eq!(first.job.id, created.id);
        let second = imports.claim("fast", 60, 3).await.unwrap().unwrap();
        assert_eq!(second.job.id, created.id, "the lapsed job is taken over");
        assert_eq!(second.job.attempts, 2);
        assert!(
            !imports
                .heartbeat(scope, &created.id, "slow", 50, 60)
                .await
                .unwrap()
        );
        assert!(
            imports
                .heartbeat(scope, &created.id, "fast", 50, 60)
                .await
                .unwrap()
        );
        let stale = imports
            .succeed(
                scope,
                &created.id,
                "slow",
                sample_course("golf"),
                Vec::new(),
            )
            .await
            .unwrap();
        assert!(stale.is_none(), "a worker without the lease writes nothing");
        assert!(
            db.store
                .courses()
                .get(scope, &CourseId::parse("golf").unwrap())
                .await
                .unwrap()
                .is_none()
        );
        let asset = CourseAsset {
            path: "index.html".into(),
            sha256: "ab".repeat(32),
            size: 5,
            content_type: "text/html".into(),
        };
        let course = imports
            .succeed(
                scope,
                &created.id,
                "fast",
                sample_course("golf"),
                vec![asset],
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(course.version, 1);
        let done = imports.get(scope, &created.id).await.unwrap().unwrap();
        assert_eq!(done.status, ImportStatus::Succeeded);
        assert_eq!((done.version, done.progress), (Some(1), 100));
        assert!(imports.asset_in_use(&"ab".repeat(32)).await.unwrap());
        assert!(!imports.asset_in_use(&"cd".repeat(32)).await.unwrap());
        assert!(
            imports.claim("idle", 60, 3).await.unwrap().is_none(),
            "ended jobs stay ended"
        );
    }
}

#[tokio::test]
async fn a_failed_job_keeps_its_error_and_writes_no_version() {
    for db in testing::each().await {
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let imports = db.store.imports();
        let created = imports.create(scope, job("broken")).await.unwrap();
        imports.claim("w", 60, 3).await.unwrap().unwrap();
        let error = serde_json::json!({"code": "manifest_malformed", "message": "m", "errors": []});
        imports
            .fail(
                scope,
                &created.id,
                "w",
                error.clone(),
                serde_json::json!([]),
            )
            .await
            .unwrap();
        let done = imports.get(scope, &created.id).await.unwrap().unwrap();
        assert_eq!(done.status, ImportStatus::Failed);
        assert_eq!(done.error, Some(error));
        let other = new_scope(&db.store, "other", Environment::Test).await;
        assert!(
            imports.get(other, &created.id).await.unwrap().is_none(),
            "scoped"
        );
        let id = CourseId::parse("broken").unwrap();
        assert!(db.store.courses().get(scope, &id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_job_whose_workers_keep_dying_ends_failed_after_its_attempts() {
    for db in testing::each().await {
        let kind = db.store.kind();
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let imports = db.store.imports();
        let poison = imports.create(scope, job("poison")).await.unwrap();
        // Each claim's lease has already run out (-1 s): as if its worker died at once.
        for attempt in 1..=3 {
            assert!(
                imports.fail_exhausted(3).await.unwrap().is_empty(),
                "{kind}: attempt {attempt} is still allowed"
            );
            let claimed = imports.claim("doomed", -1, 3).await.unwrap().unwrap();
            assert_eq!(
                (claimed.job.id.clone(), claimed.job.attempts),
                (poison.id.clone(), attempt)
            );
        }
        let healthy = imports.create(scope, job("healthy")).await.unwrap();
        let next = imports.claim("w", 60, 3).await.unwrap().unwrap();
        assert_eq!(
            next.job.id, healthy.id,
            "{kind}: the poison job is not claimed a 4th time"
        );
        assert!(imports.claim("w", 60, 3).await.unwrap().is_none());
        let ended = imports.fail_exhausted(3).await.unwrap();
        assert_eq!(ended.len(), 1, "{kind}");
        assert_eq!((ended[0].scope, &ended[0].job.id), (scope, &poison.id));
        let done = imports.get(scope, &poison.id).await.unwrap().unwrap();
        assert_eq!(done.status, ImportStatus::Failed, "{kind}");
        assert_eq!(done.error.unwrap()["code"], "import_crashed");
        assert_eq!(done.attempts, 3);
        assert!(
            imports.fail_exhausted(3).await.unwrap().is_empty(),
            "{kind}: once"
        );
        let running = imports.get(scope, &healthy.id).await.unwrap().unwrap();
        assert_eq!(
            running.status,
            ImportStatus::Running,
            "{kind}: a live lease is left alone"
        );
    }
}

#[tokio::test]
async fn concurrent_first_imports_of_one_course_get_consecutive_versions() {
    for db in testing::each().await {
        let scope = new_scope(&db.store, "acme", Environment::Test).await;
        let second = Store::open(&db.config).await.unwrap();
        // Regression: both saw no course row and both inserted it; the second failed on the
        // unique key and its job was retried a lease later.
        let writes = [db.store.clone(), second.clone(), db.store.clone(), second]
            .into_iter()
            .map(|store| {
                tokio::spawn(async move {
                    store
                        .courses()
                        .create_version(scope, sample_course("race"))
                        .await
                        .unwrap()
                        .version
                })
            });
        let mut versions = Vec::new();
        for write in writes {
            versions.push(write.await.unwrap());
        }
        versions.sort_unstable();
        assert_eq!(versions, [1, 2, 3, 4], "{}", db.store.kind());
    }
}
