//! AICC-specific parts of the course model (CMI001 course structure files).

use serde::{Deserialize, Serialize};

/// Course-level AICC details (`.crs` `[Course]` section).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AiccCourse {
    /// `Course_Creator`.
    pub creator: Option<String>,
    /// `Course_System`.
    pub system: Option<String>,
    /// `Version`.
    pub version: Option<String>,
    /// `Level` (1, 2, 3a…).
    pub level: Option<String>,
}

/// An AICC block or assignable unit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AiccActivity {
    /// `System_ID` (e.g. `A1`, `B1`).
    pub system_id: String,
    /// `Developer_ID`, when given.
    pub developer_id: Option<String>,
    /// True for an assignable unit, false for a block.
    pub is_au: bool,
    /// AU `Type`.
    pub au_type: Option<String>,
    /// AU `Command_Line`.
    pub command_line: Option<String>,
    /// AU `Core_Vendor` (becomes `core_vendor` in HACP GetParam).
    pub core_vendor: Option<String>,
    /// AU `Mastery_Score`.
    pub mastery_score: Option<f64>,
    /// AU `Max_Score`.
    pub max_score: Option<f64>,
    /// AU `Max_Time_Allowed` as written.
    pub max_time_allowed: Option<String>,
    /// AU `Time_Limit_Action` as written.
    pub time_limit_action: Option<String>,
    /// AU `Web_Launch` parameters.
    pub web_launch: Option<String>,
    /// `.pre` prerequisite expression for this element, as written.
    pub prerequisites: Option<String>,
    /// `.ort` objective relationships: objective ids tied to this element.
    pub objectives: Vec<String>,
}
