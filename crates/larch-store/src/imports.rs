//! Import jobs: the queue between `POST /v1/courses` and the import workers, and the files a
//! finished import records for its course version.

use crate::courses::{Course, NewCourseVersion};
use crate::error::StoreError;
use crate::ids::{CourseId, ImportJobId};
use crate::scope::Scope;
use async_trait::async_trait;

/// Where a job's package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// An upload already streamed to blob storage under this key (`uploads/<imp_id>`).
    Upload {
        /// The blob key.
        blob: String,
    },
    /// A URL the worker downloads.
    Url(String),
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker holds it (or held it, until its lease ends).
    Running,
    /// A course version was written.
    Succeeded,
    /// The package was rejected or could not be read; nothing was written.
    Failed,
}

impl ImportStatus {
    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportJob {
    /// `imp_…`.
    pub id: ImportJobId,
    /// The course the import makes a version of (created when new).
    pub course_id: CourseId,
    /// The package.
    pub source: ImportSource,
    /// The upload's file name (or the URL's last segment): tells a bare `cmi5.xml` or a PDF
    /// from a zip.
    pub file_name: String,
}

/// An import job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportJob {
    /// `imp_…`.
    pub id: ImportJobId,
    /// The course it imports into.
    pub course_id: CourseId,
    /// The package.
    pub source: ImportSource,
    /// The upload's file name.
    pub file_name: String,
    /// Where it stands.
    pub status: ImportStatus,
    /// 0 to 100.
    pub progress: i64,
    /// The course version it wrote, once succeeded.
    pub version: Option<i64>,
    /// Why it failed: `{code, message, errors: [{code, message, location}]}`.
    pub error: Option<serde_json::Value>,
    /// The parser's warnings (also on failure, when the parser got that far).
    pub warnings: serde_json::Value,
    /// How many times a worker claimed it.
    pub attempts: i64,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last change.
    pub updated: i64,
}

/// A job a worker claimed, with the scope it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// The job's scope: everything the worker does next runs in it.
    pub scope: Scope,
    /// The job (status `running`).
    pub job: ImportJob,
}

/// One file of a course version, stored once per content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseAsset {
    /// Path in the package, `/`-separated.
    pub path: String,
    /// SHA-256 of the content, lowercase hex (the blob is `assets/sha256/<2>/<62>`).
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// MIME type, from the extension.
    pub content_type: String,
}

/// Import jobs. `claim` is the only unscoped call: it learns the scope from the job.
#[async_trait]
pub trait ImportJobStore: Send + Sync {
    /// Enqueues a job (`queued`, progress 0).
    async fn create(&self, scope: Scope, new: NewImportJob) -> Result<ImportJob, StoreError>;

    /// One job.
    async fn get(&self, scope: Scope, id: &ImportJobId) -> Result<Option<ImportJob>, StoreError>;

    /// Claims the oldest queued job, or a running one whose lease ran out and that was claimed
    /// fewer than `max_attempts` times, for `worker`, for `lease_secs`. Safe with any number of
    /// workers in any number of processes: each job goes to exactly one of them (`FOR UPDATE
    /// SKIP LOCKED` on PostgreSQL; the single writer on SQLite).
    async fn claim(
        &self,
        worker: &str,
        lease_secs: i64,
        max_attempts: i64,
    ) -> Result<Option<ClaimedJob>, StoreError>;

    /// Ends `failed` (code `import_crashed`) every running job whose lease ran out after
    /// `max_attempts` claims, and returns them (their uploads are the caller's to delete). A
    /// package that kills or hangs its worker would otherwise be claimed forever.
    async fn fail_exhausted(&self, max_attempts: i64) -> Result<Vec<ClaimedJob>, StoreError>;

    /// Records progress and extends the lease; `false` when `worker` no longer holds the job.
    async fn heartbeat(
        &self,
        scope: Scope,
        id: &ImportJobId,
        worker: &str,
        progress: i64,
        lease_secs: i64,
    ) -> Result<bool, StoreError>;

    /// In one transaction: the course version (as [`crate::CourseStore::create_version`]), its
    /// assets, and the job's `succeeded`. `None` when `worker` no longer holds the job (then
    /// nothing is written).
    async fn succeed(
        &self,
        scope: Scope,
        id: &ImportJobId,
        worker: &str,
        version: NewCourseVersion,
        assets: Vec<CourseAsset>,
    ) -> Result<Option<Course>, StoreError>;

    /// Ends the job `failed` with `error` and `warnings`; writes nothing else.
    async fn fail(
        &self,
        scope: Scope,
        id: &ImportJobId,
        worker: &str,
        error: serde_json::Value,
        warnings: serde_json::Value,
    ) -> Result<(), StoreError>;

    /// Whether any course version of any scope still refers to this blob hash (for cleaning up
    /// after a failed import).
    async fn asset_in_use(&self, sha256: &str) -> Result<bool, StoreError>;
}
