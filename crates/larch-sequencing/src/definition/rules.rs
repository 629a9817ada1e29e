//! Sequencing rules: pre-condition, exit and post-condition rules (SN book 3.4;
//! CAM 5.1.3 `<imsss:sequencingRules>`).

use serde::{Deserialize, Serialize};

/// The three rule sets of an activity, each evaluated in document order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SequencingRules {
    /// `<imsss:preConditionRule>`: skip, disabled, hidden from choice, stop forward traversal.
    pub pre_condition: Vec<SequencingRule>,
    /// `<imsss:exitConditionRule>`: exit.
    pub exit_condition: Vec<SequencingRule>,
    /// `<imsss:postConditionRule>`: exit parent, exit all, retry, retry all, continue, previous.
    pub post_condition: Vec<SequencingRule>,
}

impl SequencingRules {
    /// The rules of one kind, in document order.
    pub fn of_kind(&self, kind: RuleKind) -> &[SequencingRule] {
        match kind {
            RuleKind::PreCondition => &self.pre_condition,
            RuleKind::ExitCondition => &self.exit_condition,
            RuleKind::PostCondition => &self.post_condition,
        }
    }
}

/// Which rule set a rule belongs to; decides which actions are legal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Evaluated before an activity is delivered or traversed.
    PreCondition,
    /// Evaluated when an attempt on a descendant ends.
    ExitCondition,
    /// Evaluated when an attempt on the activity ends.
    PostCondition,
}

/// One sequencing rule: if the conditions hold (combined by `condition_combination`), do `action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequencingRule {
    /// Rule Condition Combination: `all` (the default) or `any`.
    #[serde(default)]
    pub condition_combination: ConditionCombination,
    /// Rule Conditions, in document order (at least one).
    pub conditions: Vec<RuleCondition>,
    /// Rule Action.
    pub action: RuleAction,
}

/// How conditions combine (`conditionCombination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionCombination {
    /// All conditions must be true (logical AND). Default for sequencing rules.
    All,
    /// At least one condition must be true (logical OR). Default for rollup rules.
    Any,
}

impl ConditionCombination {
    /// Parses the manifest token (`all`, `any`).
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "all" => Self::All,
            "any" => Self::Any,
            _ => return None,
        })
    }
}

impl Default for ConditionCombination {
    /// `all`: the default of `<imsss:ruleConditions>` (CAM 5.1.3.1). Rollup conditions default
    /// to `any` instead; [`crate::definition::RollupRule`] sets that explicitly.
    fn default() -> Self {
        Self::All
    }
}

/// Rule Condition Operator: `noOp` (the default) or `not`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOperator {
    /// Use the condition's value as is.
    #[default]
    NoOp,
    /// Negate the condition's value (unknown stays unknown).
    Not,
}

impl ConditionOperator {
    /// Parses the manifest token (`noOp`, `not`).
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "noOp" => Self::NoOp,
            "not" => Self::Not,
            _ => return None,
        })
    }
}

/// One rule condition (CAM 5.1.3.1.1 `<imsss:ruleCondition>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleCondition {
    /// Rule Condition Referenced Objective: an objective id of this activity; `None` means
    /// the primary objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_objective: Option<String>,
    /// Rule Condition Measure Threshold, in [-1, 1]; default 0.0.
    #[serde(default)]
    pub measure_threshold: f64,
    /// Rule Condition Operator.
    #[serde(default)]
    pub operator: ConditionOperator,
    /// Rule Condition.
    pub condition: RuleConditionKind,
}

impl RuleCondition {
    /// A condition with every optional attribute at its default: the primary objective,
    /// measure threshold 0.0, operator `noOp`.
    pub fn new(condition: RuleConditionKind) -> Self {
        Self {
            referenced_objective: None,
            measure_threshold: 0.0,
            operator: ConditionOperator::default(),
            condition,
        }
    }
}

/// The vocabulary of `<imsss:ruleCondition condition="…">` (SN book 3.4.2, table 3.4.2a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleConditionKind {
    /// `satisfied`
    Satisfied,
    /// `objectiveStatusKnown`
    ObjectiveStatusKnown,
    /// `objectiveMeasureKnown`
    ObjectiveMeasureKnown,
    /// `objectiveMeasureGreaterThan`
    ObjectiveMeasureGreaterThan,
    /// `objectiveMeasureLessThan`
    ObjectiveMeasureLessThan,
    /// `completed`
    Completed,
    /// `activityProgressKnown`
    ActivityProgressKnown,
    /// `attempted`
    Attempted,
    /// `attemptLimitExceeded`
    AttemptLimitExceeded,
    /// `timeLimitExceeded` (SCORM: LMSs need not support it; evaluates to false)
    TimeLimitExceeded,
    /// `outsideAvailableTimeRange` (SCORM: LMSs need not support it; evaluates to false)
    OutsideAvailableTimeRange,
    /// `always`
    Always,
}

impl RuleConditionKind {
    /// Parses the manifest token (`satisfied`, `objectiveStatusKnown`, …), case-sensitively as the
    /// XSD requires; the caller decides whether to forgive case differences.
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "satisfied" => Self::Satisfied,
            "objectiveStatusKnown" => Self::ObjectiveStatusKnown,
            "objectiveMeasureKnown" => Self::ObjectiveMeasureKnown,
            "objectiveMeasureGreaterThan" => Self::ObjectiveMeasureGreaterThan,
            "objectiveMeasureLessThan" => Self::ObjectiveMeasureLessThan,
            "completed" => Self::Completed,
            "activityProgressKnown" => Self::ActivityProgressKnown,
            "attempted" => Self::Attempted,
            "attemptLimitExceeded" => Self::AttemptLimitExceeded,
            "timeLimitExceeded" => Self::TimeLimitExceeded,
            "outsideAvailableTimeRange" => Self::OutsideAvailableTimeRange,
            "always" => Self::Always,
            _ => return None,
        })
    }
}

/// Rule Action (SN book 3.4.3). Which actions are legal depends on the [`RuleKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Pre-condition `skip`.
    Skip,
    /// Pre-condition `disabled`.
    Disabled,
    /// Pre-condition `hiddenFromChoice`.
    HiddenFromChoice,
    /// Pre-condition `stopForwardTraversal`.
    StopForwardTraversal,
    /// Exit-condition `exit`.
    Exit,
    /// Post-condition `exitParent`.
    ExitParent,
    /// Post-condition `exitAll`.
    ExitAll,
    /// Post-condition `retry`.
    Retry,
    /// Post-condition `retryAll`.
    RetryAll,
    /// Post-condition `continue`.
    Continue,
    /// Post-condition `previous`.
    Previous,
}

impl RuleAction {
    /// Parses the manifest token (`skip`, `exitParent`, …).
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "skip" => Self::Skip,
            "disabled" => Self::Disabled,
            "hiddenFromChoice" => Self::HiddenFromChoice,
            "stopForwardTraversal" => Self::StopForwardTraversal,
            "exit" => Self::Exit,
            "exitParent" => Self::ExitParent,
            "exitAll" => Self::ExitAll,
            "retry" => Self::Retry,
            "retryAll" => Self::RetryAll,
            "continue" => Self::Continue,
            "previous" => Self::Previous,
            _ => return None,
        })
    }

    /// Whether this action may appear in a rule of `kind` (CAM 5.1.3.1.2, the three
    /// `ruleAction` vocabularies).
    pub fn is_legal_for(self, kind: RuleKind) -> bool {
        use RuleAction::*;
        match kind {
            RuleKind::PreCondition => {
                matches!(
                    self,
                    Skip | Disabled | HiddenFromChoice | StopForwardTraversal
                )
            }
            RuleKind::ExitCondition => matches!(self, Exit),
            RuleKind::PostCondition => {
                matches!(
                    self,
                    ExitParent | ExitAll | Retry | RetryAll | Continue | Previous
                )
            }
        }
    }
}
