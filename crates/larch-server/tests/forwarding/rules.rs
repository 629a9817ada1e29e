//! `/v1/lrs/forwarding_rules`: create, read, list, update, delete, validation at the edge, and
//! the target's password never in a response nor in a log line.

use super::*;
use std::io::Write;
use std::sync::OnceLock;

/// Every log line of this test binary, at every level (a global subscriber: the server's
/// tasks log from other threads).
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs: Arc<Mutex<Vec<u8>>> = Arc::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogWriter(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        logs
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn rules_are_created_read_listed_updated_and_deleted() {
    for app in TestApp::each_store().await {
        let id = create_rule(&app, "https://lrs.example.com/xapi/", ("u", "p"), json!({})).await;
        assert!(id.starts_with("lrsf_"));
        let path = format!("/v1/lrs/forwarding_rules/{id}");
        let rule: Value = app.get(&path).send().await.unwrap().json().await.unwrap();
        assert_eq!(rule["object"], "lrs_forwarding_rule");
        assert_eq!(
            rule["url"],
            "https://lrs.example.com/xapi",
            "{}",
            app.kind()
        );
        assert_eq!(rule["auth"], json!({"type": "basic", "username": "u"}));
        assert_eq!(
            rule["filter"],
            json!({"verbs": [], "activity_ids": [], "registrations": []})
        );
        assert_eq!(
            (rule["enabled"].clone(), rule["version"].clone()),
            (json!(true), json!("2.0.0"))
        );
        let patch = json!({"enabled": false, "version": "1.0.3",
            "filter": {"verbs": ["http://adlnet.gov/expapi/verbs/passed"]}});
        let res = app.patch(&path, &patch).send().await.unwrap();
        assert_eq!(res.status(), 200, "{}", app.kind());
        let updated: Value = res.json().await.unwrap();
        assert_eq!(
            (updated["enabled"].clone(), updated["version"].clone()),
            (json!(false), json!("1.0.3"))
        );
        assert_eq!(
            updated["filter"]["verbs"],
            json!(["http://adlnet.gov/expapi/verbs/passed"])
        );
        assert_eq!(updated["url"], rule["url"]);
        let list: Value = app
            .get("/v1/lrs/forwarding_rules")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (list["object"].clone(), list["data"][0]["id"].clone()),
            (json!("list"), json!(id))
        );
        let log: Value = app
            .get(&format!("{path}/deliveries"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(log["data"], json!([]));
        let deleted: Value = app
            .delete(&path)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            deleted,
            json!({"object": "lrs_forwarding_rule", "id": id, "deleted": true})
        );
        for res in [
            app.get(&path),
            app.delete(&path),
            app.get(&format!("{path}/deliveries")),
        ] {
            assert_eq!(res.send().await.unwrap().status(), 404);
        }
    }
}

#[tokio::test]
async fn invalid_rules_are_refused_naming_the_field() {
    let app = TestApp::sqlite().await;
    let good = json!({"url": "https://lrs.example.com/xapi", "version": "2.0.0",
        "auth": {"type": "basic", "username": "u", "password": "p"}});
    let cases = [
        ("/url", json!("ftp://lrs.example.com/xapi"), "url"),
        ("/url", json!("https://u:p@lrs.example.com/xapi"), "url"),
        ("/version", json!("1.0"), "version"),
        ("/auth/type", json!("oauth"), "auth.type"),
        ("/auth/password", json!(""), "auth.password"),
    ];
    for (pointer, value, param) in cases {
        let mut body = good.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        let res = app
            .post("/v1/lrs/forwarding_rules", &body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{pointer}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["param"], param, "{err}");
    }
    let mut unknown = good.clone();
    unknown["secret"] = json!("x");
    let res = app
        .post("/v1/lrs/forwarding_rules", &unknown)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let id = create_rule(&app, "https://lrs.example.com/xapi", ("u", "p"), json!({})).await;
    let path = format!("/v1/lrs/forwarding_rules/{id}");
    let bad = json!({"filter": {"registrations": ["not-a-uuid"]}});
    let res = app.patch(&path, &bad).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let missing = app.patch(
        "/v1/lrs/forwarding_rules/lrsf_none",
        &json!({"enabled": false}),
    );
    assert_eq!(missing.send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_target_password_never_shows_in_responses_or_logs() {
    let logs = captured_logs();
    let password = format!("pw-{}", larch_store::ids::random_base62(20));
    let replaced = format!("pw2-{}", larch_store::ids::random_base62(20));
    for app in TestApp::each_store_with(fast()).await {
        let target = Target::start(1, 200).await;
        let cred = lrs_credential(&app).await;
        let mut texts = Vec::new();
        let body = json!({"url": target.url, "version": "2.0.0",
            "auth": {"type": "basic", "username": "forwarder", "password": password}});
        let res = app
            .post("/v1/lrs/forwarding_rules", &body)
            .send()
            .await
            .unwrap();
        let rule: Value = res.json().await.unwrap();
        texts.push(rule.to_string());
        let path = format!("/v1/lrs/forwarding_rules/{}", rule["id"].as_str().unwrap());
        let bad = json!({"url": "gopher://x", "version": "2.0.0",
            "auth": {"type": "basic", "username": "forwarder", "password": password}});
        texts.push(
            app.post("/v1/lrs/forwarding_rules", &bad)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        let stmt = statement(
            "8a000000-0000-4000-8000-000000000000",
            "attempted",
            "http://example.com/a",
        );
        let post = xapi(&app, &cred, Method::POST, "/statements").json(&stmt);
        assert_eq!(post.send().await.unwrap().status(), 200);
        let rule_id = rule["id"].as_str().unwrap().to_owned();
        eventually("the retried delivery", || async {
            deliveries(&app, &rule_id)
                .await
                .first()
                .is_some_and(|d| d["outcome"] == "delivered")
        })
        .await;
        let auth =
            json!({"auth": {"type": "basic", "username": "forwarder", "password": replaced}});
        texts.push(
            app.patch(&path, &auth)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        texts.push(app.get(&path).send().await.unwrap().text().await.unwrap());
        texts.push(
            app.get("/v1/lrs/forwarding_rules")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        texts.push(
            app.get(&format!("{path}/deliveries"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        for text in &texts {
            assert!(
                !text.contains(&password) && !text.contains(&replaced),
                "{}: {text}",
                app.kind()
            );
        }
        assert!(texts[0].contains("forwarder"), "the user is shown");
    }
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        logs.contains("outbox delivery attempt"),
        "the capture works"
    );
    assert!(
        !logs.contains(&password) && !logs.contains(&replaced),
        "a password was logged"
    );
    use base64::Engine as _;
    let header = base64::engine::general_purpose::STANDARD.encode(format!("forwarder:{password}"));
    assert!(
        !logs.contains(&header),
        "an Authorization header was logged"
    );
}
