//! The SCORM 2004 4th Edition sequencing and navigation engine (IMS Simple Sequencing as
//! profiled by the SCORM 2004 4th Edition Sequencing and Navigation book).
//!
//! Deterministic and free of I/O: time and randomness are passed in.
#![deny(missing_docs)]

pub mod definition;
