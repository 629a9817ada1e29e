//! Signed statements (xAPI-Data 2.6): a JWS (RFC 7515, compact serialization) attached with
//! usage type `http://adlnet.gov/expapi/attachments/signature`.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use crate::error::{Valid, ValidationError};
use crate::multipart::AttachmentPart;
use crate::statement::Statement;
use crate::version::XapiVersion;

/// The JWS algorithms xAPI allows (xAPI-Data 2.6: "RS256", "RS384" or "RS512").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
}

/// What a verified signature established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The algorithm of the JWS header.
    pub algorithm: JwsAlgorithm,
    /// Whether the header carried an `x5c` chain and the signature was checked against its
    /// first certificate (without `x5c` there is no key to check with; the spec asks only
    /// for well-formedness then).
    pub certificate_checked: bool,
}

/// The index of the signature attachment in `statement.attachments`, if any.
pub fn signature_attachment(statement: &Statement) -> Option<usize> {
    statement
        .core
        .attachments
        .as_ref()?
        .iter()
        .position(|a| a.is_signature())
}

/// Verifies a signed statement (xAPI-Data 2.6 "LRS Requirements"): `jws` is the content of
/// the attachment part whose hash matches the signature attachment.
///
/// Rejects (400): a signature attachment whose contentType is not
/// `application/octet-stream`; a JWS that is not three base64url segments with a JSON
/// header; an `alg` other than RS256/384/512; a payload that is not a valid statement or is
/// not logically equivalent to the received one ([`Statement::same_as`]); and, when the
/// header has `x5c`, a signature that does not verify against its first certificate.
pub fn verify_signed_statement(
    statement: &Statement,
    jws: &[u8],
    version: XapiVersion,
) -> Valid<VerifiedSignature> {
    let path = signature_path(statement)?;
    let jws = CompactJws::decode(jws).map_err(|m| ValidationError::new(&path, m))?;
    let original = Statement::parse(&jws.payload, version).map_err(|e| {
        ValidationError::new(&path, format!("the signed statement is invalid: {e}"))
    })?;
    if !original.same_as(statement, version) {
        return Err(ValidationError::new(
            &path,
            "the signed statement differs from the statement received",
        ));
    }
    let certificate_checked = match jws.header.get("x5c") {
        None => false,
        Some(chain) => {
            let key = first_certificate_key(chain).ok_or_else(|| {
                ValidationError::new(&path, "x5c does not hold an RSA certificate")
            })?;
            verify_rsa(jws.algorithm, key, &jws.signing_input, &jws.signature).ok_or_else(
                || {
                    ValidationError::new(
                        &path,
                        "the signature does not verify against the x5c certificate",
                    )
                },
            )?;
            true
        }
    };
    Ok(VerifiedSignature {
        algorithm: jws.algorithm,
        certificate_checked,
    })
}

/// Verifies every signed statement of a request (Data 2.6): the JWS of each is the multipart
/// part whose `X-Experience-API-Hash` is the signature attachment's `sha2`; a signature that
/// did not come as a part cannot be verified and is rejected. In a batch of several
/// statements, error paths start with `statements[i]`.
pub fn verify_signatures(
    statements: &[Statement],
    parts: &[AttachmentPart],
    version: XapiVersion,
) -> Valid<()> {
    for (i, statement) in statements.iter().enumerate() {
        let Some(index) = signature_attachment(statement) else {
            continue;
        };
        let sha2 = statement
            .core
            .attachments
            .as_deref()
            .map(|a| a[index].sha2.as_str())
            .unwrap_or_default();
        let located = |mut e: ValidationError| {
            if statements.len() > 1 {
                e.path = e.path.replacen("statement", &format!("statements[{i}]"), 1);
            }
            e
        };
        let part = parts.iter().find(|p| p.sha2 == sha2).ok_or_else(|| {
            located(ValidationError::new(
                format!("statement.attachments[{index}]"),
                "the signature must be sent as a multipart part",
            ))
        })?;
        verify_signed_statement(statement, &part.content, version).map_err(located)?;
    }
    Ok(())
}

/// The path of the signature attachment, which must be `application/octet-stream`.
fn signature_path(statement: &Statement) -> Valid<String> {
    let attachments = statement.core.attachments.as_deref().unwrap_or_default();
    let Some(index) = attachments.iter().position(|a| a.is_signature()) else {
        return Err(ValidationError::new(
            "statement.attachments",
            "has no signature attachment",
        ));
    };
    let path = format!("statement.attachments[{index}]");
    if attachments[index].content_type != "application/octet-stream" {
        return Err(ValidationError::new(
            format!("{path}.contentType"),
            "a signature must be application/octet-stream",
        ));
    }
    Ok(path)
}

/// A JWS in compact serialization (RFC 7515 7.1), decoded but not yet verified.
struct CompactJws {
    header: Value,
    algorithm: JwsAlgorithm,
    payload: Value,
    signature: Vec<u8>,
    /// `BASE64URL(header) '.' BASE64URL(payload)`, what the signature covers.
    signing_input: Vec<u8>,
}

impl CompactJws {
    fn decode(raw: &[u8]) -> Result<Self, &'static str> {
        let text = std::str::from_utf8(raw)
            .map_err(|_| "the JWS is not text")?
            .trim();
        let mut parts = text.split('.');
        let (Some(h64), Some(p64), Some(s64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("the JWS is not in compact serialization");
        };
        let header = decode_json(h64).ok_or("the JWS header is not base64url JSON")?;
        let algorithm = match header.get("alg").and_then(Value::as_str) {
            Some("RS256") => JwsAlgorithm::Rs256,
            Some("RS384") => JwsAlgorithm::Rs384,
            Some("RS512") => JwsAlgorithm::Rs512,
            _ => return Err("the JWS algorithm must be RS256, RS384 or RS512"),
        };
        let payload = decode_json(p64).ok_or("the JWS payload is not base64url JSON")?;
        let signature = URL_SAFE_NO_PAD
            .decode(s64)
            .map_err(|_| "the JWS signature is not base64url")?;
        let signing_input = format!("{h64}.{p64}").into_bytes();
        Ok(Self {
            header,
            algorithm,
            payload,
            signature,
            signing_input,
        })
    }
}

fn decode_json(segment: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok()
}

/// RFC 7515 4.1.6: `x5c` is an array of base64 (not base64url) DER certificates, the signer's
/// first.
fn first_certificate_key(chain: &Value) -> Option<RsaPublicKey> {
    let der = STANDARD.decode(chain.as_array()?.first()?.as_str()?).ok()?;
    let cert = Certificate::from_der(&der).ok()?;
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().ok()?;
    RsaPublicKey::from_public_key_der(&spki).ok()
}

fn verify_rsa(
    algorithm: JwsAlgorithm,
    key: RsaPublicKey,
    message: &[u8],
    signature: &[u8],
) -> Option<()> {
    let signature = Signature::try_from(signature).ok()?;
    match algorithm {
        JwsAlgorithm::Rs256 => VerifyingKey::<Sha256>::new(key)
            .verify(message, &signature)
            .ok(),
        JwsAlgorithm::Rs384 => VerifyingKey::<Sha384>::new(key)
            .verify(message, &signature)
            .ok(),
        JwsAlgorithm::Rs512 => VerifyingKey::<Sha512>::new(key)
            .verify(message, &signature)
            .ok(),
    }
}
