//! aicc packages.

pub mod model;
