//! Read-only `rusqlite` connections for SQLite reads that are one statement by key (xAPI
//! documents), run on the calling task (docs/xapi.md "Performance").
//!
//! Through sqlx's read pool such a read was two round trips to the connection's thread (the
//! query, and the liveness ping sqlx runs on every connection it takes back), each two thread
//! wake-ups, for a statement that takes SQLite a few microseconds: a primary-key lookup of one
//! row, from pages the operating system caches. Run where it is asked, it blocks the calling
//! worker thread for about as long as those wake-ups took, and never for a lock: in WAL mode a
//! reader does not wait for the writers.

use crate::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Idle connections kept at most: as many as reads at once on a small server.
const MAX_IDLE: usize = 8;

/// The database file's read-only connections: opened on demand, kept while idle.
#[derive(Debug)]
pub(crate) struct Readers {
    /// The database file (migrated already).
    path: PathBuf,
    /// Connections not in use, at most [`MAX_IDLE`].
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Readers of the database at `path`; none is opened yet.
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection (a new one when none is idle), then keeps it.
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let outcome = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        outcome
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        // As sqlx's connections: a reader waits only while a checkpoint resets the WAL.
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(16);
        Ok(conn)
    }
}
