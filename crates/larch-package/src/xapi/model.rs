//! xAPI / Tin Can parts of the course model (`tincan.xml`).

use serde::{Deserialize, Serialize};

/// An activity from `tincan.xml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct XapiActivity {
    /// The activity id (an IRI).
    pub activity_id: String,
    /// The activity `type` IRI.
    pub activity_type: Option<String>,
}
