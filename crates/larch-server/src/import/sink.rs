//! The import's [`BlobSink`]: every package file goes to content-addressed blob storage
//! (`assets/sha256/<2>/<62>`), written only when no blob with that hash exists yet, so identical
//! files across versions and courses are stored once.

use larch_package::BlobSink;
use larch_store::CourseAsset;
use object_store::path::Path as BlobPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest as _, Sha256};
use std::io::{self, Read, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::runtime::Handle;

/// Files up to this size are uploaded in one request; larger ones in parts of this size.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// The blob key of content with this SHA-256.
pub(crate) fn asset_key(sha256: &str) -> BlobPath {
    let (head, tail) = sha256.split_at(2.min(sha256.len()));
    BlobPath::from(format!("assets/sha256/{head}/{tail}"))
}

/// Streams files to blob storage from the blocking thread the parser runs on.
pub(crate) struct AssetSink {
    blobs: Arc<dyn ObjectStore>,
    runtime: Handle,
    scratch: std::path::PathBuf,
    /// Bytes read so far, for progress.
    pub(crate) streamed: Arc<AtomicU64>,
    /// Every file, in package order.
    pub(crate) assets: Vec<CourseAsset>,
    /// Hashes of the blobs this import created (not those it found already stored).
    pub(crate) created: Vec<String>,
}

impl std::fmt::Debug for AssetSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetSink")
            .field("assets", &self.assets.len())
            .finish_non_exhaustive()
    }
}

impl AssetSink {
    /// A sink writing to `blobs`, spooling each file in `scratch` while it is hashed.
    pub(crate) fn new(
        blobs: Arc<dyn ObjectStore>,
        runtime: Handle,
        scratch: std::path::PathBuf,
        streamed: Arc<AtomicU64>,
    ) -> Self {
        Self {
            blobs,
            runtime,
            scratch,
            streamed,
            assets: Vec::new(),
            created: Vec::new(),
        }
    }

    /// Copies `reader` to a scratch file, hashing it; returns the file, its size and hash.
    fn spool(&self, reader: &mut dyn Read) -> io::Result<(std::fs::File, u64, String)> {
        let mut file = tempfile::tempfile_in(&self.scratch)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])?;
            size += n as u64;
            self.streamed.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok((file, size, hex::encode(hasher.finalize())))
    }

    /// Whether a blob with this key exists.
    fn exists(&self, key: &BlobPath) -> io::Result<bool> {
        match self.runtime.block_on(self.blobs.head(key)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

impl BlobSink for AssetSink {
    fn put(&mut self, path: &str, reader: &mut dyn Read) -> io::Result<()> {
        let (file, size, sha256) = self.spool(reader)?;
        let key = asset_key(&sha256);
        if !self.exists(&key)? {
            upload(&self.blobs, &self.runtime, &key, file, size)?;
            self.created.push(sha256.clone());
        }
        self.assets.push(CourseAsset {
            path: path.to_owned(),
            sha256,
            size: i64::try_from(size).unwrap_or(i64::MAX),
            content_type: content_type(path).to_owned(),
        });
        Ok(())
    }
}

/// Uploads a spooled file: in one request when small, else in parts (bounded memory).
fn upload(
    blobs: &Arc<dyn ObjectStore>,
    runtime: &Handle,
    key: &BlobPath,
    mut file: std::fs::File,
    size: u64,
) -> io::Result<()> {
    use std::io::Seek as _;
    file.rewind()?;
    if size <= PART_BYTES as u64 {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        runtime
            .block_on(blobs.put(key, PutPayload::from(bytes)))
            .map_err(io::Error::other)?;
        return Ok(());
    }
    runtime.block_on(async {
        let upload = blobs.put_multipart(key).await.map_err(io::Error::other)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut buf = vec![0u8; PART_BYTES];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            writer
                .wait_for_capacity(2)
                .await
                .map_err(io::Error::other)?;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(io::Error::other)?;
        Ok(())
    })
}

/// The MIME type the content origin will serve a file with, from its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html",
        Some("js" | "mjs") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("xml" | "xsd") => "application/xml",
        Some("txt") => "text/plain",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("pdf") => "application/pdf",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("swf") => "application/x-shockwave-flash",
        _ => "application/octet-stream",
    }
}
