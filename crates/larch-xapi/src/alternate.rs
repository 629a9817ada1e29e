//! The alternate request syntax of xAPI 1.0.3 (xAPI-Communication 1.3): a POST with
//! `?method=…` whose form body carries headers, parameters and `content`. xAPI 2.0 removed it
//! ([`XapiVersion::allows_alternate_request_syntax`](crate::XapiVersion::allows_alternate_request_syntax)).

use percent_encoding::percent_decode;

use crate::error::{Valid, ValidationError};

/// The request the alternate syntax stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternateRequest {
    /// The intended method: `GET`, `PUT`, `POST` or `DELETE`.
    pub method: String,
    /// Form parameters that are headers (1.3: `Authorization`, `X-Experience-API-Version`,
    /// `Content-Type`, `Content-Length`, `If-Match`, `If-None-Match`), names lowercased; they
    /// take the place of the HTTP headers of the same names. When there is `content`,
    /// `content-type` is always present (`application/json` unless the form said otherwise).
    pub headers: Vec<(String, String)>,
    /// The other form parameters: the resource's query parameters.
    pub params: Vec<(String, String)>,
    /// The `content` form parameter (the body of a PUT or POST), as UTF-8 bytes.
    pub content: Option<Vec<u8>>,
}

const HEADER_PARAMS: [&str; 6] = [
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
];

/// Whether a request uses the alternate syntax (a `method` query parameter).
pub fn is_alternate_request(query: &[(String, String)]) -> bool {
    query.iter().any(|(name, _)| name == "method")
}

/// Parses an alternate-syntax request (1.3 "Details"): it must be a POST, `method` must be the
/// only query parameter, the body must be `application/x-www-form-urlencoded`, and a PUT or
/// POST must carry `content`.
pub fn parse_alternate_request(
    http_method: &str,
    query: &[(String, String)],
    content_type: Option<&str>,
    body: &[u8],
) -> Valid<AlternateRequest> {
    if !http_method.eq_ignore_ascii_case("POST") {
        return Err(ValidationError::new(
            "method",
            "the alternate request syntax must be sent as a POST",
        ));
    }
    if let Some((extra, _)) = query.iter().find(|(name, _)| name != "method") {
        return Err(ValidationError::new(
            extra,
            "only method may be in the query string of an alternate request",
        ));
    }
    let method = query
        .iter()
        .find(|(name, _)| name == "method")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    if !matches!(method, "GET" | "PUT" | "POST" | "DELETE") {
        return Err(ValidationError::new(
            "method",
            "must be GET, PUT, POST or DELETE",
        ));
    }
    let form_type = content_type.is_some_and(|ct| {
        ct.split(';').next().is_some_and(|e| {
            e.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    if !body.is_empty() && !form_type {
        return Err(ValidationError::new(
            "Content-Type",
            "must be application/x-www-form-urlencoded",
        ));
    }
    let mut request = AlternateRequest {
        method: method.to_owned(),
        headers: Vec::new(),
        params: Vec::new(),
        content: None,
    };
    for (name, value) in decode_form(body)? {
        let lower = name.to_ascii_lowercase();
        if HEADER_PARAMS.contains(&lower.as_str()) {
            request.headers.push((lower, value));
        } else if name == "content" {
            request.content = Some(value.into_bytes());
        } else {
            request.params.push((name, value));
        }
    }
    if matches!(method, "PUT" | "POST") && request.content.is_none() {
        return Err(ValidationError::new(
            "content",
            "is required for an alternate PUT or POST",
        ));
    }
    // The HTTP Content-Type describes the form; the content's own type is the form's
    // Content-Type parameter, JSON when absent (statements and JSON documents).
    if request.content.is_some()
        && !request
            .headers
            .iter()
            .any(|(name, _)| name == "content-type")
    {
        request
            .headers
            .push(("content-type".to_owned(), "application/json".to_owned()));
    }
    Ok(request)
}

/// `application/x-www-form-urlencoded` pairs (`+` is a space), decoded as UTF-8.
fn decode_form(body: &[u8]) -> Valid<Vec<(String, String)>> {
    let decode = |raw: &[u8]| -> Valid<String> {
        let spaced: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_decode(&spaced)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| ValidationError::new("content", "the form is not UTF-8"))
    };
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |&b| b == b'=');
            let name = decode(it.next().unwrap_or_default())?;
            let value = decode(it.next().unwrap_or_default())?;
            Ok((name, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(method: &str) -> Vec<(String, String)> {
        vec![("method".to_owned(), method.to_owned())]
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    /// HTTP method, query, Content-Type, body, rejected parameter.
    type Case<'a> = (
        &'a str,
        &'a [(String, String)],
        Option<&'a str>,
        &'a [u8],
        &'a str,
    );

    #[test]
    fn splits_headers_params_and_content() {
        let body = b"statementId=ec531277-b57b-4c15-8d91-d292c5b2b8f7&content=%7B%22a%22%3A+1%7D&X-Experience-API-Version=1.0.3&Authorization=Basic+abc";
        let r = parse_alternate_request("POST", &q("PUT"), Some(FORM), body).expect("valid");
        assert_eq!(r.method, "PUT");
        assert_eq!(r.content.as_deref(), Some(br#"{"a": 1}"#.as_slice()));
        assert_eq!(
            r.params,
            [(
                "statementId".to_owned(),
                "ec531277-b57b-4c15-8d91-d292c5b2b8f7".to_owned()
            )]
        );
        assert_eq!(
            r.headers[0],
            ("x-experience-api-version".to_owned(), "1.0.3".to_owned())
        );
        assert_eq!(
            r.headers[1],
            ("authorization".to_owned(), "Basic abc".to_owned())
        );
        let get =
            parse_alternate_request("POST", &q("GET"), None, b"").expect("GET needs no content");
        assert_eq!((get.content, get.params.len()), (None, 0));
        assert!(is_alternate_request(&q("GET")));
    }

    #[test]
    fn rejections() {
        let extra = vec![
            q("PUT")[0].clone(),
            ("statementId".to_owned(), "x".to_owned()),
        ];
        let cases: [Case<'_>; 6] = [
            ("PUT", &q("POST"), Some(FORM), b"content=x", "method"),
            ("POST", &extra, Some(FORM), b"content=x", "statementId"),
            ("POST", &q("PATCH"), Some(FORM), b"content=x", "method"),
            ("POST", &q("PUT"), Some(FORM), b"", "content"),
            ("POST", &q("PUT"), Some(FORM), b"statementId=1", "content"),
            (
                "POST",
                &q("PUT"),
                Some("application/json"),
                br#"{"content":"x"}"#,
                "Content-Type",
            ),
        ];
        for (http, query, ct, body, path) in cases {
            assert_eq!(
                parse_alternate_request(http, query, ct, body).map_err(|e| e.path),
                Err(path.to_owned()),
                "{path}"
            );
        }
    }
}
