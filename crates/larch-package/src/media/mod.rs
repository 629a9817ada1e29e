//! media packages.

pub mod model;
