//! The SCORM manifest parser through its public API: hand-written manifests for each
//! construct, warning and rejection, the shared fixtures, and the ADL conformance packages.

mod cts;
mod fixtures;
mod properties;
mod robustness;
mod sequencing;
mod structure;
mod support;
mod xml;
