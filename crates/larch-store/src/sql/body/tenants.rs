// Tenants, applications and first-start bootstrap (included into each backend module).

async fn insert_tenant(tx: &mut Tx, name: &str, now: i64) -> Result<crate::TenantId, StoreError> {
    let row = sqlx::query("INSERT INTO tenants (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
    Ok(crate::TenantId(row.try_get("id")?))
}

async fn insert_application(
    tx: &mut Tx,
    tenant: crate::TenantId,
    name: &str,
    now: i64,
) -> Result<crate::AppId, StoreError> {
    let row = sqlx::query(
        "INSERT INTO applications (tenant_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(tenant.0)
    .bind(name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(crate::AppId(row.try_get("id")?))
}

#[async_trait]
impl crate::TenantStore for This {
    async fn bootstrap(
        &self,
        key: Option<crate::ApiKeySecret>,
    ) -> Result<Option<crate::Bootstrapped>, StoreError> {
        let now = crate::unix_now();
        let mut tx = self.unscoped_write().await?;
        // The singleton row is the lock: a concurrent first start of another process waits on
        // it, then inserts nothing and bootstraps nothing.
        let claimed = sqlx::query(
            "INSERT INTO installation (singleton, bootstrapped_at) VALUES (1, $1) ON CONFLICT DO NOTHING",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let tenant = insert_tenant(&mut tx, "default", now).await?;
        let app = insert_application(&mut tx, tenant, "default", now).await?;
        let secret = key.unwrap_or_else(|| crate::ApiKeySecret::generate(crate::Environment::Test));
        let scope = Scope {
            tenant,
            app,
            env: secret.env(),
        };
        This::enter_scope(&mut tx, scope).await?;
        let key = insert_api_key(&mut tx, scope, "bootstrap", secret, now).await?;
        tx.commit().await?;
        Ok(Some(crate::Bootstrapped { scope, key }))
    }

    async fn create_tenant(&self, name: &str) -> Result<crate::Tenant, StoreError> {
        let mut tx = self.unscoped_write().await?;
        let id = insert_tenant(&mut tx, name, crate::unix_now()).await?;
        tx.commit().await?;
        Ok(crate::Tenant {
            id,
            name: name.to_owned(),
        })
    }

    async fn create_application(
        &self,
        tenant: crate::TenantId,
        name: &str,
    ) -> Result<crate::Application, StoreError> {
        let mut tx = self.unscoped_write().await?;
        let id = insert_application(&mut tx, tenant, name, crate::unix_now()).await?;
        tx.commit().await?;
        Ok(crate::Application {
            id,
            tenant,
            name: name.to_owned(),
        })
    }
}
