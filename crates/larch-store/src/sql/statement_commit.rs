//! Group commit for statement writes (docs/xapi.md, "Performance").
//!
//! Every `StatementStore::insert` becomes a job on a queue. Writers ("lanes": on SQLite one
//! thread with a `rusqlite` connection, sql/sqlite_statement_writer.rs, as SQLite has a single
//! writer anyway; on PostgreSQL a few tasks, sql/pg_statement_commit.rs) each take every job
//! waiting (up to a bound), group them by scope and write each scope's jobs as one combined
//! write (cached single-row statements on SQLite; one statement on PostgreSQL,
//! sql/pg_statement_rows.rs), all in one transaction: one `COMMIT` (one WAL append, one fsync
//! on PostgreSQL) serves the whole batch. When the combined write
//! fails (two jobs carry one statement id, the database refuses something), nothing of it is
//! committed and each job is written again in a transaction of its own, so only the offending
//! job fails. Callers are answered only after their `COMMIT` returned. There is no waiting for
//! company: a lane writes what is queued at once, and batches grow only while a previous batch
//! is being written. (The run-time saves' queue, sql/group_commit.rs, is the model; statement
//! writes need no savepoint per job, since a combined write behaves as the jobs in sequence.)

use super::group_commit::{BatchQueue, Queued};
use crate::{AgentRow, Attachment, IncomingDefinition, NewStatement, Scope};

/// What one `insert` call writes.
#[derive(Debug)]
pub(crate) struct InsertWrite {
    /// The statements, in the caller's order.
    pub(crate) statements: Vec<NewStatement>,
    /// Their attachments.
    pub(crate) attachments: Vec<Attachment>,
    /// Definitions to merge into the canonical ones, in statement order.
    pub(crate) definitions: Vec<IncomingDefinition>,
    /// The Agents seen.
    pub(crate) agents: Vec<AgentRow>,
}

/// One `insert` waiting for its lane; answered with the forwarding messages it queued.
pub(crate) type InsertJob = Queued<InsertWrite, usize>;

/// The statement writes' queue (sql/group_commit.rs).
pub(crate) type StatementCommit = BatchQueue<InsertWrite, usize>;

/// A job's weight in a batch: its statements.
pub(crate) fn statements_of(write: &InsertWrite) -> usize {
    write.statements.len()
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

/// The writes of each scope group, as a combined write takes them.
pub(crate) fn writes_of(groups: &[(Scope, Vec<InsertJob>)]) -> Vec<(Scope, Vec<&InsertWrite>)> {
    groups
        .iter()
        .map(|(scope, jobs)| (*scope, jobs.iter().map(|j| &j.write).collect()))
        .collect()
}

/// Answers the jobs of a combined write (in batch order) with its outcome: each its
/// forwarding messages after `COMMIT`, or a lone job its error. The jobs of a failed combined
/// write of several are returned, to be written again each alone (each then gets the outcome
/// it would have had alone).
pub(crate) fn answer_combined(
    jobs: Vec<InsertJob>,
    outcome: Result<Vec<usize>, crate::StoreError>,
) -> Vec<InsertJob> {
    match outcome {
        Ok(messages) => {
            for (job, n) in jobs.into_iter().zip(messages) {
                let _ = job.reply.send(Ok(n));
            }
            Vec::new()
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(e));
            }
            Vec::new()
        }
        Err(e) => {
            tracing::debug!(error = %e, inserts = jobs.len(), "combined write failed: each alone");
            jobs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::group_commit::{Bounds, next_batch};
    use crate::{AppId, Environment, TenantId};
    use tokio::sync::oneshot;

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
        Queued {
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
            queue.push(job(1, &i.to_string()));
        }
        let batch = |bounds| next_batch(&lanes, bounds, statements_of);
        let bounds = Bounds {
            jobs: 3,
            weight: 100,
        };
        assert_eq!(batch(bounds).await.unwrap().len(), 3);
        let bounds = Bounds {
            jobs: 100,
            weight: 1,
        };
        assert_eq!(batch(bounds).await.unwrap().len(), 1);
        drop(queue);
        assert_eq!(batch(bounds).await.unwrap().len(), 1);
        assert!(batch(bounds).await.is_none());
    }
}
