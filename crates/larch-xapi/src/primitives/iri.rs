//! IRIs and IRLs (xAPI-Data 4.0 and 2.2: "containing IRL or IRI values without a scheme" are
//! rejected; best-effort validation is allowed, RFC 3987).

use std::fmt;

use serde::Serialize;

/// An absolute IRI (RFC 3987), e.g. a verb id, an activity id or an extension key.
///
/// Invariant: a scheme (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`), a colon, a non-empty
/// remainder, no characters RFC 3987 excludes (spaces, controls, `<>"{}|\^` and backtick),
/// and well-formed percent escapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Iri(String);

impl Iri {
    /// Validates `raw` as an absolute IRI.
    pub fn parse(raw: &str) -> Option<Self> {
        is_iri(raw).then(|| Self(raw.to_owned()))
    }

    /// The IRI text, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `raw` is an absolute IRI (see [`Iri`]).
pub fn is_iri(raw: &str) -> bool {
    let Some((scheme, rest)) = raw.split_once(':') else {
        return false;
    };
    valid_scheme(scheme) && !rest.is_empty() && valid_iri_chars(rest)
}

/// RFC 3986 3.1: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn valid_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// RFC 3987 2.2: no excluded characters, percent escapes are `%` HEXDIG HEXDIG.
fn valid_iri_chars(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if b <= b' ' || b == 0x7f || b"<>\"{}|\\^`".contains(&b) {
            return false;
        }
        i += 1;
    }
    true
}

/// xAPI-Data 2.4.2.3: `mbox` is a `mailto:` IRI with an email address (`local@domain`).
pub fn is_mailto_iri(raw: &str) -> bool {
    let Some(address) = raw.strip_prefix("mailto:") else {
        return false;
    };
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && valid_iri_chars(address)
        && !address.contains(['(', ')', ',', ';', ':', '[', ']'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iri_table() {
        let cases = [
            ("http://adlnet.gov/expapi/verbs/attended", true),
            ("urn:uuid:9e3e0b4e-1f6e-4a55-9a3d-6f3c1e2b6a1d", true),
            ("https://example.com/a%20b?q=ü#frag", true),
            ("tag:example.com,2026:x", true),
            ("", false),
            ("ab", false),
            ("should fail", false),
            ("http:", false),
            ("1http://x", false),
            ("http://exa mple.com", false),
            ("http://example.com/%zz", false),
            ("http://example.com/<x>", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(is_iri(raw), ok, "{raw:?}");
        }
    }

    #[test]
    fn mailto_table() {
        let cases = [
            ("mailto:xapi@adlnet.gov", true),
            ("mailto:first.last+tag@sub.example.com", true),
            ("xapi@adlnet.gov", false),
            ("mailto:", false),
            ("mailto:xapi", false),
            ("mailto:@adlnet.gov", false),
            ("mailto:xapi@", false),
            ("MAILTO:xapi@adlnet.gov", false),
            ("mailto:xa pi@adlnet.gov", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(is_mailto_iri(raw), ok, "{raw:?}");
        }
    }
}
