//! The xAPI LRS's storage: credentials, statements with their filter keys, attachments,
//! canonical Activity definitions, Agents seen, and documents (State, Activity Profile, Agent
//! Profile). Each application environment is its own LRS: every call takes the [`Scope`].
//!
//! The store knows nothing of xAPI rules: the server validates, compares and merges with
//! `larch-xapi` and hands over rows with their index keys already computed
//! (xAPI-Communication 2.1.3 filters, 2.1.4 StatementRefs, Data 2.3.2 voiding).

mod credentials;
mod documents;
mod statements;
mod tokens;

pub use credentials::{CreatedLrsCredential, LrsCredential, LrsSecret};
pub(crate) use credentials::{generate_key, pair_hash};
pub use documents::{DocumentChange, DocumentKey, DocumentKind, NewDocument, StoredDocument};
pub use statements::{
    AgentRow, Attachment, DefinitionMerge, IncomingDefinition, InsertBatches, NewStatement,
    StatementQuery, StoredStatement,
};
pub use tokens::{IssuedLaunchToken, LaunchToken, NewLaunchToken};

use crate::error::StoreError;
use crate::ids::LrsCredentialId;
use crate::model::{Page, PageRequest};
use crate::scope::Scope;
use async_trait::async_trait;

/// LRS credentials (HTTP Basic `key:secret`), each opening one environment's LRS.
#[async_trait]
pub trait LrsCredentialStore: Send + Sync {
    /// Creates a credential with `scopes` (a space-separated xAPI scope list, already valid).
    async fn create(
        &self,
        scope: Scope,
        name: &str,
        scopes: &str,
    ) -> Result<CreatedLrsCredential, StoreError>;

    /// The live credential with this key and secret, whatever its scope (it selects the scope).
    async fn authenticate(
        &self,
        key: &str,
        secret: &LrsSecret,
    ) -> Result<Option<LrsCredential>, StoreError>;

    /// Credentials of the environment, newest first.
    async fn list(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> Result<Page<LrsCredential>, StoreError>;

    /// One credential.
    async fn get(
        &self,
        scope: Scope,
        id: &LrsCredentialId,
    ) -> Result<Option<LrsCredential>, StoreError>;

    /// Revokes a credential; revoking twice is harmless. `None` when there is none.
    async fn revoke(
        &self,
        scope: Scope,
        id: &LrsCredentialId,
    ) -> Result<Option<LrsCredential>, StoreError>;
}

/// Launch-scoped, short-lived LRS tokens.
#[async_trait]
pub trait LaunchTokenStore: Send + Sync {
    /// Issues a token in `scope`, valid `new.ttl_secs`. Only the hash of its secret is kept.
    async fn issue(
        &self,
        scope: Scope,
        new: NewLaunchToken,
    ) -> Result<IssuedLaunchToken, StoreError>;

    /// The unexpired token with this id and secret, whatever its scope (it selects the scope).
    async fn authenticate(
        &self,
        id: &str,
        secret: &LrsSecret,
    ) -> Result<Option<LaunchToken>, StoreError>;
}

/// Statements, their attachments, canonical Activity definitions and Agents.
#[async_trait]
pub trait StatementStore: Send + Sync {
    /// The stored statements among `ids` (voided or not).
    async fn by_ids(
        &self,
        scope: Scope,
        ids: &[String],
    ) -> Result<Vec<StoredStatement>, StoreError>;

    /// Stores a batch in one transaction: the statements with their keys, the attachments
    /// (by SHA-2; a known one is kept), the definitions merged into the stored canonical ones
    /// (in commit order; one left as stored is not written again), the Agents; then voids the
    /// targets of voiding statements that are not voiding statements themselves (Data 2.3.2);
    /// and one outbox message per enabled forwarding rule the batch matches
    /// ([`crate::FORWARD_TOPIC`]), whose number it returns. [`StoreError::Conflict`] when an id
    /// is already stored (nothing is written).
    ///
    /// Concurrent calls are written together (group commit, docs/xapi.md "Performance"):
    /// one transaction for the calls queued at once, each with exactly the outcome it would
    /// have had alone, answered only after `COMMIT`.
    async fn insert(
        &self,
        scope: Scope,
        statements: Vec<NewStatement>,
        attachments: Vec<Attachment>,
        definitions: Vec<IncomingDefinition>,
        agents: Vec<AgentRow>,
    ) -> Result<usize, StoreError>;

    /// How [`StatementStore::insert`] calls were written so far: concurrent calls share
    /// transactions (group commit), each still all or nothing.
    fn insert_batches(&self) -> InsertBatches;

    /// Statements matching `query`, at most `query.limit + 1` (so the caller knows if there
    /// are more), ordered by (`stored`, sequence).
    async fn query(
        &self,
        scope: Scope,
        query: &StatementQuery,
    ) -> Result<Vec<StoredStatement>, StoreError>;

    /// The stored attachments among these SHA-2 hashes.
    async fn attachments(
        &self,
        scope: Scope,
        sha2: &[String],
    ) -> Result<Vec<Attachment>, StoreError>;

    /// Canonical definitions (JSON text) of these Activity ids, where known.
    async fn definitions(
        &self,
        scope: Scope,
        ids: &[String],
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// Every distinct Agent (JSON text) seen with this IFI key.
    async fn agents(&self, scope: Scope, ifi_key: &str) -> Result<Vec<String>, StoreError>;

    /// The database's plan for [`StatementStore::query`] of `query`, one line per step
    /// (SQLite `EXPLAIN QUERY PLAN` details indented by depth; PostgreSQL `EXPLAIN` lines):
    /// for the tests that every filter is an index walk, and for diagnosis.
    async fn query_plan(
        &self,
        scope: Scope,
        query: &StatementQuery,
    ) -> Result<Vec<String>, StoreError>;
}

/// State, Activity Profile and Agent Profile documents.
#[async_trait]
pub trait XapiDocumentStore: Send + Sync {
    /// One document.
    async fn get(
        &self,
        scope: Scope,
        key: &DocumentKey,
        id: &str,
    ) -> Result<Option<StoredDocument>, StoreError>;

    /// Ids of the documents under `key`, updated after `since_nanos` when given.
    async fn ids(
        &self,
        scope: Scope,
        key: &DocumentKey,
        since_nanos: Option<i64>,
    ) -> Result<Vec<String>, StoreError>;

    /// Creates or replaces a document.
    async fn put(
        &self,
        scope: Scope,
        key: &DocumentKey,
        doc: NewDocument,
    ) -> Result<(), StoreError>;

    /// Applies `change` only if the document is still as read: absent (`expected` is `None`)
    /// or at version `expected`. `false` when it changed in between: the caller reads it
    /// again and re-checks its `If-Match` / `If-None-Match` (xAPI-Communication 3.1), so a
    /// precondition and the write it guards are atomic.
    async fn write_if(
        &self,
        scope: Scope,
        key: &DocumentKey,
        expected: Option<i64>,
        change: DocumentChange,
    ) -> Result<bool, StoreError>;

    /// Deletes one document (`Some(id)`) or all under `key` (`None`).
    async fn delete(
        &self,
        scope: Scope,
        key: &DocumentKey,
        id: Option<&str>,
    ) -> Result<(), StoreError>;
}
