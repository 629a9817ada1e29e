//! The `Server`/`Shim` pair the larch-runtime CTS driver expects (the same behaviour as
//! `larch-runtime/tests/cts_runtime/shim.rs`: a real `ApiInstance`, commits with sequence
//! numbers, a flush before navigation questions), recording every SCO session — its
//! starting state, the navigation states it was given, every call with the instance's
//! answer — so that `tests/shim_cts.rs` can replay them through player.js.

use std::cell::RefCell;
use std::rc::Rc;

use larch_cmi::{ApiInstance, Change, Phase, values_equivalent};
use larch_cts::ScormApi;
use larch_runtime::{
    Commit, CommitStatus, Delivery, NavState, Next, RegistrationState, RuntimeCourse, apply_commit,
};
use serde_json::{Value, json};

use crate::cts_runtime::course::CtsCourse;

thread_local! {
    /// Every recorded session: `{version, cmi, config, events: [...]}`.
    pub static SESSIONS: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

fn record(event: Value) {
    SESSIONS.with(|s| {
        if let Some(Value::Array(events)) = s.borrow_mut().last_mut().map(|x| &mut x["events"]) {
            events.push(event);
        }
    });
}

/// One package's registration on the "server" side, with a clock.
pub struct Server {
    pub course: Rc<CtsCourse>,
    pub state: RegistrationState,
    pub now: i64,
}

impl Server {
    pub fn runtime(&self) -> &RuntimeCourse {
        &self.course.runtime
    }

    pub fn tick(&mut self) -> i64 {
        self.now += 1_000;
        self.now
    }
}

/// One delivered SCO's API object and its link to the server.
pub struct Shim<'s> {
    server: &'s mut Server,
    api: ApiInstance,
    session: u64,
    activity: String,
    seq: u64,
    pending: Vec<Change>,
    pub after_terminate: Option<Next>,
    pub nav: NavState,
    pub error: Option<String>,
}

impl<'s> Shim<'s> {
    pub fn new(server: &'s mut Server, delivery: &Delivery, nav: &NavState) -> Self {
        let config = server.runtime().config.clone();
        let mut api = ApiInstance::new(delivery.cmi.clone(), config.clone());
        api.set_navigation_oracle(Box::new(nav.clone()));
        api.set_now(server.now);
        SESSIONS.with(|s| {
            s.borrow_mut().push(json!({
                "version": delivery.cmi.version.label(), "cmi": delivery.cmi, "config": config,
                "events": [{"nav": nav}],
            }));
        });
        Self {
            server,
            api,
            session: delivery.session,
            activity: delivery.activity.clone(),
            seq: 0,
            pending: Vec::new(),
            after_terminate: None,
            nav: nav.clone(),
            error: None,
        }
    }

    pub fn running(&self) -> bool {
        self.api.phase() == Phase::Running
    }

    pub fn flush(&mut self, terminate: bool) {
        self.seq += 1;
        let commit = Commit {
            session: self.session,
            seq: self.seq,
            activity: self.activity.clone(),
            changes: std::mem::take(&mut self.pending),
            terminate,
            nav_request: None,
        };
        let now = self.server.tick();
        let runtime = &self.server.course.runtime;
        match apply_commit(runtime, &mut self.server.state, &commit, now) {
            Ok(result) if result.status == CommitStatus::Applied => {
                if !result.rejected.is_empty() {
                    self.error = Some(format!("the server refused {:?}", result.rejected));
                }
                self.nav = result.nav.clone();
                record(json!({"nav": result.nav}));
                self.api.set_navigation_oracle(Box::new(result.nav));
                if terminate {
                    self.after_terminate = result.next;
                }
            }
            Ok(result) => self.error = Some(format!("commit taken as {:?}", result.status)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Records a call and the answer and error code the instance gave.
    fn done(&self, name: &str, a: &str, b: &str, answer: String, own_diagnostic: bool) -> String {
        let error = self.api.get_last_error();
        let expected = (!own_diagnostic).then(|| answer.clone());
        record(json!({"call": [name, a, b], "answer": expected, "error": error}));
        answer
    }
}

impl ScormApi for Shim<'_> {
    fn initialize(&mut self, param: &str) -> String {
        let answer = self.api.initialize(param).to_owned();
        self.done("Initialize", param, "", answer, false)
    }

    fn terminate(&mut self, param: &str) -> String {
        let answer = self.api.terminate(param);
        if answer == "true" {
            self.flush(true);
        }
        self.done("Terminate", param, "", answer.to_owned(), false)
    }

    fn commit(&mut self, param: &str) -> String {
        let answer = self.api.commit(param);
        if answer == "true" {
            self.flush(false);
        }
        self.done("Commit", param, "", answer.to_owned(), false)
    }

    fn get_value(&mut self, element: &str) -> String {
        let asks_navigation = element.starts_with("adl.nav.request_valid.");
        if asks_navigation && !self.pending.is_empty() && self.running() {
            self.flush(false);
        }
        let answer = self.api.get_value(element);
        self.done("GetValue", element, "", answer, false)
    }

    fn set_value(&mut self, element: &str, value: &str) -> String {
        let answer = self.api.set_value(element, value);
        if answer == "true" {
            self.pending.push(Change {
                element: element.to_owned(),
                value: value.to_owned(),
            });
        }
        self.done("SetValue", element, value, answer.to_owned(), false)
    }

    fn get_last_error(&mut self) -> String {
        let answer = self.api.get_last_error();
        self.done("GetLastError", "", "", answer, false)
    }

    fn get_error_string(&mut self, code: &str) -> String {
        let answer = self.api.get_error_string(code);
        self.done("GetErrorString", code, "", answer, false)
    }

    fn get_diagnostic(&mut self, code: &str) -> String {
        let last = self.api.last_error();
        let own =
            !last.diagnostic.is_empty() && (code.is_empty() || code == last.code.as_api_string());
        let answer = self.api.get_diagnostic(code);
        self.done("GetDiagnostic", code, "", answer, own)
    }

    fn equivalent(&self, element: &str, a: &str, b: &str) -> bool {
        values_equivalent(self.api.state(), element, a, b)
    }
}
