//! scorm packages.

pub mod model;
