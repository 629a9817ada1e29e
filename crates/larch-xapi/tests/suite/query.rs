//! GET /statements parameters and the `more` cursor (ADL suite
//! `H.Communication2.1-StatementResource.js`, `H.Communication3.2-ErrorCodes.js`).

use larch_xapi::format::Format;
use larch_xapi::query::{Cursor, StatementsQuery, parse_statements_query};

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn rejected(pairs: &[(&str, &str)]) -> String {
    parse_statements_query(&params(pairs))
        .expect_err("must be rejected")
        .path
}

const ID: &str = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
const AGENT: &str = r#"{"objectType":"Agent","mbox":"mailto:xapi@adlnet.gov"}"#;

#[test]
fn single_statement_parameters() {
    let q = parse_statements_query(&params(&[
        ("statementId", ID),
        ("format", "ids"),
        ("attachments", "true"),
    ]))
    .expect("valid");
    assert!(matches!(
        q,
        StatementsQuery::Single {
            voided: false,
            format: Format::Ids,
            attachments: true,
            ..
        }
    ));
    let q = parse_statements_query(&params(&[("voidedStatementId", ID)])).expect("valid");
    assert!(matches!(
        q,
        StatementsQuery::Single {
            voided: true,
            format: Format::Exact,
            attachments: false,
            ..
        }
    ));
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("statementId", ID), ("voidedStatementId", ID)],
            "statementId",
        ),
        (&[("statementId", ID), ("verb", "http://x.com/v")], "verb"),
        (&[("voidedStatementId", ID), ("limit", "1")], "limit"),
        (&[("statementId", "not-a-uuid")], "statementId"),
        (&[("statementId", ID), ("statementId", ID)], "statementId"),
    ];
    for (pairs, path) in cases {
        assert_eq!(rejected(pairs), *path, "{pairs:?}");
    }
}

#[test]
fn filter_parameters() {
    let all = params(&[
        ("agent", AGENT),
        ("verb", "http://adlnet.gov/expapi/verbs/attended"),
        ("activity", "http://example.com/a"),
        ("registration", ID),
        ("related_activities", "true"),
        ("related_agents", "false"),
        ("since", "2013-05-18T05:32:34.804Z"),
        ("until", "2014-05-18T05:32:34.804+02:00"),
        ("limit", "10"),
        ("format", "canonical"),
        ("attachments", "false"),
        ("ascending", "true"),
    ]);
    let StatementsQuery::Filter(f) = parse_statements_query(&all).expect("valid") else {
        panic!("not a filter")
    };
    assert_eq!(
        (
            f.limit,
            f.format,
            f.related_activities,
            f.related_agents,
            f.ascending
        ),
        (10, Format::Canonical, true, false, true)
    );
    assert_eq!(
        f.agent.and_then(|a| a.ifi().map(|i| i.key())),
        Some("mbox:mailto:xapi@adlnet.gov".to_owned())
    );
    let StatementsQuery::Filter(empty) = parse_statements_query(&[]).expect("valid") else {
        panic!("not a filter")
    };
    assert_eq!(
        (empty.limit, empty.format, empty.ascending),
        (0, Format::Exact, false)
    );
}

#[test]
fn filter_rejections_name_the_parameter() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("agent", "mailto:xapi@adlnet.gov")], "agent"),
        (&[("agent", r#"{"mbox":"xapi@adlnet.gov"}"#)], "agent.mbox"),
        (
            &[(
                "agent",
                r#"{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}"#,
            )],
            "agent",
        ),
        (&[("verb", "attended")], "verb"),
        (&[("activity", "not an iri")], "activity"),
        (&[("registration", "12345")], "registration"),
        (&[("related_activities", "yes")], "related_activities"),
        (&[("related_agents", "TRUE")], "related_agents"),
        (&[("since", "yesterday")], "since"),
        (&[("until", "2013-05-18T05:32:34.804-00:00")], "until"),
        (&[("limit", "-1")], "limit"),
        (&[("limit", "ten")], "limit"),
        (&[("format", "full")], "format"),
        (&[("attachments", "1")], "attachments"),
        (&[("ascending", "no")], "ascending"),
        (&[("Verb", "http://x.com/v")], "Verb"),
        (&[("foo", "bar")], "foo"),
    ];
    for (pairs, path) in cases {
        assert_eq!(rejected(pairs), *path, "{pairs:?}");
    }
}

#[test]
fn cursor_round_trips_and_rejects_tampering() {
    let StatementsQuery::Filter(filter) = parse_statements_query(&params(&[
        ("agent", AGENT),
        ("limit", "2"),
        ("ascending", "true"),
    ]))
    .expect("valid") else {
        panic!("not a filter")
    };
    let cursor = Cursor {
        filter: *filter,
        stored_nanos: 1_700_000_000_123_456_789,
        seq: 42,
    };
    let token = cursor.encode();
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );
    assert_eq!(Cursor::decode(&token), Ok(cursor.clone()));
    assert_eq!(
        cursor.encode(),
        token,
        "the same cursor encodes to the same token"
    );
    for bad in ["", "not base64!", "e30", &token[..token.len() - 4]] {
        assert_eq!(
            Cursor::decode(bad).map_err(|e| e.path),
            Err("more".to_owned()),
            "{bad:?}"
        );
    }
}

#[test]
fn filters_match_index_keys() {
    use larch_xapi::{Statement, XapiVersion};
    use serde_json::json;
    let statement = Statement::parse(
        &json!({
            "actor": {"mbox": "mailto:xapi@adlnet.gov"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": "http://example.com/a"},
            "context": {"registration": ID, "instructor": {"mbox": "mailto:teacher@example.com"}, "contextActivities": {"parent": {"id": "http://example.com/course"}}}
        }),
        XapiVersion::V1_0_3,
    )
    .expect("valid");
    let index = statement.index();
    let teacher = r#"{"mbox":"mailto:teacher@example.com"}"#;
    let cases: &[(&[(&str, &str)], bool)] = &[
        (&[], true),
        (&[("agent", AGENT)], true),
        (&[("agent", teacher)], false),
        (&[("agent", teacher), ("related_agents", "true")], true),
        (&[("verb", "http://adlnet.gov/expapi/verbs/attended")], true),
        (&[("verb", "http://adlnet.gov/expapi/verbs/failed")], false),
        (&[("activity", "http://example.com/course")], false),
        (
            &[
                ("activity", "http://example.com/course"),
                ("related_activities", "true"),
            ],
            true,
        ),
        (
            &[("registration", ID), ("activity", "http://example.com/a")],
            true,
        ),
        (
            &[("registration", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0")],
            false,
        ),
    ];
    for (pairs, want) in cases {
        let StatementsQuery::Filter(filter) =
            parse_statements_query(&params(pairs)).expect("valid")
        else {
            panic!("filter")
        };
        assert_eq!(filter.matches(&index), *want, "{pairs:?}");
    }
}
