//! Run-time commits: `apply_commit` of a typical mid-session commit (location, suspend data,
//! progress, score) on a SCORM 2004 course (data model + sequencing look-ahead + progress)
//! and a SCORM 1.2 course, and the state's JSON round trip the server does around it.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use larch_runtime::{Commit, RegistrationState, RuntimeCourse, apply_commit};

#[path = "../tests/common/mod.rs"]
#[expect(dead_code, reason = "shared with the tests; the bench uses part of it")]
mod common;

fn bench_commits(c: &mut Criterion, name: &str, course: &RuntimeCourse, pairs: &[(&str, &str)]) {
    let mut reg = common::registration(course);
    let d = common::start(course, &mut reg, common::T0);
    let mut commit = Commit {
        session: d.session,
        seq: 0,
        activity: d.activity.clone(),
        changes: common::changes(pairs),
        terminate: false,
        nav_request: None,
    };
    c.bench_function(name, |b| {
        b.iter(|| {
            commit.seq += 1;
            let now = common::T0 + commit.seq as i64;
            black_box(apply_commit(course, &mut reg, &commit, now).expect("commit"))
        });
    });
    let json = serde_json::to_string(&reg).expect("serializes");
    c.bench_function(&format!("{name}_state_json_round_trip"), |b| {
        b.iter(|| {
            let back: RegistrationState = serde_json::from_str(black_box(&json)).expect("json");
            black_box(serde_json::to_string(&back).expect("json"))
        });
    });
}

fn commits(c: &mut Criterion) {
    let pairs_2004 = [
        ("cmi.location", "page-12"),
        ("cmi.suspend_data", "a=1;b=2;c=3"),
        ("cmi.progress_measure", "0.5"),
        ("cmi.score.scaled", "0.75"),
        ("cmi.session_time", "PT1M30S"),
    ];
    bench_commits(c, "commit_scorm2004", &common::scorm2004(), &pairs_2004);
    let pairs_12 = [
        ("cmi.core.lesson_location", "page-12"),
        ("cmi.suspend_data", "a=1;b=2;c=3"),
        ("cmi.core.lesson_status", "incomplete"),
        ("cmi.core.score.raw", "75"),
        ("cmi.core.session_time", "00:01:30"),
    ];
    bench_commits(c, "commit_scorm12", &common::scorm12(), &pairs_12);
}

criterion_group!(benches, commits);
criterion_main!(benches);
