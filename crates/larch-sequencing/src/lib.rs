//! The SCORM 2004 4th Edition sequencing and navigation engine (IMS Simple Sequencing as
//! profiled by the SCORM 2004 4th Edition Sequencing and Navigation book).
//!
//! Deterministic and free of I/O: time and randomness are passed in. Build a [`Sequencer`]
//! from a [`definition::TreeDefinition`], drive it with [`Sequencer::navigate`] (the
//! learner's requests) and [`Sequencer::terminate`] (the content's [`ScoReport`]), ask
//! [`Sequencer::lookahead`] which requests are valid, and save [`EngineState`].
#![deny(missing_docs)]

pub mod definition;
mod delivery;
mod engine;
mod error;
mod lookahead;
mod navigation;
mod report;
mod request;
mod rollup;
mod rules;
mod selection;
mod sequencing_request;
mod state;
mod termination;
mod tracking;
mod traversal;
pub mod tree;

pub use engine::{Sequencer, StateMismatch};
pub use error::Exception;
pub use lookahead::{Lookahead, TocEntry};
pub use report::{CompletionStatus, ExitMode, ObjectiveReport, ScoReport, Score, SuccessStatus};
pub use request::{NavigationRequest, Outcome};
pub use state::EngineState;
pub use tracking::{ActivityState, ObjectiveState};
