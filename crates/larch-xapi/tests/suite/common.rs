//! Shared helpers for the integration tests: a valid base statement and JSON-pointer edits.

use serde_json::{Value, json};

/// A valid statement exercising most properties (modelled on the ADL suite's templates).
pub fn base() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
        "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"},
        "timestamp": "2013-05-18T05:32:34.804Z"
    })
}

/// A copy of `doc` with `value` at JSON `pointer`, creating intermediate objects.
pub fn set(doc: &Value, pointer: &str, value: Value) -> Value {
    let mut out = doc.clone();
    let mut cur = &mut out;
    let keys: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, key) in keys.iter().enumerate() {
        if i + 1 == keys.len() {
            match cur {
                Value::Array(items) => items[key.parse::<usize>().expect("index")] = value,
                _ => {
                    cur.as_object_mut()
                        .expect("object")
                        .insert((*key).to_owned(), value);
                }
            }
            break;
        }
        cur = match cur {
            Value::Array(items) => &mut items[key.parse::<usize>().expect("index")],
            _ => cur
                .as_object_mut()
                .expect("object")
                .entry(*key)
                .or_insert_with(|| json!({})),
        };
    }
    out
}

/// A copy of `doc` without the property at `pointer`.
pub fn unset(doc: &Value, pointer: &str) -> Value {
    let mut out = doc.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(map)) = out.pointer_mut(parent) {
        map.remove(key);
    }
    out
}
