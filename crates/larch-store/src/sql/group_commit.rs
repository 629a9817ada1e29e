//! Group commit: the queue between store calls and the writer lanes that batch them
//! (run-time saves: docs/runtime.md "Performance"; statement writes, sql/statement_commit.rs:
//! docs/xapi.md "Performance").
//!
//! Every queued call becomes a job. A few writer tasks ("lanes": one on SQLite, which has a
//! single writer anyway; a few on PostgreSQL) each take every job waiting (within bounds) and
//! write them in one transaction, so one `COMMIT` (one WAL write, one fsync on PostgreSQL)
//! serves the whole batch; how a job that fails is undone alone is each writer's business.
//! Each caller is answered only after its batch's `COMMIT` returned, so an acknowledged write
//! is as durable as an unbatched one. There is no waiting for company while no lane writes: a
//! lane writes what is queued at once, and batches grow only while a previous batch is being
//! written. With a pace set (`Pace`, PostgreSQL's run-time saves), a lane also waits, up to
//! `MAX_WAIT`, while another writes, until that one is done or enough jobs wait.

use crate::{RuntimeSave, RuntimeWrite, Scope, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use tokio::sync::{Mutex, Notify, mpsc, oneshot};

/// The longest a lane holding jobs waits for company while another lane writes.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_millis(5);

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
    /// Told of every job queued.
    pace: Arc<Pace>,
}

/// How the lanes of one queue share it. While one lane writes, another holding jobs starts
/// its batch only once `overlap_from` jobs wait, or the job it holds weighs that much alone
/// (a 100-statement POST), or the writer is done (or after `MAX_WAIT`): at light load one
/// lane at a time writes everything queued meanwhile in one transaction (a statement and a
/// commit cost the database more than the commits they carry), and at heavy load the lanes
/// overlap, one's WAL flush with another's statement.
#[derive(Debug, Default)]
pub(crate) struct Pace {
    /// Lanes writing a batch now.
    writing: AtomicUsize,
    /// Jobs a lane waits for while another writes; 0 (the default): it never waits.
    overlap_from: AtomicUsize,
    /// Woken when a lane finishes a batch or a job is queued.
    changed: Notify,
}

impl Pace {
    /// Sets how many waiting jobs make a second lane start while one writes (0: at once).
    pub(crate) fn overlap_from(&self, jobs: usize) {
        self.overlap_from.store(jobs, Ordering::Relaxed);
    }

    /// Counts a batch as being written until the guard is dropped.
    pub(crate) fn writing(self: &Arc<Self>) -> Writing {
        self.writing.fetch_add(1, Ordering::AcqRel);
        Writing(Arc::clone(self))
    }

    /// Waits (holding the queue, one job taken, weighing `held`) until a batch is worth
    /// starting: no lane writes, `overlap_from` jobs wait, or `MAX_WAIT` has passed; at once
    /// when the held job weighs `overlap_from` itself.
    async fn company<T>(&self, rx: &mpsc::UnboundedReceiver<T>, held: usize) {
        let from = self.overlap_from.load(Ordering::Relaxed);
        if from == 0 || held >= from {
            return;
        }
        let deadline = tokio::time::Instant::now() + MAX_WAIT;
        loop {
            // Registered before the check, so a change between the two is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.writing.load(Ordering::Acquire) == 0 || rx.len() + 1 >= from {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return;
            }
        }
    }
}

/// A batch being written (`Pace::writing`).
#[derive(Debug)]
pub(crate) struct Writing(Arc<Pace>);

impl Drop for Writing {
    fn drop(&mut self) {
        self.0.writing.fetch_sub(1, Ordering::AcqRel);
        self.0.changed.notify_waiters();
    }
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
    /// How the lanes share the queue.
    pub(crate) pace: Arc<Pace>,
}

impl<W, R> Clone for Lanes<W, R> {
    fn clone(&self) -> Self {
        Self {
            batches: Arc::clone(&self.batches),
            counts: Arc::clone(&self.counts),
            pace: Arc::clone(&self.pace),
        }
    }
}

impl<W, R> BatchQueue<W, R> {
    /// A queue and the receiver its lanes share.
    pub(crate) fn new() -> (Self, Lanes<W, R>) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let (counts, pace) = (Arc::new(Counts::default()), Arc::new(Pace::default()));
        let lanes = Lanes {
            batches: Arc::new(Mutex::new(rx)),
            counts: Arc::clone(&counts),
            pace: Arc::clone(&pace),
        };
        (Self { jobs, counts, pace }, lanes)
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
        self.pace.changed.notify_waiters();
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
        self.pace.changed.notify_waiters();
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

/// The next batch: waits for one job (and, with a pace set, for company while another lane
/// writes), then takes every job already queued within `bounds`, each weighing
/// `weight(&write)`. `None` once the backend is gone and the queue is empty.
pub(crate) async fn next_batch<W, R>(
    lanes: &Lanes<W, R>,
    bounds: Bounds,
    weight: impl Fn(&W) -> usize,
) -> Option<Vec<Queued<W, R>>> {
    let mut rx = lanes.batches.lock().await;
    let first = rx.recv().await?;
    lanes.pace.company(&rx, weight(&first.write)).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    type Queue = BatchQueue<u32, ()>;

    fn job(n: u32) -> Queued<u32, ()> {
        let scope = Scope {
            tenant: crate::TenantId(1),
            app: crate::AppId(1),
            env: crate::Environment::Test,
        };
        let (reply, _) = oneshot::channel();
        Queued {
            scope,
            write: n,
            reply,
        }
    }

    /// A lane taking a batch while another writes, its queue paced at `from` jobs.
    fn paced(from: usize) -> (Queue, Lanes<u32, ()>, Writing) {
        let (queue, lanes) = Queue::new();
        lanes.pace.overlap_from(from);
        let writing = lanes.pace.writing();
        (queue, lanes, writing)
    }

    /// Starts `next_batch` on a task and lets it run until it waits.
    async fn waiting_batch(lanes: &Lanes<u32, ()>) -> tokio::task::JoinHandle<Vec<u32>> {
        let lanes = lanes.clone();
        let task = tokio::spawn(async move {
            let batch = next_batch(&lanes, Bounds::jobs(64), |_| 1).await.unwrap();
            batch.into_iter().map(|job| job.write).collect()
        });
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        task
    }

    /// While another lane writes, a lane holding one job waits until enough jobs wait, and
    /// takes them all in one batch (without the pace it would have taken the first alone).
    #[tokio::test(start_paused = true)]
    async fn a_lane_waits_for_company_while_another_writes() {
        let (queue, lanes, _writing) = paced(3);
        queue.push(job(1));
        let task = waiting_batch(&lanes).await;
        assert!(!task.is_finished(), "one job waits for company");
        queue.push(job(2));
        assert!(!task.is_finished(), "two jobs still wait");
        queue.push(job(3));
        assert_eq!(task.await.unwrap(), [1, 2, 3]);
    }

    /// A job weighing the pace's threshold alone (a 100-statement POST) starts at once while
    /// another lane writes: it is company enough.
    #[tokio::test(start_paused = true)]
    async fn a_heavy_job_starts_at_once_while_another_writes() {
        let (queue, lanes, _writing) = paced(3);
        queue.push(job(3));
        let started = tokio::time::Instant::now();
        let weight = |n: &u32| usize::try_from(*n).unwrap();
        let batch = next_batch(&lanes, Bounds::jobs(64), weight).await.unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(started.elapsed(), std::time::Duration::ZERO);
    }

    /// The writer finishing ends the wait: the lane writes what it has.
    #[tokio::test(start_paused = true)]
    async fn a_lane_stops_waiting_when_the_writer_is_done() {
        let (queue, lanes, writing) = paced(3);
        queue.push(job(1));
        let task = waiting_batch(&lanes).await;
        assert!(!task.is_finished());
        let started = tokio::time::Instant::now();
        drop(writing);
        assert_eq!(task.await.unwrap(), [1]);
        assert_eq!(
            started.elapsed(),
            std::time::Duration::ZERO,
            "not after MAX_WAIT"
        );
    }

    /// Without a pace, or with no lane writing, a batch starts at once; a wait never outlasts
    /// `MAX_WAIT`.
    #[tokio::test(start_paused = true)]
    async fn a_batch_starts_at_once_unless_paced_and_never_waits_long() {
        let (queue, lanes) = Queue::new();
        let _writing = lanes.pace.writing();
        queue.push(job(1));
        assert!(waiting_batch(&lanes).await.is_finished(), "no pace");
        let (queue, lanes, writing) = paced(3);
        drop(writing);
        queue.push(job(1));
        assert!(waiting_batch(&lanes).await.is_finished(), "no lane writes");
        let (queue, lanes, _writing) = paced(3);
        queue.push(job(1));
        let task = waiting_batch(&lanes).await;
        let started = tokio::time::Instant::now();
        assert_eq!(task.await.unwrap(), [1]);
        assert_eq!(started.elapsed(), MAX_WAIT);
    }
}
