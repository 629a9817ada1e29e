//! The container layer: a zip (path or `Read + Seek`), an unpacked folder, or one bare file,
//! seen as a list of safe, normalized entries that can be read one at a time.
//!
//! Nothing is extracted to disk and nothing is held in memory beyond the entry list and the
//! descriptor being parsed: [`Container::stream_to`] hands each file to a [`BlobSink`].

mod folder;
mod legacy;
mod names;
pub(crate) mod sink;
mod unicode;
mod zip;

use std::collections::HashMap;
use std::io::{self, Read, Seek};
use std::path::PathBuf;

use crate::codes;
use crate::source::FileIndex;
use crate::{Diagnostic, Limits, PackageError, PackageSource, Warnings};
use sink::{BlobSink, Budget, MeteredReader, StoredFile};

/// Anything a zip can be read from.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Where an entry's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// Index in the zip's central directory.
    Zip(usize),
    /// A file on disk.
    Disk(PathBuf),
    /// The single input file itself.
    Whole,
}

/// One file of the package.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Normalized path relative to the package root.
    pub path: String,
    /// Size as claimed by the zip header or the file system (checked again while streaming).
    pub size: u64,
    /// Compressed size (equal to `size` outside zips).
    pub compressed: u64,
    /// Where its bytes are.
    pub origin: Origin,
}

enum Backend {
    Zip(Box<::zip::ZipArchive<Box<dyn ReadSeek>>>),
    Folder,
    Single(Box<dyn ReadSeek>),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Zip(_) => "Zip",
            Self::Folder => "Folder",
            Self::Single(_) => "Single",
        })
    }
}

/// An opened package: entries plus the means to read them.
#[derive(Debug)]
pub(crate) struct Container {
    backend: Backend,
    entries: Vec<Entry>,
    index: FileIndex,
    by_path: HashMap<String, usize>,
    limits: Limits,
}

impl Container {
    /// Opens a zip. Checks every entry name and flag before anything is decompressed.
    pub fn zip(
        reader: Box<dyn ReadSeek>,
        limits: &Limits,
        warnings: &mut Warnings,
    ) -> Result<Self, PackageError> {
        let (archive, entries) = zip::open(reader, limits, warnings)?;
        Ok(Self::new(Backend::Zip(Box::new(archive)), entries, limits))
    }

    /// Opens an unpacked folder.
    pub fn folder(
        root: &std::path::Path,
        limits: &Limits,
        warnings: &mut Warnings,
    ) -> Result<Self, PackageError> {
        let entries = folder::scan(root, limits, warnings)?;
        Ok(Self::new(Backend::Folder, entries, limits))
    }

    /// One file that is the whole package (a bare `cmi5.xml`, a PDF…), named `name`.
    pub fn single(
        mut reader: Box<dyn ReadSeek>,
        name: &str,
        limits: &Limits,
    ) -> Result<Self, PackageError> {
        let size = reader.seek(io::SeekFrom::End(0))?;
        let entry = Entry {
            path: names::base_name(name),
            size,
            compressed: size,
            origin: Origin::Whole,
        };
        Ok(Self::new(Backend::Single(reader), vec![entry], limits))
    }

    fn new(backend: Backend, entries: Vec<Entry>, limits: &Limits) -> Self {
        let mut container = Self {
            backend,
            entries,
            index: FileIndex::default(),
            by_path: HashMap::new(),
            limits: limits.clone(),
        };
        container.reindex();
        container
    }

    fn reindex(&mut self) {
        self.index = FileIndex::default();
        self.by_path.clear();
        for (i, entry) in self.entries.iter().enumerate() {
            self.index.insert(entry.path.clone(), entry.size);
            self.by_path.insert(entry.path.clone(), i);
        }
    }

    /// Makes `prefix` (a folder, ending in `/`) the package root: strips it from every path and
    /// drops the entries outside it. Returns how many were dropped.
    pub fn reroot(&mut self, prefix: &str) -> usize {
        let before = self.entries.len();
        self.entries
            .retain_mut(|entry| match entry.path.strip_prefix(prefix) {
                Some(rest) if !rest.is_empty() => {
                    entry.path = rest.to_owned();
                    true
                }
                _ => false,
            });
        self.reindex();
        before - self.entries.len()
    }

    /// Opens one entry's decompressed bytes.
    fn open(&mut self, i: usize) -> io::Result<Box<dyn Read + '_>> {
        let entry = &self.entries[i];
        match (&mut self.backend, &entry.origin) {
            (Backend::Zip(archive), Origin::Zip(index)) => {
                let file = archive.by_index(*index).map_err(io::Error::other)?;
                Ok(Box::new(file))
            }
            (_, Origin::Disk(path)) => Ok(Box::new(std::fs::File::open(path)?)),
            (Backend::Single(reader), Origin::Whole) => {
                reader.rewind()?;
                Ok(Box::new(reader))
            }
            _ => Err(io::Error::other("entry does not belong to this container")),
        }
    }

    /// Streams every entry to `sink`, metering each against the limits.
    pub fn stream_to(&mut self, sink: &mut dyn BlobSink) -> Result<Vec<StoredFile>, PackageError> {
        let limits = self.limits.clone();
        let mut budget = Budget::default();
        let mut stored = Vec::with_capacity(self.entries.len());
        for i in 0..self.entries.len() {
            let (path, compressed) = (self.entries[i].path.clone(), self.entries[i].compressed);
            let mut raw = self.open(i)?;
            let mut metered =
                MeteredReader::new(&mut *raw, &limits, &mut budget, &path, compressed);
            let put = sink.put(&path, &mut metered);
            let finished = put.and_then(|()| metered.finish());
            let file = finished.map_err(|e| read_failure(&mut metered, e))?;
            stored.push(StoredFile {
                path,
                size: file.0,
                sha256: file.1,
            });
        }
        Ok(stored)
    }
}

/// A failed read of an entry: a limit crossed, a damaged entry, or the sink's own I/O error.
fn read_failure(metered: &mut MeteredReader<'_>, error: io::Error) -> PackageError {
    if let Some(violation) = metered.violation.take() {
        return PackageError::rejected(violation);
    }
    match metered.inner_error.take() {
        Some(why) => PackageError::rejected(
            Diagnostic::new(
                codes::CORRUPT_ZIP,
                format!("The file could not be decompressed ({why}); the zip is damaged."),
            )
            .in_file(metered.path()),
        ),
        None => error.into(),
    }
}

impl PackageSource for Container {
    fn files(&self) -> &FileIndex {
        &self.index
    }

    fn read_descriptor(&mut self, path: &str) -> Result<Vec<u8>, PackageError> {
        let Some(&i) = self.by_path.get(path) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("no file {path}")).into());
        };
        let mut limits = self.limits.clone();
        limits.max_entry_bytes = limits.max_descriptor_bytes;
        let compressed = self.entries[i].compressed;
        let mut budget = Budget::default();
        let mut raw = self.open(i)?;
        let mut metered = MeteredReader::new(&mut *raw, &limits, &mut budget, path, compressed);
        let mut bytes = Vec::new();
        if let Err(e) = metered.read_to_end(&mut bytes) {
            return Err(match read_failure(&mut metered, e) {
                PackageError::Rejected { errors, .. }
                    if errors[0].code == codes::ENTRY_TOO_LARGE =>
                {
                    PackageError::rejected(too_large(path, &limits))
                }
                other => other,
            });
        }
        Ok(bytes)
    }
}

fn too_large(path: &str, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        codes::DESCRIPTOR_TOO_LARGE,
        format!(
            "The descriptor is larger than the {} bytes allowed.",
            limits.max_descriptor_bytes
        ),
    )
    .in_file(path)
}
