//! The simple navigation model of SCORM 1.2 multi-SCO courses and AICC courses: an outline
//! of launchables in course order, any of which the learner may choose once its
//! prerequisites are met (SCORM 1.2 CAM 2.3.2.x `adlcp:prerequisites`; AICC CMI001 `.pre`);
//! "next" and "back" move to the nearest available launchable.

use larch_sequencing::NavigationRequest;

use crate::course::RuntimeCourse;
use crate::deliver::begin_delivery;
use crate::nav::{NavState, TocItem};
use crate::state::RegistrationState;
use crate::step::Next;

/// The SCORM 1.2 lesson status of `id`, with sticky results first: a pass or completion
/// once recorded counts even if a later session reported less.
pub(crate) fn lesson_status(state: &RegistrationState, id: &str) -> Option<String> {
    let record = state.activities.get(id)?;
    let stored = record
        .cmi
        .as_ref()
        .and_then(|c| c.get("cmi.core.lesson_status"))
        .unwrap_or("not attempted");
    Some(
        if record.recorded.passed {
            "passed"
        } else if record.recorded.completed {
            "completed"
        } else {
            stored
        }
        .to_owned(),
    )
}

/// Whether the learner may launch launchable `i` now.
fn available(course: &RuntimeCourse, state: &RegistrationState, i: usize) -> bool {
    course.launchables[i]
        .prerequisites
        .as_ref()
        .is_none_or(|p| p.is_met(&|id: &str| lesson_status(state, id)))
}

fn position(course: &RuntimeCourse, id: Option<&str>) -> Option<usize> {
    let id = id?;
    course.launchables.iter().position(|l| l.id == id)
}

fn next_available(course: &RuntimeCourse, state: &RegistrationState) -> Option<usize> {
    let from = position(course, state.current.as_deref()).map_or(0, |p| p + 1);
    (from..course.launchables.len()).find(|&i| available(course, state, i))
}

fn previous_available(course: &RuntimeCourse, state: &RegistrationState) -> Option<usize> {
    let to = position(course, state.current.as_deref())?;
    (0..to).rev().find(|&i| available(course, state, i))
}

/// The navigation state of the outline.
pub(crate) fn nav_state(course: &RuntimeCourse, state: &RegistrationState) -> NavState {
    let multi = course.launchables.len() > 1;
    let open = state.open_session().is_some() || state.current.is_some();
    NavState {
        continue_: multi && next_available(course, state).is_some(),
        previous: multi && previous_available(course, state).is_some(),
        exit: open,
        exit_all: true,
        suspend_all: open,
        abandon: open,
        abandon_all: true,
        toc: course
            .activities
            .iter()
            .map(|a| TocItem {
                id: a.id.clone(),
                title: a.title.clone(),
                depth: a.depth,
                visible: a.visible,
                choice: a.launchable.is_some_and(|i| available(course, state, i)),
                jump: false,
            })
            .collect(),
        hidden: Vec::new(),
    }
}

/// Launch: the suspended activity, else the first available one not yet completed or
/// passed, else the first available one.
pub(crate) fn launch(course: &RuntimeCourse, state: &mut RegistrationState, now: i64) -> Next {
    let resume = state
        .suspended
        .take()
        .and_then(|id| position(course, Some(&id)));
    let done = |state: &RegistrationState, i: usize| {
        lesson_status(state, &course.launchables[i].id)
            .is_some_and(|s| matches!(s.as_str(), "passed" | "completed"))
    };
    let all = 0..course.launchables.len();
    let target = resume
        .or_else(|| {
            all.clone()
                .find(|&i| available(course, state, i) && !done(state, i))
        })
        .or_else(|| all.clone().find(|&i| available(course, state, i)));
    match target {
        Some(i) => deliver(course, state, i, now),
        None => Next::Menu {
            message: Some("no activity is available: prerequisites are not met".into()),
        },
    }
}

/// A learner's navigation request (the session, if any, is already closed).
pub(crate) fn navigate(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    request: &NavigationRequest,
    now: i64,
) -> Next {
    use NavigationRequest as N;
    let target = match request {
        N::Start | N::ResumeAll => return launch(course, state, now),
        N::Continue => next_available(course, state).ok_or("there is no next activity"),
        N::Previous => previous_available(course, state).ok_or("there is no previous activity"),
        N::Choice(id) | N::Jump(id) => match position(course, Some(id)) {
            Some(i) if available(course, state, i) => Ok(i),
            Some(_) => Err("the activity's prerequisites are not met"),
            None => Err("the course has no such activity"),
        },
        N::SuspendAll => {
            state.suspended = state.current.take();
            state.course_over = true;
            return Next::CourseOver;
        }
        N::Exit | N::Abandon if course.launchables.len() > 1 => {
            return Next::Menu { message: None };
        }
        N::Exit | N::ExitAll | N::Abandon | N::AbandonAll => {
            state.current = None;
            state.course_over = true;
            return Next::CourseOver;
        }
    };
    match target {
        Ok(i) => deliver(course, state, i, now),
        Err(_) if *request == N::Continue => {
            // Continuing past the last activity ends the course, as a player's "next" does.
            state.course_over = true;
            state.current = None;
            Next::CourseOver
        }
        Err(why) => Next::Invalid {
            message: why.to_owned(),
        },
    }
}

fn deliver(course: &RuntimeCourse, state: &mut RegistrationState, i: usize, now: i64) -> Next {
    let id = course.launchables[i].id.clone();
    match begin_delivery(course, state, &id, false, Vec::new(), now) {
        Some(delivery) => Next::Deliver(Box::new(delivery)),
        None => Next::Menu { message: None },
    }
}
