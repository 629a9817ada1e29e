//! A course's player settings over real HTTP, on each store: `strictness` reaches both the
//! shim (the state's `config`) and the server's validation of commits, `content_window` the
//! player (the state's `window`); a player session keeps what its launch read.

use larch_server::testing::TestApp;
use serde_json::{Value, json};

const SINGLE_SCO: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";

struct Player {
    pid: String,
    secret: String,
    state: Value,
}

async fn launch(app: &TestApp) -> Player {
    let html = app
        .content_get(&app.launch_url("r").await)
        .await
        .text()
        .await
        .unwrap();
    let attr = |name: &str| {
        let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let (pid, secret) = (attr("data-pid"), attr("data-secret"));
    let state = app
        .client
        .get(format!("{}/p/{pid}/api/state", app.content_url))
        .header("x-larch-session", &secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Player { pid, secret, state }
}

/// Commits a `cmi.core.lesson_location` longer than SCORM 1.2's 255 characters; the
/// rejected changes.
async fn commit_long_location(app: &TestApp, player: &Player) -> Value {
    let next = &player.state["step"]["next"];
    let body = json!({"session": next["session"], "seq": 1, "activity": next["activity"],
        "changes": [{"element": "cmi.core.lesson_location", "value": "x".repeat(300)}],
        "terminate": false, "nav_request": null});
    let res = app
        .client
        .post(format!("{}/p/{}/api/commit", app.content_url, player.pid))
        .header("x-larch-session", &player.secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", app.kind());
    let result: Value = res.json().await.unwrap();
    result["rejected"].clone()
}

async fn patch(app: &TestApp, body: &Value) -> Value {
    let res = app.patch("/v1/courses/golf", body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn strictness_and_content_window_reach_the_player_and_the_server() {
    for app in TestApp::each_store().await {
        let course = app.import_fixture(SINGLE_SCO, "golf").await;
        assert_eq!(
            (&course["strictness"], &course["content_window"]),
            (&json!("forgiving"), &json!("frame"))
        );
        app.register_and_launch("r", "golf", "ada").await;

        // The defaults: forgiving everywhere, the content in the frame.
        let forgiving = launch(&app).await;
        assert_eq!(
            forgiving.state["config"]["strictness"],
            "forgiving",
            "{}",
            app.kind()
        );
        assert_eq!(forgiving.state["config"]["forgiving_max_len"], 64_000);
        assert_eq!(forgiving.state["window"], "frame");

        let changed = patch(
            &app,
            &json!({"strictness": "strict", "content_window": "new_window"}),
        )
        .await;
        assert_eq!(
            (&changed["strictness"], &changed["content_window"]),
            (&json!("strict"), &json!("new_window"))
        );
        // A session launched before the change keeps what its launch read.
        assert_eq!(commit_long_location(&app, &forgiving).await, json!([]));

        let strict = launch(&app).await;
        assert_eq!(
            strict.state["config"]["strictness"],
            "strict",
            "{}",
            app.kind()
        );
        assert_eq!(strict.state["window"], "new_window");
        let rejected = commit_long_location(&app, &strict).await;
        assert_eq!(
            rejected[0]["element"], "cmi.core.lesson_location",
            "{rejected}"
        );

        // Back to the defaults; unknown values are refused at the edge.
        let reset = patch(
            &app,
            &json!({"strictness": "forgiving", "content_window": "frame"}),
        )
        .await;
        assert_eq!(reset["content_window"], "frame");
        let again = launch(&app).await;
        assert_eq!(
            (&again.state["config"]["strictness"], &again.state["window"]),
            (&json!("forgiving"), &json!("frame"))
        );
        for bad in [
            json!({"strictness": "lenient"}),
            json!({"content_window": "popup"}),
        ] {
            let res = app.patch("/v1/courses/golf", &bad).send().await.unwrap();
            assert_eq!(res.status(), 400, "{bad}");
        }
    }
}
