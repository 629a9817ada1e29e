//! PostgreSQL connections for one-statement reads and writes, each kept in one scope
//! (docs/xapi.md "Performance": a one-statement request in one round trip).
//!
//! Row-level security reads the scope from settings. Through the main pool a statement
//! costs four round trips: the pool's liveness ping, `BEGIN` with the scope's settings (so
//! they end with the transaction and cannot reach the connection's next user), the
//! statement, `COMMIT`. The connections here hold their scope at the session level instead,
//! so a statement needs none of the others: it runs alone, as its own transaction (a
//! one-statement write commits, and its WAL is flushed, before PostgreSQL answers).
//!
//! Invariants:
//! - these connections are used only through [`ScopedConns::acquire`], which sets the
//!   session's scope to the caller's before handing one out (reusing one already in that
//!   scope when it can): no statement ever runs here in another caller's scope;
//! - a connection is handed back only by [`ScopedConn::finish`], after its statement
//!   succeeded, and so with no transaction open (callers never `BEGIN` on it); one dropped
//!   without it (an error, a cancelled request) is closed, so a broken connection or one in
//!   an unknown state is never reused, and a fresh one is opened on demand.

use crate::{Scope, StoreError};
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::sync::{Arc, Mutex};

/// How a connection's session plans prepared statements (`plan_cache_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plans {
    /// PostgreSQL's default: it plans each call afresh for its values until a generic
    /// plan looks as cheap (statements whose best plan depends on the values bound).
    Auto,
    /// One generic plan for every call (`force_generic_plan`), for statements with one
    /// good plan whatever the values: the LRS's key walks to a literal `LIMIT`, which
    /// PostgreSQL otherwise re-planned on every call, 0.7 ms of planning around 0.13 ms of
    /// execution (docs/xapi.md, "Performance").
    Generic,
}

impl Plans {
    fn setting(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Generic => "force_generic_plan",
        }
    }
}

/// What a connection's session is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Session {
    scope: Scope,
    plans: Plans,
}

/// A small set of connections beside the main pool, each with the scope its session holds.
#[derive(Debug)]
pub(crate) struct ScopedConns {
    /// How to open one.
    options: PgConnectOptions,
    /// Connections not in use, with their session's scope and plan mode.
    idle: Mutex<Vec<(PgConnection, Session)>>,
    /// One permit per connection that may exist: bounds the set's size.
    permits: Arc<tokio::sync::Semaphore>,
}

impl ScopedConns {
    /// At most `size` connections to the database of `options`, opened on demand.
    pub(crate) fn new(options: PgConnectOptions, size: usize) -> Arc<Self> {
        Arc::new(Self {
            options,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(tokio::sync::Semaphore::new(size.max(1))),
        })
    }

    /// A connection whose session is in `scope`, planning with PostgreSQL's default.
    pub(crate) async fn acquire(self: &Arc<Self>, scope: Scope) -> Result<ScopedConn, StoreError> {
        self.acquire_planned(scope, Plans::Auto).await
    }

    /// A connection whose session is in `scope` and plans as `plans` says.
    pub(crate) async fn acquire_planned(
        self: &Arc<Self>,
        scope: Scope,
        plans: Plans,
    ) -> Result<ScopedConn, StoreError> {
        // The semaphore is never closed.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::unavailable(sqlx::Error::PoolClosed))?;
        let session = Session { scope, plans };
        let mut guard = ScopedConn {
            conn: None,
            session,
            home: Arc::clone(self),
            _permit: permit,
        };
        let (mut conn, current) = match self.take_idle(session) {
            Some((conn, current)) => (conn, Some(current)),
            None => (self.open().await?, None),
        };
        if current != Some(session) {
            set_session(&mut conn, session).await?;
        }
        guard.conn = Some(conn);
        Ok(guard)
    }

    /// An idle connection, one already set to `session` if there is one, else one in its
    /// scope, else any.
    fn take_idle(&self, session: Session) -> Option<(PgConnection, Session)> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = idle
            .iter()
            .rposition(|(_, s)| *s == session)
            .or_else(|| idle.iter().rposition(|(_, s)| s.scope == session.scope));
        match at {
            Some(i) => Some(idle.swap_remove(i)),
            None => idle.pop(),
        }
    }

    async fn open(&self) -> Result<PgConnection, StoreError> {
        PgConnection::connect_with(&self.options)
            .await
            .map_err(StoreError::unavailable)
    }
}

/// The scope's settings and the plan mode for the rest of the session (`is_local = false`).
async fn set_session(conn: &mut PgConnection, session: Session) -> Result<(), StoreError> {
    let Session { scope, plans } = session;
    sqlx::query(
        "SELECT set_config('larch.tenant_id', $1, false), \
         set_config('larch.app_id', $2, false), set_config('larch.env', $3, false), \
         set_config('plan_cache_mode', $4, false)",
    )
    .bind(scope.tenant.0.to_string())
    .bind(scope.app.0.to_string())
    .bind(scope.env.as_str())
    .bind(plans.setting())
    .execute(conn)
    .await?;
    Ok(())
}

/// A connection in a scope, for one statement; [`ScopedConn::finish`] hands it back.
#[derive(Debug)]
pub(crate) struct ScopedConn {
    /// Present until handed back or closed.
    conn: Option<PgConnection>,
    /// What its session is set to.
    session: Session,
    home: Arc<ScopedConns>,
    /// Released with the connection.
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl ScopedConn {
    /// Hands the connection back after its statement succeeded.
    pub(crate) fn finish(mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self
                .home
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            idle.push((conn, self.session));
        }
    }
}

impl std::ops::Deref for ScopedConn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("present until finished")
    }
}

impl std::ops::DerefMut for ScopedConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("present until finished")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppId, Environment, TenantId};

    fn scope(tenant: i64) -> Scope {
        Scope {
            tenant: TenantId(tenant),
            app: AppId(tenant * 10),
            env: Environment::Live,
        }
    }

    /// The session's scope settings and backend process, as the connection reports them.
    async fn seen(conn: &mut PgConnection) -> (String, String, i32) {
        sqlx::query_as(
            "SELECT current_setting('larch.tenant_id'), current_setting('larch.app_id'), \
             pg_backend_pid()",
        )
        .fetch_one(conn)
        .await
        .unwrap()
    }

    /// A fresh test database and at most `size` scoped connections to it.
    async fn test_conns(size: usize) -> (crate::testing::TestDb, Arc<ScopedConns>) {
        let db = crate::testing::postgres().await;
        let crate::DatabaseConfig::Postgres { url, .. } = &db.config else {
            unreachable!("a PostgreSQL test database")
        };
        let conns = ScopedConns::new(url.parse().unwrap(), size);
        (db, conns)
    }

    #[tokio::test]
    async fn a_connection_holds_its_callers_scope_and_an_unfinished_one_is_closed() {
        let (_db, conns) = test_conns(2).await;
        let mut a = conns.acquire(scope(1)).await.unwrap();
        let (tenant, app, pid) = seen(&mut a).await;
        assert_eq!((tenant.as_str(), app.as_str()), ("1", "10"));
        a.finish();
        // The same connection, switched to the next caller's scope.
        let mut b = conns.acquire(scope(2)).await.unwrap();
        assert_eq!(seen(&mut b).await, ("2".into(), "20".into(), pid));
        // Two at once: the second is a new connection in its own scope.
        let mut c = conns.acquire(scope(1)).await.unwrap();
        let (tenant, _, other) = seen(&mut c).await;
        assert_eq!(tenant, "1");
        assert_ne!(other, pid);
        c.finish();
        // Dropped without `finish` (as after an error): closed, never handed out again.
        drop(b);
        let mut d = conns.acquire(scope(2)).await.unwrap();
        let (tenant, _, reused) = seen(&mut d).await;
        assert_eq!((tenant.as_str(), reused), ("2", other));
        let mut e = conns.acquire(scope(3)).await.unwrap();
        assert_ne!(
            seen(&mut e).await.2,
            pid,
            "the dropped connection was closed"
        );
    }

    #[tokio::test]
    async fn a_connection_plans_as_its_caller_asks() {
        let (_db, conns) = test_conns(1).await;
        let plans = |mut conn: ScopedConn| async move {
            let row: (String, i32) =
                sqlx::query_as("SELECT current_setting('plan_cache_mode'), pg_backend_pid()")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
            conn.finish();
            row
        };
        let generic = conns
            .acquire_planned(scope(1), Plans::Generic)
            .await
            .unwrap();
        let (mode, pid) = plans(generic).await;
        assert_eq!(mode, "force_generic_plan");
        // The same connection, back to PostgreSQL's default for the next caller.
        let auto = conns.acquire(scope(1)).await.unwrap();
        assert_eq!(plans(auto).await, ("auto".into(), pid));
    }
}
