//! The LRS's documents (ETags, merge), credential scopes, other environments, and the 1.0.3
//! alternate request syntax, on both stores.

mod lrs;

use larch_server::testing::TestApp;
use lrs::{Lrs, stmt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn documents_honour_etags_and_merge_json() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let path = "/activities/state?activityId=http%3A%2F%2Fexample.com%2F1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&stateId=s1";
        let put = lrs
            .req(Method::PUT, path, "2.0.0")
            .json(&json!({"a": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 204, "{}", app.kind());
        let unconditional = lrs
            .req(Method::PUT, path, "2.0.0")
            .json(&json!({"a": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            unconditional.status(),
            409,
            "2.0: an existing State document needs a precondition"
        );
        let stale = lrs
            .req(Method::PUT, path, "2.0.0")
            .header("If-Match", "\"stale\"")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 412);
        let merged = lrs
            .req(Method::POST, path, "2.0.0")
            .json(&json!({"b": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(merged.status(), 204);
        let got = lrs.req(Method::GET, path, "2.0.0").send().await.unwrap();
        let etag = got.headers()["etag"].to_str().unwrap().to_owned();
        assert!(got.headers().contains_key("last-modified"));
        assert_eq!(got.json::<Value>().await.unwrap(), json!({"a": 1, "b": 2}));
        let matched = lrs
            .req(Method::PUT, path, "2.0.0")
            .header("If-Match", &etag)
            .json(&json!({"c": 3}))
            .send()
            .await
            .unwrap();
        assert_eq!(matched.status(), 204);
        let list_path = path.trim_end_matches("&stateId=s1");
        let ids = lrs.get_json(list_path).await;
        assert_eq!(ids, json!(["s1"]));
        let profile =
            "/agents/profile?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&profileId=p";
        let no_header = lrs
            .req(Method::PUT, profile, "2.0.0")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            no_header.status(),
            400,
            "profile PUT needs If-Match or If-None-Match"
        );
        let delete = lrs
            .req(Method::DELETE, list_path, "2.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(delete.status(), 204);
        assert_eq!(
            lrs.req(Method::GET, path, "2.0.0")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
}

#[tokio::test]
async fn scopes_limit_what_a_credential_reaches() {
    for app in TestApp::each_store().await {
        let writer = Lrs::new(&app, &["statements/write", "statements/read/mine"]).await;
        let other = Lrs::new(&app, &["all"]).await;
        assert_eq!(
            writer
                .post(&stmt("a", "http://example.com/1"))
                .await
                .status(),
            200,
            "{}",
            app.kind()
        );
        assert_eq!(
            other
                .post(&stmt("b", "http://example.com/1"))
                .await
                .status(),
            200
        );
        let mine = writer.get_json("/statements").await;
        assert_eq!(
            mine["statements"].as_array().unwrap().len(),
            1,
            "read/mine sees its own statements"
        );
        let state = writer.req(Method::GET, "/activities/state?activityId=http%3A%2F%2Fx&agent=%7B%22mbox%22%3A%22mailto%3Aa%40x.com%22%7D", "2.0.0").send().await.unwrap();
        assert_eq!(state.status(), 403);
        let reader = Lrs::new(&app, &["all/read"]).await;
        assert_eq!(
            reader
                .post(&stmt("c", "http://example.com/1"))
                .await
                .status(),
            403
        );
        assert_eq!(
            reader.get_json("/statements").await["statements"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // Another environment is another LRS.
        let live_key = app.other_environment_key().await;
        let res = app
            .client
            .post(format!("{}/v1/lrs/credentials", app.api_url))
            .bearer_auth(&live_key)
            .json(&json!({"name": "live", "scopes": ["all"]}))
            .send()
            .await
            .unwrap();
        let live: Value = res.json().await.unwrap();
        let live = Lrs {
            app: &app,
            key: live["key"].as_str().unwrap().into(),
            secret: live["secret"].as_str().unwrap().into(),
        };
        assert!(
            live.get_json("/statements").await["statements"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn alternate_request_syntax_is_a_1_0_3_feature() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let auth = format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{}:{}", lrs.key, lrs.secret)
            )
        );
        let form = |version: &str| {
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("Authorization", &auth)
                .append_pair("X-Experience-API-Version", version)
                .append_pair("Content-Type", "application/json")
                .append_pair("content", &stmt("a", "http://example.com/1").to_string())
                .finish()
        };
        let send = |version: &str| {
            lrs.raw(Method::POST, "/statements?method=POST")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form(version))
                .send()
        };
        assert_eq!(send("1.0.3").await.unwrap().status(), 200, "{}", app.kind());
        assert_eq!(
            send("2.0.0").await.unwrap().status(),
            StatusCode::BAD_REQUEST
        );
    }
}

/// If-Match and the write it guards are one atomic step: of concurrent PUTs that all match the
/// same ETag exactly one wins (the others get 412), and concurrent POST merges lose no key.
#[tokio::test]
async fn concurrent_document_writes_are_atomic() {
    const WRITERS: usize = 8;
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let path = "/activities/state?activityId=http%3A%2F%2Fexample.com%2F1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&stateId=race";
        let put = lrs.req(Method::PUT, path, "2.0.0").json(&json!({}));
        assert_eq!(put.send().await.unwrap().status(), 204);
        let got = lrs.req(Method::GET, path, "2.0.0").send().await.unwrap();
        let etag = got.headers()["etag"].to_str().unwrap().to_owned();
        let puts = (0..WRITERS).map(|i| {
            let req = lrs
                .req(Method::PUT, path, "2.0.0")
                .header("If-Match", &etag);
            tokio::spawn(req.json(&json!({"winner": i})).send())
        });
        let mut statuses = Vec::new();
        for task in puts.collect::<Vec<_>>() {
            statuses.push(task.await.unwrap().unwrap().status());
        }
        let won = statuses
            .iter()
            .filter(|s| **s == StatusCode::NO_CONTENT)
            .count();
        let failed = statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count();
        assert_eq!(
            (won, failed),
            (1, WRITERS - 1),
            "{} {statuses:?}",
            app.kind()
        );
        let merges = (0..WRITERS).map(|i| {
            let req = lrs.req(Method::POST, path, "2.0.0");
            tokio::spawn(req.json(&json!({format!("k{i}"): i})).send())
        });
        for task in merges.collect::<Vec<_>>() {
            assert_eq!(task.await.unwrap().unwrap().status(), 204);
        }
        let merged = lrs.get_json(path).await;
        for i in 0..WRITERS {
            assert_eq!(merged[format!("k{i}")], json!(i), "{} {merged}", app.kind());
        }
    }
}

/// `statements/read/mine`: only statements whose authority is this credential, whether asked
/// by id, by a filter the other credential's statements match too, or across `more` pages.
#[tokio::test]
async fn read_mine_reaches_only_the_credentials_own_statements() {
    for app in TestApp::each_store().await {
        let scopes = ["statements/write", "statements/read/mine"];
        let me = Lrs::new(&app, &scopes).await;
        let other = Lrs::new(&app, &scopes).await;
        let mut mine = Vec::new();
        for _ in 0..3 {
            let res = me.post(&stmt("ada", "http://example.com/1")).await;
            assert_eq!(res.status(), 200, "{}", app.kind());
            let ids: Value = res.json().await.unwrap();
            mine.push(ids[0].as_str().unwrap().to_owned());
        }
        let res = other.post(&stmt("ada", "http://example.com/1")).await;
        let theirs: Value = res.json().await.unwrap();
        let theirs = theirs[0].as_str().unwrap();

        let by_id = |lrs: &Lrs<'_>, id: &str| {
            lrs.req(
                Method::GET,
                &format!("/statements?statementId={id}"),
                "2.0.0",
            )
            .send()
        };
        assert_eq!(
            by_id(&me, theirs).await.unwrap().status(),
            404,
            "{}",
            app.kind()
        );
        assert_eq!(by_id(&me, &mine[0]).await.unwrap().status(), 200);

        let agent = "%7B%22mbox%22%3A%22mailto%3Aada%40example.com%22%7D";
        let first = me
            .get_json(&format!(
                "/statements?agent={agent}&activity=http%3A%2F%2Fexample.com%2F1&limit=2"
            ))
            .await;
        let more = first["more"].as_str().expect("a second page");
        let second = me.get_json(more.trim_start_matches("/xapi")).await;
        let seen: Vec<&str> = [&first, &second]
            .iter()
            .flat_map(|page| page["statements"].as_array().unwrap())
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        let mut expected: Vec<&str> = mine.iter().rev().map(String::as_str).collect();
        expected.dedup();
        assert_eq!(seen, expected, "{}: newest first, mine only", app.kind());
        let theirs_only = other.get_json("/statements").await;
        assert_eq!(theirs_only["statements"].as_array().unwrap().len(), 1);
        assert_eq!(theirs_only["statements"][0]["id"], theirs);
    }
}

/// A statement stored under 2.0 and read by a 1.0.3 client keeps its `version` and its
/// 2.0-only properties (Data 2.4.10, XAPI-00332: statements retain the version they were
/// accepted with); the response names the version negotiated for the request.
#[tokio::test]
async fn a_1_0_3_reader_gets_2_0_statements_as_stored() {
    for app in TestApp::each_store().await {
        let lrs = Lrs::new(&app, &["all"]).await;
        let id = "9d000000-0000-4000-8000-000000000000";
        let mut statement = stmt("ada", "http://example.com/1");
        statement["id"] = json!(id);
        statement["context"] = json!({"contextAgents": [{
            "objectType": "contextAgent",
            "agent": {"mbox": "mailto:coach@example.com"},
        }]});
        assert_eq!(lrs.post(&statement).await.status(), 200, "{}", app.kind());
        let path = format!("/statements?statementId={id}");
        let res = lrs.req(Method::GET, &path, "1.0.3").send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["x-experience-api-version"], "1.0.3");
        let read: Value = res.json().await.unwrap();
        assert_eq!(read["version"], "2.0.0", "{}", app.kind());
        assert_eq!(
            read["context"]["contextAgents"][0]["agent"]["mbox"],
            "mailto:coach@example.com"
        );
        let res = lrs.req(Method::GET, &path, "2.0.0").send().await.unwrap();
        assert_eq!(res.headers()["x-experience-api-version"], "2.0.0");
        assert_eq!(res.json::<Value>().await.unwrap()["version"], "2.0.0");
    }
}
