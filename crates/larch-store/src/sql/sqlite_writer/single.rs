//! SQLite writes that are one statement each (xAPI document writes), group-committed on a
//! writer thread of their own with a `rusqlite` connection (docs/xapi.md "Performance").
//!
//! Through sqlx such a write was a round trip to sqlx's writer thread, plus the liveness ping
//! sqlx runs on every connection it takes back, and a transaction of its own: one WAL append
//! per write. Here every write queued while the previous batch was written shares one
//! `IMMEDIATE` transaction and one WAL append, with cached prepared statements. A write is
//! one statement, and a statement that fails is undone alone by SQLite (statement-level
//! atomicity) while the transaction goes on, so each write still gets its own outcome with
//! no savepoint; an error that ends the transaction itself (I/O, disk full) fails the batch.

use crate::StoreError;
use crate::sql::group_commit::{BatchQueue, Bounds, Counts, Lanes, Queued, fill_batch};
use crate::sql::sqlite_turns::WriteTurns;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::Path;

/// One write: a statement and its arguments (`?1`, `?2`, … in order).
#[derive(Debug)]
pub(crate) struct SingleWrite {
    /// The statement (a constant: the connection caches its preparation).
    pub(crate) sql: &'static str,
    /// Its arguments.
    pub(crate) args: Vec<Value>,
}

/// The queue of one-statement writes; each is answered with the rows it changed.
pub(crate) type SingleWrites = BatchQueue<SingleWrite, usize>;

type SingleJob = Queued<SingleWrite, usize>;

/// Writes per transaction at most: each holds SQLite's write lock for a few microseconds.
const BOUNDS: Bounds = Bounds::jobs(256);

/// Starts the writer thread on the database at `path` (migrated already); it stops once the
/// returned queue (the backend) is gone and empty.
pub(crate) fn start(path: &Path, turns: WriteTurns) -> Result<SingleWrites, StoreError> {
    let conn = super::open(path)?;
    let (queue, lanes) = SingleWrites::new();
    std::thread::Builder::new()
        .name("larch-sqlite-single".into())
        .spawn(move || run(conn, &lanes, &turns))
        .map_err(|e| StoreError::Config(format!("cannot start the SQLite writer: {e}")))?;
    Ok(queue)
}

/// The thread's loop: one batch at a time, in its turn (sql/sqlite_turns.rs), every write
/// answered.
fn run(mut conn: Connection, lanes: &Lanes<SingleWrite, usize>, turns: &WriteTurns) {
    let mut queue = lanes.batches.blocking_lock();
    while let Some(first) = queue.blocking_recv() {
        let _turn = turns.blocking();
        let batch = fill_batch(&mut *queue, first, BOUNDS, |_| 1);
        write_batch(&mut conn, batch, &lanes.counts);
    }
}

/// Writes a batch in one transaction; answers each write after `COMMIT` with its own outcome,
/// or every write with the failure that ended the transaction.
fn write_batch(conn: &mut Connection, batch: Vec<SingleJob>, counts: &Counts) {
    counts.add(batch.len());
    match transaction(conn, &batch) {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, writes = batch.len(), "SQLite write batch failed");
            let message = e.to_string();
            for job in batch {
                let failed = std::io::Error::other(message.clone());
                let _ = job.reply.send(Err(StoreError::Unavailable(failed.into())));
            }
        }
    }
}

/// Each write's statement in one `IMMEDIATE` transaction (sqlite_writer), then `COMMIT`.
fn transaction(
    conn: &mut Connection,
    batch: &[SingleJob],
) -> Result<Vec<Result<usize, StoreError>>, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        match execute(&tx, &job.write) {
            // The error rolled back the whole transaction (SQLite "Response To Errors
            // Within A Transaction"): nothing of the batch is written.
            Err(e) if tx.is_autocommit() => return Err(e),
            outcome => outcomes.push(outcome),
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

fn execute(conn: &Connection, write: &SingleWrite) -> Result<usize, StoreError> {
    let mut statement = conn.prepare_cached(write.sql)?;
    Ok(statement.execute(rusqlite::params_from_iter(&write.args))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppId, Environment, Scope, TenantId};
    use tokio::sync::oneshot;

    fn job(sql: &'static str, n: i64) -> (SingleJob, oneshot::Receiver<Result<usize, StoreError>>) {
        let (reply, outcome) = oneshot::channel();
        let scope = Scope {
            tenant: TenantId(1),
            app: AppId(1),
            env: Environment::Test,
        };
        let write = SingleWrite {
            sql,
            args: vec![Value::Integer(n)],
        };
        (
            Queued {
                scope,
                write,
                reply,
            },
            outcome,
        )
    }

    #[test]
    fn a_failing_write_fails_alone_and_the_batch_commits_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("single.db");
        let setup = Connection::open(&path).unwrap();
        setup
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER PRIMARY KEY);")
            .unwrap();
        const INSERT: &str = "INSERT INTO t (n) VALUES (?1)";
        const UPSERT: &str = "INSERT INTO t (n) VALUES (?1) ON CONFLICT DO NOTHING";
        let (queue, lanes) = SingleWrites::new();
        let mut outcomes = Vec::new();
        for (sql, n) in [(INSERT, 1), (INSERT, 1), (UPSERT, 1), (INSERT, 2)] {
            let (job, outcome) = job(sql, n);
            queue.push(job);
            outcomes.push(outcome);
        }
        drop(queue);
        run(
            super::super::open(&path).unwrap(),
            &lanes,
            &WriteTurns::default(),
        );
        let got: Vec<_> = outcomes
            .into_iter()
            .map(|o| o.blocking_recv().unwrap())
            .collect();
        assert!(matches!(got[0], Ok(1)), "{got:?}");
        assert!(matches!(got[1], Err(StoreError::Conflict)), "{got:?}");
        assert!(matches!(got[2], Ok(0)), "{got:?}");
        assert!(matches!(got[3], Ok(1)), "{got:?}");
        let rows: i64 = setup
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2);
        assert_eq!(
            lanes.counts.get(),
            (1, 4),
            "one transaction for the four writes"
        );
    }
}
