//! Re-exports of each standard's detail types, used by [`crate::model`].

pub use crate::aicc::model::{AiccActivity, AiccCourse};
pub use crate::cmi5::model::{Cmi5Activity, Cmi5Course};
pub use crate::media::model::MediaActivity;
pub use crate::scorm::model::{ScormActivity, ScormCourse};
pub use crate::xapi::model::XapiActivity;
