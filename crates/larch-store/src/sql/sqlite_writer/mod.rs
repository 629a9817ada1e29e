//! SQLite's run-time writer: group commit (sql/group_commit.rs) on a thread of its own with a
//! `rusqlite` connection (docs/runtime.md, "Performance").
//!
//! Through `sqlx`, each statement of a save is a round trip to sqlx's SQLite worker thread:
//! two thread wake-ups per statement, five statements per save, while the batch holds
//! SQLite's single write lock. The writer was idle most of the time it held the lock, and the
//! commit rate was bound by those hand-overs, not by SQLite. Here the whole batch runs on one
//! thread, straight through, with cached prepared statements: one hand-over in (the queue) and
//! one out (each caller's reply) per save.
//!
//! The file has three more writers: the statement writer thread (sql/sqlite_statement_writer.rs),
//! the one-statement writer thread (xAPI documents, `single`), and sqlx's writer connection
//! (everything else, rarer). In this process they take turns in the order they asked
//! (sql/sqlite_turns.rs). All begin their transactions `IMMEDIATE`, so against a writer in
//! another process they take SQLite's write lock up front and wait in the busy handler
//! instead of failing with `SQLITE_BUSY` when a read inside a transaction would have to be
//! upgraded to a write after the other committed; transactions are short, so a waiter polls
//! finely ([`BUSY_POLL`]).

mod save;
pub(crate) mod single;

use super::group_commit::{Bounds, Counts, Job, SaveLanes, fill_batch};
use super::sqlite_turns::WriteTurns;
use crate::{RuntimeSave, StoreError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a transaction waits for the other writer (sqlx's) before giving up, as sqlx's
/// connections do (`busy_timeout`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Sleep between two tries at the write lock. SQLite's own busy handler sleeps 1, 2, 5, 10 ms
/// …; the other writer's transactions last well under a millisecond, so poll finer.
const BUSY_POLL: Duration = Duration::from_micros(200);

/// Starts the writer thread on the database at `path` (migrated already): it writes the
/// batches queued in `lanes`, at most `max_batch` saves per transaction, and stops once
/// the queue's sender (the backend) is gone and the queue is empty.
pub(crate) fn start(
    path: &Path,
    lanes: SaveLanes,
    max_batch: usize,
    turns: WriteTurns,
) -> Result<(), StoreError> {
    let conn = open(path)?;
    std::thread::Builder::new()
        .name("larch-sqlite-writer".into())
        .spawn(move || run(conn, &lanes, max_batch, &turns))
        .map_err(|e| StoreError::Config(format!("cannot start the SQLite writer: {e}")))?;
    Ok(())
}

/// A writer thread's connection, set up as sqlx's writer is (sql/sqlite.rs).
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(PathBuf::from(path), flags)?;
    // NORMAL in WAL mode: durable against a killed process (sql/checkpoint.rs for power loss);
    // the checkpointer task, not this writer, checkpoints.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
    )?;
    conn.busy_handler(Some(busy))?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// The busy handler: sleep [`BUSY_POLL`] and try again, for [`BUSY_TIMEOUT`] in all.
fn busy(tries: i32) -> bool {
    let waited = BUSY_POLL * u32::try_from(tries).unwrap_or(u32::MAX);
    if waited >= BUSY_TIMEOUT {
        return false;
    }
    std::thread::sleep(BUSY_POLL);
    true
}

/// The thread's loop: one batch at a time, in its turn (sql/sqlite_turns.rs), every job
/// answered. The batch is filled once the turn came, with whatever queued meanwhile.
fn run(mut conn: Connection, lanes: &SaveLanes, max_batch: usize, turns: &WriteTurns) {
    // The only lane on SQLite: it keeps the queue for its life.
    let mut queue = lanes.batches.blocking_lock();
    while let Some(first) = queue.blocking_recv() {
        let _turn = turns.blocking();
        let batch = fill_batch(&mut *queue, first, Bounds::jobs(max_batch), |_| 1);
        write_batch(&mut conn, batch, &lanes.counts);
    }
}

/// Writes a batch in one transaction and answers every job after `COMMIT`. When the batch as
/// a whole fails, nothing of it is committed and each job is tried again alone, so every
/// caller gets its own outcome.
fn write_batch(conn: &mut Connection, batch: Vec<Job>, counts: &Counts) {
    let outcomes = if batch.len() > 1 {
        counts.add(batch.len());
        batch_transaction(conn, &batch).map_err(|e| {
            tracing::warn!(error = %e, saves = batch.len(), "group commit failed: saving each alone");
        })
    } else {
        Err(())
    };
    match outcomes {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(()) => {
            for job in batch {
                counts.add(1);
                let outcome = save_alone(conn, &job);
                let _ = job.reply.send(outcome);
            }
        }
    }
}

/// Every job under its own savepoint, then one `COMMIT`.
fn batch_transaction(
    conn: &mut Connection,
    batch: &[Job],
) -> Result<Vec<Result<RuntimeSave, StoreError>>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        run_cached(&tx, "SAVEPOINT job")?;
        let outcome = save::write_one(&tx, job.scope, &job.write);
        if !matches!(outcome, Ok(RuntimeSave::Saved(_))) {
            run_cached(&tx, "ROLLBACK TO job")?;
        }
        run_cached(&tx, "RELEASE job")?;
        outcomes.push(outcome);
    }
    tx.commit()?;
    Ok(outcomes)
}

/// Runs a parameterless statement through the statement cache (rusqlite's own savepoints
/// parse their SQL each time).
fn run_cached(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// One save in a transaction of its own; anything but `Saved` is rolled back.
fn save_alone(conn: &mut Connection, job: &Job) -> Result<RuntimeSave, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let outcome = save::write_one(&tx, job.scope, &job.write)?;
    if matches!(outcome, RuntimeSave::Saved(_)) {
        tx.commit()?;
    }
    // Otherwise dropping the transaction rolls back what was written.
    Ok(outcome)
}
