// API keys (included into each backend module).

/// How stale `last_used_at` may get before an authenticated request writes it again: keeps
/// authentication a read in the common case.
const LAST_USED_RESOLUTION: i64 = 60;

fn api_key_from_row(row: &DbRow) -> Result<(i64, crate::ApiKey), StoreError> {
    let key = crate::ApiKey {
        id: super::super::id_of(row.try_get("id")?, crate::ids::ApiKeyId::parse)?,
        scope: scope_of(row)?,
        name: row.try_get("name")?,
        hint: row.try_get("hint")?,
        created: row.try_get("created_at")?,
        last_used: row.try_get("last_used_at")?,
        revoked: row.try_get("revoked_at")?,
    };
    Ok((row.try_get("seq")?, key))
}

async fn insert_api_key(
    tx: &mut Tx,
    scope: Scope,
    name: &str,
    secret: crate::ApiKeySecret,
    now: i64,
) -> Result<crate::CreatedApiKey, StoreError> {
    let id = crate::ids::ApiKeyId::generate();
    let hint = secret.hint();
    scoped(
        "INSERT INTO api_keys (tenant_id, app_id, env, id, name, key_hash, hint, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        scope,
    )
    .bind(id.as_str().to_owned())
    .bind(name.to_owned())
    .bind(secret.hash())
    .bind(hint.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let key = crate::ApiKey {
        id,
        scope,
        name: name.to_owned(),
        hint,
        created: now,
        last_used: None,
        revoked: None,
    };
    Ok(crate::CreatedApiKey { key, secret })
}

const KEY_COLUMNS_WHERE_SCOPE_ID: &str = "SELECT seq, tenant_id, app_id, env, id, name, hint, created_at, \
     last_used_at, revoked_at FROM api_keys WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4";

#[async_trait]
impl crate::ApiKeyStore for This {
    async fn create(&self, scope: Scope, name: &str) -> Result<crate::CreatedApiKey, StoreError> {
        let secret = crate::ApiKeySecret::generate(scope.env);
        self.create_with_secret(scope, name, secret).await
    }

    async fn create_with_secret(
        &self,
        scope: Scope,
        name: &str,
        secret: crate::ApiKeySecret,
    ) -> Result<crate::CreatedApiKey, StoreError> {
        if secret.env() != scope.env {
            return Err(StoreError::Config(format!(
                "a {} key cannot open the {} environment",
                secret.env(),
                scope.env
            )));
        }
        let mut tx = self.write(scope).await?;
        let created = insert_api_key(&mut tx, scope, name, secret, crate::unix_now()).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn authenticate(
        &self,
        secret: &crate::ApiKeySecret,
    ) -> Result<Option<crate::ApiKey>, StoreError> {
        let hash = secret.hash();
        let mut tx = self.key_read(&hash).await?;
        let row = sqlx::query(
            "SELECT seq, tenant_id, app_id, env, id, name, hint, created_at, last_used_at, revoked_at \
             FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash.clone())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let (_, mut key) = api_key_from_row(&row)?;
        let now = crate::unix_now();
        if key
            .last_used
            .is_none_or(|t| now - t >= LAST_USED_RESOLUTION)
        {
            let mut tx = self.key_write(&hash).await?;
            sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE key_hash = $2")
                .bind(now)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            key.last_used = Some(now);
        }
        Ok(Some(key))
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::ApiKeyId,
    ) -> Result<Option<crate::ApiKey>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(KEY_COLUMNS_WHERE_SCOPE_ID, scope)
            .bind(id.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| api_key_from_row(&r).map(|(_, k)| k))
            .transpose()
    }

    async fn list(
        &self,
        scope: Scope,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::ApiKey>, StoreError> {
        self.scoped_page("SELECT seq, tenant_id, app_id, env, id, name, hint, created_at, last_used_at, revoked_at \
             FROM api_keys WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND seq < $4 \
             ORDER BY seq DESC LIMIT $5", scope, page, api_key_from_row).await
    }

    async fn revoke(
        &self,
        scope: Scope,
        id: &crate::ids::ApiKeyId,
    ) -> Result<Option<crate::ApiKey>, StoreError> {
        let mut tx = self.write(scope).await?;
        let row = scoped(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $5) \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 \
             RETURNING seq, tenant_id, app_id, env, id, name, hint, created_at, last_used_at, revoked_at",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(crate::unix_now())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| api_key_from_row(&r).map(|(_, k)| k))
            .transpose()
    }
}
