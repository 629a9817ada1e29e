//! A local S3 server for the blob tests: `moto_server` (`pip install 'moto[server]'`) on a free
//! port of 127.0.0.1, started by the test and killed when dropped. There is no fallback: a
//! machine without moto fails the test with a message saying how to install it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long moto may take to answer after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `moto_server` and a plain HTTP client for its S3 API (moto does not check request
/// signatures, so listing and reading need no AWS SDK).
pub struct Moto {
    child: Child,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
    /// `http://127.0.0.1:<port>`, the endpoint an operator gives Larch as `AWS_ENDPOINT`.
    pub endpoint: String,
    http: reqwest::Client,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let log = dir.path().join("moto.log");
        let port = free_port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // moto logs every request; a file never fills up the way an undrained pipe would.
            .stderr(std::fs::File::create(&log).expect("moto log file"))
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start moto_server ({e}): the S3 blob tests need it on PATH; \
                     install it with `pip install 'moto[server]'` (.ci/run does)"
                )
            });
        // moto treats a request without credentials as anonymous (refused by the bucket's
        // default ACL) but does not check signatures: any AWS v4 header of the key will do.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=larch-test/20260101/us-east-1/s3/aws4_request, \
                 SignedHeaders=host, Signature=0000",
            ),
        );
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .default_headers(headers)
            .build()
            .expect("client");
        let mut moto = Self {
            child,
            log,
            _dir: dir,
            endpoint: format!("http://127.0.0.1:{port}"),
            http,
        };
        moto.wait_until_answering().await;
        moto
    }

    async fn wait_until_answering(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("moto_server status") {
                panic!("moto_server exited with {status}:\n{}", self.log_text());
            }
            if self.http.get(&self.endpoint).send().await.is_ok() {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "moto_server did not answer on {} within {START_TIMEOUT:?}:\n{}",
                self.endpoint,
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Creates `bucket` (S3 CreateBucket, a plain PUT; us-east-1 needs no location body).
    pub async fn create_bucket(&self, bucket: &str) {
        let res = self
            .http
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .expect("CreateBucket");
        assert_eq!(res.status(), 200, "CreateBucket {bucket}");
    }

    /// The keys in `bucket` that start with `prefix` (S3 ListObjectsV2, one page of up to 1,000).
    pub async fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let res = self
            .http
            .get(format!("{}/{bucket}", self.endpoint))
            .query(&[("list-type", "2"), ("prefix", prefix), ("max-keys", "1000")])
            .send()
            .await
            .expect("ListObjectsV2");
        assert_eq!(res.status(), 200, "ListObjectsV2 {bucket}");
        let xml = res.text().await.expect("listing");
        assert!(
            !xml.contains("<IsTruncated>true</IsTruncated>"),
            "more than one page of keys: {xml}"
        );
        xml.split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect()
    }

    /// The bytes of object `key` in `bucket` (S3 GetObject).
    pub async fn object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let res = self
            .http
            .get(format!("{}/{bucket}/{key}", self.endpoint))
            .send()
            .await
            .expect("GetObject");
        assert_eq!(res.status(), 200, "GetObject {bucket}/{key}");
        res.bytes().await.expect("object").to_vec()
    }
}

/// A port nobody listens on right now (the OS picks it; moto binds it a moment later).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}
