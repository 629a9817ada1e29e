//! Structured warnings and errors: `{code, message, location}`.
//!
//! Codes are stable, machine-readable `snake_case` strings, each documented in
//! `docs/package-warnings.md`; messages are one plain-English sentence a course author
//! understands; the location says where (file and line, or element path).

use serde::{Deserialize, Serialize};

/// One warning or error about a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable machine code, e.g. `manifest_not_at_root`.
    pub code: String,
    /// One sentence for a course author.
    pub message: String,
    /// Where the problem is, when known.
    #[serde(default, skip_serializing_if = "Location::is_empty")]
    pub location: Location,
}

impl Diagnostic {
    /// A diagnostic with no location.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            location: Location::default(),
        }
    }

    /// Sets the file the problem is in.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location.file = Some(file.into());
        self
    }

    /// Sets the 1-based line number.
    pub fn at_line(mut self, line: u32) -> Self {
        self.location.line = Some(line);
        self
    }

    /// Sets the element path, e.g. `manifest/organizations/organization[1]/item[2]`.
    pub fn at_element(mut self, element: impl Into<String>) -> Self {
        self.location.element = Some(element.into());
        self
    }
}

/// Where a diagnostic points. Every part is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    /// Path of the file inside the package, `/`-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Element path (XML) or section/key (AICC), e.g. `manifest/resources/resource[3]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
}

impl Location {
    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.file.is_none() && self.line.is_none() && self.element.is_none()
    }
}

/// The warnings gathered while reading one package. Parsers push here and go on.
#[derive(Debug, Clone, Default)]
pub struct Warnings(Vec<Diagnostic>);

impl Warnings {
    /// Records a warning.
    pub fn push(&mut self, warning: Diagnostic) {
        self.0.push(warning);
    }

    /// The warnings, in the order they were found.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    /// Takes the warnings out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

/// Why a package could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The package cannot be played; every reason is listed (at least one).
    #[error("the package was rejected: {}", first_message(.errors))]
    Rejected {
        /// The reasons, most important first.
        errors: Vec<Diagnostic>,
        /// The warnings found before rejecting it.
        warnings: Vec<Diagnostic>,
    },
    /// Reading the input or writing to the sink failed (not the package's fault).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl PackageError {
    /// A rejection for one reason.
    pub fn rejected(error: Diagnostic) -> Self {
        Self::Rejected {
            errors: vec![error],
            warnings: Vec::new(),
        }
    }

    /// Attaches the warnings gathered so far to a rejection.
    pub fn with_warnings(self, more: Warnings) -> Self {
        match self {
            Self::Rejected {
                errors,
                mut warnings,
            } => {
                warnings.extend(more.into_vec());
                Self::Rejected { errors, warnings }
            }
            io => io,
        }
    }
}

fn first_message(errors: &[Diagnostic]) -> &str {
    errors
        .first()
        .map_or("no reason given", |e| e.message.as_str())
}
