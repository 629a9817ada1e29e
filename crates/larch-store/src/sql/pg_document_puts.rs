// Blind document PUTs on PostgreSQL, group-committed (included into sql/postgres.rs's body
// module after pg_runtime_lane.rs; docs/xapi.md "Performance"). A blind PUT (State without
// preconditions, the commonest document write) was one statement and one commit each; here
// the PUTs queued at once are one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` per
// scope on a lane's own connection: one round trip and one WAL flush for the lot. Several
// PUTs of one document in a batch are its last one (an overwrite leaves nothing of the
// earlier ones, and no reader could have seen them in between: they are answered together).
// Create-only PUTs (`If-None-Match: *`, which need no read first) share the lane: one
// `INSERT … ON CONFLICT DO NOTHING RETURNING` per scope, before the overwrites (docs/xapi.md
// "Create-only PUTs group-committed"). When the batch fails as a whole, each PUT is written again alone, so each caller gets the
// outcome it would have had alone.

/// A blind PUT: the document's key, its new content, and whether it may only create the
/// document (`If-None-Match: *`: answered `false` when the document exists).
#[derive(Debug)]
pub(crate) struct DocumentPut {
    key: crate::DocumentKey,
    doc: crate::NewDocument,
    create_only: bool,
}

/// The queue of blind PUTs; each is answered, after its `COMMIT`, whether it wrote.
pub(crate) type DocumentPuts = crate::sql::group_commit::BatchQueue<DocumentPut, bool>;

type PutJob = crate::sql::group_commit::Queued<DocumentPut, bool>;

/// PUTs per batch at most.
const PUT_BOUNDS: crate::sql::group_commit::Bounds = crate::sql::group_commit::Bounds::jobs(256);

/// `concat!(<the batch's rows inserted from unnest, $4–$11 one array per column>, after)`.
macro_rules! put_unnest {
    ($after:literal) => {
        concat!(
            "INSERT INTO xapi_documents (tenant_id, app_id, env, kind, activity_id, agent_key, \
             registration, doc_id, content, content_type, updated_nanos) \
             SELECT $1, $2, $3, d.* FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], \
             $8::text[], $9::bytea[], $10::text[], $11::int8[]) AS d \
             ON CONFLICT (tenant_id, app_id, env, kind, activity_id, agent_key, registration, \
             doc_id) ",
            $after
        )
    };
}

/// The upsert of a batch's overwriting PUTs of one scope.
const PUT_UNNEST: &str = put_unnest!(
    "DO UPDATE SET content = excluded.content, content_type = excluded.content_type, \
     updated_nanos = excluded.updated_nanos, version = xapi_documents.version + 1"
);

/// The insert of a batch's create-only PUTs of one scope; the answer names the documents it
/// created.
const CREATE_UNNEST: &str =
    put_unnest!("DO NOTHING RETURNING kind, activity_id, agent_key, registration, doc_id");

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
    /// Queues a blind PUT and waits for its `COMMIT`: whether it wrote (a create-only PUT
    /// writes nothing over an existing document).
    async fn put_queued(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        doc: crate::NewDocument,
        create_only: bool,
    ) -> Result<bool, StoreError> {
        let put = DocumentPut {
            key: key.clone(),
            doc,
            create_only,
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
    if let Ok(written) = puts_transaction(lane, &batch).await {
        for (job, written) in batch.into_iter().zip(written) {
            let _ = job.reply.send(Ok(written));
        }
        return;
    }
    for job in batch {
        counts.add(1);
        let alone = puts_transaction(lane, std::slice::from_ref(&job)).await;
        let _ = job.reply.send(alone.map(|written| written[0]));
    }
}

/// One scope's share of a batch, in the order it is written: the create-only PUTs (the
/// first of each document; a later one in the batch finds it taken), then the overwrites
/// (each document's last). Concurrent PUTs may be ordered any way; this one answers every
/// create-only PUT as if it came before the overwrites of its batch.
struct ScopePuts<'a> {
    scope: Scope,
    /// (position in the batch, PUT).
    creates: Vec<(usize, &'a DocumentPut)>,
    overwrites: Vec<&'a DocumentPut>,
}

impl ScopePuts<'_> {
    fn statements(&self) -> usize {
        usize::from(!self.creates.is_empty()) + usize::from(!self.overwrites.is_empty())
    }
}

/// The batch's PUTs, a statement per scope and kind of PUT: alone as its own transaction
/// when there is one statement, else all in one transaction (each later scope set for it
/// only). Whether each PUT wrote, in batch order.
async fn puts_transaction(
    lane: &mut LaneConnection,
    batch: &[PutJob],
) -> Result<Vec<bool>, StoreError> {
    let (groups, mut written) = puts_by_scope(batch);
    let Some(first) = groups.first().map(|g| g.scope) else {
        return Ok(written);
    };
    let wrote = puts_write(lane, first, &groups, &mut written).await;
    if wrote.as_ref().is_err_and(StoreError::is_unavailable) {
        lane.reset();
    }
    wrote.map(|()| written)
}

async fn puts_write(
    lane: &mut LaneConnection,
    first: Scope,
    groups: &[ScopePuts<'_>],
    written: &mut [bool],
) -> Result<(), StoreError> {
    let conn = lane.scoped(first).await?;
    if let [group] = groups
        && group.statements() == 1
    {
        return scope_statements(conn, group, written).await;
    }
    let mut tx = sqlx::Connection::begin(conn)
        .await
        .map_err(StoreError::unavailable)?;
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            This::enter_scope(&mut tx, group.scope).await?;
        }
        scope_statements(&mut tx, group, written).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The batch's PUTs by scope in queue order, and each PUT's answer so far: an overwrite
/// writes; a create-only PUT has not yet.
fn puts_by_scope(batch: &[PutJob]) -> (Vec<ScopePuts<'_>>, Vec<bool>) {
    let mut groups: Vec<ScopePuts<'_>> = Vec::new();
    for (at, job) in batch.iter().enumerate() {
        let i = match groups.iter().position(|g| g.scope == job.scope) {
            Some(i) => i,
            None => {
                let (creates, overwrites) = (Vec::new(), Vec::new());
                groups.push(ScopePuts { scope: job.scope, creates, overwrites });
                groups.len() - 1
            }
        };
        let (put, group) = (&job.write, &mut groups[i]);
        let same = |p: &DocumentPut| p.key == put.key && p.doc.id == put.doc.id;
        if !put.create_only {
            group.overwrites.retain(|p| !same(p));
            group.overwrites.push(put);
        } else if !group.creates.iter().any(|(_, p)| same(p)) {
            group.creates.push((at, put));
        }
    }
    let written = batch.iter().map(|job| !job.write.create_only).collect();
    (groups, written)
}

/// One scope's create-only PUTs, then its overwrites; marks the PUTs that created their
/// document.
async fn scope_statements(
    conn: &mut sqlx::PgConnection,
    group: &ScopePuts<'_>,
    written: &mut [bool],
) -> Result<(), StoreError> {
    if !group.creates.is_empty() {
        let puts: Vec<&DocumentPut> = group.creates.iter().map(|(_, p)| *p).collect();
        let created = puts_query(CREATE_UNNEST, group.scope, &puts)
            .fetch_all(&mut *conn)
            .await?;
        for row in created {
            let made = created_put(&row, &group.creates)?;
            if let Some(at) = made {
                written[at] = true;
            }
        }
    }
    if !group.overwrites.is_empty() {
        puts_query(PUT_UNNEST, group.scope, &group.overwrites)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which of `creates` (by position in the batch) a row of `CREATE_UNNEST`'s answer created.
fn created_put(
    row: &sqlx::postgres::PgRow,
    creates: &[(usize, &DocumentPut)],
) -> Result<Option<usize>, StoreError> {
    let column = |name: &str| row.try_get::<String, _>(name);
    let (kind, activity_id) = (column("kind")?, column("activity_id")?);
    let (agent_key, registration, doc_id) =
        (column("agent_key")?, column("registration")?, column("doc_id")?);
    let made = creates.iter().find(|(_, p)| {
        p.key.kind.as_str() == kind
            && p.key.activity_id == activity_id
            && p.key.agent_key == agent_key
            && p.key.registration == registration
            && p.doc.id == doc_id
    });
    Ok(made.map(|(at, _)| *at))
}

/// `sql` with one scope's PUTs (no document twice) bound, one array per column.
fn puts_query(sql: &'static str, scope: Scope, puts: &[&DocumentPut]) -> Query<'static> {
    let column = |f: fn(&DocumentPut) -> String| puts.iter().map(|p| f(p)).collect::<Vec<_>>();
    scoped(sql, scope)
        .bind(column(|p| p.key.kind.as_str().to_owned()))
        .bind(column(|p| p.key.activity_id.clone()))
        .bind(column(|p| p.key.agent_key.clone()))
        .bind(column(|p| p.key.registration.clone()))
        .bind(column(|p| p.doc.id.clone()))
        .bind(puts.iter().map(|p| p.doc.content.clone()).collect::<Vec<_>>())
        .bind(column(|p| p.doc.content_type.clone()))
        .bind(puts.iter().map(|p| p.doc.updated_nanos).collect::<Vec<_>>())
}
