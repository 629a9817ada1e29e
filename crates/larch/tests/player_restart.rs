//! The server killed (SIGKILL) and restarted mid-session, under a learner in a real headless
//! Chromium: the `larch serve` binary runs as a separate process on two fixed ports (the
//! player's URLs carry the content origin) and is brought back on the same ports with the same
//! database — SQLite in its data folder, then a PostgreSQL database — and blob folder. The golf
//! SCORM 1.2 example is driven through its own functions from its frame (`doNext` to the
//! last page, which sets completion; `RecordTest`, which sets the score and pass/fail).
//!
//! 1. A result the server acknowledged survives the kill.
//! 2. A result set while the server is down is kept by the open page's shim and delivered by
//!    its retries once the server is back.
//! 3. A result set while the server is down in a tab that is then closed is replayed by the
//!    learner's next launch in the same browser.

#[expect(dead_code, reason = "shared with larch-server's end-to-end tests")]
#[path = "../../larch-server/tests/e2e/webdriver.rs"]
mod webdriver;

use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use webdriver::Browser;

const GOLF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/scorm12/golf_RuntimeBasicCalls_SCORM12.zip"
);
const KEY: &str = "sk_test_KiLLKiLLKiLLKiLLKiLLKiLLKiLLKiLLKiLL";
const GOLF_STARTED: &str =
    "return typeof currentPage === 'number' && !!document.getElementById('butNext')";

/// A `larch serve` process on fixed ports; `start` again after `kill` for a restart.
struct Server {
    envs: Vec<(String, String)>,
    dir: tempfile::TempDir,
    ports: (u16, u16),
    child: Option<Child>,
    api: String,
    http: reqwest::Client,
}

impl Server {
    fn new(envs: Vec<(String, String)>) -> Self {
        let port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port()
        };
        let ports = (port(), port());
        Self {
            envs,
            dir: tempfile::tempdir().expect("data folder"),
            ports,
            child: None,
            api: format!("http://127.0.0.1:{}", ports.0),
            // No pooled connection outlives a killed server.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("client"),
        }
    }

    /// Starts the process and waits for its "listening" line.
    fn start(&mut self) {
        let (api, content) = self.ports;
        let mut child = Command::new(env!("CARGO_BIN_EXE_larch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{api}")])
            .args(["--content-listen", &format!("127.0.0.1:{content}")])
            .current_dir(self.dir.path())
            .env("LARCH_LOG_FORMAT", "json")
            .env("LARCH_BOOTSTRAP_API_KEY", KEY)
            .env("LARCH_RATE_LIMIT", "0")
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start larch serve");
        let mut log = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        while !line.contains("larch is listening") {
            line.clear();
            if log.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = child.kill();
                panic!("larch serve exited before listening");
            }
        }
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || log.read_to_string(&mut String::new()));
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no flush, connections cut.
    fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(KEY);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("API request");
        let status = res.status();
        let v: Value = res.json().await.expect("json");
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    async fn import_golf(&self) {
        let bytes = std::fs::read(GOLF).expect("fixture");
        let form = reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("golf.zip"),
            )
            .text("id", "golf");
        let res = self
            .http
            .post(format!("{}/v1/courses", self.api))
            .bearer_auth(KEY);
        let job: Value = res
            .multipart(form)
            .send()
            .await
            .expect("upload")
            .json()
            .await
            .expect("job");
        let path = format!("/v1/import_jobs/{}", job["id"].as_str().expect("job id"));
        for _ in 0..600 {
            let now = self.call(reqwest::Method::GET, &path, None).await;
            match now["status"].as_str() {
                Some("succeeded") => return,
                Some("failed") => panic!("import failed: {now}"),
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        panic!("import did not finish");
    }

    async fn register(&self, reg: &str) {
        let body = json!({"id": reg, "course_id": "golf",
            "learner": {"id": reg, "first_name": "Ada", "last_name": "Lovelace"}});
        self.call(reqwest::Method::POST, "/v1/registrations", Some(body))
            .await;
    }

    async fn launch(&self, reg: &str) -> String {
        let path = format!("/v1/registrations/{reg}/launch");
        let v = self
            .call(reqwest::Method::POST, &path, Some(json!({})))
            .await;
        v["url"].as_str().expect("launch url").to_owned()
    }

    /// Waits up to `secs` for the progress of `reg` to show `status` and `score`.
    async fn wait_result(&self, reg: &str, status: &str, score: f64, secs: u64) -> Value {
        let path = format!("/v1/registrations/{reg}/progress");
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let p = self.call(reqwest::Method::GET, &path, None).await;
            let done = p["completion_status"] == "completed"
                && p["success_status"] == status
                && p["score"]["raw"].as_f64() == Some(score);
            if done {
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "{reg}: expected {status} {score}, recorded {p}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Opens `url` and steps into the golf SCO's frame once it has started.
async fn open_sco(b: &Browser, url: &str) {
    b.goto(url).await;
    for _ in 0..300 {
        // A frame switch fails (and accepts it) while the SCO's resume prompt is open.
        if b.try_frame(None).await
            && b.try_eval("return !!document.querySelector('.lp-frame')")
                .await
                == true
        {
            let frame = b.find(".lp-frame").await;
            if b.try_frame(Some(&frame)).await && b.try_eval(GOLF_STARTED).await == true {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the golf SCO did not start");
}

/// In the SCO's frame: every page to the last (completion), then the quiz result `score`.
async fn finish(b: &Browser, score: u32) {
    let js = "while (currentPage < pageArray.length - 1) doNext(); RecordTest(arguments[0]); return true";
    b.eval(js, json!([score])).await;
}

/// The shim's `localStorage` queue of `reg` on the player page.
async fn pending(b: &Browser, reg: &str) -> String {
    b.frame(None).await;
    // The registration's record and its queued commits, one slot (`@k`) each.
    let js = format!(
        "var key = 'larch.pending.{reg}.0', q = localStorage.getItem(key) || ''; \
         for (var i = 0; i < localStorage.length; i++) {{ var k = localStorage.key(i); \
         if (k.indexOf(key + '@') === 0) q += localStorage.getItem(k); }} return q"
    );
    b.eval(&js, json!([]))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn kill_and_restart_mid_session(mut server: Server, store: &str) {
    server.start();
    server.import_golf().await;
    server.register("reg-a").await;
    server.register("reg-b").await;
    let b = Browser::start().await;
    let mut kills = 0;

    // 1. Acknowledged, then the kill: still there after the restart.
    open_sco(&b, &server.launch("reg-a").await).await;
    finish(&b, 40).await;
    server.wait_result("reg-a", "failed", 40.0, 20).await;
    server.kill();
    kills += 1;
    server.start();
    server.wait_result("reg-a", "failed", 40.0, 1).await;

    // 2. Set while the server is down: the open page keeps it and its retries deliver it.
    server.kill();
    kills += 1;
    finish(&b, 92).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let kept = pending(&b, "reg-a").await;
    assert!(
        kept.contains("\"92\""),
        "the commit waits in localStorage: {kept}"
    );
    server.start();
    server.wait_result("reg-a", "passed", 92.0, 40).await;

    // 3. Set while the server is down, the tab closed at once: the next launch replays it.
    open_sco(&b, &server.launch("reg-b").await).await;
    server.kill();
    kills += 1;
    finish(&b, 77).await;
    b.close_tab().await;
    server.start();
    b.goto(&server.launch("reg-b").await).await;
    server.wait_result("reg-b", "passed", 77.0, 40).await;
    println!(
        "server killed and restarted ({store}): kills {kills}, sessions 3, \
         results expected 3, results recorded 3 (completion, pass/fail and score equal)"
    );
}

#[tokio::test]
async fn a_server_killed_mid_session_loses_nothing_on_sqlite() {
    kill_and_restart_mid_session(Server::new(Vec::new()), "SQLite").await;
}

#[tokio::test]
async fn a_server_killed_mid_session_loses_nothing_on_postgres() {
    let db = larch_store::testing::postgres().await;
    let larch_store::DatabaseConfig::Postgres { url, .. } = &db.config else {
        unreachable!("a PostgreSQL database")
    };
    let blobs = tempfile::tempdir().expect("blob folder");
    let envs = vec![
        ("LARCH_DATABASE_URL".to_owned(), url.clone()),
        (
            "LARCH_BLOB_URL".to_owned(),
            format!("file://{}", blobs.path().display()),
        ),
    ];
    kill_and_restart_mid_session(Server::new(envs), "PostgreSQL").await;
}
