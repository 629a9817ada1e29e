//! Player branding over real HTTP, on each store: `PUT/GET /v1/player/branding` validates and
//! stores per environment, and the player's state carries it (the page's CSP unchanged).

#[expect(dead_code, reason = "shared with the other run-time API tests")]
#[path = "runtime_api/player.rs"]
mod runtime_api;

use larch_server::testing::TestApp;
use runtime_api::Player;
use serde_json::{Value, json};

const SINGLE_SCO: &str = "scorm12/golf_ContentPackagingSingleSCO_SCORM12.zip";
const LOGO: &str =
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";

/// The `branding` of a freshly launched player's state, and the page's CSP.
async fn player_branding(app: &TestApp, registration: &str) -> (Value, String) {
    let player = Player::open(app, &app.launch_url(registration).await).await;
    (player.state(app).await["branding"].clone(), player.csp)
}

async fn put(app: &TestApp, body: &Value) -> (u16, Value) {
    let res = app
        .request(reqwest::Method::PUT, "/v1/player/branding")
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn branding_is_stored_per_environment_and_reaches_the_player() {
    for app in TestApp::each_store().await {
        app.import_fixture(SINGLE_SCO, "golf").await;
        let body = json!({"id": "r", "course_id": "golf", "learner":
                          {"id": "ada", "first_name": "Ada", "last_name": "Lovelace"}});
        let res = app.post("/v1/registrations", &body).send().await.unwrap();
        assert_eq!(res.status(), 201);

        // Nothing set: the default look.
        let none: Value = app
            .get("/v1/player/branding")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(none["object"], "player_branding");
        assert_eq!(
            (&none["logo_url"], &none["updated"]),
            (&Value::Null, &Value::Null)
        );
        let (branding, _) = player_branding(&app, "r").await;
        assert_eq!(branding["color"], "#1f6feb", "{}", app.kind());
        assert_eq!(branding["logo_url"], Value::Null);

        let (status, stored) = put(
            &app,
            &json!({"logo_url": LOGO, "primary_color": "#AA3300", "name": "Acme Learning"}),
        )
        .await;
        assert_eq!(status, 200, "{stored}");
        assert_eq!(stored["primary_color"], "#aa3300");
        assert!(stored["updated"].as_i64().unwrap() > 0);
        let read: Value = app
            .get("/v1/player/branding")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(read, stored);
        let (branding, csp) = player_branding(&app, "r").await;
        assert_eq!(
            (&branding["color"], &branding["logo_url"], &branding["name"]),
            (&json!("#aa3300"), &json!(LOGO), &json!("Acme Learning")),
            "{}",
            app.kind()
        );
        // The page's policy stays strict: no inline script or style was needed.
        assert!(!csp.contains("unsafe-inline") && csp.contains("img-src 'self' data: https:"));

        // Refused at the edge, nothing changed.
        for bad in [
            json!({"logo_url": "http://example.com/logo.png"}),
            json!({"logo_url": "javascript:alert(1)"}),
            json!({"logo_url": "data:text/html;base64,PGI+"}),
            json!({"primary_color": "red"}),
            json!({"primary_color": "#12345"}),
            json!({"name": ""}),
            json!({"colour": "#123456"}),
        ] {
            let (status, error) = put(&app, &bad).await;
            assert_eq!(status, 400, "{bad} {error}");
        }
        let (https, _) = put(&app, &json!({"logo_url": "https://cdn.example.com/l.png"})).await;
        assert_eq!(https, 200);
        let read: Value = app
            .get("/v1/player/branding")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // PUT replaces the whole branding: the colour and name are back to none.
        assert_eq!(
            (&read["logo_url"], &read["primary_color"], &read["name"]),
            (
                &json!("https://cdn.example.com/l.png"),
                &Value::Null,
                &Value::Null
            )
        );

        // The live environment has its own (none).
        let live = app.other_environment_key().await;
        let res = app
            .request_as(&live, reqwest::Method::GET, "/v1/player/branding")
            .send()
            .await
            .unwrap();
        let other: Value = res.json().await.unwrap();
        assert_eq!(other["logo_url"], Value::Null, "{}", app.kind());
    }
}
