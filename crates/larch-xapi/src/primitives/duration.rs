//! Durations (xAPI-Data 4.6: ISO 8601:2004(E) 4.4.3.2 format only).

use std::borrow::Cow;

use serde::Serialize;

/// An ISO 8601 duration such as `PT1H0M0.1S`, `P3Y1M29DT4H35M59.14S` or `P4W`.
///
/// Invariant: `P`, then date components `nY nM nD` (or `nW` alone), then optionally `T` and
/// time components `nH nM nS`, at least one component, a decimal fraction only on the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Duration(String);

impl Duration {
    /// Validates `raw` (xAPI-Data 4.6).
    pub fn parse(raw: &str) -> Option<Self> {
        valid(raw).then(|| Self(raw.to_owned()))
    }

    /// The duration text, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid(raw: &str) -> bool {
    let Some(body) = raw.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = body.strip_suffix('W') {
        return number(weeks, true);
    }
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    if time.is_some_and(str::is_empty) {
        return false;
    }
    let mut components = 0;
    let mut fraction_seen = false;
    for (part, units) in [(date, "YMD"), (time.unwrap_or_default(), "HMS")] {
        let Some(n) = components_of(part, units, &mut fraction_seen) else {
            return false;
        };
        components += n;
    }
    components > 0
}

/// Counts `number unit` components of `part`, units in the order of `units`, each at most once.
fn components_of(part: &str, units: &str, fraction_seen: &mut bool) -> Option<usize> {
    let mut rest = part;
    let mut allowed = units;
    let mut count = 0;
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
        let (num, unit) = (&rest[..end], rest[end..].chars().next()?);
        let pos = allowed.find(unit)?;
        if *fraction_seen || !number(num, true) {
            return None;
        }
        *fraction_seen = num.contains(['.', ',']);
        allowed = &allowed[pos + 1..];
        rest = &rest[end + 1..];
        count += 1;
    }
    Some(count)
}

/// Digits, optionally with a decimal fraction (`.` or `,`).
fn number(s: &str, fraction_ok: bool) -> bool {
    let (int, frac) = match s.split_once(['.', ',']) {
        Some((i, f)) if fraction_ok => (i, Some(f)),
        Some(_) => return false,
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// xAPI 2.0 (IEEE 9274.1.1, 4.2.7): when comparing durations, precision beyond 0.01 s is
/// ignored: the seconds fraction is truncated to two digits.
pub fn duration_for_comparison(raw: &str) -> Cow<'_, str> {
    let Some(frac_start) = raw.find(['.', ',']).filter(|_| raw.ends_with('S')) else {
        return Cow::Borrowed(raw);
    };
    let digits = &raw[frac_start + 1..raw.len() - 1];
    if digits.len() <= 2 || !digits.is_ascii() {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(format!("{}.{}S", &raw[..frac_start], &digits[..2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_table() {
        let cases = [
            ("PT1H0M0.1S", true),
            ("PT4H35M59.14S", true),
            ("PT16559.14S", true),
            ("P3Y1M29DT4H35M59.14S", true),
            ("P3Y", true),
            ("P4W", true),
            ("P1DT12H36M0.12567S", true),
            ("PT0S", true),
            ("P4W1D", false),
            ("PA1H0M0S", false),
            ("should fail", false),
            ("P", false),
            ("PT", false),
            ("P1DT", false),
            ("PT1.5H30M", false),
            ("PT1S1M", false),
            ("P1M1Y", false),
            ("1H", false),
            ("PT-1S", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Duration::parse(raw).is_some(), ok, "{raw:?}");
        }
    }

    #[test]
    fn comparison_truncates_to_hundredths() {
        assert_eq!(
            duration_for_comparison("P1DT12H36M0.12567S"),
            "P1DT12H36M0.12S"
        );
        assert_eq!(
            duration_for_comparison("P1DT12H36M0.12S"),
            "P1DT12H36M0.12S"
        );
        assert_eq!(duration_for_comparison("PT5S"), "PT5S");
    }
}
