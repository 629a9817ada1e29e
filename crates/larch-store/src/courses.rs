//! Courses as stored: one row per course id, one per imported version.

use crate::ids::CourseId;
use serde::{Deserialize, Serialize};

/// An entry point of a course: what the launch page lists and the player opens (a SCO, an AU,
/// an xAPI activity, a media file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launchable {
    /// The package's identifier of the entry (item identifier, AU id, activity id).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Path of the file to open, relative to the version's root, or an absolute URL.
    pub href: String,
}

/// A version of a course, as the importer hands it over after parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCourseVersion {
    /// The course id (existing: a new version of it; else a new course).
    pub id: CourseId,
    /// The title.
    pub title: String,
    /// `scorm12`, `scorm2004`, `aicc`, `cmi5`, `xapi` or `media`.
    pub standard: String,
    /// E.g. `3rd` for SCORM 2004 3rd Edition.
    pub edition: Option<String>,
    /// Entry points, in package order.
    pub launchables: Vec<Launchable>,
    /// The normalized course model (JSON owned by `larch-package`).
    pub structure: serde_json::Value,
    /// The parser's warnings (`[{code, message, location}]`).
    pub warnings: serde_json::Value,
}

/// A course and its latest version.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Client-supplied or `crs_…`.
    pub id: CourseId,
    /// Title of the latest version.
    pub title: String,
    /// Standard of the latest version.
    pub standard: String,
    /// Edition of the latest version.
    pub edition: Option<String>,
    /// The latest version number, from 1.
    pub version: i64,
    /// Entry points of the latest version.
    pub launchables: Vec<Launchable>,
    /// The parser's warnings for the latest version.
    pub warnings: serde_json::Value,
    /// The integrator's labels (set with PATCH).
    pub tags: Vec<String>,
    /// When a launch of its registrations starts a new instance (`never`, `on_new_version`,
    /// `on_new_version_or_completed`; `larch_runtime::InstancePolicy`). By default, `never`.
    pub instance_policy: String,
    /// Data-model validation at run time: `forgiving` (the default) or `strict`.
    pub strictness: String,
    /// Where the player opens the content: `frame` (the default) or `new_window`.
    pub content_window: String,
    /// Unix seconds of the first import.
    pub created: i64,
    /// Unix seconds of the latest import or change.
    pub updated: i64,
}

/// What deleting a course did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseDeletion {
    /// The course, its versions and this many registrations are gone.
    Deleted {
        /// Registrations deleted with it.
        registrations: u64,
    },
    /// Nothing was deleted: the course has this many registrations and they were not to go.
    HasRegistrations(u64),
    /// No such course.
    NotFound,
}

/// One version of a course, as listed on the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseVersionSummary {
    /// From 1.
    pub version: i64,
    /// The package's title.
    pub title: String,
    /// Its standard.
    pub standard: String,
    /// Its edition.
    pub edition: Option<String>,
    /// Unix seconds of the import.
    pub created: i64,
}

/// A course with everything about it: its versions, newest first, and the latest version's
/// normalized model (activity tree included).
#[derive(Debug, Clone, PartialEq)]
pub struct CourseDetail {
    /// The course (latest version).
    pub course: Course,
    /// Every version, newest first.
    pub versions: Vec<CourseVersionSummary>,
    /// The latest version's normalized course model (JSON owned by `larch-package`).
    pub structure: serde_json::Value,
}

/// A change of a course's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoursePatch {
    /// A new title (a later import sets the package's title again).
    pub title: Option<String>,
    /// The new labels (replacing the old ones).
    pub tags: Option<Vec<String>>,
    /// A new instance policy (validated by the caller).
    pub instance_policy: Option<String>,
    /// A new strictness (validated by the caller).
    pub strictness: Option<String>,
    /// A new content window (validated by the caller).
    pub content_window: Option<String>,
}

/// Which courses a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseFilter {
    /// Only courses whose latest version has this standard (`scorm12`, `cmi5`, …).
    pub standard: Option<String>,
    /// Only courses whose title contains this text (case-insensitive for ASCII letters).
    pub title_contains: Option<String>,
}
