//! `larch courses import <zip|url> [--id ID] [--wait]`: streams the file to `POST /v1/courses`
//! with an upload progress bar (or sends the URL), then, with `--wait`, follows the import job
//! with a second bar until it ends.

use super::{Connection, report_error};
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, ReadBuf};

/// Exit status when the package was rejected (as `larch inspect`).
const REJECTED: u8 = 2;

/// Runs the import.
pub(super) fn run(
    connection: &Connection,
    source: &str,
    id: Option<&str>,
    wait: bool,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let is_url = source.starts_with("http://") || source.starts_with("https://");
        let req = if is_url {
            let body = json!({"url": source, "id": id});
            post(connection, &client).json(&strip_null_id(body))
        } else {
            post(connection, &client).multipart(form(source, id).await?)
        };
        let (ok, job) = send(req).await?;
        if !ok {
            return Ok(report_error(&job));
        }
        if !wait {
            println!("{}", serde_json::to_string_pretty(&job)?);
            return Ok(ExitCode::SUCCESS);
        }
        follow(connection, &client, job).await
    })
}

fn post(connection: &Connection, client: &reqwest::Client) -> reqwest::RequestBuilder {
    let url = format!("{}/v1/courses", connection.url.trim_end_matches('/'));
    client
        .post(url)
        .bearer_auth(&connection.api_key)
        .header("Idempotency-Key", larch_store::ids::random_base62(24))
}

fn strip_null_id(mut body: Value) -> Value {
    if body["id"].is_null() {
        body.as_object_mut().map(|m| m.remove("id"));
    }
    body
}

async fn send(req: reqwest::RequestBuilder) -> anyhow::Result<(bool, Value)> {
    let res = req.send().await.context("cannot reach the server")?;
    let ok = res.status().is_success();
    let body = res
        .json()
        .await
        .context("the server's answer is not JSON")?;
    Ok((ok, body))
}

/// The multipart form, with the file streamed from disk behind a progress bar.
async fn form(path: &str, id: Option<&str>) -> anyhow::Result<reqwest::multipart::Form> {
    let file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("cannot open {path}"))?;
    let len = file.metadata().await?.len();
    let bar = ProgressBar::new(len).with_style(
        ProgressStyle::with_template("uploading {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
            .context("progress template")?,
    );
    let reader = Counted { inner: file, bar };
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(reader));
    let name = std::path::Path::new(path).file_name().map_or_else(
        || "package.zip".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let part = reqwest::multipart::Part::stream_with_length(body, len).file_name(name);
    let form = reqwest::multipart::Form::new().part("file", part);
    Ok(match id {
        Some(id) => form.text("id", id.to_owned()),
        None => form,
    })
}

/// Polls the job until it ends, with a progress bar; prints the final job.
async fn follow(
    connection: &Connection,
    client: &reqwest::Client,
    job: Value,
) -> anyhow::Result<ExitCode> {
    let id = job["id"]
        .as_str()
        .context("import job without id")?
        .to_owned();
    let url = format!(
        "{}/v1/import_jobs/{id}",
        connection.url.trim_end_matches('/')
    );
    let bar = ProgressBar::new(100).with_style(
        ProgressStyle::with_template("importing {bar:30} {pos}% {msg}")
            .context("progress template")?,
    );
    loop {
        let (ok, now) = send(client.get(&url).bearer_auth(&connection.api_key)).await?;
        if !ok {
            bar.abandon();
            return Ok(report_error(&now));
        }
        bar.set_position(now["progress"].as_u64().unwrap_or(0));
        bar.set_message(now["status"].as_str().unwrap_or("").to_owned());
        match now["status"].as_str() {
            Some("succeeded") => {
                bar.finish();
                println!("{}", serde_json::to_string_pretty(&now)?);
                return Ok(ExitCode::SUCCESS);
            }
            Some("failed") => {
                bar.abandon();
                println!("{}", serde_json::to_string_pretty(&now)?);
                return Ok(ExitCode::from(REJECTED));
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// A reader that advances a progress bar by what it reads.
struct Counted<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counted<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read == 0 && matches!(poll, Poll::Ready(Ok(()))) {
            self.bar.finish();
        }
        self.bar.inc(read as u64);
        poll
    }
}
