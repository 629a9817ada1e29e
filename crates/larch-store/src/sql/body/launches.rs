// Single-use launch tokens (included into each backend module).

fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[async_trait]
impl crate::LaunchStore for This {
    async fn issue(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        ttl_seconds: i64,
    ) -> Result<Option<crate::IssuedLaunch>, StoreError> {
        let now = crate::unix_now();
        // 32 base62 characters: about 190 bits, unguessable for its few minutes of life.
        let token = format!("lt_{}", crate::ids::random_base62(32));
        let expires_at = now + ttl_seconds;
        let mut tx = self.write(scope).await?;
        if fetch_registration(&mut tx, scope, registration)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        scoped(
            "INSERT INTO launch_tokens (tenant_id, app_id, env, token_hash, registration_id, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            scope,
        )
        .bind(token_hash(&token))
        .bind(registration.as_str().to_owned())
        .bind(expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(crate::IssuedLaunch { token, expires_at }))
    }

    async fn consume(&self, token: &str) -> Result<crate::LaunchOutcome, StoreError> {
        let now = crate::unix_now();
        let hash = token_hash(token);
        let mut tx = self.token_write(&hash).await?;
        // One statement marks the token used, so exactly one request wins, on any node.
        let spent = sqlx::query(
            "UPDATE launch_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING tenant_id, app_id, env, registration_id",
        )
        .bind(now)
        .bind(hash.clone())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = spent else {
            let known = sqlx::query("SELECT used_at FROM launch_tokens WHERE token_hash = $1")
                .bind(hash)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(match known {
                None => crate::LaunchOutcome::Unknown,
                Some(row) if row.try_get::<Option<i64>, _>("used_at")?.is_some() => {
                    crate::LaunchOutcome::Used
                }
                Some(_) => crate::LaunchOutcome::Expired,
            });
        };
        let scope = scope_of(&row)?;
        let registration_id = super::super::id_of(
            row.try_get("registration_id")?,
            crate::ids::RegistrationId::parse,
        )?;
        This::enter_scope(&mut tx, scope).await?;
        let registration = fetch_registration(&mut tx, scope, &registration_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("launch token without registration".into()))?;
        let course = fetch_course(&mut tx, scope, &registration.course_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("registration without course".into()))?;
        tx.commit().await?;
        let valid = crate::ValidLaunch {
            scope,
            registration,
            course,
        };
        Ok(crate::LaunchOutcome::Valid(Box::new(valid)))
    }
}
