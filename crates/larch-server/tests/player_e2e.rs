//! The player and the SCORM API shim in a real headless Chromium, against the real server
//! on SQLite: a golf SCORM 1.2 package from `../shared/fixtures` is uploaded, launched and
//! clicked through (pages, quiz, the player's buttons) as a learner would, and the results
//! API must show what the content reported. Needs /usr/bin/chromium and chromedriver
//! (`.ci/run` installs them); fails loudly without them.

#[expect(dead_code, reason = "shared with the other end-to-end tests")]
#[path = "e2e/learner.rs"]
mod learner;
#[path = "e2e/webdriver.rs"]
mod webdriver;

use larch_server::testing::TestApp;
use learner::{GOLF_STARTED, exit_to_course_complete, get, open_content, progress_until};
use serde_json::json;
use webdriver::Browser;

const GOLF12: &str = "scorm12/golf_RuntimeBasicCalls_SCORM12.zip";
const GOLF2004_FORCED: &str =
    "scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip";

/// Opens the launch URL and steps into the golf SCO's frame once it has started.
async fn open_sco(b: &Browser, url: &str) {
    open_content(b, url, GOLF_STARTED).await;
}

/// Clicks the SCO's own "Next" button `n` times.
async fn next_pages(b: &Browser, n: usize) {
    let next = b.find("#butNext").await;
    for _ in 0..n {
        b.click(&next).await;
    }
}

/// In the SCO's quiz frame: the right answer to every question, then "Submit Answers".
async fn pass_the_quiz(b: &Browser) {
    b.wait_for(
        "the quiz",
        "var f = document.getElementById('contentFrame'); return !!f && !!f.contentWindow.test && f.contentWindow.document.readyState === 'complete'",
        30,
    )
    .await;
    let inner = b.find("#contentFrame").await;
    b.frame(Some(&inner)).await;
    let answers = b
        .eval(
            "return test.Questions.map(function (q) {
               var id = 'question_' + q.Id + '_';
               if (q.Type === 'choice') return [id + q.Answers.indexOf(q.CorrectAnswer), ''];
               if (q.Type === 'true-false') return [id + (q.CorrectAnswer ? 'True' : 'False'), ''];
               return [id + 'Text', String(q.CorrectAnswer)];
             });",
            json!([]),
        )
        .await;
    for a in answers.as_array().expect("answers") {
        let el = b
            .find(&format!("[id='{}']", a[0].as_str().expect("id")))
            .await;
        match a[1].as_str().unwrap_or_default() {
            "" => b.click(&el).await,
            text => b.type_text(&el, text).await,
        }
    }
    b.click(&b.find("input[value='Submit Answers']").await)
        .await;
}

#[tokio::test]
async fn golf_scorm12_is_clicked_through_passed_and_exited_in_chromium() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF12, "golf12").await;
    let url = app.register_and_launch("reg-golf", "golf12", "ada").await;
    let b = Browser::start().await;
    open_sco(&b, &url).await;
    b.frame(None).await;
    // The spent token left the address bar and the secret left the DOM.
    let page = b
        .eval("return [location.pathname, document.body.hasAttribute('data-secret'), !!window.API, !!window.API_1484_11]", json!([]))
        .await;
    assert!(
        page[0]
            .as_str()
            .is_some_and(|p| p.starts_with("/p/") && p.ends_with('/')),
        "{page}"
    );
    assert_eq!(
        (page[1].clone(), page[2].clone(), page[3].clone()),
        (json!(false), json!(true), json!(false))
    );
    let frame = b.find(".lp-frame").await;
    b.frame(Some(&frame)).await;
    next_pages(&b, 14).await;
    pass_the_quiz(&b).await;
    b.frame(None).await;
    // The player's Exit unloads the SCO, whose unload handler calls LMSFinish: its last
    // values and the learner's exit travel together and the course ends.
    exit_to_course_complete(&b).await;
    let p = progress_until(&app, "reg-golf", |p| p["success_status"] == "passed").await;
    assert_eq!(p["completion_status"], "completed", "{p}");
    assert_eq!(p["score"]["raw"].as_f64(), Some(100.0), "{p}");
}

#[tokio::test]
async fn closing_the_tab_right_after_completion_keeps_the_completion() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF12, "golf12").await;
    let first = app.register_and_launch("reg-close", "golf12", "ada").await;
    let b = Browser::start().await;
    open_sco(&b, &first).await;
    // The last page sets lesson_status "completed"; the tab goes before the debounce ends.
    next_pages(&b, 14).await;
    b.close_tab().await;
    let p = progress_until(&app, "reg-close", |p| p["completion_status"] == "completed").await;
    assert_eq!(p["completion_status"], "completed");
}

#[tokio::test]
async fn suspend_and_resume_across_launches() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF12, "golf12").await;
    let first = app.register_and_launch("reg-resume", "golf12", "ada").await;
    let b = Browser::start().await;
    open_sco(&b, &first).await;
    next_pages(&b, 3).await;
    b.frame(None).await;
    // "Save and exit": the SCO sets cmi.core.exit = suspend as it unloads.
    b.click(&b.find(".lp-suspend").await).await;
    b.wait_for(
        "the end page",
        "return document.body.classList.contains('lp-over')",
        30,
    )
    .await;
    // A new launch resumes at page 3 (the SCO asks with confirm(), which the browser accepts).
    open_sco(&b, &app.launch_url("reg-resume").await).await;
    let page = b
        .wait_for(
            "the resumed page",
            "return currentPage === 3 && currentPage",
            30,
        )
        .await;
    assert_eq!(page, 3);
    // Without its secret (another tab, storage cleared) the page offers a relaunch.
    b.frame(None).await;
    b.eval("sessionStorage.clear(); location.reload()", json!([]))
        .await;
    let heading = b
        .wait_for(
            "the relaunch page",
            "var h = document.querySelector('.lp-msg h2'); return !!h && h.textContent",
            30,
        )
        .await;
    assert_eq!(heading, "This session has ended");
}

#[tokio::test]
async fn scorm2004_sequencing_moves_on_with_the_players_next_button_on_a_phone() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF2004_FORCED, "forced").await;
    let first = app.register_and_launch("reg-seq", "forced", "ada").await;
    let b = Browser::start().await;
    b.resize(390, 844).await;
    open_sco(&b, &first).await;
    let sco = b.eval("return location.search", json!([])).await;
    assert_eq!(sco, "?content=playing");
    // The last page completes and passes the SCO and commits.
    next_pages(&b, 4).await;
    b.frame(None).await;
    // A phone: 44 px tap targets, the frame fills the rest, the TOC is a drawer.
    let layout = b
        .eval(
            "var r = function (s) { return document.querySelector(s).getBoundingClientRect(); };
             return [r('.lp-next').height, r('.lp-frame').height, window.API_1484_11 !== undefined,
                     !!window.API, document.body.classList.contains('lp-has-toc'), r('.lp-menu').height];",
            json!([]),
        )
        .await;
    assert!(layout[0].as_f64() >= Some(44.0), "{layout}");
    assert!(layout[1].as_f64() >= Some(500.0), "{layout}");
    assert_eq!(
        (&layout[2], &layout[3], &layout[4]),
        (&json!(true), &json!(false), &json!(true)),
        "{layout}"
    );
    assert!(layout[5].as_f64() >= Some(44.0), "{layout}");
    b.click(&b.find(".lp-menu").await).await;
    let drawer = b
        .wait_for("the TOC drawer", "var r = document.querySelector('.lp-side').getBoundingClientRect(); return document.body.classList.contains('lp-toc-open') && r.left >= 0 && r.width", 10)
        .await;
    assert!(drawer.as_f64() > Some(200.0), "{drawer}");
    let titles = b
        .eval("return Array.from(document.querySelectorAll('.lp-item')).map(function (e) { return e.textContent; })", json!([]))
        .await;
    assert!(titles.to_string().contains("Etiquette"), "{titles}");
    b.click(&b.find(".lp-menu").await).await;
    // The player's Next: the SCO unloads (Terminate), `continue` delivers the next SCO.
    b.click(&b.find(".lp-next").await).await;
    b.wait_for(
        "the second SCO",
        "var f = document.querySelector('.lp-frame'); return !!f && f.src.indexOf('content=etiquette') >= 0",
        30,
    )
    .await;
    let frame = b.find(".lp-frame").await;
    b.frame(Some(&frame)).await;
    b.wait_for(
        "the second SCO to start",
        "return typeof currentPage === 'number'",
        30,
    )
    .await;
    let p = progress_until(&app, "reg-seq", |p| {
        p["activities"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["id"] == "playing_item" && x["completion_status"] == "completed")
        })
    })
    .await;
    let playing = p["activities"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == "playing_item"))
        .cloned();
    assert_eq!(
        playing.map(|x| x["success_status"].clone()),
        Some(json!("passed")),
        "{p}"
    );
}

#[tokio::test]
async fn a_completion_made_offline_is_kept_and_replayed_at_the_next_launch() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF12, "golf12").await;
    let first = app
        .register_and_launch("reg-offline", "golf12", "ada")
        .await;
    let b = Browser::start().await;
    open_sco(&b, &first).await;
    b.frame(None).await;
    b.offline(true).await;
    let frame = b.find(".lp-frame").await;
    b.frame(Some(&frame)).await;
    // The last page sets "completed"; every commit fails and waits in localStorage.
    next_pages(&b, 14).await;
    b.frame(None).await;
    let kept = b
        .wait_for(
            "the commit kept in localStorage",
            // The registration's record and its commits, one slot each.
            "var q = ''; for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i); \
             if (k.indexOf('larch.pending.reg-offline.0') === 0) q += localStorage.getItem(k); } \
             return q.indexOf('completed') >= 0 && q",
            10,
        )
        .await;
    assert!(
        kept.as_str()
            .is_some_and(|q| q.contains("cmi.core.lesson_status")),
        "{kept}"
    );
    let path = "/v1/registrations/reg-offline/progress";
    assert_ne!(
        get(&app, path).await["completion_status"],
        "completed",
        "the network was not off"
    );
    // The tab dies without unloading; the learner comes back in another tab, online.
    let other = b.new_tab().await;
    b.crash().await;
    b.switch_to(&other).await;
    // The next launch in this browser replays what localStorage kept.
    b.goto(&app.launch_url("reg-offline").await).await;
    let p = progress_until(&app, "reg-offline", |p| {
        p["completion_status"] == "completed"
    })
    .await;
    assert_eq!(p["completion_status"], "completed");
}
