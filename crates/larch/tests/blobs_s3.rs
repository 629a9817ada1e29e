//! `larch serve` with its blobs on S3, configured as an operator does (`LARCH_BLOB_URL=s3://…`
//! and the `AWS_*` variables), against a local moto S3 server the test starts itself: an
//! imported course's files land in the bucket under the prefix, the player serves them from
//! there through the signed asset URL (whole and ranged), and once the course is deleted the
//! orphan sweeper removes its blobs from the bucket. Fails (never skips) without `moto_server`.

mod s3;

use s3::moto::Moto;
use s3::node::Node;
use serde_json::{Value, json};
use sha2::Digest as _;
use std::time::{Duration, Instant};

const GOLF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip"
);
const BUCKET: &str = "larch-blobs";
/// Everything Larch writes must stay under this prefix of `LARCH_BLOB_URL`.
const PREFIX: &str = "prod/courses";

/// An API client with the bootstrap key; every request is bounded in time.
struct Api {
    http: reqwest::Client,
    key: String,
}

impl Api {
    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let res = req.bearer_auth(&self.key).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn course_files_live_in_the_s3_bucket_and_are_served_from_it() {
    let moto = Moto::start().await;
    moto.create_bucket(BUCKET).await;
    let dir = tempfile::tempdir().unwrap();
    let blob_url = format!("s3://{BUCKET}/{PREFIX}");
    let key = format!("sk_test_{}", "S3b".repeat(12));
    let envs = [
        ("LARCH_BLOB_URL", blob_url.as_str()),
        ("AWS_ENDPOINT", moto.endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "larch-test"),
        ("AWS_SECRET_ACCESS_KEY", "larch-test-secret"),
        ("AWS_REGION", "us-east-1"),
        ("LARCH_BOOTSTRAP_API_KEY", key.as_str()),
        ("LARCH_RATE_LIMIT", "0"),
    ];
    let api = Api {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        key: key.clone(),
    };
    let node = Node::start(dir.path(), &envs);
    let ready = api.http.get(format!("{}/ready", node.api)).send().await;
    assert_eq!(ready.unwrap().status(), 200, "ready: the bucket answers");

    import_golf(&api, &node).await;
    let stored = moto.keys(BUCKET, "").await;
    assert!(
        stored.len() > 10 && stored.iter().all(|k| k.starts_with(PREFIX)),
        "the course's files, all under the prefix: {stored:?}"
    );
    let prefix = format!("{PREFIX}/assets/sha256/");
    wait_for("the upload to be removed", || async {
        moto.keys(BUCKET, "")
            .await
            .iter()
            .all(|k| k.starts_with(&prefix))
    })
    .await;

    let file = launched_file(&api, &node).await;
    check_served_from_bucket(&api, &moto, &file).await;

    let deleted = api
        .http
        .delete(format!("{}/v1/courses/golf?confirm=true", node.api));
    assert_eq!(api.send(deleted).await.0, 200);
    drop(node);
    // A restart with the sweeper due at once and no minimum age removes the orphan blobs.
    let sweeping = [
        &envs[..],
        &[
            ("LARCH_ORPHAN_MIN_AGE", "0"),
            ("LARCH_ORPHAN_SWEEP_INTERVAL", "1"),
        ],
    ]
    .concat();
    let _node = Node::start(dir.path(), &sweeping);
    wait_for("the deleted course's blobs to leave the bucket", || async {
        moto.keys(BUCKET, "").await.is_empty()
    })
    .await;
}

/// Uploads the golf package as course `golf` and waits for its import to succeed.
async fn import_golf(api: &Api, node: &Node) {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(std::fs::read(GOLF).unwrap()).file_name("golf.zip"),
        )
        .text("id", "golf");
    let upload = api.http.post(format!("{}/v1/courses", node.api));
    let (status, job) = api.send(upload.multipart(form)).await;
    assert_eq!(status, 202, "{job}");
    let path = format!(
        "{}/v1/import_jobs/{}",
        node.api,
        job["id"].as_str().unwrap()
    );
    let started = Instant::now();
    loop {
        let (_, now) = api.send(api.http.get(&path)).await;
        match now["status"].as_str() {
            Some("succeeded") => return,
            Some("failed") => panic!("the import failed: {now}"),
            _ if started.elapsed() > Duration::from_secs(120) => panic!("import stuck: {now}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// A course file as the player asks for it.
struct LaunchedFile {
    /// The signed asset URL on the content origin.
    url: String,
    /// The file's path inside the package.
    path: String,
}

/// Registers a learner, opens the launch URL, and returns the first SCO's file URL.
async fn launched_file(api: &Api, node: &Node) -> LaunchedFile {
    let new = json!({"id": "r1", "course_id": "golf",
                     "learner": {"id": "l1", "first_name": "Ada", "last_name": "L"}});
    let register = api.http.post(format!("{}/v1/registrations", node.api));
    assert_eq!(api.send(register.json(&new)).await.0, 201);
    let launch = api
        .http
        .post(format!("{}/v1/registrations/r1/launch", node.api));
    let (status, launch) = api.send(launch.json(&json!({}))).await;
    assert_eq!(status, 201, "{launch}");
    let page = api
        .http
        .get(launch["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let state_url = format!(
        "{}/p/{}/api/state",
        node.content,
        attribute(&html, "data-pid")
    );
    let state: Value = api
        .http
        .get(state_url)
        .header("x-larch-session", attribute(&html, "data-secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let href = state["step"]["next"]["url"]
        .as_str()
        .expect("a SCO to deliver");
    let path = href.split('?').next().unwrap().to_owned();
    let base = state["asset_base"].as_str().unwrap();
    LaunchedFile {
        url: format!("{}{base}{path}", node.content),
        path,
    }
}

/// The file comes back whole (200) and ranged (206) with the package's bytes, which are the
/// bytes of its content-addressed object in the bucket.
async fn check_served_from_bucket(api: &Api, moto: &Moto, file: &LaunchedFile) {
    let packaged = zip_entry(&file.path);
    let whole = api.http.get(&file.url).send().await.unwrap();
    assert_eq!(whole.status(), 200, "{}", file.url);
    assert_eq!(whole.bytes().await.unwrap().to_vec(), packaged);
    let sha256 = format!("{:x}", sha2::Sha256::digest(&packaged));
    let key = format!("{PREFIX}/assets/sha256/{}/{}", &sha256[..2], &sha256[2..]);
    assert_eq!(moto.object(BUCKET, &key).await, packaged, "{key}");

    let ranged = api.http.get(&file.url).header("range", "bytes=5-14");
    let ranged = ranged.send().await.unwrap();
    assert_eq!(ranged.status(), 206);
    let expected_range = format!("bytes 5-14/{}", packaged.len());
    assert_eq!(ranged.headers()["content-range"], expected_range.as_str());
    assert_eq!(ranged.bytes().await.unwrap().to_vec(), packaged[5..15]);
}

/// The bytes of `path` in the golf package.
fn zip_entry(path: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(GOLF).unwrap()).unwrap();
    let mut entry = zip.by_name(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    bytes
}

fn attribute(html: &str, name: &str) -> String {
    let start = html
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in {html}"));
    let rest = &html[start + name.len() + 2..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Polls `done` every 200 ms for up to 60 s.
async fn wait_for<F, Fut>(what: &str, done: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "waited 60 s for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
