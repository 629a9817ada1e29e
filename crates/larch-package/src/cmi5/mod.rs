//! cmi5 packages.

pub mod model;
