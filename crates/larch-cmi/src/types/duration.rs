//! Time intervals: SCORM 2004 timeinterval(second,10,2) (RTE 4.1.1.8, an
//! ISO 8601 duration such as `PT1H30M5.25S`) and SCORM 1.2 CMITimespan
//! (RTE 1.2 3.4.1, `HHHH:MM:SS.SS`).
//!
//! Durations are held as whole centiseconds, the precision both specs give.
//! ISO 8601 years and months have no fixed length; like the ADL sample RTE we
//! count a year as 365 days and a month as 30 days when adding durations.

/// Centiseconds in one second, minute, hour, day, month and year.
const CS: u64 = 100;
const MIN: u64 = 60 * CS;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;

/// Parses an ISO 8601 duration (`P[nY][nM][nD][T[nH][nM][n[.n]S]]`), returning
/// centiseconds. At least one component is required, and `T` must be
/// followed by one. Fractions beyond hundredths are truncated.
pub fn parse_iso(raw: &str) -> Option<u64> {
    let body = raw.strip_prefix('P')?;
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let mut any = false;
    let mut total = components(
        date,
        &[('Y', 365 * DAY), ('M', 30 * DAY), ('D', DAY)],
        &mut any,
        false,
    )?;
    if let Some(t) = time {
        let mut any_time = false;
        // Checked: a hostile `P…Y…T…H` must be refused, not overflow.
        total = total.checked_add(components(
            t,
            &[('H', HOUR), ('M', MIN), ('S', CS)],
            &mut any_time,
            true,
        )?)?;
        if !any_time {
            return None;
        }
        any = true;
    }
    any.then_some(total)
}

/// Reads `<number><designator>` groups in the order of `units`.
fn components(
    mut s: &str,
    units: &[(char, u64)],
    any: &mut bool,
    seconds_last: bool,
) -> Option<u64> {
    let mut total = 0u64;
    for (i, &(designator, scale)) in units.iter().enumerate() {
        let Some(end) = s.find(designator) else {
            continue;
        };
        let number = &s[..end];
        let allow_fraction = seconds_last && i == units.len() - 1;
        total = total.checked_add(scaled(number, scale, allow_fraction)?)?;
        *any = true;
        s = &s[end + 1..];
    }
    s.is_empty().then_some(total)
}

fn scaled(number: &str, scale: u64, allow_fraction: bool) -> Option<u64> {
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) if allow_fraction && !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (number, ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = int.parse().ok()?;
    let hundredths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(2)
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    whole
        .checked_mul(scale)?
        .checked_add(hundredths * scale / CS)
}

/// Formats centiseconds as an ISO 8601 duration, `PT{h}H{m}M{s}S`, with the
/// fraction only when non-zero (`PT0H0M0S` for zero, as RTE 4.2.25 shows).
pub fn format_iso(centis: u64) -> String {
    let (h, m, s, c) = split(centis);
    if c == 0 {
        format!("PT{h}H{m}M{s}S")
    } else {
        format!("PT{h}H{m}M{s}.{c:02}S")
    }
}

/// Parses a SCORM 1.2 CMITimespan `HHHH:MM:SS.SS` (2–4 hour digits, optional
/// one- or two-digit fraction), returning centiseconds.
pub fn parse_timespan(raw: &str) -> Option<u64> {
    let mut parts = raw.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !(2..=4).contains(&h.len()) || m.len() != 2 {
        return None;
    }
    let (sec, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if sec.len() != 2 || frac.len() > 2 || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    if !(digits(h) && digits(m) && digits(sec) && digits(frac)) {
        return None;
    }
    let (h, m, sec): (u64, u64, u64) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if m > 59 || sec > 59 {
        return None;
    }
    let c = if frac.len() == 1 {
        frac.parse::<u64>().ok()? * 10
    } else {
        frac.parse().unwrap_or(0)
    };
    Some(h * HOUR + m * MIN + sec * CS + c)
}

/// Formats centiseconds as a SCORM 1.2 CMITimespan, `HHHH:MM:SS.SS`.
/// Hours beyond 9999 are clamped, the largest value the type can hold.
pub fn format_timespan(centis: u64) -> String {
    let (h, m, s, c) = split(centis.min(10_000 * HOUR - 1));
    format!("{h:04}:{m:02}:{s:02}.{c:02}")
}

fn split(centis: u64) -> (u64, u64, u64, u64) {
    (
        centis / HOUR,
        centis % HOUR / MIN,
        centis % MIN / CS,
        centis % CS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(parse_iso("PT1M"), Some(6000));
        assert_eq!(parse_iso("PT01H059M020S"), Some(7160 * 100));
        assert_eq!(parse_iso("P0Y029DT0H"), Some(29 * DAY));
        assert_eq!(parse_iso("PT58.55S"), Some(5855));
        assert_eq!(parse_iso("PT0.5S"), Some(50));
        for bad in [
            "", "P", "PT", "P1H", "PT1D", "1M", "PT-1S", "P1.5D", "PT1.S", "P1M2Y", "PT1S2M",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        assert_eq!(parse_iso("P2100000000000DT1000000000000H"), None);
        assert_eq!(format_iso(7220 * 100), "PT2H0M20S");
        assert_eq!(format_iso(0), "PT0H0M0S");
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("0000:01:30.5"), Some(9050));
        assert_eq!(parse_timespan("12:00:00"), Some(12 * HOUR));
        for bad in [
            "1:00:00",
            "00:60:00",
            "00:00:00.",
            "00:00:00.123",
            "00:00",
            "aa:00:00",
        ] {
            assert_eq!(parse_timespan(bad), None, "{bad}");
        }
        assert_eq!(format_timespan(9050), "0000:01:30.50");
    }
}
