// Included into each backend module (see `sql/mod.rs`): `Db` is the sqlx database type and
// `This` the backend struct. Everything below compiles once per backend from the same text.

use crate::error::StoreError;
use crate::scope::Scope;
use crate::traits::Backend;
use async_trait::async_trait;
use sqlx::Row as _;

type DbRow = <Db as sqlx::Database>::Row;
type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

/// A query whose parameters `$1, $2, $3` are the scope: tenant, application, environment.
fn scoped(sql: &str, scope: Scope) -> Query<'_> {
    sqlx::query(sql)
        .bind(scope.tenant.0)
        .bind(scope.app.0)
        .bind(scope.env.as_str())
}

/// The scope stored in a row's `tenant_id`, `app_id` and `env` columns.
fn scope_of(row: &DbRow) -> Result<Scope, StoreError> {
    Ok(Scope {
        tenant: crate::TenantId(row.try_get("tenant_id")?),
        app: crate::AppId(row.try_get("app_id")?),
        env: super::super::env_of(row.try_get::<&str, _>("env")?)?,
    })
}

impl This {
    /// The sealer of secrets stored for calling out (loaded by `open`).
    fn sealer(&self) -> Result<&crate::sealing::Sealer, StoreError> {
        self.sealer
            .get()
            .ok_or_else(|| StoreError::Corrupt("the sealing key was not loaded".into()))
    }

    /// At open, after the migrations: the sealing key (made on the first start and shared by
    /// every node through `server_secrets`), then the pass sealing what was stored before it.
    pub(super) async fn load_sealer(&self) -> Result<(), StoreError> {
        let fresh = crate::sealing::Sealer::generate_key();
        let key = crate::RuntimeStore::server_secret(self, crate::sealing::SEALING_KEY, fresh)
            .await?;
        let _ = self.sealer.set(crate::sealing::Sealer::from_hex(&key)?);
        let sealed = seal_plain_passwords(self).await?;
        if sealed > 0 {
            tracing::info!(sealed, "forwarding rule passwords stored in plain text are sealed");
        }
        Ok(())
    }

    /// One page of a scoped list, newest first: `sql` binds the scope as `$1`–`$3`, the cursor
    /// bound as `$4` and the fetch limit as `$5` (`… AND seq < $4 ORDER BY seq DESC LIMIT $5`).
    async fn scoped_page<T: Send>(
        &self,
        sql: &'static str,
        scope: Scope,
        page: crate::PageRequest,
        from_row: fn(&DbRow) -> Result<(i64, T), StoreError>,
    ) -> Result<crate::Page<T>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rows = scoped(sql, scope)
            .bind(crate::model::cursor_bound(page))
            .bind(crate::model::fetch_limit(page))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }
}

#[async_trait]
impl Backend for This {
    async fn ping(&self) -> Result<(), StoreError> {
        let mut tx = self.unscoped_read().await?;
        // Answering is not enough: a database emptied or replaced under a running process (a
        // restored old backup, a recreated schema) answers `SELECT 1` and fails every request.
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)
            {
                Err(StoreError::Database(_)) => {
                    return Err(StoreError::NotMigrated("no migrations table".into()));
                }
                other => other?,
            };
        tx.commit().await?;
        super::super::check_migrations(super::MIGRATIONS, &applied)
    }

    fn kind(&self) -> &'static str {
        self.kind_name()
    }
}
