//! `--seed N`: fills the LRS with N background statements before the scenarios run, so
//! that query latency can be compared at ten thousand and at millions of statements.
//!
//! Background statements use other agents (50,000 of them) and other courses than the
//! scenarios, and they are stored *after* the scenarios' first batch: a filtered GET has to
//! find its few matches under all of them, which only an index walk does in flat time.

use super::scenarios::Target;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Statements per POST while seeding.
const BATCH: u64 = 500;

/// POSTs `total` background statements in batches over `concurrency` connections, printing
/// progress; fails on the first rejected batch.
pub(super) async fn seed(
    target: &Arc<Target>,
    total: u64,
    concurrency: usize,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (target, next) = (Arc::clone(target), Arc::clone(&next));
            tokio::spawn(async move {
                let mut last_report = Instant::now();
                loop {
                    let first = next.fetch_add(BATCH, Ordering::Relaxed);
                    if first >= total {
                        return anyhow::Ok(());
                    }
                    let batch: Vec<Value> = (first..(first + BATCH).min(total))
                        .map(background)
                        .collect();
                    target.post_ok(&Value::Array(batch)).await?;
                    if last_report.elapsed() > Duration::from_secs(10) {
                        last_report = Instant::now();
                        eprintln!("seeded {} of {total}", first.min(total));
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    report(total, start);
    Ok(())
}

/// Prints how long seeding `total` statements took since `start`.
pub(super) fn report(total: u64, start: Instant) {
    let secs = start.elapsed().as_secs_f64();
    #[expect(
        clippy::cast_precision_loss,
        reason = "statement counts are far below 2^52"
    )]
    let rate = total as f64 / secs.max(1e-9);
    println!("seeded {total} statements in {secs:.1} s ({rate:.0} statements/s)");
}

/// Verbs of the background statements, the common ones repeated (a course's statements
/// are mostly answers and experiences).
const VERBS: [&str; 10] = [
    "answered",
    "answered",
    "answered",
    "experienced",
    "experienced",
    "attempted",
    "completed",
    "passed",
    "failed",
    "terminated",
];

/// Background statement `i`: one of 50,000 agents, 1,000 questions in 100 courses, one
/// registration per agent and course, ten verbs of uneven frequency.
pub(super) fn background(i: u64) -> Value {
    let (agent, course) = (i % 50_000, i % 100);
    let verb = VERBS[usize::try_from(i % 10).unwrap_or(0)];
    json!({
        "actor": {"objectType": "Agent", "mbox": format!("mailto:seed{agent}@example.com")},
        "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": format!("http://example.com/larch-seed/course/{course}/question/{}", i % 1_000 / 100)},
        "result": {"success": !i.is_multiple_of(3), "response": "golf", "duration": "PT12S"},
        "context": {
            "registration": format!("5d0e3a4b-5a43-4e0b-9a3e-{:012x}", agent * 100 + course),
            "contextActivities": {"parent": [{"id": format!("http://example.com/larch-seed/course/{course}")}]}
        }
    })
}
