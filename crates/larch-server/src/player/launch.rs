//! Opening a launch URL: the token is spent, the runtime launches the registration instance,
//! and a player session is opened in the same transaction as the launch's state.

use crate::error::ApiError;
use crate::player::api::step_record;
use crate::player::instances;
use crate::player::page::player_page;
use crate::player::service::{Computed, Target, unix_ms, unix_now};
use crate::player::session::{SESSION_TTL, new_session_ids, secret_hash};
use crate::state::AppState;
use axum::http::HeaderMap;
use larch_runtime::{Learner, Step};
use larch_store::{NewPlayerSession, OpenDelivery, SessionWrite, ValidLaunch};

/// What opening a valid launch shows.
pub(crate) enum Opened {
    /// The player page (HTML), carrying the new session's secret.
    Player(String),
    /// The course has no SCORM/AICC run-time (cmi5, xAPI, media): the entry list for now.
    NotPlayable,
}

/// Launches `valid`'s registration and opens a player session for it.
pub(crate) async fn open(
    app: &AppState,
    valid: &ValidLaunch,
    headers: &HeaderMap,
) -> Result<Opened, ApiError> {
    let (scope, reg) = (valid.scope, &valid.registration);
    let learner = app.store.learners().get(scope, &reg.learner_id).await?;
    // RTE 4.2.14 (cmi.learner_name): "family name, given name".
    let name = learner.map_or_else(String::new, |l| {
        format!("{}, {}", l.last_name, l.first_name)
    });
    let learner = Learner {
        id: reg.learner_id.to_string(),
        name,
    };
    let plan = match instances::plan(app, valid, learner).await? {
        Ok(plan) => plan,
        Err(reason) => {
            tracing::info!(registration.id = %reg.id, %reason, "launch of a course without a SCORM/AICC run-time");
            return Ok(Opened::NotPlayable);
        }
    };
    let (course, fresh) = (plan.course, plan.fresh);
    let (pid, secret) = new_session_ids();
    let target = Target {
        scope,
        registration: reg.id.clone(),
        instance: plan.instance,
        course: reg.course_id.clone(),
        version: plan.version,
        player_session: pid.clone(),
        strictness: course.config.strictness,
    };
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(512).collect());
    let new_session = |step: &Step| {
        let record = step_record(step);
        SessionWrite::Open(NewPlayerSession {
            id: pid.clone(),
            course_id: reg.course_id.clone(),
            secret_hash: secret_hash(&secret),
            user_agent: user_agent.clone(),
            expires_at: unix_now() + SESSION_TTL,
            step: record.step,
            // A launch has no delivery before it: an invalid first step loads none.
            runtime_session: match record.runtime_session {
                OpenDelivery::Set(n) => n,
                OpenDelivery::Unchanged => None,
            },
            strictness: valid.course.strictness.clone(),
            content_window: valid.course.content_window.clone(),
        })
    };
    app.runtime
        .drive(app, &target, &course, Some(&fresh), |mut state| {
            let step = larch_runtime::launch(&course, &mut state, unix_ms())
                .map_err(crate::player::service::runtime_error)?;
            let session = new_session(&step);
            Ok(Computed {
                answer: (),
                state,
                transcript: Vec::new(),
                session,
                write: true,
            })
        })
        .await?;
    tracing::info!(registration.id = %reg.id, player_session = %pid, "launch opened");
    let title = course.activities.first().map_or("", |a| a.title.as_str());
    let page = player_page(title, &pid, Some(&secret), (&reg.id, plan.instance));
    Ok(Opened::Player(page))
}
