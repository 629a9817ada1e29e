//! Two `larch serve` processes on one PostgreSQL database and one blob folder, as two nodes
//! behind a load balancer: an upload through A is imported by whichever worker claims it, and
//! the course, the registration and a launch URL read alternately through A and B agree.

use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const GOLF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip"
);

/// A running node: the process, its API and content origins.
struct Node {
    child: Child,
    api: String,
    content: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn start(envs: &[(&str, &str)]) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_larch"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--content-listen",
            "127.0.0.1:0",
        ])
        .current_dir(dir.path())
        .env("LARCH_LOG_FORMAT", "json")
        .envs(envs.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start larch serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let origins = loop {
        line.clear();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            panic!("larch serve exited before listening");
        }
        let Ok(entry) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if entry["message"] == "larch is listening" {
            let origin = |k: &str| entry[k].as_str().unwrap().trim_end_matches('/').to_owned();
            break (origin("api"), origin("content"));
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let _keep = dir;
        let mut sink = String::new();
        let _ = stderr.read_to_string(&mut sink);
    });
    Node {
        child,
        api: origins.0,
        content: origins.1,
    }
}

struct Client {
    http: reqwest::Client,
    key: String,
}

impl Client {
    async fn json(&self, method: reqwest::Method, url: String, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, &url).bearer_auth(&self.key);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert!(status.is_success(), "{url}: {status} {body}");
        body
    }
}

#[tokio::test]
async fn an_upload_through_one_node_is_served_consistently_by_both() {
    let db = larch_store::testing::postgres().await;
    let larch_store::DatabaseConfig::Postgres { url, .. } = &db.config else {
        unreachable!()
    };
    let blobs = tempfile::tempdir().unwrap();
    let blob_url = format!("file://{}", blobs.path().display());
    let key = format!("sk_test_{}", "Tw0".repeat(12));
    let envs = [
        ("LARCH_DATABASE_URL", url.as_str()),
        ("LARCH_BLOB_URL", blob_url.as_str()),
        ("LARCH_BOOTSTRAP_API_KEY", key.as_str()),
        ("LARCH_RATE_LIMIT", "0"),
    ];
    let a = start(&envs);
    let b = start(&envs);
    let nodes = [&a, &b];
    let client = Client {
        http: reqwest::Client::new(),
        key,
    };

    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(std::fs::read(GOLF).unwrap()).file_name("golf.zip"),
        )
        .text("id", "golf");
    let res = client
        .http
        .post(format!("{}/v1/courses", a.api))
        .bearer_auth(&client.key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: Value = res.json().await.unwrap();
    let mut done = Value::Null;
    for i in 0..300 {
        let node = nodes[i % 2];
        let path = format!(
            "{}/v1/import_jobs/{}",
            node.api,
            job["id"].as_str().unwrap()
        );
        done = client.json(reqwest::Method::GET, path, None).await;
        if done["status"] == "succeeded" || done["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["status"], "succeeded", "{done}");

    let courses: Vec<Value> = get_on_both(&client, &nodes, "/v1/courses/golf").await;
    assert_eq!(
        courses[0], courses[1],
        "the course reads the same on both nodes"
    );
    assert_eq!(courses[0]["version"], 1);

    let new = json!({"id": "r1", "course_id": "golf",
                     "learner": {"id": "l1", "first_name": "Ada", "last_name": "L"}});
    let created = client
        .json(
            reqwest::Method::POST,
            format!("{}/v1/registrations", b.api),
            Some(new),
        )
        .await;
    let regs = get_on_both(&client, &nodes, "/v1/registrations/r1").await;
    assert_eq!(regs[0], regs[1]);
    assert_eq!(regs[0], created);

    let launch = client
        .json(
            reqwest::Method::POST,
            format!("{}/v1/registrations/r1/launch", a.api),
            None,
        )
        .await;
    let url = launch["url"].as_str().unwrap();
    let path = url
        .strip_prefix(&a.content)
        .expect("a launch URL on A's content origin");
    let open = |origin: &str| {
        let http = client.http.clone();
        let target = format!("{origin}{path}");
        async move { http.get(target).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(open(&b.content).await, 200, "opens on the other node");
    assert_eq!(open(&a.content).await, 410, "and only once, whichever node");
    assert_eq!(open(&b.content).await, 410);
}

/// `GET path` on each node.
async fn get_on_both(client: &Client, nodes: &[&Node; 2], path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for node in nodes {
        out.push(
            client
                .json(reqwest::Method::GET, format!("{}{path}", node.api), None)
                .await,
        );
    }
    out
}
