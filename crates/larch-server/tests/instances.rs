//! Registration instances over real HTTP, on each store: with an instance policy, the launch
//! after a new course version is imported plays it in a new instance, the earlier instance's
//! results stay readable (`/instances`, `/progress?instance=N`); with the default policy the
//! registration keeps its version.

use larch_server::testing::TestApp;
use serde_json::{Value, json};

const V1: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";
const V2: &str = "scorm12/golf_ContentPackagingOneFilePerSCO_SCORM12.zip";

fn attribute(html: &str, name: &str) -> String {
    let start = html
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in {html}"));
    let rest = &html[start + name.len() + 2..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Opens a launch URL: the page's `data-instance`, and the player's state.
async fn open(app: &TestApp, url: &str) -> (String, String, Value) {
    let html = app.content_get(url).await.text().await.unwrap();
    let (pid, secret) = (
        attribute(&html, "data-pid"),
        attribute(&html, "data-secret"),
    );
    let state: Value = app
        .client
        .get(format!("{}/p/{pid}/api/state", app.content_url))
        .header("x-larch-session", &secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let commit = |seq: u64, changes: Value| {
        json!({"session": state["step"]["next"]["session"], "seq": seq,
               "activity": state["step"]["next"]["activity"], "changes": changes,
               "terminate": true, "nav_request": null})
    };
    let body = commit(
        1,
        json!([{"element": "cmi.core.lesson_status", "value": "passed"},
               {"element": "cmi.core.score.raw", "value": "90"}]),
    );
    let res = app
        .client
        .post(format!("{}/p/{pid}/api/commit", app.content_url))
        .header("x-larch-session", &secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", app.kind());
    (attribute(&html, "data-instance"), pid, state)
}

async fn get(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path} on {}", app.kind());
    res.json().await.unwrap()
}

async fn register(app: &TestApp, id: &str, policy: Option<&str>) {
    let body = json!({"id": id, "course_id": "golf", "instance_policy": policy,
                      "learner": {"id": "ada", "first_name": "Ada", "last_name": "Lovelace"}});
    let res = app.post("/v1/registrations", &body).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_new_version_starts_a_new_instance_when_the_policy_says_so() {
    for app in TestApp::each_store().await {
        app.import_fixture(V1, "golf").await;
        register(&app, "moves", Some("on_new_version")).await;
        register(&app, "stays", None).await;
        for reg in ["moves", "stays"] {
            let (instance, _, state) = open(&app, &app.launch_url(reg).await).await;
            assert_eq!(
                (instance.as_str(), &state["course"]["version"]),
                ("0", &json!(1))
            );
        }
        let course = app.import_fixture(V2, "golf").await;
        assert_eq!(course["version"], 2);
        assert_eq!(course["instance_policy"], "never");

        // The policy says so: instance 1 on version 2, fresh (nothing recorded yet).
        let (instance, _, state) = open(&app, &app.launch_url("moves").await).await;
        assert_eq!(instance, "1", "{}", app.kind());
        assert_eq!(state["instance"], 1);
        assert_eq!(state["course"]["version"], 2);
        let reg = get(&app, "/v1/registrations/moves").await;
        assert_eq!(
            (&reg["instance"], &reg["course_version"]),
            (&json!(1), &json!(2))
        );
        assert_eq!(reg["instance_policy"], "on_new_version");
        let progress = get(&app, "/v1/registrations/moves/progress").await;
        assert_eq!(
            (&progress["instance"], &progress["course_version"]),
            (&json!(1), &json!(2))
        );
        // Version 2 has more SCOs, one passed so far: the rollup is the new instance's.
        assert_eq!(progress["completion_status"], "incomplete", "{progress}");
        // The first instance's results are kept.
        let old = get(&app, "/v1/registrations/moves/progress?instance=0").await;
        assert_eq!(
            (
                &old["course_version"],
                &old["completion_status"],
                &old["success_status"]
            ),
            (&json!(1), &json!("completed"), &json!("passed")),
            "{old}"
        );
        assert_eq!(old["score"]["raw"], 90.0);
        let list = get(&app, "/v1/registrations/moves/instances").await;
        let rows: Vec<(i64, i64, bool)> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let n = |k: &str| i[k].as_i64().unwrap();
                (n("instance"), n("course_version"), i["current"] == true)
            })
            .collect();
        assert_eq!(rows, [(1, 2, true), (0, 1, false)], "{list}");
        assert_eq!(list["data"][1]["success_status"], "passed");
        let missing = app.get("/v1/registrations/moves/progress?instance=7");
        assert_eq!(missing.send().await.unwrap().status(), 404);

        // The default policy (the course's `never`): the registration keeps version 1.
        let (instance, _, state) = open(&app, &app.launch_url("stays").await).await;
        assert_eq!(
            (instance.as_str(), &state["course"]["version"]),
            ("0", &json!(1))
        );
        let reg = get(&app, "/v1/registrations/stays").await;
        assert_eq!(
            (&reg["instance"], &reg["course_version"]),
            (&json!(0), &json!(1))
        );
        assert_eq!(reg["instance_policy"], Value::Null);
    }
}

#[tokio::test]
async fn the_course_policy_applies_to_its_registrations() {
    for app in TestApp::each_store().await {
        app.import_fixture(V1, "golf").await;
        register(&app, "r", None).await;
        open(&app, &app.launch_url("r").await).await;
        // Completed, same version: `on_new_version` keeps the instance…
        let patch = json!({"instance_policy": "on_new_version"});
        let res = app.patch("/v1/courses/golf", &patch).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let course: Value = res.json().await.unwrap();
        assert_eq!(course["instance_policy"], "on_new_version");
        let (instance, _, _) = open(&app, &app.launch_url("r").await).await;
        assert_eq!(instance, "0", "{}", app.kind());
        // … `on_new_version_or_completed` starts a new one on the same version.
        let patch = json!({"instance_policy": "on_new_version_or_completed"});
        let res = app.patch("/v1/courses/golf", &patch).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let (instance, _, state) = open(&app, &app.launch_url("r").await).await;
        assert_eq!(
            (instance.as_str(), &state["course"]["version"]),
            ("1", &json!(1))
        );
        let instances = get(&app, "/v1/registrations/r/instances?limit=1").await;
        assert_eq!(instances["data"][0]["instance"], 1);
        assert_eq!(instances["has_more"], true);
        let cursor = instances["next_cursor"].as_str().unwrap();
        let next = get(
            &app,
            &format!("/v1/registrations/r/instances?cursor={cursor}"),
        )
        .await;
        assert_eq!(next["data"][0]["instance"], 0);
        assert_eq!(next["has_more"], false);
        // Unknown policies are refused at the edge.
        let bad = json!({"instance_policy": "sometimes"});
        let res = app.patch("/v1/courses/golf", &bad).send().await.unwrap();
        assert_eq!(res.status(), 400);
    }
}

/// The page's player session and its state.
async fn player(app: &TestApp, registration: &str) -> (String, String, Value) {
    let url = app.launch_url(registration).await;
    let html = app.content_get(&url).await.text().await.unwrap();
    let (pid, secret) = (
        attribute(&html, "data-pid"),
        attribute(&html, "data-secret"),
    );
    let res = app
        .client
        .get(format!("{}/p/{pid}/api/state", app.content_url))
        .header("x-larch-session", &secret)
        .send()
        .await
        .unwrap();
    (pid, secret, res.json().await.unwrap())
}

async fn commit_as(app: &TestApp, (pid, secret): (&str, &str), body: &Value) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}/p/{pid}/api/commit", app.content_url))
        .header("x-larch-session", secret)
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn commits_a_tab_left_for_an_earlier_instance_land_in_that_instance() {
    for app in TestApp::each_store().await {
        app.import_fixture(V1, "golf").await;
        register(&app, "r", Some("on_new_version")).await;
        let (pid, secret, old) = player(&app, "r").await;
        let delivery = old["step"]["next"].clone();
        let body = |seq: u64, element: &str, value: &str, instance: Value| {
            json!({"session": delivery["session"], "seq": seq, "activity": delivery["activity"],
                   "changes": [{"element": element, "value": value}], "terminate": seq > 1,
                   "nav_request": null, "instance": instance})
        };
        let first = body(1, "cmi.core.lesson_location", "p2", Value::Null);
        let (status, _) = commit_as(&app, (&pid, &secret), &first).await;
        assert_eq!(status, 200);
        app.import_fixture(V2, "golf").await;
        // The tab died with its last commit unsent; the next launch starts instance 1 and its
        // player replays the commit, naming instance 0.
        let (pid, secret, new) = player(&app, "r").await;
        assert_eq!(new["instance"], 1, "{}", app.kind());
        let late = body(2, "cmi.core.lesson_status", "passed", json!(0));
        let (status, result) = commit_as(&app, (&pid, &secret), &late).await;
        assert_eq!(status, 200, "{result}");
        assert_eq!(result["status"], "applied", "{result}");
        assert_eq!(
            result["next"],
            Value::Null,
            "the earlier instance's next stays there"
        );
        let old = get(&app, "/v1/registrations/r/progress?instance=0").await;
        assert_eq!(old["success_status"], "passed", "{} {old}", app.kind());
        let current = get(&app, "/v1/registrations/r/progress").await;
        assert_eq!(
            (&current["instance"], &current["success_status"]),
            (&json!(1), &json!("unknown"))
        );
        let reg = get(&app, "/v1/registrations/r").await;
        assert_eq!(
            (&reg["instance"], &reg["success_status"]),
            (&json!(1), &json!("unknown"))
        );
        // The player still shows the current instance's delivery.
        let again = app
            .client
            .get(format!("{}/p/{pid}/api/state", app.content_url))
            .header("x-larch-session", &secret)
            .send()
            .await
            .unwrap();
        let again: Value = again.json().await.unwrap();
        assert_eq!(
            (&again["instance"], &again["step"]["next"]["next"]),
            (&json!(1), &json!("deliver"))
        );
        // An instance the registration does not have (or not yet) is not found.
        for instance in [json!(7), json!(-1)] {
            let (status, _) = commit_as(
                &app,
                (&pid, &secret),
                &body(3, "cmi.core.lesson_location", "x", instance),
            )
            .await;
            assert_eq!(status, 404);
        }
    }
}
