//! Course package ingestion: reads SCORM 1.2/2004, AICC, cmi5, xAPI and media packages into one
//! normalized [`Course`] model, forgiving what can be fixed (with structured [`Diagnostic`]
//! warnings) and rejecting, with precise errors, only what cannot be played.
//!
//! Pure: no network, no database. The container layer reads from a path or a `Read + Seek`
//! and streams every file to a caller-supplied [`BlobSink`], within the [`Limits`].
//!
//! Entry points: [`ingest`] / [`ingest_path`] (store the files), [`inspect_path`] (parse and
//! check only), [`parse_package`] / [`parse_single_file`] (parse from memory).
#![deny(missing_docs)]

pub mod aicc;
pub mod cmi5;
pub mod codes;
mod container;
mod detect;
mod diagnostics;
mod ingest;
mod launch;
mod limits;
pub mod media;
mod model;
mod rerooted;
pub mod scorm;
mod source;
mod standards;
mod text;
pub mod xapi;

pub use container::ReadSeek;
pub use container::sink::{BlobSink, NullSink, StoredFile};
pub use diagnostics::{Diagnostic, Location, PackageError, Warnings};
pub use ingest::{Ingested, ingest, ingest_path, inspect_path, parse_package, parse_single_file};
pub use limits::Limits;
pub use model::{Activity, ActivityDetails, Course, CourseDetails, Edition, Launch, Standard};
pub use source::{FileIndex, HrefFix, MemorySource, PackageSource, Resolved};
