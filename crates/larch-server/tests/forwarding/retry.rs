//! Manual redelivery: `POST /v1/lrs/forwarding_rules/{id}/deliveries/{delivery_id}/retry` puts
//! a failed (or delivered) batch back in the queue with a fresh maximum age; 409 while it is
//! pending or the rule is disabled; 404 from another tenant or for another rule's delivery.

use super::*;

const GOLF: &str = "http://example.com/golf";

/// `POST …/retry` for `delivery` of `rule` with `key`: (status, body).
async fn retry(app: &TestApp, key: &str, rule: &str, delivery: &str) -> (u16, Value) {
    let path = format!("/v1/lrs/forwarding_rules/{rule}/deliveries/{delivery}/retry");
    let res = app
        .request_as(key, Method::POST, &path)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Stores one statement through `app`'s LRS.
async fn store_statement(app: &TestApp, id: &str) {
    let cred = lrs_credential(app).await;
    let post =
        xapi(app, &cred, Method::POST, "/statements").json(&statement(id, "attempted", GOLF));
    assert_eq!(post.send().await.unwrap().status(), 200);
}

/// Waits until the newest entry of `rule`'s log is an attempt after `after` with `outcome`;
/// returns it.
async fn newest_with(app: &TestApp, rule: &str, outcome: &str, after: i64) -> Value {
    eventually(outcome, || async {
        deliveries(app, rule).await.first().is_some_and(|d| {
            d["outcome"] == outcome && d["attempt"].as_i64().is_some_and(|n| n > after)
        })
    })
    .await;
    deliveries(app, rule).await[0].clone()
}

#[tokio::test]
async fn a_failed_batch_is_sent_again_on_request() {
    let config = ServerConfig {
        forwarding_max_age: Duration::from_millis(600),
        ..fast()
    };
    for app in TestApp::each_store_with(config.clone()).await {
        let failing = Target::start(usize::MAX, 200).await;
        let rule = create_rule(&app, &failing.url, ("u", "p"), json!({})).await;
        store_statement(&app, "7b000000-0000-4000-8000-000000000000").await;
        let failed = newest_with(&app, &rule, "failed", 0).await;
        let dlv = failed["id"].as_str().unwrap();
        let tries = failing.received().len();

        // Requeued with a fresh maximum age: retried again (not failed at once), then failed.
        let (status, batch) = retry(&app, &app.key, &rule, dlv).await;
        assert_eq!(status, 202, "{}: {batch}", app.kind());
        assert_eq!(batch["object"], "lrs_forwarding_batch");
        assert_eq!(batch["id"], failed["message_id"]);
        assert_eq!(batch["rule_id"], rule.as_str());
        assert_eq!(batch["status"], "pending");
        let first_attempts = failed["attempt"].as_i64().unwrap();
        let again = newest_with(&app, &rule, "failed", first_attempts).await;
        assert!(failing.received().len() >= tries + 2, "{}", app.kind());
        let log = deliveries(&app, &rule).await;
        let after: Vec<&Value> = log
            .iter()
            .filter(|d| d["attempt"].as_i64().is_some_and(|n| n > first_attempts))
            .collect();
        assert!(
            after.len() >= 2 && after.last().unwrap()["outcome"] == "retrying",
            "{}: the retry's first failure is retried: {log:?}",
            app.kind()
        );

        // Pointed at a target that answers, a retry delivers the same batch.
        let working = Target::start(0, 200).await;
        let patch = json!({"url": working.url});
        let path = format!("/v1/lrs/forwarding_rules/{rule}");
        assert_eq!(app.patch(&path, &patch).send().await.unwrap().status(), 200);
        let (status, _) = retry(&app, &app.key, &rule, again["id"].as_str().unwrap()).await;
        assert_eq!(status, 202);
        let delivered = newest_with(&app, &rule, "delivered", 0).await;
        assert_eq!(delivered["message_id"], failed["message_id"]);
        assert_eq!(
            working.statement_ids(),
            vec!["7b000000-0000-4000-8000-000000000000".to_owned()]
        );
    }
}

#[tokio::test]
async fn retries_are_refused_while_pending_disabled_or_out_of_scope() {
    for app in TestApp::each_store_with(fast()).await {
        let failing = Target::start(usize::MAX, 200).await;
        let rule = create_rule(&app, &failing.url, ("u", "p"), json!({})).await;
        let other_rule = create_rule(&app, &failing.url, ("u", "p"), json!({})).await;
        store_statement(&app, "7c000000-0000-4000-8000-000000000000").await;
        let retrying = newest_with(&app, &rule, "retrying", 0).await;
        let dlv = retrying["id"].as_str().unwrap();

        let (status, body) = retry(&app, &app.key, &rule, dlv).await;
        assert_eq!(status, 409, "{}: {body}", app.kind());
        assert_eq!(body["error"]["code"], "delivery_pending");
        // Another rule's path, another tenant, another environment, an unknown id: 404.
        let (status, _) = retry(&app, &app.key, &other_rule, dlv).await;
        assert_eq!(status, 404);
        for outsider in [
            app.other_tenant_key().await,
            app.other_environment_key().await,
        ] {
            let (status, body) = retry(&app, &outsider, &rule, dlv).await;
            assert_eq!(status, 404, "{}: {body}", app.kind());
        }
        let (status, _) = retry(&app, &app.key, &rule, "dlv_nosuchdelivery").await;
        assert_eq!(status, 404);
        let (status, _) = retry(&app, &app.key, &rule, "not-a-delivery").await;
        assert_eq!(status, 404);

        let path = format!("/v1/lrs/forwarding_rules/{rule}");
        let off = json!({"enabled": false});
        assert_eq!(app.patch(&path, &off).send().await.unwrap().status(), 200);
        let (status, body) = retry(&app, &app.key, &rule, dlv).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "rule_disabled");
    }
}
