//! The shim's commit transport (player.js part 2) driven by `tests/shim/transport_test.js`
//! in `node` with a fake server (the run-time's seq rules), fake fetch/XHR/localStorage and
//! a virtual clock; and the script's size budget.

mod shim;

use larch_cmi::schema::export_schema;
use larch_cmi::{LaunchData, Prior, ScormVersion, initial_state};
use serde_json::{Value, json};

#[test]
fn transport_commits_in_order_retries_replays_and_flushes() {
    let version = ScormVersion::SCORM2004_4TH;
    let input = json!({
        "player": shim::player_js(),
        "schema": export_schema(version),
        "cmi": initial_state(version, &LaunchData::default(), Prior::NewAttempt),
    });
    let out: Value = serde_json::from_str(&shim::node(
        &shim::script("transport_test.js"),
        &input.to_string(),
    ))
    .expect("test output");
    let passed = out["passed"].as_array().expect("passed");
    let failed = out["failed"].as_array().expect("failed");
    for p in passed {
        println!("ok: {}", p.as_str().unwrap_or_default());
    }
    println!(
        "shim-transport: {} passed, {} failed",
        passed.len(),
        failed.len()
    );
    assert!(passed.len() >= 12, "the node tests did not all run");
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Issue 5: the player and shim together stay under 15 KB gzipped (default level), as served:
/// `larch_server::player_js()`, the source without its full-line comments, which must still
/// parse.
#[test]
fn player_js_is_under_15_kb_gzipped() {
    let script = r"const z = require('zlib'); const fs = require('fs'); const vm = require('vm');
const [src, served] = JSON.parse(fs.readFileSync(0, 'utf8')).map((p) => fs.readFileSync(p));
new vm.Script(served.toString());
process.stdout.write(JSON.stringify([src.length, z.gzipSync(src).length, served.length, z.gzipSync(served).length, z.gzipSync(served, {level: 9}).length]));";
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("size.js");
    std::fs::write(&path, script).expect("write script");
    let served = dir.path().join("served.js");
    std::fs::write(&served, larch_server::player_js()).expect("write served script");
    let files = json!([shim::player_js(), served]).to_string();
    let sizes: Vec<usize> = serde_json::from_str(&shim::node(&path, &files)).expect("sizes");
    println!(
        "player.js: {} bytes, {} gzipped as written; as served {} bytes, {} bytes gzipped ({} at level 9)",
        sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]
    );
    assert!(
        sizes[3] < 15_000,
        "player.js is served {} bytes gzipped",
        sizes[3]
    );
    let css = std::fs::read(shim::player_js().with_file_name("player.css")).expect("player.css");
    assert!(!css.is_empty());
}
