//! Commits from the browser shim, applied idempotently by sequence number (the brief's
//! runtime protocol: no lost completions).
//!
//! Rules, in order:
//! 1. A commit names its session and activity; a session this registration never opened
//!    is refused ([`RuntimeError::UnknownSession`]).
//! 2. A sequence number at or below the session's last applied one is a replay or stale:
//!    nothing changes and the answer says what was applied ([`CommitStatus::Duplicate`]).
//! 3. A commit for a session that is already closed (terminated, navigated away from, or
//!    closed as abandoned) is late ([`CommitStatus::Late`]): when no later session ran
//!    content on the activity (none, or only open ones of the same attempt that committed
//!    nothing yet, which are then marked [`SessionRecord::stale`]), it is applied to the attempt's data (the state the next delivery
//!    resumes from) and, in SCORM 2004, recorded into the engine's tracking; otherwise only
//!    its completion, pass and score are kept in the sticky results. Either way a
//!    completion or pass the content reported is never lost.
//! 4. Otherwise the changes are validated and applied exactly as `SetValue` would
//!    ([`larch_cmi::apply_batch`], forgiving by default); a refused change is reported with
//!    its error code and skipped. Every applied change is a transcript entry.
//! 5. Results are sticky: a completion or pass once recorded stays recorded in the
//!    progress, whatever a later commit reports ([`crate::Recorded`]).
//! 6. `terminate` (or a learner's `nav_request`, which unloads the SCO) ends the session and
//!    runs the navigation that follows; the answer says what to deliver next.

use larch_cmi::{Change, RejectedChange, RuntimeOutcome, TranscriptEntry, apply_batch};
use larch_sequencing::{NavigationRequest, ObjectiveState};
use serde::{Deserialize, Serialize};

use crate::course::RuntimeCourse;
use crate::nav::NavState;
use crate::progress::refresh_recorded;
use crate::report::sco_report;
use crate::session::{end_session, nav_now};
use crate::state::{RegistrationState, SessionRecord};
use crate::step::{Next, RuntimeError};

/// One commit from the shim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// The session ([`crate::Delivery::session`]).
    pub session: u64,
    /// Sequence number within the session, from 1, increasing.
    pub seq: u64,
    /// The session's activity.
    pub activity: String,
    /// SetValue calls since the previous commit, in order.
    pub changes: Vec<Change>,
    /// The content called `Terminate`/`LMSFinish`.
    pub terminate: bool,
    /// The learner's navigation that unloads the SCO (it ends the session like `terminate`
    /// and takes precedence over the content's `adl.nav.request`).
    pub nav_request: Option<NavigationRequest>,
}

/// How a commit was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitStatus {
    /// Applied.
    Applied,
    /// A replay or a stale commit: nothing changed.
    Duplicate,
    /// For a closed session (rule 3).
    Late,
}

/// The answer to a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitResult {
    /// How it was taken.
    pub status: CommitStatus,
    /// The session's highest applied sequence number after it.
    pub applied_seq: u64,
    /// Changes the data model refused, with their codes.
    pub rejected: Vec<RejectedChange>,
    /// One entry per applied change. Not part of the answer on the wire: the server stores
    /// it, and the player has no use for its own changes echoed back (serializing them was a
    /// twentieth of a commit's CPU).
    #[serde(skip)]
    pub transcript: Vec<TranscriptEntry>,
    /// After a terminate: what the player does next.
    pub next: Option<Next>,
    /// The navigation state for the player's buttons and the shim's
    /// `adl.nav.request_valid.*` answers.
    pub nav: NavState,
}

/// Applies `commit` (see the module documentation for the rules).
pub fn apply_commit(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    commit: &Commit,
    now: i64,
) -> Result<CommitResult, RuntimeError> {
    let Some(session) = state.sessions.get(&commit.session).cloned() else {
        let known =
            commit.session < state.next_session && state.activities.contains_key(&commit.activity);
        return match known {
            true => late(course, state, commit, None, now),
            false => Err(RuntimeError::UnknownSession(commit.session)),
        };
    };
    if session.activity != commit.activity {
        return Err(RuntimeError::WrongActivity {
            session: commit.session,
            expected: session.activity,
            got: commit.activity.clone(),
        });
    }
    if commit.seq <= session.last_seq {
        return Ok(CommitResult {
            status: CommitStatus::Duplicate,
            applied_seq: session.last_seq,
            rejected: Vec::new(),
            transcript: Vec::new(),
            next: None,
            nav: nav_now(course, state)?,
        });
    }
    if session.closed {
        let later = unused_later_sessions(state, commit, session.attempt);
        return late(course, state, commit, later, now);
    }
    apply_open(course, state, commit, now)
}

fn apply_open(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    commit: &Commit,
    now: i64,
) -> Result<CommitResult, RuntimeError> {
    let record = state.activities.entry(commit.activity.clone()).or_default();
    let cmi = record
        .cmi
        .as_mut()
        .ok_or(RuntimeError::UnknownSession(commit.session))?;
    let batch = apply_batch(cmi, &course.config, &commit.changes, now);
    let outcome = RuntimeOutcome::from_state(cmi);
    record
        .reported
        .extend(batch.transcript.iter().map(|t| t.element.clone()));
    record.recorded.fold(&outcome);
    record.last_access = Some(now);
    write_shared_data(state, &outcome);
    mark_applied(state, commit, now);
    let (next, nav) = if commit.terminate || commit.nav_request.is_some() {
        let step = end_session(
            course,
            state,
            commit.session,
            commit.nav_request.clone(),
            now,
        )?;
        (Some(step.next), step.nav)
    } else {
        let (nav, root) = nav_with(course, state)?;
        if let Some(root) = root {
            state.recorded.fold_root(&root);
        }
        refresh_recorded(course, state);
        (None, nav)
    };
    Ok(CommitResult {
        status: CommitStatus::Applied,
        applied_seq: commit.seq,
        rejected: batch.rejected,
        transcript: batch.transcript,
        next,
        nav,
    })
}

/// The look-ahead including what the open attempt has reported so far (SCORM 2004), and
/// the root's rollup with it.
fn nav_with(
    course: &RuntimeCourse,
    state: &RegistrationState,
) -> Result<(NavState, Option<ObjectiveState>), RuntimeError> {
    let now = || Ok((nav_now(course, state)?, None));
    if !course.is_sequenced() {
        return now();
    }
    let Some((_, session)) = state.open_session() else {
        return now();
    };
    let record = &state.activities[&session.activity];
    let Some(cmi) = record.cmi.as_ref() else {
        return now();
    };
    let report = sco_report(cmi, &RuntimeOutcome::from_state(cmi), &record.reported);
    let seq = crate::sequenced::load(course, state)?;
    let (nav, root) = crate::sequenced::nav_after(course, &seq, &report);
    Ok((nav, Some(root)))
}

fn mark_applied(state: &mut RegistrationState, commit: &Commit, now: i64) {
    if let Some(session) = state.sessions.get_mut(&commit.session) {
        session.last_seq = session.last_seq.max(commit.seq);
        session.last_commit_at = now;
    }
    state.touch(now);
}

/// Rule 3: whether a late commit may still change the attempt's data — no later session ran
/// content on it: each later session of the activity is still open, has committed nothing
/// and continues the same `attempt` (a relaunch after a killed tab, whose page sends the
/// dead tab's commits before it asks what to deliver). Those later sessions, or `None`.
fn unused_later_sessions(
    state: &RegistrationState,
    commit: &Commit,
    attempt: u32,
) -> Option<Vec<u64>> {
    let later: Vec<(&u64, &SessionRecord)> = state
        .sessions
        .range(commit.session + 1..)
        .filter(|(_, s)| s.activity == commit.activity)
        .collect();
    let unused = later
        .iter()
        .all(|(_, s)| !s.closed && s.last_seq == 0 && s.attempt == attempt);
    unused.then(|| later.iter().map(|(id, _)| **id).collect())
}

/// Rule 3: a commit for a closed (or forgotten) session.
fn late(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    commit: &Commit,
    later: Option<Vec<u64>>,
    now: i64,
) -> Result<CommitResult, RuntimeError> {
    let record = state.activities.entry(commit.activity.clone()).or_default();
    let mut cmi = record
        .cmi
        .clone()
        .unwrap_or_else(|| larch_cmi::CmiState::empty(course.version));
    let batch = apply_batch(&mut cmi, &course.config, &commit.changes, now);
    let outcome = RuntimeOutcome::from_state(&cmi);
    record.recorded.fold(&outcome);
    let mut reported = record.reported.clone();
    reported.extend(batch.transcript.iter().map(|t| t.element.clone()));
    let mut report = sco_report(&cmi, &outcome, &reported);
    (report.session_time_secs, report.exit, report.nav_request) = (None, None, None);
    if let Some(later) = later.filter(|_| record.cmi.is_some()) {
        record.reported = reported;
        record.cmi = Some(cmi);
        if course.is_sequenced() {
            record_into_engine(course, state, &commit.activity, &report)?;
        }
        // Their delivered data lacks these changes: the next `state` delivers anew.
        for id in later {
            state.sessions.entry(id).and_modify(|s| s.stale = true);
        }
    } else if course.is_sequenced() {
        // A later session owns the activity's tracking: the course's rollup of this report
        // is computed on a copy and kept only in the course's sticky results.
        let mut scratch = state.clone();
        record_into_engine(course, &mut scratch, &commit.activity, &report)?;
        refresh_recorded(course, &mut scratch);
        state.recorded = scratch.recorded;
    }
    mark_applied(state, commit, now);
    refresh_recorded(course, state);
    Ok(CommitResult {
        status: CommitStatus::Late,
        applied_seq: state
            .sessions
            .get(&commit.session)
            .map_or(commit.seq, |s| s.last_seq),
        rejected: batch.rejected,
        transcript: batch.transcript,
        next: None,
        nav: nav_now(course, state)?,
    })
}

/// Records `report` into the sequencing engine's tracking of `activity` (SN 4.2).
fn record_into_engine(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    activity: &str,
    report: &larch_sequencing::ScoReport,
) -> Result<(), RuntimeError> {
    let mut seq = crate::sequenced::load(course, state)?;
    if let Some(ix) = seq.tree().find(activity) {
        seq.record(ix, report);
        crate::sequenced::save(state, &seq);
    }
    Ok(())
}

/// 4th Ed `adl.data`: the values of the stores the SCO may write (RTE 4.3).
pub(crate) fn write_shared_data(state: &mut RegistrationState, outcome: &RuntimeOutcome) {
    for (id, value) in &outcome.shared_data {
        match value {
            Some(v) => state.shared_data.insert(id.clone(), v.clone()),
            None => state.shared_data.remove(id),
        };
    }
}
