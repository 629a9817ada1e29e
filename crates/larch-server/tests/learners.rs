//! `/v1/learners` end to end, on SQLite and PostgreSQL.

use larch_server::testing::TestApp;
use serde_json::{Value, json};

async fn body(res: reqwest::Response) -> Value {
    res.json().await.expect("JSON body")
}

#[tokio::test]
async fn learners_crud_round_trip() {
    for app in TestApp::each_store().await {
        let res = app
            .post("/v1/learners", &json!({"id": "emp-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", app.kind());
        let made = body(res).await;
        assert_eq!(made["object"], "learner");
        assert_eq!(made["id"], "emp-1");
        assert!(made["created"].as_i64().unwrap() > 1_700_000_000);

        let got = body(app.get("/v1/learners/emp-1").send().await.unwrap()).await;
        assert_eq!(got, made);

        let patched = app
            .patch(
                "/v1/learners/emp-1",
                &json!({"first_name": "Augusta", "email": null}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(patched.status(), 200);
        let patched = body(patched).await;
        assert_eq!(
            (
                patched["first_name"].as_str(),
                patched["last_name"].as_str()
            ),
            (Some("Augusta"), Some("Lovelace"))
        );
        assert_eq!(patched["email"], Value::Null);

        let deleted = body(app.delete("/v1/learners/emp-1").send().await.unwrap()).await;
        assert_eq!(
            deleted,
            json!({"object": "learner", "id": "emp-1", "deleted": true})
        );
        assert_eq!(
            app.get("/v1/learners/emp-1").send().await.unwrap().status(),
            404
        );
        assert_eq!(
            app.delete("/v1/learners/emp-1")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
}

#[tokio::test]
async fn generated_ids_and_pagination() {
    for app in TestApp::each_store().await {
        for i in 0..5 {
            let res = app
                .post(
                    "/v1/learners",
                    &json!({"first_name": format!("L{i}"), "last_name": "X"}),
                )
                .send()
                .await
                .unwrap();
            assert!(body(res).await["id"].as_str().unwrap().starts_with("lrn_"));
        }
        let mut names = Vec::new();
        let mut path = "/v1/learners?limit=2".to_owned();
        loop {
            let page = body(app.get(&path).send().await.unwrap()).await;
            assert_eq!(page["object"], "list");
            names.extend(
                page["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["first_name"].as_str().unwrap().to_owned()),
            );
            if page["has_more"] == json!(false) {
                assert_eq!(page["next_cursor"], Value::Null);
                break;
            }
            path = format!(
                "/v1/learners?limit=2&cursor={}",
                page["next_cursor"].as_str().unwrap()
            );
        }
        assert_eq!(names, ["L4", "L3", "L2", "L1", "L0"], "{}", app.kind());
    }
}

/// Sends `raw` as a JSON POST and returns (status, error.code, error.param).
async fn post_raw(app: &TestApp, raw: &str) -> (u16, Value, Value) {
    let res = app
        .request(reqwest::Method::POST, "/v1/learners")
        .header("content-type", "application/json")
        .body(raw.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let err = body(res).await["error"].clone();
    (status, err["code"].clone(), err["param"].clone())
}

#[tokio::test]
async fn bad_input_gets_structured_errors() {
    let app = TestApp::sqlite().await;
    let cases = [
        ("{\"first_name\": ", 400, json!("invalid_json"), Value::Null),
        (
            "{\"first_name\": 1, \"last_name\": \"x\"}",
            400,
            json!("parameter_invalid"),
            json!("first_name"),
        ),
        (
            "{\"last_name\": \"x\"}",
            400,
            json!("parameter_invalid"),
            Value::Null,
        ),
        (
            "{\"first_name\": \"a\", \"last_name\": \"b\", \"nickname\": \"c\"}",
            400,
            json!("parameter_invalid"),
            json!("nickname"),
        ),
        (
            "{\"first_name\": \" \", \"last_name\": \"b\"}",
            400,
            json!("parameter_invalid"),
            json!("first_name"),
        ),
        (
            "{\"first_name\": \"a\", \"last_name\": \"b\", \"email\": \"nope\"}",
            400,
            json!("parameter_invalid"),
            json!("email"),
        ),
        (
            "{\"id\": \"has space\", \"first_name\": \"a\", \"last_name\": \"b\"}",
            400,
            json!("parameter_invalid"),
            json!("id"),
        ),
    ];
    for (raw, status, code, param) in cases {
        assert_eq!(post_raw(&app, raw).await, (status, code, param), "{raw}");
    }
    let ok = "{\"id\": \"dup\", \"first_name\": \"a\", \"last_name\": \"b\"}";
    assert_eq!(post_raw(&app, ok).await.0, 201);
    assert_eq!(
        post_raw(&app, ok).await,
        (409, json!("resource_exists"), json!("id"))
    );

    let not_json = app
        .request(reqwest::Method::POST, "/v1/learners")
        .body("first_name=a")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 415);
    assert_eq!(
        app.get("/v1/learners?limit=0")
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        app.get("/v1/learners?cursor=garbage")
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        app.get("/v1/learners?limit=ten")
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
}

#[tokio::test]
async fn oversized_bodies_get_a_413() {
    let app = TestApp::sqlite().await;
    let huge = json!({"first_name": "a".repeat(2 * 1024 * 1024), "last_name": "b"});
    let res = app.post("/v1/learners", &huge).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(body(res).await["error"]["code"], "body_too_large");
    // The same through the idempotency path, which buffers the body itself.
    let res = app
        .post("/v1/learners", &huge)
        .header("idempotency-key", "big")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn errors_carry_the_request_id_of_their_response() {
    let app = TestApp::sqlite().await;
    let res = app.get("/v1/learners/nobody").send().await.unwrap();
    assert_eq!(res.status(), 404);
    let header = res.headers()["request-id"].to_str().unwrap().to_owned();
    assert!(header.starts_with("req_"));
    let err = body(res).await["error"].clone();
    assert_eq!(err["request_id"], header.as_str());
    assert_eq!(err["type"], "invalid_request_error");
    assert_eq!(err["code"], "resource_missing");
    assert!(err["message"].as_str().unwrap().contains("nobody"));
}
