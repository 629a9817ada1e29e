//! A forwarding rule's target URL, checked where rules are written: its form
//! ([`validate_target_url`]) and the SSRF guard ([`check_target_url`]; every delivery checks
//! again, `forward::client_for`).

use crate::error::ApiError;
use crate::import::Blocked;
use crate::state::AppState;
use url::Url;

/// The longest target URL accepted.
const MAX_URL: usize = 2048;

/// A rule's `url`: an absolute `http` or `https` URL with a host, no credentials (they go in
/// `auth`), no query or fragment (`/statements` is appended). Returned without a trailing `/`.
pub(crate) fn validate_target_url(param: &str, raw: &str) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::invalid(param, format!("{param} {why}"));
    if raw.len() > MAX_URL {
        return Err(bad(&format!("is longer than {MAX_URL} characters")));
    }
    let url = Url::parse(raw.trim()).map_err(|_| bad("is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must be an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials; give them in auth"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or a fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The SSRF guard at the edge: a target that resolves to internal addresses is a 400
/// `url_not_allowed` (one that does not resolve now is accepted: every delivery checks again).
pub(crate) async fn check_target_url(state: &AppState, target: &str) -> Result<(), ApiError> {
    let Ok(url) = Url::parse(target) else {
        return Err(ApiError::invalid("url", "url is not an absolute URL"));
    };
    match state.config.forwarding_url_policy().check(&url).await {
        Err(Blocked::Refused(why)) => Err(ApiError::Invalid {
            code: "url_not_allowed",
            message: format!("this URL cannot be a forwarding target: {why}"),
            param: Some("url".into()),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_urls_are_http_with_a_host_and_nothing_secret() {
        let ok = validate_target_url("url", "https://lrs.example.com/xapi/").unwrap();
        assert_eq!(ok, "https://lrs.example.com/xapi");
        assert!(validate_target_url("url", "http://127.0.0.1:8080/xapi").is_ok());
        for bad in [
            "ftp://lrs.example.com/xapi",
            "file:///etc/passwd",
            "lrs.example.com/xapi",
            "https://user:pw@lrs.example.com/xapi",
            "https://lrs.example.com/xapi?x=1",
            "https://lrs.example.com/xapi#f",
            "javascript:alert(1)",
        ] {
            assert!(validate_target_url("url", bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL));
        assert!(validate_target_url("url", &long).is_err());
    }
}
