//! Integration tests of larch-xapi, modelled on the requirements of the ADL LRS conformance
//! suite (`test/v1_0_3`, `test/v2_0`): for each rule a valid and an invalid example, per
//! version.

mod common;
mod documents;
mod formats;
mod lifecycle;
mod multipart;
mod positions;
mod properties;
mod query;
mod signature;
mod statements;
mod statements_actors;
mod statements_context;
mod statements_objects;
