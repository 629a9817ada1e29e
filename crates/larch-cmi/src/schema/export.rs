//! Compact JSON description of a data model for the browser shim.
//!
//! The shim validates calls synchronously in the browser; it loads this export
//! so that the rules it applies are generated from the same tables the server
//! enforces at every commit.

use serde::Serialize;

use super::{Access, ContainerDef, Schema, ValueKind};
use crate::types::lang_codes::{ISO_639_1, ISO_639_2, ISO_3166_1};
use crate::{ErrorCode, ScormVersion};

/// One element in the export.
#[derive(Debug, Clone, Serialize)]
pub struct ElementExport {
    /// Dotted name with `n` for indices.
    pub name: &'static str,
    /// Access through the API.
    pub access: Access,
    /// Type and limits (`type` tag plus `spm`, `min`, `max`, `values`, …).
    #[serde(flatten)]
    pub kind: ValueKind,
    /// For SCORM 2004 `suspend_data`, the SPM of this edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spm_override: Option<usize>,
    /// Versions that define the element (`1.2`, `2004-2`, `2004-3`, `2004-4`).
    pub editions: Vec<&'static str>,
    /// A JavaScript-compatible regular expression for simple types, so the
    /// shim can check them without a hand-written validator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
}

/// The whole export for one version.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaExport {
    /// Version label (`1.2`, `2004-2`, `2004-3`, `2004-4`).
    pub version: &'static str,
    /// Value of `cmi._version`.
    pub cmi_version: &'static str,
    /// Leaf elements.
    pub elements: Vec<ElementExport>,
    /// Elements with `_children` and/or `_count`.
    pub containers: Vec<ContainerDef>,
    /// Error codes and their `GetErrorString` texts.
    pub errors: Vec<(u16, &'static str)>,
    /// SCORM 2004: the code lists `language_type` is checked against (RTE
    /// 4.1.1.5), so the shim answers exactly as the server does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<LanguageCodes>,
}

/// The ISO code lists of `language_type`, each space-separated and sorted.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageCodes {
    /// ISO 639-1 two-letter language codes.
    pub iso639_1: String,
    /// ISO 639-2 three-letter language codes (incl. bibliographic ones).
    pub iso639_2: String,
    /// ISO 3166-1 two-letter country codes, upper case.
    pub iso3166_1: String,
}

/// Builds the export for `version`. Serialize it with `serde_json`.
pub fn export_schema(version: ScormVersion) -> SchemaExport {
    let schema = Schema::for_version(version);
    let elements = schema
        .elements()
        .map(|e| ElementExport {
            name: e.name,
            access: e.access,
            kind: e.kind,
            spm_override: (e.name == "cmi.suspend_data").then(|| version.suspend_data_spm()),
            pattern: pattern_for(e.kind),
            editions: ScormVersion::ALL
                .iter()
                .filter(|v| e.avail.includes(**v))
                .map(|v| v.label())
                .collect(),
        })
        .collect();
    let errors = (0..=408)
        .filter_map(|c| ErrorCode(c).message(version).map(|m| (c, m)))
        .collect();
    SchemaExport {
        version: version.label(),
        cmi_version: version.cmi_version(),
        elements,
        containers: schema.containers().copied().collect(),
        errors,
        languages: version.is_2004().then(|| LanguageCodes {
            iso639_1: ISO_639_1.join(" "),
            iso639_2: ISO_639_2.join(" "),
            iso3166_1: ISO_3166_1.join(" "),
        }),
    }
}

/// Regular expressions for the types whose syntax is regular. The
/// authoritative validators are the Rust ones in [`crate::types`]; the
/// property tests check that both agree on generated values.
fn pattern_for(kind: ValueKind) -> Option<&'static str> {
    Some(match kind {
        ValueKind::Real { .. } => r"^[-+]?(\d+(\.\d*)?|\.\d+)$",
        ValueKind::TimeInterval => {
            r"^P(?=.)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"
        }
        ValueKind::CmiDecimal => r"^-?\d+(\.\d+)?$",
        ValueKind::CmiScore => r"^$|^\d{1,3}(\.\d+)?$",
        ValueKind::CmiTimespan => r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$",
        ValueKind::CmiTime => r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$",
        ValueKind::CmiIdentifier => r"^[\x21-\x7E]{1,255}$",
        _ => return None,
    })
}
