//! Courses played through the player's outline (the simple navigation model) in a real
//! headless Chromium against the real server (SQLite): an AICC course of three AUs with
//! prerequisites, whose AUs talk HACP to `/hacp` with their `aicc_sid`/`aicc_url`, and a
//! multi-SCO SCORM 1.2 course with `adlcp:prerequisites`, whose SCOs call `window.API`. The
//! fixtures' AU and SCO pages are static HTML without scripts, so each test makes, from the
//! content's own frame, the calls such content makes (named in each test); the learner moves
//! with the player's Next button and its table of contents, and the results API must show
//! each activity's status and score.

#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/learner.rs"]
mod learner;
#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/webdriver.rs"]
mod webdriver;

use larch_server::testing::TestApp;
use learner::{activity, enter_content, exit_to_course_complete, open_content, progress_until};
use serde_json::{Value, json};
use webdriver::Browser;

const AICC: &str = "aicc/emp_aicc_complex.zip";
const PREREQ12: &str = "scorm12/emp_PrerequisitesTest_SCORM12.zip";

/// An AU's HACP session as AICC content runs it (CMI001 6.4): `GetParam`, `PutParam` with
/// `arguments[0]`, `ExitAU` — synchronous form POSTs to `aicc_url` with `aicc_sid`, the
/// launch parameters read case-insensitively from the query. Answers `[status, body]` each.
const HACP_SESSION: &str = "var q = {};
  location.search.slice(1).split('&').forEach(function (kv) {
    var p = kv.split('=');
    q[decodeURIComponent(p[0]).toLowerCase()] = decodeURIComponent((p[1] || '').replace(/\\+/g, ' '));
  });
  function hacp(command, data) {
    var x = new XMLHttpRequest();
    x.open('POST', q.aicc_url, false);
    x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    x.send('command=' + command + '&version=4.0&session_id=' + encodeURIComponent(q.aicc_sid) +
      '&aicc_data=' + encodeURIComponent(data || ''));
    return [x.status, x.responseText];
  }
  return [hacp('GetParam'), hacp('PutParam', arguments[0]), hacp('ExitAU')];";

/// A SCORM 1.2 SCO's session: LMSInitialize, the values of `arguments[0]`, LMSFinish.
/// Answers every call's return value.
const SCO_SESSION: &str = "var api = window.parent.API, out = [api.LMSInitialize('')];
  arguments[0].forEach(function (kv) { out.push(api.LMSSetValue(kv[0], kv[1])); });
  out.push(api.LMSFinish(''));
  return out;";

/// The content frame shows `page` (and has loaded).
fn showing(page: &str) -> String {
    format!("return document.readyState === 'complete' && location.pathname.endsWith('/{page}')")
}

/// The table of contents: `[title, enabled]` per entry, on the player page.
async fn outline(b: &Browser) -> Vec<(String, bool)> {
    b.frame(None).await;
    let v = b
        .eval(
            "return Array.from(document.querySelectorAll('.lp-item'))
               .map(function (e) { return [e.textContent, !e.disabled]; });",
            json!([]),
        )
        .await;
    let entries = v.as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .map(|e| (e[0].as_str().unwrap_or_default().to_owned(), e[1] == true))
        .collect()
}

/// Presses the player's Next button once it is enabled: after an AU's `ExitAU`, the
/// player's step poll brings the menu and the look-ahead that opens the next AU.
async fn next(b: &Browser) {
    b.frame(None).await;
    b.wait_for(
        "an enabled Next button",
        "var n = document.querySelector('.lp-next'); return !!n && !n.disabled && !n.hidden",
        30,
    )
    .await;
    b.click(&b.find(".lp-next").await).await;
}

/// Runs one AU's HACP session in the content frame (showing `page`) with `data`.
async fn au_session(b: &Browser, page: &str, data: &str) -> Value {
    enter_content(b, &showing(page)).await;
    let answers = b.eval(HACP_SESSION, json!([data])).await;
    for a in answers.as_array().expect("answers") {
        assert_eq!(a[0], 200, "{answers}");
        assert!(
            a[1].as_str().is_some_and(|t| t.starts_with("error=0")),
            "{answers}"
        );
    }
    answers
}

fn status(p: &Value, id: &str) -> (Value, Value, Value) {
    let a = activity(p, id);
    (
        a["completion_status"].clone(),
        a["success_status"].clone(),
        a["score"]["raw"].clone(),
    )
}

#[tokio::test]
async fn aicc_aus_with_prerequisites_report_over_hacp_and_move_on_with_next() {
    let app = TestApp::sqlite().await;
    app.import_fixture(AICC, "aicc").await;
    let url = app.register_and_launch("reg-aicc", "aicc", "ada").await;
    let b = Browser::start().await;
    open_content(&b, &url, &showing("intro.html")).await;
    // The AU's GetParam knows the learner.
    let answers = au_session(
        &b,
        "intro.html",
        "[Core]\r\nLesson_Status=passed\r\nScore=85\r\nTime=00:02:30\r\n[Core_Lesson]\r\npage 3\r\n",
    )
    .await;
    let get_param = answers[0][1]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        get_param.contains("student_name=lovelace, ada"),
        "{answers}"
    );
    let p = progress_until(&app, "reg-aicc", |p| {
        activity(p, "A1")["success_status"] == "passed"
    })
    .await;
    assert_eq!(
        status(&p, "A1"),
        (json!("completed"), json!("passed"), json!(85.0)),
        "{p}"
    );
    next(&b).await;
    au_session(
        &b,
        "scenario.html",
        "[Core]\r\nLesson_Status=completed\r\nTime=00:05:00\r\n",
    )
    .await;
    next(&b).await;
    au_session(
        &b,
        "assessment.html",
        "[Core]\r\nLesson_Status=p\r\nScore=90\r\n",
    )
    .await;
    // The last AU: nothing follows, the learner leaves with Exit once the menu is back.
    b.frame(None).await;
    b.wait_for(
        "the menu after the last AU",
        "return document.body.classList.contains('lp-toc-open')",
        30,
    )
    .await;
    exit_to_course_complete(&b).await;
    let p = progress_until(&app, "reg-aicc", |p| p["completion_status"] == "completed").await;
    assert_eq!(
        status(&p, "A2"),
        (json!("completed"), json!("unknown"), Value::Null),
        "{p}"
    );
    assert_eq!(
        status(&p, "A3"),
        (json!("completed"), json!("passed"), json!(90.0)),
        "{p}"
    );
    assert_eq!(p["success_status"], "passed", "{p}");
}

#[tokio::test]
async fn multi_sco_scorm12_with_prerequisites_through_the_outline_and_next() {
    let app = TestApp::sqlite().await;
    app.import_fixture(PREREQ12, "prereq").await;
    let url = app.register_and_launch("reg-multi", "prereq", "ada").await;
    let b = Browser::start().await;
    open_content(&b, &url, &showing("module1.html")).await;
    // The course, then its modules. Nothing but module 1 (playing) is open yet: 2 and 3
    // need it, 4 needs 1 and 2, or 3.
    let toc = outline(&b).await;
    assert_eq!(toc.len(), 5, "{toc:?}");
    assert_eq!(toc[1].0, "Module 1: Introduction", "{toc:?}");
    assert!(toc.iter().all(|(_, open)| !open), "{toc:?}");
    enter_content(&b, &showing("module1.html")).await;
    let set = json!([
        ["cmi.core.score.raw", "85"],
        ["cmi.core.lesson_status", "passed"]
    ]);
    let calls = b.eval(SCO_SESSION, json!([set])).await;
    assert_eq!(calls, json!(["true", "true", "true", "true"]));
    next(&b).await;
    enter_content(&b, &showing("module2.html")).await;
    let set = json!([["cmi.core.lesson_status", "completed"]]);
    b.eval(SCO_SESSION, json!([set])).await;
    // Module 4's prerequisite is now met: the learner picks it in the outline.
    b.frame(None).await;
    b.wait_for(
        "module 4 open in the outline",
        "var b = document.querySelectorAll('.lp-item')[4]; return !!b && !b.disabled",
        30,
    )
    .await;
    let items = b.find(".lp-toc li:nth-child(5) .lp-item").await;
    b.click(&items).await;
    enter_content(&b, &showing("module4.html")).await;
    let set = json!([
        ["cmi.core.score.raw", "95"],
        ["cmi.core.lesson_status", "passed"]
    ]);
    b.eval(SCO_SESSION, json!([set])).await;
    let p = progress_until(&app, "reg-multi", |p| {
        activity(p, "module4")["success_status"] == "passed"
    })
    .await;
    assert_eq!(
        status(&p, "module1"),
        (json!("completed"), json!("passed"), json!(85.0)),
        "{p}"
    );
    assert_eq!(status(&p, "module2").0, json!("completed"), "{p}");
    assert_eq!(status(&p, "module3").0, json!("unknown"), "{p}");
    assert_eq!(
        status(&p, "module4"),
        (json!("completed"), json!("passed"), json!(95.0)),
        "{p}"
    );
    assert_eq!(p["completion_status"], "incomplete", "{p}");
}
