//! `TestApp` (feature `testing`): the real server, on 127.0.0.1 port 0, against a fresh
//! SQLite database and a fresh PostgreSQL database, with a bootstrapped test key.
//!
//! ```ignore
//! for app in TestApp::each_store().await {
//!     let res = app.get("/v1/learners").send().await.unwrap();
//!     assert_eq!(res.status(), 200, "{}", app.kind());
//! }
//! ```

use crate::{Listeners, ServerConfig};
use larch_store::testing::TestDb;
use larch_store::{Environment, Scope, Store};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running server and a client for it. Dropping it stops the server and the database.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:<port>` of the API origin.
    pub api_url: String,
    /// `http://127.0.0.1:<port>` of the content origin.
    pub content_url: String,
    /// The bootstrap `sk_test_…` key of the default application.
    pub key: String,
    /// The scope `key` opens.
    pub scope: Scope,
    /// The store under the server, for arranging data and checking what was written.
    pub store: Store,
    /// An HTTP client (no redirects followed, so tests see them).
    pub client: reqwest::Client,
    db: Arc<TestDb>,
    blobs: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// The server on a fresh SQLite database.
    pub async fn sqlite() -> Self {
        Self::with_config(
            larch_store::testing::sqlite().await,
            ServerConfig::default(),
        )
        .await
    }

    /// The server on a fresh PostgreSQL database (panics if PostgreSQL is unreachable).
    pub async fn postgres() -> Self {
        Self::with_config(
            larch_store::testing::postgres().await,
            ServerConfig::default(),
        )
        .await
    }

    /// One server per backend: SQLite, then PostgreSQL.
    pub async fn each_store() -> Vec<Self> {
        Self::each_store_with(ServerConfig::default()).await
    }

    /// One server per backend, with `config` (URLs are replaced by the bound ports).
    pub async fn each_store_with(config: ServerConfig) -> Vec<Self> {
        vec![
            Self::with_config(larch_store::testing::sqlite().await, config.clone()).await,
            Self::with_config(larch_store::testing::postgres().await, config).await,
        ]
    }

    /// Bootstraps `db` and starts a server on it.
    pub async fn with_config(db: TestDb, config: ServerConfig) -> Self {
        let boot = db
            .store
            .tenants()
            .bootstrap(None)
            .await
            .expect("bootstrap")
            .expect("fresh database");
        let key = boot.key.secret.expose().to_owned();
        let store = db.store.clone();
        let blobs = Arc::new(tempfile::tempdir().expect("blob folder"));
        Self::start(Arc::new(db), blobs, store, config, key, boot.scope).await
    }

    /// A second server on the same database, with its own connection pool and memory, as a
    /// second `larch serve` process would be.
    pub async fn another_node(&self) -> Self {
        let store = Store::open(&self.db.config)
            .await
            .expect("open the database again");
        Self::start(
            self.db.clone(),
            self.blobs.clone(),
            store,
            ServerConfig::default(),
            self.key.clone(),
            self.scope,
        )
        .await
    }

    async fn start(
        db: Arc<TestDb>,
        blobs: Arc<tempfile::TempDir>,
        store: Store,
        mut config: ServerConfig,
        key: String,
        scope: Scope,
    ) -> Self {
        let blob_store = larch_store::Blobs::local(blobs.path()).expect("local blobs");
        let api = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind API listener");
        let content = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind content listener");
        let api_url = format!("http://{}", api.local_addr().expect("address"));
        let content_url = format!("http://{}", content.local_addr().expect("address"));
        config.public_url = api_url.parse().expect("URL");
        config.content_url = content_url.parse().expect("URL");
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = crate::serve(
            store.clone(),
            blob_store,
            config,
            Listeners { api, content },
            async {
                let _ = stopped.await;
            },
        );
        tokio::spawn(async move { serving.await.expect("server failed") });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            api_url,
            content_url,
            key,
            scope,
            store,
            client,
            db,
            blobs,
            stop: Some(stop),
        }
    }

    /// The PostgreSQL database's name (`None` on SQLite), for tests that act on the server.
    pub fn database_name(&self) -> Option<String> {
        match &self.db.config {
            larch_store::DatabaseConfig::Postgres { url, .. } => url::Url::parse(url)
                .ok()
                .map(|u| u.path().trim_start_matches('/').to_owned()),
            larch_store::DatabaseConfig::Sqlite { .. } => None,
        }
    }

    /// The local blob folder under the server (uploads, `assets/sha256/…`).
    pub fn blob_dir(&self) -> &std::path::Path {
        self.blobs.path()
    }

    /// `sqlite` or `postgres`, for assertion messages.
    pub fn kind(&self) -> &'static str {
        self.store.kind()
    }

    /// A request to the API origin, authenticated with [`TestApp::key`].
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.request_as(&self.key, method, path)
    }

    /// A request to the API origin with another key.
    pub fn request_as(
        &self,
        key: &str,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.api_url))
            .bearer_auth(key)
    }

    /// `GET` with the bootstrap key.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::GET, path)
    }

    /// `POST` of a JSON body with the bootstrap key.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::POST, path).json(body)
    }

    /// `PATCH` of a JSON body with the bootstrap key.
    pub fn patch(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::PATCH, path).json(body)
    }

    /// `DELETE` with the bootstrap key.
    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::DELETE, path)
    }

    /// Records a course (as the importer would) in the default scope; see
    /// [`larch_store::testing::sample_course`].
    pub async fn seed_course(&self, id: &str) -> larch_store::Course {
        let new = larch_store::testing::sample_course(id);
        self.store
            .courses()
            .create_version(self.scope, new)
            .await
            .expect("seed course")
    }

    /// Uploads `../shared/fixtures/<path>` as course `id`, waits for its import, and returns
    /// the course object; panics unless the import succeeds within 60 s.
    pub async fn import_fixture(&self, path: &str, id: &str) -> serde_json::Value {
        let file = format!(
            "{}/../../../shared/fixtures/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("fixture {file}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        let form = reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            )
            .text("id", id.to_owned());
        let res = self
            .request(reqwest::Method::POST, "/v1/courses")
            .multipart(form);
        let job: serde_json::Value = res.send().await.expect("upload").json().await.expect("job");
        let path = format!("/v1/import_jobs/{}", job["id"].as_str().expect("job id"));
        for _ in 0..600 {
            let now: serde_json::Value = self
                .get(&path)
                .send()
                .await
                .expect("poll")
                .json()
                .await
                .expect("job");
            match now["status"].as_str() {
                Some("succeeded") => {
                    let res = self
                        .get(&format!("/v1/courses/{id}"))
                        .send()
                        .await
                        .expect("course");
                    return res.json().await.expect("course json");
                }
                Some("failed") => panic!("import of {file} failed: {now}"),
                _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
        panic!("import of {file} did not finish on {}", self.kind())
    }

    /// Registers learner `learner` on course `course` as registration `id` and returns a fresh
    /// launch URL for it.
    pub async fn register_and_launch(&self, id: &str, course: &str, learner: &str) -> String {
        let body = serde_json::json!({
            "id": id, "course_id": course,
            "learner": {"id": learner, "first_name": "Ada", "last_name": "Lovelace"},
        });
        let res = self
            .post("/v1/registrations", &body)
            .send()
            .await
            .expect("register");
        assert_eq!(
            res.status(),
            201,
            "{}",
            res.text().await.unwrap_or_default()
        );
        self.launch_url(id).await
    }

    /// A fresh launch URL for registration `id`.
    pub async fn launch_url(&self, id: &str) -> String {
        let path = format!("/v1/registrations/{id}/launch");
        let res = self
            .post(&path, &serde_json::json!({}))
            .send()
            .await
            .expect("launch");
        let launch: serde_json::Value = res.json().await.expect("launch json");
        launch["url"].as_str().expect("launch url").to_owned()
    }

    /// A GET on the content origin, without credentials, as a learner's browser sends it.
    pub async fn content_get(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.expect("content request")
    }

    /// A key of another environment of the same application (`sk_live_…`).
    pub async fn other_environment_key(&self) -> String {
        let scope = Scope {
            env: Environment::Live,
            ..self.scope
        };
        self.store
            .api_keys()
            .create(scope, "other env")
            .await
            .expect("key")
            .secret
            .expose()
            .to_owned()
    }

    /// A test key of a brand-new tenant.
    pub async fn other_tenant_key(&self) -> String {
        let tenant = self
            .store
            .tenants()
            .create_tenant("other")
            .await
            .expect("tenant");
        let app = self
            .store
            .tenants()
            .create_application(tenant.id, "other")
            .await
            .expect("app");
        let scope = Scope {
            tenant: tenant.id,
            app: app.id,
            env: Environment::Test,
        };
        self.store
            .api_keys()
            .create(scope, "other tenant")
            .await
            .expect("key")
            .secret
            .expose()
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
