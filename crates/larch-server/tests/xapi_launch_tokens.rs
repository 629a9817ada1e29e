//! Launch-scoped LRS tokens at `/xapi/` on both stores: `Authorization: Basic <auth-token>`
//! writes statements and State of the token's actor and registration only, reads back the
//! statements it wrote, and stops working when it expires.

use base64::Engine as _;
use larch_server::testing::TestApp;
use larch_store::{IssuedLaunchToken, NewLaunchToken};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

const REGISTRATION: &str = "6e0f5a2c-9b1d-4e3f-8a7b-1c2d3e4f5a6b";
const AU: &str = "http://example.com/course/au/1";

async fn issue(app: &TestApp, ttl_secs: i64) -> IssuedLaunchToken {
    let new = NewLaunchToken {
        registration: REGISTRATION.into(),
        actor_key: "mbox:mailto:ada@example.com".into(),
        actor: json!({"mbox": "mailto:ada@example.com", "name": "Ada"}).to_string(),
        activity_id: AU.into(),
        scopes: "statements/write statements/read/mine state".into(),
        ttl_secs,
    };
    app.store
        .launch_tokens()
        .issue(app.scope, new)
        .await
        .unwrap()
}

/// The cmi5 `auth-token`: base64 of `id:secret`, sent as `Authorization: Basic <auth-token>`.
fn auth_token(issued: &IssuedLaunchToken) -> String {
    let pair = format!("{}:{}", issued.token.id, issued.secret.expose());
    base64::engine::general_purpose::STANDARD.encode(pair)
}

fn with_token(app: &TestApp, token: &str, method: Method, path: &str) -> RequestBuilder {
    app.client
        .request(method, format!("{}/xapi{path}", app.api_url))
        .header("Authorization", format!("Basic {token}"))
        .header("X-Experience-API-Version", "2.0.0")
}

fn statement(id: &str, actor: &str, registration: Option<&str>) -> Value {
    let mut s = json!({
        "id": id,
        "actor": {"mbox": format!("mailto:{actor}@example.com")},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": AU},
    });
    if let Some(r) = registration {
        s["context"] = json!({"registration": r});
    }
    s
}

fn state_path(actor: &str, registration: &str) -> String {
    let agent = json!({"mbox": format!("mailto:{actor}@example.com")}).to_string();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("activityId", AU)
        .append_pair("agent", &agent)
        .append_pair("registration", registration)
        .append_pair("stateId", "bookmark")
        .finish();
    format!("/activities/state?{query}")
}

#[tokio::test]
async fn a_launch_token_writes_and_reads_only_its_own_actor_and_registration() {
    for app in TestApp::each_store().await {
        let token = auth_token(&issue(&app, 600).await);
        let post = |body: Value| with_token(&app, &token, Method::POST, "/statements").json(&body);
        let own = statement(
            "9a000000-0000-4000-8000-000000000000",
            "ada",
            Some(REGISTRATION),
        );
        assert_eq!(
            post(own).send().await.unwrap().status(),
            200,
            "{}",
            app.kind()
        );
        let cases = [
            statement(
                "9b000000-0000-4000-8000-000000000000",
                "bob",
                Some(REGISTRATION),
            ),
            statement("9c000000-0000-4000-8000-000000000000", "ada", None),
            statement(
                "9d000000-0000-4000-8000-000000000000",
                "ada",
                Some("0e0f5a2c-9b1d-4e3f-8a7b-1c2d3e4f5a6b"),
            ),
        ];
        for s in cases {
            assert_eq!(
                post(s.clone()).send().await.unwrap().status(),
                403,
                "{}: {s}",
                app.kind()
            );
        }
        // Another writer's statement in the same LRS is not the token's to read.
        let cred: Value = app
            .post(
                "/v1/lrs/credentials",
                &json!({"name": "lms", "scopes": ["all"]}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lms = app
            .client
            .post(format!("{}/xapi/statements", app.api_url))
            .basic_auth(cred["key"].as_str().unwrap(), cred["secret"].as_str())
            .header("X-Experience-API-Version", "2.0.0")
            .json(&statement(
                "9e000000-0000-4000-8000-000000000000",
                "ada",
                Some(REGISTRATION),
            ));
        assert_eq!(lms.send().await.unwrap().status(), 200);
        let read = with_token(&app, &token, Method::GET, "/statements")
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200);
        let read: Value = read.json().await.unwrap();
        let ids: Vec<_> = read["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].clone())
            .collect();
        assert_eq!(
            ids,
            [json!("9a000000-0000-4000-8000-000000000000")],
            "{}",
            app.kind()
        );

        let put = |path: String| {
            with_token(&app, &token, Method::PUT, &path)
                .header("Content-Type", "application/json")
                .body(r#"{"page": 3}"#)
        };
        let own_state = put(state_path("ada", REGISTRATION)).send().await.unwrap();
        assert_eq!(own_state.status(), 204, "{}", app.kind());
        let got = with_token(&app, &token, Method::GET, &state_path("ada", REGISTRATION));
        assert_eq!(
            got.send().await.unwrap().text().await.unwrap(),
            r#"{"page": 3}"#
        );
        for path in [
            state_path("bob", REGISTRATION),
            state_path("ada", "0e0f5a2c-9b1d-4e3f-8a7b-1c2d3e4f5a6b"),
        ] {
            assert_eq!(
                put(path).send().await.unwrap().status(),
                403,
                "{}",
                app.kind()
            );
        }
        let profile = with_token(
            &app,
            &token,
            Method::GET,
            &format!("/activities/profile?activityId={AU}"),
        );
        assert_eq!(
            profile.send().await.unwrap().status(),
            403,
            "no profile scope"
        );
    }
}

#[tokio::test]
async fn expired_and_wrong_tokens_open_nothing() {
    for app in TestApp::each_store().await {
        let expired = auth_token(&issue(&app, 0).await);
        let valid = issue(&app, 600).await;
        let forged =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:guess", valid.token.id));
        for token in [expired, forged, "bHJzdF94Og==".to_owned()] {
            let res = with_token(&app, &token, Method::GET, "/statements")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "{}: {token}", app.kind());
        }
        let res = with_token(&app, &auth_token(&valid), Method::GET, "/statements")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
}
