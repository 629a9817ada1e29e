//! Document resources (ADL suite `H.Communication2.2`–`2.7`, `H.Communication3.1-Concurrency`,
//! 2.0 `4.1.4-Concurrency`).

use larch_xapi::XapiVersion;
use larch_xapi::documents::{
    DocumentKind::{self, ActivityProfile, AgentProfile, State},
    DocumentMethod::{self, Delete, Get, Post, Put},
    Precondition, StoredDocument, check_preconditions, etag, parse_document_params, post_document,
};

const AGENT: &str = r#"{"objectType":"Agent","mbox":"mailto:xapi@adlnet.gov"}"#;
const ACT: &str = "http://www.example.com/activityId/hashset";

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn outcome(
    kind: DocumentKind,
    method: DocumentMethod,
    pairs: &[(&str, &str)],
) -> Result<(), String> {
    parse_document_params(kind, method, &p(pairs))
        .map(|_| ())
        .map_err(|e| e.path)
}

#[test]
fn state_parameters() {
    let full = [
        ("activityId", ACT),
        ("agent", AGENT),
        ("stateId", "s1"),
        ("registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
    ];
    for method in [Get, Put, Post, Delete] {
        assert_eq!(outcome(State, method, &full), Ok(()), "{method:?}");
        assert_eq!(
            outcome(State, method, &full[1..]),
            Err("activityId".into()),
            "{method:?}"
        );
        assert_eq!(
            outcome(State, method, &[full[0], full[2]]),
            Err("agent".into()),
            "{method:?}"
        );
    }
    assert_eq!(outcome(State, Put, &full[..2]), Err("stateId".into()));
    assert_eq!(outcome(State, Post, &full[..2]), Err("stateId".into()));
    assert_eq!(
        outcome(
            State,
            Get,
            &[full[0], full[1], ("since", "2013-05-18T05:32:34.804Z")]
        ),
        Ok(())
    );
    assert_eq!(
        outcome(State, Delete, &full[..2]),
        Ok(()),
        "DELETE without stateId deletes all"
    );
    assert_eq!(
        outcome(
            State,
            Put,
            &[full[0], ("agent", "mailto:xapi@adlnet.gov"), full[2]]
        ),
        Err("agent".into())
    );
    assert_eq!(
        outcome(
            State,
            Put,
            &[full[0], ("agent", r#"{"mbox":"x"}"#), full[2]]
        ),
        Err("agent.mbox".into())
    );
    assert_eq!(
        outcome(
            State,
            Put,
            &[full[0], full[1], full[2], ("registration", "x")]
        ),
        Err("registration".into())
    );
    assert_eq!(
        outcome(State, Get, &[full[0], full[1], ("since", "x")]),
        Err("since".into())
    );
    assert_eq!(
        outcome(State, Get, &[("activityId", "not an iri"), full[1]]),
        Err("activityId".into())
    );
    assert_eq!(
        outcome(State, Get, &[full[0], full[1], ("profileId", "x")]),
        Err("profileId".into())
    );
}

#[test]
fn profile_parameters() {
    assert_eq!(
        outcome(
            ActivityProfile,
            Put,
            &[("activityId", ACT), ("profileId", "p")]
        ),
        Ok(())
    );
    assert_eq!(
        outcome(ActivityProfile, Get, &[("activityId", ACT)]),
        Ok(())
    );
    assert_eq!(
        outcome(ActivityProfile, Delete, &[("activityId", ACT)]),
        Err("profileId".into())
    );
    assert_eq!(
        outcome(ActivityProfile, Put, &[("profileId", "p")]),
        Err("activityId".into())
    );
    assert_eq!(
        outcome(
            ActivityProfile,
            Put,
            &[("activityId", ACT), ("profileId", "p"), ("agent", AGENT)]
        ),
        Err("agent".into())
    );
    assert_eq!(
        outcome(AgentProfile, Post, &[("agent", AGENT), ("profileId", "p")]),
        Ok(())
    );
    assert_eq!(
        outcome(
            AgentProfile,
            Get,
            &[("agent", AGENT), ("since", "2013-05-18T05:32:34.804Z")]
        ),
        Ok(())
    );
    assert_eq!(
        outcome(
            AgentProfile,
            Get,
            &[
                ("agent", AGENT),
                ("profileId", "p"),
                ("since", "2013-05-18T05:32:34.804Z")
            ]
        ),
        Err("since".into())
    );
    assert_eq!(
        outcome(AgentProfile, Put, &[("profileId", "p")]),
        Err("agent".into())
    );
}

#[test]
fn etag_is_quoted_sha1_hex() {
    assert_eq!(etag(b""), "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"");
    assert_eq!(etag(b"abc"), "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
}

/// kind, method, version, current ETag, If-Match, If-None-Match, outcome.
type ConcurrencyCase<'a> = (
    DocumentKind,
    DocumentMethod,
    XapiVersion,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Precondition,
);

#[test]
fn concurrency_table() {
    use Precondition::{Conflict, Failed, Proceed, Required};
    let cur = etag(b"current");
    let other = etag(b"other");
    let both = format!("{other}, {cur}");
    let v1 = XapiVersion::V1_0_3;
    let v2 = XapiVersion::V2_0_0;
    #[rustfmt::skip]
    let cases: Vec<ConcurrencyCase<'_>> = vec![
        (ActivityProfile, Put, v1, Some(&cur), Some(&cur), None, Proceed),
        (ActivityProfile, Put, v1, Some(&cur), Some(&other), None, Failed),
        (ActivityProfile, Put, v1, None, Some(&cur), None, Failed),
        (ActivityProfile, Put, v1, Some(&cur), Some("*"), None, Proceed),
        (ActivityProfile, Put, v1, Some(&cur), None, Some("*"), Failed),
        (ActivityProfile, Put, v1, None, None, Some("*"), Proceed),
        (ActivityProfile, Put, v1, Some(&cur), None, None, Conflict),
        (AgentProfile, Put, v2, Some(&cur), None, None, Conflict),
        (AgentProfile, Put, v1, None, None, None, Required),
        (ActivityProfile, Put, v2, None, None, None, Required),
        (State, Put, v2, None, None, None, Proceed),
        (AgentProfile, Post, v1, None, None, None, Proceed),
        (State, Put, v1, Some(&cur), None, None, Proceed),
        (State, Put, v2, Some(&cur), None, None, Conflict),
        (State, Post, v2, Some(&cur), Some(&other), None, Failed),
        (State, Post, v2, Some(&cur), None, None, Proceed),
        (AgentProfile, Delete, v1, Some(&cur), Some(&other), None, Failed),
        (AgentProfile, Delete, v1, Some(&cur), Some(&cur), None, Proceed),
        (ActivityProfile, Put, v1, Some(&cur), Some(&both), None, Proceed),
        (ActivityProfile, Put, v1, Some(&cur), Some(cur.trim_matches('"')), None, Proceed),
    ];
    for (i, (kind, method, version, current, if_match, if_none, want)) in
        cases.into_iter().enumerate()
    {
        assert_eq!(
            check_preconditions(kind, method, version, current, if_match, if_none),
            want,
            "case {i}"
        );
    }
}

#[test]
fn post_merges_json_objects_and_rejects_the_rest() {
    let json_doc = |s: &str| StoredDocument {
        content: s.as_bytes().to_vec(),
        content_type: "application/json".into(),
    };
    let text_doc = StoredDocument {
        content: b"plain".to_vec(),
        content_type: "text/plain".into(),
    };
    let merged = post_document(
        Some(&json_doc(r#"{"a":1,"b":1}"#)),
        br#"{"b":2,"c":3}"#,
        "application/json; charset=utf-8",
    )
    .expect("merge");
    let value: serde_json::Value = serde_json::from_slice(&merged.content).expect("json");
    assert_eq!(value, serde_json::json!({"a": 1, "b": 2, "c": 3}));
    assert_eq!(
        post_document(None, b"raw", "text/plain").map(|d| d.content),
        Ok(b"raw".to_vec())
    );
    assert_eq!(
        post_document(None, br#"{"x":1}"#, "application/json").map(|d| d.content),
        Ok(br#"{"x":1}"#.to_vec())
    );
    let rejections = [
        (
            Some(json_doc(r#"{"a":1}"#)),
            b"plain".as_slice(),
            "text/plain",
            "Content-Type",
        ),
        (
            Some(text_doc.clone()),
            br#"{"a":1}"#.as_slice(),
            "application/json",
            "Content-Type",
        ),
        (
            Some(json_doc(r#"{"a":1}"#)),
            b"{not json".as_slice(),
            "application/json",
            "document",
        ),
        (None, b"[1,2]".as_slice(), "application/json", "document"),
        (
            Some(json_doc("[1]")),
            br#"{"a":1}"#.as_slice(),
            "application/json",
            "existing document",
        ),
    ];
    for (existing, body, ct, path) in rejections {
        assert_eq!(
            post_document(existing.as_ref(), body, ct).map_err(|e| e.path),
            Err(path.to_owned()),
            "{ct} {path}"
        );
    }
}
