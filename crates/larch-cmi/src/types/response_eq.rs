//! Semantic equality of interaction patterns and responses (RTE 4.2.9): two
//! spellings are the same value when they differ only in defaults
//! (`{case_matters=false}`, `{order_matters=true}`, `{lang=en}`), in the
//! spelling of numbers, or beyond the smallest permitted maximum of a part.

use super::interaction::InteractionType;
use super::{parse_real, split_localized};

const SEP: &str = "[,]";
const PAIR: &str = "[.]";
const RANGE: &str = "[:]";

/// True if `a` and `b` are the same pattern (`pattern = true`) or learner
/// response of an interaction of type `ty`.
pub fn interaction_values_equivalent(ty: InteractionType, pattern: bool, a: &str, b: &str) -> bool {
    a == b
        || matches!((normalize(ty, pattern, a), normalize(ty, pattern, b)), (Some(x), Some(y)) if x == y)
}

fn trunc(s: &str, spm: usize) -> String {
    s.chars().take(spm).collect()
}

/// Splits `{key=value}rest` into its parts.
fn delimiter(s: &str) -> Option<(&str, &str, &str)> {
    let (inner, after) = s.strip_prefix('{')?.split_once('}')?;
    let (key, value) = inner.split_once('=')?;
    Some((key, value, after))
}

/// Reads the leading delimiters of a pattern in any order, each at most once
/// (`{case_matters=…}`, `{order_matters=…}`, `{lang=…}` for the first part).
/// Returns the flag values (defaults where absent) and the language.
fn leading(s: &mut &str, names: &[(&str, bool)]) -> (Vec<String>, Option<String>) {
    let mut values: Vec<Option<bool>> = vec![None; names.len()];
    let mut lang: Option<String> = None;
    while let Some((key, value, after)) = delimiter(s) {
        let slot = names.iter().position(|(n, _)| *n == key);
        match slot {
            Some(i) if values[i].is_none() && (value == "true" || value == "false") => {
                values[i] = Some(value == "true");
            }
            None if key == "lang" && lang.is_none() && super::language::is_language(value) => {
                lang = Some(value.to_ascii_lowercase());
            }
            _ => break,
        }
        *s = after;
    }
    let flags = names
        .iter()
        .zip(values)
        .map(|((n, d), v)| format!("{n}={}", v.unwrap_or(*d)))
        .collect();
    (flags, lang)
}

fn localized(s: &str, spm: usize) -> Option<String> {
    let (lang, text) = split_localized(s).ok()?;
    Some(format!(
        "{}|{}",
        lang.unwrap_or("en").to_ascii_lowercase(),
        trunc(text, spm)
    ))
}

fn number(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    parse_real(s).map(|v| format!("{v}"))
}

fn range(s: &str) -> Option<String> {
    match s.split_once(RANGE) {
        Some((lo, hi)) => Some(format!("{}:{}", number(lo)?, number(hi)?)),
        None => number(s),
    }
}

fn normalize(ty: InteractionType, pattern: bool, v: &str) -> Option<Vec<String>> {
    use InteractionType as T;
    let mut s = v;
    let mut out = Vec::new();
    match ty {
        T::TrueFalse | T::Likert => out.push(trunc(v, 250)),
        T::Choice | T::Sequencing => out.extend(v.split(SEP).map(|i| trunc(i, 250))),
        T::Matching => out.extend(v.split(SEP).map(|p| {
            p.split(PAIR)
                .map(|x| trunc(x, 250))
                .collect::<Vec<_>>()
                .join(".")
        })),
        T::Numeric => out.push(if pattern { range(v)? } else { number(v)? }),
        T::Other => out.push(trunc(v, 4000)),
        T::FillIn | T::LongFillIn => out.extend(fill_in(ty, pattern, s)?),
        T::Performance => {
            if pattern {
                out.extend(leading(&mut s, &[("order_matters", true)]).0);
            }
            for step in s.split(SEP) {
                let (name, answer) = step.split_once(PAIR).unwrap_or((step, ""));
                let answer = if pattern && answer.contains(RANGE) {
                    range(answer)?
                } else {
                    trunc(answer, 250)
                };
                out.push(format!("{}.{answer}", trunc(name, 250)));
            }
        }
    }
    Some(out)
}

/// Fill-in and long-fill-in: leading `{case_matters}`/`{order_matters}`
/// flags (patterns only) and a language for the first part, then
/// localized parts compared up to their SPM (250 / 4,000).
fn fill_in(ty: InteractionType, pattern: bool, mut s: &str) -> Option<Vec<String>> {
    let long = ty == InteractionType::LongFillIn;
    let (names, spm): (&[(&str, bool)], usize) = if long {
        (&[("case_matters", false)], 4000)
    } else {
        (&[("case_matters", false), ("order_matters", true)], 250)
    };
    let mut out = Vec::new();
    let lang = if pattern {
        let (flags, lang) = leading(&mut s, names);
        out.extend(flags);
        lang
    } else {
        None
    };
    let parts: Vec<&str> = if long {
        vec![s]
    } else {
        s.split(SEP).collect()
    };
    for (i, item) in parts.into_iter().enumerate() {
        match (&lang, i) {
            (Some(l), 0) => out.push(format!("{l}|{}", trunc(item, spm))),
            _ => out.push(localized(item, spm)?),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::InteractionType as T;
    use super::interaction_values_equivalent as eq;

    #[test]
    fn defaults_do_not_matter() {
        assert!(eq(T::FillIn, true, "{case_matters=false}z", "z"));
        assert!(eq(
            T::FillIn,
            true,
            "{order_matters=true}{case_matters=false}z",
            "{lang=en}z"
        ));
        assert!(!eq(T::FillIn, true, "{case_matters=true}z", "z"));
        assert!(eq(T::LongFillIn, false, "{lang=en}", ""));
        assert!(eq(T::Numeric, true, "3.0[:]4", "3[:]4.00"));
        assert!(eq(
            T::Performance,
            true,
            "{order_matters=true}a[.]b",
            "a[.]b"
        ));
        assert!(eq(
            T::LongFillIn,
            true,
            "{lang=eng}{case_matters=true}x",
            "{case_matters=true}{lang=eng}x"
        ));
    }
}
