//! SCORM 2004 interaction response formats (RTE 4.2.9.1, Table 4.2.9.1a for
//! `correct_responses.n.pattern`; RTE 4.2.9.2, Table 4.2.9.2a for
//! `learner_response`). Both depend on `cmi.interactions.n.type`.

use serde::{Deserialize, Serialize};

use super::{is_uri, parse_real, split_localized};

/// `cmi.interactions.n.type` (RTE 4.2.9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InteractionType {
    /// `true-false`
    TrueFalse,
    /// `choice`
    Choice,
    /// `fill-in`
    FillIn,
    /// `long-fill-in`
    LongFillIn,
    /// `likert`
    Likert,
    /// `matching`
    Matching,
    /// `performance`
    Performance,
    /// `sequencing`
    Sequencing,
    /// `numeric`
    Numeric,
    /// `other`
    Other,
}

impl InteractionType {
    /// Parses the vocabulary token.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "true-false" => Self::TrueFalse,
            "choice" => Self::Choice,
            "fill-in" => Self::FillIn,
            "long-fill-in" => Self::LongFillIn,
            "likert" => Self::Likert,
            "matching" => Self::Matching,
            "performance" => Self::Performance,
            "sequencing" => Self::Sequencing,
            "numeric" => Self::Numeric,
            "other" => Self::Other,
            _ => return None,
        })
    }

    /// How many correct response patterns the type allows (RTE 4.2.9.1:
    /// true-false, likert, numeric and other have exactly one; the others
    /// follow the collection's SPM).
    pub fn max_patterns(self) -> Option<usize> {
        match self {
            Self::TrueFalse | Self::Likert | Self::Numeric | Self::Other => Some(1),
            _ => None,
        }
    }
}

const SEP: &str = "[,]";
const PAIR: &str = "[.]";
const RANGE: &str = "[:]";

/// short_identifier_type (RTE 4.1.1.4): a URI (SPM 250, which longer values
/// may exceed).
fn short_id(s: &str) -> bool {
    is_uri(s)
}

fn bool_word(s: &str) -> bool {
    s == "true" || s == "false"
}

/// Strips leading `{case_matters=…}` / `{order_matters=…}` delimiters (each
/// at most once, in any order). `None` if one is present with a value other
/// than `true`/`false`.
fn strip_flags<'a>(mut s: &'a str, allowed: &[&str]) -> Option<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    loop {
        let Some(name) = allowed.iter().find(|n| s.starts_with(&format!("{{{n}="))) else {
            return Some(s);
        };
        if seen.contains(name) {
            return Some(s);
        }
        let rest = &s[name.len() + 2..];
        let (value, after) = rest.split_once('}')?;
        if !bool_word(value) {
            return None;
        }
        seen.push(name);
        s = after;
    }
}

/// A localized string part. Its SPM is a minimum the LMS must store, not a
/// limit (RTE 4.1.1.1), so only the delimiter is checked.
fn localized(s: &str) -> bool {
    split_localized(s).is_ok()
}

fn id_list(s: &str, unique: bool) -> bool {
    if s.is_empty() {
        return true;
    }
    let items: Vec<&str> = s.split(SEP).collect();
    if !items.iter().all(|i| short_id(i)) {
        return false;
    }
    !unique
        || items
            .iter()
            .enumerate()
            .all(|(i, a)| !items[..i].contains(a))
}

fn matching(s: &str) -> bool {
    s.split(SEP).all(|pair| match pair.split_once(PAIR) {
        Some((a, b)) => short_id(a) && short_id(b) && !b.contains(PAIR),
        None => false,
    })
}

fn numeric_range(s: &str) -> bool {
    let Some((lo, hi)) = s.split_once(RANGE) else {
        return parse_real(s).is_some();
    };
    let lo_v = if lo.is_empty() {
        Some(f64::NEG_INFINITY)
    } else {
        parse_real(lo)
    };
    let hi_v = if hi.is_empty() {
        Some(f64::INFINITY)
    } else {
        parse_real(hi)
    };
    matches!((lo_v, hi_v), (Some(a), Some(b)) if a <= b)
}

fn performance(s: &str, pattern: bool) -> bool {
    s.split(SEP).all(|step| {
        let (name, answer) = match step.split_once(PAIR) {
            Some(p) => p,
            None => return false,
        };
        if name.is_empty() && answer.is_empty() {
            return false;
        }
        if answer.contains(PAIR) {
            return false;
        }
        let name_ok = name.is_empty() || short_id(name);
        let answer_ok = !(pattern && answer.contains(RANGE)) || numeric_range(answer);
        name_ok && answer_ok
    })
}

/// True if `value` is a valid `correct_responses.n.pattern` for `ty`.
pub fn is_valid_pattern(ty: InteractionType, value: &str) -> bool {
    use InteractionType as T;
    match ty {
        T::TrueFalse => bool_word(value),
        T::Choice => id_list(value, true),
        T::FillIn => strip_flags(value, &["case_matters", "order_matters"])
            .is_some_and(|rest| rest.split(SEP).all(localized)),
        T::LongFillIn => strip_flags(value, &["case_matters"]).is_some_and(localized),
        T::Likert => short_id(value),
        T::Matching => matching(value),
        T::Performance => {
            strip_flags(value, &["order_matters"]).is_some_and(|rest| performance(rest, true))
        }
        T::Sequencing => id_list(value, false) && !value.is_empty(),
        T::Numeric => numeric_range(value),
        T::Other => true,
    }
}

/// True if `value` is a valid `learner_response` for `ty`.
pub fn is_valid_response(ty: InteractionType, value: &str) -> bool {
    use InteractionType as T;
    match ty {
        T::TrueFalse => bool_word(value),
        T::Choice => id_list(value, true),
        T::FillIn => value.split(SEP).all(localized),
        T::LongFillIn => localized(value),
        T::Likert => short_id(value),
        T::Matching => matching(value),
        T::Performance => performance(value, false),
        T::Sequencing => id_list(value, false) && !value.is_empty(),
        T::Numeric => parse_real(value).is_some(),
        T::Other => true,
    }
}

#[cfg(test)]
mod tests {
    use super::InteractionType as T;
    use super::*;

    #[test]
    fn patterns() {
        let ok = [
            (T::TrueFalse, "true"),
            (T::Choice, "a[,]b"),
            (T::Choice, ""),
            (
                T::FillIn,
                "{case_matters=true}{order_matters=false}{lang=en}car[,]bus",
            ),
            (T::LongFillIn, "{case_matters=false}Long text"),
            (T::Matching, "a[.]b[,]c[.]d"),
            (
                T::Performance,
                "{order_matters=false}step1[.]answer[,][.]1[:]5",
            ),
            (T::Sequencing, "a[,]b[,]a"),
            (T::Numeric, "1[:]5"),
            (T::Numeric, "[:]5"),
            (T::Likert, "strongly_agree"),
        ];
        for (ty, v) in ok {
            assert!(is_valid_pattern(ty, v), "{ty:?} {v}");
        }
        let bad = [
            (T::TrueFalse, "t"),
            (T::Choice, "a[,]a"),
            (T::Choice, "a b"),
            (T::FillIn, "{case_matters=yes}x"),
            (T::FillIn, "{lang=frl}x"),
            (T::Matching, "a[.]"),
            (T::Numeric, "5[:]1"),
            (T::Performance, "[.]"),
        ];
        for (ty, v) in bad {
            assert!(!is_valid_pattern(ty, v), "{ty:?} {v}");
        }
    }
}
