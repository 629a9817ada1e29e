//! SCORM 1.2 and SCORM 2004 (2nd, 3rd, 4th Edition) packages: `imsmanifest.xml` into the
//! normalized course model, with the full sequencing definition of every 2004 activity.
//!
//! [`parse`] reads a manifest; [`sequencing_tree`] gives the sequencing engine its tree.
//! Every warning and rejection code is a constant of [`codes`].

pub mod codes;
mod decode;
mod details;
mod edition;
mod items;
mod manifest;
mod metadata;
pub mod model;
mod paths;
mod resources;
mod scopes;
mod sequencing;
mod tree;
mod values;
mod xml;

pub use manifest::parse;
pub use tree::sequencing_tree;
