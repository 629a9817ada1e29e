//! The CPU time of the processes serving a benchmark (Linux `/proc`): the Larch server and,
//! for PostgreSQL, the database's backends. Divided by the requests, it separates what a
//! request costs from how busy the machine is, which wall-clock latency on a shared machine
//! cannot (docs/xapi.md "Scale").

/// Clock ticks per second in `/proc/<pid>/stat`: `USER_HZ`, 100 on Linux whatever the
/// kernel's own tick rate.
const TICKS_PER_SECOND: u64 = 100;

/// `--server-pid` and `--server-database` of `larch bench lrs` and `larch bench runtime`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CpuArgs {
    /// The server's process id (Linux): each run then also prints the CPU time per request
    /// of the server and, with `--server-database`, of that database's PostgreSQL backends,
    /// which compare builds on a machine whose speed varies, as throughput does not.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// The server's PostgreSQL database (a `postgres://` URL, or its name) whose backends'
    /// CPU time `--server-pid` also counts. By default, none (SQLite runs in the server).
    #[arg(long)]
    pub server_database: Option<String>,
}

impl CpuArgs {
    /// A probe, when a server process was named.
    pub(super) fn probe(&self) -> Option<CpuProbe> {
        let database = self.server_database.as_deref().map(|d| {
            if d.starts_with("postgres") {
                d.to_owned()
            } else {
                format!("postgres:///{d}")
            }
        });
        let pid = self.server_pid?;
        Some(CpuProbe::new(pid, database.as_deref().unwrap_or("")))
    }
}

/// Prints the CPU time per request since `before` (a sample of `probe` taken before the
/// `requests`); nothing when no server was named.
pub(super) fn print_since(probe: Option<&CpuProbe>, before: Option<CpuSample>, requests: usize) {
    if let (Some(probe), Some(before)) = (probe, before) {
        println!("{}", probe.per_request(&before, &probe.sample(), requests));
    }
}

/// What to sample.
#[derive(Debug, Clone)]
pub(super) struct CpuProbe {
    /// The server process.
    server: u32,
    /// The PostgreSQL database whose backends to add up; `None` for SQLite (in the server).
    database: Option<String>,
}

/// CPU time so far, in clock ticks: the server's, and each database backend's by process id
/// (a backend that started since an earlier sample counts whole; one that ended is lost).
#[derive(Debug, Clone, Default)]
pub(super) struct CpuSample {
    server: u64,
    backends: std::collections::HashMap<u32, u64>,
}

impl CpuProbe {
    /// A probe of server `server` on `database` (an SQLite file or a `postgres://` URL).
    pub(super) fn new(server: u32, database: &str) -> Self {
        let database = database
            .starts_with("postgres")
            .then(|| url::Url::parse(database).ok())
            .flatten()
            .map(|url| url.path().trim_start_matches('/').to_owned());
        Self { server, database }
    }

    /// The CPU time used so far by the server and the database's backends alive now.
    pub(super) fn sample(&self) -> CpuSample {
        CpuSample {
            server: process_ticks(self.server).unwrap_or(0),
            backends: self
                .database
                .as_deref()
                .map(backend_ticks)
                .unwrap_or_default(),
        }
    }

    /// `cpu per request: server N µs, database M µs` between two samples over `requests`.
    pub(super) fn per_request(
        &self,
        before: &CpuSample,
        after: &CpuSample,
        requests: usize,
    ) -> String {
        let micros = |ticks: u64| {
            let requests = u64::try_from(requests.max(1)).unwrap_or(u64::MAX);
            ticks.saturating_mul(1_000_000 / TICKS_PER_SECOND) / requests
        };
        let server = micros(after.server.saturating_sub(before.server));
        match self.database {
            Some(_) => {
                let ticks = after.backends.iter().map(|(pid, &now)| {
                    now.saturating_sub(before.backends.get(pid).copied().unwrap_or(0))
                });
                let database = micros(ticks.sum());
                format!("  cpu per request: server {server} µs, database {database} µs")
            }
            None => format!("  cpu per request: server {server} µs (SQLite runs in it)"),
        }
    }
}

/// utime + stime of a process, in clock ticks (fields 14 and 15 of `/proc/<pid>/stat`,
/// counted after the command name, which may hold spaces).
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// The CPU time of each PostgreSQL backend connected to `database` now, by process id (their
/// command line reads `postgres: <user> <database> <client> …`).
fn backend_ticks(database: &str) -> std::collections::HashMap<u32, u64> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return std::collections::HashMap::new();
    };
    let needle = format!(" {database} ");
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmd| {
                let cmd = String::from_utf8_lossy(&cmd);
                cmd.starts_with("postgres: ") && cmd.contains(&needle)
            })
        })
        .filter_map(|pid| Some((pid, process_ticks(pid)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_used_some_cpu_and_a_missing_one_none() {
        let spin: u64 = (0..5_000_000_u64).fold(0, |a, b| a.wrapping_add(b * b));
        assert!(spin > 0);
        assert!(process_ticks(std::process::id()).is_some());
        assert_eq!(process_ticks(u32::MAX), None);
    }

    #[test]
    fn a_probe_needs_a_server_and_counts_the_named_database() {
        assert!(CpuArgs::default().probe().is_none());
        let named = |database: Option<&str>| {
            let args = CpuArgs {
                server_pid: Some(1),
                server_database: database.map(str::to_owned),
            };
            args.probe().unwrap().database
        };
        assert_eq!(named(None), None);
        assert_eq!(named(Some("rtb_1")).as_deref(), Some("rtb_1"));
        assert_eq!(
            named(Some("postgres://u@h/rtb_2")).as_deref(),
            Some("rtb_2")
        );
    }

    #[test]
    fn the_database_name_comes_from_the_url() {
        let probe = CpuProbe::new(1, "postgres://u@127.0.0.1:5432/larch_scale_x");
        assert_eq!(probe.database.as_deref(), Some("larch_scale_x"));
        assert_eq!(CpuProbe::new(1, "/tmp/larch.db").database, None);
    }
}
