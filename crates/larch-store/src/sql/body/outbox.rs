// The transactional outbox and its delivery log (included into each backend module).

const MESSAGE_COLUMNS: &str = "tenant_id, app_id, env, id, topic, target, payload, status, created_ms, \
     next_attempt_ms, attempts, delivered_ms, last_error, requeued_ms";

/// The claim (after `UPDATE … SET …`): the due pending message that waited longest, not held by
/// a live lease, and first in line for its target (messages to one target go in order: a
/// voiding statement never overtakes the statement it voids). On PostgreSQL the candidate row
/// is locked with SKIP LOCKED, so concurrent workers each get a different message; on SQLite
/// the single writer serialises claims.
const OUTBOX_CLAIM: &str = "UPDATE outbox_messages SET locked_by = $1, locked_until_ms = $2, \
     attempts = attempts + 1 WHERE seq = (SELECT m.seq FROM outbox_messages m \
     WHERE m.status = 'pending' AND m.next_attempt_ms <= $3 \
     AND (m.locked_until_ms IS NULL OR m.locked_until_ms < $3) \
     AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o.tenant_id = m.tenant_id \
     AND o.app_id = m.app_id AND o.env = m.env AND o.topic = m.topic AND o.target = m.target \
     AND o.status = 'pending' AND o.seq < m.seq) AND m.topic IN ";

/// Whether a due pending message of the listed topics (`$2, $3, …`; `$1` now) may be there for
/// the claim: its line-order condition left out, so it may say yes when the claim then finds
/// nothing, never the reverse.
fn outbox_due_sql(topics: usize) -> String {
    let list: Vec<String> = (0..topics).map(|i| format!("${}", i + 2)).collect();
    format!(
        "SELECT 1 FROM outbox_messages m WHERE m.status = 'pending' AND m.next_attempt_ms <= $1 \
         AND (m.locked_until_ms IS NULL OR m.locked_until_ms < $1) AND m.topic IN ({}) LIMIT 1",
        list.join(", ")
    )
}

fn message_from_row(row: &DbRow) -> Result<crate::Message, StoreError> {
    let status: &str = row.try_get("status")?;
    let payload: &str = row.try_get("payload")?;
    Ok(crate::Message {
        id: super::super::id_of(row.try_get("id")?, crate::ids::OutboxMessageId::parse)?,
        scope: scope_of(row)?,
        topic: row.try_get("topic")?,
        target: row.try_get("target")?,
        payload: serde_json::from_str(payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?,
        status: crate::MessageStatus::parse(status)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox status {status:?}")))?,
        created_ms: row.try_get("created_ms")?,
        next_attempt_ms: row.try_get("next_attempt_ms")?,
        attempts: row.try_get("attempts")?,
        delivered_ms: row.try_get("delivered_ms")?,
        last_error: row.try_get("last_error")?,
        requeued_ms: row.try_get("requeued_ms")?,
    })
}

fn delivery_from_row(row: &DbRow) -> Result<(i64, crate::Delivery), StoreError> {
    let outcome: &str = row.try_get("outcome")?;
    let status: Option<i64> = row.try_get("status_code")?;
    let delivery = crate::Delivery {
        id: super::super::id_of(row.try_get("id")?, crate::ids::OutboxDeliveryId::parse)?,
        message_id: super::super::id_of(
            row.try_get("message_id")?,
            crate::ids::OutboxMessageId::parse,
        )?,
        target: row.try_get("target")?,
        attempt: row.try_get("attempt")?,
        at_ms: row.try_get("at_ms")?,
        status_code: status.and_then(|s| u16::try_from(s).ok()),
        error: row.try_get("error")?,
        duration_ms: row.try_get("duration_ms")?,
        outcome: crate::outbox::DeliveryOutcome::parse(outcome)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery outcome {outcome:?}")))?,
    };
    Ok((row.try_get("seq")?, delivery))
}

/// Writes a message in the caller's transaction: the outbox half of a change.
async fn outbox_insert(
    conn: &mut <Db as sqlx::Database>::Connection,
    scope: Scope,
    new: &crate::NewMessage,
) -> Result<crate::ids::OutboxMessageId, StoreError> {
    let id = crate::ids::OutboxMessageId::generate();
    let now = crate::unix_now_ms();
    scoped(
        "INSERT INTO outbox_messages (tenant_id, app_id, env, id, topic, target, payload, \
         created_ms, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        scope,
    )
    .bind(id.as_str().to_owned())
    .bind(new.topic.clone())
    .bind(new.target.clone())
    .bind(new.payload.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

async fn outbox_fetch(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::OutboxMessageId,
) -> Result<Option<crate::Message>, StoreError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM outbox_messages WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
    );
    let row = sqlx::query(&sql)
        .bind(scope.tenant.0)
        .bind(scope.app.0)
        .bind(scope.env.as_str())
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| message_from_row(&r)).transpose()
}

/// A transaction for a delivery worker before it knows a message's scope (PostgreSQL: the
/// `outbox_messages` policy admits `larch.worker = 'outbox'`).
async fn outbox_worker_tx(backend: &This) -> Result<Tx, StoreError> {
    let mut tx = backend.unscoped_write().await?;
    if backend.kind_name() == "postgres" {
        sqlx::query("SELECT set_config('larch.worker', 'outbox', true)")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// The claim statement for `topics` (`$4, $5, …`).
fn outbox_claim_sql(backend: &This, topics: usize) -> String {
    let list: Vec<String> = (0..topics).map(|i| format!("${}", i + 4)).collect();
    let lock = if backend.kind_name() == "postgres" { " FOR UPDATE SKIP LOCKED" } else { "" };
    format!(
        "{OUTBOX_CLAIM}({}) ORDER BY m.next_attempt_ms, m.seq LIMIT 1{lock}) RETURNING {MESSAGE_COLUMNS}",
        list.join(", ")
    )
}

/// Applies an attempt's outcome to its message; whether it changed. Delivered counts whoever
/// holds the message now (the target has it); a retry or a failure only from the holder.
async fn outbox_apply(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::OutboxMessageId,
    worker: &str,
    attempt: &crate::Attempt,
) -> Result<bool, StoreError> {
    let now = crate::unix_now_ms();
    let query = match attempt.outcome {
        crate::AttemptOutcome::Delivered => scoped(
            "UPDATE outbox_messages SET status = 'delivered', delivered_ms = $4, last_error = NULL, \
             locked_by = NULL, locked_until_ms = NULL WHERE tenant_id = $1 AND app_id = $2 \
             AND env = $3 AND id = $5 AND status = 'pending'",
            scope,
        )
        .bind(now)
        .bind(id.as_str().to_owned()),
        crate::AttemptOutcome::RetryAt(at) => scoped(
            "UPDATE outbox_messages SET next_attempt_ms = $4, last_error = $5, locked_by = NULL, \
             locked_until_ms = NULL WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $6 \
             AND status = 'pending' AND locked_by = $7",
            scope,
        )
        .bind(at)
        .bind(attempt.error.clone())
        .bind(id.as_str().to_owned())
        .bind(worker.to_owned()),
        crate::AttemptOutcome::Failed => scoped(
            "UPDATE outbox_messages SET status = 'failed', last_error = $4, locked_by = NULL, \
             locked_until_ms = NULL WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $5 \
             AND status = 'pending' AND locked_by = $6",
            scope,
        )
        .bind(attempt.error.clone())
        .bind(id.as_str().to_owned())
        .bind(worker.to_owned()),
    };
    let done = query.execute(&mut **tx).await?;
    Ok(done.rows_affected() == 1)
}

/// Appends an attempt to the delivery log.
async fn outbox_log(
    tx: &mut Tx,
    message: &crate::Message,
    attempt: &crate::Attempt,
) -> Result<(), StoreError> {
    scoped(
        "INSERT INTO outbox_deliveries (tenant_id, app_id, env, id, message_id, topic, target, \
         attempt, at_ms, status_code, error, duration_ms, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        message.scope,
    )
    .bind(crate::ids::OutboxDeliveryId::generate().as_str().to_owned())
    .bind(message.id.as_str().to_owned())
    .bind(message.topic.clone())
    .bind(message.target.clone())
    .bind(attempt.number)
    .bind(crate::unix_now_ms())
    .bind(attempt.status_code.map(i64::from))
    .bind(attempt.error.clone())
    .bind(attempt.duration_ms)
    .bind(crate::outbox::DeliveryOutcome::of(attempt.outcome).as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl crate::OutboxStore for This {
    async fn push(&self, scope: Scope, new: crate::NewMessage) -> Result<crate::Message, StoreError> {
        let mut tx = self.write(scope).await?;
        let id = outbox_insert(&mut tx, scope, &new).await?;
        let message = outbox_fetch(&mut tx, scope, &id).await?;
        tx.commit().await?;
        message.ok_or_else(|| StoreError::Corrupt("outbox message vanished".into()))
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::OutboxMessageId,
    ) -> Result<Option<crate::Message>, StoreError> {
        let mut tx = self.read(scope).await?;
        let message = outbox_fetch(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(message)
    }

    async fn claim(
        &self,
        topics: &[&str],
        worker: &str,
        lease_ms: i64,
    ) -> Result<Option<crate::Message>, StoreError> {
        if topics.is_empty() {
            return Ok(None);
        }
        let now = crate::unix_now_ms();
        let due = outbox_due_sql(topics.len());
        let probe = topics
            .iter()
            .fold(sqlx::query(&due).bind(now), |q, topic| q.bind((*topic).to_owned()));
        if !worker_finds(self, "outbox", probe).await? {
            return Ok(None);
        }
        let sql = outbox_claim_sql(self, topics.len());
        let mut query = sqlx::query(&sql)
            .bind(worker.to_owned())
            .bind(now + lease_ms)
            .bind(now);
        for topic in topics {
            query = query.bind((*topic).to_owned());
        }
        let mut tx = outbox_worker_tx(self).await?;
        let row = query.fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        row.map(|r| message_from_row(&r)).transpose()
    }

    async fn claim_behind(
        &self,
        first: &crate::Message,
        worker: &str,
        lease_ms: i64,
        bound: crate::Behind,
    ) -> Result<Vec<crate::Message>, StoreError> {
        let mut tx = self.write(first.scope).await?;
        let claimed = outbox_claim_behind(self, &mut tx, first, worker, lease_ms, bound).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn record(
        &self,
        scope: Scope,
        id: &crate::ids::OutboxMessageId,
        worker: &str,
        attempt: crate::Attempt,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write(scope).await?;
        let Some(message) = outbox_fetch(&mut tx, scope, id).await? else {
            return Ok(false);
        };
        outbox_log(&mut tx, &message, &attempt).await?;
        let changed = outbox_apply(&mut tx, scope, id, worker, &attempt).await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn requeue(
        &self,
        scope: Scope,
        topic: &str,
        target: &str,
        delivery: &crate::ids::OutboxDeliveryId,
    ) -> Result<crate::Requeue, StoreError> {
        let mut tx = self.write(scope).await?;
        let message: Option<String> = scoped(
            "SELECT message_id FROM outbox_deliveries WHERE tenant_id = $1 AND app_id = $2 \
             AND env = $3 AND id = $4 AND topic = $5 AND target = $6",
            scope,
        )
        .bind(delivery.as_str().to_owned())
        .bind(topic.to_owned())
        .bind(target.to_owned())
        .fetch_optional(&mut *tx)
        .await?
        .map(|row: DbRow| row.try_get("message_id"))
        .transpose()?;
        let Some(message) = message else {
            return Ok(crate::Requeue::NotFound);
        };
        let id = super::super::id_of(&message, crate::ids::OutboxMessageId::parse)?;
        let now = crate::unix_now_ms();
        // Only a message that is not pending: one waiting or being attempted is left alone.
        let requeued = scoped(
            "UPDATE outbox_messages SET status = 'pending', next_attempt_ms = $4, requeued_ms = $4, \
             delivered_ms = NULL, locked_by = NULL, locked_until_ms = NULL \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $5 AND status <> 'pending'",
            scope,
        )
        .bind(now)
        .bind(id.as_str().to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let current = outbox_fetch(&mut tx, scope, &id).await?;
        tx.commit().await?;
        Ok(match current {
            None => crate::Requeue::NotFound,
            Some(m) if requeued => crate::Requeue::Requeued(m),
            Some(m) => crate::Requeue::AlreadyPending(m),
        })
    }

    async fn deliveries(
        &self,
        scope: Scope,
        topic: &str,
        target: &str,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::Delivery>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rows = scoped(
            "SELECT seq, id, message_id, target, attempt, at_ms, status_code, error, duration_ms, \
             outcome FROM outbox_deliveries WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND topic = $4 AND target = $5 AND seq < $6 ORDER BY seq DESC LIMIT $7",
            scope,
        )
        .bind(topic.to_owned())
        .bind(target.to_owned())
        .bind(crate::model::cursor_bound(page))
        .bind(crate::model::fetch_limit(page))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = rows.iter().map(delivery_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn purge_finished(&self, before_ms: i64, limit: usize) -> Result<crate::Purged, StoreError> {
        // The finished-messages index (migration 0013) has this very predicate.
        const FINISHED: &str = "SELECT seq FROM outbox_messages WHERE status <> 'pending' \
             AND COALESCE(delivered_ms, next_attempt_ms) < $1 LIMIT $2";
        let mut tx = outbox_worker_tx(self).await?;
        let seqs = sqlx::query(FINISHED)
            .bind(before_ms)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| row.try_get("seq"))
            .collect::<Result<Vec<i64>, _>>()?;
        let purged = if seqs.is_empty() {
            crate::Purged::default()
        } else {
            outbox_delete(&mut tx, &seqs).await?
        };
        tx.commit().await?;
        Ok(purged)
    }
}
