//! `multipart/mixed` statement requests with attachments (xAPI-Data 2.4.11 "Requirements for
//! Attachment Statement Batches", xAPI-Communication 1.5.2).

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::error::{Valid, ValidationError};
use crate::statement::{Statement, StatementObject};

/// A parsed `multipart/mixed` request: the statement part and the attachment parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartBody {
    /// The first part: the statement or statements, as JSON bytes.
    pub statements: Vec<u8>,
    /// The other parts, in order.
    pub attachments: Vec<AttachmentPart>,
}

/// One attachment part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPart {
    /// `X-Experience-API-Hash`, lowercase hex: the `sha2` of the attachment it carries.
    pub sha2: String,
    /// The part's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The raw content.
    pub content: Vec<u8>,
}

/// Whether a request Content-Type is `multipart/mixed`.
pub fn is_multipart_mixed(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("multipart/mixed"))
}

/// Writes a `multipart/mixed` response (GET /statements with `attachments=true`,
/// xAPI-Data 2.4.11): the statement JSON first, then each attachment with
/// `Content-Transfer-Encoding: binary` and its hash. The caller picks `boundary` (a random
/// token that does not occur in the content). The response Content-Type is
/// `multipart/mixed; boundary=<boundary>`.
pub fn write_multipart(boundary: &str, json: &[u8], parts: &[AttachmentPart]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        json.len() + parts.iter().map(|p| p.content.len() + 200).sum::<usize>() + 100,
    );
    out.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(json);
    for part in parts {
        let content_type = part
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        let head = format!(
            "\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n",
            part.sha2
        );
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&part.content);
    }
    out.extend_from_slice(format!("\r\n--{boundary}--").as_bytes());
    out
}

/// Splits a `multipart/mixed` body (RFC 2046 5.1) and checks the xAPI rules: a boundary, a
/// first part of `application/json`, and every other part with `X-Experience-API-Hash`,
/// `Content-Transfer-Encoding: binary` and content whose SHA-2 is that hash.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Valid<MultipartBody> {
    if !is_multipart_mixed(content_type) {
        return Err(ValidationError::new(
            "Content-Type",
            "must be multipart/mixed",
        ));
    }
    let boundary = boundary_param(content_type)
        .ok_or_else(|| ValidationError::new("Content-Type", "has no boundary parameter"))?;
    let parts = split_parts(body, boundary.as_bytes())?;
    let mut parts = parts.into_iter();
    let (headers, json) = parts
        .next()
        .ok_or_else(|| ValidationError::new("multipart", "has no parts"))?;
    if !header(&headers, "content-type").is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/json"))
    }) {
        return Err(ValidationError::new(
            "multipart.part[0]",
            "the first part must be application/json",
        ));
    }
    let attachments = parts
        .enumerate()
        .map(|(i, (headers, content))| attachment_part(&headers, content, i + 1))
        .collect::<Valid<Vec<_>>>()?;
    Ok(MultipartBody {
        statements: json,
        attachments,
    })
}

/// Data 2.4.11: an attachment part has `X-Experience-API-Hash`, `Content-Transfer-Encoding:
/// binary`, and content whose SHA-2 is the hash.
fn attachment_part(
    headers: &[(String, String)],
    content: Vec<u8>,
    index: usize,
) -> Valid<AttachmentPart> {
    let path = format!("multipart.part[{index}]");
    let sha2 = header(headers, "x-experience-api-hash")
        .ok_or_else(|| ValidationError::new(&path, "needs an X-Experience-API-Hash header"))?
        .trim()
        .to_ascii_lowercase();
    if !header(headers, "content-transfer-encoding")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("binary"))
    {
        return Err(ValidationError::new(
            &path,
            "needs Content-Transfer-Encoding: binary",
        ));
    }
    if digest_hex(&sha2, &content).is_some_and(|actual| actual != sha2) {
        return Err(ValidationError::new(
            &path,
            "content does not match its X-Experience-API-Hash",
        ));
    }
    Ok(AttachmentPart {
        sha2,
        content_type: header(headers, "content-type").map(str::to_owned),
        content,
    })
}

/// The hex SHA-2 of `content` with the digest length `hash` implies (`None` if none does).
fn digest_hex(hash: &str, content: &[u8]) -> Option<String> {
    Some(match hash.len() {
        56 => hex::encode(Sha224::digest(content)),
        64 => hex::encode(Sha256::digest(content)),
        96 => hex::encode(Sha384::digest(content)),
        128 => hex::encode(Sha512::digest(content)),
        _ => return None,
    })
}

/// `boundary=…` (optionally quoted) from a Content-Type.
fn boundary_param(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|p| {
            let (name, value) = p.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|b| !b.is_empty())
}

type Part = (Vec<(String, String)>, Vec<u8>);

/// RFC 2046 5.1.1: parts between `--boundary` lines, closed by `--boundary--`. CRLF and LF
/// line endings are both accepted.
fn split_parts(body: &[u8], boundary: &[u8]) -> Valid<Vec<Part>> {
    let delimiter = [b"--".as_slice(), boundary].concat();
    let mut pos = find_delimiter(body, &delimiter, 0).ok_or_else(|| {
        ValidationError::new("multipart", "the boundary does not occur in the body")
    })?;
    let mut parts = Vec::new();
    loop {
        let after = pos + delimiter.len();
        if body[after..].starts_with(b"--") {
            return Ok(parts);
        }
        let start = skip_line_end(body, after)
            .ok_or_else(|| ValidationError::new("multipart", "malformed boundary line"))?;
        let next = find_delimiter(body, &delimiter, start).ok_or_else(|| {
            ValidationError::new("multipart", "is not closed by the final boundary")
        })?;
        let end = trim_line_end(body, start, next);
        parts.push(parse_part(&body[start..end], parts.len())?);
        pos = next;
    }
}

/// The next delimiter at the start of the body or of a line, at or after `from`.
fn find_delimiter(body: &[u8], delimiter: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = body
        .get(at..)?
        .windows(delimiter.len())
        .position(|w| w == delimiter)
    {
        let idx = at + found;
        if idx == 0 || body[idx - 1] == b'\n' {
            return Some(idx);
        }
        at = idx + 1;
    }
    None
}

/// Skips transport padding and the line end after a boundary.
fn skip_line_end(body: &[u8], mut at: usize) -> Option<usize> {
    while matches!(body.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    match body.get(at..)? {
        [b'\r', b'\n', ..] => Some(at + 2),
        [b'\n', ..] => Some(at + 1),
        _ => None,
    }
}

/// The part ends before the line end that precedes the next delimiter.
fn trim_line_end(body: &[u8], start: usize, next: usize) -> usize {
    let mut end = next;
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}

fn parse_part(raw: &[u8], index: usize) -> Valid<Part> {
    let path = format!("multipart.part[{index}]");
    let (head_end, body_start) = find_blank_line(raw)
        .ok_or_else(|| ValidationError::new(&path, "has no header/body separator"))?;
    let head = std::str::from_utf8(&raw[..head_end])
        .map_err(|_| ValidationError::new(&path, "headers are not UTF-8"))?;
    let mut headers = Vec::new();
    for line in head.lines().filter(|l| !l.trim().is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| ValidationError::new(&path, "malformed header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok((headers, raw[body_start..].to_vec()))
}

/// (end of headers, start of body) around the first empty line; a part may have no headers.
fn find_blank_line(raw: &[u8]) -> Option<(usize, usize)> {
    if raw.starts_with(b"\r\n") {
        return Some((0, 2));
    }
    if raw.starts_with(b"\n") {
        return Some((0, 1));
    }
    let crlf = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4));
    let lf = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// xAPI-Data 2.4.11: every part must belong to an attachment (by `sha2`), and every
/// attachment without `fileUrl` must have a part. A plain JSON request passes `&[]`.
pub fn match_attachments(statements: &[Statement], parts: &[AttachmentPart]) -> Valid<()> {
    let mut declared = Vec::new();
    for statement in statements {
        declared.extend(statement.core.attachments.iter().flatten());
        if let StatementObject::SubStatement(sub) = &statement.core.object {
            declared.extend(sub.core.attachments.iter().flatten());
        }
    }
    if let Some((i, part)) = parts
        .iter()
        .enumerate()
        .find(|(_, p)| !declared.iter().any(|a| a.sha2 == p.sha2))
    {
        return Err(ValidationError::new(
            format!("multipart.part[{}]", i + 1),
            format!("no attachment has sha2 {}", part.sha2),
        ));
    }
    if let Some(missing) = declared
        .iter()
        .find(|a| a.file_url.is_none() && !parts.iter().any(|p| p.sha2 == a.sha2))
    {
        return Err(ValidationError::new(
            "statement.attachments",
            format!(
                "attachment {} has neither fileUrl nor a multipart part",
                missing.sha2
            ),
        ));
    }
    Ok(())
}
