//! A small W3C WebDriver client over `reqwest` for the player's end-to-end tests: starts
//! `chromedriver` on a free port and a headless Chromium with a fresh profile. Panics
//! loudly when Chromium or chromedriver is missing: these tests must not pass by not running.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser session; dropping it ends the session (Chromium exits) and chromedriver.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start() -> Self {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: install Debian's chromium and chromium-driver (.ci/run does)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = reqwest::Client::new();
        let mut browser = Self {
            base: format!("http://127.0.0.1:{port}"),
            http,
            driver,
            _profile: tempfile::tempdir().expect("profile dir"),
        };
        browser.wait_ready().await;
        browser.new_session().await;
        browser
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = self.http.get(format!("{}/status", self.base)).send().await;
            if let Ok(res) = ready {
                let v: Value = res.json().await.unwrap_or_default();
                if v["value"]["ready"] == true {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn new_session(&mut self) {
        let profile = self._profile.path().display().to_string();
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={profile}"),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "unhandledPromptBehavior": "accept",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let v = self
            .call(reqwest::Method::POST, "/session", Some(caps))
            .await;
        let id = v["sessionId"].as_str().expect("a session id").to_owned();
        self.base = format!("{}/session/{id}", self.base);
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("webdriver request");
        let status = res.status();
        let v: Value = res.json().await.expect("webdriver json");
        assert!(
            status.is_success(),
            "webdriver {method} {path}: {status} {v}"
        );
        v["value"].clone()
    }

    /// Navigates the top window.
    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        let body = json!({"script": script, "args": args});
        self.call(reqwest::Method::POST, "/execute/sync", Some(body))
            .await
    }

    /// Polls `script` until it returns something other than null/false, or panics after `secs`.
    pub async fn wait_for(&self, what: &str, script: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.try_eval(script).await;
            if !(v.is_null() || v == false) {
                return v;
            }
            if Instant::now() > deadline {
                let seen = self
                    .try_eval("var m = document.querySelector('.lp-msg'); return location.href + ' | ' + document.body.className + ' | ' + (m ? m.textContent : document.body.textContent.slice(0, 200))")
                    .await;
                panic!("timed out waiting for {what}; the page: {seen}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script`; null when it fails (a navigation, a prompt).
    pub async fn try_eval(&self, script: &str) -> Value {
        let body = json!({"script": script, "args": []});
        let res = self
            .http
            .post(format!("{}/execute/sync", self.base))
            .json(&body)
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => r
                .json::<Value>()
                .await
                .map(|v| v["value"].clone())
                .unwrap_or_default(),
            _ => Value::Null,
        }
    }

    /// The first element matching `css` in the current frame. Retried for a few seconds: a
    /// command that meets a content's `confirm()` is answered after the prompt is accepted.
    pub async fn find(&self, css: &str) -> Element {
        let body = json!({"using": "css selector", "value": css});
        let mut last = Value::Null;
        for _ in 0..50 {
            let res = self
                .http
                .post(format!("{}/element", self.base))
                .json(&body)
                .send()
                .await;
            if let Ok(r) = res {
                last = r.json::<Value>().await.unwrap_or_default();
                if let Some(id) = last["value"][ELEMENT].as_str() {
                    return Element(id.to_owned());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css}: {last}");
    }

    /// Clicks an element like a user (scrolls it into view, real pointer events).
    pub async fn click(&self, el: &Element) {
        let path = format!("/element/{}/click", el.0);
        self.call(reqwest::Method::POST, &path, Some(json!({})))
            .await;
    }

    /// A Chrome DevTools Protocol command through chromedriver (e.g. network emulation).
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({ "cmd": cmd, "params": params });
        self.call(reqwest::Method::POST, "/goog/cdp/execute", Some(body))
            .await
    }

    /// Kills the page's renderer the way a crash or a killed tab does: no unload, no pagehide.
    pub async fn crash(&self) {
        let body = json!({ "cmd": "Page.crash", "params": {} });
        let _ = self
            .http
            .post(format!("{}/goog/cdp/execute", self.base))
            .json(&body)
            .timeout(Duration::from_secs(5))
            .send()
            .await;
    }

    /// Opens a new tab (same profile, so the same localStorage); returns its handle.
    pub async fn new_tab(&self) -> Value {
        let v = self
            .call(
                reqwest::Method::POST,
                "/window/new",
                Some(json!({"type": "tab"})),
            )
            .await;
        v["handle"].clone()
    }

    /// Closes the current tab as a learner does (its page gets `pagehide`), after opening
    /// another one to go on with (the session ends with its last tab).
    pub async fn close_tab(&self) {
        let other = self.new_tab().await;
        self.call(reqwest::Method::DELETE, "/window", None).await;
        self.switch_to(&other).await;
    }

    /// Switches to the tab `handle`.
    pub async fn switch_to(&self, handle: &Value) {
        self.call(
            reqwest::Method::POST,
            "/window",
            Some(json!({ "handle": handle })),
        )
        .await;
    }

    /// Takes the browser off the network, or puts it back.
    pub async fn offline(&self, offline: bool) {
        let params = json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1});
        self.cdp("Network.enable", json!({})).await;
        self.cdp("Network.emulateNetworkConditions", params).await;
    }

    /// Resizes the window (a phone: 390 × 844).
    pub async fn resize(&self, width: u32, height: u32) {
        let body = json!({ "width": width, "height": height });
        self.call(reqwest::Method::POST, "/window/rect", Some(body))
            .await;
    }

    /// Types `text` into an input element.
    pub async fn type_text(&self, el: &Element, text: &str) {
        let path = format!("/element/{}/value", el.0);
        self.call(reqwest::Method::POST, &path, Some(json!({ "text": text })))
            .await;
    }

    /// [`Browser::frame`] that answers false instead of failing (a prompt was open: the
    /// command was refused and the prompt accepted).
    pub async fn try_frame(&self, el: Option<&Element>) -> bool {
        let id = el.map_or(Value::Null, |e| json!({ ELEMENT: e.0 }));
        let res = self
            .http
            .post(format!("{}/frame", self.base))
            .json(&json!({ "id": id }))
            .send()
            .await;
        res.is_ok_and(|r| r.status().is_success())
    }

    /// Switches into the iframe `el`, or back to the top document with `None`.
    pub async fn frame(&self, el: Option<&Element>) {
        let id = el.map_or(Value::Null, |e| json!({ ELEMENT: e.0 }));
        self.call(reqwest::Method::POST, "/frame", Some(json!({ "id": id })))
            .await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Also after a failed test: end the session first, or its Chromium outlives chromedriver.
        delete_session(&self.base);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `DELETE <base>` with a blocking socket (no runtime in `drop`); errors are moot.
fn delete_session(base: &str) {
    use std::io::{Read, Write};
    let Some((host, path)) = base.strip_prefix("http://").and_then(|r| r.split_once('/')) else {
        return;
    };
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let req = format!(
        "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).is_ok() {
        let _ = s.read_to_end(&mut Vec::new());
    }
}
