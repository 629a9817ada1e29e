//! Blob storage: course assets and uploads, through `object_store`.

use crate::StoreError;
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use std::path::Path;
use std::sync::Arc;

/// Where blobs live: a local folder by default, or S3-compatible storage for several nodes.
#[derive(Debug, Clone)]
pub struct Blobs {
    inner: Arc<dyn ObjectStore>,
}

impl Blobs {
    /// A local folder, created when missing.
    pub fn local(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self {
            inner: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
        })
    }

    /// Opens `url`: `s3://bucket/prefix` (credentials and endpoint from the usual `AWS_*`
    /// variables, e.g. `AWS_ENDPOINT` for MinIO) or `file:///absolute/path`.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let parsed =
            url::Url::parse(url).map_err(|e| StoreError::Config(format!("LARCH_BLOB_URL: {e}")))?;
        match parsed.scheme() {
            "file" => {
                let path = parsed.to_file_path().map_err(|()| {
                    StoreError::Config("LARCH_BLOB_URL: not an absolute file path".into())
                })?;
                Self::local(&path)
            }
            "s3" => {
                let env: Vec<(String, String)> = std::env::vars()
                    .filter(|(k, _)| k.starts_with("AWS_"))
                    // `object_store` knows its keys in lower case (`aws_access_key_id`) and
                    // silently ignores any other spelling.
                    .map(|(k, v)| (k.to_ascii_lowercase(), v))
                    .collect();
                let (store, prefix) = object_store::parse_url_opts(&parsed, env)?;
                let inner: Arc<dyn ObjectStore> =
                    Arc::new(object_store::prefix::PrefixStore::new(store, prefix));
                Ok(Self { inner })
            }
            other => Err(StoreError::Config(format!(
                "LARCH_BLOB_URL: unsupported scheme {other:?} (use s3:// or file://)"
            ))),
        }
    }

    /// The underlying object store, for streaming reads and writes.
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.inner
    }

    /// Checks that the storage answers (a listing of nothing).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let probe = object_store::path::Path::from("_larch_ping");
        match self.inner.head(&probe).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
