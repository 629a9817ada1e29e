//! From manifest bytes to a parsed XML document: byte-order marks, declared encodings,
//! DTD refusal (no entity is ever expanded or loaded), and undeclared SCORM prefixes.

use crate::{Diagnostic, PackageError};

use super::codes;
use super::xml::{ADLCP_12, ADLCP_2004, ADLNAV, ADLSEQ, IMSSS};

/// What decoding had to fix, for the caller to report.
#[derive(Debug, Default)]
pub(crate) struct Fixes {
    /// A byte-order mark was skipped.
    pub bom: bool,
    /// The text was converted from this encoding.
    pub converted_from: Option<&'static str>,
    /// These prefixes were used without a declaration and were bound to their usual namespace.
    pub declared_prefixes: Vec<&'static str>,
    /// This many bare `&` were escaped to make the text well-formed.
    pub escaped_ampersands: usize,
}

/// Decodes manifest bytes into text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
/// recognised by its first `<?`), or the encoding named by the XML declaration (ISO-8859-1,
/// windows-1252… via `encoding_rs`).
pub(crate) fn decode(bytes: &[u8], file: &str, fixes: &mut Fixes) -> Result<String, PackageError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        fixes.bom = true;
        if encoding != encoding_rs::UTF_8 {
            fixes.converted_from = Some(encoding.name());
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), had_errors, file);
    }
    // XML 1.0 Appendix F: UTF-16 without a byte-order mark shows in its first `<?`.
    let utf16 = match bytes {
        [0x3C, 0x00, 0x3F, 0x00, ..] => Some(encoding_rs::UTF_16LE),
        [0x00, 0x3C, 0x00, 0x3F, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        fixes.converted_from = Some(encoding.name());
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return finish(text.into_owned(), had_errors, file);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let declared = declared_encoding(bytes)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::WINDOWS_1252);
    fixes.converted_from = Some(declared.name());
    let (text, had_errors) = declared.decode_without_bom_handling(bytes);
    finish(text.into_owned(), had_errors, file)
}

fn finish(text: String, had_errors: bool, file: &str) -> Result<String, PackageError> {
    if had_errors {
        return Err(reject(
            codes::MANIFEST_NOT_XML,
            "The manifest is not valid text in its encoding, so it cannot be read.".into(),
            file,
        ));
    }
    Ok(text)
}

/// The `encoding="…"` of the XML declaration, read as ASCII.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let head: String = head
        .iter()
        .take_while(|b| **b != b'>')
        .map(|b| *b as char)
        .collect();
    let rest = &head[head.find("encoding")? + "encoding".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_owned())
}

/// Parses the manifest text. DTDs are refused outright: a manifest never needs one, and
/// refusing them rules out entity expansion attacks. A prefix used without declaration
/// (`adlcp:` in a hand-edited manifest) is bound to its usual namespace and parsed again.
pub(crate) fn parse_xml<'t>(
    text: &'t mut String,
    file: &str,
    fixes: &mut Fixes,
) -> Result<roxmltree::Document<'t>, PackageError> {
    // roxmltree descends recursively, one stack frame pair per level: refuse absurd nesting
    // before it can exhaust the stack.
    if nesting_depth(text) > MAX_XML_DEPTH {
        let message = format!(
            "The manifest nests elements more than {MAX_XML_DEPTH} levels deep, which no course needs, so it was not read."
        );
        return Err(reject(codes::MANIFEST_TOO_DEEP, message, file));
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 5_000_000,
    };
    for _ in 0..USUAL_PREFIXES.len() + 2 {
        match roxmltree::Document::parse_with_options(text, options).err() {
            Some(roxmltree::Error::UnknownNamespace(prefix, _)) => {
                let Some(fixed) = declare_prefix(text, &prefix) else {
                    break;
                };
                fixes.declared_prefixes.push(fixed);
            }
            Some(
                roxmltree::Error::MalformedEntityReference(_)
                | roxmltree::Error::UnknownEntityReference(..),
            ) if fixes.escaped_ampersands == 0 => {
                fixes.escaped_ampersands = escape_bare_ampersands(text);
                if fixes.escaped_ampersands == 0 {
                    break;
                }
            }
            _ => break,
        }
    }
    roxmltree::Document::parse_with_options(text, options).map_err(|e| xml_error(&e, file))
}

/// Escapes every `&` that does not start a predefined or character reference (a bare `&` in
/// `parameters="?a=1&b=2"` is the commonest hand-editing slip). Returns how many were escaped.
fn escape_bare_ampersands(text: &mut String) -> usize {
    const PREDEFINED: [&str; 5] = ["amp;", "lt;", "gt;", "quot;", "apos;"];
    let mut out = String::with_capacity(text.len() + 16);
    let mut escaped = 0;
    for (i, piece) in text.split('&').enumerate() {
        if i > 0 {
            out.push('&');
            if !(PREDEFINED.iter().any(|p| piece.starts_with(p)) || is_char_reference(piece)) {
                out.push_str("amp;");
                escaped += 1;
            }
        }
        out.push_str(piece);
    }
    *text = out;
    escaped
}

/// Whether `rest` (what follows a `&`) starts with `#123;` or `#x1F;`.
fn is_char_reference(rest: &str) -> bool {
    let Some(body) = rest.strip_prefix('#') else {
        return false;
    };
    let (digits, hex) = match body.strip_prefix('x') {
        Some(hex) => (hex, true),
        None => (body, false),
    };
    let end = digits.find(';').unwrap_or(0);
    end > 0
        && digits[..end].chars().all(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The deepest element nesting Larch parses.
const MAX_XML_DEPTH: usize = 256;

/// The deepest element nesting of `text`, counted by a quick scan that skips comments,
/// CDATA, processing instructions, declarations and quoted attribute values.
fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut depth, mut deepest) = (0, 0usize, 0);
    let skip_past = |from: usize, end: &str| {
        text[from..]
            .find(end)
            .map_or(bytes.len(), |i| from + i + end.len())
    };
    while let Some(offset) = text[at..].find('<') {
        at += offset;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            at = skip_past(at, "-->");
        } else if rest.starts_with("<![CDATA[") {
            at = skip_past(at, "]]>");
        } else if rest.starts_with("<?") {
            at = skip_past(at, "?>");
        } else if rest.starts_with("<!") || rest.starts_with("</") {
            depth = depth.saturating_sub(usize::from(rest.starts_with("</")));
            at = skip_past(at, ">");
        } else {
            let (end, self_closing) = tag_end(bytes, at + 1);
            if !self_closing {
                depth += 1;
                deepest = deepest.max(depth);
            }
            at = end;
        }
    }
    deepest
}

/// Where the start tag beginning at `from` ends (past its `>`), and whether it is `/>`.
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    for (i, b) in bytes.iter().enumerate().skip(from) {
        match (quote, *b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return (i + 1, i > from && bytes[i - 1] == b'/'),
            _ => {}
        }
    }
    (bytes.len(), true)
}

/// Usual bindings for undeclared prefixes. `adlcp` depends on the SCORM version, guessed from
/// the text (`1.2` in `<schemaversion>`).
const USUAL_PREFIXES: [&str; 6] = ["adlcp", "imsss", "adlseq", "adlnav", "xsi", "imsmd"];

fn declare_prefix(text: &mut String, prefix: &str) -> Option<&'static str> {
    let name = USUAL_PREFIXES.iter().copied().find(|p| *p == prefix)?;
    let uri = match name {
        "adlcp" if text.contains(">1.2<") => ADLCP_12,
        "adlcp" => ADLCP_2004,
        "imsss" => IMSSS,
        "adlseq" => ADLSEQ,
        "adlnav" => ADLNAV,
        // `xsi:schemaLocation` without its declaration is a common hand-editing slip.
        "xsi" => "http://www.w3.org/2001/XMLSchema-instance",
        _ => "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    };
    let start = text.find("<manifest").or_else(|| text.find(":manifest"))?;
    let name_end =
        start + text[start..].find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    text.insert_str(name_end, &format!(" xmlns:{name}=\"{uri}\""));
    Some(name)
}

fn xml_error(error: &roxmltree::Error, file: &str) -> PackageError {
    let pos = error.pos();
    let (code, message) = match error {
        roxmltree::Error::DtdDetected => (
            codes::MANIFEST_DTD_REFUSED,
            "The manifest declares a DTD, which Larch refuses for safety; remove the <!DOCTYPE> line.".to_owned(),
        ),
        other => (
            codes::MANIFEST_NOT_XML,
            format!("The manifest is not well-formed XML: {other}."),
        ),
    };
    PackageError::rejected(
        Diagnostic::new(code, message)
            .in_file(file)
            .at_line(pos.row),
    )
}

fn reject(code: &'static str, message: String, file: &str) -> PackageError {
    PackageError::rejected(Diagnostic::new(code, message).in_file(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_legacy_encodings_are_decoded() {
        let mut fixes = Fixes::default();
        let text = decode(b"\xEF\xBB\xBF<manifest/>", "m.xml", &mut fixes).unwrap();
        assert_eq!(text, "<manifest/>");
        assert!(fixes.bom);

        let mut fixes = Fixes::default();
        let latin1 =
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><manifest><t>caf\xE9</t></manifest>";
        let text = decode(latin1, "m.xml", &mut fixes).unwrap();
        assert!(text.contains("café"));
        assert_eq!(fixes.converted_from, Some("windows-1252"));

        let mut fixes = Fixes::default();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<manifest/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, "m.xml", &mut fixes).unwrap(), "<manifest/>");
        assert_eq!(fixes.converted_from, Some("UTF-16LE"));

        let mut fixes = Fixes::default();
        let no_bom: Vec<u8> = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><manifest/>"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let text = decode(&no_bom, "m.xml", &mut fixes).unwrap();
        assert!(text.ends_with("<manifest/>"));
        assert_eq!(fixes.converted_from, Some("UTF-16BE"));
        let mut text = text;
        assert!(
            parse_xml(&mut text, "m.xml", &mut fixes).is_ok(),
            "the declaration is accepted"
        );
    }

    #[test]
    fn bare_ampersands_are_escaped_and_nesting_is_measured() {
        let mut fixes = Fixes::default();
        let mut text = "<m p=\"?a=1&b=2&amp;c&#38;d&#x26;\">R&D &unknown;</m>".to_owned();
        let doc = parse_xml(&mut text, "m.xml", &mut fixes).unwrap();
        assert_eq!(fixes.escaped_ampersands, 3);
        assert_eq!(doc.root_element().attribute("p"), Some("?a=1&b=2&c&d&"));
        assert_eq!(doc.root_element().text(), Some("R&D &unknown;"));
        let tricky = "<a x='>'><!-- <b> --><b/><c><![CDATA[<d>]]></c><?pi <e>?></a>";
        assert_eq!(nesting_depth(tricky), 2);
    }

    #[test]
    fn dtds_are_refused_and_undeclared_prefixes_bound() {
        let mut fixes = Fixes::default();
        let mut text = "<!DOCTYPE manifest [<!ENTITY a \"b\">]><manifest/>".to_owned();
        let err = parse_xml(&mut text, "m.xml", &mut fixes).unwrap_err();
        assert!(err.to_string().contains("DTD"));

        let mut text =
            "<manifest xsi:schemaLocation=\"a b\"><x adlcp:scormtype=\"sco\"/><imsss:sequencing/></manifest>".to_owned();
        let doc = parse_xml(&mut text, "m.xml", &mut fixes).unwrap();
        assert_eq!(fixes.declared_prefixes, ["xsi", "adlcp", "imsss"]);
        assert_eq!(doc.root_element().tag_name().name(), "manifest");
    }
}
