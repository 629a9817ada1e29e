//! The Larch HTTP server: the REST API and operations endpoints on the API origin, launch and
//! content on the content origin; the xAPI LRS at `/xapi/` on the API origin.
//!
//! [`serve`] takes already-bound listeners, so tests bind port 0 and production binds the
//! configured addresses; it returns when the shutdown future completes and in-flight requests
//! have finished.
//!
//! Conventions (docs/API-DESIGN.md): one error type, [`ApiError`], mapped to HTTP in one place;
//! handlers get their [`Scope`](larch_store::Scope) only from [`Caller`]; every route is
//! described in the OpenAPI document ([`openapi`]).
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod config;
mod content;
mod credential_cache;
pub mod error;
pub mod extract;
pub mod idempotency;
mod import;
mod metrics;
mod ops;
mod outbox;
pub mod pagination;
mod player;
mod ratelimit;
pub mod request_id;
mod router;
mod state;
mod telemetry;
pub(crate) mod xapi;

#[cfg(feature = "testing")]
pub mod testing;

pub use api::openapi;
pub use auth::Caller;
pub use config::ServerConfig;
pub use error::ApiError;
pub use metrics::Metrics;
pub use state::AppState;
pub use telemetry::REQUEST_ID_HEADER;
pub use xapi::bulk::seed_statements;

/// The player script (`player.js`, the SCORM API shim) exactly as served, for size budgets
/// and `larch bench runtime`.
#[must_use]
pub fn player_js() -> &'static str {
    player::PLAYER_JS.as_str()
}

use larch_store::{Blobs, Store};
use std::future::{Future, IntoFuture as _};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The two bound listeners: the API origin and the content origin.
#[derive(Debug)]
pub struct Listeners {
    /// API, dashboard, operations endpoints.
    pub api: TcpListener,
    /// Launch pages, player, course content.
    pub content: TcpListener,
}

/// `listener` with Nagle's algorithm off on every connection it accepts: a response written
/// in parts (headers, then a streamed body) goes out at once instead of waiting for the
/// client's delayed ACK.
fn no_delay(listener: TcpListener) -> impl axum::serve::Listener<Addr = std::net::SocketAddr> {
    use axum::serve::ListenerExt as _;
    listener.tap_io(|stream| {
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "TCP_NODELAY not set");
        }
    })
}

/// Serves both origins until `shutdown` completes, then stops accepting connections and waits
/// for in-flight requests to finish.
pub async fn serve(
    store: Store,
    blobs: Blobs,
    config: ServerConfig,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState::new(store, blobs, config);
    let api = router::api_router(state.clone());
    let content = content::router(state.clone());
    let (stop, stopped) = watch::channel(false);
    let mut workers = import::spawn(&state, &stopped);
    workers.extend(outbox::spawn(&state, &stopped));
    let every = state.config.session_sweep_interval;
    workers.push(tokio::spawn(player::sweeper::run(
        state.clone(),
        every,
        stopped.clone(),
    )));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let signal = |mut rx: watch::Receiver<bool>| async move {
        // An error means the sender is gone without a signal: never stop on that alone.
        if rx.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let api =
        axum::serve(no_delay(listeners.api), api).with_graceful_shutdown(signal(stopped.clone()));
    let content =
        axum::serve(no_delay(listeners.content), content).with_graceful_shutdown(signal(stopped));
    tokio::try_join!(api.into_future(), content.into_future())?;
    import::stop(workers).await;
    Ok(())
}
