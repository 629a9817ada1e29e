//! Server settings (the HTTP side; storage settings live in `larch_store::DatabaseConfig`).

use std::time::Duration;
use url::Url;

/// How the server behaves; [`ServerConfig::default`] is what `larch serve` uses unless told.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The API origin as clients reach it. By default, `http://127.0.0.1:8080`.
    pub public_url: Url,
    /// The content origin as browsers reach it (launch URLs point here). By default,
    /// `http://127.0.0.1:8081`.
    pub content_url: Url,
    /// The largest JSON request body accepted, in bytes. By default, 1 MiB.
    pub max_body_bytes: usize,
    /// Requests per second allowed per API key, sustained; `0` turns limiting off. By default, 100.
    pub rate_limit_per_second: u32,
    /// Requests a key may send at once above the sustained rate. By default, 200.
    pub rate_limit_burst: u32,
    /// How long a launch URL stays valid. By default, 5 minutes.
    pub launch_ttl: Duration,
    /// The largest course package accepted (upload or URL import), in bytes. By default, 2 GiB.
    pub max_upload_bytes: u64,
    /// Import workers per process (each runs one import at a time); `0` runs none, leaving
    /// imports to other processes. By default, 2.
    pub import_workers: usize,
    /// How old an asset blob no course version refers to must be before it is deleted. By
    /// default, a day (long enough for any import that found it to record it).
    pub orphan_blob_age: Duration,
    /// How often each process sweeps orphan asset blobs. By default, hourly.
    pub blob_sweep_interval: Duration,
    /// Outbox delivery workers per process (statement forwarding; each delivers one message at
    /// a time); `0` runs none, leaving deliveries to other processes. By default, 2.
    pub delivery_workers: usize,
    /// How long an idle delivery worker waits before looking for due messages again (a
    /// statement stored by this process wakes it at once). By default, 1 second.
    pub delivery_poll_interval: Duration,
    /// The wait after a failed delivery's first attempt; each further attempt doubles it (with
    /// jitter), up to `delivery_retry_cap`. By default, 5 seconds.
    pub delivery_retry_base: Duration,
    /// The longest wait between two delivery attempts. By default, 1 hour.
    pub delivery_retry_cap: Duration,
    /// How long a forwarded statement batch is retried before it is marked failed. By
    /// default, 24 hours.
    pub forwarding_max_age: Duration,
    /// How long a finished outbox message (a forwarded batch delivered, or failed) and its
    /// delivery log are kept before the retention pass deletes them; `None` keeps them for
    /// ever. Pending messages are never deleted. By default, 30 days.
    pub outbox_retention: Option<Duration>,
    /// How often each process runs the outbox retention pass. By default, hourly.
    pub outbox_sweep_interval: Duration,
    /// Let URL imports reach loopback, private, link-local and other internal addresses. By
    /// default, off: a URL import may only fetch from public addresses (SSRF guard).
    pub import_allow_private_urls: bool,
    /// `host:port` pairs URL imports may reach even when they are internal (e.g. an intranet
    /// package server), with the guard on. By default, none.
    pub import_url_allow_hosts: Vec<String>,
    /// Let statement forwarding reach loopback, private, link-local and other internal
    /// addresses. By default, off: a forwarding rule's `url` must resolve to public addresses
    /// (SSRF guard, checked when the rule is saved and at every delivery).
    pub forwarding_allow_private_urls: bool,
    /// `host:port` pairs forwarding rules may target even when they are internal (e.g. an
    /// LRS on the company network), with the guard on. By default, none.
    pub forwarding_url_allow_hosts: Vec<String>,
    /// How many times an import job is claimed before a job whose workers keep dying (a
    /// package that crashes or stalls the process) ends `failed` with `import_crashed`. By
    /// default, 3.
    pub import_max_attempts: u32,
    /// A player session with no request for this long is closed as abandoned, with its last
    /// committed state. By default, an hour.
    pub session_timeout: Duration,
    /// How often each process looks for abandoned sessions. By default, every minute.
    pub session_sweep_interval: Duration,
}

impl ServerConfig {
    /// The SSRF guard's settings.
    pub(crate) fn url_policy(&self) -> crate::import::UrlPolicy {
        crate::import::UrlPolicy {
            allow_private: self.import_allow_private_urls,
            allow_hosts: self.import_url_allow_hosts.clone(),
        }
    }
}

impl ServerConfig {
    /// The SSRF guard's settings for statement forwarding targets.
    pub(crate) fn forwarding_url_policy(&self) -> crate::import::UrlPolicy {
        crate::import::UrlPolicy {
            allow_private: self.forwarding_allow_private_urls,
            allow_hosts: self.forwarding_url_allow_hosts.clone(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            public_url: Url::parse("http://127.0.0.1:8080").expect("static URL"),
            content_url: Url::parse("http://127.0.0.1:8081").expect("static URL"),
            max_body_bytes: 1024 * 1024,
            rate_limit_per_second: 100,
            rate_limit_burst: 200,
            launch_ttl: Duration::from_secs(5 * 60),
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            import_workers: 2,
            orphan_blob_age: Duration::from_secs(24 * 60 * 60),
            blob_sweep_interval: Duration::from_secs(60 * 60),
            delivery_workers: 2,
            delivery_poll_interval: Duration::from_secs(1),
            delivery_retry_base: Duration::from_secs(5),
            delivery_retry_cap: Duration::from_secs(60 * 60),
            forwarding_max_age: Duration::from_secs(24 * 60 * 60),
            outbox_retention: Some(Duration::from_secs(30 * 24 * 60 * 60)),
            outbox_sweep_interval: Duration::from_secs(60 * 60),
            import_allow_private_urls: false,
            import_url_allow_hosts: Vec::new(),
            forwarding_allow_private_urls: false,
            forwarding_url_allow_hosts: Vec::new(),
            import_max_attempts: 3,
            session_timeout: Duration::from_secs(60 * 60),
            session_sweep_interval: Duration::from_secs(60),
        }
    }
}
