//! SCORM 2004: the sequencing engine decides what is delivered (SN book 4.2.1 Overall
//! Sequencing Process); this module joins it to the run-time records.

use larch_cmi::ObjectiveInit;
use larch_sequencing::tree::ActivityIx;
use larch_sequencing::{NavigationRequest, ObjectiveState, Outcome, ScoReport, Sequencer};

use crate::course::RuntimeCourse;
use crate::deliver::begin_delivery;
use crate::nav::{NavState, TocItem};
use crate::state::RegistrationState;
use crate::step::{Next, RuntimeError};

/// Engine time: seconds since the epoch, from the runtime's milliseconds.
pub(crate) fn secs(now_ms: i64) -> f64 {
    now_ms as f64 / 1000.0
}

/// The registration's sequencer (its saved state on the course's tree).
pub(crate) fn load(
    course: &RuntimeCourse,
    state: &RegistrationState,
) -> Result<Sequencer, RuntimeError> {
    let tree = course
        .tree
        .as_ref()
        .ok_or_else(|| RuntimeError::StateMismatch("the course is not sequenced".into()))?;
    match &state.engine {
        Some(engine) => Sequencer::from_state(tree, engine.clone())
            .map_err(|e| RuntimeError::StateMismatch(e.to_string())),
        None => Ok(Sequencer::new(tree, 0)),
    }
}

/// Saves the sequencer's state into the registration.
pub(crate) fn save(state: &mut RegistrationState, seq: &Sequencer) {
    state.engine = Some(seq.state().clone());
}

/// The navigation state from the engine's look-ahead (SN 4.4 without side effects).
pub(crate) fn nav_state(course: &RuntimeCourse, seq: &Sequencer) -> NavState {
    let look = seq.lookahead();
    let tree = seq.tree();
    let current = seq.current().map(|c| tree.get(c).id.clone());
    NavState {
        continue_: look.continue_,
        previous: look.previous,
        exit: look.exit,
        exit_all: look.exit_all,
        suspend_all: look.suspend_all,
        abandon: look.abandon,
        abandon_all: look.abandon_all,
        toc: look
            .toc
            .iter()
            .map(|e| TocItem {
                id: tree.get(e.activity).id.clone(),
                title: tree.get(e.activity).title.clone(),
                depth: e.depth,
                visible: e.visible,
                choice: e.choice,
                jump: e.jump,
            })
            .collect(),
        hidden: current
            .and_then(|id| course.launchable(&id))
            .map(|l| l.hide_lms_ui.clone())
            .unwrap_or_default(),
    }
}

/// The navigation state as it would be if the current SCO terminated with `report` now:
/// recorded on a scratch copy, so a commit's look-ahead reflects its data (RTE 4.4.2) while
/// the attempt itself goes on.
/// Also the root's primary objective then (its rollup, SN 4.6), which the course's sticky
/// results take in at once: a 2004 course completed in a session that is still open (a
/// closed tab) reads completed before the session is closed.
pub(crate) fn nav_after(
    course: &RuntimeCourse,
    seq: &Sequencer,
    report: &ScoReport,
) -> (NavState, ObjectiveState) {
    let mut scratch = seq.clone();
    if let Some(current) = scratch
        .current()
        .filter(|c| scratch.activity_state(*c).active)
    {
        scratch.record(current, report);
    }
    let root = scratch.objective_view(ActivityIx(0), 0);
    (nav_state(course, &scratch), root)
}

/// Turns the engine's outcome into the player's next step, opening a session on a delivery.
pub(crate) fn follow(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    seq: &Sequencer,
    outcome: Outcome,
    request: Option<&NavigationRequest>,
    now: i64,
) -> Next {
    match outcome {
        Outcome::Deliver { activity, id } => deliver(course, state, seq, activity, &id, now),
        Outcome::Invalid { exception } => Next::Invalid {
            message: exception.to_string(),
        },
        Outcome::NoDelivery { exception } => Next::Menu {
            message: exception.map(|e| e.to_string()),
        },
        Outcome::SessionEnded => {
            end_course_attempt(course, state, request);
            state.course_over = true;
            state.current = None;
            Next::CourseOver
        }
    }
}

/// CAM 4th Ed 3.4.1.x `sharedDataGlobalToSystem="false"`: the shared data belongs to one
/// attempt on the course, which `exitAll`/`abandonAll` (or walking off the tree) ends;
/// `suspendAll` keeps it.
fn end_course_attempt(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    request: Option<&NavigationRequest>,
) {
    let global = course
        .tree
        .as_ref()
        .is_none_or(|t| t.shared_data_global_to_system);
    if !global && request != Some(&NavigationRequest::SuspendAll) {
        state.shared_data.clear();
    }
}

fn deliver(
    course: &RuntimeCourse,
    state: &mut RegistrationState,
    seq: &Sequencer,
    ix: ActivityIx,
    id: &str,
    now: i64,
) -> Next {
    // SN 4.2.1 Content Delivery Environment: a delivery that increments the attempt count
    // begins a new attempt; one that does not resumes the suspended attempt.
    let count = seq.activity_state(ix).attempt_count;
    let record = state.activities.entry(id.to_owned()).or_default();
    let new_attempt = record.attempts != count;
    record.attempts = count;
    let objectives = objective_inits(seq, ix);
    match begin_delivery(course, state, id, new_attempt, objectives, now) {
        Some(delivery) => Next::Deliver(Box::new(delivery)),
        None => Next::Menu {
            message: Some(format!("activity {id} has no content to launch")),
        },
    }
}

/// RTE 4.2.17: the activity's objectives with ids, with what the engine knows of them
/// through its objective maps (SN 4.2.4 read maps; 4th Ed extended maps).
fn objective_inits(seq: &Sequencer, ix: ActivityIx) -> Vec<ObjectiveInit> {
    seq.tree()
        .get(ix)
        .objectives()
        .enumerate()
        .filter_map(|(k, objective)| {
            let id = objective.id.clone()?;
            Some(objective_init(id, &seq.objective_view(ix, k)))
        })
        .collect()
}

fn objective_init(id: String, view: &ObjectiveState) -> ObjectiveInit {
    let word = |b: Option<bool>, yes: &str, no: &str| b.map(|b| (if b { yes } else { no }).into());
    ObjectiveInit {
        id,
        success_status: word(view.satisfied, "passed", "failed"),
        completion_status: word(view.completed, "completed", "incomplete"),
        score_scaled: view.measure,
        progress_measure: view.progress_measure,
        score_raw: view.raw,
        score_min: view.min,
        score_max: view.max,
    }
}
