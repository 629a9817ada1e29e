//! `larch serve` as a user runs it: no configuration, a fresh folder, the key printed once,
//! the API answering, a clean exit on SIGTERM; and exactly the configured bootstrap key.

use std::io::{BufReader, Read as _};
use std::process::{Child, Command, Stdio};

/// Starts `larch serve` on ephemeral ports in `dir`; returns the child and the API origin.
fn start(dir: &std::path::Path, envs: &[(&str, &str)]) -> (Child, String) {
    let running = start_logged(dir, envs);
    (running.child, running.api)
}

/// A running `larch serve`.
struct Running {
    child: Child,
    /// The API origin, read from the "larch is listening" log line.
    api: String,
    /// The log after startup, complete once the process has exited.
    logs: std::thread::JoinHandle<String>,
}

/// Starts `larch serve` on ephemeral ports in `dir`, keeping its log.
fn start_logged(dir: &std::path::Path, envs: &[(&str, &str)]) -> Running {
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
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start larch serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    match listening_on(&mut stderr) {
        Some(api) => {
            // Keep reading the log: a closed pipe would fail the server's next log write.
            let logs = std::thread::spawn(move || {
                let mut rest = String::new();
                let _ = stderr.read_to_string(&mut rest);
                rest
            });
            Running { child, api, logs }
        }
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("larch serve exited or went silent before listening");
        }
    }
}

/// The API origin from the "larch is listening" JSON log line.
fn listening_on(stderr: &mut impl std::io::BufRead) -> Option<String> {
    for line in std::io::BufRead::lines(&mut *stderr) {
        let entry: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
        if entry["message"] == "larch is listening" {
            return Some(entry["api"].as_str()?.trim_end_matches('/').to_owned());
        }
    }
    None
}

fn stop(mut child: Child) -> String {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "larch serve exited with {status}");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("stdout");
    stdout
}

fn get(url: &str, key: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        client
            .get(url)
            .basic_auth(key, Some(""))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    })
}

#[test]
fn first_start_prints_a_working_key_once_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (child, api) = start(dir.path(), &[]);
    assert_eq!(get(&format!("{api}/ready"), ""), 200);
    let stdout = stop(child);
    let key = stdout
        .split_whitespace()
        .find(|w| w.starts_with("sk_test_"))
        .expect("a printed test key")
        .to_owned();
    assert!(dir.path().join("larch-data/larch.db").exists());

    // Second start: same data, no new key printed, the first key still works.
    let (child, api) = start(dir.path(), &[]);
    assert_eq!(get(&format!("{api}/v1/learners"), &key), 200);
    assert_eq!(
        get(
            &format!("{api}/v1/learners"),
            "sk_test_wrongwrongwrongwrongwrongwrongwrong"
        ),
        401
    );
    assert!(
        !stop(child).contains("sk_test_"),
        "the key is printed on first start only"
    );
}

#[test]
fn the_bootstrap_key_is_registered_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let key = format!("sk_test_{}", "Ab3".repeat(12));
    let (child, api) = start(dir.path(), &[("LARCH_BOOTSTRAP_API_KEY", key.as_str())]);
    assert_eq!(get(&format!("{api}/v1/learners"), &key), 200);
    assert!(
        !stop(child).contains("sk_test_"),
        "a configured key is not printed"
    );
}

/// Runs the `larch` CLI against `api` with `key`; returns (success, stdout, stderr).
fn cli(api: &str, key: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(args)
        .env("LARCH_URL", api)
        .env("LARCH_API_KEY", key)
        .output()
        .expect("run larch");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn the_cli_imports_a_package_and_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = format!("sk_test_{}", "Imp7".repeat(9));
    let (child, api) = start(dir.path(), &[("LARCH_BOOTSTRAP_API_KEY", key.as_str())]);
    let zip = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip"
    );
    let (ok, out, err) = cli(
        &api,
        &key,
        &["courses", "import", zip, "--id", "golf", "--wait"],
    );
    assert!(ok, "{out}{err}");
    let job: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["course_id"], "golf");
    let broken = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/malformed/emp_MalformedXml_SCORM12.zip"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(["courses", "import", broken, "--wait"])
        .env("LARCH_URL", &api)
        .env("LARCH_API_KEY", &key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a rejected package exits 2");
    let (ok, out, _) = cli(&api, &key, &["courses", "import", zip]);
    assert!(ok && out.contains("\"queued\""), "{out}");
    stop(child);
}

#[test]
fn the_cli_creates_and_lists_learners_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let key = format!("sk_test_{}", "Cli9".repeat(9));
    let (child, api) = start(dir.path(), &[("LARCH_BOOTSTRAP_API_KEY", key.as_str())]);
    let (ok, out, _) = cli(
        &api,
        &key,
        &[
            "learners",
            "create",
            "--id",
            "emp-1",
            "--first-name",
            "Ada",
            "--last-name",
            "L",
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"],
        "emp-1"
    );
    let (ok, out, _) = cli(&api, &key, &["learners", "list"]);
    assert!(ok && out.contains("emp-1"));
    let (ok, _, err) = cli(
        &api,
        &key,
        &[
            "learners",
            "create",
            "--id",
            "emp-1",
            "--first-name",
            "A",
            "--last-name",
            "B",
        ],
    );
    assert!(!ok && err.contains("resource_exists"), "{err}");
    let (ok, _, err) = cli(&api, &key, &["launch", "nope"]);
    assert!(!ok && err.contains("resource_missing"), "{err}");
    let (ok, _, err) = cli(
        &api,
        &key,
        &[
            "registrations",
            "create",
            "--course",
            "none",
            "--learner",
            "emp-1",
        ],
    );
    assert!(!ok && err.contains("course_id"), "{err}");
    let (ok, out, _) = cli(&api, &key, &["courses", "list"]);
    assert!(ok && out.contains("\"list\""));
    stop(child);
}

#[test]
fn logs_are_json_with_request_ids_and_never_carry_secrets_or_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = format!("sk_test_{}", "Log7".repeat(9));
    let wrong = format!("sk_test_{}", "Bad0".repeat(9));
    let running = start_logged(dir.path(), &[("LARCH_BOOTSTRAP_API_KEY", key.as_str())]);
    let api = running.api.clone();
    assert_eq!(get(&format!("{api}/v1/learners"), &key), 200);
    assert_eq!(get(&format!("{api}/v1/learners"), &wrong), 401);
    let learner = [
        "learners",
        "create",
        "--first-name",
        "Grace",
        "--last-name",
        "Hopper",
        "--email",
        "grace@example.com",
    ];
    assert!(cli(&api, &key, &learner).0);
    let Running { child, logs, .. } = running;
    stop(child);
    let logs = logs.join().expect("log reader");
    let mut served = 0;
    for line in logs.lines() {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        for secret in [key.as_str(), &wrong, "grace@example.com", "Hopper"] {
            assert!(!line.contains(secret), "{secret} logged: {line}");
        }
        if entry["message"] == "request served" {
            served += 1;
            let id = entry["span"]["request_id"].as_str().unwrap_or_default();
            assert!(id.starts_with("req_"), "no request id: {line}");
        }
    }
    assert_eq!(served, 3, "one line per request: {logs}");
}
