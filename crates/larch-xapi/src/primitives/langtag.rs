//! RFC 5646 language tags and xAPI language maps (xAPI-Data 4.2: "the LRS MUST at least
//! validate that the sequence of token lengths for language map keys matches RFC 5646").

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};

/// A language map: RFC 5646 tag → text (xAPI-Data 4.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct LanguageMap(pub BTreeMap<String, String>);

impl LanguageMap {
    /// Validates a JSON language map: an object whose keys are RFC 5646 tags and whose values
    /// are strings.
    pub(crate) fn parse(value: &Value, path: &Path<'_>) -> Valid<Self> {
        let Value::Object(map) = value else {
            return Err(path.err("must be a language map (an object)"));
        };
        let mut out = BTreeMap::new();
        for (tag, text) in map {
            if !is_language_tag(tag) {
                return Err(path.key(tag).err("is not an RFC 5646 language tag"));
            }
            let Value::String(text) = text else {
                return Err(path.key(tag).err("must be a string"));
            };
            out.insert(tag.clone(), text.clone());
        }
        Ok(Self(out))
    }

    /// The entry for the first of `preferred` tags found (case-insensitive, with prefix
    /// fallback `en-US` → `en`), else `und`, else any entry (the `canonical` format).
    pub fn best<'a>(&'a self, preferred: &[String]) -> Option<(&'a String, &'a String)> {
        for want in preferred {
            let want = want.to_ascii_lowercase();
            let found = self
                .0
                .iter()
                .find(|(tag, _)| tag.to_ascii_lowercase() == want)
                .or_else(|| {
                    let primary = want.split('-').next().unwrap_or_default();
                    self.0.iter().find(|(tag, _)| {
                        tag.to_ascii_lowercase().split('-').next() == Some(primary)
                    })
                });
            if found.is_some() {
                return found;
            }
        }
        self.0.get_key_value("und").or_else(|| self.0.iter().next())
    }
}

/// RFC 5646 2.1 grandfathered tags (irregular and regular), lowercase.
const GRANDFATHERED: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

/// Whether `tag` is a well-formed RFC 5646 language tag (section 2.1 ABNF).
pub fn is_language_tag(tag: &str) -> bool {
    if GRANDFATHERED.contains(&tag.to_ascii_lowercase().as_str()) {
        return true;
    }
    let subtags: Vec<&str> = tag.split('-').collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !s.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return false;
    }
    if subtags[0].eq_ignore_ascii_case("x") {
        return private_use(&subtags[1..]);
    }
    langtag(&subtags)
}

fn alpha(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphabetic())
}

fn digit(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

/// `privateuse = "x" 1*("-" (1*8alphanum))` (after the `x`).
fn private_use(rest: &[&str]) -> bool {
    !rest.is_empty()
}

/// `langtag = language ["-" script] ["-" region] *("-" variant) *("-" extension) ["-" privateuse]`.
fn langtag(s: &[&str]) -> bool {
    let mut i = 0;
    // language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
    let lang = s[0];
    if !alpha(lang) || lang.len() < 2 {
        return false;
    }
    i += 1;
    if lang.len() <= 3 {
        // extlang = 3ALPHA *2("-" 3ALPHA)
        let mut ext = 0;
        while ext < 3 && s.get(i).is_some_and(|t| t.len() == 3 && alpha(t)) {
            ext += 1;
            i += 1;
        }
    }
    // script = 4ALPHA
    if s.get(i).is_some_and(|t| t.len() == 4 && alpha(t)) {
        i += 1;
    }
    // region = 2ALPHA / 3DIGIT
    if s.get(i)
        .is_some_and(|t| (t.len() == 2 && alpha(t)) || (t.len() == 3 && digit(t)))
    {
        i += 1;
    }
    // variant = 5*8alphanum / (DIGIT 3alphanum)
    while s
        .get(i)
        .is_some_and(|t| t.len() >= 5 || (t.len() == 4 && t.as_bytes()[0].is_ascii_digit()))
    {
        i += 1;
    }
    extensions_and_private_use(&s[i..])
}

/// `*("-" extension) ["-" privateuse]`, `extension = singleton 1*("-" (2*8alphanum))`.
fn extensions_and_private_use(s: &[&str]) -> bool {
    let mut i = 0;
    while i < s.len() {
        let singleton = s[i];
        if singleton.len() != 1 {
            return false;
        }
        if singleton.eq_ignore_ascii_case("x") {
            return private_use(&s[i + 1..]);
        }
        i += 1;
        let start = i;
        while s.get(i).is_some_and(|t| t.len() >= 2) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tag_table() {
        let cases = [
            ("en", true),
            ("en-US", true),
            ("en-GB", true),
            ("zh-Hant-TW", true),
            ("sr-Latn-RS", true),
            ("es-419", true),
            ("de-CH-1901", true),
            ("sl-rozaj-biske", true),
            ("zh-yue-HK", true),
            ("en-a-bbb-x-a-ccc", true),
            ("x-whatever", true),
            ("i-klingon", true),
            ("und", true),
            ("", false),
            ("e", false),
            ("a12345", false),
            ("en-", false),
            ("-en", false),
            ("en--US", false),
            ("en-US-a", false),
            ("en-a-b", false),
            ("abcdefghi", false),
            ("en_US", false),
            ("123", false),
            ("x", false),
        ];
        for (tag, ok) in cases {
            assert_eq!(is_language_tag(tag), ok, "{tag:?}");
        }
    }

    #[test]
    fn best_entry_prefers_accept_language_then_und() {
        let map = LanguageMap(
            [("en-US", "attended"), ("fr-FR", "a assisté"), ("und", "x")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        );
        assert_eq!(
            map.best(&["fr-FR".to_owned()]).map(|e| e.0.as_str()),
            Some("fr-FR")
        );
        assert_eq!(
            map.best(&["fr".to_owned()]).map(|e| e.0.as_str()),
            Some("fr-FR")
        );
        assert_eq!(
            map.best(&["de".to_owned()]).map(|e| e.0.as_str()),
            Some("und")
        );
    }
}
