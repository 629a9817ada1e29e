//! The ADL SCORM 2004 4th Edition conformance test cases, replayed through the runtime as a
//! real LMS would run them: every package parsed by `larch-package`, every delivery decided
//! by the runtime (and its sequencing engine), every API call made on a real `ApiInstance`
//! whose navigation answers come from the runtime's look-ahead, every commit and terminate
//! applied by `apply_commit`. Checks every delivery, UI state and API return value / error
//! code (judged as the Test Suite's `TestCaseEvaluator` does, `larch_cts::judge`).
//!
//! Prints `adl-cts-runtime: N passed, M failed` (test cases) and `calls: N passed, M failed`.
//! `CTS_ONLY=<id>` runs one case.

mod cts_runtime {
    pub mod course;
    pub mod driver;
    pub mod learner;
    pub mod shim;
}

use std::io::Write;

use cts_runtime::course::CtsCourse;
use cts_runtime::driver::{self, CallTally, Globals};

struct Summary {
    cases_passed: usize,
    cases_failed: Vec<(String, String)>,
    calls: CallTally,
}

fn run_all() -> Summary {
    let dir = larch_cts::fixtures_dir(env!("CARGO_MANIFEST_DIR"));
    let cases = larch_cts::read_test_cases(&dir).expect("the CTS scripts are readable");
    let scripts = larch_cts::read_lms_scripts(&dir).expect("the CTS scripts are readable");
    let only = std::env::var("CTS_ONLY").ok();
    let mut summary = Summary {
        cases_passed: 0,
        cases_failed: Vec::new(),
        calls: CallTally::default(),
    };
    let mut learner = Globals::new();
    for case in cases
        .iter()
        .filter(|c| only.as_ref().is_none_or(|o| *o == c.id))
    {
        let calls = scripts.get(&case.id).map_or(&[][..], Vec::as_slice);
        let mut tally = CallTally::default();
        let load = |name: &str| CtsCourse::load(&dir, name);
        let result = driver::run(case, calls, &load, &mut learner, &mut tally);
        let result = result.and_then(|()| match tally.failed.first() {
            Some(first) => Err(format!(
                "{} API call(s) failed, first: {first}",
                tally.failed.len()
            )),
            None => Ok(()),
        });
        match result {
            Ok(()) => summary.cases_passed += 1,
            Err(why) => summary.cases_failed.push((case.id.clone(), why)),
        }
        summary.calls.passed += tally.passed;
        summary.calls.failed.extend(
            tally
                .failed
                .into_iter()
                .map(|f| format!("{}: {f}", case.id)),
        );
    }
    report(&summary);
    summary
}

/// Written to the process's stdout, past the harness's capture, so `cargo test` shows it.
fn report(summary: &Summary) {
    let mut out = std::io::stdout().lock();
    for (id, why) in &summary.cases_failed {
        let _ = writeln!(out, "adl-cts-runtime FAIL {id}: {why}");
    }
    for call in &summary.calls.failed {
        let _ = writeln!(out, "adl-cts-runtime CALL FAIL {call}");
    }
    let _ = writeln!(
        out,
        "adl-cts-runtime: {} passed, {} failed",
        summary.cases_passed,
        summary.cases_failed.len()
    );
    let _ = writeln!(
        out,
        "calls: {} passed, {} failed",
        summary.calls.passed,
        summary.calls.failed.len()
    );
}

/// Every case and every call of the CTS passes through the runtime.
#[test]
fn adl_cts_through_the_runtime() {
    let summary = run_all();
    if std::env::var("CTS_ONLY").is_ok() {
        return;
    }
    assert!(
        summary.cases_failed.is_empty(),
        "adl-cts-runtime: {} passed, {} failed",
        summary.cases_passed,
        summary.cases_failed.len()
    );
    assert!(
        summary.calls.failed.is_empty(),
        "calls: {} passed, {} failed",
        summary.calls.passed,
        summary.calls.failed.len()
    );
}
