//! Larch storage: one trait per aggregate, implemented once per database backend.
//!
//! - [`Store`] is the handle the server holds: [`Store::open`] connects to SQLite (the embedded
//!   default) or PostgreSQL, applies the migrations, and hands out one view per aggregate
//!   ([`Store::learners`], [`Store::api_keys`], …).
//! - Every call that touches scoped rows takes a [`Scope`] first; on PostgreSQL the same scope is
//!   also enforced by row-level security.
//! - The two backends run the same SQL text where it is identical: each aggregate's
//!   implementation is written once (in `src/sql/body/`) and compiled for each backend, with
//!   only connection handling and DDL differing. There is no `sqlx::Any`.
//! - Blobs (course assets, uploads) go through [`Blobs`], backed by `object_store`.
#![deny(missing_docs)]

mod blobs;
mod branding;
mod courses;
mod error;
mod forwarding;
pub mod ids;
mod imports;
mod keys;
mod model;
mod outbox;
mod registrations;
mod runtime;
mod scope;
mod sealing;
mod sql;
mod traits;
mod transcript;
mod xapi;

#[cfg(feature = "testing")]
pub mod testing;

pub use blobs::Blobs;
pub use branding::{BrandingStore, PlayerBranding};
pub use courses::{
    Course, CourseDeletion, CourseDetail, CourseFilter, CoursePatch, CourseVersionSummary,
    Launchable, NewCourseVersion,
};
pub use error::{DriverError, StoreError};
pub use forwarding::{
    BasicAuth, FORWARD_TOPIC, ForwardingFilter, ForwardingRule, ForwardingRulePatch,
    ForwardingRuleStore, ForwardingSecret, NewForwardingRule,
};
pub use imports::{
    ClaimedJob, CourseAsset, ImportJob, ImportJobStore, ImportSource, ImportStatus, NewImportJob,
};
pub use keys::{ApiKey, ApiKeySecret, CreatedApiKey, InvalidApiKey, MIN_SECRET_LEN};
pub use model::{
    Application, Bootstrapped, Cursor, IdempotencyClaim, Learner, LearnerPatch, MAX_PAGE_LIMIT,
    NewLearner, Page, PageRequest, Tenant,
};
pub use outbox::{
    Attempt, AttemptOutcome, Behind, Delivery, DeliveryOutcome, Message, MessageStatus, NewMessage,
    OutboxStore, Purged, Requeue, RetryPolicy,
};
pub use registrations::{
    IssuedLaunch, LaunchOutcome, LearnerRef, NewRegistration, Registration, RegistrationFilter,
    ValidLaunch,
};
pub use runtime::{
    NewPlayerSession, OpenDelivery, PlayerSession, Rollup, RuntimeSave, RuntimeStore, RuntimeWrite,
    SaveBatches, SessionWrite, StaleSession, StoredInstance, StoredRuntime, TranscriptRow,
};
pub use scope::{AppId, Environment, Scope, TenantId};
pub use traits::{
    ApiKeyStore, CourseStore, IdempotencyStore, LaunchStore, LearnerStore, RegistrationStore,
    TenantStore,
};

pub use xapi::{
    AgentRow, Attachment, CreatedLrsCredential, DefinitionMerge, DocumentChange, DocumentKey,
    DocumentKind, IncomingDefinition, InsertBatches, IssuedLaunchToken, LaunchToken,
    LaunchTokenStore, LrsCredential, LrsCredentialStore, LrsSecret, NewDocument, NewLaunchToken,
    NewStatement, StatementQuery, StatementStore, StoredDocument, StoredStatement,
    XapiDocumentStore,
};

use std::path::PathBuf;
use std::sync::Arc;
use traits::Backend;

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// An SQLite file (WAL mode), created with its folder when missing.
    Sqlite {
        /// The database file, by default `./larch-data/larch.db`.
        path: PathBuf,
    },
    /// A PostgreSQL database, e.g. `postgres://larch@db/larch`.
    Postgres {
        /// The connection URL (contains credentials: never log it).
        url: String,
        /// Connections in the pool. By default, 10.
        max_connections: u32,
    },
}

/// The storage handle: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl Store {
    /// Connects, applies pending migrations, and returns the store.
    ///
    /// Several processes may start at once on one PostgreSQL database: migrations take an
    /// advisory lock, so exactly one applies them.
    pub async fn open(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let backend: Arc<dyn Backend> = match config {
            DatabaseConfig::Sqlite { path } => {
                Arc::new(sql::sqlite::SqliteBackend::open(path).await?)
            }
            DatabaseConfig::Postgres {
                url,
                max_connections,
            } => Arc::new(sql::postgres::PgBackend::open(url, *max_connections).await?),
        };
        Ok(Self { backend })
    }

    /// Tenants and applications (unscoped: they are the scopes).
    pub fn tenants(&self) -> &dyn TenantStore {
        &*self.backend
    }

    /// API keys.
    pub fn api_keys(&self) -> &dyn ApiKeyStore {
        &*self.backend
    }

    /// Learners.
    pub fn learners(&self) -> &dyn LearnerStore {
        &*self.backend
    }

    /// Courses and their versions.
    pub fn courses(&self) -> &dyn CourseStore {
        &*self.backend
    }

    /// Import jobs (the course import queue).
    pub fn imports(&self) -> &dyn ImportJobStore {
        &*self.backend
    }

    /// Registrations.
    pub fn registrations(&self) -> &dyn RegistrationStore {
        &*self.backend
    }

    /// Launch tokens.
    pub fn launches(&self) -> &dyn LaunchStore {
        &*self.backend
    }

    /// Run-time states, player sessions and transcripts.
    pub fn runtime(&self) -> &dyn RuntimeStore {
        &*self.backend
    }

    /// The player's branding per environment.
    pub fn branding(&self) -> &dyn BrandingStore {
        &*self.backend
    }

    /// Recorded responses for `Idempotency-Key`.
    pub fn idempotency(&self) -> &dyn IdempotencyStore {
        &*self.backend
    }

    /// LRS credentials.
    pub fn lrs_credentials(&self) -> &dyn LrsCredentialStore {
        &*self.backend
    }

    /// xAPI statements, attachments, Activity definitions and Agents.
    pub fn statements(&self) -> &dyn StatementStore {
        &*self.backend
    }

    /// xAPI State, Activity Profile and Agent Profile documents.
    pub fn xapi_documents(&self) -> &dyn XapiDocumentStore {
        &*self.backend
    }

    /// Launch-scoped, short-lived LRS tokens.
    pub fn launch_tokens(&self) -> &dyn LaunchTokenStore {
        &*self.backend
    }

    /// The transactional outbox (delivery queue and log).
    pub fn outbox(&self) -> &dyn OutboxStore {
        &*self.backend
    }

    /// Statement forwarding rules of the LRS.
    pub fn forwarding_rules(&self) -> &dyn ForwardingRuleStore {
        &*self.backend
    }

    /// Checks that the database answers (for `/ready`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.backend.ping().await
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        self.backend.kind()
    }
}

/// Unix milliseconds now.
pub(crate) fn unix_now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
