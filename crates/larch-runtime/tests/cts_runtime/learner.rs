//! The learner's actions between visits (`CUI`, keys of `resources/Instructions.properties`):
//! buttons and menu choices, leaving and relaunching the course, launching another package
//! of a multi-package case.

use std::rc::Rc;

use larch_runtime::{NavigationRequest, Next, Step};

use crate::cts_runtime::driver::Run;

impl Run<'_, '_> {
    fn engine_session_ended(&self) -> bool {
        self.server
            .state
            .engine
            .as_ref()
            .is_none_or(|e| e.session_ended)
    }

    pub(super) fn import_learner(&mut self) {
        let global = self.server.course.runtime.tree.as_ref();
        if global.is_some_and(|t| t.objectives_global_to_system)
            && let Some(engine) = self.server.state.engine.as_mut()
        {
            engine.globals.extend(self.learner.clone());
        }
    }

    pub(super) fn export_learner(&mut self) {
        let global = self.server.course.runtime.tree.as_ref();
        if global.is_some_and(|t| t.objectives_global_to_system)
            && let Some(engine) = &self.server.state.engine
        {
            self.learner.extend(engine.globals.clone());
        }
    }

    /// Whether the current package's shared data is the learner's, across packages (CAM
    /// 4th Ed `adlcp:sharedDataGlobalToSystem`, true by default).
    fn data_global(&self) -> bool {
        let tree = self.server.course.runtime.tree.as_ref();
        tree.is_none_or(|t| t.shared_data_global_to_system)
    }

    /// Leaves the current package (its registration kept) for `package`; the learner's
    /// global objectives and system-wide shared data go along, as the server shares them
    /// between a learner's registrations.
    fn switch_to(&mut self, package: &str) -> Result<(), String> {
        self.export_learner();
        if self.data_global() {
            self.system_data = self.server.state.shared_data.clone();
        }
        let now = self.server.now;
        let next = match self.parked.remove(package) {
            Some(parked) => parked,
            None => super::driver::new_server(Rc::new((self.load)(package)?), now),
        };
        let old = std::mem::replace(&mut self.server, next);
        self.server.now = now;
        if self.data_global() {
            self.server.state.shared_data = self.system_data.clone();
        }
        let old_package = std::mem::replace(&mut self.package, package.to_owned());
        self.parked.insert(old_package, old);
        self.import_learner();
        Ok(())
    }

    /// The learner's next action when nothing was delivered.
    pub(super) fn learner(&mut self, action: &str, outcome: Step) -> Result<Step, String> {
        let (verb, arg) = action.split_once('~').unwrap_or((action, ""));
        if let Some(title) = launch_title(verb, arg) {
            let id = self
                .server
                .course
                .id_of_title(&title)
                .ok_or_else(|| format!("no activity titled {title}"))?;
            return self.nav(&NavigationRequest::Choice(id));
        }
        let request = match verb {
            v if v.starts_with("Continue") => Some(NavigationRequest::Continue),
            "Previous" => Some(NavigationRequest::Previous),
            v if v.starts_with("Root") => {
                Some(NavigationRequest::Choice(self.server.course.root.clone()))
            }
            "Choice" | "ChoiceExit" => Some(NavigationRequest::Choice(
                self.server
                    .course
                    .id_of_title(arg)
                    .ok_or_else(|| format!("no activity titled {arg}"))?,
            )),
            _ => None,
        };
        let mut outcome = outcome;
        if let Some(request) = &request {
            outcome = self.nav(request)?;
        }
        if is_relaunch(verb) {
            return self.relaunch_as(verb, arg);
        }
        if request.is_none() && !matches!(outcome.next, Next::CourseOver) {
            // Exit, AutoTest, TRIGExitAll, …: the learner leaves the course.
            let step = self.nav(&NavigationRequest::ExitAll)?;
            return Ok(Step {
                next: Next::CourseOver,
                ..step
            });
        }
        Ok(outcome)
    }

    /// The learner leaves the course (suspending it when told to) and launches it, or
    /// another package of the case, again.
    fn relaunch_as(&mut self, verb: &str, arg: &str) -> Result<Step, String> {
        // "launch LMS Test Content Package DDMb": another package of the case.
        let package = match verb {
            "exitlaunch" | "autoendrelaunch" | "relaunch" | "autoendlaunchnchoose" => Some(arg),
            v => v
                .strip_prefix("ReLaunch")
                .or_else(|| v.strip_prefix("Launch")),
        }
        .filter(|p| !p.is_empty() && *p != self.package && (self.load)(p).is_ok())
        .map(str::to_owned);
        if !self.engine_session_ended() {
            let leave = if verb.starts_with("Suspend") {
                NavigationRequest::SuspendAll
            } else {
                NavigationRequest::ExitAll
            };
            self.nav(&leave)?;
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
        match choose.and_then(|title| self.server.course.id_of_title(title)) {
            Some(id) => self.nav(&NavigationRequest::Choice(id)),
            None => self.relaunch(),
        }
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
