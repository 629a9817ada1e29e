//! SCORM 2004 language_type (RTE 4.1.1.5): an RFC 3066 language tag.

use super::lang_codes::{ISO_639_1, ISO_639_2, ISO_3166_1};

/// True if `tag` is a valid language tag: a primary subtag that is an
/// ISO 639-1/639-2 code (or `i`/`x`, or the private-use range `qaa`–`qtz`),
/// then subtags of 1–8 letters or digits. A two-letter second subtag must be an
/// ISO 3166-1 country code; RFC 3066 gives it no other meaning. Case does not
/// matter. At most 250 characters.
pub fn is_language(tag: &str) -> bool {
    if tag.is_empty() || tag.len() > 250 || !tag.is_ascii() {
        return false;
    }
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let subtags_ok = rest
        .iter()
        .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !subtags_ok {
        return false;
    }
    if primary == "i" || primary == "x" {
        return !rest.is_empty();
    }
    primary_ok(primary) && rest.first().is_none_or(|s| second_ok(s))
}

fn primary_ok(p: &str) -> bool {
    if !p.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    match p.len() {
        2 => ISO_639_1.binary_search(&p).is_ok(),
        3 => is_private_use(p) || ISO_639_2.binary_search(&p).is_ok(),
        _ => false,
    }
}

fn is_private_use(p: &str) -> bool {
    let b = p.as_bytes();
    b[0] == b'q' && (b'a'..=b't').contains(&b[1])
}

fn second_ok(s: &str) -> bool {
    match s.len() {
        1 => false,
        2 => ISO_3166_1
            .binary_search(&s.to_ascii_uppercase().as_str())
            .is_ok(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_language;

    #[test]
    fn accepts_iso_codes_in_any_case() {
        for ok in [
            "en",
            "EN",
            "en-US",
            "eng",
            "ABK",
            "fr-ca",
            "i-klingon",
            "x-private",
            "qaa",
            "zh-Hant",
        ] {
            assert!(is_language(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_unknown_codes() {
        for bad in [
            "", "sp", "frl", "exg", "ruq-JM", "en-ZZ", "english", "e", "en-", "en_US", "x",
        ] {
            assert!(!is_language(bad), "{bad}");
        }
    }
}
