//! `Idempotency-Key` on streamed course uploads: the decision is taken on the form's content
//! (hashed while it streams), so a retry replays and another file of the very same size with
//! the same key gets a 409, on each backend.

use larch_server::testing::TestApp;
use serde_json::Value;
use std::time::Duration;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/");
const GOLF: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).expect("fixture")
}

/// `POST /v1/courses` with `bytes` as the `file` part, course id `id`, and the key when given.
fn upload(app: &TestApp, bytes: Vec<u8>, id: &str, key: Option<&str>) -> reqwest::RequestBuilder {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("golf.zip");
    let form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("id", id.to_owned());
    let req = app
        .request(reqwest::Method::POST, "/v1/courses")
        .multipart(form);
    match key {
        Some(key) => req.header("Idempotency-Key", key),
        None => req,
    }
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Option<String>, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, res.json().await.unwrap())
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

/// Upload blobs still stored (each job deletes its own when it ends).
fn uploads_left(app: &TestApp) -> usize {
    std::fs::read_dir(app.blob_dir().join("uploads")).map_or(0, |d| d.count())
}

async fn versions(app: &TestApp, id: &str) -> i64 {
    let course: Value = app
        .get(&format!("/v1/courses/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    course["version"].as_i64().unwrap()
}

#[tokio::test]
async fn a_retried_upload_replays_and_a_same_size_other_file_conflicts() {
    let golf = fixture(GOLF);
    // Same size, one byte different (in the zip's trailing comment length's neighbour: the
    // content does not matter, the request is refused before any import).
    let mut other = golf.clone();
    let last = other.len() - 1;
    other[last] ^= 0x55;
    for app in TestApp::each_store().await {
        let kind = app.kind();
        let (status, replayed, first) = send(upload(&app, golf.clone(), "idem", Some("k1"))).await;
        assert_eq!((status, replayed), (202, None), "{kind}: {first}");
        let (status, replayed, again) = send(upload(&app, golf.clone(), "idem", Some("k1"))).await;
        assert_eq!((status, replayed.as_deref()), (202, Some("true")), "{kind}");
        assert_eq!(again["id"], first["id"], "{kind}: the same job");
        let (status, _, err) = send(upload(&app, other.clone(), "idem", Some("k1"))).await;
        assert_eq!(status, 409, "{kind}: {err}");
        assert_eq!(err["error"]["code"], "idempotency_key_reused");
        assert_eq!(err["error"]["param"], "Idempotency-Key");
        // The course id is part of the request too.
        let (status, _, _) = send(upload(&app, golf.clone(), "idem-2", Some("k1"))).await;
        assert_eq!(status, 409, "{kind}");
        assert_eq!(finished(&app, &first).await["status"], "succeeded");
        assert_eq!(
            versions(&app, "idem").await,
            1,
            "{kind}: one import, one version"
        );
        assert_eq!(uploads_left(&app), 0, "{kind}: refused uploads are deleted");
    }
}

#[tokio::test]
async fn uploads_without_a_key_each_make_a_version() {
    let golf = fixture(GOLF);
    for app in TestApp::each_store().await {
        let kind = app.kind();
        let (status, _, first) = send(upload(&app, golf.clone(), "nokey", None)).await;
        assert_eq!(status, 202, "{kind}: {first}");
        let (status, replayed, second) = send(upload(&app, golf.clone(), "nokey", None)).await;
        assert_eq!((status, replayed), (202, None), "{kind}");
        assert_ne!(first["id"], second["id"]);
        assert_eq!(finished(&app, &first).await["status"], "succeeded");
        assert_eq!(finished(&app, &second).await["status"], "succeeded");
        assert_eq!(versions(&app, "nokey").await, 2, "{kind}");
    }
}

#[tokio::test]
async fn an_invalid_form_does_not_use_up_the_key() {
    for app in TestApp::each_store().await {
        let form = reqwest::multipart::Form::new().text("id", "x");
        let res = app
            .request(reqwest::Method::POST, "/v1/courses")
            .header("Idempotency-Key", "k-bad")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let (status, replayed, job) =
            send(upload(&app, fixture(GOLF), "after-bad", Some("k-bad"))).await;
        assert_eq!((status, replayed), (202, None), "{}: {job}", app.kind());
        assert_eq!(finished(&app, &job).await["status"], "succeeded");
    }
}
