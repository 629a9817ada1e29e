//! The player settings a course carries (`PATCH /v1/courses/{id}`): how strictly the run-time
//! validates the data model, and where the content opens. A launch reads them; its player
//! session keeps them (docs/runtime.md "Course settings").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How the run-time validates what content sets (docs/cmi-forgiving-mode.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StrictnessName {
    /// Accept what real content sends where nothing is lost (over-long values, vocabulary
    /// case, …), with a warning in the transcript. The default.
    Forgiving,
    /// The specification exactly: such values are refused with the spec's error code.
    Strict,
}

impl StrictnessName {
    /// The stored name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Forgiving => "forgiving",
            Self::Strict => "strict",
        }
    }

    /// A stored name read back (anything unknown is the default).
    pub(crate) fn parse(stored: &str) -> Self {
        if stored == "strict" {
            Self::Strict
        } else {
            Self::Forgiving
        }
    }
}

/// Where the player opens the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentWindow {
    /// In the player's frame. The default.
    Frame,
    /// In a window of its own (content that cannot run in a frame); the player page stays
    /// open and provides the API, which the content finds through `window.opener`.
    NewWindow,
}

impl ContentWindow {
    /// The stored name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Frame => "frame",
            Self::NewWindow => "new_window",
        }
    }

    /// A stored name read back (anything unknown is the default).
    pub(crate) fn parse(stored: &str) -> Self {
        if stored == "new_window" {
            Self::NewWindow
        } else {
            Self::Frame
        }
    }
}
