//! The ADL SCORM 2004 4th Ed conformance scripts, replayed through player.js's API.
//!
//! The CTS is first driven through larch-runtime exactly as `larch-runtime/tests/
//! adl_cts_runtime.rs` does (the same driver, included from there), with a shim that
//! records every SCO session: the delivered state, the navigation states the server gave,
//! and every API call with `ApiInstance`'s answer and error code. Each session is then
//! replayed through the browser shim in `node`; every answer and code must be the same.

mod shim;

#[path = "shim/cts_runtime.rs"]
mod cts_runtime;

use cts_runtime::course::CtsCourse;
use cts_runtime::driver::{self, CallTally, Globals};
use larch_cmi::ScormVersion;
use larch_cmi::schema::export_schema;
use serde_json::{Value, json};

/// Runs every CTS case through the runtime; returns (cases failed, calls judged, calls failed).
fn run_cts() -> (usize, usize, usize) {
    let dir = larch_cts::fixtures_dir(env!("CARGO_MANIFEST_DIR"));
    let cases = larch_cts::read_test_cases(&dir).expect("the CTS scripts are readable");
    let scripts = larch_cts::read_lms_scripts(&dir).expect("the CTS scripts are readable");
    let (mut failed_cases, mut tally) = (0, CallTally::default());
    let mut learner = Globals::new();
    for case in &cases {
        let calls = scripts.get(&case.id).map_or(&[][..], Vec::as_slice);
        let load = |name: &str| CtsCourse::load(&dir, name);
        if driver::run(case, calls, &load, &mut learner, &mut tally).is_err() {
            failed_cases += 1;
        }
    }
    (
        failed_cases,
        tally.passed + tally.failed.len(),
        tally.failed.len(),
    )
}

#[test]
fn adl_cts_calls_get_the_same_answers_from_the_shim() {
    let (failed_cases, judged, failed_calls) = run_cts();
    assert_eq!(
        (failed_cases, failed_calls),
        (0, 0),
        "the CTS itself fails through the runtime"
    );
    let sessions = cts_runtime::shim::SESSIONS.with(|s| s.take());
    let schemas: serde_json::Map<String, Value> = ScormVersion::ALL
        .iter()
        .map(|v| {
            (
                v.label().to_owned(),
                serde_json::to_value(export_schema(*v)).expect("schema"),
            )
        })
        .collect();
    let input = json!({"player": shim::player_js(), "schemas": schemas, "sessions": sessions});
    let out: Value = serde_json::from_str(&shim::node(
        &shim::script("cts_harness.js"),
        &input.to_string(),
    ))
    .expect("harness output");
    let calls = out["calls"].as_u64().unwrap_or_default();
    let mismatches = out["mismatches"].as_array().expect("mismatches");
    println!(
        "shim-cts: {} SCO sessions, {calls} API calls replayed ({judged} judged by the CTS), {} differ",
        sessions.len(),
        mismatches.len()
    );
    assert!(
        calls as usize >= judged,
        "fewer calls replayed than the CTS judged"
    );
    assert!(
        mismatches.is_empty(),
        "{:#?}",
        &mismatches[..mismatches.len().min(10)]
    );
}
