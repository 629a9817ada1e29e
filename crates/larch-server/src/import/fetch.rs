//! Brings a job's package to a local file for the parser: an upload from blob storage (in
//! ranges, so memory stays bounded), or a URL (streamed, within the upload size limit, through
//! the SSRF guard at every redirect hop).

use super::guard::{Blocked, Route, UrlPolicy};
use larch_store::ImportSource;
use object_store::ObjectStore;
use object_store::path::Path as BlobPath;
use std::path::Path;
use std::sync::Arc;
use tokio::io::AsyncWriteExt as _;

/// Bytes read from blob storage per request.
const RANGE_BYTES: u64 = 8 * 1024 * 1024;
/// Redirects followed before a URL import gives up.
const MAX_REDIRECTS: usize = 5;

/// Why the package could not be fetched (the job fails with this code and message).
#[derive(Debug)]
pub(crate) struct FetchError {
    /// `download_failed`, `url_not_allowed`, `package_too_large` or `upload_missing`.
    pub(crate) code: &'static str,
    /// For the integrator.
    pub(crate) message: String,
}

impl FetchError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Writes the package of `source` to `dest`.
pub(crate) async fn to_file(
    blobs: &Arc<dyn ObjectStore>,
    source: &ImportSource,
    dest: &Path,
    max_bytes: u64,
    policy: &UrlPolicy,
) -> Result<(), FetchError> {
    match source {
        ImportSource::Upload { blob } => from_blob(blobs, &BlobPath::from(blob.as_str()), dest)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "reading an uploaded package failed");
                FetchError::new("upload_missing", "the uploaded package could not be read")
            }),
        ImportSource::Url(url) => from_url(url, dest, max_bytes, policy).await,
    }
}

async fn from_blob(
    blobs: &Arc<dyn ObjectStore>,
    key: &BlobPath,
    dest: &Path,
) -> anyhow::Result<()> {
    let size = blobs.head(key).await?.size;
    let mut out = tokio::fs::File::create(dest).await?;
    let mut start = 0u64;
    while start < size {
        let end = (start + RANGE_BYTES).min(size);
        let bytes = blobs.get_range(key, start..end).await?;
        out.write_all(&bytes).await?;
        start = end;
    }
    out.flush().await?;
    Ok(())
}

async fn from_url(
    url: &str,
    dest: &Path,
    max_bytes: u64,
    policy: &UrlPolicy,
) -> Result<(), FetchError> {
    let failed = |e: &dyn std::fmt::Display| {
        FetchError::new("download_failed", format!("downloading {url} failed: {e}"))
    };
    let mut current = url::Url::parse(url).map_err(|e| failed(&e))?;
    let mut response = None;
    for _ in 0..=MAX_REDIRECTS {
        let client = client_for(policy, &current).await?;
        let answer = client
            .get(current.clone())
            .send()
            .await
            .map_err(|e| failed(&e))?;
        if !answer.status().is_redirection() {
            response = Some(answer);
            break;
        }
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .ok_or_else(|| failed(&format!("HTTP {} without a Location", answer.status())))?;
        current = current.join(location).map_err(|e| failed(&e))?;
    }
    let Some(mut response) = response else {
        return Err(failed(&format!("more than {MAX_REDIRECTS} redirects")));
    };
    if !response.status().is_success() {
        return Err(failed(&format!("HTTP status {}", response.status())));
    }
    let mut out = tokio::fs::File::create(dest)
        .await
        .map_err(|e| failed(&e))?;
    let mut total = 0u64;
    while let Some(chunk) = response.chunk().await.map_err(|e| failed(&e))? {
        total += chunk.len() as u64;
        if total > max_bytes {
            return Err(FetchError::new(
                "package_too_large",
                format!("the package is larger than the {max_bytes} bytes allowed"),
            ));
        }
        out.write_all(&chunk).await.map_err(|e| failed(&e))?;
    }
    out.flush().await.map_err(|e| failed(&e))?;
    Ok(())
}

/// A client for one hop to `url`, after the guard's check: it follows no redirect itself, and
/// connects only to the addresses checked (no proxy in between when the guard is on).
async fn client_for(policy: &UrlPolicy, url: &url::Url) -> Result<reqwest::Client, FetchError> {
    let route = policy.check(url).await.map_err(|blocked| match blocked {
        Blocked::Refused(why) => FetchError::new("url_not_allowed", format!("{url}: {why}")),
        Blocked::Unresolved(e) => {
            FetchError::new("download_failed", format!("downloading {url} failed: {e}"))
        }
    })?;
    let mut builder = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none());
    if !policy.allow_private {
        builder = builder.no_proxy();
    }
    if let Route::Pinned { host, addrs } = &route {
        builder = builder.resolve_to_addrs(host, addrs);
    }
    builder
        .build()
        .map_err(|e| FetchError::new("download_failed", format!("downloading {url} failed: {e}")))
}
