//! Entry names: turning what a zip (or a folder) says into safe package paths.
//!
//! APPNOTE 4.4.17: names are relative, `/`-separated, with no drive or device letter. Anything
//! that could escape the extraction root is refused; harmless sloppiness (`./`, `//`,
//! backslashes from Windows tools) is normalized.

use crate::Diagnostic;
use crate::codes;

/// A checked entry name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryName {
    /// Normalized path: no leading `/`, no empty, `.` or `..` segments.
    pub path: String,
    /// The name ended with `/`: a folder entry, which carries no content.
    pub is_dir: bool,
    /// Backslashes had to be read as separators.
    pub had_backslashes: bool,
}

/// Checks and normalizes one entry name.
pub(crate) fn normalize(raw: &str) -> Result<EntryName, Diagnostic> {
    let reject = |code: &'static str, why: &str| {
        Err(
            Diagnostic::new(code, format!("The entry \"{}\" {why}.", raw.escape_debug()))
                .in_file(raw),
        )
    };
    if raw.is_empty() || raw.chars().any(char::is_control) {
        return reject(
            codes::INVALID_ENTRY_NAME,
            "has an empty name or control characters in it",
        );
    }
    let had_backslashes = raw.contains('\\');
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') {
        return reject(
            codes::PATH_TRAVERSAL,
            "has an absolute path, which could overwrite files outside the package",
        );
    }
    if has_drive_prefix(&unified) {
        return reject(
            codes::PATH_TRAVERSAL,
            "names a drive, which could overwrite files outside the package",
        );
    }
    let mut segments = Vec::new();
    for segment in unified.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                return reject(
                    codes::PATH_TRAVERSAL,
                    "climbs out of the package with \"..\"",
                );
            }
            other => segments.push(other),
        }
    }
    if segments.is_empty() {
        return reject(codes::INVALID_ENTRY_NAME, "has no usable name");
    }
    Ok(EntryName {
        path: segments.join("/"),
        is_dir: unified.ends_with('/'),
        had_backslashes,
    })
}

/// `C:`, `c:/…`: a Windows drive (the zip spec forbids them; some tools write them anyway).
fn has_drive_prefix(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// The file name of an upload, as the package's one file: the last segment of whatever path
/// the client sent (`C:\\Users\\me\\course.pdf`, `../../x.pdf`), without control characters;
/// `upload` when nothing usable is left.
pub(crate) fn base_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "upload".to_owned()
    } else {
        clean.to_owned()
    }
}

/// Operating-system litter that is never course content: macOS resource forks and Finder
/// state, Windows thumbnail caches and folder settings.
pub(crate) fn is_junk(path: &str) -> bool {
    path.split('/').any(|segment| segment == "__MACOSX")
        || path.rsplit('/').next().is_some_and(|file| {
            file.starts_with("._")
                || file == ".DS_Store"
                || file.eq_ignore_ascii_case("Thumbs.db")
                || file.eq_ignore_ascii_case("desktop.ini")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_absolute_and_drive_names_are_refused() {
        for bad in [
            "../evil",
            "a/../../evil",
            "/etc/passwd",
            "C:/x",
            "c:\\x",
            "..\\x",
            "a/..",
        ] {
            let err = normalize(bad).expect_err(bad);
            assert_eq!(err.code, codes::PATH_TRAVERSAL, "{bad}");
        }
        assert_eq!(
            normalize("a\0b").unwrap_err().code,
            codes::INVALID_ENTRY_NAME
        );
    }

    #[test]
    fn harmless_sloppiness_is_normalized() {
        let name = normalize("./a//b\\c.html").unwrap();
        assert_eq!(name.path, "a/b/c.html");
        assert!(name.had_backslashes && !name.is_dir);
        assert!(normalize("folder/").unwrap().is_dir);
    }

    #[test]
    fn upload_names_keep_only_their_last_segment() {
        assert_eq!(base_name("../../etc/evil.pdf"), "evil.pdf");
        assert_eq!(base_name("C:\\Users\\me\\cmi5.xml"), "cmi5.xml");
        assert_eq!(base_name("dir/.."), "upload");
        assert_eq!(base_name(""), "upload");
    }

    #[test]
    fn junk_is_recognised() {
        for junk in [
            "__MACOSX/._a",
            "x/.DS_Store",
            "THUMBS.DB",
            "a/desktop.ini",
            "a/._b",
        ] {
            assert!(is_junk(junk), "{junk}");
        }
        assert!(!is_junk("index.html"));
    }
}
