//! cmi5-specific parts of the course model (cmi5 spec section 13, `CourseStructure.xsd`).

use serde::{Deserialize, Serialize};

/// Course-level cmi5 details.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cmi5Course {
    /// Course-level `<objectives>`: every objective the blocks and AUs may reference.
    pub objectives: Vec<Cmi5Objective>,
    /// Course-level extension elements, as raw XML strings.
    pub extensions: Vec<String>,
}

/// A cmi5 objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cmi5Objective {
    /// Objective id (an IRI).
    pub id: String,
    /// Title (first language string).
    pub title: String,
    /// Description (first language string).
    pub description: Option<String>,
}

/// A cmi5 course, block or AU.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cmi5Activity {
    /// The publisher's id (an IRI), used as the xAPI activity id.
    pub publisher_id: String,
    /// True for an AU.
    pub is_au: bool,
    /// Ids of the objectives this node references.
    pub objectives: Vec<String>,
    /// AU `launchMethod`: `AnyWindow` (default) or `OwnWindow`.
    pub launch_method: Option<String>,
    /// AU `moveOn`: `Passed`, `Completed`, `CompletedAndPassed`, `CompletedOrPassed`, `NotApplicable` (default).
    pub move_on: Option<String>,
    /// AU `masteryScore`, in [0, 1].
    pub mastery_score: Option<f64>,
    /// AU `<launchParameters>`.
    pub launch_parameters: Option<String>,
    /// AU `<entitlementKey>`.
    pub entitlement_key: Option<String>,
    /// AU `activityType`.
    pub activity_type: Option<String>,
    /// Extension elements (other namespaces) of this node, as raw XML strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}
