//! Run-time flows over real HTTP, on each store: a reload after commits re-delivers from the
//! server's data, SCORM 2004 navigation through the sequencing engine, the abandoned-session
//! timeout, and AICC HACP.

use larch_server::ServerConfig;
#[expect(dead_code, reason = "shared with the other run-time API tests")]
#[path = "runtime_api/player.rs"]
mod runtime_api;

use larch_server::testing::TestApp;
use runtime_api::{Player, commit};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn a_reload_after_the_course_ended_shows_the_end_not_a_relaunch() {
    for app in TestApp::each_store().await {
        app.import_fixture("scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip", "golf")
            .await;
        let player = Player::open(&app, &app.register_and_launch("r", "golf", "ada").await).await;
        let first = player.send(&app, "state", None).await;
        let next = &first["step"]["next"];
        let passed = [("cmi.core.lesson_status", "passed")];
        let done = player
            .send(
                &app,
                "commit",
                Some(commit(next, 1, &passed, true, &Value::Null)),
            )
            .await;
        assert_eq!(done["next"]["next"], "course_over", "{done}");
        // The player session ended with the course; a reload of the tab reads the end.
        let reloaded = player.send(&app, "state", None).await;
        assert_eq!(
            reloaded["step"]["next"]["next"],
            "course_over",
            "{}",
            app.kind()
        );
        // Read-only: nothing more can be written through it.
        let late = commit(
            next,
            2,
            &[("cmi.core.lesson_status", "failed")],
            true,
            &Value::Null,
        );
        let (status, _) = player.commit(&app, late).await;
        assert_eq!(status, 401);
        // A wrong secret for that page still gets the relaunch answer.
        let state = format!("{}/p/{}/api/state", player.base, player.pid);
        let forged = app.client.get(&state).header("x-larch-session", "forged");
        assert_eq!(forged.send().await.unwrap().status(), 401);
        // A session ended otherwise (superseded by a relaunch) is not the end of the course.
        let other = Player::open(&app, &app.launch_url("r").await).await;
        other.send(&app, "state", None).await;
        Player::open(&app, &app.launch_url("r").await).await;
        let (status, _) = other.refused(&app, "state", None).await;
        assert_eq!(status, 401, "{}", app.kind());
    }
}

#[tokio::test]
async fn a_reload_after_commits_resumes_from_the_server_data() {
    for app in TestApp::each_store().await {
        app.import_fixture("scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip", "golf")
            .await;
        let player = Player::open(&app, &app.register_and_launch("r", "golf", "ada").await).await;
        let first = player.send(&app, "state", None).await;
        let again = player.send(&app, "state", None).await;
        assert_eq!(
            first["step"], again["step"],
            "nothing committed yet: the same delivery"
        );
        let next = &first["step"]["next"];
        let changes = [("cmi.core.exit", "suspend"), ("cmi.suspend_data", "page=7")];
        player
            .send(
                &app,
                "commit",
                Some(commit(next, 1, &changes, false, &Value::Null)),
            )
            .await;
        let reloaded = player.send(&app, "state", None).await;
        let delivery = &reloaded["step"]["next"];
        assert_ne!(delivery["session"], next["session"], "{}", app.kind());
        assert_eq!(
            delivery["cmi"]["values"]["cmi.suspend_data"], "page=7",
            "{delivery}"
        );
        assert_eq!(delivery["cmi"]["values"]["cmi.core.entry"], "resume");
    }
}

#[tokio::test]
async fn a_terminating_commit_retried_after_the_course_ended_is_told_the_course_is_complete() {
    for app in TestApp::each_store().await {
        app.import_fixture("scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip", "golf")
            .await;
        let player = Player::open(&app, &app.register_and_launch("r", "golf", "ada").await).await;
        let state = player.send(&app, "state", None).await;
        let done = [("cmi.core.lesson_status", "completed")];
        let last = commit(&state["step"]["next"], 1, &done, true, &Value::Null);
        let answer = player.send(&app, "commit", Some(last.clone())).await;
        assert_eq!(answer["next"]["next"], "course_over", "{answer}");
        // The answer was lost on the way; the shim sends the commit again.
        let again = player.refused(&app, "commit", Some(last)).await;
        assert_eq!(again, (401, json!("course_complete")), "{}", app.kind());
        // A session ended otherwise (a relaunch) is only invalid.
        let other = Player::open(&app, &app.launch_url("r").await).await;
        let url = app.launch_url("r").await;
        Player::open(&app, &url).await;
        let ended = other.refused(&app, "state", None).await;
        assert_eq!(ended, (401, json!("session_invalid")), "{}", app.kind());
    }
}

/// The same retry, when it reaches a node that still trusts the session (verified there within
/// its 5 s) after another node ended it: the retry passes authentication and is a duplicate
/// of the applied commit. It must still say the course is complete: the player acts only on
/// an ending commit's `next`, and a duplicate's empty one left it on the terminated SCO.
#[tokio::test]
async fn a_terminating_commit_retried_through_another_nodes_trusted_session_is_told_the_course_is_complete()
 {
    let a = TestApp::postgres().await;
    let b = a.another_node().await;
    a.import_fixture("scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip", "golf")
        .await;
    let on_a = Player::open(&a, &a.register_and_launch("r", "golf", "ada").await).await;
    let on_b = Player {
        base: b.content_url.clone(),
        pid: on_a.pid.clone(),
        secret: on_a.secret.clone(),
        csp: on_a.csp.clone(),
    };
    let state = on_a.send(&a, "state", None).await;
    let next = &state["step"]["next"];
    // Node b verifies the session and keeps trusting it.
    let first = commit(
        next,
        1,
        &[("cmi.core.lesson_location", "p1")],
        false,
        &Value::Null,
    );
    on_b.send(&b, "commit", Some(first)).await;
    // Node a delivers the terminating commit and ends the session with the course.
    let done = [("cmi.core.lesson_status", "completed")];
    let last = commit(next, 2, &done, true, &Value::Null);
    let answer = on_a.send(&a, "commit", Some(last.clone())).await;
    assert_eq!(answer["next"]["next"], "course_over", "{answer}");
    // The retry reaches node b.
    let retried = on_b.refused(&b, "commit", Some(last)).await;
    assert_eq!(retried, (401, json!("course_complete")));
}

#[tokio::test]
async fn scorm_2004_navigation_runs_the_sequencing_engine() {
    let fixture = "scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip";
    for app in TestApp::each_store().await {
        app.import_fixture(fixture, "seq").await;
        let player = Player::open(&app, &app.register_and_launch("r", "seq", "ada").await).await;
        let state = player.send(&app, "state", None).await;
        assert_eq!(state["data_model"], "scorm_2004_3rd");
        let first = state["step"]["next"].clone();
        assert_eq!(first["next"], "deliver", "{state}");
        assert_eq!(
            state["step"]["nav"]["continue_"], true,
            "{}",
            state["step"]["nav"]
        );
        let done = [
            ("cmi.completion_status", "completed"),
            ("cmi.success_status", "passed"),
        ];
        let nav = json!({"request": "continue"});
        let result = player
            .send(&app, "commit", Some(commit(&first, 1, &done, false, &nav)))
            .await;
        let second = &result["next"];
        assert_eq!(second["next"], "deliver", "{} {result}", app.kind());
        assert_ne!(second["activity"], first["activity"]);
        // The learner goes back with the button while no SCO is loaded? Not here: a SCO is.
        let back = json!({"request": "previous"});
        let result = player
            .send(&app, "commit", Some(commit(second, 1, &[], false, &back)))
            .await;
        assert_eq!(result["next"]["activity"], first["activity"], "{result}");
        let progress: Value = app
            .get("/v1/registrations/r/progress")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let sco = progress["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == first["activity"])
            .unwrap()
            .clone();
        assert_eq!(
            (
                sco["completion_status"].as_str(),
                sco["success_status"].as_str()
            ),
            (Some("completed"), Some("passed")),
            "{sco}"
        );
    }
}

#[tokio::test]
async fn an_idle_session_is_closed_as_abandoned_with_its_data() {
    let config = ServerConfig {
        session_timeout: Duration::ZERO,
        session_sweep_interval: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    for app in TestApp::each_store_with(config.clone()).await {
        app.import_fixture("scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip", "golf")
            .await;
        let player = Player::open(&app, &app.register_and_launch("r", "golf", "ada").await).await;
        let state = player.send(&app, "state", None).await;
        let next = &state["step"]["next"];
        let set = [
            ("cmi.core.lesson_status", "completed"),
            ("cmi.core.session_time", "00:01:30"),
        ];
        player
            .send(
                &app,
                "commit",
                Some(commit(next, 1, &set, false, &Value::Null)),
            )
            .await;
        let mut exit = Value::Null;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let launches: Value = app
                .get("/v1/registrations/r/launches")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            exit = launches["data"][0]["exit"].clone();
            if exit == "abandoned" {
                break;
            }
        }
        assert_eq!(exit, "abandoned", "{}", app.kind());
        let progress: Value = app
            .get("/v1/registrations/r/progress")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(progress["completion_status"], "completed");
        assert_eq!(progress["total_time"], "PT0H1M30S", "{progress}");
    }
}

async fn hacp(app: &TestApp, form: &[(&str, &str)]) -> String {
    let url = format!("{}/hacp", app.content_url);
    let res = app.client.post(url).form(form).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn aicc_hacp_reads_and_records_the_au_data() {
    for app in TestApp::each_store().await {
        app.import_fixture("aicc/emp_aicc_package.zip", "aicc")
            .await;
        let player = Player::open(&app, &app.register_and_launch("r", "aicc", "ada").await).await;
        let state = player.send(&app, "state", None).await;
        let url = state["step"]["next"]["url"].as_str().unwrap().to_owned();
        let query: std::collections::HashMap<String, String> =
            url::Url::parse(&format!("http://x/{url}"))
                .unwrap()
                .query_pairs()
                .into_owned()
                .collect();
        let sid = query["aicc_sid"].clone();
        assert_eq!(query["aicc_url"], format!("{}/hacp", app.content_url));
        let got = hacp(
            &app,
            &[
                ("command", "GetParam"),
                ("version", "4.0"),
                ("session_id", &sid),
            ],
        )
        .await;
        assert!(got.starts_with("error=0\r\n"), "{got}");
        assert!(
            got.to_ascii_lowercase()
                .contains("student_name=lovelace, ada"),
            "{got}"
        );
        let data = "[Core]\r\nLesson_Status=passed\r\nScore=90\r\nTime=00:02:00\r\n[Core_Lesson]\r\nbookmark=4\r\n";
        let put = hacp(
            &app,
            &[
                ("COMMAND", "putparam"),
                ("session_id", &sid),
                ("AICC_Data", data),
            ],
        )
        .await;
        assert!(put.starts_with("error=0"), "{put}");
        // The player watches the AU through `step`: still its delivery…
        let step = player.send(&app, "step", None).await;
        assert_eq!(step["next"]["session"], state["step"]["next"]["session"]);
        let exit = hacp(&app, &[("command", "ExitAU"), ("session_id", &sid)]).await;
        assert!(exit.starts_with("error=0"), "{exit}");
        // …until ExitAU ended the course (one AU): the step is the end.
        let over = player.send(&app, "step", None).await;
        assert_eq!(over["next"]["next"], "course_over", "{}", app.kind());
        let forged = hacp(
            &app,
            &[("command", "GetParam"), ("session_id", "nope.nope")],
        )
        .await;
        assert!(forged.starts_with("error=3"), "{forged}");
        let unknown = hacp(&app, &[("command", "Dance"), ("session_id", &sid)]).await;
        assert!(unknown.starts_with("error=1"), "{unknown}");
        let progress: Value = app
            .get("/v1/registrations/r/progress")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            progress["success_status"],
            "passed",
            "{} {progress}",
            app.kind()
        );
        assert_eq!(progress["score"]["raw"], 90.0);
    }
}
