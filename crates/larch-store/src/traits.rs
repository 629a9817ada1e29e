//! One trait per aggregate. Every call that touches scoped rows takes the [`Scope`] first.
//!
//! Each call is one database transaction. When a later aggregate needs a change and its event to
//! commit together (the outbox), the store method that makes the change writes the event too.

use crate::courses::{
    Course, CourseDeletion, CourseDetail, CourseFilter, CoursePatch, NewCourseVersion,
};
use crate::error::StoreError;
use crate::ids::{ApiKeyId, CourseId, LearnerId, RegistrationId};
use crate::keys::{ApiKey, ApiKeySecret, CreatedApiKey};
use crate::model::{
    Application, Bootstrapped, IdempotencyClaim, Learner, LearnerPatch, NewLearner, Page,
    PageRequest, Tenant,
};
use crate::registrations::{
    IssuedLaunch, LaunchOutcome, NewRegistration, Registration, RegistrationFilter,
};
use crate::scope::{Scope, TenantId};
use async_trait::async_trait;

/// Tenants and applications: the scopes themselves, so these calls take no scope.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// On an empty database, creates the `default` tenant and application and one `test` key
    /// (`key`, when given, else a generated one), atomically. Returns `None` when any tenant
    /// already exists, so a second start, or a second process, bootstraps nothing.
    async fn bootstrap(
        &self,
        key: Option<ApiKeySecret>,
    ) -> Result<Option<Bootstrapped>, StoreError>;

    /// Creates a tenant.
    async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError>;

    /// Creates an application of `tenant`, with its two environments.
    async fn create_application(
        &self,
        tenant: TenantId,
        name: &str,
    ) -> Result<Application, StoreError>;
}

/// API keys of an environment.
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Creates a key in `scope`. The secret is returned once and only its hash is kept.
    async fn create(&self, scope: Scope, name: &str) -> Result<CreatedApiKey, StoreError>;

    /// Registers a given secret in `scope` (for `LARCH_BOOTSTRAP_API_KEY`-like automation).
    async fn create_with_secret(
        &self,
        scope: Scope,
        name: &str,
        secret: ApiKeySecret,
    ) -> Result<CreatedApiKey, StoreError>;

    /// Finds the live key with this secret and records its use (to the minute).
    ///
    /// The one unscoped read: the secret is the credential that selects the scope.
    async fn authenticate(&self, secret: &ApiKeySecret) -> Result<Option<ApiKey>, StoreError>;

    /// One key of the scope, revoked or not.
    async fn get(&self, scope: Scope, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError>;

    /// The keys of the scope, newest first.
    async fn list(&self, scope: Scope, page: PageRequest) -> Result<Page<ApiKey>, StoreError>;

    /// Revokes a key: it authenticates nothing from now on. Revoking twice is harmless.
    async fn revoke(&self, scope: Scope, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError>;
}

/// Learners.
#[async_trait]
pub trait LearnerStore: Send + Sync {
    /// Creates a learner; [`StoreError::Conflict`] when the id exists in the scope.
    async fn create(&self, scope: Scope, new: NewLearner) -> Result<Learner, StoreError>;

    /// One learner.
    async fn get(&self, scope: Scope, id: &LearnerId) -> Result<Option<Learner>, StoreError>;

    /// Learners, newest first.
    async fn list(&self, scope: Scope, page: PageRequest) -> Result<Page<Learner>, StoreError>;

    /// Applies a partial update; `None` when there is no such learner.
    async fn update(
        &self,
        scope: Scope,
        id: &LearnerId,
        patch: LearnerPatch,
    ) -> Result<Option<Learner>, StoreError>;

    /// Deletes a learner; `false` when there was none.
    async fn delete(&self, scope: Scope, id: &LearnerId) -> Result<bool, StoreError>;
}

/// Recorded responses of POST requests that carried an `Idempotency-Key`, kept 24 hours.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose method, path and body hash to `request_hash`, or says
    /// what was recorded for it. Atomic across processes.
    async fn claim(
        &self,
        scope: Scope,
        key: &str,
        request_hash: &str,
    ) -> Result<IdempotencyClaim, StoreError>;

    /// Records the response of a claimed request.
    async fn complete(
        &self,
        scope: Scope,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError>;

    /// Releases a claim whose request failed on our side (5xx), so a retry may run again.
    async fn release(&self, scope: Scope, key: &str) -> Result<(), StoreError>;
}

/// Courses: written by the importer (one version per import), read by the API and the player.
#[async_trait]
pub trait CourseStore: Send + Sync {
    /// Records a new version of `new.id` (version 1 for a new course) and returns the course.
    async fn create_version(
        &self,
        scope: Scope,
        new: NewCourseVersion,
    ) -> Result<Course, StoreError>;

    /// One course, with its latest version.
    async fn get(&self, scope: Scope, id: &CourseId) -> Result<Option<Course>, StoreError>;

    /// One course with its versions and the latest version's model.
    async fn detail(&self, scope: Scope, id: &CourseId)
    -> Result<Option<CourseDetail>, StoreError>;

    /// The normalized course model (`larch-package`'s JSON) of one version.
    async fn version_structure(
        &self,
        scope: Scope,
        id: &CourseId,
        version: i64,
    ) -> Result<Option<serde_json::Value>, StoreError>;

    /// One file of a course version, by its path in the package.
    async fn asset(
        &self,
        scope: Scope,
        id: &CourseId,
        version: i64,
        path: &str,
    ) -> Result<Option<crate::CourseAsset>, StoreError>;

    /// Changes a course's metadata; returns the course, or `None` when there is no such course.
    async fn update(
        &self,
        scope: Scope,
        id: &CourseId,
        patch: CoursePatch,
    ) -> Result<Option<Course>, StoreError>;

    /// Courses matching `filter`, newest first.
    async fn list(
        &self,
        scope: Scope,
        filter: CourseFilter,
        page: PageRequest,
    ) -> Result<Page<Course>, StoreError>;

    /// Deletes a course and all its versions, atomically. A course with registrations is
    /// deleted (with them and their launch tokens) only when `with_registrations`.
    async fn delete(
        &self,
        scope: Scope,
        id: &CourseId,
        with_registrations: bool,
    ) -> Result<CourseDeletion, StoreError>;
}

/// Registrations.
#[async_trait]
pub trait RegistrationStore: Send + Sync {
    /// Registers a learner (existing, or created in the same transaction) on the latest version
    /// of a course. [`StoreError::Missing`] names the course or learner that does not exist;
    /// [`StoreError::Conflict`] means the registration id is taken.
    async fn create(&self, scope: Scope, new: NewRegistration) -> Result<Registration, StoreError>;

    /// One registration.
    async fn get(
        &self,
        scope: Scope,
        id: &RegistrationId,
    ) -> Result<Option<Registration>, StoreError>;

    /// Registrations matching `filter`, newest first.
    async fn list(
        &self,
        scope: Scope,
        filter: RegistrationFilter,
        page: PageRequest,
    ) -> Result<Page<Registration>, StoreError>;

    /// Deletes a registration and its launch tokens; `false` when there was none.
    async fn delete(&self, scope: Scope, id: &RegistrationId) -> Result<bool, StoreError>;
}

/// Single-use launch tokens.
#[async_trait]
pub trait LaunchStore: Send + Sync {
    /// Issues a token for a registration, valid `ttl_seconds`; `None` when there is no such
    /// registration in the scope.
    async fn issue(
        &self,
        scope: Scope,
        registration: &RegistrationId,
        ttl_seconds: i64,
    ) -> Result<Option<IssuedLaunch>, StoreError>;

    /// Spends a token: [`LaunchOutcome::Valid`] exactly once, across all processes.
    ///
    /// Unscoped: the token is the credential that selects the scope.
    async fn consume(&self, token: &str) -> Result<LaunchOutcome, StoreError>;
}

/// Everything a backend implements; [`crate::Store`] hands out each aggregate's view.
#[async_trait]
pub(crate) trait Backend:
    TenantStore
    + ApiKeyStore
    + LearnerStore
    + CourseStore
    + crate::imports::ImportJobStore
    + RegistrationStore
    + LaunchStore
    + IdempotencyStore
    + crate::xapi::LrsCredentialStore
    + crate::xapi::StatementStore
    + crate::xapi::XapiDocumentStore
    + crate::outbox::OutboxStore
    + crate::xapi::LaunchTokenStore
    + crate::forwarding::ForwardingRuleStore
    + crate::runtime::RuntimeStore
    + crate::branding::BrandingStore
    + std::fmt::Debug
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
}
