//! Turns for the writers of a SQLite file in this process, so that a rare write is not
//! starved by the busy ones.
//!
//! SQLite has a single write lock, and a writer that finds it taken waits in its busy
//! handler: it sleeps and tries again. The writer threads (sql/sqlite_writer,
//! sql/sqlite_statement_writer.rs) poll every 200 µs, while sqlx's connection sleeps
//! SQLite's default steps (1, 2, 5, 10 … 100 ms); under a steady load from the threads, a
//! rarer sqlx write (a launch: learner, registration, launch token) lost the lock to them
//! again and again: launches waited 1.8 s at the median, 2.2 s at worst (docs/xapi.md,
//! "Turns for SQLite's writers").
//!
//! A sqlx write therefore asks for a turn first, and while any does, the threads take turns
//! too, in the order asked: the write waits for the few transactions queued before it (and
//! fails as unavailable after 5 s without one, as it would have in SQLite's busy handler).
//! While none does, the threads go on without turns, because handing a lock over in strict
//! order between busy threads on two cores costs throughput (a woken thread waits for a
//! core while the one that could run cannot take the lock): measured, strict turns for all
//! cut the mixed load's POSTs from 3,032 to 1,012 per second.
//!
//! Invariants: every sqlx write transaction on the file, and the writer connection's
//! `RESTART` checkpoint, holds a turn from before its `BEGIN` until it has committed or
//! rolled back; a writer thread holds one for its whole transaction whenever it took one;
//! nothing waits for a writer thread while holding a turn (the thread may wait for the
//! turn: a deadlock). SQLite's own lock and busy handler still decide who writes; turns
//! only order the asking, so a thread that began without one is merely waited for.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How long a sqlx write waits for its turn, as long as SQLite's busy timeout.
const TURN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The turns; clones share them.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteTurns {
    /// Handed over in the order asked, from tasks and from threads alike (tokio's mutex is
    /// fair).
    queue: Arc<Mutex<()>>,
    /// sqlx writes waiting for or holding a turn; while above zero the threads take turns.
    asking: Arc<AtomicUsize>,
}

/// A writer thread's turn (if it needed one), ended by dropping it.
pub(crate) type ThreadTurn = Option<OwnedMutexGuard<()>>;

/// A sqlx write's turn, ended by dropping it.
#[derive(Debug)]
pub(crate) struct WriteTurn {
    /// Declared first so that the turn is handed on before the count falls.
    _turn: OwnedMutexGuard<()>,
    _asking: Asking,
}

/// Counts one sqlx write as asking until dropped (also when its wait is cancelled).
#[derive(Debug)]
struct Asking(Arc<AtomicUsize>);

impl Drop for Asking {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl WriteTurns {
    /// On a writer thread (never on an async task: it blocks): a turn when a sqlx write is
    /// asking for one, else none.
    pub(crate) fn blocking(&self) -> ThreadTurn {
        if self.asking.load(Ordering::Acquire) == 0 {
            return None;
        }
        Some(Arc::clone(&self.queue).blocking_lock_owned())
    }

    /// On an async task: waits for a turn.
    pub(crate) async fn next(&self) -> WriteTurn {
        self.asking.fetch_add(1, Ordering::AcqRel);
        let asking = Asking(Arc::clone(&self.asking));
        WriteTurn {
            _turn: Arc::clone(&self.queue).lock_owned().await,
            _asking: asking,
        }
    }

    /// [`Self::next`] within [`TURN_TIMEOUT`], else `Unavailable`, as a write that waited
    /// that long for SQLite's lock fails (`busy_timeout`).
    pub(crate) async fn next_in_time(&self) -> Result<WriteTurn, crate::StoreError> {
        tokio::time::timeout(TURN_TIMEOUT, self.next())
            .await
            .map_err(|_| {
                let waited = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no turn to write to the SQLite file within 5 s",
                );
                crate::StoreError::unavailable(sqlx::Error::Io(waited))
            })
    }
}

/// A sqlx transaction on the SQLite file, holding a turn while it may write (none for reads).
/// It derefs to the connection, as `sqlx::Transaction` does, so the shared bodies use both
/// alike.
#[derive(Debug)]
pub(crate) struct SqliteTx {
    /// The transaction; rolled back if dropped uncommitted.
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    /// Held until the transaction ends: dropped after `commit` returns, or with the
    /// transaction (whose `ROLLBACK` sqlx queues on the connection's thread at once).
    _turn: Option<WriteTurn>,
}

impl SqliteTx {
    /// A transaction that writes, begun in `turn`.
    pub(crate) fn writing(tx: sqlx::Transaction<'static, sqlx::Sqlite>, turn: WriteTurn) -> Self {
        Self {
            tx,
            _turn: Some(turn),
        }
    }

    /// A read transaction: it needs no turn.
    pub(crate) fn reading(tx: sqlx::Transaction<'static, sqlx::Sqlite>) -> Self {
        Self { tx, _turn: None }
    }

    /// Commits, then ends the turn.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for SqliteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Threads take no turn while no task asks; once one asks, it is served before the
    /// thread's later turns.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_task_asking_is_served_before_the_threads_next_turns() {
        let turns = WriteTurns::default();
        assert!(turns.blocking().is_none(), "no task asks: no turn");
        let held = turns.next().await;
        let (order_tx, order_rx) = std::sync::mpsc::channel();
        let thread_turns = turns.clone();
        let thread_order = order_tx.clone();
        let greedy = std::thread::spawn(move || {
            for _ in 0..50 {
                let turn = thread_turns.blocking();
                thread_order.send(("thread", turn.is_some())).unwrap();
            }
        });
        // The thread asked first (it waits on `held`); the task asks second.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let task_turns = turns.clone();
        let task = tokio::spawn(async move {
            let _turn = task_turns.next().await;
            order_tx.send(("task", true)).unwrap();
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
        task.await.unwrap();
        greedy.join().unwrap();
        let order: Vec<_> = order_rx.try_iter().collect();
        // The thread's first turn, then the task's, before the thread's 49 others; once no
        // task asks, a thread needs no turn. (Not read off the thread's last turns: on a
        // loaded machine all of them may fall between the task's turn being handed on and
        // its count falling.)
        assert_eq!(order[0], ("thread", true), "{order:?}");
        assert_eq!(order[1], ("task", true), "{order:?}");
        assert_eq!(turns.asking.load(Ordering::Acquire), 0);
        assert!(turns.blocking().is_none(), "no task asks: no turn");
    }

    /// A write that gets no turn within the timeout fails as unavailable.
    #[tokio::test(start_paused = true)]
    async fn a_turn_not_given_in_time_is_unavailable() {
        let turns = WriteTurns::default();
        let _held = turns.next().await;
        let waited = turns.next_in_time().await;
        assert!(waited.is_err_and(|e| e.is_unavailable()));
        assert_eq!(turns.asking.load(Ordering::Acquire), 1, "the holder only");
    }

    /// A task whose wait is cancelled stops asking.
    #[tokio::test]
    async fn a_cancelled_wait_stops_asking() {
        let turns = WriteTurns::default();
        let held = turns.next().await;
        let waiting = tokio::time::timeout(Duration::from_millis(10), turns.next()).await;
        assert!(waiting.is_err(), "the turn is held");
        drop(held);
        assert_eq!(turns.asking.load(Ordering::Acquire), 0);
        assert!(turns.blocking().is_none());
    }
}
