// The outbox's lines (included into each backend module after body/outbox.rs): claiming the
// messages queued behind a line's head for one delivery, and deleting finished messages.

/// The pending messages behind `first` in its line, oldest first: seq, id, payload, whether
/// free (no live lease). Locked on PostgreSQL until the claim commits. Whether one is due does
/// not matter: behind a pending head it is never attempted but with the head, and a failed
/// attempt backs each of a group off by its own attempts, which would split the group.
const OUTBOX_BEHIND: &str = "SELECT m.seq, m.id, m.payload, \
     (m.locked_until_ms IS NULL OR m.locked_until_ms < $7) AS free \
     FROM outbox_messages m WHERE m.tenant_id = $1 AND m.app_id = $2 AND m.env = $3 \
     AND m.topic = $4 AND m.target = $5 AND m.status = 'pending' AND m.seq > \
     (SELECT f.seq FROM outbox_messages f WHERE f.tenant_id = $1 AND f.app_id = $2 \
     AND f.env = $3 AND f.id = $6) ORDER BY m.seq LIMIT $8";

/// Claims the free messages right behind `first`, within `bound` (see
/// `OutboxStore::claim_behind`), in `tx`.
async fn outbox_claim_behind(
    backend: &This,
    tx: &mut Tx,
    first: &crate::Message,
    worker: &str,
    lease_ms: i64,
    bound: crate::Behind,
) -> Result<Vec<crate::Message>, StoreError> {
    let now = crate::unix_now_ms();
    let lock = if backend.kind_name() == "postgres" { " FOR UPDATE" } else { "" };
    let rows = scoped(&format!("{OUTBOX_BEHIND}{lock}"), first.scope)
        .bind(first.topic.clone())
        .bind(first.target.clone())
        .bind(first.id.as_str().to_owned())
        .bind(now)
        .bind(i64::try_from(bound.messages).unwrap_or(i64::MAX))
        .fetch_all(&mut **tx)
        .await?;
    let seqs = outbox_takeable(&rows, first, bound)?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let list = outbox_params(seqs.len());
    let sql = format!(
        "UPDATE outbox_messages SET locked_by = ${}, locked_until_ms = ${}, \
         attempts = attempts + 1 WHERE seq IN ({list}) RETURNING seq, {MESSAGE_COLUMNS}",
        seqs.len() + 1,
        seqs.len() + 2
    );
    let mut query = sqlx::query(&sql);
    for seq in &seqs {
        query = query.bind(*seq);
    }
    let rows = query
        .bind(worker.to_owned())
        .bind(now + lease_ms)
        .fetch_all(&mut **tx)
        .await?;
    let mut claimed = rows
        .iter()
        .map(|r| Ok((r.try_get::<i64, _>("seq")?, message_from_row(r)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    claimed.sort_by_key(|(seq, _)| *seq);
    Ok(claimed.into_iter().map(|(_, m)| m).collect())
}

/// The seqs of the longest run of free rows, oldest first, within the bound's weight (the
/// first message's counted): a message that is not free stops the run, so nothing overtakes
/// it.
fn outbox_takeable(
    rows: &[DbRow],
    first: &crate::Message,
    bound: crate::Behind,
) -> Result<Vec<i64>, StoreError> {
    let mut weight = (bound.weigh)(&first.payload);
    let mut seqs = Vec::new();
    for row in rows {
        let free: bool = row.try_get("free")?;
        let payload: &str = row.try_get("payload")?;
        let payload: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?;
        weight = weight.saturating_add((bound.weigh)(&payload));
        if !free || weight > bound.weight {
            break;
        }
        seqs.push(row.try_get("seq")?);
    }
    Ok(seqs)
}

/// `$1, $2, …` up to `n`.
fn outbox_params(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Runs `sql` with `seqs` bound as `$1, $2, …`; the rows it changed.
async fn outbox_with_seqs(tx: &mut Tx, sql: &str, seqs: &[i64]) -> Result<usize, StoreError> {
    let mut query = sqlx::query(sql);
    for seq in seqs {
        query = query.bind(*seq);
    }
    let done = query.execute(&mut **tx).await?;
    Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
}

/// Deletes the messages `seqs` and their delivery logs (the logs first: they are found
/// through their messages).
async fn outbox_delete(tx: &mut Tx, seqs: &[i64]) -> Result<crate::Purged, StoreError> {
    let list = outbox_params(seqs.len());
    // The first condition finds the entries through the message-id index (migration 0013;
    // SQLite's planner drives a row-value `IN` by the scope columns instead, so the scope is
    // checked apart); the second keeps each to its message's own scope.
    let deliveries = format!(
        "DELETE FROM outbox_deliveries WHERE message_id IN \
         (SELECT id FROM outbox_messages WHERE seq IN ({list})) \
         AND EXISTS (SELECT 1 FROM outbox_messages m WHERE m.seq IN ({list}) \
         AND m.id = outbox_deliveries.message_id AND m.tenant_id = outbox_deliveries.tenant_id \
         AND m.app_id = outbox_deliveries.app_id AND m.env = outbox_deliveries.env)"
    );
    let deliveries = outbox_with_seqs(tx, &deliveries, seqs).await?;
    let messages = format!("DELETE FROM outbox_messages WHERE seq IN ({list})");
    let messages = outbox_with_seqs(tx, &messages, seqs).await?;
    Ok(crate::Purged {
        messages,
        deliveries,
    })
}

