//! Registrations (a learner on a course version) and launch tokens.

use crate::courses::Course;
use crate::ids::{CourseId, LearnerId, RegistrationId};
use crate::model::NewLearner;
use crate::scope::Scope;

/// A learner enrolled on a course, with the results the runtime records.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    /// Client-supplied or `reg_…`.
    pub id: RegistrationId,
    /// The course.
    pub course_id: CourseId,
    /// The course version the learner plays (the latest when registered).
    pub course_version: i64,
    /// The learner.
    pub learner_id: LearnerId,
    /// Attempt instance on the course (a new one per new course version), from 0.
    pub instance: i64,
    /// Its own instance policy; `None` follows the course's.
    pub instance_policy: Option<String>,
    /// `unknown`, `not_attempted`, `incomplete` or `completed`.
    pub completion_status: String,
    /// `unknown`, `passed` or `failed`.
    pub success_status: String,
    /// Scaled score, -1 to 1, when reported.
    pub score_scaled: Option<f64>,
    /// Raw score, when reported.
    pub score_raw: Option<f64>,
    /// Minimum of the raw score's range, when reported.
    pub score_min: Option<f64>,
    /// Maximum of the raw score's range, when reported.
    pub score_max: Option<f64>,
    /// Time spent, in seconds.
    pub total_time_seconds: i64,
    /// Attempts started.
    pub attempts: i64,
    /// Unix seconds of the first launch.
    pub first_access: Option<i64>,
    /// Unix seconds of the latest activity.
    pub last_access: Option<i64>,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last change.
    pub updated: i64,
}

/// Who the new registration is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnerRef {
    /// A learner that must exist.
    Existing(LearnerId),
    /// A learner created with these fields unless one with the id exists (then used as is).
    CreateIfAbsent(NewLearner),
}

/// The fields of a new registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    /// The id to use.
    pub id: RegistrationId,
    /// The course; its latest version is registered.
    pub course_id: CourseId,
    /// The learner.
    pub learner: LearnerRef,
    /// Its own instance policy (validated by the caller); `None` follows the course's.
    pub instance_policy: Option<String>,
}

/// Filters of a registration list; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationFilter {
    /// Only this course's registrations.
    pub course_id: Option<CourseId>,
    /// Only this learner's registrations.
    pub learner_id: Option<LearnerId>,
    /// Only registrations with this completion status.
    pub completion_status: Option<String>,
}

/// A launch token just issued: the only moment the token exists outside the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLaunch {
    /// The single-use token, for the launch URL.
    pub token: String,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
}

/// A launch token spent by its first use: what the player needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLaunch {
    /// The registration's scope.
    pub scope: Scope,
    /// The registration launched.
    pub registration: Registration,
    /// Its course.
    pub course: Course,
}

/// What presenting a launch token gives.
#[derive(Debug, Clone, PartialEq)]
pub enum LaunchOutcome {
    /// First use within its lifetime: the token is now spent.
    Valid(Box<ValidLaunch>),
    /// Already used once.
    Used,
    /// Past its lifetime, unused.
    Expired,
    /// No such token.
    Unknown,
}
