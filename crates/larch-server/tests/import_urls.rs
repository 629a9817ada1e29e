//! The SSRF guard of URL imports: internal addresses, however spelled, are refused when the
//! import is posted (400 `url_not_allowed`), a redirect to one fails the job with the same
//! code, and `import_url_allow_hosts` lets one internal `host:port` through with the guard on.

use larch_server::ServerConfig;
use larch_server::testing::TestApp;
use serde_json::{Value, json};
use std::time::Duration;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/");
const GOLF: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";

/// A package server on 127.0.0.1: `/pkg.zip`, and `/to?{url}` redirecting to `url`, `/loop`
/// redirecting to itself. Returns its `host:port`.
async fn package_server() -> String {
    use axum::extract::RawQuery;
    use axum::response::Redirect;
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let package = std::fs::read(format!("{FIXTURES}{GOLF}")).unwrap();
    let router = axum::Router::new()
        .route("/pkg.zip", get(move || async move { package.clone() }))
        .route(
            "/to",
            get(|RawQuery(q): RawQuery| async move { Redirect::temporary(&q.unwrap_or_default()) }),
        )
        .route("/loop", get(|| async { Redirect::temporary("/loop") }));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn guarded(allow: &str) -> ServerConfig {
    ServerConfig {
        import_url_allow_hosts: vec![allow.to_owned()],
        ..ServerConfig::default()
    }
}

async fn import(app: &TestApp, url: &str) -> (u16, Value) {
    let res = app
        .post("/v1/courses", &json!({ "url": url }))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn finished(app: &TestApp, job: &Value) -> Value {
    let path = format!("/v1/import_jobs/{}", job["id"].as_str().unwrap());
    for _ in 0..300 {
        let now: Value = app.get(&path).send().await.unwrap().json().await.unwrap();
        if matches!(now["status"].as_str(), Some("succeeded" | "failed")) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {path} did not finish on {}", app.kind())
}

#[tokio::test]
async fn internal_urls_are_refused_when_posted() {
    let server = package_server().await;
    let port = server.rsplit(':').next().unwrap();
    let app = TestApp::sqlite().await;
    for url in [
        format!("http://{server}/pkg.zip"),
        format!("http://localhost:{port}/pkg.zip"),
        format!("http://[::1]:{port}/pkg.zip"),
        format!("http://0.0.0.0:{port}/pkg.zip"),
        "http://2130706433/pkg.zip".to_owned(),
        "http://0x7f.1/pkg.zip".to_owned(),
        "http://0177.0.0.1/pkg.zip".to_owned(),
        "http://[::ffff:127.0.0.1]/pkg.zip".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.1.2.3/pkg.zip".to_owned(),
        "http://100.64.0.1/pkg.zip".to_owned(),
        "https://[fd00::1]/pkg.zip".to_owned(),
    ] {
        let (status, body) = import(&app, &url).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert_eq!(body["error"]["code"], "url_not_allowed", "{url}");
        assert_eq!(body["error"]["param"], "url");
    }
}

#[tokio::test]
async fn a_redirect_to_an_internal_address_fails_the_job() {
    let server = package_server().await;
    let port = server.rsplit(':').next().unwrap();
    for app in TestApp::each_store_with(guarded(&server)).await {
        let kind = app.kind();
        // The allowed origin itself, and a redirect that stays on it.
        for url in [
            format!("http://{server}/pkg.zip"),
            format!("http://{server}/to?/pkg.zip"),
        ] {
            let (status, job) = import(&app, &url).await;
            assert_eq!(status, 202, "{kind} {url}: {job}");
            let done = finished(&app, &job).await;
            assert_eq!(done["status"], "succeeded", "{kind} {url}: {done}");
        }
        for (target, code) in [
            (
                format!("http://localhost:{port}/pkg.zip"),
                "url_not_allowed",
            ),
            (format!("http://[::1]:{port}/pkg.zip"), "url_not_allowed"),
            (
                "http://169.254.169.254/latest/".to_owned(),
                "url_not_allowed",
            ),
            ("ftp://example.com/pkg.zip".to_owned(), "url_not_allowed"),
        ] {
            let (status, job) = import(&app, &format!("http://{server}/to?{target}")).await;
            assert_eq!(status, 202, "{kind}: {job}");
            let done = finished(&app, &job).await;
            assert_eq!(done["status"], "failed", "{kind} {target}: {done}");
            assert_eq!(done["error"]["code"], code, "{kind} {target}: {done}");
        }
        let (_, job) = import(&app, &format!("http://{server}/loop")).await;
        let done = finished(&app, &job).await;
        assert_eq!(done["error"]["code"], "download_failed", "{kind}: {done}");
        let message = done["error"]["message"].as_str().unwrap();
        assert!(message.contains("redirects"), "{kind}: {message}");
    }
}

#[tokio::test]
async fn the_switch_turns_the_guard_off() {
    let server = package_server().await;
    let port = server.rsplit(':').next().unwrap();
    let open = ServerConfig {
        import_allow_private_urls: true,
        ..ServerConfig::default()
    };
    let app = TestApp::with_config(larch_store::testing::sqlite().await, open).await;
    let (status, job) = import(&app, &format!("http://localhost:{port}/pkg.zip")).await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(finished(&app, &job).await["status"], "succeeded");
}
