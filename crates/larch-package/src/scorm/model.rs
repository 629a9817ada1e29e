//! SCORM-specific parts of the course model (CAM book: content packaging, metadata,
//! sequencing), for SCORM 1.2 and SCORM 2004.

use larch_sequencing::definition::{CompletionThreshold, SequencingDefinition};
use serde::{Deserialize, Serialize};

/// Course-level SCORM details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScormCourse {
    /// `<metadata><schemaversion>` as written (e.g. `1.2`, `CAM 1.3`, `2004 4th Edition`).
    pub schema_version: Option<String>,
    /// Identifier of the organization used as the course (the default one).
    pub organization: Option<String>,
    /// Every organization in the manifest, the default first.
    pub organizations: Vec<OrganizationSummary>,
    /// Every resource in the manifest (incl. sub-manifests).
    pub resources: Vec<Resource>,
    /// `adlseq:objectivesGlobalToSystem` (2004; default true).
    pub objectives_global_to_system: bool,
    /// `adlcp:sharedDataGlobalToSystem` (2004 4th Ed; default true).
    pub shared_data_global_to_system: bool,
}

impl Default for ScormCourse {
    /// Nothing known yet; both `…GlobalToSystem` flags at their CAM default, true.
    fn default() -> Self {
        Self {
            schema_version: None,
            organization: None,
            organizations: Vec::new(),
            resources: Vec::new(),
            objectives_global_to_system: true,
            shared_data_global_to_system: true,
        }
    }
}

/// One `<organization>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    /// `identifier`.
    pub id: String,
    /// `<title>`.
    pub title: String,
}

/// One `<resource>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// `identifier`.
    pub id: String,
    /// `href` resolved against `xml:base` and checked against the package's files.
    pub href: Option<String>,
    /// `adlcp:scormtype` (1.2) / `adlcp:scormType` (2004).
    pub scorm_type: ScormType,
    /// Files listed by `<file href>`, resolved.
    pub files: Vec<String>,
    /// `<dependency identifierref>` targets.
    pub dependencies: Vec<String>,
}

/// Whether a resource talks to the run-time API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScormType {
    /// A Sharable Content Object: uses the API.
    Sco,
    /// An asset: plain content, never calls the API.
    #[default]
    Asset,
}

/// Item-level SCORM details.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScormActivity {
    /// The referenced resource (`identifierref`), for leaves.
    pub resource_id: Option<String>,
    /// The resource's SCORM type, for leaves.
    pub scorm_type: Option<ScormType>,
    /// `parameters` as written (already applied to the launch URL).
    pub parameters: Option<String>,
    /// `adlcp:masteryscore` (SCORM 1.2), 0–100.
    pub mastery_score: Option<f64>,
    /// `adlcp:prerequisites` (SCORM 1.2), the AICC script expression as written.
    pub prerequisites: Option<String>,
    /// `adlcp:maxtimeallowed` / `adlcp:attemptAbsoluteDurationLimit` as written.
    pub max_time_allowed: Option<String>,
    /// `adlcp:timelimitaction` (`exit,message`, `continue,no message`, …).
    pub time_limit_action: Option<String>,
    /// `adlcp:datafromlms` (becomes `cmi.launch_data`).
    pub data_from_lms: Option<String>,
    /// `adlcp:completionThreshold` (2004).
    pub completion_threshold: Option<CompletionThreshold>,
    /// `adlcp:data/adlcp:map` shared data stores (4th Ed `adl.data`).
    pub shared_data: Vec<SharedDataMap>,
    /// `adlnav:presentation/navigationInterface/hideLMSUI` tokens (`continue`, `previous`, `exit`,
    /// `exitAll`, `abandon`, `abandonAll`, `suspendAll`).
    pub hide_lms_ui: Vec<String>,
    /// The resolved sequencing definition (SCORM 2004 only; defaults when the item has none).
    pub sequencing: Option<SequencingDefinition>,
}

/// One `<adlcp:map>` of `<adlcp:data>` (CAM 4th Ed 3.4.1.x).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedDataMap {
    /// `targetID`: the shared data store.
    pub target_id: String,
    /// `readSharedData` (default true).
    pub read: bool,
    /// `writeSharedData` (default true: the CAM 4th Ed text and the ADL conformance test DDM,
    /// which writes through maps without the attribute, although `adlcp_v1p3.xsd` says false).
    pub write: bool,
}

impl SharedDataMap {
    /// A map to the store `target_id` with the defaults: read true, write true.
    pub fn new(target_id: impl Into<String>) -> Self {
        Self {
            target_id: target_id.into(),
            read: true,
            write: true,
        }
    }
}
