//! The sequencing definition model of SCORM 2004 4th Edition (SN book 3; CAM book 5 for the
//! `imsss`/`adlseq` XML binding), as static data attached to each activity.
//!
//! This is the one place where the defaults of the specification live: every type's
//! [`Default`] is the value the CAM/SN books give when the manifest says nothing.
//! The ingestion crate fills these types from `imsmanifest.xml`; the engine only reads them.

mod controls;
mod duration;
mod objectives;
mod rollup;
mod rules;
mod tree;

pub use controls::{
    ConstrainedChoice, ControlMode, DeliveryControls, LimitConditions, RandomizationControls,
    RandomizationTiming,
};
pub use duration::{DurationError, parse_duration_secs};
pub use objectives::{Objective, ObjectiveMap, Objectives};
pub use rollup::{
    ChildActivitySet, RollupAction, RollupCondition, RollupConditionKind, RollupConsideration,
    RollupConsiderations, RollupRule, RollupRules,
};
pub use rules::{
    ConditionCombination, ConditionOperator, RuleAction, RuleCondition, RuleConditionKind,
    RuleKind, SequencingRule, SequencingRules,
};
pub use tree::{ActivityDefinition, CompletionThreshold, SequencingDefinition, TreeDefinition};
