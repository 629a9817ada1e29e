//! Validation throughput: one typical statement, and a 100-statement batch.

use criterion::{Criterion, criterion_group, criterion_main};
use larch_xapi::{Statement, XapiVersion};
use serde_json::{Value, json};

fn typical(i: usize) -> Value {
    json!({
        "id": format!("fd41c918-b88b-4b20-a0a5-{i:012x}"),
        "actor": {"objectType": "Agent", "name": "Learner", "mbox": format!("mailto:learner{i}@example.com")},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/course/quiz/q1",
            "definition": {
                "name": {"en-US": "Question 1"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "correctResponsesPattern": ["golf[,]tetris"],
                "choices": [
                    {"id": "golf", "description": {"en-US": "Golf"}},
                    {"id": "tetris", "description": {"en-US": "Tetris"}}
                ]
            }
        },
        "result": {"score": {"scaled": 0.8, "raw": 80, "min": 0, "max": 100}, "success": true,
                   "completion": true, "response": "golf[,]tetris", "duration": "PT1M12.5S"},
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {"parent": {"id": "http://example.com/course/quiz"},
                                  "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]},
            "platform": "Larch", "language": "en-US",
            "extensions": {"http://example.com/ext/session": "abc"}
        },
        "timestamp": "2026-11-28T01:00:00.000+01:00"
    })
}

fn bench(c: &mut Criterion) {
    let one = typical(1);
    c.bench_function("validate typical statement", |b| {
        b.iter(|| {
            Statement::parse(std::hint::black_box(&one), XapiVersion::V2_0_0)
                .map(|s| s.core.result.is_some())
        });
    });
    let batch = Value::Array((0..100).map(typical).collect());
    c.bench_function("validate 100-statement batch", |b| {
        b.iter(|| {
            Statement::parse_batch(std::hint::black_box(&batch), XapiVersion::V1_0_3)
                .map(|v| v.len())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
