//! The player's run-time API over real HTTP, on each store: a launch URL opens a player session,
//! the state names the delivery, commits are applied idempotently, course files are served
//! under a signed prefix only, and the results API reports what the content set.

#[expect(dead_code, reason = "shared with the other run-time API tests")]
#[path = "runtime_api/player.rs"]
mod runtime_api;

use larch_server::testing::TestApp;
use runtime_api::{Player, commit};
use serde_json::Value;

const SINGLE_SCO: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";

#[tokio::test]
async fn a_scorm_12_session_records_what_the_content_set() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let url = app.register_and_launch("reg-1", "golf", "ada").await;
        let player = Player::open(&app, &url).await;
        let state = player.state(&app).await;
        assert_eq!(state["object"], "player_state");
        assert_eq!(state["data_model"], "scorm_1_2");
        assert_eq!(state["step"]["next"]["next"], "deliver", "{state}");
        assert_eq!(
            state["step"]["next"]["launch"]["learner_name"],
            "Lovelace, Ada"
        );
        let changes = [
            ("cmi.core.lesson_status", "passed"),
            ("cmi.core.score.raw", "85"),
        ];
        let (status, result) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 1, &changes, false, &Value::Null),
            )
            .await;
        assert_eq!(
            (status, result["status"].as_str()),
            (200, Some("applied")),
            "{result}"
        );
        // The same commit again (a retry) changes nothing.
        let (status, again) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 1, &changes, false, &Value::Null),
            )
            .await;
        assert_eq!((status, again["status"].as_str()), (200, Some("duplicate")));
        // A later stale commit cannot undo the pass.
        let undo = [("cmi.core.lesson_status", "incomplete")];
        let (_, finish) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 2, &undo, true, &Value::Null),
            )
            .await;
        assert_eq!(finish["status"], "applied", "{finish}");
        let progress: Value = app
            .get("/v1/registrations/reg-1/progress")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            progress["completion_status"],
            "completed",
            "{} {progress}",
            app.kind()
        );
        assert_eq!(progress["success_status"], "passed");
        assert_eq!(progress["score"]["raw"], 85.0);
        let reg: Value = app
            .get("/v1/registrations/reg-1")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (reg["completion_status"].as_str(), reg["score_raw"].as_f64()),
            (Some("completed"), Some(85.0))
        );
        let transcript: Value = app
            .get("/v1/registrations/reg-1/transcript")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let elements: Vec<&str> = transcript["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["element"].as_str().unwrap())
            .collect();
        assert!(
            elements.starts_with(&["cmi.core.lesson_status", "cmi.core.score.raw"]),
            "{elements:?}"
        );
        let launches: Value = app
            .get("/v1/registrations/reg-1/launches")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(launches["data"].as_array().unwrap().len(), 1, "{launches}");
    }
}

#[tokio::test]
async fn progress_with_runtime_data_uses_the_standards_element_names() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let url = app.register_and_launch("reg-1", "golf", "ada").await;
        let player = Player::open(&app, &url).await;
        let state = player.state(&app).await;
        let changes = [
            ("cmi.suspend_data", "page=3"),
            ("cmi.interactions.0.id", "q1"),
            ("cmi.interactions.0.result", "correct"),
        ];
        let (status, result) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 1, &changes, false, &Value::Null),
            )
            .await;
        assert_eq!(status, 200, "{result}");
        let res = app
            .get("/v1/registrations/reg-1/progress?include_runtime=true")
            .send()
            .await
            .unwrap();
        let progress: Value = res.json().await.unwrap();
        let sco = progress["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["launchable"] == true)
            .unwrap()
            .clone();
        assert_eq!(
            sco["runtime"]["cmi.suspend_data"],
            "page=3",
            "{} {sco}",
            app.kind()
        );
        assert_eq!(sco["interactions"][0]["id"], "q1");
        assert_eq!(sco["interactions"][0]["result"], "correct");
    }
}

#[tokio::test]
async fn sessions_are_checked_on_every_call() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let url = app.register_and_launch("reg-1", "golf", "ada").await;
        let player = Player::open(&app, &url).await;
        let forged = Player {
            secret: "x".repeat(43),
            ..Player::open(&app, &app.launch_url("reg-1").await).await
        };
        let res = forged
            .call(&app, reqwest::Method::GET, "state")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{}", app.kind());
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "session_invalid");
        // The first player's session ended when the second launch opened.
        let res = player
            .call(&app, reqwest::Method::GET, "state")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let res = app
            .client
            .get(format!("{}/p/{}/api/state", app.content_url, player.pid))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "no header");
    }
}

#[tokio::test]
async fn course_files_need_a_valid_signature_and_honour_ranges() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let url = app.register_and_launch("reg-1", "golf", "ada").await;
        let player = Player::open(&app, &url).await;
        let state = player.state(&app).await;
        let base = state["asset_base"].as_str().unwrap();
        let href = state["step"]["next"]["url"].as_str().unwrap();
        let path = href.split('?').next().unwrap();
        let file = format!("{}{base}{path}", app.content_url);
        let res = app.content_get(&file).await;
        assert_eq!(res.status(), 200, "{} {file}", app.kind());
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let size = res.bytes().await.unwrap().len();
        let ranged = app
            .client
            .get(&file)
            .header("range", "bytes=0-9")
            .send()
            .await
            .unwrap();
        assert_eq!(ranged.status(), 206);
        assert_eq!(
            ranged.headers()["content-range"],
            format!("bytes 0-9/{size}").as_str()
        );
        assert_eq!(ranged.bytes().await.unwrap().len(), 10);
        let cached = app
            .client
            .get(&file)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(cached.status(), 304);
        let beyond = app
            .client
            .get(&file)
            .header("range", format!("bytes={size}-"))
            .send()
            .await
            .unwrap();
        assert_eq!(beyond.status(), 416);
        // A tampered token opens nothing.
        let token = base.trim_start_matches("/a/").trim_end_matches('/');
        let (payload, mac) = token.split_once('.').unwrap();
        let flipped = if mac.starts_with('A') { 'B' } else { 'A' };
        let tampered = format!(
            "{}/a/{payload}.{flipped}{}/{path}",
            app.content_url,
            &mac[1..]
        );
        assert_eq!(app.content_get(&tampered).await.status(), 403);
        let missing = format!("{}{base}no/such/file.html", app.content_url);
        assert_eq!(app.content_get(&missing).await.status(), 404);
    }
}

#[tokio::test]
async fn results_of_another_tenant_are_not_found() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        app.register_and_launch("reg-1", "golf", "ada").await;
        let other = app.other_tenant_key().await;
        for what in ["progress", "transcript", "launches"] {
            let path = format!("/v1/registrations/reg-1/{what}");
            let res = app
                .request_as(&other, reqwest::Method::GET, &path)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{what} on {}", app.kind());
        }
    }
}

/// The progress of `reg-1` as the results API reports it.
async fn progress(app: &TestApp) -> Value {
    let res = app.get("/v1/registrations/reg-1/progress").send().await;
    res.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn nodes_caching_sessions_and_states_never_lose_or_misapply_a_commit() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let url = app.register_and_launch("reg-1", "golf", "ada").await;
        let player = Player::open(&app, &url).await;
        let state = player.state(&app).await;
        let other = app.another_node().await;
        let on_other = Player {
            pid: player.pid.clone(),
            secret: player.secret.clone(),
            base: other.content_url.clone(),
            csp: player.csp.clone(),
        };
        // One session whose commits alternate between two nodes (no sticky balancing): each
        // node's cached state goes stale and is reloaded.
        let score = |s: &'static str| [("cmi.core.score.raw", s)];
        let (_, first) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 1, &score("10"), false, &Value::Null),
            )
            .await;
        let (_, second) = on_other
            .commit(
                &other,
                commit(&state["step"]["next"], 2, &score("20"), false, &Value::Null),
            )
            .await;
        let (_, replay) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 2, &score("99"), false, &Value::Null),
            )
            .await;
        let (_, third) = player
            .commit(
                &app,
                commit(
                    &state["step"]["next"],
                    3,
                    &[("cmi.core.lesson_location", "p3")],
                    false,
                    &Value::Null,
                ),
            )
            .await;
        let statuses = [&first, &second, &replay, &third].map(|r| r["status"].clone());
        assert_eq!(
            statuses,
            ["applied", "applied", "duplicate", "applied"],
            "{}",
            app.kind()
        );
        assert_eq!(progress(&app).await["score"]["raw"], 20.0, "{}", app.kind());
        // A relaunch on the other node ends this session: this node, which verified and cached
        // it a moment ago, refuses its next write and records nothing of it.
        let relaunched = other.launch_url("reg-1").await;
        Player::open(&other, &relaunched).await;
        let done = [
            ("cmi.core.lesson_status", "completed"),
            ("cmi.core.score.raw", "95"),
        ];
        let (status, refused) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 4, &done, true, &Value::Null),
            )
            .await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (401, Some("session_invalid")),
            "{refused}"
        );
        let after = progress(&app).await;
        // The refused 95 is not recorded (the relaunch itself closed the delivery, which the
        // SCORM 1.2 rules may have completed: the completion is not the point here).
        assert_eq!(after["score"]["raw"], 20.0, "{} {after}", app.kind());
        // And from now on it refuses even a replay that would write nothing.
        let (status, _) = player
            .commit(
                &app,
                commit(&state["step"]["next"], 3, &[], false, &Value::Null),
            )
            .await;
        assert_eq!(status, 401);
    }
}
