//! Drives the runtime through one CTS script as an LMS would: deliver, run the visit's API
//! calls through the shim, commit and terminate, then follow the learner's UI action.
//! Every delivery, UI state and API call is checked.

use larch_cts::{LmsCall, ScormApi, TestCase, UiQuestion, Verdict, Visit, judge};
use larch_runtime::{
    Learner, NavState, NavigationRequest, Next, RegistrationState, Step, launch, navigate,
};

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

/// Runs one case; `Err` is the first delivery/UI failure. Call failures go to `calls`.
pub fn run(
    case: &TestCase,
    visits_calls: &[larch_cts::VisitCalls],
    course: &CtsCourse,
    learner: &mut Globals,
    calls: &mut CallTally,
) -> Result<(), String> {
    let who = Learner {
        id: LEARNER_ID.into(),
        name: LEARNER_NAME.into(),
    };
    let mut server = Server {
        course: &course.runtime,
        state: RegistrationState::new(&course.runtime, who, 7),
        now: 1_700_000_000_000,
    };
    let shared = course
        .runtime
        .tree
        .as_ref()
        .is_some_and(|t| t.objectives_global_to_system);
    if shared && let Some(engine) = server.state.engine.as_mut() {
        engine.globals.extend(learner.clone());
    }
    let mut run = Run {
        course,
        server,
        visits_calls,
        calls,
    };
    let result = run.script(case);
    if shared && let Some(engine) = &run.server.state.engine {
        learner.extend(engine.globals.clone());
    }
    result
}

struct Run<'a, 't> {
    course: &'a CtsCourse,
    server: Server<'a>,
    visits_calls: &'t [larch_cts::VisitCalls],
    calls: &'t mut CallTally,
}

impl Run<'_, '_> {
    fn script(&mut self, case: &TestCase) -> Result<(), String> {
        let mut step = self.open(case.instruction("start").unwrap_or("."))?;
        for (n, visit) in case.visits.iter().enumerate() {
            let at = format!("visit {} (Act{}V{})", n + 1, visit.activity, visit.visit);
            let delivery = step
                .next
                .delivery()
                .ok_or_else(|| format!("{at}: expected a delivery, got {:?}", step.next))?
                .clone();
            let act = self.course.acts.get(&delivery.activity);
            if act.map(String::as_str) != Some(visit.activity.as_str()) {
                return Err(format!(
                    "{at}: expected activity {}, the runtime delivered {} (act {act:?})",
                    visit.activity, delivery.activity
                ));
            }
            check_ui(self.course, &step.nav, &delivery.activity, visit)
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
        let on_unload = self.course.terminate_on_unload.contains(&delivery.activity);
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
        match next_action {
            Some(action) if outcome.next.delivery().is_none() => self.learner(action, outcome),
            _ => Ok(outcome),
        }
    }

    fn nav(&mut self, request: &NavigationRequest) -> Result<Step, String> {
        let now = self.server.tick();
        navigate(&self.course.runtime, &mut self.server.state, request, now)
            .map_err(|e| e.to_string())
    }

    fn relaunch(&mut self) -> Result<Step, String> {
        let now = self.server.tick();
        launch(&self.course.runtime, &mut self.server.state, now).map_err(|e| e.to_string())
    }

    /// The first request of a session: `start=.` launches; `start=TITLE` chooses.
    fn open(&mut self, start: &str) -> Result<Step, String> {
        if start == "." || start.is_empty() {
            return self.relaunch();
        }
        let id = self
            .course
            .id_of_title(start)
            .ok_or_else(|| format!("no activity titled {start}"))?;
        self.nav(&NavigationRequest::Choice(id))
    }

    /// The navigation request of a plain learner action (continue, previous, choice).
    fn learner_request(&self, action: &str) -> Option<NavigationRequest> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        match verb {
            "Continue" => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            "Choice" => self.course.id_of_title(arg).map(NavigationRequest::Choice),
            _ => None,
        }
    }

    fn engine_session_ended(&self) -> bool {
        self.server
            .state
            .engine
            .as_ref()
            .is_none_or(|e| e.session_ended)
    }

    /// The learner's next action (`CUI`, keys of `resources/Instructions.properties`) when
    /// nothing was delivered.
    fn learner(&mut self, action: &str, outcome: Step) -> Result<Step, String> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        let launch_title = match verb {
            "launch" => Some(arg.to_owned()),
            v if v.starts_with("APIt") => Some(format!("API Implementation Test {}", &v[4..])),
            v if v.starts_with("DMIt") => {
                Some(format!("Data Model Implementation Test {}", &v[4..]))
            }
            _ => None,
        };
        if let Some(title) = launch_title {
            let id = self
                .course
                .id_of_title(&title)
                .ok_or_else(|| format!("no activity titled {title}"))?;
            return self.nav(&NavigationRequest::Choice(id));
        }
        let request = match verb {
            v if v.starts_with("Continue") => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            v if v.starts_with("Root") => Some(NavigationRequest::Choice(self.course.root.clone())),
            "Choice" | "ChoiceExit" => Some(NavigationRequest::Choice(
                self.course
                    .id_of_title(arg)
                    .ok_or_else(|| format!("no activity titled {arg}"))?,
            )),
            _ => None,
        };
        let mut outcome = outcome;
        if let Some(request) = &request {
            outcome = self.nav(request)?;
        }
        let relaunch = verb.to_ascii_lowercase().contains("launch")
            || matches!(
                verb,
                "ContinueExitCM8" | "DMBx" | "DMBxAct" | "ExitCM09ba" | "SuspendCM09ca"
            );
        if !relaunch {
            if request.is_none() && !matches!(outcome.next, Next::CourseOver) {
                // Exit, AutoTest, TRIGExitAll, …: the learner leaves the course.
                return self.nav(&NavigationRequest::ExitAll).map(|s| Step {
                    next: Next::CourseOver,
                    ..s
                });
            }
            return Ok(outcome);
        }
        if !self.engine_session_ended() {
            let leave = if verb.starts_with("Suspend") {
                NavigationRequest::SuspendAll
            } else {
                NavigationRequest::ExitAll
            };
            self.nav(&leave)?;
        }
        // "relaunch … and then choose Activity 4": a new session opened by a choice.
        let choose = match verb {
            "RelaunchCM10" => Some("Activity 4"),
            "DMBxAct" => Some("Data Model Behavior Test 1"),
            _ => None,
        };
        match choose.and_then(|title| self.course.id_of_title(title)) {
            Some(id) => self.nav(&NavigationRequest::Choice(id)),
            None => self.relaunch(),
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
