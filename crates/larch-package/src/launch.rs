//! Launch URLs: absolute ones are kept, relative ones must name a file of the package.

use crate::codes;
use crate::source::{FileIndex, HrefFix, Resolved};
use crate::{Diagnostic, Launch, Warnings};

/// True for `scheme:…` URLs (RFC 3986 section 3.1: a letter, then letters, digits, `+-.`).
pub(crate) fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Resolves a launch URL against the package's files. `file` is the descriptor, for the
/// location of warnings; a missing file is an error (nothing could be played).
pub(crate) fn resolve(
    files: &FileIndex,
    url: &str,
    file: &str,
    warnings: &mut Warnings,
) -> Result<Launch, Diagnostic> {
    if has_scheme(url) {
        return Ok(Launch {
            url: url.to_owned(),
            absolute: true,
        });
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (written, rest) = url.split_at(split);
    // Windows tools write `content\index.html`; a browser would not find it.
    let path = written.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let fixed = |found: &str, what: &str, warnings: &mut Warnings| {
        let message = format!("The launch URL \"{url}\" matches the file \"{found}\" {what}.");
        warnings.push(Diagnostic::new(codes::HREF_FIXED, message).in_file(file));
    };
    let found = match files.resolve(path) {
        // A URL names "my page.html" as "my%20page.html": decoding is reading it right.
        Resolved::Exact(found)
        | Resolved::Fixed {
            path: found,
            fix: HrefFix::PercentDecoded,
        } => found,
        Resolved::Fixed {
            path: found,
            fix: HrefFix::CaseDiffers,
        } => {
            fixed(&found, "only when ignoring upper/lower case", warnings);
            found
        }
        Resolved::Missing => {
            let message =
                format!("The launch URL \"{url}\" points to a file that is not in the package.");
            return Err(Diagnostic::new(codes::LAUNCH_FILE_MISSING, message).in_file(file));
        }
    };
    if written.contains('\\') {
        fixed(
            &found,
            "only once its backslashes are read as slashes",
            warnings,
        );
    }
    Ok(Launch {
        url: format!("{found}{rest}"),
        absolute: false,
    })
}

/// Like [`resolve`], but a missing file is a warning and the URL is kept as written (SCORM,
/// AICC and xAPI content stays importable while at least one item can be played). Returns
/// the launch and whether its file exists.
pub(crate) fn resolve_or_warn(
    files: &FileIndex,
    url: &str,
    file: &str,
    warnings: &mut Warnings,
) -> (Launch, bool) {
    match resolve(files, url, file, warnings) {
        Ok(launch) => (launch, true),
        Err(missing) => {
            warnings.push(missing);
            (
                Launch {
                    url: url.to_owned(),
                    absolute: false,
                },
                false,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> FileIndex {
        let mut index = FileIndex::default();
        index.insert("content/My Page.html", 1);
        index
    }

    fn run(url: &str) -> (Result<Launch, Diagnostic>, Vec<String>) {
        let mut warnings = Warnings::default();
        let launch = resolve(&files(), url, "x", &mut warnings);
        (
            launch,
            warnings.into_vec().into_iter().map(|w| w.code).collect(),
        )
    }

    #[test]
    fn urls_resolve_to_stored_paths_keeping_their_query() {
        let (launch, warnings) = run("./content/My%20Page.html?a=1#top");
        assert_eq!(launch.unwrap().url, "content/My Page.html?a=1#top");
        assert!(
            warnings.is_empty(),
            "percent-encoding is how URLs spell spaces"
        );
        let (launch, warnings) = run("content\\my page.HTML");
        assert_eq!(launch.unwrap().url, "content/My Page.html");
        assert_eq!(warnings, ["href_fixed", "href_fixed"]);
        assert_eq!(
            run("gone.html").0.unwrap_err().code,
            codes::LAUNCH_FILE_MISSING
        );
        assert!(run("https://cdn.example.com/a").0.unwrap().absolute);
    }
}
