//! The abandoned-session timeout: a player session with no request for `session_timeout` is
//! closed with its last committed state (`larch_runtime::close_abandoned`: the attempt is
//! suspended, so the learner resumes with everything the content committed). Any node may
//! run it: the state write is optimistic, so two nodes closing one session cannot both win.

use crate::player::service::{Computed, Target, runtime_error, unix_ms, unix_now};
use crate::state::AppState;
use larch_store::{OpenDelivery, SessionWrite, StaleSession};
use std::time::Duration;
use tokio::sync::watch;

/// Sessions closed per pass at most (the next pass takes the rest).
const BATCH: i64 = 100;

/// Closes stale sessions every `every` until `stop` turns true.
pub(crate) async fn run(app: AppState, every: Duration, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        match close_stale(&app).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "abandoned player sessions closed"),
            Err(e) => tracing::warn!(error = %e, "closing abandoned player sessions failed"),
        }
    }
}

/// One pass; returns how many sessions it closed.
pub(crate) async fn close_stale(app: &AppState) -> anyhow::Result<usize> {
    let timeout = i64::try_from(app.config.session_timeout.as_secs()).unwrap_or(i64::MAX);
    let stale = app
        .store
        .runtime()
        .stale_sessions(unix_now().saturating_sub(timeout), BATCH)
        .await?;
    let count = stale.len();
    for session in stale {
        close(app, &session).await?;
    }
    Ok(count)
}

async fn close(app: &AppState, stale: &StaleSession) -> anyhow::Result<()> {
    let s = &stale.session;
    let target = Target::of(stale.scope, s);
    let course = app
        .runtime
        .courses
        .get(
            &app.store,
            target.scope,
            &target.course,
            (target.version, target.strictness),
        )
        .await?
        .map_err(|_| anyhow::anyhow!("player session on a course without a run-time"))?;
    let runtime_session = s.runtime_session.and_then(|r| u64::try_from(r).ok());
    let closed = app
        .runtime
        .drive(app, &target, &course, None, |mut state| {
            if let Some(open) = runtime_session {
                larch_runtime::close_abandoned(&course, &mut state, open, unix_ms())
                    .map_err(runtime_error)?;
            }
            let session = SessionWrite::Update {
                id: s.id.clone(),
                step: None,
                runtime_session: OpenDelivery::Set(None),
                ended: Some("abandoned".to_owned()),
            };
            Ok(Computed {
                answer: (),
                state,
                transcript: Vec::new(),
                session,
                write: true,
            })
        })
        .await;
    match closed {
        Ok(()) => {}
        // Another node's sweeper, or the course's end, closed it first.
        Err(crate::error::ApiError::Unauthenticated { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(registration.id = %s.registration_id, player_session = %s.id, "abandoned session closed");
    Ok(())
}
