//! Control modes, limit conditions, randomization and delivery controls.

use serde::{Deserialize, Serialize};

/// Sequencing Control Modes (SN book 3.2; CAM 5.1.2 `<imsss:controlMode>`).
///
/// Defaults: `choice` true, `choice_exit` true, `flow` false, `forward_only` false,
/// `use_current_attempt_objective_info` true, `use_current_attempt_progress_info` true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlMode {
    /// Sequencing Control Choice: the learner may choose children of this cluster.
    pub choice: bool,
    /// Sequencing Control Choice Exit: a choice may leave this activity's subtree while it is active.
    pub choice_exit: bool,
    /// Sequencing Control Flow: continue/previous flow through the children is allowed.
    pub flow: bool,
    /// Sequencing Control Forward Only: no backward flow or choice among the children.
    pub forward_only: bool,
    /// Use Current Attempt Objective Information (rollup reads only the current attempt's objectives).
    pub use_current_attempt_objective_info: bool,
    /// Use Current Attempt Progress Information (rollup reads only the current attempt's progress).
    pub use_current_attempt_progress_info: bool,
}

impl Default for ControlMode {
    fn default() -> Self {
        Self {
            choice: true,
            choice_exit: true,
            flow: false,
            forward_only: false,
            use_current_attempt_objective_info: true,
            use_current_attempt_progress_info: true,
        }
    }
}

/// Limit Conditions (SN book 3.3; CAM 5.1.4 `<imsss:limitConditions>`).
///
/// SCORM 2004 requires LMSs to honour only the attempt limit and the attempt absolute
/// duration limit; both are absent (no limit) by default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitConditions {
    /// Limit Condition Attempt Limit: the maximum number of attempts; `None` means unlimited
    /// (the manifest's `attemptLimit="0"` also means unlimited).
    pub attempt_limit: Option<u32>,
    /// Limit Condition Attempt Absolute Duration Limit, in seconds; `None` means no limit.
    pub attempt_absolute_duration_limit_secs: Option<f64>,
}

/// When randomization or selection happens (CAM 5.1.8: `never`, `once`, `onEachNewAttempt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RandomizationTiming {
    /// Never (the default).
    #[default]
    Never,
    /// Once, the first time the activity is attempted.
    Once,
    /// At the start of each new attempt on the activity.
    OnEachNewAttempt,
}

impl RandomizationTiming {
    /// Parses the manifest token (`never`, `once`, `onEachNewAttempt`).
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "never" => Self::Never,
            "once" => Self::Once,
            "onEachNewAttempt" => Self::OnEachNewAttempt,
            _ => return None,
        })
    }
}

/// Selection and Randomization controls (SN book 3.10; CAM 5.1.8 `<imsss:randomizationControls>`).
///
/// Defaults: no selection (`select_count` absent), no reordering, both timings `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RandomizationControls {
    /// Randomization Timing: when the children are reordered.
    pub randomization_timing: RandomizationTiming,
    /// Selection Count: how many children to select; `None` means all (Selection Count Status false).
    pub select_count: Option<u32>,
    /// Randomize Children: reorder the (selected) children.
    pub reorder_children: bool,
    /// Selection Timing: when the selection happens.
    pub selection_timing: RandomizationTiming,
}

/// Delivery Controls (SN book 3.11; CAM 5.1.9 `<imsss:deliveryControls>`).
///
/// Defaults: `tracked` true, `completion_set_by_content` false, `objective_set_by_content` false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryControls {
    /// Tracked: the LMS keeps tracking status for attempts on this activity.
    pub tracked: bool,
    /// Completion Set by Content: if false, the LMS sets completed when the attempt ends
    /// and the content reported nothing.
    pub completion_set_by_content: bool,
    /// Objective Set by Content: if false, the LMS sets the primary objective satisfied when
    /// the attempt ends and the content reported nothing.
    pub objective_set_by_content: bool,
}

impl Default for DeliveryControls {
    fn default() -> Self {
        Self {
            tracked: true,
            completion_set_by_content: false,
            objective_set_by_content: false,
        }
    }
}

/// Constrained choice considerations (SN book 3.13; CAM 5.2.1
/// `<adlseq:constrainedChoiceConsiderations>`). Both false by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConstrainedChoice {
    /// Prevent Activation: choice may not start a new attempt on a descendant unless it is
    /// the current activity's descendant already.
    pub prevent_activation: bool,
    /// Constrain Choice: only activities "next to" the current one in flow order may be chosen.
    pub constrain_choice: bool,
}
