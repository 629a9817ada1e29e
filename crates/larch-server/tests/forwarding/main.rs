//! Statement forwarding through the outbox, end to end on both stores: rules through the API,
//! statements stored in one Larch LRS arriving in a second real Larch LRS, and a small target
//! on 127.0.0.1 that fails on purpose to show retries, back-off, the delivery log, filters,
//! disabled rules, and secrets that never show.

mod attachments;
mod coalescing;
mod delivery;
mod downgrade;
mod retention;
mod retry;
mod rules;

use larch_server::ServerConfig;
use larch_server::testing::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Fast polling and short back-off, so retries happen within a test; targets on 127.0.0.1
/// allowed (the SSRF guard refuses loopback by default).
fn fast() -> ServerConfig {
    ServerConfig {
        forwarding_allow_private_urls: true,
        delivery_poll_interval: Duration::from_millis(20),
        delivery_retry_base: Duration::from_millis(40),
        delivery_retry_cap: Duration::from_millis(200),
        ..ServerConfig::default()
    }
}

/// An LRS credential of `app`: (key, secret).
async fn lrs_credential(app: &TestApp) -> (String, String) {
    let body = json!({"name": "forwarding", "scopes": ["all"]});
    let res = app.post("/v1/lrs/credentials", &body).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", app.kind());
    let created: Value = res.json().await.unwrap();
    (
        created["key"].as_str().unwrap().into(),
        created["secret"].as_str().unwrap().into(),
    )
}

/// A request to `app`'s LRS with a credential.
fn xapi(
    app: &TestApp,
    cred: &(String, String),
    method: Method,
    path: &str,
) -> reqwest::RequestBuilder {
    app.client
        .request(method, format!("{}/xapi{path}", app.api_url))
        .basic_auth(&cred.0, Some(&cred.1))
        .header("X-Experience-API-Version", "2.0.0")
}

/// A statement with a fixed id.
fn statement(id: &str, verb: &str, activity: &str) -> Value {
    json!({
        "id": id,
        "actor": {"mbox": "mailto:ada@example.com", "name": "Ada"},
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"en-US": verb}},
        "object": {"id": activity},
    })
}

/// Creates a rule on `app` forwarding to `url` with these credentials; returns its id.
async fn create_rule(app: &TestApp, url: &str, auth: (&str, &str), extra: Value) -> String {
    let mut body = json!({
        "url": url, "version": "2.0.0",
        "auth": {"type": "basic", "username": auth.0, "password": auth.1},
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    let res = app
        .post("/v1/lrs/forwarding_rules", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", app.kind());
    let rule: Value = res.json().await.unwrap();
    rule["id"].as_str().unwrap().to_owned()
}

/// The delivery log of a rule, newest first.
async fn deliveries(app: &TestApp, rule: &str) -> Vec<Value> {
    let path = format!("/v1/lrs/forwarding_rules/{rule}/deliveries?limit=100");
    let res = app.get(&path).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", app.kind());
    let page: Value = res.json().await.unwrap();
    page["data"].as_array().unwrap().clone()
}

/// Waits (up to 15 s) until `done` holds.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// What a [`Target`] received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    version: Option<String>,
    authorization: Option<String>,
    content_type: Option<String>,
    /// The JSON body, or a `multipart/mixed` body's JSON part.
    statements: Value,
    /// A `multipart/mixed` body's attachment parts.
    parts: Vec<larch_xapi::multipart::AttachmentPart>,
}

/// A request body as JSON, and its attachment parts when it is `multipart/mixed`.
fn parse_body(
    content_type: Option<&str>,
    body: &str,
) -> (Value, Vec<larch_xapi::multipart::AttachmentPart>) {
    let multipart = content_type
        .filter(|ct| larch_xapi::multipart::is_multipart_mixed(ct))
        .and_then(|ct| larch_xapi::multipart::parse_multipart(ct, body.as_bytes()).ok());
    match multipart {
        Some(parsed) => (
            serde_json::from_slice(&parsed.statements).unwrap_or(Value::Null),
            parsed.attachments,
        ),
        None => (
            serde_json::from_str(body).unwrap_or(Value::Null),
            Vec::new(),
        ),
    }
}

/// A small LRS stand-in on 127.0.0.1: answers `/xapi/statements` with 500 for the first
/// `failures` requests, then with `then`; remembers every request.
struct Target {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Target {
    async fn start(failures: usize, then: u16) -> Self {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = received.clone();
        let handler = move |method: Method, headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let content_type = header("content-type");
                let (statements, parts) = parse_body(content_type.as_deref(), &body);
                let mut all = seen.lock().unwrap();
                all.push(Received {
                    method: method.to_string(),
                    version: header("x-experience-api-version"),
                    authorization: header("authorization"),
                    content_type,
                    statements,
                    parts,
                });
                let status = if all.len() <= failures { 500 } else { then };
                (axum::http::StatusCode::from_u16(status).unwrap(), "[]")
            }
        };
        let router = axum::Router::new().route(
            "/xapi/statements",
            axum::routing::post(handler.clone()).put(handler),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/xapi", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The ids of every statement received, in order (a PUT carries one).
    fn statement_ids(&self) -> Vec<String> {
        self.received()
            .iter()
            .flat_map(|r| match &r.statements {
                Value::Array(all) => all.clone(),
                one => vec![one.clone()],
            })
            .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}
