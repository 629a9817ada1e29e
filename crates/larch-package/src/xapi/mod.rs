//! xapi packages.

pub mod model;
