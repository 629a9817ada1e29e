//! `Idempotency-Key` on POST.

use larch_server::testing::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn same_key_same_body_replays_and_other_body_conflicts() {
    for app in TestApp::each_store().await {
        let learner = json!({"first_name": "Ada", "last_name": "L"});
        let first = app
            .post("/v1/learners", &learner)
            .header("idempotency-key", "abc-1")
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 201, "{}", app.kind());
        let first: Value = first.json().await.unwrap();

        let again = app
            .post("/v1/learners", &learner)
            .header("idempotency-key", "abc-1")
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(
            again.json::<Value>().await.unwrap(),
            first,
            "same response, same generated id"
        );
        let list: Value = app
            .get("/v1/learners")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "created once");

        let other = json!({"first_name": "Grace", "last_name": "H"});
        let res = app
            .post("/v1/learners", &other)
            .header("idempotency-key", "abc-1")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let err: Value = res.json().await.unwrap();
        assert_eq!(
            (err["error"]["type"].as_str(), err["error"]["code"].as_str()),
            (Some("idempotency_error"), Some("idempotency_key_reused"))
        );
    }
}

#[tokio::test]
async fn errors_are_replayed_too_and_keys_are_per_environment() {
    let app = TestApp::sqlite().await;
    let bad = json!({"first_name": "", "last_name": "L"});
    let first = app
        .post("/v1/learners", &bad)
        .header("idempotency-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 400);
    let again = app
        .post("/v1/learners", &bad)
        .header("idempotency-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(again.headers()["idempotent-replayed"], "true");

    let live = app.other_environment_key().await;
    let good = json!({"first_name": "Ada", "last_name": "L"});
    let res = app
        .request_as(&live, reqwest::Method::POST, "/v1/learners")
        .json(&good)
        .header("idempotency-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        201,
        "another environment does not share idempotency keys"
    );
}

#[tokio::test]
async fn malformed_idempotency_keys_are_rejected() {
    let app = TestApp::sqlite().await;
    let long = "k".repeat(256);
    for key in ["", long.as_str(), "two words"] {
        let res = app
            .post(
                "/v1/learners",
                &json!({"first_name": "a", "last_name": "b"}),
            )
            .header("idempotency-key", key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{key:?}");
    }
}
