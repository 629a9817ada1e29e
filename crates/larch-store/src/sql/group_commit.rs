//! Group commit for run-time saves (docs/runtime.md, "Performance").
//!
//! Every `RuntimeStore::save` becomes a job on a queue. A few writer tasks ("lanes": one on
//! SQLite, which has a single writer anyway; a few on PostgreSQL) each take every job waiting
//! (up to a bound per backend) and write them in one transaction, one savepoint per job, so one
//! `COMMIT` (one WAL write, one fsync on PostgreSQL) serves the whole batch. A job whose write
//! conflicts, finds its session ended or fails is rolled back to its savepoint alone; the
//! others go on. Each caller is answered only after the batch's `COMMIT` returned, so an
//! acknowledged save is as durable as before. There is no waiting for company: a lane writes
//! what is queued at once, and batches grow only while a previous batch is being written.

use crate::{RuntimeSave, RuntimeWrite, SaveBatches, Scope, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

/// One save waiting for its lane.
pub(crate) struct Job {
    /// Its scope.
    pub(crate) scope: Scope,
    /// What to write.
    pub(crate) write: RuntimeWrite,
    /// Where the outcome goes (after `COMMIT`).
    pub(crate) reply: oneshot::Sender<Result<RuntimeSave, StoreError>>,
}

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
pub(crate) struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
    counts: Arc<Counts>,
}

/// What the lanes wrote so far.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    transactions: AtomicU64,
    saves: AtomicU64,
}

impl Counts {
    /// One transaction carrying `saves` saves was written (or tried).
    pub(crate) fn add(&self, saves: usize) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
        let saves = u64::try_from(saves).unwrap_or(u64::MAX);
        self.saves.fetch_add(saves, Ordering::Relaxed);
    }

    /// Transactions and saves written so far.
    pub(crate) fn get(&self) -> SaveBatches {
        SaveBatches {
            transactions: self.transactions.load(Ordering::Relaxed),
            saves: self.saves.load(Ordering::Relaxed),
        }
    }
}

/// The lanes' side: one receiver shared by every lane of a backend, and the counts.
#[derive(Debug, Clone)]
pub(crate) struct Lanes {
    /// The queue.
    pub(crate) batches: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>,
    /// What was written.
    pub(crate) counts: Arc<Counts>,
}

impl GroupCommit {
    /// A queue and the receiver its lanes share.
    pub(crate) fn new() -> (Self, Lanes) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        let lanes = Lanes {
            batches: Arc::new(Mutex::new(rx)),
            counts: Arc::clone(&counts),
        };
        (Self { jobs, counts }, lanes)
    }

    /// Transactions and saves written so far.
    pub(crate) fn counts(&self) -> SaveBatches {
        self.counts.get()
    }

    /// Queues a save and waits for its outcome.
    pub(crate) async fn save(
        &self,
        scope: Scope,
        write: RuntimeWrite,
    ) -> Result<RuntimeSave, StoreError> {
        let (reply, outcome) = oneshot::channel();
        self.jobs
            .send(Job {
                scope,
                write,
                reply,
            })
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed.into()))?;
        // A lane that panicked drops the reply: the write did not commit (or, if the panic
        // came after `COMMIT`, the runtime's sequence numbers make the retry a duplicate).
        outcome.await.unwrap_or(Err(StoreError::Unavailable(
            sqlx::Error::WorkerCrashed.into(),
        )))
    }
}

/// The next batch: waits for one job, then takes every job already queued, up to `max`
/// (which bounds how long a batch holds the writer). `None` once the backend is gone and the
/// queue is empty.
pub(crate) async fn next_batch(lanes: &Lanes, max: usize) -> Option<Vec<Job>> {
    let mut rx = lanes.batches.lock().await;
    let first = rx.recv().await?;
    let mut batch = Vec::with_capacity(rx.len().min(max.saturating_sub(1)) + 1);
    batch.push(first);
    while batch.len() < max {
        match rx.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}
