//! Issue 6: a statement stored under xAPI 2.0 with 2.0-only properties, forwarded by a 1.0.3
//! rule, arrives as valid 1.0.3 (`larch_xapi::downgrade`), and the log says what changed.

use super::{Target, create_rule, deliveries, eventually, fast, lrs_credential, statement, xapi};
use larch_server::testing::TestApp;
use larch_xapi::downgrade::{CONTEXT_AGENTS_IRI, CONTEXT_GROUPS_IRI};
use larch_xapi::{Statement, XapiVersion};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_v2_statement_reaches_a_1_0_3_target_as_valid_1_0_3() {
    for app in TestApp::each_store_with(fast()).await {
        let target = Target::start(0, 200).await;
        let extra = json!({"version": "1.0.3"});
        let rule = create_rule(&app, &target.url, ("fwd", "pw"), extra).await;
        let cred = lrs_credential(&app).await;
        let id = "0c8f2e6a-1b3d-4c5e-8f70-9a1b2c3d4e5f";
        let mut sent = statement(id, "completed", "https://example.com/course/1");
        let coach = json!({"mbox": "mailto:coach@example.com"});
        sent["context"] = json!({
            "contextAgents": [{"objectType": "contextAgent", "agent": coach,
                "relevantTypes": ["https://example.com/types/coach"]}],
            "contextGroups": [{"objectType": "contextGroup",
                "group": {"objectType": "Group", "member": [coach]}}],
        });
        let res = xapi(&app, &cred, Method::POST, "/statements")
            .json(&sent)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", app.kind());
        eventually("the statement at the target", || async {
            !target.received().is_empty()
        })
        .await;
        let got = target.received()[0].clone();
        assert_eq!(got.version.as_deref(), Some("1.0.3"), "{}", app.kind());
        let forwarded = got.statements[0].clone();
        Statement::parse(&forwarded, XapiVersion::V1_0_3)
            .unwrap_or_else(|e| panic!("{}: not valid 1.0.3: {e}: {forwarded}", app.kind()));
        assert_eq!(forwarded["version"], "1.0.3");
        let ext = &forwarded["context"]["extensions"];
        assert_eq!(ext[CONTEXT_AGENTS_IRI], sent["context"]["contextAgents"]);
        assert_eq!(ext[CONTEXT_GROUPS_IRI], sent["context"]["contextGroups"]);
        eventually("the delivery logged", || async {
            !deliveries(&app, &rule).await.is_empty()
        })
        .await;
        let log = deliveries(&app, &rule).await;
        assert_eq!(log[0]["outcome"], "delivered", "{}", app.kind());
        let note = log[0]["error"].as_str().unwrap_or_default();
        assert!(
            note.starts_with("converted to xAPI 1.0.3: statement 0c8f2e6a"),
            "{note}"
        );
        assert!(
            note.contains("contextAgents") && note.contains("contextGroups"),
            "{note}"
        );
    }
}
