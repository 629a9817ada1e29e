//! A launched player over real HTTP (its public id and session secret, as the launch page
//! gives them) and its run-time API calls, shared by the `player`, `player_flow` and
//! `branding` tests.

use larch_server::testing::TestApp;
use serde_json::{Value, json};

/// A launched player: its public id, secret, the content origin and the page's CSP.
pub struct Player {
    pub pid: String,
    pub secret: String,
    pub base: String,
    pub csp: String,
}

impl Player {
    /// Opens the launch URL `url`: a 200 page with no inline script allowed.
    pub async fn open(app: &TestApp, url: &str) -> Self {
        let res = app.content_get(url).await;
        assert_eq!(res.status(), 200, "{}", app.kind());
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        let html = res.text().await.unwrap();
        Self {
            pid: attribute(&html, "data-pid"),
            secret: attribute(&html, "data-secret"),
            base: app.content_url.clone(),
            csp,
        }
    }

    /// A request to the player's run-time API (`/p/{pid}/api/{what}`) with its secret.
    pub fn call(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        what: &str,
    ) -> reqwest::RequestBuilder {
        let url = format!("{}/p/{}/api/{what}", self.base, self.pid);
        app.client
            .request(method, url)
            .header("x-larch-session", &self.secret)
    }

    /// `GET state`, which must answer 200.
    pub async fn state(&self, app: &TestApp) -> Value {
        self.send(app, "state", None).await
    }

    /// `POST commit`: the status and the answer.
    pub async fn commit(&self, app: &TestApp, body: Value) -> (u16, Value) {
        let res = self
            .call(app, reqwest::Method::POST, "commit")
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// POST `body` to `what` (GET without one), which must answer 200.
    pub async fn send(&self, app: &TestApp, what: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.answer(app, what, body).await;
        assert_eq!(status, 200, "{what} on {}: {answer}", app.kind());
        answer
    }

    /// `send` for a call that must be refused: its status and error code.
    pub async fn refused(&self, app: &TestApp, what: &str, body: Option<Value>) -> (u16, Value) {
        let (status, answer) = self.answer(app, what, body).await;
        (status, answer["error"]["code"].clone())
    }

    async fn answer(&self, app: &TestApp, what: &str, body: Option<Value>) -> (u16, Value) {
        let req = match body {
            Some(body) => self.call(app, reqwest::Method::POST, what).json(&body),
            None => self.call(app, reqwest::Method::GET, what),
        };
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }
}

/// The value of the attribute `name` in the page `html`.
pub fn attribute(html: &str, name: &str) -> String {
    let start = html
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in {html}"));
    let rest = &html[start + name.len() + 2..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A commit of `changes` to the delivery `next` (a step's `next`).
pub fn commit(
    next: &Value,
    seq: u64,
    changes: &[(&str, &str)],
    terminate: bool,
    nav: &Value,
) -> Value {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(e, v)| json!({"element": e, "value": v}))
        .collect();
    json!({
        "session": next["session"], "seq": seq, "activity": next["activity"],
        "changes": changes, "terminate": terminate, "nav_request": nav,
    })
}
