//! The activity tree as defined in the manifest: structure plus each activity's sequencing
//! definition (SN book 1.2, 3.1).

use serde::{Deserialize, Serialize};

use super::{
    ConstrainedChoice, ControlMode, DeliveryControls, LimitConditions, Objectives,
    RandomizationControls, RollupConsiderations, RollupRules, SequencingRules,
};

/// A whole activity tree with the organization-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeDefinition {
    /// The root activity (the `<organization>` element).
    pub root: ActivityDefinition,
    /// `adlseq:objectivesGlobalToSystem` (CAM 5.2.4): global objectives are shared across
    /// every course of the learner rather than kept per registration. Default true.
    #[serde(default = "yes")]
    pub objectives_global_to_system: bool,
    /// `adlcp:sharedDataGlobalToSystem` (4th Ed, CAM 4.x): `adl.data` stores are shared across
    /// courses. Default true.
    #[serde(default = "yes")]
    pub shared_data_global_to_system: bool,
}

fn yes() -> bool {
    true
}

/// One activity: an `<item>` (or the `<organization>` for the root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDefinition {
    /// The item's `identifier`, unique within the tree.
    pub id: String,
    /// The item's `<title>`.
    pub title: String,
    /// `isvisible`: whether the activity appears in the learner's table of contents. Default true.
    #[serde(default = "yes")]
    pub is_visible: bool,
    /// The sequencing definition (CAM 5.1 `<imsss:sequencing>`, collections already resolved).
    #[serde(default)]
    pub sequencing: SequencingDefinition,
    /// `adlcp:completionThreshold` (4th Ed attributes; in 3rd Ed only the element's value,
    /// which becomes `min_progress_measure`).
    #[serde(default)]
    pub completion_threshold: CompletionThreshold,
    /// Child activities, in document order. A leaf is a launchable activity.
    #[serde(default)]
    pub children: Vec<ActivityDefinition>,
}

impl ActivityDefinition {
    /// A leaf or cluster with default sequencing, mainly for tests and non-2004 courses.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            is_visible: true,
            sequencing: SequencingDefinition::default(),
            completion_threshold: CompletionThreshold::default(),
            children: Vec::new(),
        }
    }

    /// Whether this activity is a leaf (delivers content).
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// This activity and all its descendants, depth first, in document order.
    pub fn walk(&self) -> Vec<&ActivityDefinition> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// The sequencing definition of one activity (SN book 3; every part defaults per the book).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SequencingDefinition {
    /// Sequencing Control Modes.
    pub control_mode: ControlMode,
    /// Pre-condition, exit-condition and post-condition rules.
    pub rules: SequencingRules,
    /// Limit conditions.
    pub limit_conditions: LimitConditions,
    /// Rollup controls and rules.
    pub rollup: RollupRules,
    /// Objectives and their maps.
    pub objectives: Objectives,
    /// Selection and randomization controls.
    pub randomization: RandomizationControls,
    /// Delivery controls.
    pub delivery: DeliveryControls,
    /// `adlseq:constrainedChoiceConsiderations`.
    pub constrained_choice: ConstrainedChoice,
    /// `adlseq:rollupConsiderations`.
    pub rollup_considerations: RollupConsiderations,
}

/// Completion threshold (CAM 4th Ed `adlcp:completionThreshold`, SN 4th Ed 4.6.4 Activity
/// Progress Rollup Using Measure).
///
/// Defaults: `completed_by_measure` false, `min_progress_measure` 1.0, `progress_weight` 1.0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompletionThreshold {
    /// `completedByMeasure`: completion is decided by the progress measure.
    pub completed_by_measure: bool,
    /// `minProgressMeasure`, in [0, 1]: the threshold (also `cmi.completion_threshold`).
    pub min_progress_measure: f64,
    /// `progressWeight`, in [0, 1]: this activity's weight in its parent's progress rollup.
    pub progress_weight: f64,
}

impl Default for CompletionThreshold {
    fn default() -> Self {
        Self {
            completed_by_measure: false,
            min_progress_measure: 1.0,
            progress_weight: 1.0,
        }
    }
}
