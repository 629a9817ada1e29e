//! What every handler shares.

use crate::config::ServerConfig;
use crate::credential_cache::CredentialCache;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use larch_store::{Blobs, Store};
use std::sync::Arc;

/// The state handed to every handler: cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub(crate) store: Store,
    /// Blob storage (course assets, uploads).
    pub(crate) blobs: Blobs,
    /// Settings.
    pub(crate) config: Arc<ServerConfig>,
    /// Request metrics.
    pub(crate) metrics: Arc<Metrics>,
    /// Per-key rate limits.
    pub(crate) limiter: Arc<RateLimiter>,
    /// Wakes this process's idle delivery workers when a change may have queued messages.
    pub(crate) outbox_wake: Arc<tokio::sync::Notify>,
    /// The run-time service's caches and signing key.
    pub(crate) runtime: Arc<crate::player::RuntimeService>,
    /// LRS credentials verified in the last seconds.
    pub(crate) lrs_credentials: Arc<CredentialCache>,
}

impl AppState {
    /// State for a server on `store` and `blobs` with `config`.
    pub fn new(store: Store, blobs: Blobs, config: ServerConfig) -> Self {
        let limiter = RateLimiter::new(config.rate_limit_per_second, config.rate_limit_burst);
        Self {
            store,
            blobs,
            config: Arc::new(config),
            metrics: Arc::default(),
            limiter: Arc::new(limiter),
            outbox_wake: Arc::default(),
            runtime: Arc::default(),
            lrs_credentials: Arc::default(),
        }
    }
}
