//! Value syntax of the data types of both specs, as pure functions.
//!
//! Each validator answers "is this string a value of the type"; the range and
//! length checks that map to distinct error codes (406 vs 407, SPM warnings)
//! are made by the SetValue validation that calls them.

pub mod duration;
pub mod interaction;
pub(crate) mod lang_codes;
pub mod language;
pub mod response_eq;
pub mod time;
pub mod v12;

/// Parses a SCORM 2004 real(10,7) (RTE 4.1.1.6): optional sign, decimal
/// digits with an optional fraction. Exponents, `NaN` and infinities are not
/// reals in the data model.
pub fn parse_real(raw: &str) -> Option<f64> {
    let body = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits_ok =
        int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    raw.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// True if `raw` is a URI reference as RFC 3986 allows it, the syntax of
/// long_identifier_type and short_identifier_type (RTE 4.1.1.3/4.1.1.4).
/// Empty strings, white space, control characters and characters RFC 3986
/// excludes (`<>"{}|\^` and back-tick) are rejected, as are malformed `%`
/// escapes, a second `#`, brackets (only legal around an IPv6 host, which an
/// identifier never is) and a scheme with nothing after it (`urn:`).
pub fn is_uri(raw: &str) -> bool {
    if raw.is_empty() || raw.matches('#').count() > 1 {
        return false;
    }
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if b < 0x80 && !is_uri_ascii(b) {
            return false;
        }
        i += 1;
    }
    // A scheme, if present, must start with a letter (RFC 3986 3.1).
    match raw.split_once(':') {
        Some((scheme, rest)) if !scheme.contains(['/', '?', '#']) => {
            !rest.is_empty()
                && !rest.starts_with('#')
                && scheme
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        }
        _ => true,
    }
}

fn is_uri_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'()*+,;=".contains(&b)
}

/// Number of characters (Unicode scalar values) in `s`, the unit in which
/// both specs count lengths.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Splits a SCORM 2004 localized string (RTE 4.1.1.2) into its optional
/// language delimiter and its text. `Err(())` if a `{lang=` delimiter is
/// present but malformed or names an invalid language.
#[expect(
    clippy::result_unit_err,
    reason = "the only failure is 'not a localized string'; the caller maps it to 406"
)]
pub fn split_localized(raw: &str) -> Result<(Option<&str>, &str), ()> {
    let Some(rest) = raw.strip_prefix("{lang=") else {
        return Ok((None, raw));
    };
    let Some((lang, text)) = rest.split_once('}') else {
        // No closing brace: not a delimiter, so the whole value is text.
        return Ok((None, raw));
    };
    if language::is_language(lang) {
        Ok((Some(lang), text))
    } else {
        Err(())
    }
}
