//! Which run-time data model a SCO speaks.

use serde::{Deserialize, Serialize};

/// A SCORM 2004 edition. The editions differ in a handful of data-model rules,
/// each of which is decided in one place through the methods on [`ScormVersion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// SCORM 2004 2nd Edition (2004; schemaversion "CAM 1.3").
    Second,
    /// SCORM 2004 3rd Edition (2006).
    Third,
    /// SCORM 2004 4th Edition (2009).
    Fourth,
}

/// The data model and API a content object uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "standard", content = "edition")]
pub enum ScormVersion {
    /// SCORM 1.2 (`API`, `LMSInitialize`, `cmi.core.*`).
    Scorm12,
    /// SCORM 2004 (`API_1484_11`, `Initialize`, IEEE 1484.11.1 `cmi.*`).
    Scorm2004(Edition),
}

impl ScormVersion {
    /// SCORM 2004 4th Edition, the default for new content.
    pub const SCORM2004_4TH: Self = Self::Scorm2004(Edition::Fourth);

    /// True for any SCORM 2004 edition.
    pub fn is_2004(self) -> bool {
        matches!(self, Self::Scorm2004(_))
    }

    /// The edition, for SCORM 2004.
    pub fn edition(self) -> Option<Edition> {
        match self {
            Self::Scorm12 => None,
            Self::Scorm2004(e) => Some(e),
        }
    }

    /// The value of `cmi._version`: "3.4" for SCORM 1.2 (RTE 1.2 3.4.2),
    /// "1.0" for SCORM 2004 (RTE 4.2.1, IEEE 1484.11.1 version).
    pub fn cmi_version(self) -> &'static str {
        match self {
            Self::Scorm12 => "3.4",
            Self::Scorm2004(_) => "1.0",
        }
    }

    /// Smallest permitted maximum of `cmi.suspend_data`: 4,096 characters in
    /// SCORM 1.2 (CMIString4096), 4,000 in 2004 2nd/3rd Edition, 64,000 in
    /// 4th Edition (RTE 4.2.23).
    pub fn suspend_data_spm(self) -> usize {
        match self {
            Self::Scorm12 => 4096,
            Self::Scorm2004(Edition::Fourth) => 64_000,
            Self::Scorm2004(_) => 4000,
        }
    }

    /// `adl.data` (shared data stores) and the `jump` navigation request exist
    /// only from 4th Edition (RTE 4.3.1, 4.4.2).
    pub fn has_adl_data(self) -> bool {
        self == Self::SCORM2004_4TH
    }

    /// The bit of this version in an [`crate::schema::Availability`] mask.
    pub(crate) fn bit(self) -> u8 {
        match self {
            Self::Scorm12 => 1,
            Self::Scorm2004(Edition::Second) => 2,
            Self::Scorm2004(Edition::Third) => 4,
            Self::Scorm2004(Edition::Fourth) => 8,
        }
    }

    /// Short label used in the schema export: `1.2`, `2004-2`, `2004-3`, `2004-4`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Scorm12 => "1.2",
            Self::Scorm2004(Edition::Second) => "2004-2",
            Self::Scorm2004(Edition::Third) => "2004-3",
            Self::Scorm2004(Edition::Fourth) => "2004-4",
        }
    }

    /// All versions this crate implements.
    pub const ALL: [Self; 4] = [
        Self::Scorm12,
        Self::Scorm2004(Edition::Second),
        Self::Scorm2004(Edition::Third),
        Self::Scorm2004(Edition::Fourth),
    ];
}
