//! ISO 8601 durations as used by `attemptAbsoluteDurationLimit` (CAM 5.1.4, type
//! `xs:duration`) and by SCORM's `timeinterval (second,10,2)` (RTE 4.1.1.7).

/// A duration string that is not an ISO 8601 duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 8601 duration such as PT1H30M")]
pub struct DurationError(pub String);

/// Parses `P[nY][nM][nD][T[nH][nM][n[.n]S]]` into seconds.
///
/// Years count as 365 days and months as 30 days: limits in real packages use hours and
/// minutes, and the books fix no calendar for these designators.
pub fn parse_duration_secs(text: &str) -> Result<f64, DurationError> {
    let err = || DurationError(text.to_owned());
    let rest = text.trim().strip_prefix('P').ok_or_else(err)?;
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return Err(err()),
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return Err(err());
    }
    let date_secs = sum_fields(
        date,
        &[
            ('Y', 365.0 * 86_400.0),
            ('M', 30.0 * 86_400.0),
            ('D', 86_400.0),
        ],
    )
    .ok_or_else(err)?;
    let time_secs = match time {
        Some(t) => sum_fields(t, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)]).ok_or_else(err)?,
        None => 0.0,
    };
    Ok(date_secs + time_secs)
}

/// Adds up `<number><designator>` fields, which must appear in the order of `units`.
fn sum_fields(mut text: &str, units: &[(char, f64)]) -> Option<f64> {
    let mut total = 0.0;
    let mut next_unit = 0;
    while !text.is_empty() {
        let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (number, tail) = text.split_at(end);
        let designator = tail.chars().next()?;
        let offset = units[next_unit..]
            .iter()
            .position(|(u, _)| *u == designator)?;
        let (_, factor) = units[next_unit + offset];
        // Only seconds may carry a fraction (RTE 4.1.1.7: `PT1.5S`, never `PT1.5M`).
        if number.is_empty() || (number.contains('.') && designator != 'S') {
            return None;
        }
        total += number.parse::<f64>().ok()? * factor;
        next_unit += offset + 1;
        text = &tail[designator.len_utf8()..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_packages_use() {
        assert_eq!(parse_duration_secs("PT1H30M"), Ok(5_400.0));
        assert_eq!(parse_duration_secs("PT0.5S"), Ok(0.5));
        assert_eq!(parse_duration_secs("P1DT1S"), Ok(86_401.0));
        assert_eq!(parse_duration_secs("P0D"), Ok(0.0));
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in ["", "P", "PT", "1H", "PT1.5M", "PT1S1H", "PTH", "P1H"] {
            assert!(
                parse_duration_secs(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }
}
