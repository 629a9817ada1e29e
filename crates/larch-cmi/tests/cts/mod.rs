//! Replay of the ADL SCORM 2004 4th Edition conformance test scripts
//! against `ApiInstance` without a sequencing engine: the learner's data across
//! visits, and which failures only an engine could avoid. Scripts are read and
//! calls judged (as the Test Suite's `TestCaseEvaluator.java` does) by `larch-cts`.

pub mod manifest;
pub mod objectives;

use std::collections::HashMap;

use larch_cmi::{
    ApiInstance, CmiState, NavRequest, Phase, Prior, RuntimeConfig, ScormVersion, SharedDataInit,
    initial_state, values_equivalent,
};
use larch_cts::{LmsCall, ScormApi};

pub const LEARNER_ID: &str = "cts-learner-1";
pub const LEARNER_NAME: &str = "Testtaker, Carla";
const V: ScormVersion = ScormVersion::SCORM2004_4TH;

/// What happened to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(String),
    /// Failed, but the expected value comes from the sequencing engine
    /// (navigation look-ahead, global objective maps, rollup), not from the
    /// data model.
    NeedsSequencing(String),
}

/// The learner's data across the visits of one test case.
#[derive(Default)]
pub struct Learner {
    attempts: HashMap<String, (CmiState, bool)>,
    shared: HashMap<(String, String), String>,
    packages: HashMap<String, String>,
    globals: HashMap<String, objectives::Global>,
}

impl Learner {
    /// Starts a visit of `item`: resumes a suspended attempt, else a new one.
    pub fn launch(&mut self, item: &manifest::Item, config: RuntimeConfig) -> ApiInstance {
        let mut launch = item.launch.clone();
        for init in &mut launch.objectives {
            objectives::read(init, &item.maps, &self.globals);
        }
        launch.shared_data = item
            .shared
            .iter()
            .map(|a| SharedDataInit {
                access: a.clone(),
                value: self
                    .shared
                    .get(&(item.shared_scope.clone(), a.id.clone()))
                    .cloned(),
            })
            .collect();
        self.packages.insert(item.act.clone(), item.package.clone());
        let prior = match self.attempts.remove(&item.act) {
            Some((state, true)) => Prior::Resume(Box::new(state)),
            _ => Prior::NewAttempt,
        };
        ApiInstance::new(initial_state(V, &launch, prior), config)
    }

    /// Ends a visit: the LMS terminates a SCO that did not, then keeps the data.
    pub fn finish(&mut self, item: &manifest::Item, mut api: ApiInstance) {
        let act = item.act.as_str();
        if api.phase() == Phase::Running {
            api.terminate("");
        }
        let Some(outcome) = api.outcome().cloned() else {
            return;
        };
        objectives::write(api.state(), &outcome, &item.maps, &mut self.globals);
        for (id, value) in &outcome.shared_data {
            let key = (item.shared_scope.clone(), id.clone());
            match value {
                Some(v) => self.shared.insert(key, v.clone()),
                None => self.shared.remove(&key),
            };
        }
        self.attempts
            .insert(act.to_owned(), (api.state().clone(), outcome.suspended));
        // exitAll / abandonAll end the attempt on the whole course (SN 4.x):
        // every activity starts afresh, and shared data that is not global to
        // the system (CAM 4th Ed sharedDataGlobalToSystem="false") resets.
        if matches!(
            outcome.nav_request,
            Some(NavRequest::ExitAll | NavRequest::AbandonAll)
        ) {
            self.attempts
                .retain(|a, _| self.packages.get(a).is_none_or(|p| *p != item.package));
            if !item.shared_scope.is_empty() {
                self.shared
                    .retain(|(scope, _), _| *scope != item.shared_scope);
            }
        }
    }
}

/// `ApiInstance` as the API `larch-cts` judges: the content's calls, nothing more (no
/// server behind it).
struct Content<'a>(&'a mut ApiInstance);

impl ScormApi for Content<'_> {
    fn initialize(&mut self, param: &str) -> String {
        self.0.initialize(param).to_owned()
    }

    fn terminate(&mut self, param: &str) -> String {
        self.0.terminate(param).to_owned()
    }

    fn commit(&mut self, param: &str) -> String {
        self.0.commit(param).to_owned()
    }

    fn get_value(&mut self, element: &str) -> String {
        self.0.get_value(element)
    }

    fn set_value(&mut self, element: &str, value: &str) -> String {
        self.0.set_value(element, value).to_owned()
    }

    fn get_last_error(&mut self) -> String {
        self.0.get_last_error()
    }

    fn get_error_string(&mut self, code: &str) -> String {
        self.0.get_error_string(code)
    }

    fn get_diagnostic(&mut self, code: &str) -> String {
        self.0.get_diagnostic(code)
    }

    fn equivalent(&self, element: &str, a: &str, b: &str) -> bool {
        values_equivalent(self.0.state(), element, a, b)
    }
}

/// Executes one call and judges it, setting aside failures whose expected
/// value only the sequencing engine can produce.
pub fn run(api: &mut ApiInstance, item: &manifest::Item, call: &LmsCall) -> Verdict {
    match larch_cts::judge(&mut Content(api), call, LEARNER_ID) {
        larch_cts::Verdict::Pass => Verdict::Pass,
        larch_cts::Verdict::Fail(why) if needs_sequencing(api, item, call) => {
            Verdict::NeedsSequencing(why)
        }
        larch_cts::Verdict::Fail(why) => Verdict::Fail(why),
    }
}

/// `adl.nav.request_valid.continue/previous` need the look-ahead; the status
/// and scores of an objective mapped to a global objective, or of the primary
/// objective, come from the sequencer's tracking model.
fn needs_sequencing(api: &ApiInstance, item: &manifest::Item, call: &LmsCall) -> bool {
    if call.api != "GET" {
        return false;
    }
    if call.param.contains("request_valid.continue")
        || call.param.contains("request_valid.previous")
    {
        return true;
    }
    let Some(element) = resolve_quiet(api, &call.param) else {
        return false;
    };
    let mut parts = element.splitn(4, '.');
    let (Some("cmi"), Some("objectives"), Some(n), Some(field)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let status = ["success_status", "completion_status", "progress_measure"].contains(&field)
        || field.starts_with("score.");
    let id = api
        .state()
        .get(&format!("cmi.objectives.{n}.id"))
        .unwrap_or_default();
    status && item.sequenced_objectives.iter().any(|o| o == id)
}

/// `larch_cts::resolve` read from the state, so that the verdict's GetLastError stays as
/// the judged call left it.
fn resolve_quiet(api: &ApiInstance, element: &str) -> Option<String> {
    let parts: Vec<&str> = element.split('&').collect();
    if parts.len() < 3 {
        return Some(element.to_owned());
    }
    let count = api.state().count("cmi.objectives");
    (0..count)
        .find(|i| api.state().get(&format!("cmi.objectives.{i}.id")) == Some(parts[1]))
        .map(|i| format!("{}{i}{}", parts[0], parts[2]))
}
