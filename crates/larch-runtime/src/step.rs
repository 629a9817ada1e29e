//! What the runtime answers the player: deliver an activity, show the menu, or end.

use larch_cmi::{CmiState, LaunchData};
use serde::{Deserialize, Serialize};

use crate::nav::NavState;

/// An activity to launch in the player, with everything the shim needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The session id commits must carry.
    pub session: u64,
    /// The delivered activity.
    pub activity: String,
    /// Its title.
    pub title: String,
    /// Its launch URL (package path with parameters, or absolute).
    pub url: String,
    /// The LMS-supplied values used to seed the data model (learner, credit, mode, launch
    /// data, mastery score, objectives read from global objectives, shared data, …).
    pub launch: LaunchData,
    /// The data model as the SCO starts with it (`initial_state` of `launch` and the prior
    /// session): the shim's API object starts from exactly this state.
    pub cmi: CmiState,
    /// This delivery begins a new attempt (`entry` is `ab-initio`).
    pub new_attempt: bool,
}

/// What the player does next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "next")]
pub enum Next {
    /// Launch this activity.
    Deliver(Box<Delivery>),
    /// Nothing is delivered; the learner picks from the menu or the buttons. `message`
    /// says why when a sequencing process failed (SN exception code).
    Menu {
        /// Why, if known.
        message: Option<String>,
    },
    /// The learner's request was refused and nothing changed.
    Invalid {
        /// Why (SN exception code or the simple model's reason).
        message: String,
    },
    /// The course session is over (exit all, suspend all, end of the course).
    CourseOver,
}

impl Next {
    /// The delivery, if this is one.
    pub fn delivery(&self) -> Option<&Delivery> {
        match self {
            Self::Deliver(d) => Some(d),
            _ => None,
        }
    }
}

/// The answer to a launch or a navigation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// What to do.
    pub next: Next,
    /// The navigation state after it.
    pub nav: NavState,
}

/// A request the runtime cannot serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// The commit names a session this registration never opened (or forgot long ago) and
    /// an activity it does not have.
    #[error("unknown session {0}")]
    UnknownSession(u64),
    /// The commit's activity is not the session's.
    #[error("session {session} delivered {expected}, not {got}")]
    WrongActivity {
        /// The session.
        session: u64,
        /// Its activity.
        expected: String,
        /// The commit's activity.
        got: String,
    },
    /// The stored engine state does not belong to the course version.
    #[error("the registration's sequencing state does not match the course: {0}")]
    StateMismatch(String),
}
