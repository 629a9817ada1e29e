//! The pure run-time core of a registration: it joins the data models (`larch-cmi`) and the
//! sequencing engine (`larch-sequencing`) for SCORM 1.2, SCORM 2004 and AICC courses.
//!
//! No I/O and no clock: the server loads a [`RegistrationState`] (one serializable value),
//! calls one function with the time, and stores the state back in the same transaction as
//! the transcript and events.
//!
//! - [`RuntimeCourse::from_course`]: the run-time view of a parsed course version.
//! - [`RegistrationState::new`]: a new registration.
//! - [`launch`]: start or resume the course → a [`Step`] (deliver an activity, show the
//!   menu, or the course is over) with the [`NavState`] for the player and the shim.
//! - [`apply_commit`]: a commit from the shim, idempotent by sequence number, with sticky
//!   completions; on terminate, the navigation that follows.
//! - [`navigate`]: the learner's buttons and menu.
//! - [`close_abandoned`]: a session the content never terminated.
//! - [`progress`]: the registration's results in one vocabulary.
//! - [`new_instance`] / [`InstancePolicy`]: registration instances.
//!
//! ```
//! # use larch_runtime::*;
//! # fn demo(course: &RuntimeCourse) -> Result<(), RuntimeError> {
//! let learner = Learner { id: "l-1".into(), name: "Doe, Jane".into() };
//! let mut reg = RegistrationState::new(course, learner, 42);
//! let step = launch(course, &mut reg, 1_700_000_000_000)?;
//! if let Next::Deliver(delivery) = &step.next {
//!     let commit = Commit {
//!         session: delivery.session,
//!         seq: 1,
//!         activity: delivery.activity.clone(),
//!         changes: vec![larch_cmi::Change {
//!             element: "cmi.completion_status".into(),
//!             value: "completed".into(),
//!         }],
//!         terminate: true,
//!         nav_request: None,
//!     };
//!     let result = apply_commit(course, &mut reg, &commit, 1_700_000_060_000)?;
//!     assert_eq!(result.status, CommitStatus::Applied);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod commit;
mod course;
mod deliver;
mod instance;
mod nav;
pub mod prereq;
mod progress;
mod report;
mod sequenced;
mod session;
mod simple;
mod state;
mod step;

pub use commit::{Commit, CommitResult, CommitStatus, apply_commit};
pub use course::{ActivityInfo, CourseError, Launchable, RuntimeCourse, RuntimeStandard};
pub use instance::{InstancePolicy, needs_new_instance, new_instance};
pub use larch_sequencing::NavigationRequest;
pub use nav::{NavState, TocItem};
pub use progress::{
    ActivityProgress, CompletionStatus, Progress, ProgressScore, SuccessStatus, progress,
};
pub use session::{close_abandoned, launch, nav_now, navigate};
pub use state::{
    ActivityRecord, AttemptSummary, CLOSED_SESSIONS_KEPT, Learner, Recorded, RegistrationState,
    SessionRecord,
};
pub use step::{Delivery, Next, RuntimeError, Step};
