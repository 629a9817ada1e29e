//! Objectives and objective maps (SN book 3.9; CAM 5.1.6 `<imsss:objectives>` and 5.2.3
//! `<adlseq:objectives>`, the 4th Edition map extensions).

use serde::{Deserialize, Serialize};

/// The objectives of an activity: one primary objective and any number of others.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Objectives {
    /// `<imsss:primaryObjective>`: the objective that contributes to rollup. When the manifest
    /// omits it, the engine uses an implicit primary objective with default values (SN 3.9).
    pub primary: Option<Objective>,
    /// `<imsss:objective>` elements, in document order.
    pub secondary: Vec<Objective>,
}

impl Objectives {
    /// All objectives, the primary first.
    pub fn iter(&self) -> impl Iterator<Item = &Objective> {
        self.primary.iter().chain(self.secondary.iter())
    }
}

/// One objective (Objective Description, SN 3.9.1).
///
/// Defaults: `satisfied_by_measure` false, `min_normalized_measure` 1.0, no maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Objective {
    /// Objective ID; optional on the primary objective, required on the others.
    pub id: Option<String>,
    /// Objective Satisfied by Measure: satisfaction comes from the measure and
    /// `min_normalized_measure` rather than from the reported status.
    pub satisfied_by_measure: bool,
    /// Objective Minimum Satisfied Normalized Measure, in [-1, 1].
    pub min_normalized_measure: f64,
    /// Objective maps to global (shared) objectives, in document order.
    pub maps: Vec<ObjectiveMap>,
}

impl Default for Objective {
    fn default() -> Self {
        Self {
            id: None,
            satisfied_by_measure: false,
            min_normalized_measure: 1.0,
            maps: Vec::new(),
        }
    }
}

/// An objective map (`<imsss:mapInfo>`, merged with the matching `<adlseq:mapInfo>` of the
/// 4th Edition extension, CAM 5.2.3).
///
/// Defaults: read satisfied status and normalized measure true, write both false; the 4th Ed
/// extension reads everything (raw/min/max score, completion status, progress measure) and
/// writes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectiveMap {
    /// Target Objective ID: the global objective.
    pub target_objective_id: String,
    /// Read Objective Satisfied Status.
    pub read_satisfied_status: bool,
    /// Read Objective Normalized Measure.
    pub read_normalized_measure: bool,
    /// Write Objective Satisfied Status.
    pub write_satisfied_status: bool,
    /// Write Objective Normalized Measure.
    pub write_normalized_measure: bool,
    /// `adlseq:readRawScore` (4th Ed).
    pub read_raw_score: bool,
    /// `adlseq:readMinScore` (4th Ed).
    pub read_min_score: bool,
    /// `adlseq:readMaxScore` (4th Ed).
    pub read_max_score: bool,
    /// `adlseq:readCompletionStatus` (4th Ed).
    pub read_completion_status: bool,
    /// `adlseq:readProgressMeasure` (4th Ed).
    pub read_progress_measure: bool,
    /// `adlseq:writeRawScore` (4th Ed).
    pub write_raw_score: bool,
    /// `adlseq:writeMinScore` (4th Ed).
    pub write_min_score: bool,
    /// `adlseq:writeMaxScore` (4th Ed).
    pub write_max_score: bool,
    /// `adlseq:writeCompletionStatus` (4th Ed).
    pub write_completion_status: bool,
    /// `adlseq:writeProgressMeasure` (4th Ed).
    pub write_progress_measure: bool,
}

impl ObjectiveMap {
    /// A map to `target` with every flag at its default.
    pub fn to_target(target: impl Into<String>) -> Self {
        Self {
            target_objective_id: target.into(),
            ..Self::default()
        }
    }
}

impl Default for ObjectiveMap {
    fn default() -> Self {
        Self {
            target_objective_id: String::new(),
            read_satisfied_status: true,
            read_normalized_measure: true,
            write_satisfied_status: false,
            write_normalized_measure: false,
            read_raw_score: true,
            read_min_score: true,
            read_max_score: true,
            read_completion_status: true,
            read_progress_measure: true,
            write_raw_score: false,
            write_min_score: false,
            write_max_score: false,
            write_completion_status: false,
            write_progress_measure: false,
        }
    }
}
