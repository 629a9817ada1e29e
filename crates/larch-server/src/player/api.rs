//! The run-time API the player calls: `/p/{pid}/api/state`, `step`, `commit`, `navigate`
//! (docs/runtime-protocol.md).

use crate::error::ApiError;
use crate::extract::{Json, JsonBytes, parse_json};
use crate::player::present::{PlayerState, player_state, present_next, present_step};
use crate::player::service::{Computed, Target, runtime_error, unix_ms};
use crate::player::session::{
    PlayerCtx, authenticate, authenticate_cached, ended_refusal, finished, is_session_invalid,
};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use larch_runtime::{
    Commit, CommitResult, CommitStatus, NavigationRequest, Next, RegistrationState, RuntimeCourse,
    Step,
};
use larch_store::{OpenDelivery, SessionWrite, TranscriptRow};
use std::sync::Arc;

/// `GET /p/{pid}/api/state`: what the player shows now.
pub(crate) async fn state(
    State(app): State<AppState>,
    Path(pid): Path<String>,
    headers: HeaderMap,
) -> Result<axum::Json<PlayerState>, ApiError> {
    let ctx = match authenticate(&app, &pid, &headers).await {
        Ok(ctx) => ctx,
        // A reload after the course ended: its stored step is the end.
        Err(refused) => finished(&app, &pid, &headers).await?.ok_or(refused)?,
    };
    let course = playable(&app, &ctx).await?;
    let stored: Step = serde_json::from_str(&ctx.session.step)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored step: {e}")))?;
    let open = ctx.session.ended.is_none();
    let step = match stored.next.delivery() {
        Some(d) if open && needs_redelivery(&app, &ctx, d.session).await? => {
            relaunch(&app, &ctx, &course).await?
        }
        _ => stored,
    };
    let step = present_step(&app, &ctx, &course, step).await?;
    Ok(axum::Json(player_state(&app, &ctx, &course, step).await?))
}

/// `GET /p/{pid}/api/step`: the player session's current step, with no side effect. The
/// player of an AICC AU asks it to learn that `ExitAU` (on `/hacp`, which the player does
/// not see) ended the AU, and what follows.
pub(crate) async fn step(
    State(app): State<AppState>,
    Path(pid): Path<String>,
    headers: HeaderMap,
) -> Result<axum::Json<Step>, ApiError> {
    let ctx = match authenticate(&app, &pid, &headers).await {
        Ok(ctx) => ctx,
        // The last ExitAU ended the course: its stored step is the end.
        Err(refused) => finished(&app, &pid, &headers).await?.ok_or(refused)?,
    };
    let course = playable(&app, &ctx).await?;
    let stored: Step = serde_json::from_str(&ctx.session.step)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored step: {e}")))?;
    Ok(axum::Json(present_step(&app, &ctx, &course, stored).await?))
}

/// A reload after the content committed: the stored delivery's data model is out of date, so
/// the open session is closed with what was committed and the activity delivered anew
/// (`larch_runtime::launch` resumes it). So is a delivery a killed tab's late commit made
/// stale (runtime rule 3: the page replays it before asking). Before any commit the stored
/// delivery is still exact.
async fn needs_redelivery(app: &AppState, ctx: &PlayerCtx, session: u64) -> Result<bool, ApiError> {
    let target = ctx.target();
    let stored = app
        .store
        .runtime()
        .load(target.scope, &target.registration, target.instance)
        .await?;
    let Some(stored) = stored else {
        return Ok(false);
    };
    let state: RegistrationState = serde_json::from_str(&stored.state)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored run-time state: {e}")))?;
    Ok(state
        .sessions
        .get(&session)
        .is_none_or(|s| s.closed || s.last_seq > 0 || s.stale))
}

async fn relaunch(
    app: &AppState,
    ctx: &PlayerCtx,
    course: &Arc<RuntimeCourse>,
) -> Result<Step, ApiError> {
    let id = ctx.session.id.clone();
    app.runtime
        .drive(app, &ctx.target(), course, None, |mut state| {
            let step =
                larch_runtime::launch(course, &mut state, unix_ms()).map_err(runtime_error)?;
            Ok(computed(
                step.clone(),
                state,
                Vec::new(),
                session_update(&id, &step),
            ))
        })
        .await
}

/// Beside the `larch_runtime::Commit` in the body of `POST /p/{pid}/api/commit`: `instance`
/// when it belongs to an earlier instance of the registration (a tab left it unsent, and a
/// launch has since started a newer instance). Read from the same body as the commit, in a
/// second pass that skips the rest: `#[serde(flatten)]` buffered the whole commit first, a
/// sixth of a commit's instructions.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct CommitInstance {
    /// The earlier instance it belongs to; absent: the session's.
    #[serde(default)]
    instance: Option<i64>,
}

/// `POST /p/{pid}/api/commit`: SetValue calls, Terminate, or a learner's navigation.
pub(crate) async fn commit(
    State(app): State<AppState>,
    Path(pid): Path<String>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<axum::Json<CommitResult>, ApiError> {
    let commit: Commit = parse_json(&body)?;
    let CommitInstance { instance } = parse_json(&body)?;
    let ctx = authenticate_cached(&app, &pid, &headers).await?;
    let earlier = instance.filter(|i| *i != ctx.session.instance);
    let target = match earlier {
        Some(instance) => earlier_target(&app, &ctx, instance).await?,
        None => ctx.target(),
    };
    let course = course_for(&app, &target).await?;
    let (id, commit) = (ctx.session.id.clone(), &commit);
    let drove = app
        .runtime
        .drive(&app, &target, &course, None, |mut state| {
            let now = unix_ms();
            let result = larch_runtime::apply_commit(&course, &mut state, commit, now)
                .map_err(runtime_error)?;
            let transcript = transcript_rows(commit, &result);
            let session = commit_session(&id, &result, earlier.is_some());
            let write = result.status != CommitStatus::Duplicate;
            Ok(Computed {
                answer: result,
                state,
                transcript,
                session,
                write,
            })
        })
        .await;
    let mut result = match drove {
        Err(e) if is_session_invalid(&e) => return Err(ended_refusal(&app, &headers).await),
        other => other?,
    };
    let ending = commit.terminate || commit.nav_request.is_some();
    if result.status == CommitStatus::Duplicate && ending && earlier.is_none() {
        // A retried ending commit whose first copy was applied (its answer lost): answer what
        // that one led to, or the player, which acts only on an ending commit's `next`, would
        // stay on a terminated SCO.
        result.next = Some(ended_step(&app, &pid, &headers).await?.next);
    }
    match result.next.take() {
        // An earlier instance's navigation stays there: the player shows the current one.
        Some(_) if earlier.is_some() => {}
        Some(next) => result.next = Some(present_next(&app, &ctx, &course, next).await?),
        None => {}
    }
    Ok(axum::Json(result))
}

/// The step the player session shows now, read afresh (another node may have moved it on):
/// the refusal a reload would get when the session is over (`course_complete` when it ended
/// with the course).
async fn ended_step(app: &AppState, pid: &str, headers: &HeaderMap) -> Result<Step, ApiError> {
    let ctx = match authenticate(app, pid, headers).await {
        Ok(ctx) => ctx,
        Err(_) => return Err(ended_refusal(app, headers).await),
    };
    serde_json::from_str(&ctx.session.step)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored step: {e}")))
}

/// The player session's bookkeeping after a commit: what it shows next when the commit ended
/// the delivery, else only that it was seen (always so for an earlier instance's commit).
fn commit_session(id: &str, result: &CommitResult, earlier: bool) -> SessionWrite {
    match &result.next {
        Some(next) if !earlier => session_update(
            id,
            &Step {
                next: next.clone(),
                nav: result.nav.clone(),
            },
        ),
        _ => SessionWrite::Update {
            id: id.to_owned(),
            step: None,
            runtime_session: OpenDelivery::Unchanged,
            ended: None,
        },
    }
}

/// The target of a commit for instance `instance`, earlier than the session's.
async fn earlier_target(
    app: &AppState,
    ctx: &PlayerCtx,
    instance: i64,
) -> Result<Target, ApiError> {
    let mut target = ctx.target();
    let missing = || ApiError::NotFound {
        what: "registration instance",
        id: Some(instance.to_string()),
    };
    if !(0..target.instance).contains(&instance) {
        return Err(missing());
    }
    let stored = app
        .store
        .runtime()
        .load(target.scope, &target.registration, instance)
        .await?
        .ok_or_else(missing)?;
    target.instance = instance;
    target.version = stored.course_version;
    Ok(target)
}

/// The body of `POST /p/{pid}/api/navigate`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct NavigateBody {
    /// The request, flattened: `{"request": "choice", "target": "SCO2"}`.
    #[serde(flatten)]
    request: NavigationRequest,
}

/// `POST /p/{pid}/api/navigate`: a button or menu choice while no SCO is loaded.
pub(crate) async fn navigate(
    State(app): State<AppState>,
    Path(pid): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NavigateBody>,
) -> Result<axum::Json<Step>, ApiError> {
    let ctx = authenticate_cached(&app, &pid, &headers).await?;
    let course = playable(&app, &ctx).await?;
    let id = ctx.session.id.clone();
    let drove = app
        .runtime
        .drive(&app, &ctx.target(), &course, None, |mut state| {
            let step = larch_runtime::navigate(&course, &mut state, &body.request, unix_ms())
                .map_err(runtime_error)?;
            let session = session_update(&id, &step);
            Ok(computed(step.clone(), state, Vec::new(), session))
        })
        .await;
    let step = match drove {
        Err(e) if is_session_invalid(&e) => return Err(ended_refusal(&app, &headers).await),
        other => other?,
    };
    Ok(axum::Json(present_step(&app, &ctx, &course, step).await?))
}

/// What the player session records of a step.
pub(crate) struct StepRecord {
    /// The step, shown again on reload (JSON).
    pub(crate) step: String,
    /// The open run-time session: the delivered one; none after a menu or the end; as it
    /// was after an invalid request.
    pub(crate) runtime_session: OpenDelivery,
    /// The player session ends with the course.
    pub(crate) ended: Option<String>,
}

/// The record of `step`.
pub(crate) fn step_record(step: &Step) -> StepRecord {
    let runtime_session = match &step.next {
        Next::Deliver(d) => OpenDelivery::Set(i64::try_from(d.session).ok()),
        Next::Invalid { .. } => OpenDelivery::Unchanged,
        Next::Menu { .. } | Next::CourseOver => OpenDelivery::Set(None),
    };
    StepRecord {
        step: serde_json::to_string(step).unwrap_or_default(),
        runtime_session,
        ended: matches!(step.next, Next::CourseOver).then(|| "course_over".to_owned()),
    }
}

/// The session bookkeeping after `step`.
pub(crate) fn session_update(id: &str, step: &Step) -> SessionWrite {
    let record = step_record(step);
    SessionWrite::Update {
        id: id.to_owned(),
        step: Some(record.step),
        runtime_session: record.runtime_session,
        ended: record.ended,
    }
}

fn computed<T>(
    answer: T,
    state: RegistrationState,
    transcript: Vec<TranscriptRow>,
    session: SessionWrite,
) -> Computed<T> {
    Computed {
        answer,
        state,
        transcript,
        session,
        write: true,
    }
}

/// One transcript row per applied change.
pub(crate) fn transcript_rows(commit: &Commit, result: &CommitResult) -> Vec<TranscriptRow> {
    let session = i64::try_from(commit.session).unwrap_or(i64::MAX);
    result
        .transcript
        .iter()
        .map(|t| TranscriptRow {
            runtime_session: session,
            activity: commit.activity.clone(),
            element: t.element.clone(),
            old_value: t.old.clone(),
            new_value: t.new.clone(),
            warnings: serde_json::to_string(&t.warnings).unwrap_or_else(|_| "[]".into()),
            at: t.at,
        })
        .collect()
}

async fn playable(app: &AppState, ctx: &PlayerCtx) -> Result<Arc<RuntimeCourse>, ApiError> {
    course_for(app, &ctx.target()).await
}

/// The run-time course `t` plays (409 when it has none).
async fn course_for(app: &AppState, t: &Target) -> Result<Arc<RuntimeCourse>, ApiError> {
    app.runtime
        .courses
        .get(&app.store, t.scope, &t.course, (t.version, t.strictness))
        .await?
        .map_err(|_| ApiError::Conflict {
            code: "not_playable",
            message: "this course has no SCORM/AICC run-time".into(),
            param: None,
        })
}
