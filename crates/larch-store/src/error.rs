//! The one error type of the store.

/// What can go wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write: the object (id, key) already exists.
    #[error("already exists")]
    Conflict,
    /// The database cannot be reached (connection refused, pool timed out): retry later.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database failure.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Applying the migrations failed at start.
    #[error("applying database migrations failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value that the code cannot read back (a bug or a hand-edited row).
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    /// Blob storage failed.
    #[error("blob storage error")]
    Blob(#[from] object_store::Error),
    /// The configuration names something unusable (bad URL, unwritable folder).
    #[error("invalid storage configuration: {0}")]
    Config(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(err),
            _ => Self::Database(err),
        }
    }
}

impl StoreError {
    /// True when the failure is the database being away, not the request or the data.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
