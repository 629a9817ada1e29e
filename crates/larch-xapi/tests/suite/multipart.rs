//! `multipart/mixed` requests (ADL suite `H.Communication1.5-ContentTypes.js`).

use larch_xapi::multipart::{AttachmentPart, match_attachments, parse_multipart, write_multipart};
use larch_xapi::{Statement, XapiVersion};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{base, set};

const CT: &str = "multipart/mixed; boundary=-------314159265358979323846";
const B: &str = "-------314159265358979323846";

fn sha(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

fn statement_with(contents: &[&str], file_url: bool) -> Value {
    let atts: Vec<Value> = contents
        .iter()
        .map(|c| {
            let mut a = json!({"usageType": "http://example.com/attachment-usage/test", "display": {"en-US": "A test attachment"}, "contentType": "text/plain", "length": c.len(), "sha2": sha(c)});
            if file_url {
                a["fileUrl"] = json!("http://example.com/file.txt");
            }
            a
        })
        .collect();
    set(&base(), "/attachments", Value::Array(atts))
}

/// A body in the suite's layout: `--B`, JSON part, attachment parts, `--B--`.
fn body(json_part: &Value, parts: &[(&str, &[&str])]) -> String {
    let mut msg = format!("--{B}\r\nContent-Type: application/json\r\n\r\n{json_part}\r\n");
    for (content, headers) in parts {
        msg += &format!("--{B}\r\n{}\r\n\r\n{content}\r\n", headers.join("\r\n"));
    }
    msg + &format!("--{B}--\r\n")
}

fn hash_header(content: &str) -> String {
    format!("X-Experience-API-Hash: {}", sha(content))
}

fn run(content_type: &str, body: &str) -> Result<usize, String> {
    let parsed = parse_multipart(content_type, body.as_bytes()).map_err(|e| e.path)?;
    let json: Value = serde_json::from_slice(&parsed.statements).map_err(|e| e.to_string())?;
    let statements = Statement::parse_batch(&json, XapiVersion::V1_0_3).map_err(|e| e.path)?;
    match_attachments(&statements, &parsed.attachments).map_err(|e| e.path)?;
    Ok(parsed.attachments.len())
}

#[test]
fn accepts_well_formed_requests() {
    let text = "here is a simple attachment";
    let h = hash_header(text);
    let ok_parts: &[&str] = &[
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: binary",
        &h,
    ];
    assert_eq!(
        run(
            CT,
            &body(&statement_with(&[text], false), &[(text, ok_parts)])
        ),
        Ok(1)
    );
    let compact: &[&str] = &[
        "Content-Type:text/plain",
        "Content-Transfer-Encoding:binary",
        &h.replace(": ", ":"),
    ];
    let suite_style = format!(
        "\r\n{}",
        body(&statement_with(&[text], false), &[(text, compact)]).trim_end()
    );
    assert_eq!(
        run(CT, &suite_style),
        Ok(1),
        "no space after colons, leading CRLF, no final CRLF"
    );
    assert_eq!(
        run(
            &format!("multipart/mixed; boundary=\"{B}\""),
            &body(&statement_with(&[text], false), &[(text, ok_parts)]).replace("\r\n", "\n")
        ),
        Ok(1)
    );
    assert_eq!(
        run(CT, &body(&statement_with(&[text], true), &[])),
        Ok(0),
        "fileUrl needs no part"
    );
    assert_eq!(
        run(
            CT,
            &body(
                &json!([statement_with(&[text], false), base()]),
                &[(text, ok_parts)]
            )
        ),
        Ok(1),
        "batch"
    );
}

#[test]
fn rejects_what_the_spec_rejects() {
    let (t1, t2) = ("first attachment", "second attachment");
    let (h1, h2) = (hash_header(t1), hash_header(t2));
    let part1: &[&str] = &[
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: binary",
        &h1,
    ];
    let part2: &[&str] = &[
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: binary",
        &h2,
    ];
    let one = statement_with(&[t1], false);
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "multipart/form-data",
            CT.replace("mixed", "form-data"),
            body(&one, &[(t1, part1)]),
            "Content-Type",
        ),
        (
            "no boundary in header",
            "multipart/mixed".into(),
            body(&one, &[(t1, part1)]),
            "Content-Type",
        ),
        (
            "boundary not in body",
            CT.into(),
            body(&one, &[(t1, part1)]).replace(B, "other-boundary"),
            "multipart",
        ),
        (
            "not closed",
            CT.into(),
            body(&one, &[(t1, part1)]).replace(&format!("--{B}--"), ""),
            "multipart",
        ),
        (
            "first part not JSON",
            CT.into(),
            body(&one, &[(t1, part1)]).replacen("application/json", "text/plain", 1),
            "multipart.part[0]",
        ),
        (
            "statements in two parts",
            CT.into(),
            body(
                &one,
                &[
                    (&base().to_string(), &["Content-Type: application/json"]),
                    (t1, part1),
                ],
            ),
            "multipart.part[1]",
        ),
        (
            "missing hash header",
            CT.into(),
            body(&one, &[(t1, &part1[..2])]),
            "multipart.part[1]",
        ),
        (
            "not binary",
            CT.into(),
            body(&one, &[(t1, &["Content-Transfer-Encoding: base64", &h1])]),
            "multipart.part[1]",
        ),
        (
            "hash does not match content",
            CT.into(),
            body(&one, &[(t2, part1)]),
            "multipart.part[1]",
        ),
        (
            "excess part",
            CT.into(),
            body(&one, &[(t1, part1), (t2, part2)]),
            "multipart.part[2]",
        ),
        (
            "missing part",
            CT.into(),
            body(&statement_with(&[t1, t2], false), &[(t1, part1)]),
            "statement.attachments",
        ),
        (
            "no parts for raw attachment",
            CT.into(),
            body(&one, &[]),
            "statement.attachments",
        ),
    ];
    for (name, ct, msg, path) in cases {
        assert_eq!(run(&ct, &msg), Err(path.to_owned()), "{name}");
    }
}

#[test]
fn written_responses_parse_back() {
    let parts = vec![
        AttachmentPart {
            sha2: sha("one"),
            content_type: Some("text/plain".into()),
            content: b"one".to_vec(),
        },
        AttachmentPart {
            sha2: sha("\r\n--two"),
            content_type: None,
            content: b"\r\n--two".to_vec(),
        },
    ];
    let json = br#"{"statements":[],"more":""}"#;
    let written = write_multipart("larch-b0undary", json, &parts);
    let parsed =
        parse_multipart("multipart/mixed; boundary=larch-b0undary", &written).expect("round trip");
    assert_eq!(parsed.statements, json.to_vec());
    assert_eq!(parsed.attachments[0], parts[0]);
    assert_eq!(parsed.attachments[1].content, parts[1].content);
    assert_eq!(
        parsed.attachments[1].content_type.as_deref(),
        Some("application/octet-stream")
    );
}
