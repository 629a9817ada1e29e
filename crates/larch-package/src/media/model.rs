//! Plain media as a one-item course.

use serde::{Deserialize, Serialize};

/// The media file of a media course.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaActivity {
    /// Path of the file inside the package.
    pub file: String,
    /// Its MIME type (`application/pdf`, `video/mp4`, `audio/mpeg`…).
    pub content_type: String,
}
