//! Delivery: to a second real Larch, retries after failures, filters, disabled rules, and
//! giving up after the maximum age.

use super::*;
use base64::Engine as _;
use std::collections::HashSet;

const GOLF: &str = "http://example.com/golf";

#[tokio::test]
async fn statements_stored_in_one_larch_arrive_in_another() {
    let target = TestApp::sqlite().await;
    let target_cred = lrs_credential(&target).await;
    for app in TestApp::each_store_with(fast()).await {
        let cred = lrs_credential(&app).await;
        let url = format!("{}/xapi", target.api_url);
        let rule = create_rule(&app, &url, (&target_cred.0, &target_cred.1), json!({})).await;
        let n = if app.kind() == "sqlite" { 1 } else { 2 };
        let ids: Vec<String> = (0..4)
            .map(|i| format!("{n}{i}000000-0000-4000-8000-000000000000"))
            .collect();
        // A single POST, a batch POST, a PUT, and a voiding statement.
        let one = xapi(&app, &cred, Method::POST, "/statements").json(&statement(
            &ids[0],
            "attempted",
            GOLF,
        ));
        assert_eq!(one.send().await.unwrap().status(), 200);
        let batch = json!([
            statement(&ids[1], "attempted", GOLF),
            statement(&ids[2], "completed", GOLF)
        ]);
        let batch = xapi(&app, &cred, Method::POST, "/statements").json(&batch);
        assert_eq!(batch.send().await.unwrap().status(), 200);
        let put_path = format!("/statements?statementId={}", ids[3]);
        let voiding = json!({
            "actor": {"mbox": "mailto:ada@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": ids[0]},
        });
        let put = xapi(&app, &cred, Method::PUT, &put_path).json(&voiding);
        assert_eq!(put.send().await.unwrap().status(), 204);

        let read = |id: String, param: &'static str| {
            let req = xapi(
                &target,
                &target_cred,
                Method::GET,
                &format!("/statements?{param}={id}"),
            );
            async move { req.send().await.unwrap() }
        };
        eventually("the voiding statement in the target", || async {
            read(ids[3].clone(), "statementId").await.status() == 200
        })
        .await;
        for id in &ids[1..] {
            let res = read(id.clone(), "statementId").await;
            assert_eq!(res.status(), 200, "{}: {id} forwarded", app.kind());
            let stored: Value = res.json().await.unwrap();
            assert_eq!(stored["actor"]["mbox"], "mailto:ada@example.com");
        }
        // The target voided the first statement too: it is a voided statement there.
        eventually("the voided statement in the target", || async {
            read(ids[0].clone(), "voidedStatementId").await.status() == 200
        })
        .await;
        assert_eq!(read(ids[0].clone(), "statementId").await.status(), 404);
        // The target has them a moment before the worker records its last attempt.
        eventually("three logged deliveries", || async {
            deliveries(&app, &rule).await.len() >= 3
        })
        .await;
        let log = deliveries(&app, &rule).await;
        assert_eq!(
            log.len(),
            3,
            "{}: one batch per request: {log:?}",
            app.kind()
        );
        assert!(
            log.iter()
                .all(|d| d["outcome"] == "delivered" && d["status_code"] == 200)
        );
        assert!(
            log.iter()
                .all(|d| d["object"] == "lrs_forwarding_delivery" && d["attempt"] == 1)
        );
    }
}

#[tokio::test]
async fn failed_attempts_are_retried_with_back_off_until_delivered_once() {
    for app in TestApp::each_store_with(fast()).await {
        let target = Target::start(3, 200).await;
        let cred = lrs_credential(&app).await;
        let extra = json!({"version": "1.0.3"});
        let rule = create_rule(&app, &target.url, ("forwarder", "pa55word"), extra).await;
        let id = "3a000000-0000-4000-8000-000000000000";
        let post =
            xapi(&app, &cred, Method::POST, "/statements").json(&statement(id, "attempted", GOLF));
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("delivery after three failures", || async {
            deliveries(&app, &rule)
                .await
                .first()
                .is_some_and(|d| d["outcome"] == "delivered")
        })
        .await;
        let log = deliveries(&app, &rule).await;
        let seen: Vec<_> = log
            .iter()
            .map(|d| {
                (
                    d["attempt"].clone(),
                    d["status_code"].clone(),
                    d["outcome"].clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (json!(4), json!(200), json!("delivered")),
                (json!(3), json!(500), json!("retrying")),
                (json!(2), json!(500), json!("retrying")),
                (json!(1), json!(500), json!("retrying")),
            ],
            "{}",
            app.kind()
        );
        assert!(log[1]["error"].as_str().unwrap().contains("500"));
        assert!(
            log.iter().all(|d| d["message_id"] == log[0]["message_id"]),
            "one batch"
        );
        // Back-off: attempts are spread out (40 ms, then about 80, then about 160, jittered).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let received = target.received();
        assert_eq!(
            received.len(),
            4,
            "{}: delivered once, never again",
            app.kind()
        );
        let basic = base64::engine::general_purpose::STANDARD.encode("forwarder:pa55word");
        for r in &received {
            assert_eq!(r.version.as_deref(), Some("1.0.3"));
            assert_eq!(
                r.authorization.as_deref(),
                Some(format!("Basic {basic}").as_str())
            );
            assert_eq!(r.statements[0]["id"], id);
        }
    }
}

#[tokio::test]
async fn a_conflict_at_the_target_counts_as_delivered_after_resending_a_batch_one_by_one() {
    for app in TestApp::each_store_with(fast()).await {
        let target = Target::start(0, 409).await;
        let cred = lrs_credential(&app).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let one = statement("4a000000-0000-4000-8000-000000000000", "attempted", GOLF);
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&one);
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("the 409 attempt", || async {
            !deliveries(&app, &rule).await.is_empty()
        })
        .await;
        let log = deliveries(&app, &rule).await;
        let first = (log[0]["status_code"].clone(), log[0]["outcome"].clone());
        assert_eq!(first, (json!(409), json!("delivered")), "{}", app.kind());
        // A batch refused whole with 409 is sent again statement by statement.
        let batch = json!([
            statement("4b000000-0000-4000-8000-000000000000", "attempted", GOLF),
            statement("4c000000-0000-4000-8000-000000000000", "attempted", GOLF),
        ]);
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&batch);
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("the batch", || async {
            deliveries(&app, &rule).await.len() == 2
        })
        .await;
        let log = deliveries(&app, &rule).await;
        assert_eq!(log[0]["outcome"], "delivered", "{}", app.kind());
        let methods: Vec<String> = target.received().iter().map(|r| r.method.clone()).collect();
        assert_eq!(methods, ["POST", "POST", "PUT", "PUT"], "{}", app.kind());
        let ids = target.statement_ids();
        assert_eq!(
            ids[3..],
            [
                "4b000000-0000-4000-8000-000000000000",
                "4c000000-0000-4000-8000-000000000000"
            ]
        );
    }
}

#[tokio::test]
async fn filters_and_disabled_rules_decide_what_goes() {
    for app in TestApp::each_store_with(fast()).await {
        let cred = lrs_credential(&app).await;
        let (completions, in_reg, disabled) = (
            Target::start(0, 200).await,
            Target::start(0, 200).await,
            Target::start(0, 200).await,
        );
        let registration = "6e0f5a2c-9b1d-4e3f-8a7b-1c2d3e4f5a6b";
        let verbs = json!({"filter": {"verbs": ["http://adlnet.gov/expapi/verbs/completed"]}});
        create_rule(&app, &completions.url, ("u", "p"), verbs).await;
        let regs = json!({"filter": {"registrations": [registration], "activity_ids": [GOLF]}});
        create_rule(&app, &in_reg.url, ("u", "p"), regs).await;
        let off = create_rule(&app, &disabled.url, ("u", "p"), json!({"enabled": false})).await;

        let mut registered = statement("5b000000-0000-4000-8000-000000000000", "attempted", GOLF);
        registered["context"] = json!({"registration": registration});
        let batch = json!([
            statement("5a000000-0000-4000-8000-000000000000", "completed", GOLF),
            registered,
            statement(
                "5c000000-0000-4000-8000-000000000000",
                "attempted",
                "http://example.com/tennis"
            ),
        ]);
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&batch);
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("both filtered rules", || async {
            !completions.received().is_empty() && !in_reg.received().is_empty()
        })
        .await;
        assert_eq!(
            completions.statement_ids(),
            ["5a000000-0000-4000-8000-000000000000"]
        );
        assert_eq!(
            in_reg.statement_ids(),
            ["5b000000-0000-4000-8000-000000000000"]
        );

        // Enabling the disabled rule forwards what comes next, not what was stored while off.
        let on = app.patch(
            &format!("/v1/lrs/forwarding_rules/{off}"),
            &json!({"enabled": true}),
        );
        assert_eq!(on.send().await.unwrap().status(), 200);
        let later = statement("5d000000-0000-4000-8000-000000000000", "attempted", GOLF);
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&later);
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("the re-enabled rule", || async {
            !disabled.received().is_empty()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            disabled.statement_ids(),
            ["5d000000-0000-4000-8000-000000000000"],
            "{}",
            app.kind()
        );
        let all: HashSet<String> = completions
            .statement_ids()
            .into_iter()
            .chain(in_reg.statement_ids())
            .collect();
        assert_eq!(all.len(), 2, "{}: nothing else went anywhere", app.kind());
    }
}

#[tokio::test]
async fn a_batch_is_marked_failed_after_the_maximum_age() {
    let config = ServerConfig {
        forwarding_max_age: Duration::from_millis(300),
        ..fast()
    };
    for app in TestApp::each_store_with(config.clone()).await {
        let target = Target::start(usize::MAX, 200).await;
        let cred = lrs_credential(&app).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&statement(
            "7a000000-0000-4000-8000-000000000000",
            "attempted",
            GOLF,
        ));
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("giving up", || async {
            deliveries(&app, &rule)
                .await
                .first()
                .is_some_and(|d| d["outcome"] == "failed")
        })
        .await;
        let log = deliveries(&app, &rule).await;
        assert!(
            log.len() >= 2,
            "{}: retried before giving up: {log:?}",
            app.kind()
        );
        assert!(log[1..].iter().all(|d| d["outcome"] == "retrying"));
        let attempts = log.len();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            deliveries(&app, &rule).await.len(),
            attempts,
            "no attempt after failing"
        );
    }
}

#[tokio::test]
async fn internal_targets_are_refused_unless_allowed() {
    let target = Target::start(0, 200).await;
    let host = target
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/xapi")
        .to_owned();
    let guarded = ServerConfig {
        forwarding_allow_private_urls: false,
        forwarding_url_allow_hosts: vec![host],
        ..fast()
    };
    for app in TestApp::each_store().await {
        let body = json!({"url": target.url, "version": "2.0.0",
            "auth": {"type": "basic", "username": "u", "password": "p"}});
        let res = app
            .post("/v1/lrs/forwarding_rules", &body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            400,
            "{}: loopback refused by default",
            app.kind()
        );
        let err: Value = res.json().await.unwrap();
        assert_eq!(
            (err["error"]["code"].clone(), err["error"]["param"].clone()),
            (json!("url_not_allowed"), json!("url"))
        );
        let rule = create_rule(&app, "https://lrs.example.com/xapi", ("u", "p"), json!({})).await;
        let patch = app.patch(
            &format!("/v1/lrs/forwarding_rules/{rule}"),
            &json!({"url": "http://10.1.2.3/xapi"}),
        );
        assert_eq!(patch.send().await.unwrap().status(), 400, "{}", app.kind());
    }
    for app in TestApp::each_store_with(guarded.clone()).await {
        let cred = lrs_credential(&app).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&statement(
            "9f000000-0000-4000-8000-000000000000",
            "attempted",
            GOLF,
        ));
        assert_eq!(post.send().await.unwrap().status(), 200);
        eventually("delivery to an allowed internal host", || async {
            deliveries(&app, &rule)
                .await
                .first()
                .is_some_and(|d| d["outcome"] == "delivered")
        })
        .await;
    }
}
