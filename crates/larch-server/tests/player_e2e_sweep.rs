//! Every SCORM package among the shared fixtures that has content is imported, launched in a
//! real headless Chromium and found working (issue 5: "real authoring-tool exports nobody
//! here has seen will be launched to check they initialize and record"): the player frames
//! the content, which loads; content that calls `Initialize` finds the API and is answered as
//! initialized; a value set and committed through that API in the learner's session reaches
//! the results API under the launched activity; the launch is in the launch history.
//!
//! One store (SQLite): what is checked is the player and the packages; the stores' run-time
//! paths have their own tests on both.

#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/learner.rs"]
mod learner;
#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/webdriver.rs"]
mod webdriver;

use larch_server::testing::TestApp;
use learner::{get, open_content};
use serde_json::{Value, json};
use webdriver::Browser;

/// Packages whose content calls `Initialize` (`LMSInitialize` in SCORM 1.2) when it loads.
const INITIALIZING: &[&str] = &[
    "scorm12/golf_RuntimeBasicCalls_SCORM12.zip",
    "scorm12/golf_RuntimeMinimumCalls_SCORM12.zip",
    "scorm2004-3rd/golf_RunTimeAdvancedCalls_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_RuntimeBasicCalls_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_SequencingPostTestRollup_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip",
    "moodle/RuntimeBasicCalls_SCORM20043rdEdition.zip",
    "moodle/RuntimeMinimumCalls_SCORM12.zip",
    "moodle/RuntimeMinimumCalls_SCORM12-mini.zip",
    "moodle/complexscorm.zip",
    "moodle/singlescobasic.zip",
    "moodle/singlescobasic_missingorg.zip",
];

/// Packages of static pages (content-packaging examples): they never call the API.
const STATIC: &[&str] = &[
    "scorm12/emp_ContentPackagingWithMetadata_SCORM12.zip",
    "scorm12/emp_LaunchUrlFromNestedItem_SCORM12.zip",
    "scorm12/emp_MultipleItemsWithIdentifierRef_SCORM12.zip",
    "scorm12/golf_ContentPackagingOneFilePerSCO_SCORM12.zip",
    "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip",
    "scorm2004-2nd/golf_ContentPackagingSingleSCO_SCORM20042ndEdition.zip",
    "scorm2004-3rd/golf_ContentPackagingMetadata_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip",
    "scorm2004-3rd/golf_ContentPackagingSingleSCO_SCORM20043rdEdition.zip",
    "moodle/singlesco_scorm12.zip",
];

/// From the player page: whether the content initialized the API (a read answers with error
/// 0, not 301 "not initialized" in SCORM 1.2 nor 122 "retrieve before initialization" in
/// 2004).
const INITIALIZED: &str = "var a = window.API_1484_11;
  if (a) { a.GetValue('cmi.learner_id'); return a.GetLastError() === '0'; }
  a = window.API;
  if (a) { a.LMSGetValue('cmi.core.student_id'); return a.LMSGetLastError() === '0'; }
  return false;";

/// From the player page: sets a location in the running session and commits; the returns.
const RECORD: &str = "var a = window.API_1484_11;
  if (a) { return [a.SetValue('cmi.location', 'sweep'), a.Commit('')]; }
  a = window.API;
  return [a.LMSSetValue('cmi.core.lesson_location', 'sweep'), a.LMSCommit('')];";

/// The content frame has loaded a document with something in it.
const LOADED: &str = "return document.readyState === 'complete' && !!document.body && document.body.innerHTML.length > 0";

/// Launches `package` as registration `reg` and checks the content loads, and, when it
/// `initializes`, that the API answers it and records through it.
async fn launch(app: &TestApp, b: &Browser, package: &str, reg: &str, initializes: bool) {
    let course = format!("c-{reg}");
    app.import_fixture(package, &course).await;
    let url = app.register_and_launch(reg, &course, reg).await;
    open_content(b, &url, LOADED).await;
    b.frame(None).await;
    if initializes {
        let what = format!("{package} to initialize");
        b.wait_for(&what, INITIALIZED, 20).await;
        let returns = b.eval(RECORD, json!([])).await;
        assert_eq!(returns, json!(["true", "true"]), "{package}");
        recorded(app, package, reg).await;
    }
    let launches = get(app, &format!("/v1/registrations/{reg}/launches")).await;
    let first = &launches["data"][0];
    assert!(
        first["browser"]
            .as_str()
            .is_some_and(|ua| ua.contains("Chrome")),
        "{package}: {launches}"
    );
}

/// Waits (10 s) until the results API shows the location the sweep set.
async fn recorded(app: &TestApp, package: &str, reg: &str) {
    let path = format!("/v1/registrations/{reg}/progress?include_runtime=true");
    for _ in 0..100 {
        if has_location(&get(app, &path).await) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{package}: not recorded: {}", get(app, &path).await);
}

/// Whether an activity's run-time values hold the location the sweep set.
fn has_location(p: &Value) -> bool {
    let activities = p["activities"].as_array().into_iter().flatten();
    activities.into_iter().any(|a| {
        let runtime = &a["runtime"];
        runtime["cmi.location"] == "sweep" || runtime["cmi.core.lesson_location"] == "sweep"
    })
}

#[tokio::test]
async fn every_fixture_package_launches_and_records_in_chromium() {
    let app = TestApp::sqlite().await;
    let b = Browser::start().await;
    let all = INITIALIZING.iter().map(|p| (p, true));
    for (n, (package, initializes)) in all.chain(STATIC.iter().map(|p| (p, false))).enumerate() {
        launch(&app, &b, package, &format!("sweep-{n}"), initializes).await;
    }
}
