//! Typed attribute values: each setter overwrites a field (already holding the CAM default,
//! from the definition types' `Default`) only when the attribute is present and valid, and
//! warns naming the kept default otherwise. Defaults are never written here.

use std::fmt::Display;

use roxmltree::Node;

use super::codes;
use super::xml::{Ctx, attr};

/// `xs:boolean` (`true`, `false`, `1`, `0`), ignoring surrounding spaces and letter case as
/// Java's `Boolean.valueOf` in the ADL sample RTE does.
pub(crate) fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// An identifier of type `xs:anyURI` (objective ids, global objective and shared data
/// targets) in the form used to compare it: percent-decoded, then white space collapsed as
/// the type's `collapse` facet requires. The ADL conformance tests (OB-02, OB-11, OB-12)
/// expect `" ob%20j%201 "` and `"ob%20%20j 1"` to name the same objective. `None` if empty.
pub(crate) fn uri_id(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}

/// Warns that `raw` is not a valid value of `name` and that `kept` is used instead.
pub(crate) fn invalid(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    name: &str,
    raw: &str,
    kept: &dyn Display,
) {
    ctx.warn(
        codes::INVALID_VALUE,
        format!("The value \"{raw}\" of {name} is not valid, so {kept} was used."),
        node,
    );
}

/// Sets `field` from a boolean attribute.
pub(crate) fn set_bool(ctx: &mut Ctx<'_>, node: Node<'_, '_>, name: &str, field: &mut bool) {
    let Some(raw) = attr(node, name) else { return };
    match parse_bool(raw) {
        Some(value) => *field = value,
        None => invalid(ctx, node, name, raw, &format!("the default {field}")),
    }
}

/// Sets `field` from a decimal attribute that must lie in `min..=max`.
pub(crate) fn set_decimal(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    name: &str,
    (min, max): (f64, f64),
    field: &mut f64,
) {
    let Some(raw) = attr(node, name) else { return };
    match parse_decimal(raw, min, max) {
        Some(value) => *field = value,
        None => invalid(ctx, node, name, raw, &format!("the default {field}")),
    }
}

/// A decimal in `min..=max` (`xs:decimal`: no exponent, no NaN).
pub(crate) fn parse_decimal(raw: &str, min: f64, max: f64) -> Option<f64> {
    let trimmed = raw.trim();
    let plain = trimmed
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    let value: f64 = trimmed
        .parse()
        .ok()
        .filter(|_| plain && !trimmed.is_empty())?;
    (min..=max).contains(&value).then_some(value)
}

/// A non-negative integer attribute (`xs:nonNegativeInteger`), or `None` when absent.
/// Invalid values warn and yield `None` (the caller keeps its default).
pub(crate) fn non_negative(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    name: &str,
    kept: &dyn Display,
) -> Option<u32> {
    let raw = attr(node, name)?;
    let parsed = raw.trim().trim_start_matches('+').parse::<u32>().ok();
    if parsed.is_none() {
        invalid(ctx, node, name, raw, kept);
    }
    parsed
}

/// Sets `field` from a token attribute parsed by `from_token` (the vocabulary's parser).
pub(crate) fn set_token<T: std::fmt::Debug>(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    name: &str,
    from_token: fn(&str) -> Option<T>,
    field: &mut T,
) {
    let Some(raw) = attr(node, name) else { return };
    match token(raw, from_token) {
        Some(value) => *field = value,
        None => invalid(ctx, node, name, raw, &format!("the default {field:?}")),
    }
}

/// Parses a token, forgiving surrounding spaces and a wrong case of the first letter
/// (`Satisfied` for `satisfied`): every SCORM vocabulary is lower camel case.
pub(crate) fn token<T>(raw: &str, from_token: impl Fn(&str) -> Option<T>) -> Option<T> {
    let trimmed = raw.trim();
    from_token(trimmed).or_else(|| {
        let mut chars = trimmed.chars();
        let first = chars.next()?.to_ascii_lowercase();
        from_token(&format!("{first}{}", chars.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_decimals_follow_xml_schema() {
        assert_eq!(parse_bool(" TRUE "), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_decimal("0.75", 0.0, 1.0), Some(0.75));
        assert_eq!(parse_decimal("-1", -1.0, 1.0), Some(-1.0));
        assert_eq!(parse_decimal("1.5", 0.0, 1.0), None);
        assert_eq!(parse_decimal("1e-1", 0.0, 1.0), None);
        assert_eq!(parse_decimal("NaN", 0.0, 1.0), None);
    }

    #[test]
    fn uri_identifiers_compare_decoded_and_collapsed() {
        assert_eq!(uri_id("  %20obj%20%201%20  ").as_deref(), Some("obj 1"));
        assert_eq!(
            uri_id(" ob%20j%201     "),
            uri_id("    ob%20%20%20j%20%201  ")
        );
        assert_eq!(uri_id(" %20 "), None);
    }

    #[test]
    fn tokens_forgive_the_case_of_the_first_letter() {
        fn vocab(t: &str) -> Option<u8> {
            (t == "exitAll").then_some(1)
        }
        assert_eq!(token(" ExitAll ", vocab), Some(1));
        assert_eq!(token("exitall", vocab), None);
    }
}
