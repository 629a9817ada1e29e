//! Which registration instance a launch drives: the current one, or a new one on the
//! course's latest version when the instance policy says so (docs/runtime.md "Registration
//! instances"; `larch_runtime::needs_new_instance` / `new_instance`).

use crate::api::instances::InstancePolicyName;
use crate::error::ApiError;
use crate::player::courses::NotPlayable;
use crate::state::AppState;
use larch_runtime::{InstancePolicy, Learner, RegistrationState, RuntimeCourse};
use larch_store::ValidLaunch;
use std::sync::Arc;

/// What a launch runs on.
pub(crate) struct LaunchPlan {
    /// The registration instance.
    pub(crate) instance: i64,
    /// The course version it plays.
    pub(crate) version: i64,
    /// That version's run-time course.
    pub(crate) course: Arc<RuntimeCourse>,
    /// The state to start from when the instance has none stored yet.
    pub(crate) fresh: RegistrationState,
}

/// The plan of launching `valid` for `learner`; `Err` when the version to play has no
/// SCORM/AICC run-time.
pub(crate) async fn plan(
    app: &AppState,
    valid: &ValidLaunch,
    learner: Learner,
) -> Result<Result<LaunchPlan, NotPlayable>, ApiError> {
    let reg = &valid.registration;
    let stored_policy = reg
        .instance_policy
        .as_deref()
        .unwrap_or(&valid.course.instance_policy);
    let policy = InstancePolicyName::parse(stored_policy).runtime();
    let latest = valid.course.version;
    let mut at = (reg.instance, reg.course_version);
    let mut previous = None;
    if policy != InstancePolicy::Never {
        let stored = app
            .store
            .runtime()
            .load(valid.scope, &reg.id, reg.instance)
            .await?;
        match stored {
            // Never launched: nothing to keep, the instance plays the latest version.
            None => at.1 = latest,
            Some(s) => {
                let old = crate::api::progress::decode(&s.state)?;
                let newer = latest > s.course_version;
                if larch_runtime::needs_new_instance(policy, &old, newer) {
                    at = (reg.instance + 1, latest);
                    previous = Some(old);
                }
            }
        }
    }
    let course = match course(app, valid, at.1).await? {
        Ok(course) => course,
        // A newer version without a SCORM/AICC run-time: the learner stays where they are.
        Err(_) if at.1 != reg.course_version => {
            at = (reg.instance, reg.course_version);
            previous = None;
            match course(app, valid, at.1).await? {
                Ok(course) => course,
                Err(reason) => return Ok(Err(reason)),
            }
        }
        Err(reason) => return Ok(Err(reason)),
    };
    let fresh = match previous {
        Some(old) => {
            let mut next = larch_runtime::new_instance(&course, &old, rand::random());
            next.instance = u32::try_from(at.0).unwrap_or(u32::MAX);
            tracing::info!(registration.id = %reg.id, instance = at.0, version = at.1, "new registration instance");
            next
        }
        None => RegistrationState::new(&course, learner, rand::random()),
    };
    Ok(Ok(LaunchPlan {
        instance: at.0,
        version: at.1,
        course,
        fresh,
    }))
}

async fn course(
    app: &AppState,
    valid: &ValidLaunch,
    version: i64,
) -> Result<Result<Arc<RuntimeCourse>, NotPlayable>, ApiError> {
    let reg = &valid.registration;
    let strictness = crate::player::service::strictness_of(&valid.course.strictness);
    app.runtime
        .courses
        .get(
            &app.store,
            valid.scope,
            &reg.course_id,
            (version, strictness),
        )
        .await
}
