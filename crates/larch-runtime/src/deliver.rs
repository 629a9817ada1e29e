//! Delivering an activity: the launch data the LMS supplies, the SCO's starting state, and
//! the session that commits will name.

use larch_cmi::{LaunchData, ObjectiveInit, Prior, RuntimeOutcome, SharedDataInit, initial_state};

use crate::course::{Launchable, RuntimeCourse};
use crate::state::{ActivityRecord, AttemptSummary, RegistrationState, SessionRecord};
use crate::step::Delivery;

/// Opens a session on `activity` and seeds its data model.
///
/// `new_attempt` begins a new attempt (RTE 4.2.8 `entry` `ab-initio`): the earlier attempt's
/// data is summarized into [`crate::ActivityRecord::previous`]. Otherwise the attempt goes
/// on: a suspended SCO resumes (`entry` `resume`); a SCORM 1.2 SCO that did not suspend
/// continues with its data and an empty `entry` (1.2 RTE 3.4.4 `cmi.core.entry`).
pub(crate) fn begin_delivery(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    activity: &str,
    new_attempt: bool,
    objectives: Vec<ObjectiveInit>,
    now: i64,
) -> Option<Delivery> {
    let launchable = course.launchable(activity)?;
    let launch = launch_data(launchable, state, objectives);
    let record = state.activities.entry(activity.to_owned()).or_default();
    let new_attempt = new_attempt || record.cmi.is_none();
    let prior = prior_session(course, record, new_attempt, now);
    if launchable.is_asset && !course.is_sequenced() {
        // SCORM 1.2 CAM 2.3.x: an asset cannot report; launching it is taking it.
        record.recorded.completed = true;
    }
    let cmi = initial_state(course.version, &launch, prior);
    record.cmi = Some(cmi.clone());
    record.suspended = false;
    record.ended = false;
    record.first_access.get_or_insert(now);
    record.last_access = Some(now);
    let attempt = record.attempts;
    let session = open_session(state, activity, attempt, now);
    Some(Delivery {
        session,
        activity: activity.to_owned(),
        title: launchable.title.clone(),
        url: launchable.url.clone(),
        launch,
        cmi,
        new_attempt,
    })
}

/// RTE 4.2 "initialized by the LMS": the manifest's values, the learner, the objectives the
/// engine knows (RTE 4.2.17) and the current values of the mapped shared data stores (4th Ed
/// RTE 4.3).
fn launch_data(
    launchable: &Launchable,
    state: &RegistrationState,
    objectives: Vec<ObjectiveInit>,
) -> LaunchData {
    let mut launch = launchable.launch.clone();
    launch.learner_id = state.learner.id.clone();
    launch.learner_name = state.learner.name.clone();
    launch.objectives = objectives;
    launch.shared_data = launchable
        .shared_data
        .iter()
        .map(|access| SharedDataInit {
            access: access.clone(),
            value: state.shared_data.get(&access.id).cloned(),
        })
        .collect();
    launch
}

/// How this delivery relates to the activity's earlier sessions (see [`begin_delivery`]).
fn prior_session(
    course: &RuntimeCourse,
    record: &mut ActivityRecord,
    new_attempt: bool,
    now: i64,
) -> Prior {
    if new_attempt {
        record.reported.clear();
        if !course.is_sequenced() {
            record.attempts += 1;
        }
    }
    match record.cmi.take() {
        Some(old) if new_attempt => {
            let outcome = RuntimeOutcome::from_state(&old);
            record.previous.push(AttemptSummary {
                completion: outcome.completion,
                success: outcome.success,
                score: outcome.score,
                total_time_cs: outcome.total_time_cs,
                ended_at: record.last_access.unwrap_or(now),
            });
            Prior::NewAttempt
        }
        None => Prior::NewAttempt,
        Some(old) if record.suspended || course.version.is_2004() => Prior::Resume(Box::new(old)),
        Some(old) => Prior::Continue(Box::new(old)),
    }
}

/// A new session on `activity`: the id commits will name.
fn open_session(state: &mut RegistrationState, activity: &str, attempt: u32, now: i64) -> u64 {
    let session = state.next_session;
    state.next_session += 1;
    state.sessions.insert(
        session,
        SessionRecord {
            activity: activity.to_owned(),
            attempt,
            last_seq: 0,
            closed: false,
            started_at: now,
            last_commit_at: now,
            stale: false,
        },
    );
    state.current = Some(activity.to_owned());
    state.course_over = false;
    state.touch(now);
    state.prune_sessions();
    session
}
