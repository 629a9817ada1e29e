//! Courses (read side), registrations and launch URLs, end to end.

use larch_server::ServerConfig;
use larch_server::testing::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn body(res: reqwest::Response) -> Value {
    res.json().await.expect("JSON body")
}

#[tokio::test]
async fn courses_are_listed_and_read() {
    for app in TestApp::each_store().await {
        app.seed_course("golf").await;
        let course = body(app.get("/v1/courses/golf").send().await.unwrap()).await;
        assert_eq!(
            (course["object"].as_str(), course["version"].as_i64()),
            (Some("course"), Some(1)),
            "{}",
            app.kind()
        );
        assert_eq!(course["launchables"][1]["title"], "Quiz");
        assert_eq!(course["warnings"][0]["code"], "file_list_missing");
        let list = body(app.get("/v1/courses").send().await.unwrap()).await;
        assert_eq!(list["data"][0]["id"], "golf");
        assert_eq!(
            app.get("/v1/courses/chess").send().await.unwrap().status(),
            404
        );
    }
}

#[tokio::test]
async fn registration_flow_with_a_single_use_launch() {
    for app in TestApp::each_store().await {
        app.seed_course("golf").await;
        let new = json!({"id": "reg-1", "course_id": "golf", "learner": {"id": "emp-9", "first_name": "Ada", "last_name": "L"}});
        let res = app.post("/v1/registrations", &new).send().await.unwrap();
        assert_eq!(res.status(), 201, "{}", app.kind());
        let reg = body(res).await;
        assert_eq!(
            (reg["object"].as_str(), reg["learner_id"].as_str()),
            (Some("registration"), Some("emp-9"))
        );
        assert_eq!(
            (
                reg["course_version"].as_i64(),
                reg["completion_status"].as_str()
            ),
            (Some(1), Some("unknown"))
        );
        assert_eq!(
            body(app.get("/v1/learners/emp-9").send().await.unwrap()).await["first_name"],
            "Ada"
        );
        assert_eq!(
            body(app.get("/v1/registrations/reg-1").send().await.unwrap()).await,
            reg
        );

        let launch = app
            .request(Method::POST, "/v1/registrations/reg-1/launch")
            .send()
            .await
            .unwrap();
        assert_eq!(launch.status(), 201);
        let launch = body(launch).await;
        let url = launch["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/launch/lt_", app.content_url)),
            "{url}"
        );
        let first = app.content_get(url).await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["cache-control"], "no-store");
        let csp = first.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        let page = first.text().await.unwrap();
        assert!(
            page.contains("Course golf")
                && page.contains("Introduction")
                && page.contains("quiz/index.html")
        );
        let second = app.content_get(url).await;
        assert_eq!(second.status(), 410);
        assert!(second.text().await.unwrap().contains("already used"));
        assert_eq!(
            app.content_get(&format!("{}/launch/lt_forged", app.content_url))
                .await
                .status(),
            404
        );

        // The learner now has a registration, so it cannot be deleted; the registration can.
        let res = app.delete("/v1/learners/emp-9").send().await.unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(body(res).await["error"]["code"], "resource_in_use");
        assert_eq!(
            body(app.delete("/v1/registrations/reg-1").send().await.unwrap()).await["deleted"],
            true
        );
        assert_eq!(
            app.request(Method::POST, "/v1/registrations/reg-1/launch")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            app.delete("/v1/learners/emp-9")
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn expired_launch_urls_get_a_clear_page() {
    let config = ServerConfig {
        launch_ttl: std::time::Duration::ZERO,
        ..ServerConfig::default()
    };
    let app = TestApp::with_config(larch_store::testing::sqlite().await, config).await;
    app.seed_course("golf").await;
    let new = json!({"course_id": "golf", "learner": {"first_name": "A", "last_name": "B"}});
    let reg = body(app.post("/v1/registrations", &new).send().await.unwrap()).await;
    assert!(reg["id"].as_str().unwrap().starts_with("reg_"));
    let path = format!("/v1/registrations/{}/launch", reg["id"].as_str().unwrap());
    let launch = body(app.request(Method::POST, &path).send().await.unwrap()).await;
    let res = app.content_get(launch["url"].as_str().unwrap()).await;
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn registration_errors_name_their_parameter() {
    let app = TestApp::sqlite().await;
    app.seed_course("golf").await;
    let cases = [
        (json!({"course_id": "golf"}), 400, "learner_id"),
        (
            json!({"course_id": "golf", "learner_id": "x", "learner": {"first_name": "a", "last_name": "b"}}),
            400,
            "learner_id",
        ),
        (
            json!({"course_id": "nope", "learner": {"first_name": "a", "last_name": "b"}}),
            400,
            "course_id",
        ),
        (
            json!({"course_id": "golf", "learner_id": "ghost"}),
            400,
            "learner_id",
        ),
        (
            json!({"course_id": "golf", "learner": {"first_name": "", "last_name": "b"}}),
            400,
            "learner.first_name",
        ),
    ];
    for (new, status, param) in cases {
        let res = app.post("/v1/registrations", &new).send().await.unwrap();
        assert_eq!(res.status(), status, "{new}");
        assert_eq!(body(res).await["error"]["param"], param, "{new}");
    }
    let ok = json!({"id": "r", "course_id": "golf", "learner": {"id": "l", "first_name": "a", "last_name": "b"}});
    assert_eq!(
        app.post("/v1/registrations", &ok)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        app.post("/v1/registrations", &ok)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    let list = body(
        app.get("/v1/registrations?learner_id=l&course_id=golf")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let none = body(
        app.get("/v1/registrations?completion_status=completed")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(none["data"], json!([]));
}

#[tokio::test]
async fn deleting_a_course_with_registrations_needs_confirm() {
    for app in TestApp::each_store().await {
        app.seed_course("golf").await;
        let new = json!({"id": "r1", "course_id": "golf", "learner": {"first_name": "A", "last_name": "B"}});
        assert_eq!(
            app.post("/v1/registrations", &new)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
        let res = app.delete("/v1/courses/golf").send().await.unwrap();
        assert_eq!(res.status(), 409, "{}", app.kind());
        let err = body(res).await["error"].clone();
        assert_eq!(
            (err["code"].as_str(), err["param"].as_str()),
            (Some("resource_in_use"), Some("confirm"))
        );
        assert_eq!(
            app.get("/v1/courses/golf").send().await.unwrap().status(),
            200
        );
        let done = body(
            app.delete("/v1/courses/golf?confirm=true")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            done,
            json!({"object": "course", "id": "golf", "deleted": true})
        );
        assert_eq!(
            app.get("/v1/courses/golf").send().await.unwrap().status(),
            404
        );
        assert_eq!(
            app.get("/v1/registrations/r1")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            app.delete("/v1/courses/golf")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            app.delete("/v1/courses/golf?confirm=maybe")
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
    }
}
