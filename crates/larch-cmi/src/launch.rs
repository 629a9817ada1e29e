//! What the LMS knows when it launches a SCO, and how it seeds the state.

use serde::{Deserialize, Serialize};

use crate::ScormVersion;
use crate::state::{CmiState, SharedDataAccess};
use crate::types::duration;

/// `cmi.credit` / `cmi.core.credit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credit {
    /// The attempt counts (the default).
    #[default]
    Credit,
    /// The attempt does not count.
    NoCredit,
}

/// `cmi.mode` / `cmi.core.lesson_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Browsing without credit.
    Browse,
    /// Taking the content for credit (the default).
    #[default]
    Normal,
    /// Reviewing an earlier attempt.
    Review,
}

/// A comment the LMS shows to the SCO (`cmi.comments_from_lms`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LmsComment {
    /// Text (2004: localized string).
    pub comment: String,
    /// Where in the SCO it applies.
    pub location: Option<String>,
    /// 2004 time(second,10,0).
    pub timestamp: Option<String>,
}

/// An objective the LMS declares to the SCO (CAM `imsss:objective` ids, RTE
/// 4.2.17), optionally with status read from a global objective by the
/// sequencing engine.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ObjectiveInit {
    /// Objective id.
    pub id: String,
    /// Known success status (`passed`/`failed`), if any.
    pub success_status: Option<String>,
    /// Known completion status, if any.
    pub completion_status: Option<String>,
    /// Known scaled score, if any.
    pub score_scaled: Option<f64>,
    /// Known progress measure, if any.
    pub progress_measure: Option<f64>,
    /// Known raw score (4th Ed `adlseq:mapInfo@readRawScore`), if any.
    pub score_raw: Option<f64>,
    /// Known minimum score (`readMinScore`), if any.
    pub score_min: Option<f64>,
    /// Known maximum score (`readMaxScore`), if any.
    pub score_max: Option<f64>,
}

/// A shared data store mapped to the SCO (4th Ed `adlcp:data/adlcp:map`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedDataInit {
    /// Access rights.
    pub access: SharedDataAccess,
    /// Current value of the global store, if it has been written.
    pub value: Option<String>,
}

/// Everything the LMS supplies at launch. Times are ISO 8601 durations for
/// 2004 and CMITimespans for 1.2; `mastery_score` is 0–100 (1.2),
/// `scaled_passing_score` −1–1 (2004).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LaunchData {
    /// `cmi.learner_id` / `cmi.core.student_id`.
    pub learner_id: String,
    /// `cmi.learner_name` / `cmi.core.student_name`.
    pub learner_name: String,
    /// Credit. By default, credit.
    pub credit: Credit,
    /// Mode. By default, normal.
    pub mode: Mode,
    /// `adlcp:dataFromLMS` → `cmi.launch_data`.
    pub launch_data: Option<String>,
    /// 1.2 `adlcp:masteryscore` → `cmi.student_data.mastery_score`.
    pub mastery_score: Option<f64>,
    /// 2004 primary objective `minNormalizedMeasure` (when satisfied by measure).
    pub scaled_passing_score: Option<f64>,
    /// `adlcp:maxtimeallowed` / `imsss:attemptAbsoluteDurationLimit`.
    pub max_time_allowed: Option<String>,
    /// `adlcp:timeLimitAction`.
    pub time_limit_action: Option<String>,
    /// 2004 `adlcp:completionThreshold`.
    pub completion_threshold: Option<f64>,
    /// `cmi.comments_from_lms`.
    pub comments_from_lms: Vec<LmsComment>,
    /// Objectives declared in the manifest (2004) for `cmi.objectives`.
    pub objectives: Vec<ObjectiveInit>,
    /// 4th Ed shared data stores.
    pub shared_data: Vec<SharedDataInit>,
}

/// How this launch relates to earlier sessions of the same activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Prior {
    /// First session of a new attempt: `entry` is `ab-initio`.
    #[default]
    NewAttempt,
    /// The previous session suspended: its data is restored, `entry` is `resume`.
    Resume(Box<CmiState>),
    /// SCORM 1.2 only: the previous session ended without suspending, the
    /// learner relaunches the same attempt; data is kept, `entry` is "".
    Continue(Box<CmiState>),
}

impl Prior {
    /// How the next launch of the same activity relates to a session that
    /// ended with `state` and `outcome`: a suspended session resumes (2004
    /// RTE 4.2.8, 1.2 RTE 3.4.4 cmi.core.entry). Otherwise SCORM 2004 starts a
    /// new attempt (the sequencer may decide otherwise and pass its own
    /// `Prior`), while SCORM 1.2, which has no attempts, continues with the
    /// same data and an empty `entry`.
    pub fn after(state: CmiState, outcome: &crate::RuntimeOutcome) -> Self {
        match (outcome.suspended, state.version.is_2004()) {
            (true, _) => Self::Resume(Box::new(state)),
            (false, true) => Self::NewAttempt,
            (false, false) => Self::Continue(Box::new(state)),
        }
    }
}

/// The initial state of a session: data from an earlier session (if any)
/// plus the LMS-supplied values of `launch`.
pub fn initial_state(version: ScormVersion, launch: &LaunchData, prior: Prior) -> CmiState {
    let (mut state, entry) = match prior {
        Prior::NewAttempt => (CmiState::empty(version), "ab-initio"),
        Prior::Resume(s) => (*s, "resume"),
        Prior::Continue(s) => (*s, ""),
    };
    state.version = version;
    for transient in [
        "cmi.exit",
        "cmi.session_time",
        "cmi.core.exit",
        "cmi.core.session_time",
    ] {
        state.values.remove(transient);
    }
    if version.is_2004() {
        crate::launch2004::seed(&mut state, launch, entry);
    } else {
        seed_12(&mut state, launch, entry);
    }
    state
}

pub(crate) fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::Browse => "browse",
        Mode::Normal => "normal",
        Mode::Review => "review",
    }
}

pub(crate) fn credit_str(credit: Credit) -> &'static str {
    match credit {
        Credit::Credit => "credit",
        Credit::NoCredit => "no-credit",
    }
}

/// RTE 1.2 3.4.4: LMS-supplied `cmi.core.*` and `cmi.student_data.*`.
fn seed_12(s: &mut CmiState, l: &LaunchData, entry: &str) {
    s.set_raw("cmi.core.student_id", l.learner_id.clone());
    s.set_raw("cmi.core.student_name", l.learner_name.clone());
    s.set_raw("cmi.core.credit", credit_str(l.credit));
    s.set_raw("cmi.core.lesson_mode", mode_str(l.mode));
    s.set_raw("cmi.core.entry", entry);
    s.set_raw("cmi.launch_data", l.launch_data.clone().unwrap_or_default());
    if let Some(m) = l.mastery_score {
        s.set_raw("cmi.student_data.mastery_score", format_number(m));
    }
    if let Some(t) = &l.max_time_allowed {
        s.set_raw("cmi.student_data.max_time_allowed", t.clone());
    }
    s.set_raw(
        "cmi.student_data.time_limit_action",
        l.time_limit_action
            .clone()
            .unwrap_or_else(|| "continue,no message".into()),
    );
    let comments: Vec<&str> = l
        .comments_from_lms
        .iter()
        .map(|c| c.comment.as_str())
        .collect();
    s.set_raw("cmi.comments_from_lms", comments.join("\n"));
    s.values
        .entry("cmi.core.lesson_status".into())
        .or_insert_with(|| "not attempted".into());
    let zero = duration::format_timespan(0);
    s.values.entry("cmi.core.total_time".into()).or_insert(zero);
}

/// Formats a number the way the data model writes reals: no exponent, no
/// trailing zeros.
pub fn format_number(v: f64) -> String {
    let s = format!("{v:.7}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}
