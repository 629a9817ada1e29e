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
    let (path, rest) = url.split_at(split);
    let path = path.trim_start_matches("./");
    match files.resolve(path) {
        Resolved::Exact(found) => Ok(Launch {
            url: format!("{found}{rest}"),
            absolute: false,
        }),
        Resolved::Fixed { path: found, fix } => {
            let what = match fix {
                HrefFix::PercentDecoded => "after decoding %-escapes",
                HrefFix::CaseDiffers => "only when ignoring upper/lower case",
            };
            warnings.push(
                Diagnostic::new(
                    codes::HREF_FIXED,
                    format!("The launch URL \"{url}\" matches the file \"{found}\" {what}."),
                )
                .in_file(file),
            );
            Ok(Launch {
                url: format!("{found}{rest}"),
                absolute: false,
            })
        }
        Resolved::Missing => Err(Diagnostic::new(
            codes::LAUNCH_FILE_MISSING,
            format!("The launch URL \"{url}\" points to a file that is not in the package."),
        )
        .in_file(file)),
    }
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
