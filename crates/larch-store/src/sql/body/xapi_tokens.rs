// Launch-scoped LRS tokens (included into each backend module).

const LAUNCH_TOKEN_COLUMNS: &str = "tenant_id, app_id, env, id, registration, actor_key, actor, \
     activity_id, scopes, created_at, expires_at";

fn launch_token_from_row(row: &DbRow) -> Result<crate::LaunchToken, StoreError> {
    Ok(crate::LaunchToken {
        id: super::super::id_of(row.try_get("id")?, crate::ids::LrsLaunchTokenId::parse)?,
        scope: scope_of(row)?,
        registration: row.try_get("registration")?,
        actor_key: row.try_get("actor_key")?,
        actor: row.try_get("actor")?,
        activity_id: row.try_get("activity_id")?,
        scopes: row.try_get("scopes")?,
        created: row.try_get("created_at")?,
        expires: row.try_get("expires_at")?,
    })
}

#[async_trait]
impl crate::LaunchTokenStore for This {
    async fn issue(
        &self,
        scope: Scope,
        new: crate::NewLaunchToken,
    ) -> Result<crate::IssuedLaunchToken, StoreError> {
        let id = crate::ids::LrsLaunchTokenId::generate();
        let secret = crate::LrsSecret::generate();
        let now = crate::unix_now();
        let sql = format!(
            "INSERT INTO xapi_launch_tokens (tenant_id, app_id, env, id, key_hash, registration, \
             actor_key, actor, activity_id, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {LAUNCH_TOKEN_COLUMNS}"
        );
        let mut tx = self.write(scope).await?;
        let row = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str())
            .bind(id.as_str().to_owned())
            .bind(crate::xapi::pair_hash(id.as_str(), &secret))
            .bind(new.registration)
            .bind(new.actor_key)
            .bind(new.actor)
            .bind(new.activity_id)
            .bind(new.scopes)
            .bind(now)
            .bind(now.saturating_add(new.ttl_secs))
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let token = launch_token_from_row(&row)?;
        Ok(crate::IssuedLaunchToken { token, secret })
    }

    async fn authenticate(
        &self,
        id: &str,
        secret: &crate::LrsSecret,
    ) -> Result<Option<crate::LaunchToken>, StoreError> {
        let hash = crate::xapi::pair_hash(id, secret);
        let sql = format!(
            "SELECT {LAUNCH_TOKEN_COLUMNS} FROM xapi_launch_tokens WHERE key_hash = $1 AND expires_at > $2"
        );
        let mut tx = self.key_read(&hash).await?;
        let row = sqlx::query(&sql)
            .bind(hash.clone())
            .bind(crate::unix_now())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| launch_token_from_row(&r)).transpose()
    }
}
