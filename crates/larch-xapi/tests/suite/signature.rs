//! Signed statements (ADL suite `E.Data2.6-SignedStatements.js`; 2.0 `4.2.7` duration rule).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use larch_xapi::multipart::AttachmentPart;
use larch_xapi::signature::{JwsAlgorithm, verify_signatures, verify_signed_statement};
use larch_xapi::{Statement, XapiVersion};
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use sha2::{Sha256, Sha384, Sha512};

use crate::common::{base, set};

const KEY: &str = include_str!("../fixtures/signer-key.pem");
const CERT: &str = include_str!("../fixtures/signer-cert.pem");
const OTHER_CERT: &str = include_str!("../fixtures/other-cert.pem");

/// The base64 DER of a PEM certificate, as `x5c` carries it.
fn x5c(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

fn sign(payload: &Value, alg: &str, cert: Option<&str>) -> String {
    let mut header = json!({"alg": alg});
    if let Some(cert) = cert {
        header["x5c"] = json!([x5c(cert)]);
    }
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let key = RsaPrivateKey::from_pkcs1_pem(KEY).expect("test key");
    let sig = match alg {
        "RS384" => SigningKey::<Sha384>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
        "RS512" => SigningKey::<Sha512>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
        _ => SigningKey::<Sha256>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// `statement` with signature attachment metadata for `jws`, parsed.
fn received(statement: &Value, jws: &str, content_type: &str, version: XapiVersion) -> Statement {
    let sha2 = hex::encode(<Sha256 as sha2::Digest>::digest(jws.as_bytes()));
    let att = json!([{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "Signed"}, "contentType": content_type, "length": jws.len(), "sha2": sha2}]);
    Statement::parse(&set(statement, "/attachments", att), version).expect("valid statement")
}

fn verify(
    statement: &Value,
    jws: &str,
    version: XapiVersion,
) -> Result<(JwsAlgorithm, bool), String> {
    let s = received(statement, jws, "application/octet-stream", version);
    verify_signed_statement(&s, jws.as_bytes(), version)
        .map(|v| (v.algorithm, v.certificate_checked))
        .map_err(|e| e.to_string())
}

#[test]
fn accepts_rs256_rs384_rs512_with_and_without_x5c() {
    let s = base();
    let v = XapiVersion::V1_0_3;
    assert_eq!(
        verify(&s, &sign(&s, "RS256", None), v),
        Ok((JwsAlgorithm::Rs256, false))
    );
    assert_eq!(
        verify(&s, &sign(&s, "RS384", Some(CERT)), v),
        Ok((JwsAlgorithm::Rs384, true))
    );
    assert_eq!(
        verify(&s, &sign(&s, "RS512", Some(CERT)), XapiVersion::V2_0_0),
        Ok((JwsAlgorithm::Rs512, true))
    );
}

#[test]
fn rejects_malformed_or_mismatched_signatures() {
    let s = base();
    let v = XapiVersion::V1_0_3;
    let good = sign(&s, "RS256", Some(CERT));
    let hs256 = {
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        parts[0] = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256"}).to_string());
        parts.join(".")
    };
    let mut tampered_sig = good.clone();
    tampered_sig.replace_range(good.len() - 6.., "AAAAAA");
    let cases = [
        ("another algorithm", verify(&s, &hs256, v)),
        ("not a JWS", verify(&s, "definitely not a jws", v)),
        (
            "payload not JSON",
            verify(
                &s,
                &format!(
                    "{}.bm90IGpzb24.{}",
                    good.split('.').next().unwrap_or_default(),
                    "AAAA"
                ),
                v,
            ),
        ),
        (
            "statement differs from payload",
            verify(&set(&s, "/result/success", json!(true)), &good, v),
        ),
        ("signature does not verify", verify(&s, &tampered_sig, v)),
        (
            "wrong certificate",
            verify(&s, &sign(&s, "RS256", Some(OTHER_CERT)), v),
        ),
        (
            "x5c is not a certificate",
            verify(&s, &sign(&s, "RS256", Some("-----\nAAAA\n-----")), v),
        ),
    ];
    for (name, outcome) in cases {
        let err = outcome.expect_err(name);
        assert!(err.starts_with("statement.attachments[0]"), "{name}: {err}");
    }
    let wrong_type = received(&s, &good, "text/plain", v);
    let err = verify_signed_statement(&wrong_type, good.as_bytes(), v).expect_err("content type");
    assert_eq!(err.path, "statement.attachments[0].contentType");
    let unsigned = Statement::parse(&s, v).expect("valid");
    assert_eq!(
        verify_signed_statement(&unsigned, good.as_bytes(), v).map_err(|e| e.path),
        Err("statement.attachments".to_owned())
    );
}

#[test]
fn payload_durations_compare_to_hundredths_in_2_0() {
    let short = set(&base(), "/result/duration", json!("P1DT12H36M0.12S"));
    let long = set(&base(), "/result/duration", json!("P1DT12H36M0.1237S"));
    let jws = sign(&short, "RS256", Some(CERT));
    assert!(verify(&long, &jws, XapiVersion::V2_0_0).is_ok());
    assert!(verify(&long, &jws, XapiVersion::V1_0_3).is_err());
    assert!(STANDARD.decode(x5c(CERT)).is_ok());
}

#[test]
fn batches_find_each_signature_by_hash() {
    let v = XapiVersion::V1_0_3;
    let s = base();
    let jws = sign(&s, "RS256", Some(CERT));
    let signed = received(&s, &jws, "application/octet-stream", v);
    let plain = Statement::parse(&base(), v).expect("valid");
    let part = AttachmentPart {
        sha2: signed.core.attachments.as_ref().expect("attachments")[0]
            .sha2
            .clone(),
        content_type: Some("application/octet-stream".into()),
        content: jws.into_bytes(),
    };
    let batch = [plain, signed];
    assert_eq!(
        verify_signatures(&batch, std::slice::from_ref(&part), v),
        Ok(())
    );
    let missing = verify_signatures(&batch, &[], v).expect_err("no part");
    assert_eq!(missing.path, "statements[1].attachments[0]");
    let forged = AttachmentPart {
        content: sign(
            &set(&s, "/verb/id", json!("http://example.com/other")),
            "RS256",
            None,
        )
        .into_bytes(),
        ..part
    };
    assert!(verify_signatures(&batch[1..], &[forged], v).is_err());
}
