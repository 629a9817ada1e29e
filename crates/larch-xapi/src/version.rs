//! xAPI versions (xAPI-Communication 3.3; xAPI 2.0 IEEE 9274.1.1 4.1.3).
//!
//! Every request carries `X-Experience-API-Version`. `1.0.0` to `1.0.3` are answered with the
//! 1.0.3 rules, `2.0.0` with the 2.0 rules; the differences live behind the methods below, so
//! the validators ask `version.has_context_agents()` rather than comparing numbers.

use std::fmt;

use serde::Serialize;

/// The rule set a request is handled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum XapiVersion {
    /// xAPI 1.0.3 (also used for 1.0.0–1.0.2 requests).
    #[serde(rename = "1.0.3")]
    V1_0_3,
    /// xAPI 2.0 (IEEE 9274.1.1).
    #[serde(rename = "2.0.0")]
    V2_0_0,
}

/// The version header is missing or names a version this LRS does not support.
///
/// xAPI-Communication 3.3: the LRS MUST reject requests with a version it does not support
/// with `400 Bad Request`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// No `X-Experience-API-Version` header.
    #[error("X-Experience-API-Version header is required")]
    Missing,
    /// A value that is not `1.0`–`1.0.3` or `2.0`/`2.0.0`.
    #[error("X-Experience-API-Version {0:?} is not supported (supported: 1.0.3, 2.0.0)")]
    Unsupported(String),
}

impl XapiVersion {
    /// Every supported version, newest first (the About resource lists them).
    pub const ALL: [XapiVersion; 2] = [XapiVersion::V2_0_0, XapiVersion::V1_0_3];

    /// Parses the `X-Experience-API-Version` header value (`None` when the header is absent).
    pub fn from_header(value: Option<&str>) -> Result<Self, VersionError> {
        let raw = value.ok_or(VersionError::Missing)?;
        match raw.trim() {
            "1.0" | "1.0.0" | "1.0.1" | "1.0.2" | "1.0.3" => Ok(Self::V1_0_3),
            "2.0" | "2.0.0" => Ok(Self::V2_0_0),
            _ => Err(VersionError::Unsupported(raw.to_owned())),
        }
    }

    /// The value of the `X-Experience-API-Version` response header.
    pub fn header_value(self) -> &'static str {
        match self {
            Self::V1_0_3 => "1.0.3",
            Self::V2_0_0 => "2.0.0",
        }
    }

    /// 2.0 4.2.2.5: `context.contextAgents` and `context.contextGroups` exist only in 2.0.
    pub fn has_context_agents(self) -> bool {
        self == Self::V2_0_0
    }

    /// 2.0 4.2.7: timestamps are stored converted to UTC; 1.0.3 keeps the serialization given.
    pub fn stores_timestamps_in_utc(self) -> bool {
        self == Self::V2_0_0
    }

    /// 2.0 4.2.7: durations are compared only to 0.01 s precision.
    pub fn truncates_durations_for_comparison(self) -> bool {
        self == Self::V2_0_0
    }

    /// Communication 1.3: the alternate request syntax (`?method=`) exists in 1.0.3 only.
    pub fn allows_alternate_request_syntax(self) -> bool {
        self == Self::V1_0_3
    }

    /// Communication 3.1: a PUT without `If-Match`/`If-None-Match` on an existing document is a
    /// 409 for the profile resources in both versions; 2.0 (4.1.4) applies it to State too.
    pub fn state_put_requires_precondition(self) -> bool {
        self == Self::V2_0_0
    }

    /// Data 2.4.10: whether a statement's own `version` property is acceptable: `1.0` or
    /// `1.0.x` always, `2.0` or `2.0.x` only when handled with the 2.0 rules.
    pub fn accepts_statement_version(self, value: &str) -> bool {
        let minor_ok = |prefix: &str| {
            value == prefix
                || value
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|patch| {
                        !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit())
                    })
        };
        minor_ok("1.0") || (self == Self::V2_0_0 && minor_ok("2.0"))
    }
}

impl fmt::Display for XapiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_table() {
        let cases = [
            (Some("1.0.3"), Ok(XapiVersion::V1_0_3)),
            (Some("1.0.0"), Ok(XapiVersion::V1_0_3)),
            (Some("1.0"), Ok(XapiVersion::V1_0_3)),
            (Some("2.0.0"), Ok(XapiVersion::V2_0_0)),
            (None, Err(VersionError::Missing)),
            (Some("0.95"), Err(VersionError::Unsupported("0.95".into()))),
            (
                Some("1.1.0"),
                Err(VersionError::Unsupported("1.1.0".into())),
            ),
            (
                Some("2.1.0"),
                Err(VersionError::Unsupported("2.1.0".into())),
            ),
            (Some(""), Err(VersionError::Unsupported(String::new()))),
        ];
        for (header, want) in cases {
            assert_eq!(XapiVersion::from_header(header), want, "{header:?}");
        }
    }

    #[test]
    fn statement_version_table() {
        use XapiVersion::{V1_0_3, V2_0_0};
        let cases = [
            ("1.0", true, true),
            ("1.0.9", true, true),
            ("1.0.3", true, true),
            ("2.0.0", false, true),
            ("1.1.0", false, false),
            ("0.9.9", false, false),
            ("should fail", false, false),
            ("1.0.", false, false),
        ];
        for (value, v1, v2) in cases {
            assert_eq!(V1_0_3.accepts_statement_version(value), v1, "1.0.3 {value}");
            assert_eq!(V2_0_0.accepts_statement_version(value), v2, "2.0 {value}");
        }
    }
}
