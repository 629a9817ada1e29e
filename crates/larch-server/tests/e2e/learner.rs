//! What the end-to-end tests do as a learner (open a launch URL, step into the content
//! frame) and as the integrator (read the results API), shared by the `player_e2e*` tests.

use crate::webdriver::Browser;
use larch_server::testing::TestApp;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The golf examples' launch page has started: its page counter and buttons exist.
pub const GOLF_STARTED: &str =
    "return typeof currentPage === 'number' && !!document.getElementById('butNext')";

/// `GET path` on the API origin as JSON.
pub async fn get(app: &TestApp, path: &str) -> Value {
    app.get(path)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json")
}

/// Polls the progress of `reg` for up to `secs` until `done` holds: `Ok(progress)`, or
/// `Err(last answer)`.
pub async fn wait_progress(
    app: &TestApp,
    reg: &str,
    secs: u64,
    done: impl Fn(&Value) -> bool,
) -> Result<Value, Value> {
    let path = format!("/v1/registrations/{reg}/progress");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let last = get(app, &path).await;
        if done(&last) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            return Err(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls the progress of `reg` until `done` holds, or panics with the last answer (10 s).
pub async fn progress_until(app: &TestApp, reg: &str, done: impl Fn(&Value) -> bool) -> Value {
    wait_progress(app, reg, 10, done)
        .await
        .unwrap_or_else(|last| panic!("progress of {reg} never matched: {last}"))
}

/// `url` with its origin replaced by `origin` (a proxy in front of the content origin; the
/// player's own requests are relative, so they all go through it).
pub fn via(url: &str, origin: &str) -> String {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .expect("an absolute URL");
    format!("{}{path}", origin.trim_end_matches('/'))
}

/// Opens the launch URL and steps into the content frame once it has loaded the course and
/// `ready` (a script run in the frame) answers true.
pub async fn open_content(b: &Browser, url: &str, ready: &str) {
    b.goto(url).await;
    b.wait_for(
        "the content frame",
        "var f = document.querySelector('.lp-frame'); return !!f && f.src.indexOf('/a/') >= 0",
        30,
    )
    .await;
    enter_content(b, ready).await;
}

/// From the player page, into the content frame once `ready` holds there; again after any
/// prompt (the golf SCO's resume question) reset the browsing context.
pub async fn enter_content(b: &Browser, ready: &str) {
    for _ in 0..300 {
        if b.try_frame(None).await {
            let frame = b.find(".lp-frame").await;
            if b.try_frame(Some(&frame)).await && b.try_eval(ready).await == true {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the content did not start: {ready}");
}

/// The launchable activity `id` of a progress answer.
pub fn activity<'a>(p: &'a Value, id: &str) -> &'a Value {
    p["activities"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id))
        .unwrap_or(&Value::Null)
}

/// Presses the player's Exit and waits for the course-complete page the player shows when
/// the course is over.
pub async fn exit_to_course_complete(b: &Browser) {
    b.click(&b.find(".lp-exit").await).await;
    let heading = b
        .wait_for(
            "the course-complete page",
            "return document.body.classList.contains('lp-over') && document.querySelector('.lp-msg h2').textContent",
            30,
        )
        .await;
    assert_eq!(heading, "Course complete");
}
