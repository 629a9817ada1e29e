//! The import workers: claim queued jobs from the database (so any number of processes
//! cooperate), fetch the package, run `larch-package` on it with blob storage as the sink, and
//! record the course version, or the failure, on the job.

mod fetch;
mod guard;
pub(crate) mod sink;
mod sweeper;

use crate::state::AppState;
use larch_package::{Diagnostic, Ingested, Limits, PackageError};
use larch_store::{ClaimedJob, CourseAsset, ImportJob, ImportSource, Launchable, NewCourseVersion};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub(crate) use guard::{Blocked, Route, UrlPolicy};
pub(crate) use sink::asset_key;

/// How long a claim holds before another worker may take the job over.
const LEASE_SECS: i64 = 60;
/// How often a running job reports progress and extends its lease.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// How long shutdown waits for a running import.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long an idle worker waits before looking for work again.
const IDLE: Duration = Duration::from_millis(200);
/// How often a worker ends the jobs that used up their attempts.
const EXHAUSTED_CHECK: Duration = Duration::from_secs(5);

/// Starts the configured number of workers and the orphan-blob sweeper; they stop when `stop`
/// turns true.
pub(crate) fn spawn(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let node = larch_store::ids::random_base62(8);
    let every = state.config.blob_sweep_interval;
    let sweeper = tokio::spawn(sweeper::run(state.clone(), every, stop.clone()));
    (0..state.config.import_workers)
        .map(|n| {
            let worker = format!("{node}-{n}");
            tokio::spawn(work(state.clone(), worker, stop.clone()))
        })
        .chain([sweeper])
        .collect()
}

/// Waits for the workers to finish their current job, for at most [`SHUTDOWN_GRACE`]; a job cut
/// short is taken over by another process once its lease ends.
pub(crate) async fn stop(workers: Vec<JoinHandle<()>>) {
    for worker in workers {
        let abort = worker.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, worker).await.is_err() {
            abort.abort();
        }
    }
}

async fn work(state: AppState, worker: String, mut stop: watch::Receiver<bool>) {
    let max_attempts = i64::from(state.config.import_max_attempts.max(1));
    let mut checked = tokio::time::Instant::now() - EXHAUSTED_CHECK;
    while !*stop.borrow() {
        if checked.elapsed() >= EXHAUSTED_CHECK {
            end_exhausted(&state, max_attempts).await;
            checked = tokio::time::Instant::now();
        }
        let claim = state
            .store
            .imports()
            .claim(&worker, LEASE_SECS, max_attempts);
        match claim.await {
            Ok(Some(claimed)) => run(&state, &worker, claimed).await,
            Ok(None) => {
                tokio::select! {
                    () = tokio::time::sleep(IDLE) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming an import job failed");
                tokio::time::sleep(IDLE * 10).await;
            }
        }
    }
}

/// Ends the jobs whose workers died on every attempt (`import_crashed`) and deletes their
/// uploads.
async fn end_exhausted(state: &AppState, max_attempts: i64) {
    match state.store.imports().fail_exhausted(max_attempts).await {
        Ok(ended) => {
            for ClaimedJob { job, .. } in ended {
                tracing::warn!(import.id = %job.id, attempts = job.attempts, "import job crashed on every attempt; failed");
                remove_upload(state, &job).await;
            }
        }
        Err(e) => tracing::warn!(error = %e, "ending exhausted import jobs failed"),
    }
}

/// What an import produced, or why it failed.
type Outcome = Result<(Ingested, Vec<CourseAsset>), Failure>;

/// A failed import: the job's `error`, its `warnings`, and the blobs to clean up.
#[derive(Debug)]
struct Failure {
    error: Value,
    warnings: Vec<Diagnostic>,
    created: Vec<String>,
}

impl Failure {
    fn new(code: &str, message: &str) -> Self {
        Self {
            error: json!({"code": code, "message": message, "errors": []}),
            warnings: Vec::new(),
            created: Vec::new(),
        }
    }
}

async fn run(state: &AppState, worker: &str, claimed: ClaimedJob) {
    let ClaimedJob { scope, job } = claimed;
    let progress = Arc::new(AtomicU64::new(0));
    let beat = tokio::spawn(heartbeat(
        state.clone(),
        (scope, job.id.clone(), worker.to_owned()),
        progress.clone(),
    ));
    let outcome = import(state, &job, progress).await;
    beat.abort();
    let store = state.store.imports();
    let result = match outcome {
        Ok((ingested, assets)) => {
            let version = new_version(&job, &ingested);
            match store.succeed(scope, &job.id, worker, version, assets).await {
                Ok(Some(course)) => {
                    tracing::info!(import.id = %job.id, course.id = %job.course_id, version = course.version, "course imported");
                    remove_upload(state, &job).await;
                    Ok(())
                }
                Ok(None) => {
                    tracing::warn!(import.id = %job.id, "import lease lost; another worker redoes it");
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
        Err(failure) => {
            tracing::info!(import.id = %job.id, error = %failure.error, "course import failed");
            cleanup(state, &failure.created).await;
            remove_upload(state, &job).await;
            let warnings = serde_json::to_value(&failure.warnings).unwrap_or_default();
            store
                .fail(scope, &job.id, worker, failure.error, warnings)
                .await
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "recording the import's outcome failed; the job will be retried");
    }
}

/// The job a heartbeat is for: its scope, id and the worker holding it.
type JobKey = (larch_store::Scope, larch_store::ids::ImportJobId, String);

/// Reports progress (0–100; `progress` counts bytes against the package size set by `import`)
/// and extends the lease until aborted.
async fn heartbeat(state: AppState, key: JobKey, progress: Arc<AtomicU64>) {
    let (scope, id, worker) = key;
    loop {
        tokio::time::sleep(HEARTBEAT).await;
        let percent = i64::try_from(progress.load(Ordering::Relaxed).min(99)).unwrap_or(99);
        let store = state.store.imports();
        if let Err(e) = store
            .heartbeat(scope, &id, &worker, percent, LEASE_SECS)
            .await
        {
            tracing::warn!(error = %e, "import heartbeat failed");
        }
    }
}

/// Fetches and ingests the package; `progress` ends up as a percentage.
async fn import(state: &AppState, job: &ImportJob, progress: Arc<AtomicU64>) -> Outcome {
    let scratch = tempfile::tempdir().map_err(|e| internal(&e))?;
    let package = scratch.path().join(safe_file_name(&job.file_name));
    let blobs = state.blobs.object_store().clone();
    let policy = state.config.url_policy();
    let limit = state.config.max_upload_bytes;
    fetch::to_file(&blobs, &job.source, &package, limit, &policy)
        .await
        .map_err(|e| Failure::new(e.code, &e.message))?;
    let size = std::fs::metadata(&package).map_err(|e| internal(&e))?.len();
    let streamed = Arc::new(AtomicU64::new(0));
    let ticker = tokio::spawn(track(streamed.clone(), size, progress));
    let runtime = tokio::runtime::Handle::current();
    let dir = scratch.path().to_owned();
    let parsed = tokio::task::spawn_blocking(move || {
        let mut sink = sink::AssetSink::new(blobs, runtime, dir, streamed);
        let result = larch_package::ingest_path(&package, &mut sink, &Limits::default());
        (result, sink)
    })
    .await;
    ticker.abort();
    let (result, sink) = parsed.map_err(|e| internal(&e))?;
    match result {
        Ok(ingested) => Ok((ingested, sink.assets)),
        Err(error) => Err(Failure {
            created: sink.created,
            ..rejection(error)
        }),
    }
}

/// Turns bytes streamed into a percentage of the package's size (10 after the fetch, at most 95).
async fn track(streamed: Arc<AtomicU64>, size: u64, progress: Arc<AtomicU64>) {
    loop {
        let done = streamed.load(Ordering::Relaxed);
        progress.store(
            10 + (done.saturating_mul(85) / size.max(1)).min(85),
            Ordering::Relaxed,
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn rejection(error: PackageError) -> Failure {
    match error {
        PackageError::Rejected { errors, warnings } => {
            let message = errors.first().map_or("", |e| e.message.as_str());
            let code = errors
                .first()
                .map_or("package_rejected", |e| e.code.as_str());
            Failure {
                error: json!({"code": code, "message": message, "errors": errors}),
                warnings,
                created: Vec::new(),
            }
        }
        PackageError::Io(e) => internal(&e),
    }
}

fn internal(e: &dyn std::fmt::Display) -> Failure {
    tracing::error!(error = %e, "import failed on the server's side");
    Failure::new(
        "import_failed",
        "the import failed on the server's side; try again",
    )
}

/// The course version an ingested package makes.
fn new_version(job: &ImportJob, ingested: &Ingested) -> NewCourseVersion {
    let course = &ingested.course;
    let launchables = course
        .root
        .walk()
        .filter_map(|a| {
            a.launch.as_ref().map(|l| Launchable {
                id: a.id.clone(),
                title: a.title.clone(),
                href: l.url.clone(),
            })
        })
        .collect();
    NewCourseVersion {
        id: job.course_id.clone(),
        title: course.title.clone(),
        standard: course.standard.as_str().to_owned(),
        edition: course.edition.map(|e| e.as_str().to_owned()),
        launchables,
        structure: serde_json::to_value(course).unwrap_or_default(),
        warnings: serde_json::to_value(&course.warnings).unwrap_or_default(),
    }
}

/// Deletes blobs this failed import created that no course version refers to.
async fn cleanup(state: &AppState, created: &[String]) {
    for sha256 in created {
        match state.store.imports().asset_in_use(sha256).await {
            Ok(false) => {
                let _ = state.blobs.object_store().delete(&asset_key(sha256)).await;
            }
            Ok(true) => {}
            Err(e) => tracing::warn!(error = %e, "checking a blob's use failed; it stays"),
        }
    }
}

/// The upload is not needed once the job has ended.
async fn remove_upload(state: &AppState, job: &ImportJob) {
    if let ImportSource::Upload { blob } = &job.source {
        let key = object_store::path::Path::from(blob.as_str());
        if let Err(e) = state.blobs.object_store().delete(&key).await {
            tracing::warn!(error = %e, "deleting an upload failed");
        }
    }
}

/// The upload's name, reduced to a safe single path component (it only hints at the format).
fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    if clean.trim_matches('.').is_empty() {
        "package.zip".to_owned()
    } else {
        clean
    }
}
