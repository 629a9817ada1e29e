//! A view of a package source whose root is one of its folders.

use crate::source::FileIndex;
use crate::{PackageError, PackageSource};

/// Shows only the files under `prefix` (a folder path ending in `/`), with the prefix removed.
pub(crate) struct Rerooted<'a> {
    inner: &'a mut dyn PackageSource,
    prefix: String,
    index: FileIndex,
}

impl std::fmt::Debug for Rerooted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rerooted")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl<'a> Rerooted<'a> {
    /// A view of `inner` rooted at `prefix`.
    pub fn new(inner: &'a mut dyn PackageSource, prefix: &str) -> Self {
        let mut index = FileIndex::default();
        for path in inner.files().paths() {
            if let Some(rest) = path.strip_prefix(prefix).filter(|r| !r.is_empty()) {
                index.insert(rest, inner.files().size(path).unwrap_or(0));
            }
        }
        Self {
            inner,
            prefix: prefix.to_owned(),
            index,
        }
    }
}

impl PackageSource for Rerooted<'_> {
    fn files(&self) -> &FileIndex {
        &self.index
    }

    fn read_descriptor(&mut self, path: &str) -> Result<Vec<u8>, PackageError> {
        self.inner
            .read_descriptor(&format!("{}{path}", self.prefix))
    }
}
