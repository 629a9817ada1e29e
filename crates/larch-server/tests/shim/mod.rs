//! Shared by the shim tests: the player script and a `node` runner.
#![expect(dead_code, reason = "each test binary uses part of it")]

pub mod calls;
pub mod values;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `assets/player/player.js`, the file the content origin serves.
pub fn player_js() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/player/player.js")
}

/// A script next to this file.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/shim")
        .join(name)
}

/// Runs `node script` with `input` on stdin and returns stdout. Panics loudly when
/// node is missing: these tests must not pass by not running.
pub fn node(script: &std::path::Path, input: &str) -> String {
    let version = Command::new("node").arg("--version").output();
    assert!(
        version.is_ok_and(|v| v.status.success()),
        "`node` (v20) is required by the shim tests; install nodejs"
    );
    // A hung script (an endless retry loop) fails the test instead of hanging it.
    let mut child = Command::new("timeout")
        .args(["300", "node"])
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("coreutils `timeout` runs node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to node");
    let out = child.wait_with_output().expect("node runs");
    assert!(
        out.status.success(),
        "node {} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 from node")
}
