//! The pure xAPI core of the Larch LRS, for xAPI 1.0.3 and 2.0 (IEEE 9274.1.1):
//!
//! - [`version`]: the `X-Experience-API-Version` header and every rule that differs by version;
//! - [`statement`]: the statement model, its validation (errors name the offending property),
//!   comparison, voiding and the properties the LRS assigns; [`index`]: the keys a store
//!   indexes statements by;
//! - [`query`]: GET /statements parameters and the `more` cursor; [`format`](mod@format): `exact`, `ids`,
//!   `canonical` and the StatementResult;
//! - [`documents`]: State and Profile parameters, JSON merge, ETags and preconditions;
//! - [`downgrade`]: a stored statement converted to 1.0.3 (forwarding to a 1.0.3 LRS);
//! - [`signature`]: signed statements (JWS); [`multipart`]: `multipart/mixed` requests and
//!   responses; [`alternate`]: 1.0.3's alternate request syntax;
//! - [`resources`]: About, Person (GET /agents) and Activity definitions; [`scopes`]:
//!   credential scopes.
//!
//! No I/O, no clock, no randomness: the server passes time and random bytes in. See
//! `docs/xapi.md` for how the server uses it.
#![deny(missing_docs)]

pub mod alternate;
pub mod documents;
pub mod downgrade;
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
