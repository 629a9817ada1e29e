//! The player's frame in a real headless Chromium, against the real server on SQLite: the
//! environment's branding applied under the strict CSP, a course set to open in a new window
//! whose SCO finds the API through `opener`, and a reload after the course ended showing the
//! end. Needs /usr/bin/chromium and chromedriver (`.ci/run` installs them); fails loudly
//! without them.

#[path = "e2e/webdriver.rs"]
#[expect(
    dead_code,
    reason = "the shared WebDriver client has more than this test uses"
)]
mod webdriver;

use larch_server::testing::TestApp;
use serde_json::{Value, json};
use webdriver::Browser;

const GOLF12: &str = "scorm12/golf_RuntimeBasicCalls_SCORM12.zip";
const LOGO: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg==";

#[tokio::test]
async fn a_branded_player_opens_the_content_in_a_new_window_and_a_reload_shows_the_end() {
    let app = TestApp::sqlite().await;
    app.import_fixture(GOLF12, "golf").await;
    let settings = json!({"content_window": "new_window"});
    let res = app
        .patch("/v1/courses/golf", &settings)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let branding = json!({"logo_url": LOGO, "primary_color": "#aa3300", "name": "Acme"});
    let res = app
        .request(reqwest::Method::PUT, "/v1/player/branding")
        .json(&branding)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let url = app.register_and_launch("r", "golf", "ada").await;

    let b = Browser::start().await;
    b.goto(&url).await;
    // The SCO runs in its own window and initialized through `opener.API` (the player's).
    b.wait_for(
        "the SCO initialized in its own window",
        "var p = window.larchPlayer; return !!p && !!p.cw && !p.cw.closed && !!p.api && p.api.ph === 1 \
         && p.cw.location.pathname.indexOf('/a/') === 0 && p.cw.opener === window",
        30,
    )
    .await;
    let frame = b
        .eval(
            "var cs = getComputedStyle(document.documentElement), logo = document.querySelector('.lp-logo'); \
             return [document.querySelector('.lp-frame').getAttribute('src'), \
                     document.querySelector('.lp-msg h2').textContent, \
                     cs.getPropertyValue('--lp-brand').trim(), logo.hidden, logo.src, logo.alt, \
                     logo.complete && logo.naturalWidth > 0]",
            json!([]),
        )
        .await;
    assert_eq!(
        frame,
        json!([
            Value::Null,
            "The course opened in a new window",
            "#aa3300",
            false,
            LOGO,
            "Acme",
            true
        ])
    );
    // The learner's Exit closes the content window; the SCO's unload handler finishes.
    b.click(&b.find(".lp-exit").await).await;
    let heading = b
        .wait_for(
            "the course-complete page",
            "var p = window.larchPlayer; return document.body.classList.contains('lp-over') && p.cw === null \
             && document.querySelector('.lp-msg h2').textContent",
            30,
        )
        .await;
    assert_eq!(heading, "Course complete");
    let launches: Value = app
        .get("/v1/registrations/r/launches")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(launches["data"][0]["exit"], "course_over", "{launches}");
    let transcript: Value = app
        .get("/v1/registrations/r/transcript")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !transcript["data"].as_array().unwrap().is_empty(),
        "the SCO in its own window committed through the opener's API"
    );

    // A reload of the ended player shows the end, not "relaunch".
    b.eval(
        "window.oldPage = true; location.reload(); return true",
        json!([]),
    )
    .await;
    let after = b
        .wait_for(
            "the reloaded page",
            "var h = document.querySelector('.lp-msg h2'); \
             return !window.oldPage && location.pathname.indexOf('/p/') === 0 && !!h && h.textContent",
            30,
        )
        .await;
    assert_eq!(after, "Course complete");
}
