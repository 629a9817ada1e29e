//! Launches, learner navigation, and the end of a session (terminated, navigated away from,
//! or abandoned).

use larch_cmi::finish_session;
use larch_sequencing::{NavigationRequest, ScoReport};

use crate::course::RuntimeCourse;
use crate::progress::refresh_recorded;
use crate::report::sco_report;
use crate::state::RegistrationState;
use crate::step::{Next, RuntimeError, Step};
use crate::{sequenced, simple};

/// Starts (or resumes) the course for the learner: SN 4.2.1 with `start`, or `resumeAll`
/// when the last session was suspended (SCORM 2004); the suspended or first unfinished
/// activity (1.2/AICC).
///
/// A session still open from an earlier launch (a closed tab) is first closed as abandoned
/// ([`close_abandoned`]); a SCORM 2004 sequencing session the learner left without exiting
/// is suspended, so nothing of it is lost.
pub fn launch(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    now: i64,
) -> Result<Step, RuntimeError> {
    if let Some((id, _)) = state.open_session() {
        close_abandoned(course, state, id, now)?;
    }
    state.launches += 1;
    state.touch(now);
    if !course.is_sequenced() {
        let next = simple::launch(course, state, now);
        return Ok(finish(course, state, next));
    }
    let mut seq = sequenced::load(course, state)?;
    if seq.current().is_some() && !seq.session_ended() {
        seq.navigate(&NavigationRequest::SuspendAll, sequenced::secs(now));
    }
    let outcome = seq.open_session(sequenced::secs(now));
    let next = sequenced::follow(course, state, &seq, outcome, None, now);
    sequenced::save(state, &seq);
    let nav = sequenced::nav_state(course, &seq);
    refresh_recorded(course, state);
    Ok(Step { next, nav })
}

/// A navigation request from the player's buttons or menu (SN 4.4 table 4.4a: continue,
/// previous, choice, jump, exit, exit all, abandon, abandon all, suspend all, …).
///
/// With a session open (the content has not terminated), the session ends first with its
/// last committed state and this request, as when the learner navigates while a SCO is
/// running (RTE 3.1.x: the LMS unloads the SCO).
pub fn navigate(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    request: &NavigationRequest,
    now: i64,
) -> Result<Step, RuntimeError> {
    if let Some((id, _)) = state.open_session() {
        return end_session(course, state, id, Some(request.clone()), now);
    }
    state.touch(now);
    if !course.is_sequenced() {
        let next = simple::navigate(course, state, request, now);
        return Ok(finish(course, state, next));
    }
    let mut seq = sequenced::load(course, state)?;
    let outcome = seq.navigate(request, sequenced::secs(now));
    let next = sequenced::follow(course, state, &seq, outcome, Some(request), now);
    sequenced::save(state, &seq);
    let nav = sequenced::nav_state(course, &seq);
    refresh_recorded(course, state);
    Ok(Step { next, nav })
}

/// Closes a session the content never terminated (the server calls this after its
/// timeout, or a relaunch finds it open), with the last committed state: the session time
/// committed is counted, and the attempt is suspended (`suspendAll` in SCORM 2004), so the
/// learner resumes with everything the content committed. A closed session is left alone.
pub fn close_abandoned(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    session: u64,
    now: i64,
) -> Result<Step, RuntimeError> {
    let open = state.sessions.get(&session).is_some_and(|s| !s.closed);
    if !open {
        return Ok(Step {
            next: Next::Menu { message: None },
            nav: nav_now(course, state)?,
        });
    }
    if course.is_sequenced() {
        return end_session(
            course,
            state,
            session,
            Some(NavigationRequest::SuspendAll),
            now,
        );
    }
    let step = end_session(course, state, session, None, now)?;
    if let Some(activity) = state.sessions.get(&session).map(|s| s.activity.clone()) {
        if let Some(record) = state.activities.get_mut(&activity) {
            record.suspended = true;
        }
        state.suspended = Some(activity);
    }
    Ok(step)
}

/// Ends session `id` (Terminate, or navigation away) and runs the navigation that follows:
/// the content's `adl.nav.request`, or the learner's `request` when one is given (it takes
/// precedence, as the learner acted last).
pub(crate) fn end_session(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    id: u64,
    request: Option<NavigationRequest>,
    now: i64,
) -> Result<Step, RuntimeError> {
    let (activity, suspended, mut report) = close_session(state, id, now)?;
    if !course.is_sequenced() {
        if suspended {
            state.suspended = Some(activity);
        }
        let next = match request {
            Some(request) => simple::navigate(course, state, &request, now),
            None if course.launchables.len() > 1 => Next::Menu { message: None },
            None => {
                state.course_over = true;
                state.current = None;
                Next::CourseOver
            }
        };
        return Ok(finish(course, state, next));
    }
    if request.is_some() {
        report.nav_request = request;
    }
    let mut seq = sequenced::load(course, state)?;
    let outcome = seq.terminate(&report, sequenced::secs(now));
    let next = sequenced::follow(
        course,
        state,
        &seq,
        outcome,
        report.nav_request.as_ref(),
        now,
    );
    sequenced::save(state, &seq);
    let nav = sequenced::nav_state(course, &seq);
    refresh_recorded(course, state);
    Ok(Step { next, nav })
}

/// Closes the session's record: RTE 4.2.25 / 1.2 3.4.4 session time folded into the total,
/// the results folded into the sticky ones, shared data written. Returns the activity,
/// whether its attempt is suspended, and its report for the engine.
fn close_session(
    state: &mut RegistrationState,
    id: u64,
    now: i64,
) -> Result<(String, bool, ScoReport), RuntimeError> {
    let session = state
        .sessions
        .get_mut(&id)
        .ok_or(RuntimeError::UnknownSession(id))?;
    session.closed = true;
    let activity = session.activity.clone();
    let record = state.activities.entry(activity.clone()).or_default();
    let Some(cmi) = record.cmi.as_mut() else {
        return Err(RuntimeError::UnknownSession(id));
    };
    let outcome = finish_session(cmi);
    record.total_time_cs += outcome.session_time_cs.unwrap_or(0);
    record.recorded.fold(&outcome);
    record.suspended = outcome.suspended;
    record.ended = !outcome.suspended;
    record.last_access = Some(now);
    let report = sco_report(cmi, &outcome, &record.reported);
    crate::commit::write_shared_data(state, &outcome);
    state.touch(now);
    Ok((activity, outcome.suspended, report))
}

/// The navigation state now, without changing anything.
pub fn nav_now(
    course: &RuntimeCourse,
    state: &RegistrationState,
) -> Result<crate::NavState, RuntimeError> {
    if course.is_sequenced() {
        Ok(sequenced::nav_state(
            course,
            &sequenced::load(course, state)?,
        ))
    } else {
        Ok(simple::nav_state(course, state))
    }
}

fn finish(course: &RuntimeCourse, state: &mut RegistrationState, next: Next) -> Step {
    refresh_recorded(course, state);
    Step {
        next,
        nav: simple::nav_state(course, state),
    }
}
