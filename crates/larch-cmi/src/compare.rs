//! Semantic equality of two values of one element: the comparison the ADL
//! conformance test suite applies (RTE 4.1.1: reals compare as numbers,
//! durations as lengths, characterstrings up to their SPM, `_children` as
//! sets), and the one the server uses to decide whether a change is real.

use crate::path::ElementPath;
use crate::schema::{Schema, ValueKind};
use crate::state::CmiState;
use crate::types::interaction::InteractionType;
use crate::types::response_eq::interaction_values_equivalent;
use crate::types::{duration, parse_real, split_localized, v12};

/// True if `a` and `b` denote the same value of `element` in the data model
/// of `state` (whose interaction types decide how patterns compare).
/// Unknown elements compare as plain strings.
pub fn values_equivalent(state: &CmiState, element: &str, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if element.ends_with("._children") {
        return sorted_tokens(a) == sorted_tokens(b);
    }
    let path = ElementPath::parse(element);
    let Some(def) = Schema::for_version(state.version).element(&path.pattern) else {
        return false;
    };
    match def.kind {
        ValueKind::Real { .. } | ValueKind::InteractionResult => {
            num_eq(parse_real(a), parse_real(b))
        }
        ValueKind::CmiDecimal | ValueKind::CmiScore => {
            num_eq(v12::parse_decimal(a), v12::parse_decimal(b))
        }
        ValueKind::TimeInterval => {
            duration::parse_iso(a).is_some_and(|x| duration::parse_iso(b) == Some(x))
        }
        ValueKind::CmiTimespan => {
            duration::parse_timespan(a).is_some_and(|x| duration::parse_timespan(b) == Some(x))
        }
        ValueKind::CharacterString { spm } | ValueKind::LongIdentifier { spm } => {
            truncated_eq(a, b, spm)
        }
        ValueKind::LocalizedString { spm } => localized_eq(a, b, spm),
        ValueKind::Language => a.eq_ignore_ascii_case(b),
        ValueKind::CorrectResponsePattern | ValueKind::LearnerResponse => {
            let ty = path
                .indices
                .first()
                .and_then(|(c, i)| state.get(&format!("{c}.{i}.type")))
                .and_then(InteractionType::parse);
            let pattern = def.kind == ValueKind::CorrectResponsePattern;
            ty.is_some_and(|t| interaction_values_equivalent(t, pattern, a, b))
        }
        _ => false,
    }
}

fn sorted_tokens(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.split(',').collect();
    v.sort_unstable();
    v
}

fn num_eq(a: Option<f64>, b: Option<f64>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if (x - y).abs() < 1e-7)
}

/// The LMS may truncate values beyond the SPM (RTE 4.1.1.1), so only the
/// first SPM characters must agree.
fn truncated_eq(a: &str, b: &str, spm: usize) -> bool {
    a.chars().take(spm).eq(b.chars().take(spm))
}

/// `{lang=en}` is the default language: `"{lang=en}x"` equals `"x"`;
/// languages compare case-insensitively, texts up to the SPM.
fn localized_eq(a: &str, b: &str, spm: usize) -> bool {
    match (split_localized(a), split_localized(b)) {
        (Ok((la, ta)), Ok((lb, tb))) => {
            let lang_eq = la.unwrap_or("en").eq_ignore_ascii_case(lb.unwrap_or("en"));
            lang_eq && truncated_eq(ta, tb, spm)
        }
        _ => false,
    }
}
