//! Registration instances: a new attempt on the whole course, e.g. when the course has a
//! new version (the brief's capability 2).

use serde::{Deserialize, Serialize};

use crate::course::RuntimeCourse;
use crate::state::RegistrationState;

/// When the server starts a new registration instance at launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstancePolicy {
    /// Never: the learner keeps one instance (the default).
    #[default]
    Never,
    /// When the registration's course version is older than the course's latest.
    OnNewVersion,
    /// When the current instance is completed, or on a new version.
    OnNewVersionOrCompleted,
}

/// Whether the next launch should begin a new instance: `newer_version` says the course has
/// a version newer than the one this instance runs on.
pub fn needs_new_instance(
    policy: InstancePolicy,
    state: &RegistrationState,
    newer_version: bool,
) -> bool {
    match policy {
        InstancePolicy::Never => false,
        InstancePolicy::OnNewVersion => newer_version,
        InstancePolicy::OnNewVersionOrCompleted => newer_version || state.recorded.completed,
    }
}

/// A fresh instance on `course` (possibly a newer version) for the same learner. What the
/// package declares global to the system outlives the instance: global objectives when
/// `objectivesGlobalToSystem` (SN 3.10 / CAM 5.1.x) and shared data stores when
/// `sharedDataGlobalToSystem` (CAM 4th Ed), both true by default.
pub fn new_instance(
    course: &RuntimeCourse,
    previous: &RegistrationState,
    seed: u64,
) -> RegistrationState {
    let mut next = RegistrationState::new(course, previous.learner.clone(), seed);
    next.instance = previous.instance + 1;
    let tree = course.tree.as_ref();
    if tree.is_none_or(|t| t.shared_data_global_to_system) {
        next.shared_data = previous.shared_data.clone();
    }
    let objectives_global = tree.is_some_and(|t| t.objectives_global_to_system);
    if let (true, Some(old), Some(new)) = (
        objectives_global,
        previous.engine.as_ref(),
        next.engine.as_mut(),
    ) {
        new.globals = old.globals.clone();
    }
    next
}
