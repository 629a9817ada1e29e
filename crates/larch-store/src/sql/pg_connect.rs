//! How Larch reads `LARCH_DATABASE_URL` into PostgreSQL connection options
//! (docs/configuration.md, "PostgreSQL connections").
//!
//! One default differs from libpq's and sqlx's: a database on this host, reached over TCP at a
//! loopback address (`localhost`, `127.0.0.0/8`, `::1`), is spoken to without TLS unless the
//! operator asks for a TLS mode (`sslmode` in the URL, or `PGSSLMODE`). Their default,
//! `prefer`, encrypts whenever the server offers it; on loopback the bytes never leave the
//! machine, so TLS protects nothing there, and it cost up to a fifth of the LRS's document
//! throughput (docs/xapi.md, "Performance"). Any other host keeps the default, and an explicit
//! `sslmode` always wins.

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use std::net::IpAddr;

/// The connection options for `url`, with the loopback default above.
pub(crate) fn connect_options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    let options: PgConnectOptions = url.parse()?;
    let env_mode = std::env::var_os("PGSSLMODE");
    if tls_mode_unset(url, env_mode.as_deref()) && is_loopback(options.get_host()) {
        return Ok(options.ssl_mode(PgSslMode::Disable));
    }
    Ok(options)
}

/// Whether neither the URL's query (`sslmode`, or sqlx's spelling `ssl-mode`) nor
/// `PGSSLMODE` chose a TLS mode. A URL that does not parse as one counts as chosen (keep
/// sqlx's reading of it).
fn tls_mode_unset(url: &str, env_mode: Option<&std::ffi::OsStr>) -> bool {
    if env_mode.is_some() {
        return false;
    }
    url::Url::parse(url).is_ok_and(|parsed| {
        !parsed
            .query_pairs()
            .any(|(key, _)| key == "sslmode" || key == "ssl-mode")
    })
}

/// A host name or address that can only be this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised_and_others_are_not() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "db.internal",
            "10.0.0.5",
            "::2",
            "localhost.example.com",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn an_explicit_tls_mode_wins_over_the_default() {
        assert!(tls_mode_unset("postgres://u@127.0.0.1/db", None));
        assert!(tls_mode_unset(
            "postgres://u@127.0.0.1/db?application_name=x",
            None
        ));
        assert!(!tls_mode_unset(
            "postgres://u@127.0.0.1/db?sslmode=require",
            None
        ));
        assert!(!tls_mode_unset(
            "postgres://u@127.0.0.1/db?ssl-mode=prefer",
            None
        ));
        let env = std::ffi::OsStr::new("verify-full");
        assert!(!tls_mode_unset("postgres://u@127.0.0.1/db", Some(env)));
        assert!(!tls_mode_unset("not a url", None));
    }

    /// Against the test server (which offers TLS: Debian's PostgreSQL has `ssl = on`):
    /// a loopback URL without `sslmode` connects in the clear, one with `sslmode=require`
    /// over TLS, so the default cannot have silently turned TLS off for those who ask for it.
    #[tokio::test]
    async fn a_loopback_connection_skips_tls_unless_asked() {
        use sqlx::Connection as _;
        let db = crate::testing::postgres().await;
        let crate::DatabaseConfig::Postgres { url, .. } = &db.config else {
            unreachable!("a PostgreSQL test database")
        };
        let ssl = |mut conn: sqlx::PgConnection| async move {
            let on: bool =
                sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            on
        };
        let connect = |url: String| async move {
            let options = connect_options(&url).unwrap();
            sqlx::PgConnection::connect_with(&options).await.unwrap()
        };
        assert!(
            !ssl(connect(url.clone()).await).await,
            "{url}: TLS without being asked"
        );
        let sep = if url.contains('?') { '&' } else { '?' };
        let asked = format!("{url}{sep}sslmode=require");
        assert!(
            ssl(connect(asked).await).await,
            "sslmode=require was not honoured"
        );
    }
}
