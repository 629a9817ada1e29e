//! The ADL SCORM 2004 4th Edition conformance test cases, replayed against the engine.
//!
//! For each `TestCases/<id>.properties`, the package is read with the ingestion crate
//! (`larch_package::scorm::parse` + `sequencing_tree`), the engine is
//! driven through the script, and every expected delivery, UI state and
//! `adl.nav.request_valid` answer is checked. Prints `adl-cts: N passed, M failed`.

mod adl_cts {
    pub mod driver;
    pub mod package;
    pub mod report;
}

use std::io::Write;

use adl_cts::{driver, package, report};

struct Summary {
    passed: Vec<String>,
    failed: Vec<(String, String)>,
}

fn run_all() -> Summary {
    let dir = larch_cts::fixtures_dir(env!("CARGO_MANIFEST_DIR"));
    let cases = larch_cts::read_test_cases(&dir).expect("the CTS scripts are readable");
    let mut summary = Summary {
        passed: Vec::new(),
        failed: Vec::new(),
    };
    let only = std::env::var("CTS_ONLY").ok();
    let mut learner = driver::Globals::new();
    for case in cases
        .iter()
        .filter(|c| only.as_ref().is_none_or(|o| *o == c.id))
    {
        // The ingestion crate reads each package (`larch_package::scorm`).
        let load = |name: &str| package::load(&dir, name);
        let result = driver::run(case, &load, &mut learner);
        match result {
            Ok(()) => summary.passed.push(case.id.clone()),
            Err(why) => summary.failed.push((case.id.clone(), why)),
        }
    }
    // Written to the process's stdout, past the test harness's capture, so a plain
    // `cargo test` shows the count.
    let mut out = std::io::stdout().lock();
    for (id, why) in &summary.failed {
        let _ = writeln!(out, "adl-cts FAIL {id}: {why}");
    }
    let (passed, failed) = (summary.passed.len(), summary.failed.len());
    let _ = writeln!(out, "adl-cts: {passed} passed, {failed} failed");
    summary
}

#[test]
fn every_cts_case_passes() {
    let summary = run_all();
    let failed: Vec<&str> = summary.failed.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        failed.is_empty() && !summary.passed.is_empty(),
        "adl-cts: {} passed, {} failed: {failed:?}",
        summary.passed.len(),
        failed.len()
    );
}
