//! Registration progress in one vocabulary for every standard.
//!
//! - SCORM 2004: the course's status is the engine's rollup of the root activity (SN 4.6):
//!   its attempt completion status and primary objective's satisfied status and normalized
//!   measure; each activity's from its own tracking.
//! - SCORM 1.2 and AICC (no rollup in the specs): each SCO's `lesson_status` maps to
//!   completion and success (`passed` → completed + passed, `failed` → completed + failed,
//!   `completed` → completed, `incomplete`/`browsed` → incomplete); the course is completed
//!   when every SCO is, incomplete once any has been attempted; it is failed when any SCO
//!   failed, passed when it is completed and every SCO that reported success passed.
//! - Scores: a course with one launchable reports that SCO's score; otherwise the mean of
//!   the scores reported (SCORM 2004: the root's measure as `scaled`).
//! - Everywhere, results are sticky ([`crate::Recorded`]): a completion or pass once
//!   recorded is never reported as less.

use larch_cmi::types::duration::format_iso;
use larch_cmi::{Completion, RuntimeOutcome, Success};
use larch_sequencing::Sequencer;
use larch_sequencing::tree::ActivityIx;
use serde::{Deserialize, Serialize};

use crate::course::RuntimeCourse;
use crate::state::{ActivityRecord, Recorded, RegistrationState};

/// Completion in the progress vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionStatus {
    /// Nothing known (never attempted).
    #[default]
    Unknown,
    /// Attempted, not completed.
    Incomplete,
    /// Completed.
    Completed,
}

/// Success in the progress vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuccessStatus {
    /// Nothing known.
    #[default]
    Unknown,
    /// Passed.
    Passed,
    /// Failed.
    Failed,
}

/// A score; each part is `None` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ProgressScore {
    /// −1..1.
    pub scaled: Option<f64>,
    /// Raw.
    pub raw: Option<f64>,
    /// Minimum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
}

impl ProgressScore {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One activity's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityProgress {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Depth below the course (the course is 0).
    pub depth: u32,
    /// Whether it delivers content.
    pub launchable: bool,
    /// Completion.
    pub completion_status: CompletionStatus,
    /// Success.
    pub success_status: SuccessStatus,
    /// Score.
    pub score: ProgressScore,
    /// Attempts begun.
    pub attempts: u32,
    /// Time spent over all sessions, ISO 8601.
    pub total_time: String,
    /// The current attempt is suspended.
    pub suspended: bool,
    /// First delivery, ms since the epoch.
    pub first_access: Option<i64>,
    /// Latest delivery or commit, ms since the epoch.
    pub last_access: Option<i64>,
}

/// A registration's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Completion.
    pub completion_status: CompletionStatus,
    /// Success.
    pub success_status: SuccessStatus,
    /// Score.
    pub score: ProgressScore,
    /// Time spent over all sessions, ISO 8601 (`PT1H2M3S`).
    pub total_time: String,
    /// Attempts on the course (SCORM 2004: on the root activity; 1.2/AICC: launches).
    pub attempts: u32,
    /// First launch, ms since the epoch.
    pub first_access: Option<i64>,
    /// Latest launch or commit, ms since the epoch.
    pub last_access: Option<i64>,
    /// Every activity in tree order, the course first.
    pub activities: Vec<ActivityProgress>,
}

/// The progress of `state`.
pub fn progress(course: &RuntimeCourse, state: &RegistrationState) -> Progress {
    let mut activities = activity_rows(course, state);
    let total: u64 = state.activities.values().map(|r| r.total_time_cs).sum();
    let (completion, success, mut score, attempts) = match &activities.first() {
        Some(root) if course.is_sequenced() => (
            root.completion_status,
            root.success_status,
            root.score,
            root.attempts,
        ),
        _ => {
            let (c, s) = simple_rollup(&activities);
            (c, s, ProgressScore::default(), state.launches)
        }
    };
    let launchables: Vec<&ActivityProgress> = activities.iter().filter(|a| a.launchable).collect();
    let mean = mean_score(&launchables);
    score.raw = score.raw.or(mean.raw);
    score.min = score.min.or(mean.min);
    score.max = score.max.or(mean.max);
    score.scaled = score.scaled.or(mean.scaled);
    let (completion, success) = sticky(completion, success, &state.recorded);
    if let Some(root) = activities.first_mut() {
        root.completion_status = completion;
        root.success_status = success;
        root.score = score;
        root.total_time = format_iso(total);
    }
    Progress {
        completion_status: completion,
        success_status: success,
        score,
        total_time: format_iso(total),
        attempts,
        first_access: state.first_access,
        last_access: state.last_access,
        activities,
    }
}

/// Folds the course's current rollup into the sticky course results.
pub(crate) fn refresh_recorded(course: &RuntimeCourse, state: &mut RegistrationState) {
    let now = progress(course, state);
    let r = &mut state.recorded;
    r.completed |= now.completion_status == CompletionStatus::Completed;
    r.incomplete |= now.completion_status == CompletionStatus::Incomplete;
    r.passed |= now.success_status == SuccessStatus::Passed;
    r.failed |= now.success_status == SuccessStatus::Failed;
}

fn sticky(
    completion: CompletionStatus,
    success: SuccessStatus,
    recorded: &Recorded,
) -> (CompletionStatus, SuccessStatus) {
    let completion = if recorded.completed {
        CompletionStatus::Completed
    } else {
        completion
    };
    let success = match success {
        _ if recorded.passed => SuccessStatus::Passed,
        // A failure once reported is not forgotten either (a pass still wins).
        SuccessStatus::Unknown if recorded.failed => SuccessStatus::Failed,
        known => known,
    };
    (completion, success)
}

fn activity_rows(course: &RuntimeCourse, state: &RegistrationState) -> Vec<ActivityProgress> {
    // Only SCORM 2004 has an engine to ask; loading one for a 1.2 or AICC course was wasted.
    let seq = course
        .is_sequenced()
        .then(|| crate::sequenced::load(course, state).ok())
        .flatten();
    course
        .activities
        .iter()
        .enumerate()
        .map(|(n, info)| {
            let record = state.activities.get(&info.id);
            let mut row = match (&seq, record) {
                (Some(seq), _) => engine_row(seq, ActivityIx(n as u32), record),
                (None, Some(record)) => simple_row(record),
                (None, None) => blank_row(),
            };
            row.id = info.id.clone();
            row.title = info.title.clone();
            row.depth = info.depth;
            row.launchable = info.launchable.is_some();
            row
        })
        .collect()
}

fn blank_row() -> ActivityProgress {
    ActivityProgress {
        id: String::new(),
        title: String::new(),
        depth: 0,
        launchable: false,
        completion_status: CompletionStatus::Unknown,
        success_status: SuccessStatus::Unknown,
        score: ProgressScore::default(),
        attempts: 0,
        total_time: format_iso(0),
        suspended: false,
        first_access: None,
        last_access: None,
    }
}

fn with_record(mut row: ActivityProgress, record: Option<&ActivityRecord>) -> ActivityProgress {
    let Some(record) = record else { return row };
    let score = |s: &larch_cmi::Score| ProgressScore {
        scaled: s.scaled,
        raw: s.raw,
        min: s.min,
        max: s.max,
    };
    if let Some(cmi) = &record.cmi {
        let own = score(&RuntimeOutcome::status_from_state(cmi).score);
        if !own.is_empty() {
            row.score = own;
        }
    }
    // A score only a late commit carried (replayed after a relaunch, kept in the sticky
    // results and not in the attempt's data) is still the latest the content reported.
    if row.score.is_empty() {
        row.score = score(&record.recorded.score);
    }
    let (c, s) = sticky(row.completion_status, row.success_status, &record.recorded);
    row.completion_status = c;
    row.success_status = s;
    row.total_time = format_iso(record.total_time_cs);
    row.suspended = record.suspended;
    row.first_access = record.first_access;
    row.last_access = record.last_access;
    row
}

/// SN 4.2: an activity's tracking as the engine rolled it up.
fn engine_row(
    seq: &Sequencer,
    ix: ActivityIx,
    record: Option<&ActivityRecord>,
) -> ActivityProgress {
    let st = seq.activity_state(ix);
    let view = seq.objective_view(ix, 0);
    let mut row = blank_row();
    row.attempts = st.attempt_count;
    row.completion_status = match view.completed {
        Some(true) => CompletionStatus::Completed,
        Some(false) => CompletionStatus::Incomplete,
        None if st.attempted() => CompletionStatus::Incomplete,
        None => CompletionStatus::Unknown,
    };
    row.success_status = match view.satisfied {
        Some(true) => SuccessStatus::Passed,
        Some(false) => SuccessStatus::Failed,
        None => SuccessStatus::Unknown,
    };
    row.score = ProgressScore {
        scaled: view.measure,
        raw: view.raw,
        min: view.min,
        max: view.max,
    };
    with_record(row, record)
}

/// SCORM 1.2 RTE 3.4.4 `cmi.core.lesson_status` in the progress vocabulary.
fn simple_row(record: &ActivityRecord) -> ActivityProgress {
    let mut row = blank_row();
    row.attempts = record.attempts;
    if let Some(cmi) = &record.cmi {
        let outcome = RuntimeOutcome::status_from_state(cmi);
        let status = outcome.lesson_status.unwrap_or("not attempted");
        (row.completion_status, row.success_status) = match status {
            "passed" => (CompletionStatus::Completed, SuccessStatus::Passed),
            "failed" => (CompletionStatus::Completed, SuccessStatus::Failed),
            "completed" => (CompletionStatus::Completed, SuccessStatus::Unknown),
            "incomplete" | "browsed" => (CompletionStatus::Incomplete, SuccessStatus::Unknown),
            _ => (
                from_completion(outcome.completion),
                from_success(outcome.success),
            ),
        };
    }
    with_record(row, Some(record))
}

fn from_completion(c: Completion) -> CompletionStatus {
    match c {
        Completion::Completed => CompletionStatus::Completed,
        Completion::Incomplete => CompletionStatus::Incomplete,
        _ => CompletionStatus::Unknown,
    }
}

fn from_success(s: Success) -> SuccessStatus {
    match s {
        Success::Passed => SuccessStatus::Passed,
        Success::Failed => SuccessStatus::Failed,
        Success::Unknown => SuccessStatus::Unknown,
    }
}

/// The 1.2/AICC course rule of the module documentation.
fn simple_rollup(rows: &[ActivityProgress]) -> (CompletionStatus, SuccessStatus) {
    let scos: Vec<&ActivityProgress> = rows.iter().filter(|a| a.launchable).collect();
    let all_done = scos
        .iter()
        .all(|a| a.completion_status == CompletionStatus::Completed);
    let any_started = scos
        .iter()
        .any(|a| a.completion_status != CompletionStatus::Unknown);
    let completion = match (all_done && !scos.is_empty(), any_started) {
        (true, _) => CompletionStatus::Completed,
        (false, true) => CompletionStatus::Incomplete,
        (false, false) => CompletionStatus::Unknown,
    };
    let judged: Vec<SuccessStatus> = scos
        .iter()
        .map(|a| a.success_status)
        .filter(|s| *s != SuccessStatus::Unknown)
        .collect();
    let success = if judged.contains(&SuccessStatus::Failed) {
        SuccessStatus::Failed
    } else if !judged.is_empty() && completion == CompletionStatus::Completed {
        SuccessStatus::Passed
    } else {
        SuccessStatus::Unknown
    };
    (completion, success)
}

fn mean_score(rows: &[&ActivityProgress]) -> ProgressScore {
    let mean = |f: fn(&ProgressScore) -> Option<f64>| {
        let values: Vec<f64> = rows.iter().filter_map(|a| f(&a.score)).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    ProgressScore {
        scaled: mean(|s| s.scaled),
        raw: mean(|s| s.raw),
        min: mean(|s| s.min),
        max: mean(|s| s.max),
    }
}
