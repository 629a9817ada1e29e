//! The normalized course model: one shape for every standard.
//!
//! The JSON form of these types (serde) is the `larch inspect --json` document and is
//! documented in `docs/inspect-json.md`; change it only compatibly.

use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::standards::{
    AiccActivity, AiccCourse, Cmi5Activity, Cmi5Course, MediaActivity, ScormActivity, ScormCourse,
    XapiActivity,
};

/// A parsed course package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// Which standard the package follows.
    pub standard: Standard,
    /// The edition, for SCORM 2004 only (`2nd`, `3rd`, `4th`); `None` otherwise.
    pub edition: Option<Edition>,
    /// The package's own identifier (manifest identifier, cmi5 course id, AICC course id…).
    pub identifier: Option<String>,
    /// The course title (never empty: a fallback is used and warned about).
    pub title: String,
    /// The course description, when the package has one.
    pub description: Option<String>,
    /// The activity tree; its root is the course itself (SCORM: the default organization).
    pub root: Activity,
    /// Course-level details of the standard.
    pub details: CourseDetails,
    /// Everything that was fixed or doubtful, in the order found.
    pub warnings: Vec<Diagnostic>,
}

impl Course {
    /// Number of launchable activities (SCOs and assets, AUs, single media items).
    pub fn launchable_count(&self) -> usize {
        self.root.walk().filter(|a| a.launch.is_some()).count()
    }
}

/// The standards Larch reads. Serialized as `scorm12`, `scorm2004`, `aicc`, `cmi5`, `xapi`, `media`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Standard {
    /// SCORM 1.2.
    Scorm12,
    /// SCORM 2004 (any edition).
    Scorm2004,
    /// AICC (CMI001, HACP launch).
    Aicc,
    /// cmi5.
    Cmi5,
    /// xAPI / Tin Can (`tincan.xml`).
    Xapi,
    /// A plain media file (PDF, MP4, MP3…) as a one-item course.
    Media,
}

impl Standard {
    /// The JSON token (`scorm12`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scorm12 => "scorm12",
            Self::Scorm2004 => "scorm2004",
            Self::Aicc => "aicc",
            Self::Cmi5 => "cmi5",
            Self::Xapi => "xapi",
            Self::Media => "media",
        }
    }
}

/// SCORM 2004 editions. Serialized as `2nd`, `3rd`, `4th`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Edition {
    /// SCORM 2004 2nd Edition (`CAM 1.3`).
    #[serde(rename = "2nd")]
    Second,
    /// SCORM 2004 3rd Edition.
    #[serde(rename = "3rd")]
    Third,
    /// SCORM 2004 4th Edition.
    #[serde(rename = "4th")]
    Fourth,
}

impl Edition {
    /// The JSON token (`2nd`, `3rd`, `4th`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Second => "2nd",
            Self::Third => "3rd",
            Self::Fourth => "4th",
        }
    }
}

/// One node of the activity tree: the course, a block/cluster, or a launchable unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Identifier, unique within the course (item identifier, AU id, AICC system id…).
    pub id: String,
    /// Title shown to learners.
    pub title: String,
    /// Description, when the package has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it appears in the learner's table of contents (SCORM `isvisible`). Default true.
    pub visible: bool,
    /// How to launch it; present exactly for launchable activities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch: Option<Launch>,
    /// Standard-specific details of this activity.
    pub details: ActivityDetails,
    /// Children, in order.
    #[serde(default)]
    pub children: Vec<Activity>,
}

impl Activity {
    /// This activity and all its descendants, depth first, in order.
    pub fn walk(&self) -> impl Iterator<Item = &Activity> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            stack.extend(next.children.iter().rev());
            Some(next)
        })
    }
}

/// Where a launchable activity's content is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// The launch URL: a path inside the package (`/`-separated, as stored) with its query and
    /// fragment (SCORM `parameters` already applied), or an absolute URL.
    pub url: String,
    /// True when `url` is absolute (cmi5/xAPI content hosted elsewhere).
    pub absolute: bool,
}

/// Course-level details per standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "standard", rename_all = "lowercase")]
pub enum CourseDetails {
    /// SCORM 1.2 and 2004.
    Scorm(ScormCourse),
    /// AICC.
    Aicc(AiccCourse),
    /// cmi5.
    Cmi5(Cmi5Course),
    /// xAPI / Tin Can.
    Xapi,
    /// Plain media.
    Media,
}

/// Activity-level details per standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "standard", rename_all = "lowercase")]
pub enum ActivityDetails {
    /// SCORM item (or organization at the root).
    Scorm(Box<ScormActivity>),
    /// AICC block or AU.
    Aicc(AiccActivity),
    /// cmi5 course, block or AU.
    Cmi5(Cmi5Activity),
    /// xAPI activity from `tincan.xml`.
    Xapi(XapiActivity),
    /// A media file.
    Media(MediaActivity),
}
