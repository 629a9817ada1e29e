//! Outbox retention: a delivered batch and its delivery log are deleted once older than
//! `outbox_retention`; with retention off they stay.

use super::*;

/// Stores one statement through `app`'s LRS and waits for its delivery to `rule`.
async fn delivered_batch(app: &TestApp, rule: &str, id: &str) -> Value {
    let cred = lrs_credential(app).await;
    let statement = statement(id, "attempted", "http://example.com/golf");
    let post = xapi(app, &cred, Method::POST, "/statements").json(&statement);
    assert_eq!(post.send().await.unwrap().status(), 200);
    eventually("delivered", || async {
        deliveries(app, rule)
            .await
            .first()
            .is_some_and(|d| d["outcome"] == "delivered")
    })
    .await;
    deliveries(app, rule).await[0].clone()
}

#[tokio::test]
async fn a_finished_batch_and_its_log_are_deleted_after_the_retention() {
    let config = ServerConfig {
        outbox_retention: Some(Duration::from_millis(300)),
        outbox_sweep_interval: Duration::from_millis(100),
        ..fast()
    };
    for app in TestApp::each_store_with(config.clone()).await {
        let target = Target::start(0, 200).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let delivery = delivered_batch(&app, &rule, "7c000000-0000-4000-8000-000000000000").await;
        eventually("the log purged", || async {
            deliveries(&app, &rule).await.is_empty()
        })
        .await;
        let path = format!(
            "/v1/lrs/forwarding_rules/{rule}/deliveries/{}/retry",
            delivery["id"].as_str().unwrap()
        );
        let res = app
            .request_as(&app.key, Method::POST, &path)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{}: the batch is gone", app.kind());
        assert_eq!(target.received().len(), 1, "{}", app.kind());
    }
}

#[tokio::test]
async fn with_retention_off_the_log_stays() {
    let config = ServerConfig {
        outbox_retention: None,
        outbox_sweep_interval: Duration::from_millis(50),
        ..fast()
    };
    for app in TestApp::each_store_with(config.clone()).await {
        let target = Target::start(0, 200).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        delivered_batch(&app, &rule, "7d000000-0000-4000-8000-000000000000").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(deliveries(&app, &rule).await.len(), 1, "{}", app.kind());
    }
}
