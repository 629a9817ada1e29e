//! The cross-tenant sweep: every route of the OpenAPI document, called with a key of another
//! tenant and with the other environment's key of the same application, never reaches the
//! owner's objects: routes that address an object answer 404 (never 403: existence is not
//! revealed), collection routes answer only with the caller's own data, and nothing changes.

use larch_server::testing::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// The owner's objects that the sweep aims at, and a body for each route that takes one.
struct Targets {
    learner: String,
    api_key: String,
    import_job: String,
    course: String,
    registration: String,
    lrs_credential: String,
    forwarding_rule: String,
    /// A delivery of the owner's rule (`{delivery_id}`).
    delivery: String,
}

impl Targets {
    /// The id that fills `{id}` in `path`. A new resource must be added here, or the sweep fails.
    fn id_for(&self, path: &str) -> &str {
        if path.starts_with("/v1/learners/") {
            &self.learner
        } else if path.starts_with("/v1/api_keys/") {
            &self.api_key
        } else if path.starts_with("/v1/import_jobs/") {
            &self.import_job
        } else if path.starts_with("/v1/courses/") {
            &self.course
        } else if path.starts_with("/v1/registrations/") {
            &self.registration
        } else if path.starts_with("/v1/lrs/credentials/") {
            &self.lrs_credential
        } else if path.starts_with("/v1/lrs/forwarding_rules/") {
            &self.forwarding_rule
        } else {
            panic!("add the owner's object for {path} to the sweep's Targets")
        }
    }

    /// A valid body, so requests fail on scope, not on validation.
    fn body_for(path: &str, method: &Method) -> Option<Value> {
        match (method.as_str(), path) {
            ("POST", "/v1/courses") => {
                Some(json!({"url": "http://127.0.0.1:9/none.zip", "id": "intruder-course"}))
            }
            ("PATCH", "/v1/courses/{id}") => Some(json!({"title": "Intruder", "tags": ["x"]})),
            ("POST", "/v1/learners") => {
                Some(json!({"id": "intruder-learner", "first_name": "Intruder", "last_name": "X"}))
            }
            ("PATCH", "/v1/learners/{id}") => Some(json!({"first_name": "Intruder"})),
            ("POST", "/v1/api_keys") => Some(json!({"name": "intruder"})),
            ("POST", "/v1/lrs/credentials") => Some(json!({"name": "intruder", "scopes": ["all"]})),
            ("POST", "/v1/lrs/forwarding_rules") => {
                Some(forwarding_rule("https://intruder.example.com/xapi"))
            }
            ("PATCH", "/v1/lrs/forwarding_rules/{id}") => {
                Some(json!({"enabled": false, "url": "https://intruder.example.com/xapi"}))
            }
            ("POST", "/v1/registrations") => {
                Some(json!({"course_id": "sweep-course", "learner_id": "sweep-learner"}))
            }
            ("PUT", "/v1/player/branding") => Some(json!({"name": "Intruder"})),
            _ => None,
        }
    }
}

#[tokio::test]
async fn no_route_reaches_another_scope() {
    // The URL imports below name a local port (nothing listens there; the job just fails).
    // No delivery workers: the owner's failed delivery below stays failed unless a retry
    // from another scope requeued it.
    let local = larch_server::ServerConfig {
        import_allow_private_urls: true,
        delivery_workers: 0,
        ..larch_server::ServerConfig::default()
    };
    for app in TestApp::each_store_with(local).await {
        let learner = json!({"id": "sweep-learner", "first_name": "Owner", "last_name": "O"});
        assert_eq!(
            app.post("/v1/learners", &learner)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
        let key: Value = app
            .post("/v1/api_keys", &json!({"name": "target"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lrs: Value = app
            .post(
                "/v1/lrs/credentials",
                &json!({"name": "target", "scopes": ["all"]}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rule: Value = app
            .post(
                "/v1/lrs/forwarding_rules",
                &forwarding_rule("https://owner.example.com/xapi"),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let branding = json!({"name": "Owner Brand", "primary_color": "#123456"});
        let res = app
            .request(Method::PUT, "/v1/player/branding")
            .json(&branding)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        app.seed_course("sweep-course").await;
        let import = json!({"url": "http://127.0.0.1:9/none.zip", "id": "sweep-course"});
        let import: Value = app
            .post("/v1/courses", &import)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let reg =
            json!({"id": "sweep-reg", "course_id": "sweep-course", "learner_id": "sweep-learner"});
        assert_eq!(
            app.post("/v1/registrations", &reg)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
        let (message, delivery) = failed_delivery(&app, rule["id"].as_str().unwrap()).await;
        let targets = Targets {
            learner: "sweep-learner".into(),
            api_key: key["id"].as_str().unwrap().into(),
            import_job: import["id"].as_str().unwrap().into(),
            course: "sweep-course".into(),
            registration: "sweep-reg".into(),
            lrs_credential: lrs["id"].as_str().unwrap().into(),
            forwarding_rule: rule["id"].as_str().unwrap().into(),
            delivery,
        };
        let target_secret = key["secret"].as_str().unwrap().to_owned();
        let outsiders = [
            app.other_tenant_key().await,
            app.other_environment_key().await,
        ];

        let doc = larch_server::openapi();
        let mut calls = 0;
        for (path, item) in &doc.paths.paths {
            for method in operations(item) {
                let concrete = if path.contains('{') {
                    path.replace("{id}", targets.id_for(path))
                        .replace("{delivery_id}", &targets.delivery)
                } else {
                    path.clone()
                };
                for outsider in &outsiders {
                    let mut req = app.request_as(outsider, method.clone(), &concrete);
                    if let Some(body) = Targets::body_for(path, &method) {
                        req = req.json(&body);
                    }
                    let res = req.send().await.unwrap();
                    let status = res.status();
                    let text = res.text().await.unwrap();
                    calls += 1;
                    if path.contains('{') {
                        assert_eq!(
                            status,
                            404,
                            "{} {method} {concrete} from another scope: {text}",
                            app.kind()
                        );
                    } else {
                        let leaked = [
                            "Owner",
                            targets.import_job.as_str(),
                            "sweep-course",
                            "sweep-reg",
                            targets.api_key.as_str(),
                            targets.lrs_credential.as_str(),
                            targets.forwarding_rule.as_str(),
                            "owner.example.com",
                        ];
                        assert!(
                            !leaked.iter().any(|t| text.contains(t)),
                            "{method} {concrete} leaked: {text}"
                        );
                    }
                }
            }
        }
        assert!(calls >= 2 * 30, "the sweep covered {calls} calls only");
        // Nothing of the owner's changed.
        let owned: Value = app
            .get("/v1/learners/sweep-learner")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(owned["first_name"], "Owner");
        let course: Value = app
            .get("/v1/courses/sweep-course")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(course["title"], "Course sweep-course");
        assert_eq!(course["tags"], json!([]));
        assert_eq!(
            app.request_as(&target_secret, Method::GET, "/v1/learners")
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let rule_path = format!("/v1/lrs/forwarding_rules/{}", targets.forwarding_rule);
        let rule: Value = app
            .get(&rule_path)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (rule["enabled"].clone(), rule["url"].clone()),
            (json!(true), json!("https://owner.example.com/xapi")),
            "the owner's forwarding rule survived the sweep"
        );
        let branding: Value = app
            .get("/v1/player/branding")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            branding["name"], "Owner Brand",
            "the owner's branding survived the sweep"
        );
        let batch = app.store.outbox().get(app.scope, &message).await.unwrap();
        assert_eq!(
            batch.map(|m| m.status),
            Some(larch_store::MessageStatus::Failed),
            "the owner's failed batch was not requeued"
        );
        let reg = app.get("/v1/registrations/sweep-reg").send().await.unwrap();
        assert_eq!(
            reg.status(),
            200,
            "the owner's registration survived the sweep"
        );
    }
}

/// A valid forwarding rule to `url`.
fn forwarding_rule(url: &str) -> Value {
    json!({"url": url, "version": "2.0.0", "auth": {"type": "basic", "username": "u", "password": "p"}})
}

/// The methods of a path item's operations.
fn operations(item: &utoipa::openapi::PathItem) -> Vec<Method> {
    let pairs = [
        (Method::GET, item.get.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::PATCH, item.patch.is_some()),
        (Method::DELETE, item.delete.is_some()),
    ];
    pairs
        .into_iter()
        .filter(|(_, present)| *present)
        .map(|(m, _)| m)
        .collect()
}

/// A forwarded batch of the owner's rule that failed for good, and its one delivery's id.
async fn failed_delivery(app: &TestApp, rule: &str) -> (larch_store::ids::OutboxMessageId, String) {
    let outbox = app.store.outbox();
    let new = larch_store::NewMessage {
        topic: larch_store::FORWARD_TOPIC.into(),
        target: rule.into(),
        payload: json!({"statements": []}),
    };
    outbox.push(app.scope, new).await.unwrap();
    let topics = [larch_store::FORWARD_TOPIC];
    let claimed = outbox
        .claim(&topics, "sweep", 60_000)
        .await
        .unwrap()
        .unwrap();
    let attempt = larch_store::Attempt {
        number: claimed.attempts,
        status_code: Some(500),
        error: Some("sweep".into()),
        duration_ms: 1,
        outcome: larch_store::AttemptOutcome::Failed,
    };
    outbox
        .record(app.scope, &claimed.id, "sweep", attempt)
        .await
        .unwrap();
    let log = outbox
        .deliveries(
            app.scope,
            larch_store::FORWARD_TOPIC,
            rule,
            Default::default(),
        )
        .await
        .unwrap();
    (claimed.id, log.items[0].id.to_string())
}
