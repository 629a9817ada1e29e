//! The tracking model (SN book 4.2): per-activity state and attempt information, objective
//! progress, and the global objectives that activities share through objective maps.
//!
//! Values the books describe as a "status" plus a value (Objective Progress Status +
//! Objective Satisfied Status, Attempt Progress Status + Attempt Completion Status, …) are
//! an `Option`: `None` is "status false / unknown".

mod access;
mod objectives;
mod write;

use serde::{Deserialize, Serialize};

use crate::tree::ActivityIx;

pub use objectives::ObjectiveState;
pub(crate) use write::Cleared;

/// Activity state and tracking information for one activity (SN 4.2.1–4.2.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityState {
    /// Activity is Active: an attempt is in progress and not suspended.
    pub active: bool,
    /// Activity is Suspended.
    pub suspended: bool,
    /// Activity Attempt Count (Activity Progress Status is `attempt_count > 0`).
    pub attempt_count: u32,
    /// Attempt Completion Status, with Attempt Progress Status as `Some`.
    pub completed: Option<bool>,
    /// Attempt Completion Amount (the progress measure), with its status as `Some`.
    pub completion_amount: Option<f64>,
    /// Objective progress of the activity's objectives; index 0 is the primary objective.
    pub objectives: Vec<ObjectiveState>,
    /// Available Children after selection and randomization (SN 4.2.1), in flow order.
    pub available_children: Vec<ActivityIx>,
    /// Whether selection has been applied ("once" timing).
    pub selection_done: bool,
    /// Whether randomization has been applied ("once" timing).
    pub randomization_done: bool,
    /// The content reported a completion status in this attempt (even `unknown`), so the
    /// End Attempt Process leaves it alone.
    #[serde(default)]
    pub completion_reported: bool,
    /// The content reported a success status in this attempt (even `unknown`).
    #[serde(default)]
    pub success_reported: bool,
    /// The tracking information is from before the parent's current attempt (SN 3.2.1
    /// `useCurrentAttemptObjectiveInfo`/`…ProgressInfo`): the parent's rollup ignores it.
    #[serde(default)]
    pub stale: bool,
    /// Start of the current attempt, seconds since the epoch (time is passed in).
    pub attempt_started_at: Option<f64>,
    /// Attempt Absolute Duration of the last ended attempt, in seconds (wall time from its
    /// start to its end, suspensions included).
    #[serde(default)]
    pub attempt_absolute_secs: f64,
    /// Attempt Experienced Duration reported by the content, in seconds.
    pub attempt_experienced_secs: f64,
    /// Activity Experienced Duration: the sum over attempts, in seconds.
    pub activity_experienced_secs: f64,
}

impl ActivityState {
    /// Activity Progress Status: whether the activity has been attempted at all.
    pub fn attempted(&self) -> bool {
        self.attempt_count > 0
    }

    /// Clears the attempt progress and objective information for a new attempt (SN 4.2.2).
    pub fn reset_for_new_attempt(&mut self) {
        self.completed = None;
        self.completion_amount = None;
        for objective in &mut self.objectives {
            *objective = ObjectiveState::default();
        }
        self.attempt_experienced_secs = 0.0;
        self.completion_reported = false;
        self.success_reported = false;
    }
}
