//! Rollup rules, rollup controls and rollup considerations (SN book 3.6–3.8;
//! CAM 5.1.5 `<imsss:rollupRules>` and 5.2.2 `<adlseq:rollupConsiderations>`).

use serde::{Deserialize, Serialize};

use super::{ConditionCombination, ConditionOperator};

/// Rollup controls and rules of a cluster activity.
///
/// Defaults: `rollup_objective_satisfied` true, `rollup_progress_completion` true,
/// `objective_measure_weight` 1.0, no explicit rules (the SN book's default rules then apply,
/// SN 4.6.5/4.6.6: the engine, not this model, supplies them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RollupRules {
    /// Rollup Objective Satisfied: this activity contributes to its parent's satisfaction rollup.
    pub rollup_objective_satisfied: bool,
    /// Rollup Progress Completion: this activity contributes to its parent's completion rollup.
    pub rollup_progress_completion: bool,
    /// Rollup Objective Measure Weight, in [0, 1].
    pub objective_measure_weight: f64,
    /// Rollup rules, in document order.
    pub rules: Vec<RollupRule>,
}

impl Default for RollupRules {
    fn default() -> Self {
        Self {
            rollup_objective_satisfied: true,
            rollup_progress_completion: true,
            objective_measure_weight: 1.0,
            rules: Vec::new(),
        }
    }
}

/// One rollup rule (CAM 5.1.5.1 `<imsss:rollupRule>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupRule {
    /// Rollup Child Activity Set; default `all`.
    #[serde(default)]
    pub child_activity_set: ChildActivitySet,
    /// Rollup Condition Combination; default `any` for rollup conditions (CAM 5.1.5.1.1).
    #[serde(default = "any")]
    pub condition_combination: ConditionCombination,
    /// Rollup conditions (at least one).
    pub conditions: Vec<RollupCondition>,
    /// Rollup Action.
    pub action: RollupAction,
}

impl RollupRule {
    /// A rule for `action` with the defaults of CAM 5.1.5.1: child activity set `all`,
    /// condition combination `any`, no conditions yet.
    pub fn new(action: RollupAction) -> Self {
        Self {
            child_activity_set: ChildActivitySet::default(),
            condition_combination: any(),
            conditions: Vec::new(),
            action,
        }
    }
}

fn any() -> ConditionCombination {
    ConditionCombination::Any
}

/// Which children must meet the conditions (`childActivitySet`, `minimumCount`, `minimumPercent`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "minimum")]
pub enum ChildActivitySet {
    /// `all` (the default).
    #[default]
    All,
    /// `any`
    Any,
    /// `none`
    None,
    /// `atLeastCount` with Rollup Minimum Count (default 0).
    AtLeastCount(u32),
    /// `atLeastPercent` with Rollup Minimum Percent in [0, 1] (default 0).
    AtLeastPercent(f64),
}

impl ChildActivitySet {
    /// Parses `childActivitySet` with its `minimumCount` and `minimumPercent` attributes
    /// (each 0 when absent, CAM 5.1.5.1).
    pub fn from_token(
        token: &str,
        minimum_count: Option<u32>,
        minimum_percent: Option<f64>,
    ) -> Option<Self> {
        Some(match token {
            "all" => Self::All,
            "any" => Self::Any,
            "none" => Self::None,
            "atLeastCount" => Self::AtLeastCount(minimum_count.unwrap_or(0)),
            "atLeastPercent" => Self::AtLeastPercent(minimum_percent.unwrap_or(0.0)),
            _ => return None,
        })
    }
}

/// One rollup condition (CAM 5.1.5.1.1.1 `<imsss:rollupCondition>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollupCondition {
    /// Rollup Condition Operator; default `noOp`.
    #[serde(default)]
    pub operator: ConditionOperator,
    /// Rollup Condition.
    pub condition: RollupConditionKind,
}

/// The vocabulary of `<imsss:rollupCondition condition="…">` (SN book 3.7, table 3.7a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupConditionKind {
    /// `satisfied`
    Satisfied,
    /// `objectiveStatusKnown`
    ObjectiveStatusKnown,
    /// `objectiveMeasureKnown`
    ObjectiveMeasureKnown,
    /// `completed`
    Completed,
    /// `activityProgressKnown`
    ActivityProgressKnown,
    /// `attempted`
    Attempted,
    /// `attemptLimitExceeded`
    AttemptLimitExceeded,
    /// `timeLimitExceeded` (SCORM: evaluates to false)
    TimeLimitExceeded,
    /// `outsideAvailableTimeRange` (SCORM: evaluates to false)
    OutsideAvailableTimeRange,
}

impl RollupConditionKind {
    /// Parses the manifest token.
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "satisfied" => Self::Satisfied,
            "objectiveStatusKnown" => Self::ObjectiveStatusKnown,
            "objectiveMeasureKnown" => Self::ObjectiveMeasureKnown,
            "completed" => Self::Completed,
            "activityProgressKnown" => Self::ActivityProgressKnown,
            "attempted" => Self::Attempted,
            "attemptLimitExceeded" => Self::AttemptLimitExceeded,
            "timeLimitExceeded" => Self::TimeLimitExceeded,
            "outsideAvailableTimeRange" => Self::OutsideAvailableTimeRange,
            _ => return None,
        })
    }
}

/// Rollup Action (`<imsss:rollupAction action="…">`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupAction {
    /// `satisfied`
    Satisfied,
    /// `notSatisfied`
    NotSatisfied,
    /// `completed`
    Completed,
    /// `incomplete`
    Incomplete,
}

impl RollupAction {
    /// Parses the manifest token.
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "satisfied" => Self::Satisfied,
            "notSatisfied" => Self::NotSatisfied,
            "completed" => Self::Completed,
            "incomplete" => Self::Incomplete,
            _ => return None,
        })
    }
}

/// When a child counts in its parent's rollup (`adlseq:requiredFor…` vocabulary, SN 3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupConsideration {
    /// `always` (the default).
    #[default]
    Always,
    /// `ifAttempted`
    IfAttempted,
    /// `ifNotSkipped`
    IfNotSkipped,
    /// `ifNotSuspended`
    IfNotSuspended,
}

impl RollupConsideration {
    /// Parses the manifest token.
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "always" => Self::Always,
            "ifAttempted" => Self::IfAttempted,
            "ifNotSkipped" => Self::IfNotSkipped,
            "ifNotSuspended" => Self::IfNotSuspended,
            _ => return None,
        })
    }
}

/// Rollup considerations of an activity (CAM 5.2.2 `<adlseq:rollupConsiderations>`).
///
/// Defaults: every `required_for_*` is `always`; `measure_satisfaction_if_active` true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RollupConsiderations {
    /// `requiredForSatisfied`
    pub required_for_satisfied: RollupConsideration,
    /// `requiredForNotSatisfied`
    pub required_for_not_satisfied: RollupConsideration,
    /// `requiredForCompleted`
    pub required_for_completed: RollupConsideration,
    /// `requiredForIncomplete`
    pub required_for_incomplete: RollupConsideration,
    /// `measureSatisfactionIfActive`: measure counts toward satisfaction while the activity is active.
    pub measure_satisfaction_if_active: bool,
}

impl Default for RollupConsiderations {
    fn default() -> Self {
        Self {
            required_for_satisfied: RollupConsideration::Always,
            required_for_not_satisfied: RollupConsideration::Always,
            required_for_completed: RollupConsideration::Always,
            required_for_incomplete: RollupConsideration::Always,
            measure_satisfaction_if_active: true,
        }
    }
}
