//! The element tables: one row per data-model element, per version.
//!
//! Every rule about *what* an element is — its data type, vocabulary, limits,
//! access and the editions that define it — lives in these tables. The API
//! ([`crate::ApiInstance`]), the batch validator and the JSON export for the
//! browser shim all read them, so the rules exist exactly once.

mod export;
mod v12;
mod v2004;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::ScormVersion;

pub use export::{LanguageCodes, SchemaExport, export_schema};

/// Who may touch an element through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// `GetValue` only (set by the LMS).
    ReadOnly,
    /// `SetValue` only.
    WriteOnly,
    /// Both.
    ReadWrite,
}

/// Bit mask of the versions that define an element (1.2, 2004 2nd, 3rd, 4th Edition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Availability(pub u8);

impl Availability {
    /// SCORM 1.2 only.
    pub const V12: Self = Self(1);
    /// Every SCORM 2004 edition.
    pub const ALL_2004: Self = Self(2 | 4 | 8);
    /// SCORM 2004 4th Edition only.
    pub const FOURTH: Self = Self(8);

    /// True if `version` defines the element.
    pub fn includes(self, version: ScormVersion) -> bool {
        self.0 & version.bit() != 0
    }
}

/// The data type of an element's value, with its limits. Names follow the
/// specs: SCORM 2004 RTE 4.1.1 (characterstring, localized_string_type,
/// long_identifier_type, real(10,7), time(second,10,0), timeinterval(second,10,2),
/// state, language_type) and SCORM 1.2 RTE 3.4.1 (CMIString255, CMIDecimal, …).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueKind {
    /// 2004 characterstring with a smallest permitted maximum (SPM).
    CharacterString {
        /// Smallest permitted maximum length, in characters.
        spm: usize,
    },
    /// 2004 localized_string_type: optional `{lang=…}` prefix, then text.
    LocalizedString {
        /// SPM of the text after the delimiter.
        spm: usize,
    },
    /// 2004 long_identifier_type (a URI, SPM 4,000).
    LongIdentifier {
        /// SPM in characters.
        spm: usize,
    },
    /// 2004 language_type (RFC 3066 tag, or empty).
    Language,
    /// 2004 real(10,7) with an optional inclusive range.
    Real {
        /// Inclusive lower bound.
        min: Option<f64>,
        /// Inclusive upper bound.
        max: Option<f64>,
    },
    /// One of a fixed set of tokens (2004 state / 1.2 CMIVocabulary).
    Vocabulary {
        /// The tokens the SCO may set (and the LMS may return).
        values: &'static [&'static str],
    },
    /// 2004 timeinterval(second,10,2): ISO 8601 duration.
    TimeInterval,
    /// 2004 time(second,10,0): ISO 8601 date-time, 1970–2038.
    Time,
    /// 2004 `cmi.interactions.n.result`: vocabulary or real(10,7).
    InteractionResult,
    /// 2004 `correct_responses.n.pattern`: format depends on the interaction type.
    CorrectResponsePattern,
    /// 2004 `learner_response`: format depends on the interaction type.
    LearnerResponse,
    /// `adl.nav.request`: a navigation request token.
    NavRequest,
    /// 1.2 CMIString255 / CMIString4096.
    CmiString {
        /// Maximum length.
        max: usize,
    },
    /// 1.2 CMIIdentifier: 1–255 printable characters without white space.
    CmiIdentifier,
    /// 1.2 CMIDecimal.
    CmiDecimal,
    /// 1.2 score (CMIBlank or CMIDecimal in 0–100).
    CmiScore,
    /// 1.2 CMISInteger with a range.
    CmiSInteger {
        /// Inclusive lower bound.
        min: i32,
        /// Inclusive upper bound.
        max: i32,
    },
    /// 1.2 CMITimespan `HHHH:MM:SS.SS`.
    CmiTimespan,
    /// 1.2 CMITime `HH:MM:SS.SS`.
    CmiTime,
    /// 1.2 `interactions.n.result`: vocabulary or CMIDecimal.
    CmiResult,
    /// 1.2 CMIFeedback (`student_response`, `correct_responses.n.pattern`).
    CmiFeedback,
}

/// One data-model element (a leaf that holds a value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ElementDef {
    /// Dotted name with `n` for each collection index, e.g. `cmi.interactions.n.id`.
    pub name: &'static str,
    /// Value type and limits.
    pub kind: ValueKind,
    /// Read/write access through the API.
    pub access: Access,
    /// Versions that define the element.
    #[serde(skip)]
    pub avail: Availability,
}

/// An element that has children (`_children`) and, if it is a collection,
/// `_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContainerDef {
    /// Dotted name with `n` for indices, e.g. `cmi.objectives.n.score`.
    pub name: &'static str,
    /// The `_children` answer, or `None` where the spec defines no `_children`.
    pub children: Option<&'static str>,
    /// True for arrays (`_count` is defined).
    pub collection: bool,
    /// Versions that define it.
    #[serde(skip)]
    pub avail: Availability,
}

/// Name → element maps, built on first use: GetValue/SetValue look an
/// element up on every call.
static INDEX_2004: OnceLock<HashMap<&'static str, &'static ElementDef>> = OnceLock::new();
static INDEX_12: OnceLock<HashMap<&'static str, &'static ElementDef>> = OnceLock::new();

/// The element and container tables of one version.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    version: ScormVersion,
    elements: &'static [ElementDef],
    containers: &'static [ContainerDef],
}

impl Schema {
    /// The tables for `version`.
    pub fn for_version(version: ScormVersion) -> Self {
        let (elements, containers) = match version {
            ScormVersion::Scorm12 => (v12::ELEMENTS, v12::CONTAINERS),
            ScormVersion::Scorm2004(_) => (v2004::ELEMENTS, v2004::CONTAINERS),
        };
        Self {
            version,
            elements,
            containers,
        }
    }

    /// The element named by `pattern` (indices replaced by `n`), if this version defines it.
    pub fn element(&self, pattern: &str) -> Option<&'static ElementDef> {
        let index = if self.version.is_2004() {
            &INDEX_2004
        } else {
            &INDEX_12
        };
        let index = index.get_or_init(|| self.elements.iter().map(|e| (e.name, e)).collect());
        index
            .get(pattern)
            .copied()
            .filter(|e| e.avail.includes(self.version))
    }

    /// The container named by `pattern`, if this version defines it.
    pub fn container(&self, pattern: &str) -> Option<&'static ContainerDef> {
        self.containers
            .iter()
            .find(|c| c.name == pattern && c.avail.includes(self.version))
    }

    /// Every element this version defines, in table order.
    pub fn elements(&self) -> impl Iterator<Item = &'static ElementDef> + '_ {
        self.elements
            .iter()
            .filter(|e| e.avail.includes(self.version))
    }

    /// Every container this version defines, in table order.
    pub fn containers(&self) -> impl Iterator<Item = &'static ContainerDef> + '_ {
        self.containers
            .iter()
            .filter(|c| c.avail.includes(self.version))
    }

    /// True if `pattern` names an element or container, or is a prefix of one
    /// (used to tell "no such element" from "not a leaf").
    pub fn is_known_prefix(&self, pattern: &str) -> bool {
        let is_prefix = |name: &str| {
            name == pattern
                || (name.starts_with(pattern) && name.as_bytes().get(pattern.len()) == Some(&b'.'))
        };
        self.elements().any(|e| is_prefix(e.name)) || self.containers().any(|c| is_prefix(c.name))
    }
}
