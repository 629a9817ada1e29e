//! Authentication, API key management and rate limits.

use base64::Engine as _;
use larch_server::ServerConfig;
use larch_server::testing::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn body(res: reqwest::Response) -> Value {
    res.json().await.expect("JSON body")
}

#[tokio::test]
async fn missing_and_invalid_keys_are_401() {
    let app = TestApp::sqlite().await;
    let res = app
        .client
        .get(format!("{}/v1/learners", app.api_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().contains_key("www-authenticate"));
    assert_eq!(body(res).await["error"]["code"], "api_key_missing");
    let unknown = format!("sk_test_{}", "x".repeat(40));
    let res = app
        .request_as(&unknown, Method::GET, "/v1/learners")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let err = body(res).await["error"].clone();
    assert_eq!(
        (err["type"].as_str(), err["code"].as_str()),
        (Some("authentication_error"), Some("api_key_invalid"))
    );
}

#[tokio::test]
async fn http_basic_with_the_key_as_user_works() {
    let app = TestApp::sqlite().await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:", app.key));
    let res = app
        .client
        .get(format!("{}/v1/learners", app.api_url))
        .header("authorization", format!("Basic {basic}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn keys_are_shown_once_work_and_stop_working_when_revoked() {
    for app in TestApp::each_store().await {
        let res = app
            .post("/v1/api_keys", &json!({"name": "ci"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", app.kind());
        let created = body(res).await;
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("sk_test_") && secret.len() >= 40);
        assert_eq!(created["environment"], "test");
        let id = created["id"].as_str().unwrap().to_owned();

        let got = body(app.get(&format!("/v1/api_keys/{id}")).send().await.unwrap()).await;
        assert!(got.get("secret").is_none(), "the secret is shown once only");
        assert_eq!(got["last_used"], Value::Null);
        let list = body(app.get("/v1/api_keys").send().await.unwrap()).await;
        assert_eq!(list["data"].as_array().unwrap().len(), 2);
        assert!(!list.to_string().contains(&secret));

        assert_eq!(
            app.request_as(&secret, Method::GET, "/v1/learners")
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let used = body(app.get(&format!("/v1/api_keys/{id}")).send().await.unwrap()).await;
        assert!(used["last_used"].as_i64().is_some());

        let revoked = app
            .request(Method::POST, &format!("/v1/api_keys/{id}/revoke"))
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 200);
        assert!(body(revoked).await["revoked"].as_i64().is_some());
        assert_eq!(
            app.request_as(&secret, Method::GET, "/v1/learners")
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        assert_eq!(
            app.get("/v1/learners").send().await.unwrap().status(),
            200,
            "other keys keep working"
        );
    }
}

#[tokio::test]
async fn environments_are_separate() {
    let app = TestApp::sqlite().await;
    let live = app.other_environment_key().await;
    assert!(live.starts_with("sk_live_"));
    app.post(
        "/v1/learners",
        &json!({"id": "t1", "first_name": "a", "last_name": "b"}),
    )
    .send()
    .await
    .unwrap();
    let res = app
        .request_as(&live, Method::GET, "/v1/learners/t1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let list = body(
        app.request_as(&live, Method::GET, "/v1/learners")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let config = ServerConfig {
        rate_limit_per_second: 1,
        rate_limit_burst: 3,
        ..ServerConfig::default()
    };
    let app = TestApp::with_config(larch_store::testing::sqlite().await, config).await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/learners").send().await.unwrap().status(), 200);
    }
    let res = app.get("/v1/learners").send().await.unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry));
    assert_eq!(body(res).await["error"]["type"], "rate_limit_error");
    // Another key has its own bucket.
    let other = app.other_environment_key().await;
    assert_eq!(
        app.request_as(&other, Method::GET, "/v1/learners")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
