//! Helpers shared by the LRS test binaries (`xapi.rs`, `xapi_access.rs`).

use larch_server::testing::TestApp;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

/// An LRS credential of the test application, created through the API.
pub struct Lrs<'a> {
    pub app: &'a TestApp,
    pub key: String,
    pub secret: String,
}

impl<'a> Lrs<'a> {
    pub async fn new(app: &'a TestApp, scopes: &[&str]) -> Self {
        let res = app
            .post(
                "/v1/lrs/credentials",
                &json!({"name": "tool", "scopes": scopes}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", app.kind());
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["object"], "lrs_credential");
        Self {
            app,
            key: body["key"].as_str().unwrap().into(),
            secret: body["secret"].as_str().unwrap().into(),
        }
    }

    pub fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, format!("{}/xapi{path}", self.app.api_url))
    }

    pub fn req(&self, method: Method, path: &str, version: &str) -> RequestBuilder {
        self.raw(method, path)
            .basic_auth(&self.key, Some(&self.secret))
            .header("X-Experience-API-Version", version)
    }

    pub async fn post(&self, body: &Value) -> reqwest::Response {
        self.req(Method::POST, "/statements", "2.0.0")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.req(Method::GET, path, "2.0.0").send().await.unwrap();
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.unwrap()
    }
}

/// A valid statement by `actor` on `activity` (with a definition).
pub fn stmt(actor: &str, activity: &str) -> Value {
    json!({
        "actor": {"mbox": format!("mailto:{actor}@example.com"), "name": actor},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {"id": activity, "definition": {"name": {"en-US": "Golf"}}},
    })
}
