//! `--seed N`: fills the LRS with N background statements before the scenarios run, so
//! that query latency can be compared at ten thousand and at millions of statements.
//!
//! Background statements are stored *after* the scenarios' first batch. Most use other
//! agents (50,000 of them) and other courses than the scenarios; one in
//! [`SCENARIO_EVERY`] is a scenario's kind (one of its agents, its verb, course and
//! registration), so that every read scenario's newest matches are background statements
//! spread over the whole history, and its page is read from deep in a large index, not from
//! its own hundred statements.

use super::scenarios::{AGENTS, Target, statement};
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

/// Prints how long seeding `total` statements took since `start`; returns the rate.
pub(super) fn report(total: u64, start: Instant) -> f64 {
    let secs = start.elapsed().as_secs_f64();
    #[expect(
        clippy::cast_precision_loss,
        reason = "statement counts are far below 2^52"
    )]
    let rate = total as f64 / secs.max(1e-9);
    println!("seeded {total} statements in {secs:.1} s ({rate:.0} statements/s)");
    rate
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

/// One background statement in this many is a scenario's kind: at 10,000 statements each of
/// the scenarios' 50 agents has 10 of them, a full page.
const SCENARIO_EVERY: u64 = 20;

/// Background statement `i`: every [`SCENARIO_EVERY`]th one of the scenarios' agents in
/// their course; the others one of 50,000 agents, 1,000 questions in 100 courses, one
/// registration per agent and course, ten verbs of uneven frequency.
pub(super) fn background(i: u64) -> Value {
    if i.is_multiple_of(SCENARIO_EVERY) {
        return statement(i / SCENARIO_EVERY % AGENTS, i);
    }
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
