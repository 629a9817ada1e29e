//! AICC HACP `aicc_data` (AICC CMI001 "CMI Guidelines for Interoperability"
//! v4, section 6 "HTTP-based AICC/CMI Protocol" and appendix A, the
//! INI-style CMI data file): parse and produce it, and map it to and from
//! the SCORM 1.2-shaped [`crate::CmiState`] (the HACP data model is the one
//! SCORM 1.2 adopted, RTE 1.2 3.4).
//!
//! - [`AiccData::parse`] reads what an AU sends with `PutParam` (or what an
//!   LMS answers to `GetParam`): sections in brackets, `key=value` lines with
//!   case-insensitive keys, `;` comments, and the free-text sections
//!   (`[Core_Lesson]`, `[Core_Vendor]`, `[Comments]`) whose lines are kept
//!   verbatim.
//! - [`put_param_changes`] turns a `PutParam` into [`crate::Change`]s for
//!   [`crate::apply_batch`], so HACP data is validated exactly like
//!   `LMSSetValue`.
//! - [`get_param_data`] produces the `aicc_data` the LMS returns to `GetParam`.
//! - [`put_interactions_changes`], [`put_objectives_changes`] and [`put_comments_changes`] read
//!   the CSV data files of `PutInteractions`, `PutObjectives` and `PutComments`.

mod files;
mod map;
mod parse;

pub use files::{put_comments_changes, put_interactions_changes, put_objectives_changes};
pub use map::{get_param_data, get_param_response, put_param_changes};
pub use parse::{AiccData, Section};
