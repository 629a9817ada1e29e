//! Group commit: the queue between store calls and the writer lanes that batch them
//! (run-time saves: docs/runtime.md "Performance"; statement writes, sql/statement_commit.rs:
//! docs/xapi.md "Performance").
//!
//! Every queued call becomes a job. A few writer tasks ("lanes": one on SQLite, which has a
//! single writer anyway; a few on PostgreSQL) each take every job waiting (within bounds) and
//! write them in one transaction, so one `COMMIT` (one WAL write, one fsync on PostgreSQL)
//! serves the whole batch; how a job that fails is undone alone is each writer's business.
//! Each caller is answered only after its batch's `COMMIT` returned, so an acknowledged write
//! is as durable as an unbatched one. There is no waiting for company: a lane writes what is
//! queued at once, and batches grow only while a previous batch is being written.

use crate::{RuntimeSave, RuntimeWrite, Scope, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

/// One call waiting for its lane: it writes `W` and is answered an `R`.
#[derive(Debug)]
pub(crate) struct Queued<W, R> {
    /// Its scope.
    pub(crate) scope: Scope,
    /// What to write.
    pub(crate) write: W,
    /// Where the outcome goes (after `COMMIT`).
    pub(crate) reply: oneshot::Sender<Result<R, StoreError>>,
}

/// A run-time save waiting for its lane.
pub(crate) type Job = Queued<RuntimeWrite, RuntimeSave>;

/// The run-time saves' queue.
pub(crate) type GroupCommit = BatchQueue<RuntimeWrite, RuntimeSave>;

/// The run-time saves' lanes.
pub(crate) type SaveLanes = Lanes<RuntimeWrite, RuntimeSave>;

impl Job {
    /// The order in which a batch writes its jobs: by registration instance, so that two
    /// lanes on PostgreSQL take row locks in one order and cannot deadlock each other.
    pub(crate) fn lock_order(&self) -> (i64, i64, &'static str, &str, i64) {
        let s = self.scope;
        (
            s.tenant.0,
            s.app.0,
            s.env.as_str(),
            self.write.registration.as_str(),
            self.write.instance,
        )
    }
}

/// The submitting side, held by the backend. Dropping it (with the backend) ends the lanes
/// once they have written what was queued.
#[derive(Debug)]
pub(crate) struct BatchQueue<W, R> {
    jobs: mpsc::UnboundedSender<Queued<W, R>>,
    counts: Arc<Counts>,
}

/// What the lanes wrote so far.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    transactions: AtomicU64,
    jobs: AtomicU64,
}

impl Counts {
    /// One transaction carrying `jobs` jobs was written (or tried).
    pub(crate) fn add(&self, jobs: usize) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
        let jobs = u64::try_from(jobs).unwrap_or(u64::MAX);
        self.jobs.fetch_add(jobs, Ordering::Relaxed);
    }

    /// Transactions and jobs written so far.
    pub(crate) fn get(&self) -> (u64, u64) {
        (
            self.transactions.load(Ordering::Relaxed),
            self.jobs.load(Ordering::Relaxed),
        )
    }
}

/// The lanes' side: one receiver shared by every lane of a backend, and the counts.
#[derive(Debug)]
pub(crate) struct Lanes<W, R> {
    /// The queue.
    pub(crate) batches: Arc<Mutex<mpsc::UnboundedReceiver<Queued<W, R>>>>,
    /// What was written.
    pub(crate) counts: Arc<Counts>,
}

impl<W, R> Clone for Lanes<W, R> {
    fn clone(&self) -> Self {
        Self {
            batches: Arc::clone(&self.batches),
            counts: Arc::clone(&self.counts),
        }
    }
}

impl<W, R> BatchQueue<W, R> {
    /// A queue and the receiver its lanes share.
    pub(crate) fn new() -> (Self, Lanes<W, R>) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        let lanes = Lanes {
            batches: Arc::new(Mutex::new(rx)),
            counts: Arc::clone(&counts),
        };
        (Self { jobs, counts }, lanes)
    }

    /// Transactions and jobs written so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        self.counts.get()
    }

    /// Queues a write and waits for its outcome.
    pub(crate) async fn submit(&self, scope: Scope, write: W) -> Result<R, StoreError> {
        let (reply, outcome) = oneshot::channel();
        let job = Queued {
            scope,
            write,
            reply,
        };
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed.into()))?;
        // A lane that panicked drops the reply: the write did not commit, or, if the panic
        // came after `COMMIT`, the caller's retry is a duplicate (run-time sequence numbers,
        // statement ids: Communication 2.1.1).
        outcome.await.unwrap_or(Err(StoreError::Unavailable(
            sqlx::Error::WorkerCrashed.into(),
        )))
    }

    /// Queues a job without waiting (tests of the batching).
    #[cfg(test)]
    pub(crate) fn push(&self, job: Queued<W, R>) {
        let _ = self.jobs.send(job);
    }
}

/// How much one batch takes at most: it holds the writer (and its row locks) while it is
/// written, so a bounded batch bounds the wait of the jobs queued behind it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Jobs per batch.
    pub(crate) jobs: usize,
    /// Weight per batch (statement writes: statements): a batch stops taking jobs once it
    /// carries this much.
    pub(crate) weight: usize,
}

impl Bounds {
    /// At most `jobs` jobs, whatever they weigh.
    pub(crate) const fn jobs(jobs: usize) -> Self {
        Self {
            jobs,
            weight: usize::MAX,
        }
    }
}

/// The next batch: waits for one job, then takes every job already queued within `bounds`,
/// each weighing `weight(&write)`. `None` once the backend is gone and the queue is empty.
pub(crate) async fn next_batch<W, R>(
    lanes: &Lanes<W, R>,
    bounds: Bounds,
    weight: impl Fn(&W) -> usize,
) -> Option<Vec<Queued<W, R>>> {
    let mut rx = lanes.batches.lock().await;
    let first = rx.recv().await?;
    Some(fill_batch(&mut rx, first, bounds, weight))
}

/// A batch starting with `first`: every job already queued in `rx` within `bounds` (the
/// writer threads on SQLite wait for `first` themselves, blocking).
pub(crate) fn fill_batch<W, R>(
    rx: &mut mpsc::UnboundedReceiver<Queued<W, R>>,
    first: Queued<W, R>,
    bounds: Bounds,
    weight: impl Fn(&W) -> usize,
) -> Vec<Queued<W, R>> {
    let mut carried = weight(&first.write);
    let mut batch = Vec::with_capacity(rx.len().min(bounds.jobs.saturating_sub(1)) + 1);
    batch.push(first);
    while batch.len() < bounds.jobs && carried < bounds.weight {
        match rx.try_recv() {
            Ok(job) => {
                carried = carried.saturating_add(weight(&job.write));
                batch.push(job);
            }
            Err(_) => break,
        }
    }
    batch
}
