// Blind document PUTs on PostgreSQL, group-committed (included into sql/postgres.rs's body
// module after pg_runtime_lane.rs; docs/xapi.md "Performance"). A blind PUT (State without
// preconditions, the commonest document write) was one statement and one commit each; here
// the PUTs queued at once are one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` per
// scope on a lane's own connection: one round trip and one WAL flush for the lot. Several
// PUTs of one document in a batch are its last one (an overwrite leaves nothing of the
// earlier ones, and no reader could have seen them in between: they are answered together).
// When the batch fails as a whole, each PUT is written again alone, so each caller gets the
// outcome it would have had alone.

/// A blind PUT: the document's key and its new content.
#[derive(Debug)]
pub(crate) struct DocumentPut {
    key: crate::DocumentKey,
    doc: crate::NewDocument,
}

/// The queue of blind PUTs; each is answered after its `COMMIT`.
pub(crate) type DocumentPuts = crate::sql::group_commit::BatchQueue<DocumentPut, ()>;

type PutJob = crate::sql::group_commit::Queued<DocumentPut, ()>;

/// PUTs per batch at most.
const PUT_BOUNDS: crate::sql::group_commit::Bounds = crate::sql::group_commit::Bounds::jobs(256);

/// The upsert of a batch's PUTs of one scope, `$4`–`$11` one array per column.
const PUT_UNNEST: &str = "INSERT INTO xapi_documents (tenant_id, app_id, env, kind, activity_id, \
     agent_key, registration, doc_id, content, content_type, updated_nanos) \
     SELECT $1, $2, $3, d.* FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], \
     $8::text[], $9::bytea[], $10::text[], $11::int8[]) AS d \
     ON CONFLICT (tenant_id, app_id, env, kind, activity_id, agent_key, registration, doc_id) \
     DO UPDATE SET content = excluded.content, content_type = excluded.content_type, \
     updated_nanos = excluded.updated_nanos, version = xapi_documents.version + 1";

/// Starts `lanes` lane tasks writing the queued PUTs, each on a connection of its own
/// (pg_runtime_lane.rs).
pub(super) fn start_document_puts(pool: &sqlx::Pool<Db>, lanes: usize) -> DocumentPuts {
    let (queue, shared) = DocumentPuts::new();
    for _ in 0..lanes.max(1) {
        let bounds = (PUT_BOUNDS, (|_| 1) as fn(&DocumentPut) -> usize);
        spawn_lane(pool.clone(), shared.clone(), bounds, |_| {}, |mut conn, batch, counts| async move {
            write_put_batch(&mut conn, batch, &counts).await;
            conn
        });
    }
    queue
}

impl This {
    /// Queues a blind PUT and waits for its `COMMIT`.
    async fn put_queued(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        doc: crate::NewDocument,
    ) -> Result<(), StoreError> {
        let put = DocumentPut {
            key: key.clone(),
            doc,
        };
        self.puts.submit(scope, put).await
    }
}

/// Writes a batch and answers every PUT; each alone again when the batch failed.
async fn write_put_batch(
    lane: &mut LaneConnection,
    batch: Vec<PutJob>,
    counts: &crate::sql::group_commit::Counts,
) {
    counts.add(batch.len());
    if puts_transaction(lane, &batch).await.is_ok() {
        for job in batch {
            let _ = job.reply.send(Ok(()));
        }
        return;
    }
    for job in batch {
        counts.add(1);
        let alone = puts_transaction(lane, std::slice::from_ref(&job)).await;
        let _ = job.reply.send(alone);
    }
}

/// The batch's PUTs, one statement per scope: alone as its own transaction when the batch
/// has one scope, else all in one transaction (each later scope set for it only).
async fn puts_transaction(lane: &mut LaneConnection, batch: &[PutJob]) -> Result<(), StoreError> {
    let groups = puts_by_scope(batch);
    let Some((first, _)) = groups.first() else {
        return Ok(());
    };
    let written = puts_write(lane, *first, &groups).await;
    if written.as_ref().is_err_and(StoreError::is_unavailable) {
        lane.reset();
    }
    written
}

async fn puts_write(
    lane: &mut LaneConnection,
    first: Scope,
    groups: &[(Scope, Vec<&DocumentPut>)],
) -> Result<(), StoreError> {
    let conn = lane.scoped(first).await?;
    if let [(scope, puts)] = groups {
        return puts_statement(conn, *scope, puts).await;
    }
    let mut tx = sqlx::Connection::begin(conn)
        .await
        .map_err(StoreError::unavailable)?;
    for (i, (scope, puts)) in groups.iter().enumerate() {
        if i > 0 {
            This::enter_scope(&mut tx, *scope).await?;
        }
        puts_statement(&mut tx, *scope, puts).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The PUTs by scope in queue order, each document's last PUT only.
fn puts_by_scope(batch: &[PutJob]) -> Vec<(Scope, Vec<&DocumentPut>)> {
    let mut groups: Vec<(Scope, Vec<&DocumentPut>)> = Vec::new();
    for job in batch {
        let at = match groups.iter().position(|(s, _)| *s == job.scope) {
            Some(at) => at,
            None => {
                groups.push((job.scope, Vec::new()));
                groups.len() - 1
            }
        };
        let puts = &mut groups[at].1;
        puts.retain(|p| p.key != job.write.key || p.doc.id != job.write.doc.id);
        puts.push(&job.write);
    }
    groups
}

/// One scope's PUTs (no document twice) as one upsert.
async fn puts_statement(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    puts: &[&DocumentPut],
) -> Result<(), StoreError> {
    let column = |f: fn(&DocumentPut) -> String| puts.iter().map(|p| f(p)).collect::<Vec<_>>();
    scoped(PUT_UNNEST, scope)
        .bind(column(|p| p.key.kind.as_str().to_owned()))
        .bind(column(|p| p.key.activity_id.clone()))
        .bind(column(|p| p.key.agent_key.clone()))
        .bind(column(|p| p.key.registration.clone()))
        .bind(column(|p| p.doc.id.clone()))
        .bind(puts.iter().map(|p| p.doc.content.clone()).collect::<Vec<_>>())
        .bind(column(|p| p.doc.content_type.clone()))
        .bind(puts.iter().map(|p| p.doc.updated_nanos).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    Ok(())
}
