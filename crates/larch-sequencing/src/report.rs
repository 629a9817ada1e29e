//! The runtime interface: what the content (SCO) reported when it terminated, mapped onto
//! the tracking model (RTE book 4.2 ↔ SN 4.2 as described in SN Appendix / RTE 4.2.x).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::engine::Sequencer;
use crate::request::{NavigationRequest, Outcome};
use crate::tracking::{Cleared, ObjectiveState};
use crate::tree::ActivityIx;

/// `cmi.completion_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionStatus {
    /// `completed`
    Completed,
    /// `incomplete`
    Incomplete,
    /// `not attempted`
    NotAttempted,
    /// `unknown`
    Unknown,
}

/// `cmi.success_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuccessStatus {
    /// `passed`
    Passed,
    /// `failed`
    Failed,
    /// `unknown`
    Unknown,
}

/// `cmi.exit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitMode {
    /// `suspend`: the attempt is suspended, not ended.
    Suspend,
    /// `logout` (deprecated): treated as exit all.
    Logout,
    /// `time-out`: treated as exit all.
    TimeOut,
    /// `normal` or empty.
    Normal,
}

/// Scores as the content reports them; each is `None` when not set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `score.scaled` in [-1, 1]: the normalized measure.
    pub scaled: Option<f64>,
    /// `score.raw`
    pub raw: Option<f64>,
    /// `score.min`
    pub min: Option<f64>,
    /// `score.max`
    pub max: Option<f64>,
}

/// One `cmi.objectives.n` entry, matched to the activity's objectives by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveReport {
    /// `cmi.objectives.n.id`
    pub id: String,
    /// `cmi.objectives.n.success_status`, if set.
    pub success_status: Option<SuccessStatus>,
    /// `cmi.objectives.n.completion_status`, if set.
    pub completion_status: Option<CompletionStatus>,
    /// `cmi.objectives.n.score.*`
    pub score: Score,
    /// `cmi.objectives.n.progress_measure`, if set.
    pub progress_measure: Option<f64>,
}

/// What the content reported for the current attempt: only the values it set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoReport {
    /// `cmi.completion_status`, if set.
    pub completion_status: Option<CompletionStatus>,
    /// `cmi.success_status`, if set.
    pub success_status: Option<SuccessStatus>,
    /// `cmi.score.*`
    pub score: Score,
    /// `cmi.progress_measure`, if set.
    pub progress_measure: Option<f64>,
    /// `cmi.objectives.n.*`
    pub objectives: Vec<ObjectiveReport>,
    /// `cmi.session_time` in seconds, if set.
    pub session_time_secs: Option<f64>,
    /// `cmi.exit`, if set.
    pub exit: Option<ExitMode>,
    /// `adl.nav.request`, if set to anything but `_none_`.
    pub nav_request: Option<NavigationRequest>,
}

fn success(status: SuccessStatus) -> Option<bool> {
    match status {
        SuccessStatus::Passed => Some(true),
        SuccessStatus::Failed => Some(false),
        SuccessStatus::Unknown => None,
    }
}

fn completion(status: CompletionStatus) -> Option<bool> {
    match status {
        CompletionStatus::Completed => Some(true),
        CompletionStatus::Incomplete | CompletionStatus::NotAttempted => Some(false),
        CompletionStatus::Unknown => None,
    }
}

fn apply_objective(objective: &mut ObjectiveState, report: &ObjectiveReport) {
    if let Some(status) = report.success_status {
        objective.satisfied = success(status);
    }
    if let Some(status) = report.completion_status {
        objective.completed = completion(status);
    }
    apply_score(objective, &report.score);
    if report.progress_measure.is_some() {
        objective.progress_measure = report.progress_measure;
    }
}

fn apply_score(objective: &mut ObjectiveState, score: &Score) {
    let fields = [
        (score.scaled, &mut objective.measure),
        (score.raw, &mut objective.raw),
        (score.min, &mut objective.min),
        (score.max, &mut objective.max),
    ];
    for (value, target) in fields {
        if value.is_some() {
            *target = value;
        }
    }
}

impl Sequencer {
    /// The content terminated with `report`: records it on the current activity, rolls up,
    /// then processes its navigation request (or, with none, waits for the learner: the
    /// attempt ends when the learner's next request is processed).
    pub fn terminate(&mut self, report: &ScoReport, now: f64) -> Outcome {
        self.state.now = now;
        // An abandoned attempt keeps nothing of what the content reported.
        let abandoned = matches!(
            report.nav_request,
            Some(NavigationRequest::Abandon | NavigationRequest::AbandonAll)
        );
        if let Some(current) = self
            .state
            .current
            .filter(|c| self.st(*c).active && !abandoned)
        {
            self.record(current, report);
        }
        let request = report.nav_request.clone().or(match report.exit {
            Some(ExitMode::Logout | ExitMode::TimeOut) => Some(NavigationRequest::ExitAll),
            _ => None,
        });
        match request {
            Some(request) => self.navigate(&request, now),
            None => Outcome::NoDelivery { exception: None },
        }
    }

    /// Applies the reported values to `ix`'s tracking (if tracked), writes them through the
    /// objective maps (SN 4.2.4), and rolls up (RB.1.5).
    pub fn record(&mut self, ix: ActivityIx, report: &ScoReport) {
        if report.exit == Some(ExitMode::Suspend) {
            self.st_mut(ix).suspended = true;
        }
        if !self.tree.get(ix).sequencing.delivery.tracked {
            return;
        }
        let mut cleared = vec![Cleared::default(); self.st(ix).objectives.len()];
        self.record_objectives(ix, &report.objectives, &mut cleared);
        let state = self.st_mut(ix);
        if let Some(status) = report.completion_status {
            state.completed = completion(status);
            state.completion_reported = true;
            cleared[0].completed |= status == CompletionStatus::Unknown;
        }
        if report.progress_measure.is_some() {
            state.completion_amount = report.progress_measure;
        }
        if let Some(status) = report.success_status {
            state.objectives[0].satisfied = success(status);
            state.success_reported = true;
            cleared[0].satisfied |= status == SuccessStatus::Unknown;
        }
        apply_score(&mut state.objectives[0], &report.score);
        if let Some(secs) = report.session_time_secs {
            state.attempt_experienced_secs += secs;
            state.activity_experienced_secs += secs;
        }
        let mut changed = BTreeSet::new();
        self.write_objectives(ix, &cleared, &mut changed);
        self.overall_rollup_after(ix, changed);
    }

    fn record_objectives(
        &mut self,
        ix: ActivityIx,
        reports: &[ObjectiveReport],
        cleared: &mut [Cleared],
    ) {
        for report in reports {
            let Some(objective) = self.objective_index(ix, Some(&report.id)) else {
                continue;
            };
            apply_objective(&mut self.st_mut(ix).objectives[objective], report);
            cleared[objective] = Cleared {
                satisfied: report.success_status == Some(SuccessStatus::Unknown),
                completed: report.completion_status == Some(CompletionStatus::Unknown),
            };
            if objective == 0 {
                let primary = self.st(ix).objectives[0];
                let state = self.st_mut(ix);
                // The primary objective's statuses set through `cmi.objectives` count as
                // reported, so the End Attempt Process keeps them, unknown included (the
                // sample RTE's `primaryStatusSetBySCO`; the CTS's OB-17b).
                if report.completion_status.is_some() {
                    state.completed = primary.completed;
                    state.completion_reported = true;
                }
                if report.success_status.is_some() {
                    state.success_reported = true;
                }
                if report.progress_measure.is_some() {
                    state.completion_amount = primary.progress_measure;
                }
            }
        }
    }
}
