// LRS credentials (included into each backend module).

fn lrs_credential_from_row(row: &DbRow) -> Result<(i64, crate::LrsCredential), StoreError> {
    let credential = crate::LrsCredential {
        id: super::super::id_of(row.try_get("id")?, crate::ids::LrsCredentialId::parse)?,
        scope: scope_of(row)?,
        name: row.try_get("name")?,
        key: row.try_get("key")?,
        scopes: row.try_get("scopes")?,
        created: row.try_get("created_at")?,
        revoked: row.try_get("revoked_at")?,
    };
    Ok((row.try_get("seq")?, credential))
}

#[async_trait]
impl crate::LrsCredentialStore for This {
    async fn create(
        &self,
        scope: Scope,
        name: &str,
        scopes: &str,
    ) -> Result<crate::CreatedLrsCredential, StoreError> {
        let id = crate::ids::LrsCredentialId::generate();
        let key = crate::xapi::generate_key();
        let secret = crate::LrsSecret::generate();
        let now = crate::unix_now();
        let mut tx = self.write(scope).await?;
        scoped(
            "INSERT INTO xapi_credentials (tenant_id, app_id, env, id, name, key, key_hash, scopes, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(name.to_owned())
        .bind(key.clone())
        .bind(crate::xapi::pair_hash(&key, &secret))
        .bind(scopes.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let credential = crate::LrsCredential {
            id,
            scope,
            name: name.to_owned(),
            key,
            scopes: scopes.to_owned(),
            created: now,
            revoked: None,
        };
        Ok(crate::CreatedLrsCredential { credential, secret })
    }

    async fn authenticate(
        &self,
        key: &str,
        secret: &crate::LrsSecret,
    ) -> Result<Option<crate::LrsCredential>, StoreError> {
        let hash = crate::xapi::pair_hash(key, secret);
        let mut tx = self.key_read(&hash).await?;
        let row = sqlx::query(
            "SELECT seq, tenant_id, app_id, env, id, name, key, scopes, created_at, revoked_at \
             FROM xapi_credentials WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| lrs_credential_from_row(&r).map(|(_, c)| c))
            .transpose()
    }

    async fn list(
        &self,
        scope: Scope,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::LrsCredential>, StoreError> {
        self.scoped_page("SELECT seq, tenant_id, app_id, env, id, name, key, scopes, created_at, revoked_at \
             FROM xapi_credentials WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND seq < $4 \
             ORDER BY seq DESC LIMIT $5", scope, page, lrs_credential_from_row).await
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::LrsCredentialId,
    ) -> Result<Option<crate::LrsCredential>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT seq, tenant_id, app_id, env, id, name, key, scopes, created_at, revoked_at \
             FROM xapi_credentials WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| lrs_credential_from_row(&r).map(|(_, c)| c))
            .transpose()
    }

    async fn revoke(
        &self,
        scope: Scope,
        id: &crate::ids::LrsCredentialId,
    ) -> Result<Option<crate::LrsCredential>, StoreError> {
        let mut tx = self.write(scope).await?;
        let row = scoped(
            "UPDATE xapi_credentials SET revoked_at = COALESCE(revoked_at, $5) \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 \
             RETURNING seq, tenant_id, app_id, env, id, name, key, scopes, created_at, revoked_at",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(crate::unix_now())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| lrs_credential_from_row(&r).map(|(_, c)| c))
            .transpose()
    }
}
