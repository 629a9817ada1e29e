//! `/health`, `/ready`, `/metrics`, request ids, the content origin and shutdown.

use larch_server::testing::TestApp;
use serde_json::Value;
use sqlx::Connection as _;

#[tokio::test]
async fn health_ready_and_metrics() {
    for app in TestApp::each_store().await {
        let health = app
            .client
            .get(format!("{}/health", app.api_url))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        assert!(
            health.headers()["request-id"]
                .to_str()
                .unwrap()
                .starts_with("req_")
        );
        let ready: Value = app
            .client
            .get(format!("{}/ready", app.api_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(ready["status"], "ready");
        assert_eq!(ready["database"], app.kind());

        app.get("/v1/learners").send().await.unwrap();
        app.get("/v1/learners/x1").send().await.unwrap();
        let metrics = app
            .client
            .get(format!("{}/metrics", app.api_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains(
                r#"larch_http_requests_total{method="GET",route="/v1/learners",status="200"} 1"#
            ),
            "{metrics}"
        );
        assert!(
            metrics.contains(r#"route="/v1/learners/{id}",status="404""#),
            "ids never become labels: {metrics}"
        );
        assert!(metrics.contains("larch_http_request_duration_seconds_bucket"));
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors_with_request_ids() {
    let app = TestApp::sqlite().await;
    let res = app.get("/v2/nothing").send().await.unwrap();
    assert_eq!(res.status(), 404);
    let id = res.headers()["request-id"].to_str().unwrap().to_owned();
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["request_id"], id.as_str());
    let res = app
        .request(reqwest::Method::PUT, "/v1/learners")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.headers().contains_key("request-id"));
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn the_content_origin_is_separate() {
    let app = TestApp::sqlite().await;
    assert_ne!(app.api_url, app.content_url);
    assert_eq!(
        app.client
            .get(format!("{}/health", app.content_url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = app
        .client
        .get(format!("{}/v1/learners", app.content_url))
        .bearer_auth(&app.key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        404,
        "the API is not served on the content origin"
    );
    assert!(res.text().await.unwrap().contains("<!doctype html>"));
}

/// Turns connections to the test database off (and kills the open ones), or back on.
async fn set_database_reachable(app: &TestApp, reachable: bool) {
    let admin_url = std::env::var("LARCH_TEST_DATABASE_URL")
        .unwrap_or_else(|_| larch_store::testing::DEFAULT_ADMIN_URL.into());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    let name: String = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'larch_test_%' AND datname = $1",
    )
    .bind(app.database_name().unwrap())
    .fetch_one(&mut admin)
    .await
    .unwrap();
    sqlx::raw_sql(&format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    if !reachable {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&name)
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn ready_is_503_while_the_database_is_away_and_recovers() {
    let app = TestApp::postgres().await;
    let ready = format!("{}/ready", app.api_url);
    assert_eq!(app.client.get(&ready).send().await.unwrap().status(), 200);
    set_database_reachable(&app, false).await;
    assert_eq!(app.client.get(&ready).send().await.unwrap().status(), 503);
    let res = app.get("/v1/learners").send().await.unwrap();
    assert_eq!(res.status(), 503, "API calls fail cleanly too");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "service_unavailable");
    assert_eq!(
        app.client
            .get(format!("{}/health", app.api_url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    set_database_reachable(&app, true).await;
    assert_eq!(app.client.get(&ready).send().await.unwrap().status(), 200);
    assert_eq!(app.get("/v1/learners").send().await.unwrap().status(), 200);
}

/// Drops every table of the database under a running server, as a file replaced by an empty
/// one or a recreated schema would leave it.
async fn empty_database(config: &larch_store::DatabaseConfig) {
    match config {
        larch_store::DatabaseConfig::Sqlite { path } => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                .execute(&mut conn)
                .await
                .unwrap();
            for table in tables {
                let drop = format!("DROP TABLE \"{table}\"");
                sqlx::raw_sql(&drop).execute(&mut conn).await.unwrap();
            }
        }
        larch_store::DatabaseConfig::Postgres { url, .. } => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

/// Regression: on a database emptied or replaced under a running server `/ready` answered 200
/// (`SELECT 1` works) while every API request failed with 500. It now checks that the
/// migrations this binary embeds are applied.
#[tokio::test]
async fn ready_is_503_when_the_database_lost_its_schema() {
    for db in [
        larch_store::testing::sqlite().await,
        larch_store::testing::postgres().await,
    ] {
        let config = db.config.clone();
        let app = TestApp::with_config(db, larch_server::ServerConfig::default()).await;
        let ready = format!("{}/ready", app.api_url);
        assert_eq!(app.client.get(&ready).send().await.unwrap().status(), 200);
        empty_database(&config).await;
        let api = app.get("/v1/learners").send().await.unwrap().status();
        assert!(api.is_server_error(), "{} {api}", app.kind());
        let res = app.client.get(&ready).send().await.unwrap();
        assert_eq!(res.status(), 503, "{}", app.kind());
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "unavailable");
        assert_eq!(
            app.client
                .get(format!("{}/health", app.api_url))
                .send()
                .await
                .unwrap()
                .status(),
            200,
            "liveness does not depend on the database"
        );
    }
}

#[tokio::test]
async fn serve_returns_after_the_shutdown_signal() {
    let db = larch_store::testing::sqlite().await;
    let api = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let content = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = api.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listeners = larch_server::Listeners { api, content };
    let blob_dir = tempfile::tempdir().unwrap();
    let blobs = larch_store::Blobs::local(blob_dir.path()).unwrap();
    let config = larch_server::ServerConfig::default();
    let server = tokio::spawn(larch_server::serve(
        db.store.clone(),
        blobs,
        config,
        listeners,
        async {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("http://{addr}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    stop.send(()).unwrap();
    let done = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    assert!(
        matches!(done, Ok(Ok(Ok(())))),
        "server did not stop cleanly: {done:?}"
    );
    assert!(
        client
            .get(format!("http://{addr}/health"))
            .send()
            .await
            .is_err(),
        "still accepting"
    );
}
