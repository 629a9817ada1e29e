//! Two servers on one PostgreSQL database behave as one.

use larch_server::testing::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn alternating_requests_between_two_nodes_are_consistent() {
    let a = TestApp::postgres().await;
    let b = a.another_node().await;
    for i in 0..6 {
        let node = if i % 2 == 0 { &a } else { &b };
        let res = node
            .post(
                "/v1/learners",
                &json!({"id": format!("n{i}"), "first_name": "x", "last_name": "y"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let other = if i % 2 == 0 { &b } else { &a };
        assert_eq!(
            other
                .get(&format!("/v1/learners/n{i}"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    // A page read on one node continues on the other.
    let first: Value = a
        .get("/v1/learners?limit=4")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest: Value = b
        .get(&format!("/v1/learners?limit=4&cursor={cursor}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["data"].as_array().unwrap().len(), 2);

    // An idempotency key used on one node replays on the other.
    let body = json!({"first_name": "once", "last_name": "only"});
    let one: Value = a
        .post("/v1/learners", &body)
        .header("idempotency-key", "multi")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let two = b
        .post("/v1/learners", &body)
        .header("idempotency-key", "multi")
        .send()
        .await
        .unwrap();
    assert_eq!(two.headers()["idempotent-replayed"], "true");
    assert_eq!(two.json::<Value>().await.unwrap(), one);

    // A key revoked through one node is refused by the other.
    let key: Value = a
        .post("/v1/api_keys", &json!({"name": "short-lived"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = key["secret"].as_str().unwrap();
    assert_eq!(
        b.request_as(secret, Method::GET, "/v1/learners")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    a.request(
        Method::POST,
        &format!("/v1/api_keys/{}/revoke", key["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        b.request_as(secret, Method::GET, "/v1/learners")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_launch_url_issued_by_one_node_opens_once_across_both() {
    let a = TestApp::postgres().await;
    let b = a.another_node().await;
    a.seed_course("golf").await;
    let new =
        json!({"id": "r", "course_id": "golf", "learner": {"first_name": "x", "last_name": "y"}});
    assert_eq!(
        a.post("/v1/registrations", &new)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let launch: Value = b
        .request(Method::POST, "/v1/registrations/r/launch")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = launch["url"].as_str().unwrap();
    let path = url.strip_prefix(&b.content_url).unwrap();
    assert_eq!(
        a.content_get(&format!("{}{path}", a.content_url))
            .await
            .status(),
        200
    );
    assert_eq!(
        b.content_get(url).await.status(),
        410,
        "spent on the other node"
    );
}
