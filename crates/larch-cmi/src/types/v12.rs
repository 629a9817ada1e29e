//! SCORM 1.2 data types (RTE 1.2 section 3.4.1, "Data Types").

/// CMIIdentifier: 1–255 characters, no white space or unprintable characters.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// CMIDecimal: an optional minus sign, digits, an optional fraction.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let ok = !int.is_empty()
        && !frac.is_empty()
        && (int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

/// `cmi.core.score.*`: CMIBlank or a CMIDecimal from 0 to 100 (RTE 1.2 3.4.4,
/// "cmi.core.score.raw").
pub fn is_score(s: &str) -> bool {
    s.is_empty() || parse_decimal(s).is_some_and(|v| (0.0..=100.0).contains(&v))
}

/// CMITime: `HH:MM:SS[.SS]`, a time of day.
pub fn is_time(s: &str) -> bool {
    let Some(c) = super::duration::parse_timespan(s) else {
        return false;
    };
    s.split(':').next().is_some_and(|h| h.len() == 2) && c < 24 * 3600 * 100
}

/// CMISInteger within `min..=max`.
pub fn parse_sinteger(s: &str, min: i32, max: i32) -> Option<i32> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|v| (min..=max).contains(v))
}

/// `interactions.n.result`: correct, wrong, unanticipated, neutral or a CMIDecimal.
pub fn is_result(s: &str) -> bool {
    matches!(s, "correct" | "wrong" | "unanticipated" | "neutral") || parse_decimal(s).is_some()
}

fn single_char(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_lowercase()
}

fn char_list(s: &str) -> bool {
    let inner = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    inner
        .split(',')
        .all(|t| t.len() == 1 && single_char(t.as_bytes()[0]))
}

/// CMIFeedback (RTE 1.2 3.4.4, cmi.interactions.n.student_response): its
/// format depends on the interaction type. Without a type it is a
/// CMIString255. Returns false for values the type forbids.
pub fn is_feedback(ty: Option<&str>, s: &str) -> bool {
    if s.len() > 255 {
        return false;
    }
    match ty {
        Some("true-false") => matches!(s, "0" | "1" | "t" | "f"),
        Some("choice") | Some("sequencing") => s.is_empty() || char_list(s),
        Some("numeric") => parse_decimal(s).is_some(),
        Some("likert") => s.len() <= 1 && s.bytes().all(single_char),
        Some("matching") => {
            let inner = s
                .strip_prefix('{')
                .and_then(|x| x.strip_suffix('}'))
                .unwrap_or(s);
            inner.split(',').all(|p| {
                let b = p.as_bytes();
                b.len() == 3 && single_char(b[0]) && b[1] == b'.' && single_char(b[2])
            })
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_by_type() {
        assert!(is_feedback(Some("true-false"), "t"));
        assert!(!is_feedback(Some("true-false"), "true"));
        assert!(is_feedback(Some("choice"), "a,b,c"));
        assert!(is_feedback(Some("choice"), "{a,b}"));
        assert!(!is_feedback(Some("choice"), "answer one"));
        assert!(is_feedback(Some("matching"), "1.a,2.b"));
        assert!(is_feedback(Some("fill-in"), "anything at all"));
        assert!(is_feedback(None, "x"));
    }

    #[test]
    fn scores_and_times() {
        assert!(is_score("") && is_score("85.5") && !is_score("101") && !is_score("-1"));
        assert!(is_time("23:59:59.99") && !is_time("24:00:00") && !is_time("0001:00:00"));
        assert_eq!(parse_sinteger("-1", -1, 100), Some(-1));
        assert_eq!(parse_sinteger("101", -1, 100), None);
    }
}
