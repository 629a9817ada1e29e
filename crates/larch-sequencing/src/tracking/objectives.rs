//! Objective progress information (SN 4.2.4) and its extension by the 4th Edition objective
//! map (raw/min/max score, completion status and progress measure).

use serde::{Deserialize, Serialize};

/// Progress of one objective, local or global. `None` means the status is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveState {
    /// Objective Satisfied Status, with Objective Progress Status as `Some`.
    pub satisfied: Option<bool>,
    /// Objective Normalized Measure in [-1, 1], with Objective Measure Status as `Some`.
    pub measure: Option<f64>,
    /// Raw score (4th Ed map extension).
    pub raw: Option<f64>,
    /// Minimum score (4th Ed map extension).
    pub min: Option<f64>,
    /// Maximum score (4th Ed map extension).
    pub max: Option<f64>,
    /// Completion status (4th Ed map extension): `Some(true)` completed.
    pub completed: Option<bool>,
    /// Progress measure (4th Ed map extension).
    pub progress_measure: Option<f64>,
}
