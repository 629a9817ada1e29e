//! Drives the runtime through one CTS script as an LMS would: deliver, run the visit's API
//! calls through the shim, commit and terminate, then follow the learner's UI action.
//! Every delivery, UI state and API call is checked.

use larch_cts::{LmsCall, ScormApi, TestCase, UiQuestion, Verdict, Visit, judge};
use larch_runtime::{
    Learner, NavState, NavigationRequest, Next, RegistrationState, Step, launch, navigate,
};

use std::collections::HashMap;
use std::rc::Rc;

use crate::cts_runtime::course::CtsCourse;
use crate::cts_runtime::shim::{Server, Shim};

pub const LEARNER_ID: &str = "cts-learner-1";
const LEARNER_NAME: &str = "Testtaker, Carla";

/// Global objectives shared across test cases (`objectivesGlobalToSystem`).
pub type Globals = std::collections::BTreeMap<String, larch_sequencing::ObjectiveState>;

/// Calls judged in one test case.
#[derive(Default)]
pub struct CallTally {
    pub passed: usize,
    pub failed: Vec<String>,
}

/// Loads a package by name (`CM-01`, `DDMa`).
pub type Loader<'a> = &'a dyn Fn(&str) -> Result<CtsCourse, String>;

/// Runs one case; `Err` is the first delivery/UI failure. Call failures go to `calls`.
/// `learner` carries the learner's global objectives from case to case, as the CTS runs
/// every case for one learner.
pub fn run(
    case: &TestCase,
    visits_calls: &[larch_cts::VisitCalls],
    load: Loader,
    learner: &mut Globals,
    calls: &mut CallTally,
) -> Result<(), String> {
    // Multi-package cases (DDM) name their first package in `start`.
    let start = case.instruction("start").unwrap_or(".");
    let (package, start) = match load(&case.id) {
        Ok(_) => (case.id.as_str(), start),
        Err(_) => (start, "."),
    };
    let server = new_server(Rc::new(load(package)?), 1_700_000_000_000);
    let mut run = Run {
        server,
        package: package.to_owned(),
        parked: HashMap::new(),
        load,
        learner,
        system_data: Default::default(),
        visits_calls,
        calls,
    };
    run.import_learner();
    let result = run.script(case, start);
    run.export_learner();
    result
}

pub(super) fn new_server(course: Rc<CtsCourse>, now: i64) -> Server {
    let who = Learner {
        id: LEARNER_ID.into(),
        name: LEARNER_NAME.into(),
    };
    let state = RegistrationState::new(&course.runtime, who, 7);
    Server { course, state, now }
}

pub(super) struct Run<'a, 't> {
    pub(super) server: Server,
    pub(super) package: String,
    /// Packages left for another one in a multi-package case, with their registrations.
    pub(super) parked: HashMap<String, Server>,
    pub(super) load: Loader<'a>,
    pub(super) learner: &'t mut Globals,
    /// The learner's system-wide shared data stores (`adl.data`).
    pub(super) system_data: std::collections::BTreeMap<String, String>,
    visits_calls: &'t [larch_cts::VisitCalls],
    calls: &'t mut CallTally,
}

impl Run<'_, '_> {
    fn script(&mut self, case: &TestCase, start: &str) -> Result<(), String> {
        let mut step = self.open(start)?;
        for (n, visit) in case.visits.iter().enumerate() {
            let at = format!("visit {} (Act{}V{})", n + 1, visit.activity, visit.visit);
            let delivery = step
                .next
                .delivery()
                .ok_or_else(|| format!("{at}: expected a delivery, got {:?}", step.next))?
                .clone();
            let act = self.server.course.acts.get(&delivery.activity);
            if act.map(String::as_str) != Some(visit.activity.as_str()) {
                return Err(format!(
                    "{at}: expected activity {}, the runtime delivered {} (act {act:?})",
                    visit.activity, delivery.activity
                ));
            }
            check_ui(&self.server.course, &step.nav, &delivery.activity, visit)
                .map_err(|e| format!("{at}: {e}"))?;
            let key = format!("Act{}V{}", visit.activity, visit.visit);
            let all = self.visits_calls;
            let calls = match all.get(n) {
                Some(v) if v.key == key => v.calls.as_slice(),
                _ => return Err(format!("{at}: the script's calls do not line up")),
            };
            step = self.visit(&at, visit, calls, &delivery, &step.nav)?;
        }
        match step.next {
            Next::Deliver(d) => Err(format!(
                "unexpected delivery of {} after the last visit",
                d.activity
            )),
            _ => Ok(()),
        }
    }

    /// One visit: the SCO's calls, its end, and the learner's next action.
    fn visit(
        &mut self,
        at: &str,
        visit: &Visit,
        calls: &[LmsCall],
        delivery: &larch_runtime::Delivery,
        nav: &NavState,
    ) -> Result<Step, String> {
        let on_unload = self
            .server
            .course
            .terminate_on_unload
            .contains(&delivery.activity);
        let mut shim = Shim::new(&mut self.server, delivery, nav);
        for call in calls {
            match judge(&mut shim, call, LEARNER_ID) {
                Verdict::Pass => self.calls.passed += 1,
                Verdict::Fail(why) => self
                    .calls
                    .failed
                    .push(format!("{at}: {} -> {why}", clip(&call.raw))),
            }
        }
        if shim.running() && !on_unload {
            // The test SCO terminates by itself once its commands are done.
            shim.terminate("");
        }
        if !on_unload && shim.after_terminate.is_none() {
            // Content that never got as far as Terminate: the LMS ends its session.
            shim.flush(true);
        }
        let running = shim.running();
        if running {
            shim.flush(false);
        }
        if let Some(error) = shim.error.take() {
            return Err(format!("{at}: {error}"));
        }
        let terminated = shim.after_terminate.take();
        let shim_nav = shim.nav.clone();
        drop(shim);
        let mut next_action = visit.next_action.as_deref();
        let outcome = match terminated {
            Some(next) if !running => Step {
                nav: shim_nav,
                next,
            },
            _ => {
                // Content that terminates only when unloaded is ended by the learner's
                // navigation, or by leaving the course (to relaunch it, or for good).
                let request = match next_action.and_then(|a| self.learner_request(a)) {
                    Some(request) => {
                        next_action = None;
                        request
                    }
                    None if !on_unload => return Err(format!("{at}: the SCO did not terminate")),
                    None if next_action.is_some_and(|a| a.starts_with("Suspend")) => {
                        NavigationRequest::SuspendAll
                    }
                    None => NavigationRequest::ExitAll,
                };
                self.nav(&request)?
            }
        };
        if std::env::var("CTS_TRACE").is_ok() {
            let engine = self.server.state.engine.as_ref();
            eprintln!(
                "{at}: -> {:?}\n globals {:?}",
                outcome.next.delivery().map(|d| &d.activity),
                engine.map(|e| &e.globals)
            );
        }
        match next_action {
            Some(action) if outcome.next.delivery().is_none() => self.learner(action, outcome),
            _ => Ok(outcome),
        }
    }

    pub(super) fn nav(&mut self, request: &NavigationRequest) -> Result<Step, String> {
        let now = self.server.tick();
        let course = Rc::clone(&self.server.course);
        navigate(&course.runtime, &mut self.server.state, request, now).map_err(|e| e.to_string())
    }

    pub(super) fn relaunch(&mut self) -> Result<Step, String> {
        let now = self.server.tick();
        let course = Rc::clone(&self.server.course);
        launch(&course.runtime, &mut self.server.state, now).map_err(|e| e.to_string())
    }

    /// The first request of a session: `start=.` launches; `start=TITLE` chooses.
    fn open(&mut self, start: &str) -> Result<Step, String> {
        if start == "." || start.is_empty() {
            return self.relaunch();
        }
        let id = self
            .server
            .course
            .id_of_title(start)
            .ok_or_else(|| format!("no activity titled {start}"))?;
        self.nav(&NavigationRequest::Choice(id))
    }

    /// The navigation request of a plain learner action (continue, previous, choice).
    pub(super) fn learner_request(&self, action: &str) -> Option<NavigationRequest> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        match verb {
            "Continue" => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            "Choice" => self
                .server
                .course
                .id_of_title(arg)
                .map(NavigationRequest::Choice),
            _ => None,
        }
    }
}

fn check_ui(
    course: &CtsCourse,
    nav: &NavState,
    current: &str,
    visit: &Visit,
) -> Result<(), String> {
    for (question, expected) in &visit.ui {
        let Some(answer) = answer(course, nav, current, question) else {
            continue;
        };
        if answer != *expected {
            return Err(format!(
                "UI question {question:?}: expected {expected}, the runtime says {answer}"
            ));
        }
    }
    Ok(())
}

fn answer(
    course: &CtsCourse,
    nav: &NavState,
    current: &str,
    question: &UiQuestion,
) -> Option<bool> {
    let continue_ = nav.continue_ && nav.shows("continue");
    let previous = nav.previous && nav.shows("previous");
    let entry = |title: &str| {
        course
            .id_of_title(title)
            .and_then(|id| nav.entry(&id).cloned())
    };
    Some(match question {
        UiQuestion::ContinueEnabled => continue_,
        UiQuestion::ContinueDisabled => !continue_,
        UiQuestion::PreviousEnabled => previous,
        UiQuestion::PreviousDisabled => !previous,
        UiQuestion::TocEnabled => nav.toc_enabled(Some(current)),
        UiQuestion::TocSelectable(title) => entry(title).is_some_and(|e| e.visible && e.choice),
        UiQuestion::TocVisible(title) => entry(title).is_some_and(|e| e.visible),
        UiQuestion::UiVisible(event) => nav.shows(event),
        UiQuestion::Other(_) => return None,
    })
}

pub fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
