//! `larch serve` as a child process configured by environment variables, as an operator runs
//! it; stopped with SIGTERM when dropped.

use serde_json::Value;
use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long `larch serve` may take to listen (migrations, the blob store, the first build of
/// its caches) on a loaded machine.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `larch serve`: the process and its API and content origins.
pub struct Node {
    child: Child,
    /// The API origin, e.g. `http://127.0.0.1:40123`.
    pub api: String,
    /// The content origin.
    pub content: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Node {
    /// Starts `larch serve` in `dir` on ephemeral ports with `envs` (on SQLite in `dir` unless
    /// `envs` names a database) and waits for its "larch is listening" log line.
    pub fn start(dir: &std::path::Path, envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_larch"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--content-listen",
                "127.0.0.1:0",
            ])
            .current_dir(dir)
            .env_remove("LARCH_DATABASE_URL")
            .env("LARCH_LOG_FORMAT", "json")
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start larch serve");
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let (tx, rx) = mpsc::channel();
        // Reads the log until the listening line, then keeps draining it (a full pipe would
        // block the server); everything before that line comes back if it never shows.
        std::thread::spawn(move || {
            let mut stderr = stderr;
            let mut seen = String::new();
            let mut line = String::new();
            while stderr.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(origins) = listening(&line) {
                    let _ = tx.send(Ok(origins));
                    let mut rest = String::new();
                    let _ = stderr.read_to_string(&mut rest);
                    return;
                }
                seen.push_str(&line);
                line.clear();
            }
            let _ = tx.send(Err(seen));
        });
        match rx.recv_timeout(LISTEN_TIMEOUT) {
            Ok(Ok((api, content))) => Self {
                child,
                api,
                content,
            },
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("larch serve did not start listening within {LISTEN_TIMEOUT:?}: {outcome:?}")
            }
        }
    }
}

/// The origins from the "larch is listening" JSON log line.
fn listening(line: &str) -> Option<(String, String)> {
    let entry: Value = serde_json::from_str(line).ok()?;
    if entry["message"] != "larch is listening" {
        return None;
    }
    let origin = |k: &str| Some(entry[k].as_str()?.trim_end_matches('/').to_owned());
    Some((origin("api")?, origin("content")?))
}
