//! Drives the engine through one CTS script: every delivery, UI question and
//! `adl.nav.request_valid` answer is checked.

use std::collections::HashMap;
use std::rc::Rc;

use larch_cts::{Call, Command, TestCase, UiQuestion, Visit};
use larch_sequencing::{Lookahead, NavigationRequest, Outcome, ScoReport, Sequencer};

use crate::package::CtsCourse;
use crate::report::apply_set;

/// Loads a package's course by name (`CM-01`, `DDMa`).
pub type Loader<'a> = &'a dyn Fn(&str) -> Result<CtsCourse, String>;

/// Runs one test case; `Err` describes the first failure.
/// `learner` holds the learner's global objectives across test cases: the CTS runs the
/// cases in order for one learner, and `objectivesGlobalToSystem` shares them.
pub fn run(case: &TestCase, load: Loader, learner: &mut Globals) -> Result<(), String> {
    // Multi-package cases (DDM) name their first package in `start`.
    let start = case.instruction("start").unwrap_or(".");
    let (package, start) = match load(&case.id) {
        Ok(_) => (case.id.as_str(), start),
        Err(_) => (start, "."),
    };
    let course = Rc::new(load(package)?);
    let mut run = Run {
        package: package.to_owned(),
        seq: Sequencer::new(&course.tree, 7),
        course,
        parked: HashMap::new(),
        load,
        learner,
        now: 0.0,
    };
    run.import_learner();
    let result = run.script(case, start);
    run.export_learner();
    result
}

/// Global objectives by id.
pub type Globals = std::collections::BTreeMap<String, larch_sequencing::ObjectiveState>;

impl Run<'_> {
    fn import_learner(&mut self) {
        if self.course.tree.objectives_global_to_system {
            self.seq.import_globals(self.learner);
        }
    }

    fn export_learner(&mut self) {
        if self.course.tree.objectives_global_to_system {
            self.learner.extend(self.seq.state().globals.clone());
        }
    }

    /// Leaves the current package (its state kept) for `package`.
    fn switch_to(&mut self, package: &str) -> Result<(), String> {
        self.export_learner();
        let (course, seq) = match self.parked.remove(package) {
            Some(parked) => parked,
            None => {
                let course = Rc::new((self.load)(package)?);
                let seq = Sequencer::new(&course.tree, 7);
                (course, seq)
            }
        };
        let old_course = std::mem::replace(&mut self.course, course);
        let old_seq = std::mem::replace(&mut self.seq, seq);
        let old_package = std::mem::replace(&mut self.package, package.to_owned());
        self.parked.insert(old_package, (old_course, old_seq));
        self.import_learner();
        Ok(())
    }

    fn script(&mut self, case: &TestCase, start: &str) -> Result<(), String> {
        let mut outcome = self.open(start)?;
        for (n, visit) in case.visits.iter().enumerate() {
            let at = format!("visit {} (Act{}V{})", n + 1, visit.activity, visit.visit);
            let delivered = self.delivered(&outcome).map_err(|e| format!("{at}: {e}"))?;
            if delivered != visit.activity {
                return Err(format!(
                    "{at}: expected activity {}, the engine delivered {delivered}",
                    visit.activity
                ));
            }
            self.check_ui(visit).map_err(|e| format!("{at}: {e}"))?;
            let mut report = self.run_commands(visit).map_err(|e| format!("{at}: {e}"))?;
            // Content that terminates only when unloaded is ended by the learner's
            // navigation, which replaces any request the content made.
            let on_unload = self
                .current_id()
                .is_some_and(|id| self.course.terminate_on_unload.contains(&id));
            let mut next_action = visit.next_action.as_deref();
            if on_unload && let Some(action) = next_action {
                match self.learner_request(action) {
                    Some(request) => {
                        report.nav_request = Some(request);
                        next_action = None;
                    }
                    // Leaving the course (to relaunch it, or for good) unloads the content.
                    None if action.starts_with("Suspend") => {
                        report.nav_request = Some(NavigationRequest::SuspendAll);
                    }
                    None => report.nav_request = Some(NavigationRequest::ExitAll),
                }
            }
            outcome = self.step(&report);
            if std::env::var("CTS_TRACE").is_ok_and(|t| t == case.id) {
                self.trace(&at, &report, &outcome);
            }
            if !matches!(outcome, Outcome::Deliver { .. })
                && let Some(action) = next_action
            {
                outcome = self.learner(action, &outcome)?;
            }
        }
        match outcome {
            Outcome::Deliver { id, .. } => {
                Err(format!("unexpected delivery of {id} after the last visit"))
            }
            _ => Ok(()),
        }
    }

    fn trace(&self, at: &str, report: &ScoReport, outcome: &Outcome) {
        eprintln!(
            "{at}: report {report:?}\n -> {outcome:?}\n globals {:?}",
            self.seq.state().globals
        );
        for ix in self.seq.tree().all() {
            let s = self.seq.activity_state(ix);
            let id = &self.seq.tree().get(ix).id;
            eprintln!(
                "  {id} act={} susp={} n={} completed={:?} objs={:?}",
                s.active, s.suspended, s.attempt_count, s.completed, s.objectives
            );
        }
    }
}

struct Run<'a> {
    package: String,
    course: Rc<CtsCourse>,
    seq: Sequencer,
    /// Packages left for another one in a multi-package case.
    parked: HashMap<String, (Rc<CtsCourse>, Sequencer)>,
    load: Loader<'a>,
    learner: &'a mut Globals,
    now: f64,
}

impl Run<'_> {
    fn tick(&mut self) -> f64 {
        self.now += 1.0;
        self.now
    }

    fn id_of_title(&self, title: &str) -> Option<String> {
        let root = &self.course.tree.root;
        if title.contains("corresponds to the root") {
            return Some(root.id.clone());
        }
        root.walk()
            .into_iter()
            .find(|a| a.title == title)
            .map(|a| a.id.clone())
    }

    /// The first request of a session: `start=.` starts (or resumes); `start=TITLE` chooses.
    fn open(&mut self, start: &str) -> Result<Outcome, String> {
        let request = if start == "." || start.is_empty() {
            let now = self.tick();
            return Ok(self.seq.open_session(now));
        } else {
            let id = self
                .id_of_title(start)
                .ok_or_else(|| format!("no activity titled {start}"))?;
            NavigationRequest::Choice(id)
        };
        let now = self.tick();
        Ok(self.seq.navigate(&request, now))
    }

    fn delivered(&self, outcome: &Outcome) -> Result<String, String> {
        let Outcome::Deliver { id, .. } = outcome else {
            return Err(format!("expected a delivery, got {outcome:?}"));
        };
        self.course
            .acts
            .get(id)
            .cloned()
            .ok_or_else(|| format!("delivered {id}, which has no act number"))
    }

    fn step(&mut self, report: &ScoReport) -> Outcome {
        let now = self.tick();
        self.seq.terminate(report, now)
    }

    fn current_id(&self) -> Option<String> {
        self.seq
            .current()
            .map(|c| self.seq.tree().get(c).id.clone())
    }

    /// The navigation request of a plain learner action (continue, previous, choice).
    fn learner_request(&self, action: &str) -> Option<NavigationRequest> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        match verb {
            "Continue" => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            "Choice" => self.id_of_title(arg).map(NavigationRequest::Choice),
            _ => None,
        }
    }

    /// The learner's next action (`CUI`, keys of `resources/Instructions.properties`) when
    /// the content did not navigate.
    fn learner(&mut self, action: &str, outcome: &Outcome) -> Result<Outcome, String> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        if let Some(title) = launch_title(verb, arg) {
            let id = self
                .id_of_title(&title)
                .ok_or_else(|| format!("no activity titled {title}"))?;
            let now = self.tick();
            return Ok(self.seq.navigate(&NavigationRequest::Choice(id), now));
        }
        let request = match verb {
            v if v.starts_with("Continue") => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            v if v.starts_with("Root") => {
                Some(NavigationRequest::Choice(self.course.tree.root.id.clone()))
            }
            "Choice" | "ChoiceExit" => Some(NavigationRequest::Choice(
                self.id_of_title(arg)
                    .ok_or_else(|| format!("no activity titled {arg}"))?,
            )),
            _ => None,
        };
        let mut outcome = outcome.clone();
        if let Some(request) = &request {
            let now = self.tick();
            outcome = self.seq.navigate(request, now);
        }
        if is_relaunch(verb) {
            return self.relaunch(verb, arg);
        }
        if request.is_none() && !matches!(outcome, Outcome::SessionEnded) {
            // Exit, AutoTest, TRIGExitAll, …: the learner leaves the course.
            let now = self.tick();
            self.seq.navigate(&NavigationRequest::ExitAll, now);
            return Ok(Outcome::SessionEnded);
        }
        Ok(outcome)
    }

    /// The learner leaves the course (suspending it when told to) and launches it, or
    /// another package of the case, again.
    fn relaunch(&mut self, verb: &str, arg: &str) -> Result<Outcome, String> {
        // "launch LMS Test Content Package DDMb": another package of the case.
        let package = match verb {
            "exitlaunch" | "autoendrelaunch" | "relaunch" | "autoendlaunchnchoose" => Some(arg),
            v => v
                .strip_prefix("ReLaunch")
                .or_else(|| v.strip_prefix("Launch")),
        }
        .filter(|p| !p.is_empty() && *p != self.package && (self.load)(p).is_ok())
        .map(str::to_owned);
        if !self.seq.session_ended() {
            let leave = if verb.starts_with("Suspend") {
                NavigationRequest::SuspendAll
            } else {
                NavigationRequest::ExitAll
            };
            let now = self.tick();
            self.seq.navigate(&leave, now);
        }
        if let Some(package) = package {
            self.switch_to(&package)?;
        }
        // "relaunch … and then choose Activity 4": a new session opened by a choice.
        let choose = match verb {
            "RelaunchCM10" => Some("Activity 4"),
            "DMBxAct" => Some("Data Model Behavior Test 1"),
            _ => None,
        };
        let now = self.tick();
        match choose.and_then(|title| self.id_of_title(title)) {
            Some(id) => Ok(self.seq.navigate(&NavigationRequest::Choice(id), now)),
            None => Ok(self.seq.open_session(now)),
        }
    }

    fn hidden(&self, what: &str) -> bool {
        let Some(current) = self.seq.current() else {
            return false;
        };
        let id = &self.seq.tree().get(current).id;
        self.course
            .hidden_ui
            .get(id)
            .is_some_and(|h| h.iter().any(|x| x == what))
    }

    fn check_ui(&self, visit: &Visit) -> Result<(), String> {
        let look = self.seq.lookahead();
        for (question, expected) in &visit.ui {
            let Some(answer) = self.answer(&look, question) else {
                continue;
            };
            if answer != *expected {
                return Err(format!(
                    "UI question {question:?}: expected {expected}, the engine says {answer}"
                ));
            }
        }
        Ok(())
    }

    fn answer(&self, look: &Lookahead, question: &UiQuestion) -> Option<bool> {
        let continue_ = look.continue_ && !self.hidden("continue");
        let previous = look.previous && !self.hidden("previous");
        let entry = |title: &str| {
            self.id_of_title(title)
                .and_then(|id| look.entry(&id).cloned())
        };
        Some(match question {
            UiQuestion::ContinueEnabled => continue_,
            UiQuestion::ContinueDisabled => !continue_,
            UiQuestion::PreviousEnabled => previous,
            UiQuestion::PreviousDisabled => !previous,
            UiQuestion::TocEnabled => look
                .toc
                .iter()
                .any(|e| e.visible && e.choice && Some(e.activity) != self.seq.current()),
            UiQuestion::TocSelectable(title) => entry(title).is_some_and(|e| e.visible && e.choice),
            UiQuestion::TocVisible(title) => entry(title).is_some_and(|e| e.visible),
            UiQuestion::UiVisible(event) => !self.hidden(event),
            UiQuestion::Other(_) => return None,
        })
    }

    fn run_commands(&self, visit: &Visit) -> Result<ScoReport, String> {
        let mut report = ScoReport::default();
        let mut objective_ids: HashMap<String, String> = HashMap::new();
        for command in &visit.commands {
            match command.call {
                Call::SetValue if command.error == "0" => {
                    apply_set(&mut report, &mut objective_ids, command, &|n| {
                        self.objective_id(n)
                    });
                }
                Call::GetValue => self.check_get(command)?,
                _ => {}
            }
        }
        Ok(report)
    }

    fn check_get(&self, command: &Command) -> Result<(), String> {
        let Some(rest) = command.element.strip_prefix("adl.nav.request_valid.") else {
            return Ok(());
        };
        let request = match rest.split_once('.') {
            Some((verb, target)) => NavigationRequest::parse(&format!("{target}{verb}")),
            None => NavigationRequest::parse(rest),
        };
        let Some(request) = request else {
            return Ok(());
        };
        let answer = self.seq.lookahead().is_valid(&request);
        if answer.to_string() != command.expected {
            return Err(format!(
                "{}: expected {}, the engine says {answer}",
                command.element, command.expected
            ));
        }
        Ok(())
    }

    /// The id of `cmi.objectives.N` for the current activity, as the LMS initialized it.
    fn objective_id(&self, index: usize) -> Option<String> {
        let current = self.seq.current()?;
        let activity = self.seq.tree().get(current);
        activity
            .objectives()
            .filter_map(|o| o.id.clone())
            .nth(index)
    }
}

/// "please launch <b>API Implementation Test 1</b>": a choice within the session.
fn launch_title(verb: &str, arg: &str) -> Option<String> {
    match verb {
        "launch" => Some(arg.to_owned()),
        v if v.starts_with("APIt") => Some(format!("API Implementation Test {}", &v[4..])),
        v if v.starts_with("DMIt") => Some(format!("Data Model Implementation Test {}", &v[4..])),
        _ => None,
    }
}

/// Whether the instruction ends the session and launches a package again.
fn is_relaunch(verb: &str) -> bool {
    verb.to_ascii_lowercase().contains("launch")
        || matches!(
            verb,
            "ContinueExitCM8" | "DMBx" | "DMBxAct" | "ExitCM09ba" | "SuspendCM09ca"
        )
}
