//! Course package ingestion: reads SCORM 1.2/2004, AICC, cmi5, xAPI and media packages into one
//! normalized [`Course`] model, forgiving what can be fixed (with structured [`Diagnostic`]
//! warnings) and rejecting, with precise errors, only what cannot be played.
//!
//! Pure: no network, no database. The container layer reads from a path or a `Read + Seek`
//! and streams every file to a caller-supplied sink.
#![deny(missing_docs)]

pub mod aicc;
pub mod cmi5;
mod diagnostics;
pub mod media;
mod model;
pub mod scorm;
mod source;
mod standards;
pub mod xapi;

pub use diagnostics::{Diagnostic, Location, PackageError, Warnings};
pub use model::{Activity, ActivityDetails, Course, CourseDetails, Edition, Launch, Standard};
pub use source::{FileIndex, HrefFix, MemorySource, PackageSource, Resolved};
