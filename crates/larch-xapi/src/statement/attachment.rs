//! Attachment metadata (xAPI-Data 2.4.11).

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::Obj;
use crate::primitives::{Iri, LanguageMap};

/// The usage type of a JWS signature attachment (xAPI-Data 2.6).
pub const SIGNATURE_USAGE_TYPE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// An attachment's metadata; its content travels in a multipart part or at `fileUrl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// What the attachment is for (an IRI).
    pub usage_type: Iri,
    /// Display name.
    pub display: LanguageMap,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    /// Internet media type.
    pub content_type: String,
    /// Length of the content in octets.
    pub length: u64,
    /// Hex SHA-2 of the content: the multipart part's `X-Experience-API-Hash`.
    pub sha2: String,
    /// Where the content can be fetched (an IRL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_url: Option<Iri>,
}

impl Attachment {
    /// Whether this is a JWS signature attachment (xAPI-Data 2.6).
    pub fn is_signature(&self) -> bool {
        self.usage_type.as_str() == SIGNATURE_USAGE_TYPE
    }
}

pub(crate) fn parse_attachment(value: &Value, path: &Path<'_>) -> Valid<Attachment> {
    let obj = Obj::new(value, path)?;
    obj.allow(&[
        "usageType",
        "display",
        "description",
        "contentType",
        "length",
        "sha2",
        "fileUrl",
    ])?;
    let usage_type = Iri::parse(obj.req_str("usageType")?)
        .ok_or_else(|| path.key("usageType").err("must be an IRI"))?;
    let display = LanguageMap::parse(obj.req("display")?, &path.key("display"))?;
    let description = obj
        .get("description")
        .map(|d| LanguageMap::parse(d, &path.key("description")))
        .transpose()?;
    let content_type = obj.req_str("contentType")?;
    if !is_media_type(content_type) {
        return Err(path
            .key("contentType")
            .err("must be an Internet media type"));
    }
    let length = obj
        .req("length")?
        .as_u64()
        .ok_or_else(|| path.key("length").err("must be a non-negative integer"))?;
    let sha2 = obj.req_str("sha2")?;
    if !is_sha2_hex(sha2) {
        return Err(path.key("sha2").err("must be a hex SHA-2 hash"));
    }
    let file_url = obj
        .str("fileUrl")?
        .map(|raw| Iri::parse(raw).ok_or_else(|| path.key("fileUrl").err("must be an IRL")))
        .transpose()?;
    Ok(Attachment {
        usage_type,
        display,
        description,
        content_type: content_type.to_owned(),
        length,
        sha2: sha2.to_ascii_lowercase(),
        file_url,
    })
}

/// RFC 6838 4.2: `type/subtype` of restricted-name characters, then optional parameters.
pub(crate) fn is_media_type(raw: &str) -> bool {
    let essence = raw.split(';').next().unwrap_or_default().trim();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 127
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    token(kind) && token(sub)
}

/// A hex SHA-224/256/384/512 digest.
fn is_sha2_hex(raw: &str) -> bool {
    matches!(raw.len(), 56 | 64 | 96 | 128) && raw.bytes().all(|b| b.is_ascii_hexdigit())
}
