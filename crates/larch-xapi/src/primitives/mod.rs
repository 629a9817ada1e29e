//! The special data types of xAPI-Data 4.0: IRIs, language tags and maps, UUIDs, timestamps
//! and durations. Each is a newtype validated once in its `parse`.

mod duration;
mod extensions;
mod iri;
mod langtag;
mod timestamp;
mod uuid;

pub use duration::{Duration, duration_for_comparison};
pub use extensions::Extensions;
pub use iri::{Iri, is_iri, is_mailto_iri};
pub use langtag::{LanguageMap, is_language_tag};
pub use timestamp::Timestamp;
pub use uuid::Uuid;
