//! What the browser shim does, in Rust: a real `ApiInstance` started from the delivery's
//! state, answering `adl.nav.request_valid.*` from the runtime's latest look-ahead, and
//! committing SetValue calls to the runtime with sequence numbers (flushing first when
//! content asks for navigation validity with uncommitted changes).

use larch_cmi::{ApiInstance, Change, Phase, values_equivalent};
use larch_cts::ScormApi;
use std::rc::Rc;

use crate::cts_runtime::course::CtsCourse;
use larch_runtime::{
    Commit, CommitStatus, Delivery, NavState, Next, RegistrationState, RuntimeCourse, apply_commit,
};

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
    /// What the runtime answered the terminating commit.
    pub after_terminate: Option<Next>,
    /// The latest navigation state the server sent.
    pub nav: NavState,
    /// A commit the runtime did not apply as expected.
    pub error: Option<String>,
}

impl<'s> Shim<'s> {
    pub fn new(server: &'s mut Server, delivery: &Delivery, nav: &NavState) -> Self {
        let mut api = ApiInstance::new(delivery.cmi.clone(), server.runtime().config.clone());
        api.set_navigation_oracle(Box::new(nav.clone()));
        api.set_now(server.now);
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

    /// Whether the content is still running (it never called Terminate).
    pub fn running(&self) -> bool {
        self.api.phase() == Phase::Running
    }

    /// Sends the pending changes (and the end of the session when `terminate`).
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
        match apply_commit(
            &self.server.course.runtime,
            &mut self.server.state,
            &commit,
            now,
        ) {
            Ok(result) if result.status == CommitStatus::Applied => {
                if !result.rejected.is_empty() {
                    self.error = Some(format!("the server refused {:?}", result.rejected));
                }
                self.nav = result.nav.clone();
                self.api.set_navigation_oracle(Box::new(result.nav));
                if terminate {
                    self.after_terminate = result.next;
                }
            }
            Ok(result) => self.error = Some(format!("commit taken as {:?}", result.status)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

impl ScormApi for Shim<'_> {
    fn initialize(&mut self, param: &str) -> String {
        self.api.initialize(param).to_owned()
    }

    fn terminate(&mut self, param: &str) -> String {
        let answer = self.api.terminate(param);
        if answer == "true" {
            self.flush(true);
        }
        answer.to_owned()
    }

    fn commit(&mut self, param: &str) -> String {
        let answer = self.api.commit(param);
        if answer == "true" {
            self.flush(false);
        }
        answer.to_owned()
    }

    fn get_value(&mut self, element: &str) -> String {
        let asks_navigation = element.starts_with("adl.nav.request_valid.");
        if asks_navigation && !self.pending.is_empty() && self.running() {
            // The brief's synchronous flush: uncommitted changes may alter the answer.
            self.flush(false);
        }
        self.api.get_value(element)
    }

    fn set_value(&mut self, element: &str, value: &str) -> String {
        let answer = self.api.set_value(element, value);
        if answer == "true" {
            self.pending.push(Change {
                element: element.to_owned(),
                value: value.to_owned(),
            });
        }
        answer.to_owned()
    }

    fn get_last_error(&mut self) -> String {
        self.api.get_last_error()
    }

    fn get_error_string(&mut self, code: &str) -> String {
        self.api.get_error_string(code)
    }

    fn get_diagnostic(&mut self, code: &str) -> String {
        self.api.get_diagnostic(code)
    }

    fn equivalent(&self, element: &str, a: &str, b: &str) -> bool {
        values_equivalent(self.api.state(), element, a, b)
    }
}
