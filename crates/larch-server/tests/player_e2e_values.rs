//! Every value the shim accepted survives a tab killed right after (issue 5), in a real
//! headless Chromium against the real server on each store: the content sets
//! `suspend_data`, the bookmark (and, in SCORM 2004, an interaction) through the player's
//! API from its frame, the tab's renderer is killed at once (no debounce timer, no unload, no
//! `pagehide`: nothing left the browser), and the learner launches again in the same browser.
//! The player sends the dead tab's journal before it asks what to deliver, so the results API
//! (`include_runtime=true`) shows exactly those values, and the relaunched golf SCO finds its
//! bookmark (it stops at its "resume?" prompt, so it writes nothing of its own meanwhile).

#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/learner.rs"]
mod learner;
#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/webdriver.rs"]
mod webdriver;

use larch_server::testing::TestApp;
use learner::{GOLF_STARTED, activity, get, open_content};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use webdriver::Browser;

/// Sets `arguments[0]` (pairs) through the course's API from the SCO's frame; the returns.
const SET: &str = "var api = window.parent.API_1484_11, set = api ? 'SetValue' : 'LMSSetValue';
  api = api || window.parent.API;
  return arguments[0].map(function (kv) { return api[set](kv[0], kv[1]); });";

/// The values a SCORM 1.2 SCO sets before its tab dies.
const VALUES12: [(&str, &str); 2] = [
    ("cmi.suspend_data", "page=3;answers=b,c,a"),
    ("cmi.core.lesson_location", "3"),
];

/// The values a SCORM 2004 SCO sets before its tab dies, an interaction among them.
const VALUES2004: [(&str, &str); 6] = [
    ("cmi.suspend_data", "page=3;answers=b,c,a"),
    ("cmi.location", "3"),
    ("cmi.interactions.0.id", "urn:larch:q1"),
    ("cmi.interactions.0.type", "choice"),
    ("cmi.interactions.0.learner_response", "b"),
    ("cmi.interactions.0.result", "correct"),
];

/// Sets `values` in a golf SCO, kills the tab, relaunches; the SCO's progress once the
/// values show (or the last answer, after 20 s). Each case has a browser of its own: a
/// browser that has piled up killed tabs from earlier cases once stopped answering scripts.
async fn kill_after_setting(
    app: &TestApp,
    reg: &str,
    course: &str,
    values: &[(&str, &str)],
) -> Value {
    let b = Browser::start().await;
    let url = app.register_and_launch(reg, course, reg).await;
    open_content(&b, &url, GOLF_STARTED).await;
    let spare = b.new_tab().await;
    let pairs: Vec<[&str; 2]> = values.iter().map(|(k, v)| [*k, *v]).collect();
    let answers = b.eval(SET, json!([pairs])).await;
    b.crash().await;
    assert!(
        answers
            .as_array()
            .is_some_and(|a| a.iter().all(|r| r == "true")),
        "{answers}"
    );
    b.switch_to(&spare).await;
    b.goto(&app.launch_url(reg).await).await;
    let path = format!("/v1/registrations/{reg}/progress?include_runtime=true");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let progress = get(app, &path).await;
        let sco = activity(&progress, "item_1").clone();
        if holds(&sco, values) || Instant::now() > deadline {
            return sco;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The SCO's run-time data holds `values` (interactions as records).
fn holds(sco: &Value, values: &[(&str, &str)]) -> bool {
    values
        .iter()
        .all(|(k, v)| match k.strip_prefix("cmi.interactions.0.") {
            Some(field) => sco["interactions"][0][field] == *v,
            None => sco["runtime"][*k] == *v,
        })
}

#[tokio::test]
async fn values_set_right_before_a_tab_is_killed_are_recorded_at_the_next_launch() {
    for app in TestApp::each_store().await {
        app.import_fixture("scorm12/golf_RuntimeBasicCalls_SCORM12.zip", "golf12")
            .await;
        let fixture = "scorm2004-3rd/golf_RuntimeBasicCalls_SCORM20043rdEdition.zip";
        app.import_fixture(fixture, "golf2004").await;
        let cases: [(&str, &[(&str, &str)]); 2] =
            [("golf12", &VALUES12), ("golf2004", &VALUES2004)];
        for (course, values) in cases {
            let reg = format!("{course}-killed");
            let sco = kill_after_setting(&app, &reg, course, values).await;
            println!("{} {course}: recorded {sco}", app.kind());
            assert!(holds(&sco, values), "{} {course}: {sco}", app.kind());
        }
    }
}
