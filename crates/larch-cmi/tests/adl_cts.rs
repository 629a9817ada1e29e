//! ADL SCORM 2004 4th Edition conformance test (CTS 1.1.1) replay: every
//! scripted data-model call of every test case, judged like the Test Suite.
//!
//! Reads the scripts and packages from the shared fixtures at test time; the
//! scripts are decoded and the calls judged by `larch-cts`, as in the
//! sequencing engine's and the runtime's replays. This replay has no
//! sequencing engine: calls whose expected value only an engine can give are
//! set aside (and ratcheted); `larch-runtime`'s `tests/adl_cts_runtime.rs`
//! replays the same calls through the engine, where every one of them passes.

mod cts;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cts::{Learner, Verdict, manifest};
use larch_cmi::RuntimeConfig;
use larch_cts::VisitCalls;

fn fixtures() -> PathBuf {
    larch_cts::fixtures_dir(env!("CARGO_MANIFEST_DIR"))
}

/// The items of the test case's package(s): `LMSTestPackage_<id>.zip`, or
/// `<id>a`/`<id>b` for cases with two packages (DDM).
fn items_for(dir: &Path, id: &str) -> HashMap<String, manifest::Item> {
    let mut out = HashMap::new();
    for suffix in ["", "a", "b"] {
        let package = format!("{id}{suffix}");
        let xml =
            larch_cts::read_manifest(dir, &package).unwrap_or_else(|e| panic!("{package}: {e}"));
        let Some(xml) = xml else { continue };
        let path = dir.join(format!("LMSTestPackage_{package}.zip"));
        let path = path.display().to_string();
        let scope = if manifest::shared_data_global(&xml) {
            String::new()
        } else {
            path.clone()
        };
        out.extend(manifest::items(&xml).into_iter().map(|mut i| {
            i.shared_scope = scope.clone();
            i.package = path.clone();
            (i.act.clone(), i)
        }));
    }
    out
}

#[derive(Default)]
struct Tally {
    calls_passed: usize,
    calls_failed: usize,
    calls_sequencing: usize,
    cases_passed: usize,
    cases_failed: usize,
    cases_sequencing: usize,
    failures: Vec<String>,
    sequencing: Vec<String>,
}

fn replay_case(
    id: &str,
    visits: &[VisitCalls],
    items: &HashMap<String, manifest::Item>,
    config: &RuntimeConfig,
    tally: &mut Tally,
) {
    let mut learner = Learner::default();
    let (mut case_ok, mut case_seq) = (true, false);
    for VisitCalls { key: visit, calls } in visits {
        let act = visit
            .trim_start_matches("Act")
            .rsplit_once('V')
            .map_or(visit.as_str(), |(a, _)| a);
        let Some(item) = items.get(act) else {
            tally
                .failures
                .push(format!("{id} {visit}: no item with act={act}"));
            case_ok = false;
            continue;
        };
        let mut api = learner.launch(item, config.clone());
        for call in calls {
            let line = || format!("{id} {visit}: {}", clip(&call.raw));
            match cts::run(&mut api, item, call) {
                Verdict::Pass => tally.calls_passed += 1,
                Verdict::NeedsSequencing(why) => {
                    tally.calls_sequencing += 1;
                    case_seq = true;
                    tally.sequencing.push(format!("{} -> {why}", line()));
                }
                Verdict::Fail(why) => {
                    tally.calls_failed += 1;
                    case_ok = false;
                    tally.failures.push(format!("{} -> {why}", line()));
                }
            }
        }
        learner.finish(item, api);
    }
    match (case_ok, case_seq) {
        (false, _) => tally.cases_failed += 1,
        (true, true) => tally.cases_sequencing += 1,
        (true, false) => tally.cases_passed += 1,
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 300 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(297).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s.to_owned()
    }
}

fn replay(config: &RuntimeConfig) -> Tally {
    let dir = fixtures();
    let scripts = larch_cts::read_lms_scripts(&dir).expect("the CTS scripts are readable");
    let mut tally = Tally::default();
    for (id, visits) in &scripts {
        replay_case(id, visits, &items_for(&dir, id), config, &mut tally);
    }
    tally
}
#[test]
fn adl_cts_datamodel_replay_strict() {
    let tally = replay(&RuntimeConfig::strict());
    for f in &tally.sequencing {
        println!("NEEDS-SEQUENCING {}", clip(f));
    }
    for f in &tally.failures {
        println!("FAIL {}", clip(f));
    }
    println!(
        "adl-cts-datamodel: {} passed, {} failed, {} need sequencing (calls); \
         {} passed, {} failed, {} pass all data-model calls but have sequencing-dependent ones (test cases)",
        tally.calls_passed,
        tally.calls_failed,
        tally.calls_sequencing,
        tally.cases_passed,
        tally.cases_failed,
        tally.cases_sequencing
    );
    assert_eq!(
        tally.calls_failed, 0,
        "{} CTS calls failed",
        tally.calls_failed
    );
    // Ratchet: the calls set aside as sequencing-dependent may only shrink
    // (as the replay's objective map or the sequencing engine take them over).
    assert!(
        tally.calls_sequencing <= MAX_NEEDS_SEQUENCING,
        "{} calls need sequencing",
        tally.calls_sequencing
    );
}

/// Calls whose expected values come from the sequencing engine (look-ahead
/// for `request_valid.continue/previous`, rollup into the primary objective,
/// satisfaction by measure, attempt boundaries of global objectives). This
/// replay has no engine; the runtime's replay (`larch-runtime`,
/// `tests/adl_cts_runtime.rs`) makes all of them through one and they pass.
const MAX_NEEDS_SEQUENCING: usize = 84;

/// The default (forgiving) configuration must conform too: its leniencies
/// only accept what the CTS never sends as invalid.
#[test]
fn adl_cts_datamodel_replay_forgiving() {
    let tally = replay(&RuntimeConfig::default());
    for f in &tally.failures {
        println!("FAIL {}", clip(f));
    }
    println!(
        "adl-cts-datamodel (forgiving): {} passed, {} failed, {} need sequencing (calls)",
        tally.calls_passed, tally.calls_failed, tally.calls_sequencing
    );
    assert_eq!(
        tally.calls_failed, 0,
        "{} CTS calls failed in forgiving mode",
        tally.calls_failed
    );
}
