//! A batch with attachments goes as `multipart/mixed`; refused whole with 409, each statement
//! is sent again alone, with the parts of its own attachments only.

use super::*;

const GOLF: &str = "http://example.com/golf";
const CONTENT: &str = "the first statement's attachment";

fn sha2_of(content: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content.as_bytes()))
}

/// Two statements, the first with an attachment, as a `multipart/mixed` POST body.
fn batch_with_an_attachment(first: &str, second: &str) -> String {
    let sha2 = sha2_of(CONTENT);
    let mut with = statement(first, "attempted", GOLF);
    with["attachments"] = json!([{"usageType": "http://example.com/usage",
        "display": {"en-US": "A"}, "contentType": "text/plain",
        "length": CONTENT.len(), "sha2": sha2}]);
    let batch = json!([with, statement(second, "attempted", GOLF)]);
    format!(
        "--b\r\nContent-Type: application/json\r\n\r\n{batch}\r\n--b\r\nContent-Type: text/plain\r\n\
         Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n{CONTENT}\r\n--b--"
    )
}

#[tokio::test]
async fn a_batch_with_attachments_refused_whole_goes_one_by_one_with_each_ones_parts() {
    for app in TestApp::each_store_with(fast()).await {
        let target = Target::start(0, 409).await;
        let cred = lrs_credential(&app).await;
        let rule = create_rule(&app, &target.url, ("u", "p"), json!({})).await;
        let (first, second) = (
            "4d000000-0000-4000-8000-000000000000",
            "4e000000-0000-4000-8000-000000000000",
        );
        let post = xapi(&app, &cred, Method::POST, "/statements")
            .header("Content-Type", "multipart/mixed; boundary=b")
            .body(batch_with_an_attachment(first, second));
        assert_eq!(post.send().await.unwrap().status(), 200, "{}", app.kind());
        eventually("the attempt", || async {
            !deliveries(&app, &rule).await.is_empty()
        })
        .await;
        let log = deliveries(&app, &rule).await;
        let outcome = (log[0]["status_code"].clone(), log[0]["outcome"].clone());
        assert_eq!(outcome, (json!(409), json!("delivered")), "{}", app.kind());

        let got = target.received();
        let methods: Vec<&str> = got.iter().map(|r| r.method.as_str()).collect();
        assert_eq!(methods, ["POST", "PUT", "PUT"], "{}", app.kind());
        let multipart = |r: &Received| {
            r.content_type
                .as_deref()
                .is_some_and(|ct| ct.starts_with("multipart/mixed"))
        };
        assert!(
            multipart(&got[0]) && got[0].parts.len() == 1,
            "{}",
            app.kind()
        );
        assert!(
            multipart(&got[1]),
            "{}: the first with its part",
            app.kind()
        );
        assert_eq!(got[1].statements["id"], first);
        assert_eq!(got[1].parts.len(), 1);
        assert_eq!(got[1].parts[0].sha2, sha2_of(CONTENT));
        assert_eq!(got[1].parts[0].content, CONTENT.as_bytes());
        assert_eq!(got[2].content_type.as_deref(), Some("application/json"));
        assert_eq!(got[2].statements["id"], second, "{}", app.kind());
    }
}
