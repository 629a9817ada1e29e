//! SetValue/GetValue throughput, and applying a commit batch of 500
//! interactions (the shape of a long quiz's final commit).

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use larch_cmi::{
    ApiInstance, Change, LaunchData, Prior, RuntimeConfig, ScormVersion, apply_batch, initial_state,
};

fn running_api() -> ApiInstance {
    let launch = LaunchData {
        learner_id: "learner-1".into(),
        learner_name: "Doe, Jane".into(),
        ..LaunchData::default()
    };
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::SCORM2004_4TH, &launch, Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.initialize("");
    api
}

fn interaction_batch(n: usize) -> Vec<Change> {
    let mut out = Vec::with_capacity(n * 6);
    for i in 0..n {
        let base = format!("cmi.interactions.{i}");
        for (field, value) in [
            ("id", format!("urn:larch:q{i}")),
            ("type", "choice".to_owned()),
            ("correct_responses.0.pattern", "a[,]b".to_owned()),
            ("learner_response", "a[,]c".to_owned()),
            ("result", "incorrect".to_owned()),
            ("latency", "PT12.5S".to_owned()),
        ] {
            out.push(Change {
                element: format!("{base}.{field}"),
                value,
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut api = running_api();
    c.bench_function("set_value cmi.location", |b| {
        b.iter(|| black_box(api.set_value(black_box("cmi.location"), black_box("page-12"))));
    });
    c.bench_function("set_value cmi.score.scaled", |b| {
        b.iter(|| black_box(api.set_value(black_box("cmi.score.scaled"), black_box("0.85"))));
    });
    c.bench_function("get_value cmi.location", |b| {
        b.iter(|| black_box(api.get_value(black_box("cmi.location"))));
    });
    api.take_transcript();
    let batch = interaction_batch(500);
    let config = RuntimeConfig::default();
    let fresh = running_api().state().clone();
    c.bench_function("apply_batch 500 interactions (3000 changes)", |b| {
        b.iter(|| {
            let mut state = fresh.clone();
            let result = apply_batch(&mut state, &config, black_box(&batch), 0);
            assert!(result.rejected.is_empty());
            black_box(state)
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
