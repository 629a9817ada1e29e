//! SQLite WAL checkpoints off the writer's path (docs/runtime.md, "Performance").
//!
//! By default SQLite checkpoints in the connection whose `COMMIT` took the WAL past 1,000
//! pages: that commit (and, with group commit, every save of its batch) then waits for two
//! fsyncs and the copy of the WAL into the database. The writer has `wal_autocheckpoint = 0`
//! instead, and this task checkpoints on a connection of its own every [`EVERY`], in `PASSIVE`
//! mode, which never waits for the writer or the readers. Under a write load that never
//! pauses the WAL may then never start over (it does when a write begins with every frame
//! checkpointed): past [`RESTART_ABOVE`] pages the writer connection itself, between two
//! transactions, runs a `RESTART` checkpoint, which waits for readers and starts the WAL over.
//! (Run from another connection, `RESTART` makes the writer's transactions fail as busy.)
//!
//! Durability: commits still reach the WAL (the operating system) before they are
//! acknowledged, so a killed process loses nothing. With `synchronous = NORMAL` the WAL is
//! fsynced when it is checkpointed, so a power loss can drop what was committed since the
//! last checkpoint: at most [`EVERY`] of commits, where it used to be up to 1,000 pages.

use super::sqlite_turns::WriteTurns;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(500);

/// WAL pages beyond which the writer restarts the WAL (16 MB of 4 KB pages).
const RESTART_ABOVE: i64 = 4_096;

/// Keeps the checkpointer running; dropping it (with the backend) stops it.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    _alive: Arc<()>,
}

/// Starts checkpointing the database `options` opens, whose writer is `writer`.
/// The `RESTART` takes its turn among the writers (`turns`, sql/sqlite_turns.rs).
pub(crate) fn start(
    options: SqliteConnectOptions,
    writer: SqlitePool,
    turns: WriteTurns,
) -> Checkpointer {
    let alive = Arc::new(());
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_lazy_with(options);
    let writer = Writer {
        pool: writer,
        turns,
    };
    tokio::spawn(run(pool, writer, Arc::downgrade(&alive)));
    Checkpointer { _alive: alive }
}

/// The writer connection, used in its turn.
struct Writer {
    pool: SqlitePool,
    turns: WriteTurns,
}

async fn run(pool: SqlitePool, writer: Writer, alive: Weak<()>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if alive.upgrade().is_none() {
            pool.close().await;
            return;
        }
        if let Err(e) = checkpoint(&pool, &writer).await {
            tracing::warn!(error = %e, "SQLite WAL checkpoint failed");
        }
    }
}

async fn checkpoint(pool: &SqlitePool, writer: &Writer) -> Result<(), sqlx::Error> {
    let (_busy, wal_pages, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(pool)
            .await?;
    if wal_pages > RESTART_ABOVE {
        let _turn = writer.turns.next().await;
        sqlx::query("PRAGMA wal_checkpoint(RESTART)")
            .execute(&writer.pool)
            .await?;
    }
    Ok(())
}
