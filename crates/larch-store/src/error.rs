//! The one error type of the store.

/// What can go wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write: the object (id, key) already exists.
    #[error("already exists")]
    Conflict,
    /// An object the write refers to does not exist (`course`, `learner`).
    #[error("no such {0}")]
    Missing(&'static str),
    /// Other objects still refer to this one (a learner with registrations).
    #[error("still referred to")]
    InUse,
    /// The database cannot be reached (connection refused, pool timed out, locked for too
    /// long): retry later.
    #[error("the database is unavailable")]
    Unavailable(#[source] DriverError),
    /// Any other database failure.
    #[error("database error")]
    Database(#[source] DriverError),
    /// Applying the migrations failed at start.
    #[error("applying database migrations failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database answers but lacks this binary's schema (emptied or replaced after the
    /// migrations ran at start); `/ready` reports it.
    #[error("the database schema is not migrated: {0}")]
    NotMigrated(String),
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

/// A database driver's error: `sqlx`'s, or `rusqlite`'s on SQLite's writer thread
/// (sql/sqlite_writer).
pub type DriverError = Box<dyn std::error::Error + Send + Sync>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Self::InUse,
            // SQLSTATE classes 08 (connection exception), 53 (insufficient resources) and
            // 57 (operator intervention, e.g. the server shutting down).
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|c| ["08", "53", "57"].iter().any(|p| c.starts_with(p))) =>
            {
                Self::Unavailable(err.into())
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(err.into()),
            _ => Self::Database(err.into()),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        let Some(code) = err.sqlite_error() else {
            return Self::Database(err.into());
        };
        match (code.code, code.extended_code) {
            (
                _,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            ) => Self::Conflict,
            (_, rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => Self::InUse,
            (
                ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::SystemIoFailure
                | ErrorCode::DiskFull
                | ErrorCode::CannotOpen,
                _,
            ) => Self::Unavailable(err.into()),
            _ => Self::Database(err.into()),
        }
    }
}

impl StoreError {
    /// Classifies a failure to get a connection or begin a transaction: whatever the cause,
    /// the database cannot serve us now.
    pub(crate) fn unavailable(err: sqlx::Error) -> Self {
        Self::Unavailable(err.into())
    }

    /// True when the failure is the database being away, not the request or the data.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
