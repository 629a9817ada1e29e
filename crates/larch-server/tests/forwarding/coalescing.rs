//! Batches queued for one rule while its target fails go in one request once it answers,
//! in the order they were stored, and each batch's log shows the delivery.

use super::*;

const GOLF: &str = "http://example.com/golf";

#[tokio::test]
async fn batches_queued_behind_a_failing_one_go_together_in_order() {
    for app in TestApp::each_store_with(fast()).await {
        // Eight failures: with 40 ms doubling to 200 ms and jitter (0.5-1x), 0.6 s or more
        // before one succeeds; the five POSTs are stored well before.
        let target = Target::start(8, 200).await;
        let cred = lrs_credential(&app).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let ids: Vec<String> = (0..5)
            .map(|i| format!("8{i}000000-0000-4000-8000-000000000000"))
            .collect();
        for id in &ids {
            let post = xapi(&app, &cred, Method::POST, "/statements").json(&statement(
                id,
                "attempted",
                GOLF,
            ));
            assert_eq!(post.send().await.unwrap().status(), 200, "{}", app.kind());
        }
        eventually("five batches delivered", || async {
            let log = deliveries(&app, &rule).await;
            log.iter().filter(|d| d["outcome"] == "delivered").count() == 5
        })
        .await;
        let got = target.received();
        let last = got.last().unwrap();
        let sent: Vec<&str> = last
            .statements
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(sent, ids, "{}: one request, in order", app.kind());
        assert_eq!(got.len(), 9, "{}: eight failures, one delivery", app.kind());
        let log = deliveries(&app, &rule).await;
        let batches: std::collections::HashSet<&str> = log
            .iter()
            .filter(|d| d["outcome"] == "delivered")
            .map(|d| d["message_id"].as_str().unwrap())
            .collect();
        assert_eq!(batches.len(), 5, "{}: each batch logged", app.kind());
    }
}
