//! SCORM 2004 time(second,10,0) (RTE 4.1.1.7): an ISO 8601 date-time
//! `YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]]`, years 1970–2038, fraction of at most
//! two digits, TZD `Z`, `±hh` or `±hh:mm`. SCORM 1.2 CMITime lives in
//! [`super::v12`].

/// True if `raw` is a valid SCORM 2004 time.
pub fn is_time(raw: &str) -> bool {
    let (date, rest) = match raw.split_once('T') {
        Some((d, r)) => (d, Some(r)),
        None => (raw, None),
    };
    let Some(full_date) = date_ok(date) else {
        return false;
    };
    match rest {
        None => true,
        Some(r) => full_date && time_ok(r),
    }
}

/// Checks `YYYY[-MM[-DD]]`; returns whether the day was present (time may only
/// follow a complete date).
fn date_ok(date: &str) -> Option<bool> {
    let parts: Vec<&str> = date.split('-').collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = num(parts.first()?, 4)?;
    if !(1970..=2038).contains(&year) || parts.len() > 3 {
        return None;
    }
    if let Some(m) = parts.get(1) {
        let month = num(m, 2)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if let Some(d) = parts.get(2) {
            let day = num(d, 2)?;
            if day == 0 || day > days_in_month(year, month) {
                return None;
            }
        }
    }
    Some(parts.len() == 3)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn two_digits(s: &str, max: u32) -> bool {
    s.len() == 2
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|v| v <= max)
}

/// Checks `hh[:mm[:ss[.s[TZD]]]]`: the grammar nests the time zone inside
/// the fraction, so `T09:45:58Z` is not a valid time but `T09:45:58.5Z` is.
fn time_ok(t: &str) -> bool {
    let (clock, tzd) = split_tzd(t);
    if tzd.is_some_and(|z| !tzd_ok(z)) {
        return false;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.is_empty() || parts.len() > 3 || !two_digits(parts[0], 23) {
        return false;
    }
    if parts.len() >= 2 && !two_digits(parts[1], 59) {
        return false;
    }
    match parts.get(2) {
        None => tzd.is_none(),
        Some(sec) => match sec.split_once('.') {
            Some((s, frac)) => {
                two_digits(s, 59)
                    && (1..=2).contains(&frac.len())
                    && frac.bytes().all(|b| b.is_ascii_digit())
            }
            None => two_digits(sec, 59) && tzd.is_none(),
        },
    }
}

fn split_tzd(t: &str) -> (&str, Option<&str>) {
    if let Some(c) = t.strip_suffix('Z') {
        return (c, Some("Z"));
    }
    match t.find(['+', '-']) {
        Some(i) => (&t[..i], Some(&t[i..])),
        None => (t, None),
    }
}

fn tzd_ok(z: &str) -> bool {
    if z == "Z" {
        return true;
    }
    let body = &z[1..];
    match body.split_once(':') {
        Some((h, m)) => two_digits(h, 23) && two_digits(m, 59),
        None => two_digits(body, 23),
    }
}

#[cfg(test)]
mod tests {
    use super::is_time;

    #[test]
    fn times() {
        for ok in [
            "2005",
            "2005-10",
            "2005-10-31",
            "2005-10-31T12",
            "2005-10-31T12:30:05.5Z",
            "2038-01-01T00:00:00.1+05:30",
            "2004-02-29T01:02:03.25-07",
        ] {
            assert!(is_time(ok), "{ok}");
        }
        for bad in [
            "",
            "1969",
            "2039",
            "2005-13",
            "2005-02-30",
            "2005-10T12",
            "2005-10-31T24",
            "2005-10-31T12:30:05.123",
            "2005-10-31T12:30:05Z+1",
            "05-10-31",
            "2004-04-01T15Z",
            "2004-04-01T09:45:58Z",
        ] {
            assert!(!is_time(bad), "{bad}");
        }
    }
}
