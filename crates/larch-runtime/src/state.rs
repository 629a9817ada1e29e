//! A registration's run-time state: one serializable value the server stores as one row.

use std::collections::{BTreeMap, BTreeSet};

use larch_cmi::{CmiState, Completion, RuntimeOutcome, Score, Success};
use larch_sequencing::{EngineState, Sequencer};
use serde::{Deserialize, Serialize};

use crate::course::RuntimeCourse;

/// The learner as the content sees them (`cmi.learner_id`/`cmi.core.student_id`, and the
/// name as `Last, First`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Learner {
    /// Learner id.
    pub id: String,
    /// Display name, `Last, First` as RTE 4.2.14 recommends.
    pub name: String,
}

/// How one finished attempt (SCORM 2004) or session (1.2/AICC) ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    /// Completion.
    pub completion: Completion,
    /// Success.
    pub success: Success,
    /// Score.
    pub score: Score,
    /// Total time of the attempt in centiseconds.
    pub total_time_cs: u64,
    /// When it ended, ms since the epoch.
    pub ended_at: i64,
}

/// The best results ever recorded for an activity in this registration instance: a
/// completion or a pass, once recorded, stays recorded (the brief's "no lost completions").
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Recorded {
    /// Completed at least once.
    pub completed: bool,
    /// Passed at least once.
    pub passed: bool,
    /// Failed at least once (a pass, when there is one, still wins in the progress).
    pub failed: bool,
    /// Reported at least incomplete (started).
    pub incomplete: bool,
    /// The score of the latest commit that reported one.
    pub score: Score,
}

impl Recorded {
    /// Folds in the course root's rollup (SN 4.6) of what an open attempt reported so far.
    pub fn fold_root(&mut self, root: &larch_sequencing::ObjectiveState) {
        self.completed |= root.completed == Some(true);
        self.passed |= root.satisfied == Some(true);
        self.failed |= root.satisfied == Some(false);
    }

    /// Folds in what a commit reported.
    pub fn fold(&mut self, outcome: &RuntimeOutcome) {
        match outcome.completion {
            Completion::Completed => self.completed = true,
            Completion::Incomplete => self.incomplete = true,
            _ => {}
        }
        match outcome.success {
            Success::Passed => self.passed = true,
            Success::Failed => self.failed = true,
            Success::Unknown => {}
        }
        let s = outcome.score;
        if s.scaled.is_some() || s.raw.is_some() {
            self.score = s;
        }
    }
}

/// Run-time data of one launchable activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityRecord {
    /// The data of the current attempt, as last committed (`None` before the first launch).
    pub cmi: Option<CmiState>,
    /// The current attempt was suspended: the next delivery resumes it.
    pub suspended: bool,
    /// The attempt's session ended (Terminate, or closed as abandoned): the next delivery
    /// begins a new attempt (2004) or continues (1.2).
    pub ended: bool,
    /// Attempts begun (deliveries with `entry` `ab-initio`).
    pub attempts: u32,
    /// Earlier attempts, oldest first.
    pub previous: Vec<AttemptSummary>,
    /// Sticky results.
    pub recorded: Recorded,
    /// First delivery, ms since the epoch.
    pub first_access: Option<i64>,
    /// Latest delivery or commit, ms since the epoch.
    pub last_access: Option<i64>,
    /// Total time over all sessions, centiseconds (1.2 `cmi.core.total_time` spans attempts).
    pub total_time_cs: u64,
    /// Elements the content set in the current attempt (canonical names): only these are
    /// reported to the sequencing engine (SN 4.2 / RTE 4.2: values the SCO did not set leave
    /// the tracking model alone).
    #[serde(default)]
    pub reported: BTreeSet<String>,
}

/// One delivery of an activity to the player, and the commits applied to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The delivered activity.
    pub activity: String,
    /// Which attempt of the activity it belongs to (`ActivityRecord::attempts`).
    pub attempt: u32,
    /// The highest commit sequence number applied (0: none yet).
    pub last_seq: u64,
    /// The session is over (terminated, navigated away, or closed as abandoned).
    pub closed: bool,
    /// Delivered at, ms since the epoch.
    pub started_at: i64,
    /// Latest commit, ms since the epoch.
    pub last_commit_at: i64,
    /// A late commit of an earlier session of this attempt changed the attempt's data after
    /// this session was delivered and before it committed anything: its delivered data model
    /// is out of date, so the player's next `state` delivers the activity anew (rule 3).
    #[serde(default)]
    pub stale: bool,
}

/// How many closed sessions are remembered for late commits (a tab's unsent commits are
/// replayed at its next launch, so only the latest few matter).
pub const CLOSED_SESSIONS_KEPT: usize = 16;

/// The whole run-time state of one registration instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationState {
    /// The learner.
    pub learner: Learner,
    /// The registration instance (0 for the first; see [`crate::new_instance`]).
    pub instance: u32,
    /// Per launchable activity, by id.
    pub activities: BTreeMap<String, ActivityRecord>,
    /// The sequencing engine's state (SCORM 2004 only).
    pub engine: Option<EngineState>,
    /// The activity delivered now or last (the simple model's current activity).
    pub current: Option<String>,
    /// The activity to resume at the next launch (1.2/AICC suspend; 2004 keeps its own).
    pub suspended: Option<String>,
    /// Sessions by id, the open one and the latest closed ones.
    pub sessions: BTreeMap<u64, SessionRecord>,
    /// The next session id.
    pub next_session: u64,
    /// 4th Ed shared data stores (`adl.data`) by target id.
    pub shared_data: BTreeMap<String, String>,
    /// Sticky course-level results (see [`Recorded`]).
    #[serde(default)]
    pub recorded: Recorded,
    /// Launches of this registration instance.
    #[serde(default)]
    pub launches: u32,
    /// The course has been finished (the sequencing session ended, or the learner exited).
    pub course_over: bool,
    /// First launch, ms since the epoch.
    pub first_access: Option<i64>,
    /// Latest launch or commit, ms since the epoch.
    pub last_access: Option<i64>,
}

impl RegistrationState {
    /// A new registration of `learner` on `course`. `seed` drives the sequencing engine's
    /// selection and randomization (SN 4.9); any value works, the server stores it implicitly
    /// in the engine state.
    pub fn new(course: &RuntimeCourse, learner: Learner, seed: u64) -> Self {
        let engine = course
            .tree
            .as_ref()
            .map(|tree| Sequencer::new(tree, seed).state().clone());
        Self {
            learner,
            instance: 0,
            activities: course
                .launchables
                .iter()
                .map(|l| (l.id.clone(), ActivityRecord::default()))
                .collect(),
            engine,
            current: None,
            suspended: None,
            sessions: BTreeMap::new(),
            next_session: 1,
            shared_data: BTreeMap::new(),
            recorded: Recorded::default(),
            launches: 0,
            course_over: false,
            first_access: None,
            last_access: None,
        }
    }

    /// The open session, if any.
    pub fn open_session(&self) -> Option<(u64, &SessionRecord)> {
        self.sessions
            .iter()
            .rev()
            .find(|(_, s)| !s.closed)
            .map(|(id, s)| (*id, s))
    }

    pub(crate) fn touch(&mut self, now: i64) {
        self.first_access.get_or_insert(now);
        self.last_access = Some(now);
    }

    /// Forgets the oldest closed sessions beyond [`CLOSED_SESSIONS_KEPT`].
    pub(crate) fn prune_sessions(&mut self) {
        let closed: Vec<u64> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.closed)
            .map(|(id, _)| *id)
            .collect();
        let excess = closed.len().saturating_sub(CLOSED_SESSIONS_KEPT);
        for id in closed.into_iter().take(excess) {
            self.sessions.remove(&id);
        }
    }
}
