//! An unpacked package folder on disk.

use std::path::{Path, PathBuf};

use super::{Entry, Origin, names};
use crate::codes;
use crate::{Diagnostic, Limits, PackageError, Warnings};

/// What a walk of the folder found so far.
#[derive(Default)]
struct Walk {
    entries: Vec<Entry>,
    junk: usize,
    pending: Vec<(PathBuf, String)>,
}

/// Lists every regular file under `root`, sorted by path. Links are refused, like in zips: a
/// link could point anywhere on the machine.
pub(super) fn scan(
    root: &Path,
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<Vec<Entry>, PackageError> {
    let mut walk = Walk {
        pending: vec![(root.to_path_buf(), String::new())],
        ..Walk::default()
    };
    while let Some((dir, prefix)) = walk.pending.pop() {
        for item in std::fs::read_dir(&dir)? {
            walk.visit(&item?, &prefix)?;
            if walk.entries.len() > limits.max_entries {
                return Err(reject(
                    codes::TOO_MANY_ENTRIES,
                    format!("The folder holds more than {} files.", limits.max_entries),
                ));
            }
        }
    }
    if walk.entries.is_empty() {
        return Err(reject(
            codes::EMPTY_PACKAGE,
            "The folder contains no files.".to_owned(),
        ));
    }
    if walk.junk > 0 {
        warnings.push(Diagnostic::new(
            codes::JUNK_FILES_REMOVED,
            format!(
                "{} system file(s) such as __MACOSX/, .DS_Store or Thumbs.db were left out.",
                walk.junk
            ),
        ));
    }
    walk.entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(walk.entries)
}

impl Walk {
    /// One directory entry: a file to keep, a folder to walk, junk to skip, or a link to refuse.
    fn visit(&mut self, item: &std::fs::DirEntry, prefix: &str) -> Result<(), PackageError> {
        let path = format!("{prefix}{}", item.file_name().to_string_lossy());
        let kind = item.file_type()?;
        if kind.is_symlink() {
            let message = "The folder contains a symbolic link, which could expose files outside the package.";
            return Err(PackageError::rejected(
                Diagnostic::new(codes::SYMLINK_ENTRY, message).in_file(path),
            ));
        }
        if names::is_junk(&path) {
            self.junk += 1;
        } else if kind.is_dir() {
            self.pending.push((item.path(), format!("{path}/")));
        } else {
            let size = item.metadata()?.len();
            let origin = Origin::Disk(item.path());
            self.entries.push(Entry {
                path,
                size,
                compressed: size,
                origin,
            });
        }
        Ok(())
    }
}

fn reject(code: &'static str, message: String) -> PackageError {
    PackageError::rejected(Diagnostic::new(code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_its_files_without_junk_and_refuses_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a/__MACOSX")).expect("dirs");
        std::fs::write(dir.path().join("a/index.html"), "x").expect("file");
        std::fs::write(dir.path().join("a/__MACOSX/._index.html"), "x").expect("junk");
        std::fs::write(dir.path().join(".DS_Store"), "x").expect("junk");
        let mut warnings = Warnings::default();
        let entries = scan(dir.path(), &Limits::default(), &mut warnings).expect("scanned");
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a/index.html"]);
        assert_eq!(warnings.as_slice()[0].code, codes::JUNK_FILES_REMOVED);
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("a/passwd")).expect("link");
        let Err(PackageError::Rejected { errors, .. }) =
            scan(dir.path(), &Limits::default(), &mut warnings)
        else {
            panic!("a link must be refused");
        };
        assert_eq!(errors[0].code, codes::SYMLINK_ENTRY);
    }
}
