// Idempotency keys (included into each backend module).

/// How long a recorded response answers retries.
const IDEMPOTENCY_TTL: i64 = 24 * 60 * 60;
/// A claim with no response after this long belongs to a request that died with its process.
const IDEMPOTENCY_ABANDONED: i64 = 5 * 60;

#[async_trait]
impl crate::IdempotencyStore for This {
    async fn claim(
        &self,
        scope: Scope,
        key: &str,
        request_hash: &str,
    ) -> Result<crate::IdempotencyClaim, StoreError> {
        let now = crate::unix_now();
        let mut tx = self.write(scope).await?;
        scoped(
            "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND key = $4 \
             AND (created_at < $5 OR (status IS NULL AND created_at < $6))",
            scope,
        )
        .bind(key.to_owned())
        .bind(now - IDEMPOTENCY_TTL)
        .bind(now - IDEMPOTENCY_ABANDONED)
        .execute(&mut *tx)
        .await?;
        let inserted = scoped(
            "INSERT INTO idempotency_keys (tenant_id, app_id, env, key, request_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            scope,
        )
        .bind(key.to_owned())
        .bind(request_hash.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let claim = if inserted == 1 {
            crate::IdempotencyClaim::Claimed
        } else {
            recorded(&mut tx, scope, key, request_hash).await?
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn complete(
        &self,
        scope: Scope,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write(scope).await?;
        scoped(
            "UPDATE idempotency_keys SET status = $5, body = $6 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND key = $4",
            scope,
        )
        .bind(key.to_owned())
        .bind(i64::from(status))
        .bind(body.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release(&self, scope: Scope, key: &str) -> Result<(), StoreError> {
        let mut tx = self.write(scope).await?;
        scoped(
            "DELETE FROM idempotency_keys \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND key = $4 AND status IS NULL",
            scope,
        )
        .bind(key.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What the existing row says about a key that could not be claimed.
async fn recorded(
    tx: &mut Tx,
    scope: Scope,
    key: &str,
    request_hash: &str,
) -> Result<crate::IdempotencyClaim, StoreError> {
    let row = scoped(
        "SELECT request_hash, status, body FROM idempotency_keys \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND key = $4",
        scope,
    )
    .bind(key.to_owned())
    .fetch_one(&mut **tx)
    .await?;
    if row.try_get::<&str, _>("request_hash")? != request_hash {
        return Ok(crate::IdempotencyClaim::Mismatch);
    }
    let status: Option<i64> = row.try_get("status")?;
    let body: Option<String> = row.try_get("body")?;
    Ok(match (status, body) {
        (Some(status), Some(body)) => crate::IdempotencyClaim::Replay {
            status: u16::try_from(status)
                .map_err(|_| StoreError::Corrupt(format!("status {status}")))?,
            body,
        },
        _ => crate::IdempotencyClaim::InProgress,
    })
}
