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

/// Whether a background worker's poll finds anything to do, asked in a read transaction
/// (`larch.worker` set to `worker` on PostgreSQL, so row-level security shows every scope)
/// before the poll's write. Most polls find nothing, and a write transaction, even one that
/// changes no row, takes SQLite's single write lock and a writers' turn
/// (sql/sqlite_turns.rs): with the default workers, idle polls (import claims every 200 ms,
/// delivery claims every second, the exhausted-job check) made about a dozen write
/// transactions a second that the run-time and statement writer threads had to make way
/// for. A poll that finds something writes as before, and may still come back empty
/// (another worker was quicker).
async fn worker_finds(backend: &This, worker: &str, probe: Query<'_>) -> Result<bool, StoreError> {
    let mut tx = backend.unscoped_read().await?;
    if backend.kind_name() == "postgres" {
        sqlx::query("SELECT set_config('larch.worker', $1, true)")
            .bind(worker)
            .execute(&mut *tx)
            .await?;
    }
    let found = probe.fetch_optional(&mut *tx).await?.is_some();
    tx.commit().await?;
    Ok(found)
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
