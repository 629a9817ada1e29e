//! Timestamps (xAPI-Data 4.5: ISO 8601 date-times; an offset of `-00:00` is rejected; xAPI 2.0
//! also names RFC 3339).

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// A point in time with the text it is serialized as.
///
/// Equality and order compare the instant only: the serialization of timestamps is an
/// exception to statement immutability (xAPI-Data 2.3.1).
#[derive(Debug, Clone)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
    text: Box<str>,
}

impl Timestamp {
    /// Parses `YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh:mm|±hhmm|±hh]`. Without an offset the time is
    /// taken as UTC. Rejects `-00`, `-0000` and `-00:00` (xAPI-Data 4.5) and impossible dates.
    pub fn parse(raw: &str) -> Option<Self> {
        let (date, rest) = raw.split_at_checked(10)?;
        let days = parse_date(date)?;
        let rest = rest.strip_prefix(['T', 't'])?;
        let (clock, offset) = split_offset(rest)?;
        let (secs_of_day, nanos) = parse_clock(clock)?;
        let offset_secs = parse_offset(offset)?;
        let secs = days * 86_400 + secs_of_day - offset_secs;
        Some(Self {
            secs,
            nanos,
            text: raw.into(),
        })
    }

    /// The instant `nanos` nanoseconds after the Unix epoch, rendered in UTC (for `stored`,
    /// whose time the caller reads from its clock).
    pub fn from_unix_nanos(nanos: i128) -> Self {
        let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(i64::MAX);
        let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
        let text = render_utc(secs, sub).into_boxed_str();
        Self {
            secs,
            nanos: sub,
            text,
        }
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// The same instant rendered in UTC (`2023-05-04T17:00:00.000Z`); xAPI 2.0 stores
    /// timestamps converted to UTC.
    pub fn to_utc(&self) -> Self {
        Self {
            secs: self.secs,
            nanos: self.nanos,
            text: render_utc(self.secs, self.nanos).into(),
        }
    }

    /// The instant as an HTTP date (RFC 9110 5.6.7 IMF-fixdate, whole seconds), for the
    /// `Last-Modified` header xAPI 2.0 asks for on statements (`stored`) and documents.
    pub fn to_http_date(&self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (days, sod) = (self.secs.div_euclid(86_400), self.secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let weekday = DAYS[usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
        let month = MONTHS[usize::try_from(m - 1).unwrap_or(0)];
        format!(
            "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
            sod / 3600,
            sod % 3600 / 60,
            sod % 60
        )
    }

    /// The serialized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        (self.secs, self.nanos) == (other.secs, other.nanos)
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

fn digits(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// `YYYY-MM-DD` → days since 1970-01-01.
fn parse_date(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, d) = (
        digits(&date[..4])?,
        digits(&date[5..7])?,
        digits(&date[8..10])?,
    );
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Splits `hh:mm:ss.fffZ` into clock and offset text.
fn split_offset(rest: &str) -> Option<(&str, &str)> {
    match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => Some((&rest[..i], &rest[i..])),
        None => Some((rest, "")),
    }
}

/// `hh:mm[:ss[.fff]]` → (seconds of day, nanoseconds).
fn parse_clock(clock: &str) -> Option<(i64, u32)> {
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (clock, None),
    };
    let mut parts = hms.split(':');
    let (h, m) = (two(parts.next()?)?, two(parts.next()?)?);
    let s = parts.next().map_or(Some(0), two)?;
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 || (frac.is_some() && hms.len() != 8) {
        return None;
    }
    let nanos = match frac {
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(f) => f
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')),
        None => 0,
    };
    Some((h * 3600 + m * 60 + s.min(59), nanos))
}

fn two(s: &str) -> Option<i64> {
    if s.len() == 2 { digits(s) } else { None }
}

/// `Z`, `±hh:mm`, `±hhmm`, `±hh`, or empty (UTC) → offset seconds. `-00…` is rejected.
fn parse_offset(offset: &str) -> Option<i64> {
    if offset.is_empty() || offset == "Z" || offset == "z" {
        return Some(0);
    }
    if !offset.is_ascii() {
        return None;
    }
    let (sign, body) = offset.split_at_checked(1)?;
    let (h, m) = match body.len() {
        2 => (two(body)?, 0),
        4 => (two(&body[..2])?, two(&body[2..])?),
        5 if body.as_bytes()[2] == b':' => (two(&body[..2])?, two(&body[3..])?),
        _ => return None,
    };
    if h > 23 || m > 59 || (sign == "-" && h == 0 && m == 0) {
        return None;
    }
    Some(if sign == "-" {
        -(h * 3600 + m * 60)
    } else {
        h * 3600 + m * 60
    })
}

/// `YYYY-MM-DDThh:mm:ss.fffZ`, with more fraction digits only when they are not zero.
fn render_utc(secs: i64, nanos: u32) -> String {
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    let mut frac = format!("{nanos:09}");
    while frac.len() > 3 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_table() {
        let cases = [
            ("2013-05-18T05:32:34.804Z", true),
            ("2008-09-15T15:53:00.601+00:00", true),
            ("2008-09-15T15:53:00.601+0100", true),
            ("2008-09-15T15:53:00+01", true),
            ("2008-09-15T15:53:00", true),
            ("2008-09-15T15:53Z", true),
            ("2024-02-29T00:00:00Z", true),
            ("2031-11-28T00:33:09.217Z", true),
            ("2008-09-15T15:53:00.601-00", false),
            ("2008-09-15T15:53:00.601-0000", false),
            ("2008-09-15T15:53:00.601-00:00", false),
            ("should fail", false),
            ("01/011/2015", false),
            ("2023-02-29T00:00:00Z", false),
            ("2023-13-01T00:00:00Z", false),
            ("2023-01-01T24:00:00Z", false),
            ("2023-01-01T10:00:00.Z", false),
            ("2023-01-01", false),
            ("2023-01-01T10:00:00+1:00", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Timestamp::parse(raw).is_some(), ok, "{raw:?}");
        }
    }

    #[test]
    fn offsets_convert_to_the_same_instant() {
        let est = Timestamp::parse("2023-05-04T12:00:00-05:00").expect("valid");
        let utc = Timestamp::parse("2023-05-04T17:00:00.000Z").expect("valid");
        assert_eq!(est, utc);
        assert_eq!(est.to_utc().as_str(), "2023-05-04T17:00:00.000Z");
    }

    #[test]
    fn http_dates() {
        let t = Timestamp::parse("1994-11-06T08:49:37.5Z").expect("valid");
        assert_eq!(t.to_http_date(), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            Timestamp::from_unix_nanos(0).to_http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        let leap = Timestamp::parse("2024-02-29T23:59:59+02:00").expect("valid");
        assert_eq!(leap.to_http_date(), "Thu, 29 Feb 2024 21:59:59 GMT");
    }

    #[test]
    fn unix_nanos_round_trip() {
        let t = Timestamp::from_unix_nanos(1_700_000_000_123_456_789);
        assert_eq!(t.as_str(), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(
            Timestamp::parse(t.as_str()).expect("valid").unix_nanos(),
            t.unix_nanos()
        );
        assert_eq!(
            Timestamp::from_unix_nanos(0).as_str(),
            "1970-01-01T00:00:00.000Z"
        );
    }
}
