//! Validation errors: every rejection names the offending property path.

use std::borrow::Cow;
use std::fmt;

/// A statement, document or parameter was rejected (HTTP 400 in the LRS).
///
/// `path` names the offending property, e.g. `statement.actor.mbox`, and `message` says what
/// is wrong with it; `Display` joins them: `statement.actor.mbox: must be a mailto IRI`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ValidationError {
    /// Dotted property path (`statement.context.contextActivities.parent[0].id`).
    pub path: String,
    /// What rule the value broke.
    pub message: Cow<'static, str>,
}

impl ValidationError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Result of a validation step.
pub type Valid<T> = Result<T, ValidationError>;

/// A property path built on the stack while walking a JSON document; it is only rendered to a
/// string when an error is reported, so validating a good statement allocates no paths.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document root (`statement`, `agent`, …).
    Root(&'a str),
    /// A property of an object.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of property `key` below this one.
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of element `index` below this one.
    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// An error at this path.
    pub(crate) fn err(&self, message: impl Into<Cow<'static, str>>) -> ValidationError {
        ValidationError::new(self.to_string(), message)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
