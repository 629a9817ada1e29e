//! `adl.nav.request` and `adl.nav.request_valid.*` (SCORM 2004 RTE 4.4).
//!
//! The data model only stores the request; whether a request is valid is the
//! sequencing engine's business. The engine (or the server's cached
//! look-ahead) answers through [`NavigationOracle`].

use serde::{Deserialize, Serialize};

use crate::ScormVersion;

/// A navigation request a SCO may store in `adl.nav.request` (RTE 4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "request", content = "target")]
pub enum NavRequest {
    /// `continue`
    Continue,
    /// `previous`
    Previous,
    /// `{target=ID}choice`
    Choice(String),
    /// `{target=ID}jump` (4th Edition)
    Jump(String),
    /// `exit`
    Exit,
    /// `exitAll`
    ExitAll,
    /// `abandon`
    Abandon,
    /// `abandonAll`
    AbandonAll,
    /// `suspendAll`
    SuspendAll,
    /// `_none_`: no request (the default).
    None,
}

impl NavRequest {
    /// Parses the characterstring form. `jump` exists only in 4th Edition.
    pub fn parse(raw: &str, version: ScormVersion) -> Option<Self> {
        Some(match raw {
            "continue" => Self::Continue,
            "previous" => Self::Previous,
            "exit" => Self::Exit,
            "exitAll" => Self::ExitAll,
            "abandon" => Self::Abandon,
            "abandonAll" => Self::AbandonAll,
            "suspendAll" => Self::SuspendAll,
            "_none_" => Self::None,
            _ => {
                let (target, verb) = parse_target(raw)?;
                match verb {
                    "choice" => Self::Choice(target.to_owned()),
                    "jump" if version.has_adl_data() => Self::Jump(target.to_owned()),
                    _ => return None,
                }
            }
        })
    }
}

/// Splits `{target=ID}rest` into `(ID, rest)`; the ID must be a short identifier.
pub(crate) fn parse_target(raw: &str) -> Option<(&str, &str)> {
    let rest = raw.strip_prefix("{target=")?;
    let (target, verb) = rest.split_once('}')?;
    (crate::types::is_uri(target) && target.len() <= 250).then_some((target, verb))
}

/// The answer to `adl.nav.request_valid.*` (RTE 4.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NavValidity {
    /// The request would succeed.
    True,
    /// The request would fail.
    False,
    /// The LMS cannot tell now.
    Unknown,
}

impl NavValidity {
    /// The characterstring GetValue returns.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::True => "true",
            Self::False => "false",
            Self::Unknown => "unknown",
        }
    }
}

impl From<bool> for NavValidity {
    fn from(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }
}

/// Which request a SCO asks about through `adl.nav.request_valid.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavQuery<'a> {
    /// `adl.nav.request_valid.continue`
    Continue,
    /// `adl.nav.request_valid.previous`
    Previous,
    /// `adl.nav.request_valid.choice.{target=ID}`
    Choice(&'a str),
    /// `adl.nav.request_valid.jump.{target=ID}` (4th Edition)
    Jump(&'a str),
}

/// Answers `adl.nav.request_valid.*`. The sequencing engine implements it
/// with its look-ahead; the server implements it from the look-ahead it last
/// computed. Implementations must be fast and must not block.
pub trait NavigationOracle {
    /// Whether `query` would be honoured if the SCO terminated now.
    fn request_valid(&self, query: NavQuery<'_>) -> NavValidity;
}

/// The oracle used when no sequencing information is available: every
/// answer is `unknown`, which RTE 4.4.2 permits.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnknownNavigation;

impl NavigationOracle for UnknownNavigation {
    fn request_valid(&self, _query: NavQuery<'_>) -> NavValidity {
        NavValidity::Unknown
    }
}

/// Parses the part of an element name after `adl.nav.request_valid.`.
/// `None` if it names no defined query.
pub(crate) fn parse_query(rest: &str, version: ScormVersion) -> Option<NavQuery<'_>> {
    match rest {
        "continue" => Some(NavQuery::Continue),
        "previous" => Some(NavQuery::Previous),
        _ => {
            let (verb, target_expr) = rest.split_once('.')?;
            let (target, tail) = parse_target(target_expr)?;
            if !tail.is_empty() {
                return None;
            }
            match verb {
                "choice" => Some(NavQuery::Choice(target)),
                "jump" if version.has_adl_data() => Some(NavQuery::Jump(target)),
                _ => None,
            }
        }
    }
}
