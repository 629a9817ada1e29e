//! Property tests: keys and cursors are stable, parsing never panics.

use larch_xapi::multipart::parse_multipart;
use larch_xapi::primitives::{
    Duration, Iri, Timestamp, Uuid, duration_for_comparison, is_language_tag,
};
use larch_xapi::query::{Cursor, StatementFilter};
use larch_xapi::statement::actor::parse_actor_param;
use larch_xapi::{Statement, XapiVersion};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::common::base;

/// Rebuilds `value` with every object's keys in the order `rank` gives them.
fn reorder(value: &Value, seed: u64) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| {
                k.bytes()
                    .fold(seed, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
            });
            let out: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), reorder(&map[k], seed)))
                .collect();
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| reorder(v, seed)).collect()),
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn agent_key_is_stable_under_key_order_and_domain_case(seed in any::<u64>(), local in "[a-z0-9._]{1,12}", domain in "[a-zA-Z]{1,10}\\.(com|org)", name in "[ -~]{0,20}") {
        let agent = json!({"objectType": "Agent", "name": name, "mbox": format!("mailto:{local}@{domain}")});
        let a = parse_actor_param(&agent, "agent").expect("valid agent");
        let b = parse_actor_param(&reorder(&agent, seed), "agent").expect("valid agent");
        let upper = parse_actor_param(&json!({"mbox": format!("mailto:{local}@{}", domain.to_uppercase())}), "agent").expect("valid agent");
        prop_assert_eq!(a.keys(), b.keys());
        prop_assert_eq!(a.keys(), upper.keys());
    }

    #[test]
    fn account_keys_differ_when_accounts_differ(n1 in "[a-z ]{1,8}", n2 in "[a-z ]{1,8}") {
        let key = |n: &str| parse_actor_param(&json!({"account": {"homePage": "http://x.com/a", "name": n}}), "agent").expect("valid").keys();
        prop_assert_eq!(key(&n1) == key(&n2), n1 == n2);
    }

    #[test]
    fn cursor_round_trips(stored in any::<i64>(), seq in any::<u64>(), limit in 0u32..1000, ascending in any::<bool>(), related in any::<bool>()) {
        let filter = StatementFilter { limit, ascending, related_agents: related, ..StatementFilter::default() };
        let cursor = Cursor { filter, stored_nanos: i128::from(stored) * 7, seq };
        prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn statement_validation_is_stable_under_key_order(seed in any::<u64>()) {
        let doc = base();
        let a = Statement::parse(&doc, XapiVersion::V2_0_0).expect("valid");
        let b = Statement::parse(&reorder(&doc, seed), XapiVersion::V2_0_0).expect("valid");
        prop_assert_eq!(a.to_value(), b.to_value());
    }

    #[test]
    fn parsing_arbitrary_json_never_panics(s in "\\PC{0,200}") {
        if let Ok(value) = serde_json::from_str::<Value>(&s) {
            let _ = Statement::parse_batch(&value, XapiVersion::V1_0_3);
        }
    }

    #[test]
    fn primitive_parsers_never_panic(s in "\\PC{0,40}", t in "[0-9T:+\\-.Zé]{0,32}") {
        for input in [s.as_str(), t.as_str()] {
            let _ = (Timestamp::parse(input), Duration::parse(input), Uuid::parse(input), Iri::parse(input));
            let _ = (is_language_tag(input), duration_for_comparison(input), Cursor::decode(input));
        }
    }

    #[test]
    fn parsed_timestamps_round_trip_through_utc(secs in -50_000_000_000i64..50_000_000_000, nanos in 0u32..1_000_000_000) {
        let t = Timestamp::from_unix_nanos(i128::from(secs) * 1_000_000_000 + i128::from(nanos));
        let back = Timestamp::parse(t.as_str()).expect("our own rendering parses");
        prop_assert_eq!(back.unix_nanos(), t.unix_nanos());
    }

    #[test]
    fn multipart_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..300), crlf in any::<bool>()) {
        let mut framed = b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\n".to_vec();
        framed.extend_from_slice(&body);
        framed.extend_from_slice(if crlf { b"\r\n--b--" } else { b"--b--" });
        let _ = parse_multipart("multipart/mixed; boundary=b", &body);
        let _ = parse_multipart("multipart/mixed; boundary=b", &framed);
    }
}
