//! IRIs and URLs as cmi5 needs them checked.
//!
//! cmi5 section 3.0 and 13.1: course, block, AU and objective ids are IRIs (RFC 3987), which
//! the LMS uses as xAPI activity ids, so they must be absolute: a scheme, `:`, then no
//! whitespace and none of the characters RFC 3987 forbids outright.

use crate::launch::has_scheme;

/// Characters that may never appear in an IRI (RFC 3987 section 2.2 excludes them from every
/// production), besides whitespace and controls.
const FORBIDDEN: &[char] = &['<', '>', '"', '{', '}', '|', '\\', '^', '`'];

/// An absolute IRI: `scheme:rest`, with a non-empty rest and no forbidden characters.
pub(crate) fn is_absolute_iri(value: &str) -> bool {
    has_scheme(value)
        && value
            .split_once(':')
            .is_some_and(|(_, rest)| !rest.is_empty())
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(&c))
}

/// A URL that a browser can open: valid IRI characters and, for `http(s)`, a parseable
/// authority. Relative references are checked for characters only.
pub(crate) fn is_valid_url(value: &str) -> bool {
    if value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(&c))
    {
        return false;
    }
    if !has_scheme(value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http:") || lower.starts_with("https:") {
        return url::Url::parse(value).is_ok_and(|u| u.host().is_some());
    }
    is_absolute_iri(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_need_a_scheme_and_no_spaces() {
        assert!(is_absolute_iri("https://w3id.org/xapi/cmi5/course/1"));
        assert!(is_absolute_iri(
            "urn:uuid:3d2f1c5a-0000-4000-8000-000000000000"
        ));
        assert!(!is_absolute_iri(
            "w3id.org/xapi/cmi5/catapult/lts/course/201"
        ));
        assert!(!is_absolute_iri("https://example.com/a b"));
        assert!(!is_absolute_iri("http:"));
        assert!(!is_absolute_iri(""));
    }

    #[test]
    fn urls_are_checked_for_characters_and_hosts() {
        assert!(is_valid_url("http://example.com/index.html?x=1"));
        assert!(is_valid_url("path/1/index.html"));
        assert!(!is_valid_url("http://example.com index.html"));
        assert!(!is_valid_url("http://"));
        assert!(!is_valid_url(""));
    }
}
