//! LRS-assigned properties, stored statements, index keys and the small resources (About,
//! Person, Activities) (ADL suite `E.Data2.5`, `4.2.2.5`, `4.2.7`, `H.Communication2.4`/`2.5`/`2.8`).

use larch_xapi::primitives::{Timestamp, Uuid};
use larch_xapi::resources::{
    about_document, activity_document, merge_definition, parse_activities_params,
    parse_agents_params, person,
};
use larch_xapi::statement::actor::{Actor, parse_agent_param};
use larch_xapi::{Statement, XapiVersion};
use serde_json::{Value, json};

use crate::common::{base, set};

const V1: XapiVersion = XapiVersion::V1_0_3;
const V2: XapiVersion = XapiVersion::V2_0_0;

fn rich() -> Value {
    let b = set(
        &base(),
        "/object/definition",
        json!({"name": {"en-US": "Meeting", "fr-FR": "Réunion"}, "type": "http://adlnet.gov/expapi/activities/meeting"}),
    );
    let b = set(
        &b,
        "/context/contextActivities",
        json!({"parent": {"id": "http://example.com/parent", "definition": {"name": {"en-US": "P"}}}}),
    );
    let b = set(
        &b,
        "/context/team",
        json!({"objectType": "Group", "name": "Team", "member": [{"name": "Z", "mbox": "mailto:z@example.com"}, {"name": "A", "mbox": "mailto:a@example.com"}]}),
    );
    set(&b, "/timestamp", json!("2023-05-04T12:00:00-05:00"))
}

fn parse(doc: &Value, version: XapiVersion) -> Statement {
    Statement::parse(doc, version).expect("valid statement")
}

#[test]
fn prepare_for_storage_sets_what_the_lrs_owns() {
    let authority = Actor::Agent(
        parse_agent_param(
            &json!({"account": {"homePage": "https://larch.example", "name": "lrsk_1"}}),
            "authority",
        )
        .expect("agent"),
    );
    let stored = Timestamp::from_unix_nanos(1_700_000_000_000_000_000);
    let new_id = Uuid::new_v4([7; 16]);
    for (version, want) in [(V1, "1.0.0"), (V2, "2.0.0")] {
        let mut s = parse(
            &set(&base(), "/stored", json!("2000-01-01T00:00:00Z")),
            version,
        );
        s.id = None;
        s.core.timestamp = None;
        s.prepare_for_storage(new_id, stored.clone(), authority.clone(), version);
        let out = s.to_value();
        assert_eq!(
            (out["id"].as_str(), out["version"].as_str()),
            (Some(new_id.to_string().as_str()), Some(want))
        );
        assert_eq!(out["stored"], "2023-11-14T22:13:20.000Z");
        assert_eq!(
            out["timestamp"], out["stored"],
            "timestamp defaults to stored"
        );
        assert_eq!(out["authority"]["account"]["name"], "lrsk_1");
        assert_eq!(
            s.index().authority.as_deref(),
            Some("account:https://larch.example lrsk_1")
        );
    }
    let mut put = parse(&base(), V1);
    assert_eq!(
        put.use_put_id(new_id).map_err(|e| e.path),
        Err("statement.id".to_owned())
    );
    let own = Uuid::parse("fd41c918-b88b-4b20-a0a5-a4c32391aaa0").expect("uuid");
    assert_eq!(put.use_put_id(own), Ok(()));
    put.id = None;
    assert_eq!((put.use_put_id(new_id), put.id), (Ok(()), Some(new_id)));
    let mut kept = parse(&base(), V1);
    kept.prepare_for_storage(new_id, stored, authority, V1);
    assert_eq!(kept.to_value()["id"], base()["id"], "a client id is kept");
}
#[test]
fn index_keys_for_every_filter() {
    let sub = json!({"objectType": "SubStatement", "actor": {"mbox": "mailto:sub@example.com"}, "verb": base()["verb"], "object": {"id": "http://example.com/sub-activity"}});
    let doc = set(
        &set(
            &rich(),
            "/context/instructor",
            json!({"mbox": "mailto:teacher@example.com"}),
        ),
        "/context/registration",
        json!("ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
    );
    let idx = parse(&doc, V1).index();
    assert_eq!(idx.agents, ["mbox:mailto:xapi@adlnet.gov"]);
    assert!(
        idx.related_agents
            .contains(&"mbox:mailto:teacher@example.com".to_owned())
    );
    assert!(
        idx.related_agents
            .contains(&"mbox:mailto:a@example.com".to_owned()),
        "team members"
    );
    assert_eq!(
        idx.activity.as_ref().map(|a| a.as_str()),
        Some("http://www.example.com/meetings/occurances/34534")
    );
    assert_eq!(idx.related_activities.len(), 2);
    assert_eq!(
        idx.registration.map(|r| r.to_string()).as_deref(),
        Some("ec531277-b57b-4c15-8d91-d292c5b2b8f7")
    );
    let with_sub = parse(&set(&base(), "/object", sub), V1).index();
    assert_eq!(with_sub.activity, None);
    assert!(
        with_sub
            .related_agents
            .contains(&"mbox:mailto:sub@example.com".to_owned())
    );
    assert_eq!(
        with_sub
            .related_activities
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["http://example.com/sub-activity"]
    );
    let voiding = set(
        &set(
            &base(),
            "/verb/id",
            json!("http://adlnet.gov/expapi/verbs/voided"),
        ),
        "/object",
        json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}),
    );
    let voiding = parse(&voiding, V1);
    assert!(voiding.index().voids.is_some());
    assert_eq!(voiding.index().targets, voiding.index().voids);
    assert!(
        !voiding.can_be_voided(),
        "a voiding statement cannot be voided"
    );
    assert!(parse(&base(), V1).can_be_voided());
    assert_eq!(
        larch_xapi::format::statement_result(vec![json!({"id": 1})], None),
        json!({"statements": [{"id": 1}], "more": ""})
    );
}
#[test]
fn about_person_and_activity_definitions() {
    let about = about_document(None);
    assert_eq!(
        about["version"],
        json!(["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"])
    );
    let a = parse_agent_param(
        &json!({"name": "Ann", "mbox": "mailto:ann@example.com"}),
        "agent",
    )
    .expect("agent");
    let b = parse_agent_param(
        &json!({"name": "Ann B", "account": {"homePage": "http://x.com", "name": "ann"}}),
        "agent",
    )
    .expect("agent");
    let p = person(&[a.clone(), b, a]);
    assert_eq!(
        p,
        json!({"objectType": "Person", "name": ["Ann", "Ann B"], "mbox": ["mailto:ann@example.com"], "account": [{"homePage": "http://x.com", "name": "ann"}]})
    );
    let first = parse(&rich(), V1);
    let mut canonical = first.activities()[0]
        .definition
        .as_deref()
        .cloned()
        .expect("definition");
    let update = parse(
        &set(
            &base(),
            "/object/definition",
            json!({"name": {"de": "Treffen", "en-US": "Meeting 2"}, "moreInfo": "http://example.com/more"}),
        ),
        V1,
    );
    merge_definition(
        &mut canonical,
        update.activities()[0]
            .definition
            .as_deref()
            .expect("definition"),
    );
    let doc = activity_document(&first.activities()[0].id, Some(&canonical));
    assert_eq!(
        doc["definition"]["name"],
        json!({"de": "Treffen", "en-US": "Meeting 2", "fr-FR": "Réunion"})
    );
    assert_eq!(
        doc["definition"]["type"],
        "http://adlnet.gov/expapi/activities/meeting"
    );
    assert_eq!(doc["definition"]["moreInfo"], "http://example.com/more");
}
#[test]
fn activities_and_agents_parameters() {
    let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert!(parse_activities_params(&p(&[("activityId", "http://example.com/a")])).is_ok());
    let agent = r#"{"mbox":"mailto:a@example.com"}"#;
    assert!(parse_agents_params(&p(&[("agent", agent)])).is_ok());
    let rejected = [
        (parse_activities_params(&p(&[])).map(|_| ()), "activityId"),
        (
            parse_activities_params(&p(&[("activityId", "nope")])).map(|_| ()),
            "activityId",
        ),
        (
            parse_activities_params(&p(&[
                ("activityId", "http://a.com"),
                ("activityId", "http://b.com"),
            ]))
            .map(|_| ()),
            "activityId",
        ),
        (
            parse_activities_params(&p(&[("activityId", "http://a.com"), ("agent", agent)]))
                .map(|_| ()),
            "agent",
        ),
        (
            parse_agents_params(&p(&[("agent", "{}")])).map(|_| ()),
            "agent",
        ),
        (
            parse_agents_params(&p(&[("agent", r#"{"mbox":"a@example.com"}"#)])).map(|_| ()),
            "agent.mbox",
        ),
        (
            parse_agents_params(&p(&[("agent", "not json")])).map(|_| ()),
            "agent",
        ),
    ];
    for (i, (outcome, path)) in rejected.into_iter().enumerate() {
        assert_eq!(
            outcome.map_err(|e| e.path),
            Err(path.to_owned()),
            "case {i}"
        );
    }
}
#[test]
fn stored_statements_read_back_under_either_version() {
    let agents = set(
        &rich(),
        "/context/contextAgents",
        json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:c@example.com"}}]),
    );
    for (doc, version) in [(rich(), V1), (agents, V2)] {
        let mut s = parse(&doc, version);
        let authority = Actor::Agent(
            parse_agent_param(&json!({"mbox": "mailto:lrs@example.com"}), "authority")
                .expect("agent"),
        );
        s.prepare_for_storage(
            Uuid::new_v4([1; 16]),
            Timestamp::from_unix_nanos(0),
            authority,
            version,
        );
        let stored = s.to_value();
        let back = Statement::from_stored(&stored).expect("stored statements read back");
        assert!(back.same_as(&s, version));
        assert_eq!(back.stored, s.stored);
    }
}

#[test]
fn oauth_group_authorities_key_by_their_members() {
    let group = json!({"objectType": "Group", "member": [{"mbox": "mailto:user@example.com"}, {"account": {"homePage": "http://app.example", "name": "app"}}]});
    let swapped = json!({"objectType": "Group", "member": [{"account": {"homePage": "http://app.example", "name": "app"}}, {"mbox": "mailto:user@example.com"}]});
    let key = |g: &Value| {
        larch_xapi::index::authority_key(
            &larch_xapi::statement::actor::parse_actor_param(g, "authority").expect("group"),
        )
    };
    assert_eq!(
        key(&group),
        "account:http://app.example app + mbox:mailto:user@example.com"
    );
    assert_eq!(key(&group), key(&swapped));
}
