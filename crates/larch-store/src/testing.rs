//! Fresh databases for tests (feature `testing`): SQLite in a temporary folder, PostgreSQL in a
//! new database that is dropped afterwards, even when the test panics.
//!
//! PostgreSQL is required, never skipped: when it cannot be reached the test fails and says how
//! to fix it. The server is `LARCH_TEST_DATABASE_URL` (by default
//! `postgres://postgres@127.0.0.1:5432/postgres`, an account that may create roles and
//! databases). Tests connect as the ordinary role `larch_test`, so row-level security applies to
//! them as it does to a production deployment.

use crate::{DatabaseConfig, Store};
use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

/// The administrative connection used when `LARCH_TEST_DATABASE_URL` is unset.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// The unprivileged role that owns test databases.
const TEST_ROLE: &str = "larch_test";

/// A store on a database of its own, and what it takes to clean it up.
#[derive(Debug)]
pub struct TestDb {
    /// The opened store (dropped before the database).
    pub store: Store,
    /// How to open the same database again (a second server on one database).
    pub config: DatabaseConfig,
    _guard: Guard,
}

#[derive(Debug)]
enum Guard {
    Sqlite(
        #[expect(dead_code, reason = "held for its Drop, which deletes the folder")]
        tempfile::TempDir,
    ),
    Postgres(
        #[expect(dead_code, reason = "held for its Drop, which drops the database")] PgDatabase,
    ),
}

/// A fresh SQLite database in a temporary folder.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = DatabaseConfig::Sqlite {
        path: dir.path().join("larch.db"),
    };
    let store = Store::open(&config)
        .await
        .expect("open SQLite test database");
    TestDb {
        store,
        config,
        _guard: Guard::Sqlite(dir),
    }
}

/// A fresh PostgreSQL database, owned by an unprivileged role; panics if PostgreSQL is away.
pub async fn postgres() -> TestDb {
    let admin_url =
        std::env::var("LARCH_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for the store tests and is unreachable at {admin_url} ({e}). \
             Start it (see .ci/run) or point LARCH_TEST_DATABASE_URL at a server."
        )
    });
    // Several test binaries may race to create the role: losing the race is fine.
    let create_role = format!(
        "DO $$ BEGIN CREATE ROLE {TEST_ROLE} LOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    );
    sqlx::raw_sql(&create_role)
        .execute(&mut admin)
        .await
        .expect("create the test role");
    let name = format!(
        "larch_test_{}",
        crate::ids::random_base62(12).to_lowercase()
    );
    sqlx::raw_sql(&format!("CREATE DATABASE {name} OWNER {TEST_ROLE}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    let mut url = url::Url::parse(&admin_url).expect("LARCH_TEST_DATABASE_URL is a URL");
    url.set_username(TEST_ROLE).expect("URL with a user");
    url.set_password(None).expect("URL with a password");
    url.set_path(&name);
    let config = DatabaseConfig::Postgres {
        url: url.to_string(),
        max_connections: 5,
    };
    let guard = Guard::Postgres(PgDatabase { admin_url, name });
    let store = Store::open(&config)
        .await
        .expect("open PostgreSQL test database");
    TestDb {
        store,
        config,
        _guard: guard,
    }
}

/// One fresh database per backend: SQLite, then PostgreSQL.
pub async fn each() -> Vec<TestDb> {
    vec![sqlite().await, postgres().await]
}

/// A test database to drop when the test ends.
#[derive(Debug)]
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with
        // a runtime of its own. FORCE ends the pool's connections still open.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&url).await?;
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                Ok::<_, sqlx::Error>(())
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}

/// A new tenant named `tenant` with an application `lms`, and its `env` environment: the scope
/// most store tests work in.
pub async fn new_scope(store: &Store, tenant: &str, env: crate::Environment) -> crate::Scope {
    let tenant = store
        .tenants()
        .create_tenant(tenant)
        .await
        .expect("create tenant");
    let app = store
        .tenants()
        .create_application(tenant.id, "lms")
        .await
        .expect("create application");
    crate::Scope {
        tenant: tenant.id,
        app: app.id,
        env,
    }
}

/// Registers learner `ada` (created on first use) for `course`, as registration `id`.
pub async fn register_ada(
    store: &Store,
    scope: crate::Scope,
    id: &str,
    course: &str,
) -> crate::ids::RegistrationId {
    let id = crate::ids::RegistrationId::parse(id).expect("valid registration id");
    let learner = crate::NewLearner {
        id: crate::ids::LearnerId::parse("ada").expect("valid learner id"),
        first_name: "Ada".into(),
        last_name: "L".into(),
        email: None,
    };
    let new = crate::NewRegistration {
        id: id.clone(),
        course_id: crate::ids::CourseId::parse(course).expect("valid course id"),
        learner: crate::LearnerRef::CreateIfAbsent(learner),
        instance_policy: None,
    };
    store
        .registrations()
        .create(scope, new)
        .await
        .expect("create registration");
    id
}

/// A small course version as the importer would record it: two launchables, one warning.
pub fn sample_course(id: &str) -> crate::NewCourseVersion {
    crate::NewCourseVersion {
        id: crate::ids::CourseId::parse(id).expect("valid course id"),
        title: format!("Course {id}"),
        standard: "scorm12".into(),
        edition: None,
        launchables: vec![
            crate::Launchable {
                id: "sco-1".into(),
                title: "Introduction".into(),
                href: "intro/index.html".into(),
            },
            crate::Launchable {
                id: "sco-2".into(),
                title: "Quiz".into(),
                href: "quiz/index.html".into(),
            },
        ],
        structure: serde_json::json!({"items": ["sco-1", "sco-2"]}),
        warnings: serde_json::json!([{"code": "file_list_missing", "message": "no <file> elements", "location": null}]),
    }
}
