//! The LRS at `/xapi/` on both stores: credentials, versions, statements and attachments, and
//! the rejections the xAPI specification requires (the ADL conformance suite covers the rest;
//! see scripts/lrs-conformance.sh). Documents, scopes and the alternate syntax: `xapi_access.rs`.

mod lrs;

use larch_server::testing::TestApp;
use lrs::{Lrs, stmt};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn credentials_are_created_listed_and_revoked() {
    for app in TestApp::each_store().await {
        let bad = app
            .post(
                "/v1/lrs/credentials",
                &json!({"name": "x", "scopes": ["everything"]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400, "{}", app.kind());
        let lrs = Lrs::new(&app, &[]).await;
        let list: Value = app
            .get("/v1/lrs/credentials")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let first = &list["data"][0];
        assert_eq!(
            first["scopes"],
            json!(["statements/write", "statements/read/mine"])
        );
        assert!(first.get("secret").is_none(), "the secret is shown once");
        let id = first["id"].as_str().unwrap();
        assert!(id.starts_with("lrsk_"));
        assert_eq!(
            app.get(&format!("/v1/lrs/credentials/{id}"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(
            lrs.post(&stmt("a", "http://example.com/a")).await.status(),
            200
        );
        let revoked = app
            .post(&format!("/v1/lrs/credentials/{id}/revoke"), &json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 200);
        assert_eq!(
            lrs.post(&stmt("a", "http://example.com/a")).await.status(),
            401
        );
        assert_eq!(
            app.get("/v1/lrs/credentials/lrsk_nothing")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
}

#[tokio::test]
async fn requests_need_a_credential_and_a_version() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let anonymous = lrs
            .raw(Method::GET, "/statements")
            .header("X-Experience-API-Version", "2.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401, "{}", app.kind());
        let api_key = lrs
            .raw(Method::GET, "/statements")
            .basic_auth(&app.key, Some(""))
            .header("X-Experience-API-Version", "2.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(api_key.status(), 401, "API keys do not open the LRS");
        let wrong = lrs
            .raw(Method::GET, "/statements")
            .basic_auth(&lrs.key, Some("nope"))
            .header("X-Experience-API-Version", "2.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let unversioned = lrs
            .raw(Method::GET, "/statements")
            .basic_auth(&lrs.key, Some(&lrs.secret))
            .send()
            .await
            .unwrap();
        assert_eq!(unversioned.status(), 400);
        let old = lrs
            .req(Method::GET, "/statements", "0.95")
            .send()
            .await
            .unwrap();
        assert_eq!(old.status(), 400);
        let ok = lrs
            .req(Method::GET, "/statements", "1.0.3")
            .send()
            .await
            .unwrap();
        assert_eq!(ok.headers()["x-experience-api-version"], "1.0.3");
        assert!(
            ok.headers()
                .contains_key("x-experience-api-consistent-through")
        );
        let about: Value = lrs
            .raw(Method::GET, "/about")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            about["version"]
                .as_array()
                .unwrap()
                .contains(&json!("2.0.0"))
        );
        let preflight = lrs
            .raw(Method::OPTIONS, "/statements")
            .header("Origin", "https://content.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            "https://content.example"
        );
    }
}

#[tokio::test]
async fn statements_are_stored_compared_voided_and_queried() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let res = lrs
            .post(&json!([
                stmt("a", "http://example.com/1"),
                stmt("b", "http://example.com/2")
            ]))
            .await;
        assert_eq!(res.status(), 200, "{}", app.kind());
        let ids: Vec<String> = res.json().await.unwrap();
        assert_eq!(ids.len(), 2);
        let invalid = lrs.post(&json!({"actor": {"mbox": "a@example.com"}, "verb": {"id": "http://v"}, "object": {"id": "http://o"}})).await;
        assert_eq!(invalid.status(), 400);
        assert!(
            invalid.text().await.unwrap().contains("mbox"),
            "the error names the property"
        );
        let id = "6a5e2ac9-2b0f-4a8e-9c36-6d3c8e1c7d11";
        let put = |body: Value| {
            lrs.req(
                Method::PUT,
                &format!("/statements?statementId={id}"),
                "2.0.0",
            )
            .json(&body)
            .send()
        };
        assert_eq!(
            put(stmt("c", "http://example.com/3"))
                .await
                .unwrap()
                .status(),
            204
        );
        assert_eq!(
            put(stmt("c", "http://example.com/3"))
                .await
                .unwrap()
                .status(),
            204,
            "same statement: no-op"
        );
        assert_eq!(
            put(stmt("d", "http://example.com/3"))
                .await
                .unwrap()
                .status(),
            409
        );
        let one = lrs
            .req(
                Method::GET,
                &format!("/statements?statementId={id}"),
                "2.0.0",
            )
            .send()
            .await
            .unwrap();
        assert!(one.headers().contains_key("last-modified"));
        let one: Value = one.json().await.unwrap();
        assert_eq!(one["authority"]["objectType"], "Agent");
        let by_agent = lrs
            .get_json("/statements?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D")
            .await;
        assert_eq!(by_agent["statements"].as_array().unwrap().len(), 1);
        let void = json!({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}, "object": {"objectType": "StatementRef", "id": id}});
        assert_eq!(lrs.post(&void).await.status(), 200);
        let gone = lrs
            .req(
                Method::GET,
                &format!("/statements?statementId={id}"),
                "2.0.0",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), 404);
        lrs.get_json(&format!("/statements?voidedStatementId={id}"))
            .await;
        let page = lrs.get_json("/statements?limit=2").await;
        assert_eq!(page["statements"].as_array().unwrap().len(), 2);
        let more = page["more"]
            .as_str()
            .unwrap()
            .trim_start_matches("/xapi")
            .to_owned();
        let rest = lrs.get_json(&more).await;
        assert_eq!(rest["statements"].as_array().unwrap().len(), 1);
        assert_eq!(rest["more"], "");
        let activity: Value = lrs
            .get_json("/activities?activityId=http%3A%2F%2Fexample.com%2F1")
            .await;
        assert_eq!(activity["definition"]["name"]["en-US"], "Golf");
        let person = lrs
            .get_json("/agents?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D")
            .await;
        assert_eq!(person["name"], json!(["a"]));
    }
}

#[tokio::test]
async fn attachments_round_trip_as_multipart() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let content = b"here is a simple attachment";
        let sha2 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content));
        let mut s = stmt("a", "http://example.com/1");
        s["attachments"] = json!([{"usageType": "http://example.com/usage", "display": {"en-US": "A"}, "contentType": "text/plain", "length": content.len(), "sha2": sha2}]);
        let body = format!(
            "--b\r\nContent-Type: application/json\r\n\r\n{s}\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n{}\r\n--b--",
            String::from_utf8_lossy(content)
        );
        let res = lrs
            .req(Method::POST, "/statements", "2.0.0")
            .header("Content-Type", "multipart/mixed; boundary=b")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", app.kind());
        let missing_part = lrs.post(&s).await;
        assert_eq!(
            missing_part.status(),
            400,
            "an attachment without fileUrl needs its part"
        );
        let res = lrs
            .req(Method::GET, "/statements?attachments=true", "2.0.0")
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("multipart/mixed")
        );
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("here is a simple attachment")
        );
    }
}
