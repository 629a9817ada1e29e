//! The SSRF guard of URL imports: a URL import makes the server fetch what the caller names, so
//! by default it may only reach public addresses. Every address a host resolves to is checked,
//! and the request then connects to exactly those checked addresses (the client's DNS is pinned
//! to them), so a second, different DNS answer cannot slip in between check and connect (DNS
//! rebinding). Redirects are followed by hand, each hop checked the same way.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::{Host, Url};

/// Which URLs imports may fetch (`LARCH_IMPORT_ALLOW_PRIVATE_URLS`,
/// `LARCH_IMPORT_URL_ALLOW_HOSTS`).
#[derive(Debug, Clone, Default)]
pub(crate) struct UrlPolicy {
    /// Turns the guard off.
    pub(crate) allow_private: bool,
    /// `host:port` pairs reachable whatever they resolve to.
    pub(crate) allow_hosts: Vec<String>,
}

/// Why a URL cannot be fetched.
#[derive(Debug)]
pub(crate) enum Blocked {
    /// The guard refuses it (`url_not_allowed`); the message says why.
    Refused(String),
    /// Its host name does not resolve (may be transient: a download failure, not a refusal).
    Unresolved(std::io::Error),
}

/// Where a request for a checked URL may connect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Anywhere its host resolves to (guard off, or an allowed `host:port`, or an IP literal
    /// already checked: there is nothing to resolve).
    Direct,
    /// Only to these addresses, all checked.
    Pinned {
        /// The host name to pin.
        host: String,
        /// Its checked addresses.
        addrs: Vec<SocketAddr>,
    },
}

impl UrlPolicy {
    /// Checks `url`: its scheme, its host, and every address the host resolves to.
    pub(crate) async fn check(&self, url: &Url) -> Result<Route, Blocked> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Blocked::Refused(format!(
                "only http and https URLs can be imported, not {}",
                url.scheme()
            )));
        }
        let host = url
            .host()
            .ok_or_else(|| Blocked::Refused("the URL has no host".into()))?;
        let port = url.port_or_known_default().unwrap_or(80);
        if self.allow_private || self.allows(&host, port) {
            return Ok(Route::Direct);
        }
        let name = match host {
            Host::Ipv4(ip) => return refuse_ip(IpAddr::V4(ip)).map(|()| Route::Direct),
            Host::Ipv6(ip) => return refuse_ip(IpAddr::V6(ip)).map(|()| Route::Direct),
            Host::Domain(name) => name.to_owned(),
        };
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
            .await
            .map_err(Blocked::Unresolved)?
            .collect();
        for addr in &addrs {
            refuse_ip(addr.ip()).map_err(|e| match e {
                Blocked::Refused(why) => Blocked::Refused(format!("{name}: {why}")),
                other => other,
            })?;
        }
        if addrs.is_empty() {
            let none = std::io::Error::other(format!("{name} has no address"));
            return Err(Blocked::Unresolved(none));
        }
        Ok(Route::Pinned { host: name, addrs })
    }

    fn allows(&self, host: &Host<&str>, port: u16) -> bool {
        let host = host.to_string();
        self.allow_hosts.iter().any(|entry| {
            entry
                .rsplit_once(':')
                .is_some_and(|(h, p)| h.eq_ignore_ascii_case(&host) && p == port.to_string())
        })
    }
}

fn refuse_ip(ip: IpAddr) -> Result<(), Blocked> {
    match forbidden(ip) {
        Some(kind) => Err(Blocked::Refused(format!(
            "{ip} is a {kind} address; internal networks are off limits \
             (LARCH_IMPORT_ALLOW_PRIVATE_URLS, LARCH_FORWARDING_ALLOW_PRIVATE_URLS)"
        ))),
        None => Ok(()),
    }
}

/// What kind of non-public address `ip` is, or `None` for a public one.
pub(crate) fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        // RFC 6890: 0.0.0.0/8 "this network" (0.0.0.0 reaches the local host on Linux).
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        // RFC 1918.
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        // RFC 3927, including the cloud metadata service at 169.254.169.254.
        (169, 254, _) => "link-local",
        // RFC 6598 carrier-grade NAT.
        (100, 64..=127, _) => "shared (CGNAT)",
        // RFC 6890: IETF protocol assignments; RFC 2544 benchmarking.
        (192, 0, 0) => "reserved",
        (198, 18..=19, _) => "reserved",
        (224..=239, _, _) => "multicast",
        _ if ip.is_broadcast() => "broadcast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated) and NAT64
    // (64:ff9b::a.b.c.d, RFC 6052) reach the embedded IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped().or_else(|| embedded_v4(segments)) {
        return forbidden_v4(v4);
    }
    // 6to4 (2002:AABB:CCDD::/48, RFC 3056) embeds one too.
    if segments[0] == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return forbidden_v4(Ipv4Addr::new(a, b, c, d));
    }
    Some(match segments[0] {
        0xfc00..=0xfdff => "unique local",
        0xfe80..=0xfebf => "link-local",
        // Site-local, deprecated by RFC 3879 but still routed internally by some networks.
        0xfec0..=0xfeff => "site-local",
        0xff00..=0xffff => "multicast",
        _ => return None,
    })
}

fn embedded_v4(s: [u16; 8]) -> Option<Ipv4Addr> {
    let compatible = s[..6] == [0; 6];
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    (compatible || nat64).then(|| {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> Option<&'static str> {
        forbidden(raw.parse().unwrap())
    }

    #[test]
    fn internal_addresses_are_forbidden() {
        for (ip, expected) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("0.0.0.0", "unspecified"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared (CGNAT)"),
            ("100.127.255.255", "shared (CGNAT)"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::127.0.0.1", "loopback"),
            ("64:ff9b::10.0.0.1", "private"),
            ("2002:7f00:1::", "loopback"),
            ("fc00::1", "unique local"),
            ("fd12:3456::1", "unique local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.2.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "2002:0808:0808::",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    async fn check(policy: &UrlPolicy, raw: &str) -> Result<Route, String> {
        let url = Url::parse(raw).unwrap();
        match policy.check(&url).await {
            Ok(route) => Ok(route),
            Err(Blocked::Refused(why)) => Err(why),
            Err(Blocked::Unresolved(e)) => panic!("{raw} does not resolve: {e}"),
        }
    }

    #[tokio::test]
    async fn every_spelling_of_loopback_is_refused() {
        let policy = UrlPolicy::default();
        for url in [
            "http://127.0.0.1/x.zip",
            "http://[::1]/x.zip",
            "http://0.0.0.0/x.zip",
            "http://2130706433/x.zip",
            "http://0x7f.1/x.zip",
            "http://0177.0.0.1/x.zip",
            "http://[::ffff:7f00:1]/x.zip",
            "http://169.254.169.254/latest/meta-data/",
            "http://localhost:8080/x.zip",
        ] {
            assert!(check(&policy, url).await.is_err(), "{url}");
        }
    }

    #[tokio::test]
    async fn the_switch_and_the_allow_list_let_internal_urls_through() {
        let open = UrlPolicy {
            allow_private: true,
            ..UrlPolicy::default()
        };
        assert_eq!(check(&open, "http://127.0.0.1/").await, Ok(Route::Direct));
        let listed = UrlPolicy {
            allow_hosts: vec!["127.0.0.1:4000".into(), "[::1]:80".into()],
            ..UrlPolicy::default()
        };
        assert_eq!(
            check(&listed, "http://127.0.0.1:4000/").await,
            Ok(Route::Direct)
        );
        assert_eq!(check(&listed, "http://[::1]/").await, Ok(Route::Direct));
        assert!(check(&listed, "http://127.0.0.1:4001/").await.is_err());
        assert!(check(&listed, "ftp://example.com/x.zip").await.is_err());
    }

    #[tokio::test]
    async fn names_are_resolved_and_every_address_checked() {
        let policy = UrlPolicy::default();
        // `localhost` resolves (from /etc/hosts) to loopback only: refused with its name.
        let why = check(&policy, "http://localhost/").await.unwrap_err();
        assert!(why.starts_with("localhost: "), "{why}");
        let url = Url::parse("http://no-such-host.invalid/").unwrap();
        assert!(matches!(
            policy.check(&url).await,
            Err(Blocked::Unresolved(_))
        ));
    }
}
