//! Launch-scoped LRS tokens on SQLite and PostgreSQL alike: they open their own scope with
//! their secret only, until they expire.

use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{Environment, LrsSecret, NewLaunchToken};

fn new_token(ttl_secs: i64) -> NewLaunchToken {
    NewLaunchToken {
        registration: "6e0f5a2c-9b1d-4e3f-8a7b-1c2d3e4f5a6b".into(),
        actor_key: "mbox:mailto:ada@example.com".into(),
        actor: r#"{"mbox":"mailto:ada@example.com"}"#.into(),
        activity_id: "http://example.com/au/1".into(),
        scopes: "statements/write statements/read/mine state".into(),
        ttl_secs,
    }
}

#[tokio::test]
async fn a_token_opens_its_scope_with_its_secret_until_it_expires() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Live).await;
        let tokens = store.launch_tokens();
        let issued = tokens.issue(scope, new_token(600)).await.unwrap();
        let id = issued.token.id.as_str().to_owned();
        assert!(id.starts_with("lrst_"));
        assert!(issued.token.expires >= issued.token.created + 600);
        let found = tokens.authenticate(&id, &issued.secret).await.unwrap();
        let found = found.expect("the token authenticates");
        assert_eq!(found, issued.token, "{}", store.kind());
        assert_eq!(found.scope, scope);
        let wrong = LrsSecret::presented("not-the-secret");
        assert_eq!(tokens.authenticate(&id, &wrong).await.unwrap(), None);
        let other = tokens.issue(scope, new_token(600)).await.unwrap();
        let crossed = tokens.authenticate(&id, &other.secret).await.unwrap();
        assert_eq!(
            crossed,
            None,
            "{}: a secret opens its own token only",
            store.kind()
        );
        let expired = tokens.issue(scope, new_token(0)).await.unwrap();
        let id = expired.token.id.as_str().to_owned();
        let late = tokens.authenticate(&id, &expired.secret).await.unwrap();
        assert_eq!(late, None, "{}: expired", store.kind());
    }
}
