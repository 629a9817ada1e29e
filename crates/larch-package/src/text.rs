//! Turning descriptor bytes into text, and XML text into a tree, the same way for every
//! standard.
//!
//! Byte-order marks (UTF-8 or UTF-16) are legal at the start of XML (XML 1.0 section 4.3.3)
//! and common in files saved by Windows editors, so they select the encoding and are dropped
//! silently. An XML declaration naming a legacy encoding is honoured. Text that is simply not
//! UTF-8 is read as Windows-1252 with a warning, because that is what such files almost always
//! are.

use std::borrow::Cow;

use crate::codes;
use crate::{Diagnostic, PackageError, Warnings};

/// Decodes a descriptor's bytes.
pub(crate) fn decode(bytes: &[u8], path: &str, warnings: &mut Warnings) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Some(encoding) = declared_encoding(bytes) {
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            warnings.push(
                Diagnostic::new(
                    codes::DESCRIPTOR_NOT_UTF8,
                    "The file is not valid UTF-8 and names no encoding; it was read as Windows-1252.",
                )
                .in_file(path),
            );
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()
        }
    }
}

/// `<?xml version="1.0" encoding="…"?>`, when it names something other than UTF-8.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    let decl = head.strip_prefix("<?xml")?.split("?>").next()?;
    let value = decl
        .split("encoding")
        .nth(1)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    // The quote must be ASCII: slicing after anything else would split a character.
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let label = value[1..].split(quote).next()?;
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
    (encoding != encoding_rs::UTF_8).then_some(encoding)
}

/// Parses XML. DTDs are refused (no external entities, no entity expansion bombs).
pub(crate) fn parse_xml<'a>(
    text: &'a str,
    path: &str,
) -> Result<roxmltree::Document<'a>, PackageError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        PackageError::rejected(
            Diagnostic::new(
                codes::MALFORMED_XML,
                format!("The file is not well-formed XML: {e}."),
            )
            .in_file(path)
            .at_line(pos.row),
        )
    })
}

/// Trimmed text content of an element (all text children), or `None` when empty.
pub(crate) fn element_text(node: roxmltree::Node<'_, '_>) -> Option<String> {
    let text: Cow<'_, str> = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .into();
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_encodings_are_honoured_and_garbage_is_not_a_panic() {
        let latin1 = b"<?xml version=\"1.0\" encoding='ISO-8859-1'?><a>caf\xe9</a>";
        let mut warnings = Warnings::default();
        assert!(decode(latin1, "x.xml", &mut warnings).contains("café"));
        // Found by the cmi5 fuzz target: a non-ASCII byte where the quote should be.
        let garbage = b"<?xml version=\"1.0\" encoding=\xd8\x8a\x8b?><a/>";
        let text = decode(garbage, "x.xml", &mut warnings);
        assert!(text.ends_with("<a/>"));
        assert_eq!(
            warnings.as_slice().len(),
            1,
            "not UTF-8, so read as Windows-1252 with a warning"
        );
    }
}
