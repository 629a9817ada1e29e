//! The pure xAPI core of the Larch LRS: the statement model and its validation for xAPI 1.0.3
//! and 2.0, query parameters and cursors, output formats and statement equality, document
//! helpers (merge, ETags, preconditions), signed-statement verification, the multipart
//! parser, and the About, Person and activity-definition aggregations.
//!
//! No I/O, no clock, no randomness: the server passes time and random bytes in.
#![deny(missing_docs)]

pub mod alternate;
pub mod documents;
pub mod error;
pub mod format;
pub mod index;
mod json;
pub mod multipart;
mod params;
pub mod primitives;
pub mod query;
pub mod resources;
pub mod scopes;
pub mod signature;
pub mod statement;
pub mod version;

pub use error::ValidationError;
pub use statement::Statement;
pub use version::{VersionError, XapiVersion};
