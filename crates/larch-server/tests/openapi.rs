//! The committed OpenAPI document (`docs/openapi.json`) is the one the code generates.
//! After changing the API, regenerate it with:
//! `LARCH_UPDATE_OPENAPI=1 cargo test -p larch-server --test openapi`.

use larch_server::testing::TestApp;
use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn committed_openapi_document_matches_the_code() {
    let generated = larch_server::openapi().to_pretty_json().unwrap() + "\n";
    let path = committed_path();
    if std::env::var_os("LARCH_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date: run LARCH_UPDATE_OPENAPI=1 cargo test -p larch-server --test openapi"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_every_operation_is_secured_and_named() {
    let doc: serde_json::Value =
        serde_json::from_str(&larch_server::openapi().to_json().unwrap()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["security"].as_array().is_some_and(|s| !s.is_empty()));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
            if method == "post" {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                assert!(
                    params.iter().any(|p| p["name"] == "Idempotency-Key"),
                    "{path} POST lacks Idempotency-Key"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_server_serves_the_same_document() {
    let app = TestApp::sqlite().await;
    let served: serde_json::Value = app
        .client
        .get(format!("{}/v1/openapi.json", app.api_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let generated: serde_json::Value =
        serde_json::from_str(&larch_server::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, generated);
}
