//! Settings of `larch serve`: flags, then environment variables, then the optional TOML file,
//! then defaults. docs/configuration.md lists them all.

use super::logging::LogFormat;
use anyhow::Context as _;
use larch_server::ServerConfig;
use larch_store::{ApiKeySecret, DatabaseConfig};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// Arguments of `larch serve`. Each flag can also be set by its environment variable or in the
/// config file (same name in snake_case, without `LARCH_`).
#[derive(Debug, Default, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// TOML config file.
    #[arg(long, env = "LARCH_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// API origin address [default: 127.0.0.1:8080].
    #[arg(long, env = "LARCH_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Content origin address [default: 127.0.0.1:8081].
    #[arg(long, env = "LARCH_CONTENT_LISTEN")]
    pub content_listen: Option<SocketAddr>,
    /// The API origin as clients reach it [default: http://<listen>].
    #[arg(long, env = "LARCH_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// The content origin as browsers reach it [default: http://<content-listen>].
    #[arg(long, env = "LARCH_CONTENT_URL")]
    pub content_url: Option<Url>,
    /// Folder for the SQLite database and local blobs [default: ./larch-data].
    #[arg(long, env = "LARCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of SQLite.
    #[arg(long, env = "LARCH_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connections in the PostgreSQL pool [default: 10].
    #[arg(long, env = "LARCH_DATABASE_MAX_CONNECTIONS")]
    pub database_max_connections: Option<u32>,
    /// `s3://bucket/prefix` or `file:///path` for blobs [default: <data-dir>/blobs].
    #[arg(long, env = "LARCH_BLOB_URL")]
    pub blob_url: Option<String>,
    /// Register exactly this key (`sk_test_…`, 32+ characters after the prefix) on first start.
    #[arg(long, env = "LARCH_BOOTSTRAP_API_KEY", hide_env_values = true)]
    pub bootstrap_api_key: Option<String>,
    /// Largest JSON request body, bytes [default: 1048576].
    #[arg(long, env = "LARCH_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Requests per second per API key; 0 disables [default: 100].
    #[arg(long, env = "LARCH_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Burst above the rate per API key [default: 200].
    #[arg(long, env = "LARCH_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,
    /// Validity of launch URLs, seconds [default: 300].
    #[arg(long, env = "LARCH_LAUNCH_TTL")]
    pub launch_ttl: Option<u64>,
    /// Seconds without a request after which a player session is closed as abandoned [default: 3600].
    #[arg(long, env = "LARCH_SESSION_TIMEOUT")]
    pub session_timeout: Option<u64>,
    /// Largest course package (upload or URL import), bytes [default: 2147483648].
    #[arg(long, env = "LARCH_MAX_UPLOAD_BYTES")]
    pub max_upload_bytes: Option<u64>,
    /// Import workers in this process; 0 leaves imports to other processes [default: 2].
    #[arg(long, env = "LARCH_IMPORT_WORKERS")]
    pub import_workers: Option<usize>,
    /// Outbox delivery workers (statement forwarding) in this process; 0 leaves deliveries
    /// to other processes [default: 2].
    #[arg(long, env = "LARCH_DELIVERY_WORKERS")]
    pub delivery_workers: Option<usize>,
    /// Milliseconds an idle delivery worker waits before looking for due messages [default: 1000].
    #[arg(long, env = "LARCH_DELIVERY_POLL_MS")]
    pub delivery_poll_ms: Option<u64>,
    /// Milliseconds before the second attempt of a failed delivery, doubling each time [default: 5000].
    #[arg(long, env = "LARCH_DELIVERY_RETRY_BASE_MS")]
    pub delivery_retry_base_ms: Option<u64>,
    /// Longest wait between delivery attempts, seconds [default: 3600].
    #[arg(long, env = "LARCH_DELIVERY_RETRY_CAP")]
    pub delivery_retry_cap: Option<u64>,
    /// Seconds a forwarded statement batch is retried before it is marked failed [default: 86400].
    #[arg(long, env = "LARCH_FORWARDING_MAX_AGE")]
    pub forwarding_max_age: Option<u64>,
    /// Days a finished outbox message (delivered or failed) and its delivery log are kept;
    /// 0 keeps them for ever [default: 30].
    #[arg(long, env = "LARCH_OUTBOX_RETENTION_DAYS")]
    pub outbox_retention_days: Option<u64>,
    /// Let URL imports fetch from loopback, private and link-local addresses [default: false].
    #[arg(long, env = "LARCH_IMPORT_ALLOW_PRIVATE_URLS")]
    pub import_allow_private_urls: Option<bool>,
    /// `host:port` pairs URL imports may reach even when internal, comma-separated.
    #[arg(long, env = "LARCH_IMPORT_URL_ALLOW_HOSTS", value_delimiter = ',')]
    pub import_url_allow_hosts: Option<Vec<String>>,
    /// Let statement forwarding reach loopback, private and link-local addresses [default: false].
    #[arg(long, env = "LARCH_FORWARDING_ALLOW_PRIVATE_URLS")]
    pub forwarding_allow_private_urls: Option<bool>,
    /// `host:port` pairs forwarding rules may target even when internal, comma-separated.
    #[arg(long, env = "LARCH_FORWARDING_URL_ALLOW_HOSTS", value_delimiter = ',')]
    pub forwarding_url_allow_hosts: Option<Vec<String>>,
    /// Claims of an import job before one whose worker keeps dying fails [default: 3].
    #[arg(long, env = "LARCH_IMPORT_MAX_ATTEMPTS")]
    pub import_max_attempts: Option<u32>,
    /// Seconds between two sweeps of orphan asset blobs [default: 3600].
    #[arg(long, env = "LARCH_ORPHAN_SWEEP_INTERVAL")]
    pub orphan_sweep_interval: Option<u64>,
    /// Seconds an unreferenced asset blob is kept before the sweeper deletes it [default: 86400].
    #[arg(long, env = "LARCH_ORPHAN_MIN_AGE")]
    pub orphan_min_age: Option<u64>,
    /// Log format [default: auto].
    #[arg(long, env = "LARCH_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
}

/// Everything `larch serve` needs, resolved and validated.
#[derive(Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub content_listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub blob_url: Option<String>,
    pub bootstrap_key: Option<ApiKeySecret>,
    pub log_format: LogFormat,
    pub server: ServerConfig,
    /// Whether `public_url` was configured (else it follows the bound address).
    pub public_url_explicit: bool,
    /// Whether `content_url` was configured.
    pub content_url_explicit: bool,
}

impl Settings {
    /// Merges flags and environment (already merged by clap) over the config file over defaults.
    pub fn resolve(args: &Args) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => Args::default(),
        };
        let layers = Layers { args, file: &file };
        let listen = layers
            .get(|a| &a.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".parse().expect("address"));
        let content_listen = layers
            .get(|a| &a.content_listen)
            .unwrap_or_else(|| "127.0.0.1:8081".parse().expect("address"));
        let data_dir = layers
            .get(|a| &a.data_dir)
            .unwrap_or_else(|| PathBuf::from("larch-data"));
        let bootstrap_key = layers
            .get(|a| &a.bootstrap_api_key)
            .map(|raw| ApiKeySecret::parse(&raw))
            .transpose()
            .context("LARCH_BOOTSTRAP_API_KEY")?;
        Ok(Self {
            listen,
            content_listen,
            database: database(&layers, &data_dir)?,
            data_dir,
            blob_url: layers.get(|a| &a.blob_url),
            bootstrap_key,
            log_format: layers.get(|a| &a.log_format).unwrap_or(LogFormat::Auto),
            server: server_config(&layers, listen, content_listen)?,
            public_url_explicit: layers.get(|a| &a.public_url).is_some(),
            content_url_explicit: layers.get(|a| &a.content_url).is_some(),
        })
    }
}

/// The two sources of a setting, in precedence order: flags and environment (merged by clap),
/// then the config file.
struct Layers<'a> {
    args: &'a Args,
    file: &'a Args,
}

impl Layers<'_> {
    /// The setting `field` selects, from the first layer that has it.
    fn get<T: Clone>(&self, field: impl Fn(&Args) -> &Option<T>) -> Option<T> {
        field(self.args)
            .clone()
            .or_else(|| field(self.file).clone())
    }

    /// A number of seconds, or `default`.
    fn secs(&self, field: impl Fn(&Args) -> &Option<u64>, default: Duration) -> Duration {
        self.get(field).map_or(default, Duration::from_secs)
    }
}

/// PostgreSQL when a `postgres://` URL is set, else SQLite in the data directory.
fn database(layers: &Layers, data_dir: &Path) -> anyhow::Result<DatabaseConfig> {
    Ok(match layers.get(|a| &a.database_url) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            DatabaseConfig::Postgres {
                url,
                max_connections: layers.get(|a| &a.database_max_connections).unwrap_or(10),
            }
        }
        Some(_) => anyhow::bail!(
            "LARCH_DATABASE_URL must start with postgres:// (leave it unset for SQLite)"
        ),
        None => DatabaseConfig::Sqlite {
            path: data_dir.join("larch.db"),
        },
    })
}

/// The server's settings; each unset one keeps `ServerConfig::default()`'s value.
fn server_config(
    l: &Layers,
    listen: SocketAddr,
    content_listen: SocketAddr,
) -> anyhow::Result<ServerConfig> {
    let d = ServerConfig::default();
    Ok(ServerConfig {
        public_url: l
            .get(|a| &a.public_url)
            .unwrap_or_else(|| origin_of(listen)),
        content_url: l
            .get(|a| &a.content_url)
            .unwrap_or_else(|| origin_of(content_listen)),
        max_body_bytes: l.get(|a| &a.max_body_bytes).unwrap_or(d.max_body_bytes),
        rate_limit_per_second: l.get(|a| &a.rate_limit).unwrap_or(d.rate_limit_per_second),
        rate_limit_burst: l.get(|a| &a.rate_limit_burst).unwrap_or(d.rate_limit_burst),
        launch_ttl: l.secs(|a| &a.launch_ttl, d.launch_ttl),
        session_timeout: l.secs(|a| &a.session_timeout, d.session_timeout),
        max_upload_bytes: l.get(|a| &a.max_upload_bytes).unwrap_or(d.max_upload_bytes),
        import_workers: l.get(|a| &a.import_workers).unwrap_or(d.import_workers),
        delivery_workers: l.get(|a| &a.delivery_workers).unwrap_or(d.delivery_workers),
        delivery_poll_interval: l
            .get(|a| &a.delivery_poll_ms)
            .map_or(d.delivery_poll_interval, Duration::from_millis),
        delivery_retry_base: l
            .get(|a| &a.delivery_retry_base_ms)
            .map_or(d.delivery_retry_base, Duration::from_millis),
        delivery_retry_cap: l.secs(|a| &a.delivery_retry_cap, d.delivery_retry_cap),
        forwarding_max_age: l.secs(|a| &a.forwarding_max_age, d.forwarding_max_age),
        import_allow_private_urls: l
            .get(|a| &a.import_allow_private_urls)
            .unwrap_or(d.import_allow_private_urls),
        import_url_allow_hosts: allow_hosts(
            "LARCH_IMPORT_URL_ALLOW_HOSTS",
            l.get(|a| &a.import_url_allow_hosts).unwrap_or_default(),
        )?,
        forwarding_allow_private_urls: l
            .get(|a| &a.forwarding_allow_private_urls)
            .unwrap_or(d.forwarding_allow_private_urls),
        forwarding_url_allow_hosts: allow_hosts(
            "LARCH_FORWARDING_URL_ALLOW_HOSTS",
            l.get(|a| &a.forwarding_url_allow_hosts).unwrap_or_default(),
        )?,
        import_max_attempts: match l.get(|a| &a.import_max_attempts) {
            Some(0) => anyhow::bail!("LARCH_IMPORT_MAX_ATTEMPTS must be at least 1"),
            other => other.unwrap_or(d.import_max_attempts),
        },
        blob_sweep_interval: match l.get(|a| &a.orphan_sweep_interval) {
            Some(0) => anyhow::bail!("LARCH_ORPHAN_SWEEP_INTERVAL must be at least 1 second"),
            other => other.map_or(d.blob_sweep_interval, Duration::from_secs),
        },
        orphan_blob_age: l.secs(|a| &a.orphan_min_age, d.orphan_blob_age),
        session_sweep_interval: d.session_sweep_interval,
        outbox_retention: match l.get(|a| &a.outbox_retention_days) {
            Some(0) => None,
            Some(days) => Some(Duration::from_secs(days.saturating_mul(24 * 60 * 60))),
            None => d.outbox_retention,
        },
        outbox_sweep_interval: d.outbox_sweep_interval,
    })
}

/// Validates `LARCH_IMPORT_URL_ALLOW_HOSTS` / `LARCH_FORWARDING_URL_ALLOW_HOSTS` entries
/// (`setting`): `host:port`, IPv6 hosts in brackets.
fn allow_hosts(setting: &str, raw: Vec<String>) -> anyhow::Result<Vec<String>> {
    raw.into_iter()
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let url = Url::parse(&format!("http://{entry}/"))
                .ok()
                .filter(|u| u.port().is_some() || entry.ends_with(":80"));
            match url.and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port().unwrap_or(80)))) {
                Some(normal) => Ok(normal),
                None => anyhow::bail!("{setting}: {entry:?} is not host:port (IPv6 in brackets)"),
            }
        })
        .collect()
}

fn read_file(path: &Path) -> anyhow::Result<Args> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `http://<address>`, with an unspecified address (`0.0.0.0`) shown as `localhost`.
pub fn origin_of(addr: SocketAddr) -> Url {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        addr.ip().to_string()
    };
    let host = if addr.is_ipv6() && !addr.ip().is_unspecified() {
        format!("[{host}]")
    } else {
        host
    };
    Url::parse(&format!("http://{host}:{}", addr.port())).expect("valid origin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_configuration() {
        let settings = Settings::resolve(&Args::default()).unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(
            settings.server.content_url.as_str(),
            "http://127.0.0.1:8081/"
        );
        assert_eq!(
            settings.database,
            DatabaseConfig::Sqlite {
                path: PathBuf::from("larch-data/larch.db")
            }
        );
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("larch.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nrate_limit = 5\ndata_dir = \"/srv/larch\"\n\
             delivery_workers = 4\ndelivery_retry_base_ms = 250\nforwarding_max_age = 3600\n\
             outbox_retention_days = 7\n",
        )
        .unwrap();
        let args = Args {
            config: Some(path),
            rate_limit: Some(7),
            delivery_workers: Some(1),
            ..Args::default()
        };
        let settings = Settings::resolve(&args).unwrap();
        assert_eq!(settings.server.delivery_workers, 1);
        assert_eq!(
            settings.server.delivery_retry_base,
            Duration::from_millis(250)
        );
        assert_eq!(
            settings.server.forwarding_max_age,
            Duration::from_secs(3600)
        );
        assert_eq!(
            settings.server.outbox_retention,
            Some(Duration::from_secs(7 * 86_400))
        );
        let keep_all = Args {
            outbox_retention_days: Some(0),
            ..Args::default()
        };
        let keep_all = Settings::resolve(&keep_all).unwrap();
        assert_eq!(keep_all.server.outbox_retention, None, "0 keeps for ever");
        assert_eq!(settings.listen.port(), 9000);
        assert_eq!(
            settings.server.public_url.as_str(),
            "http://localhost:9000/"
        );
        assert_eq!(settings.server.rate_limit_per_second, 7);
        assert_eq!(settings.data_dir, PathBuf::from("/srv/larch"));
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let short = Args {
            bootstrap_api_key: Some("sk_test_short".into()),
            ..Args::default()
        };
        assert!(
            format!("{:#}", Settings::resolve(&short).unwrap_err())
                .contains("LARCH_BOOTSTRAP_API_KEY")
        );
        let mysql = Args {
            database_url: Some("mysql://x".into()),
            ..Args::default()
        };
        assert!(Settings::resolve(&mysql).is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("larch.toml");
        std::fs::write(&path, "lisen = \"0.0.0.0:9000\"\n").unwrap();
        assert!(
            Settings::resolve(&Args {
                config: Some(path),
                ..Args::default()
            })
            .is_err()
        );
    }

    #[test]
    fn import_and_sweeper_settings_are_read_and_checked() {
        let args = Args {
            import_url_allow_hosts: Some(vec![
                "Packages.Corp:443".into(),
                "[::1]:8000".into(),
                "10.0.0.5:80".into(),
            ]),
            import_max_attempts: Some(5),
            orphan_sweep_interval: Some(60),
            orphan_min_age: Some(600),
            import_allow_private_urls: Some(true),
            ..Args::default()
        };
        let server = Settings::resolve(&args).unwrap().server;
        assert_eq!(
            server.import_url_allow_hosts,
            ["packages.corp:443", "[::1]:8000", "10.0.0.5:80"]
        );
        assert_eq!(server.import_max_attempts, 5);
        assert_eq!(server.blob_sweep_interval, Duration::from_secs(60));
        assert_eq!(server.orphan_blob_age, Duration::from_secs(600));
        assert!(server.import_allow_private_urls);
        let defaults = Settings::resolve(&Args::default()).unwrap().server;
        assert!(!defaults.import_allow_private_urls);
        assert_eq!(defaults.import_max_attempts, 3);
        assert_eq!(defaults.orphan_blob_age, Duration::from_secs(86_400));
        for bad in [
            Args {
                import_url_allow_hosts: Some(vec!["packages.corp".into()]),
                ..Args::default()
            },
            Args {
                import_max_attempts: Some(0),
                ..Args::default()
            },
            Args {
                orphan_sweep_interval: Some(0),
                ..Args::default()
            },
        ] {
            assert!(Settings::resolve(&bad).is_err(), "{bad:?}");
        }
    }
}
