//! Navigation requests (SN book 4.4, table 4.4a) and the outcome of processing one.

use serde::{Deserialize, Serialize};

use crate::error::Exception;
use crate::tree::ActivityIx;

/// A navigation request from the learner (the player's buttons and menu) or from the
/// content (`adl.nav.request`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "request", content = "target")]
pub enum NavigationRequest {
    /// `start`: begin a new sequencing session.
    Start,
    /// `resumeAll`: resume a suspended sequencing session.
    ResumeAll,
    /// `continue`
    Continue,
    /// `previous`
    Previous,
    /// `choice` of the activity with this identifier.
    Choice(String),
    /// `jump` to the activity with this identifier (4th Ed).
    Jump(String),
    /// `exit`
    Exit,
    /// `exitAll`
    ExitAll,
    /// `abandon`
    Abandon,
    /// `abandonAll`
    AbandonAll,
    /// `suspendAll`
    SuspendAll,
}

impl NavigationRequest {
    /// Parses an `adl.nav.request` value (`continue`, `{target=ID}choice`, `_none_` is `None`).
    pub fn parse(value: &str) -> Option<Self> {
        if let Some(rest) = value.strip_prefix("{target=") {
            let (target, verb) = rest.split_once('}')?;
            return match verb {
                "choice" => Some(Self::Choice(target.to_owned())),
                "jump" => Some(Self::Jump(target.to_owned())),
                _ => None,
            };
        }
        Some(match value {
            "start" => Self::Start,
            "resumeAll" => Self::ResumeAll,
            "continue" => Self::Continue,
            "previous" => Self::Previous,
            "exit" => Self::Exit,
            "exitAll" => Self::ExitAll,
            "abandon" => Self::Abandon,
            "abandonAll" => Self::AbandonAll,
            "suspendAll" => Self::SuspendAll,
            _ => return None,
        })
    }
}

/// Termination requests (SN 4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TerminationRequest {
    Exit,
    ExitAll,
    SuspendAll,
    Abandon,
    AbandonAll,
}

/// Sequencing requests (SN 4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SequencingRequest {
    Start,
    ResumeAll,
    Continue,
    Previous,
    Choice(ActivityIx),
    Jump(ActivityIx),
    Exit,
    Retry,
}

/// What the player should do after a request was processed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Launch this activity (a leaf); it is now the current activity.
    Deliver {
        /// The delivered activity.
        activity: ActivityIx,
        /// Its identifier.
        id: String,
    },
    /// The request was not valid and nothing changed; show the exception as a message.
    Invalid {
        /// Why.
        exception: Exception,
    },
    /// The session goes on but nothing is delivered: the content is taken away and the
    /// learner chooses from the menu. `exception` says why, when a process failed.
    NoDelivery {
        /// Why nothing was delivered, if a process failed.
        exception: Option<Exception>,
    },
    /// The sequencing session has ended.
    SessionEnded,
}
