//! Group commit for statement writes (docs/xapi.md, "Performance").
//!
//! Every `StatementStore::insert` becomes a job on a queue. A few writer tasks ("lanes": one on
//! SQLite, which has a single writer anyway; a few on PostgreSQL) each take every job waiting
//! (up to a bound), group them by scope and write each scope's jobs as one combined set of
//! multi-row INSERTs, all in one transaction: one `COMMIT` (one WAL append, one fsync on
//! PostgreSQL) and a handful of round trips serve the whole batch. When the combined write
//! fails (two jobs carry one statement id, the database refuses something), nothing of it is
//! committed and each job is written again in a transaction of its own, so only the offending
//! job fails. Callers are answered only after their `COMMIT` returned. There is no waiting for
//! company: a lane writes what is queued at once, and batches grow only while a previous batch
//! is being written. (The run-time saves' queue, sql/group_commit.rs, is the model; statement
//! writes need no savepoint per job, since a combined write behaves as the jobs in sequence.)

use crate::{AgentRow, Attachment, InsertBatches, NewStatement, Scope, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

/// What one `insert` call writes.
#[derive(Debug)]
pub(crate) struct InsertWrite {
    /// The statements, in the caller's order.
    pub(crate) statements: Vec<NewStatement>,
    /// Their attachments.
    pub(crate) attachments: Vec<Attachment>,
    /// Merged canonical definitions `(activity id, JSON)`.
    pub(crate) definitions: Vec<(String, String)>,
    /// The Agents seen.
    pub(crate) agents: Vec<AgentRow>,
}

/// One `insert` waiting for its lane.
#[derive(Debug)]
pub(crate) struct InsertJob {
    /// Its scope.
    pub(crate) scope: Scope,
    /// What to write.
    pub(crate) write: InsertWrite,
    /// Where the outcome goes (after `COMMIT`).
    pub(crate) reply: oneshot::Sender<Result<(), StoreError>>,
}

/// The submitting side, held by the backend. Dropping it (with the backend) ends the lanes
/// once they have written what was queued.
#[derive(Debug)]
pub(crate) struct StatementCommit {
    jobs: mpsc::UnboundedSender<InsertJob>,
    counts: Arc<Counts>,
}

/// What the lanes wrote so far.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    transactions: AtomicU64,
    inserts: AtomicU64,
}

impl Counts {
    /// One transaction carrying `inserts` jobs was written (or tried).
    pub(crate) fn add(&self, inserts: usize) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
        let inserts = u64::try_from(inserts).unwrap_or(u64::MAX);
        self.inserts.fetch_add(inserts, Ordering::Relaxed);
    }
}

/// The lanes' side: one receiver shared by every lane of a backend, the bounds, the counts.
#[derive(Debug, Clone)]
pub(crate) struct Lanes {
    /// The queue.
    queue: Arc<Mutex<mpsc::UnboundedReceiver<InsertJob>>>,
    /// What was written.
    pub(crate) counts: Arc<Counts>,
}

/// How much one batch takes at most: it holds the writer (and its row locks) while it is
/// written, so a bounded batch bounds the wait of the jobs queued behind it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Jobs per batch.
    pub(crate) jobs: usize,
    /// Statements per batch: a batch stops taking jobs once it carries this many.
    pub(crate) statements: usize,
}

impl StatementCommit {
    /// A queue and the receiver its lanes share.
    pub(crate) fn new() -> (Self, Lanes) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        let lanes = Lanes {
            queue: Arc::new(Mutex::new(rx)),
            counts: Arc::clone(&counts),
        };
        (Self { jobs, counts }, lanes)
    }

    /// Transactions and inserts written so far.
    pub(crate) fn counts(&self) -> InsertBatches {
        InsertBatches {
            transactions: self.counts.transactions.load(Ordering::Relaxed),
            inserts: self.counts.inserts.load(Ordering::Relaxed),
        }
    }

    /// Queues an insert and waits for its outcome.
    pub(crate) async fn insert(&self, scope: Scope, write: InsertWrite) -> Result<(), StoreError> {
        let (reply, outcome) = oneshot::channel();
        self.jobs
            .send(InsertJob {
                scope,
                write,
                reply,
            })
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed.into()))?;
        // A lane that panicked drops the reply: the write may or may not have committed, as
        // when a connection is lost during `COMMIT`; the client's retry with the same ids is
        // then a no-op or a conflict (Communication 2.1.1).
        outcome.await.unwrap_or(Err(StoreError::Unavailable(
            sqlx::Error::WorkerCrashed.into(),
        )))
    }
}

/// The next batch: waits for one job, then takes every job already queued, within `bounds`.
/// `None` once the backend is gone and the queue is empty.
pub(crate) async fn next_batch(lanes: &Lanes, bounds: Bounds) -> Option<Vec<InsertJob>> {
    let mut rx = lanes.queue.lock().await;
    let first = rx.recv().await?;
    let mut statements = first.write.statements.len();
    let mut batch = Vec::with_capacity(rx.len().min(bounds.jobs.saturating_sub(1)) + 1);
    batch.push(first);
    while batch.len() < bounds.jobs && statements < bounds.statements {
        match rx.try_recv() {
            Ok(job) => {
                statements += job.write.statements.len();
                batch.push(job);
            }
            Err(_) => break,
        }
    }
    Some(batch)
}

/// The batch's jobs grouped by scope (one group per scope, each in queue order), the groups
/// in scope order so that lanes on PostgreSQL lock in one order.
pub(crate) fn by_scope(batch: Vec<InsertJob>) -> Vec<(Scope, Vec<InsertJob>)> {
    let mut groups: Vec<(Scope, Vec<InsertJob>)> = Vec::new();
    for job in batch {
        match groups.iter_mut().find(|(scope, _)| *scope == job.scope) {
            Some((_, jobs)) => jobs.push(job),
            None => groups.push((job.scope, vec![job])),
        }
    }
    groups.sort_by_key(|(s, _)| (s.tenant.0, s.app.0, s.env.as_str()));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppId, Environment, TenantId};

    fn job(tenant: i64, id: &str) -> InsertJob {
        let statement = NewStatement {
            id: id.to_owned(),
            stored_nanos: 1,
            verb: "v".into(),
            activity: None,
            registration: None,
            voids: None,
            target: None,
            authority: None,
            agents: Vec::new(),
            related_agents: Vec::new(),
            related_activities: Vec::new(),
            body: "{}".into(),
        };
        InsertJob {
            scope: Scope {
                tenant: TenantId(tenant),
                app: AppId(1),
                env: Environment::Test,
            },
            write: InsertWrite {
                statements: vec![statement],
                attachments: Vec::new(),
                definitions: Vec::new(),
                agents: Vec::new(),
            },
            reply: oneshot::channel().0,
        }
    }

    fn ids(jobs: &[InsertJob]) -> Vec<&str> {
        jobs.iter()
            .map(|j| j.write.statements[0].id.as_str())
            .collect()
    }

    #[test]
    fn groups_keep_queue_order_within_a_scope() {
        let batch = vec![job(2, "a"), job(1, "b"), job(2, "c"), job(1, "d")];
        let groups = by_scope(batch);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0.tenant, TenantId(1));
        assert_eq!(ids(&groups[0].1), ["b", "d"]);
        assert_eq!(ids(&groups[1].1), ["a", "c"]);
    }

    #[tokio::test]
    async fn a_batch_takes_what_is_queued_within_its_bounds() {
        let (queue, lanes) = StatementCommit::new();
        for i in 0..5 {
            queue.jobs.send(job(1, &i.to_string())).unwrap();
        }
        let bounds = Bounds {
            jobs: 3,
            statements: 100,
        };
        assert_eq!(next_batch(&lanes, bounds).await.unwrap().len(), 3);
        let bounds = Bounds {
            jobs: 100,
            statements: 1,
        };
        assert_eq!(next_batch(&lanes, bounds).await.unwrap().len(), 1);
        drop(queue);
        assert_eq!(next_batch(&lanes, bounds).await.unwrap().len(), 1);
        assert!(next_batch(&lanes, bounds).await.is_none());
    }
}
