//! What parsers see of a package: the list of its files and bounded reads of descriptors.
//!
//! The container layer (zip, folder, single file) implements [`PackageSource`]; parsers only
//! use this trait, so they are tested with [`MemorySource`] and never touch the file system.

use std::collections::{BTreeMap, HashMap};

use crate::PackageError;

/// Read access to a package during parsing.
pub trait PackageSource {
    /// The package's files (junk such as `__MACOSX/` already removed).
    fn files(&self) -> &FileIndex;

    /// Reads a descriptor file (manifest, `cmi5.xml`, AICC files…) whole. Implementations
    /// refuse files above their descriptor size limit with a rejection.
    fn read_descriptor(&mut self, path: &str) -> Result<Vec<u8>, PackageError>;
}

/// The set of file paths in a package: `/`-separated, relative to the package root, no `.` or
/// `..` segments, no leading `/`.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// Path → size in bytes.
    sizes: BTreeMap<String, u64>,
    /// Lower-cased path → the stored path, for case-insensitive lookups (first one wins).
    by_lowercase: HashMap<String, String>,
}

/// How an href was matched to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The file exists under exactly this path.
    Exact(String),
    /// Found only after percent-decoding and/or ignoring case; the caller should warn.
    Fixed {
        /// The stored path that matched.
        path: String,
        /// What had to be forgiven.
        fix: HrefFix,
    },
    /// No such file in the package.
    Missing,
}

/// What was forgiven to match an href.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HrefFix {
    /// `%20` and friends had to be decoded.
    PercentDecoded,
    /// Letter case differed (content built on a case-insensitive file system).
    CaseDiffers,
}

impl FileIndex {
    /// Adds a file.
    pub fn insert(&mut self, path: impl Into<String>, size: u64) {
        let path = path.into();
        self.by_lowercase
            .entry(path.to_lowercase())
            .or_insert_with(|| path.clone());
        self.sizes.insert(path, size);
    }

    /// Whether `path` is a file of the package, exactly.
    pub fn contains(&self, path: &str) -> bool {
        self.sizes.contains_key(path)
    }

    /// Size of a file, if present.
    pub fn size(&self, path: &str) -> Option<u64> {
        self.sizes.get(path).copied()
    }

    /// All paths, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.sizes.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// True when the package holds no file.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Finds the file an href (already joined to the package root, query and fragment
    /// removed) points to: exactly, then percent-decoded, then ignoring case.
    pub fn resolve(&self, href: &str) -> Resolved {
        if self.contains(href) {
            return Resolved::Exact(href.to_owned());
        }
        let decoded = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
        if decoded != href && self.contains(&decoded) {
            let path = decoded.into_owned();
            return Resolved::Fixed {
                path,
                fix: HrefFix::PercentDecoded,
            };
        }
        match self.by_lowercase.get(&decoded.to_lowercase()) {
            Some(path) => Resolved::Fixed {
                path: path.clone(),
                fix: HrefFix::CaseDiffers,
            },
            None => Resolved::Missing,
        }
    }
}

/// An in-memory package, for tests and for single small descriptor files.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    index: FileIndex,
    contents: HashMap<String, Vec<u8>>,
}

impl MemorySource {
    /// A package of `(path, content)` pairs.
    pub fn new<P: Into<String>, C: Into<Vec<u8>>>(files: impl IntoIterator<Item = (P, C)>) -> Self {
        let mut source = Self::default();
        for (path, content) in files {
            let (path, content) = (path.into(), content.into());
            source.index.insert(path.clone(), content.len() as u64);
            source.contents.insert(path, content);
        }
        source
    }
}

impl PackageSource for MemorySource {
    fn files(&self) -> &FileIndex {
        &self.index
    }

    fn read_descriptor(&mut self, path: &str) -> Result<Vec<u8>, PackageError> {
        self.contents.get(path).cloned().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("no file {path}")).into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_exact_decoded_and_case_insensitive_hrefs() {
        let source = MemorySource::new([("Content/My Page.html", ""), ("index.html", "")]);
        let files = source.files();
        assert_eq!(
            files.resolve("index.html"),
            Resolved::Exact("index.html".into())
        );
        let decoded = files.resolve("Content/My%20Page.html");
        assert!(matches!(
            decoded,
            Resolved::Fixed {
                fix: HrefFix::PercentDecoded,
                ..
            }
        ));
        let cased = files.resolve("content/my%20page.HTML");
        assert!(matches!(
            cased,
            Resolved::Fixed {
                fix: HrefFix::CaseDiffers,
                ..
            }
        ));
        assert_eq!(files.resolve("missing.html"), Resolved::Missing);
    }
}
