//! Where extracted files go: the [`BlobSink`] trait, and the metered reader that hashes each
//! file and enforces the decompression limits while the sink reads it.

use std::io::{self, Read};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::codes;
use crate::{Diagnostic, Limits};

/// Receives the package's files one at a time while a package is ingested.
///
/// The reader hands out the file's decompressed bytes; the sink may stop early (the rest is
/// drained and hashed anyway). Peak memory is the sink's business: Larch itself buffers at
/// most one copy buffer per file.
pub trait BlobSink {
    /// Stores one file under `path` (`/`-separated, relative to the package root).
    fn put(&mut self, path: &str, reader: &mut dyn Read) -> io::Result<()>;
}

/// A sink that reads and forgets everything: for inspection, which still needs the limits
/// enforced and the hashes computed.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl BlobSink for NullSink {
    fn put(&mut self, _path: &str, reader: &mut dyn Read) -> io::Result<()> {
        io::copy(reader, &mut io::sink()).map(drop)
    }
}

/// One file as stored through the sink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// Path inside the package (after re-rooting), `/`-separated.
    pub path: String,
    /// Decompressed size in bytes, as counted while streaming.
    pub size: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

/// Running totals over a whole package, shared by every entry's [`MeteredReader`].
#[derive(Debug, Default)]
pub(crate) struct Budget {
    /// Decompressed bytes produced so far by all entries.
    pub total: u64,
}

/// Wraps one entry's decompressing reader: counts, hashes and stops at the first limit crossed.
pub(crate) struct MeteredReader<'a> {
    inner: &'a mut dyn Read,
    limits: &'a Limits,
    budget: &'a mut Budget,
    path: &'a str,
    compressed: u64,
    produced: u64,
    hasher: Sha256,
    /// Set when a limit was crossed; the read then fails and the caller rejects the package.
    pub violation: Option<Diagnostic>,
    /// Set when the underlying reader failed (a damaged zip entry, a bad CRC).
    pub inner_error: Option<String>,
}

impl std::fmt::Debug for MeteredReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredReader")
            .field("path", &self.path)
            .field("produced", &self.produced)
            .finish_non_exhaustive()
    }
}

impl<'a> MeteredReader<'a> {
    /// `compressed` is the entry's compressed size: the decompressor never reads past it, so
    /// produced ÷ compressed is a true ratio even when the header lies about the other size.
    pub fn new(
        inner: &'a mut dyn Read,
        limits: &'a Limits,
        budget: &'a mut Budget,
        path: &'a str,
        compressed: u64,
    ) -> Self {
        Self {
            inner,
            limits,
            budget,
            path,
            compressed,
            produced: 0,
            hasher: Sha256::new(),
            violation: None,
            inner_error: None,
        }
    }

    /// Reads what the sink left, then returns the file's size and hash.
    pub fn finish(&mut self) -> io::Result<(u64, String)> {
        io::copy(self, &mut io::sink())?;
        let hasher = std::mem::take(&mut self.hasher);
        Ok((self.produced, hex::encode(hasher.finalize())))
    }

    /// The entry's path.
    pub fn path(&self) -> &str {
        self.path
    }

    fn check(&self) -> Option<Diagnostic> {
        let limits = self.limits;
        if self.produced > limits.max_entry_bytes {
            return Some(Diagnostic::new(
                codes::ENTRY_TOO_LARGE,
                format!(
                    "The file decompresses to more than the {} bytes allowed for one file.",
                    limits.max_entry_bytes
                ),
            ));
        }
        if self.budget.total > limits.max_total_bytes {
            return Some(Diagnostic::new(
                codes::PACKAGE_TOO_LARGE,
                format!(
                    "The package decompresses to more than the {} bytes allowed in total.",
                    limits.max_total_bytes
                ),
            ));
        }
        let ratio_limit = self.compressed.max(1).saturating_mul(limits.max_ratio);
        if self.produced > limits.ratio_grace_bytes && self.produced > ratio_limit {
            return Some(Diagnostic::new(
                codes::COMPRESSION_RATIO_EXCEEDED,
                format!(
                    "The file expands more than {} times when decompressed, like a zip bomb.",
                    limits.max_ratio
                ),
            ));
        }
        None
    }
}

impl Read for MeteredReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.violation.is_some() {
            return Err(limit_error());
        }
        let n = self
            .inner
            .read(buf)
            .inspect_err(|e| self.inner_error = Some(e.to_string()))?;
        self.produced += n as u64;
        self.budget.total += n as u64;
        if let Some(violation) = self.check() {
            self.violation = Some(violation.in_file(self.path));
            return Err(limit_error());
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn limit_error() -> io::Error {
    io::Error::other("package size limit exceeded")
}
