//! An unpacked package folder on disk.

use std::path::Path;

use super::{Entry, Origin, names};
use crate::codes;
use crate::{Diagnostic, Limits, PackageError, Warnings};

/// Lists every regular file under `root`, sorted by path. Links are refused, like in zips: a
/// link could point anywhere on the machine.
pub(super) fn scan(
    root: &Path,
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<Vec<Entry>, PackageError> {
    let mut entries = Vec::new();
    let mut junk = 0usize;
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        for item in std::fs::read_dir(&dir)? {
            let item = item?;
            let path = format!("{prefix}{}", item.file_name().to_string_lossy());
            let kind = item.file_type()?;
            if kind.is_symlink() {
                return Err(PackageError::rejected(
                    Diagnostic::new(codes::SYMLINK_ENTRY, "The folder contains a symbolic link, which could expose files outside the package.")
                        .in_file(path),
                ));
            }
            if names::is_junk(&path) {
                junk += 1;
            } else if kind.is_dir() {
                pending.push((item.path(), format!("{path}/")));
            } else {
                let size = item.metadata()?.len();
                entries.push(Entry {
                    path,
                    size,
                    compressed: size,
                    origin: Origin::Disk(item.path()),
                });
            }
            if entries.len() > limits.max_entries {
                return Err(PackageError::rejected(Diagnostic::new(
                    codes::TOO_MANY_ENTRIES,
                    format!("The folder holds more than {} files.", limits.max_entries),
                )));
            }
        }
    }
    if entries.is_empty() {
        return Err(PackageError::rejected(Diagnostic::new(
            codes::EMPTY_PACKAGE,
            "The folder contains no files.",
        )));
    }
    if junk > 0 {
        warnings.push(Diagnostic::new(
            codes::JUNK_FILES_REMOVED,
            format!(
                "{junk} system file(s) such as __MACOSX/, .DS_Store or Thumbs.db were left out."
            ),
        ));
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}
