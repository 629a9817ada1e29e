//! A navigation request with look-ahead on a generated 10,000-activity tree
//! (10 modules × 10 lessons × 99 leaves, flow and choice everywhere).

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, black_box};
use larch_sequencing::definition::{ActivityDefinition, TreeDefinition};
use larch_sequencing::{NavigationRequest, ScoReport, Sequencer};

fn cluster(id: String, children: Vec<ActivityDefinition>) -> ActivityDefinition {
    let mut def = ActivityDefinition::new(id.clone(), id);
    def.sequencing.control_mode.flow = true;
    def.children = children;
    def
}

fn big_tree() -> TreeDefinition {
    let modules = (0..10)
        .map(|m| {
            let lessons = (0..10)
                .map(|l| {
                    let leaves = (0..99)
                        .map(|i| ActivityDefinition::new(format!("m{m}l{l}s{i}"), "leaf"))
                        .collect();
                    cluster(format!("m{m}l{l}"), leaves)
                })
                .collect();
            cluster(format!("m{m}"), lessons)
        })
        .collect();
    TreeDefinition {
        root: cluster("root".into(), modules),
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
    }
}

/// A sequencer whose current activity sits in the middle of the tree.
fn positioned(def: &TreeDefinition) -> Sequencer {
    let mut seq = Sequencer::new(def, 1);
    seq.navigate(&NavigationRequest::Start, 0.0);
    seq.navigate(&NavigationRequest::Choice("m5l5s50".into()), 1.0);
    seq
}

/// One step as the player does it: the content ends with `continue`, then the player asks
/// for the new look-ahead (buttons and menu).
fn step(seq: &mut Sequencer) -> usize {
    let report = ScoReport {
        nav_request: Some(NavigationRequest::Continue),
        ..ScoReport::default()
    };
    seq.terminate(&report, 2.0);
    seq.lookahead().toc.len()
}

/// p50/p99 (and the minimum, the least disturbed run on a shared machine) of `f` over
/// fresh clones of the positioned sequencer.
fn percentiles(label: &str, def: &TreeDefinition, f: impl Fn(&mut Sequencer) -> usize) {
    let base = positioned(def);
    let mut times: Vec<Duration> = (0..300)
        .map(|_| {
            let mut seq = base.clone();
            let start = Instant::now();
            black_box(f(&mut seq));
            start.elapsed()
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{label} on {} activities: min {:?}, p50 {:?}, p99 {:?}",
        base.tree().len(),
        times[0],
        p(0.5),
        p(0.99)
    );
}

fn main() {
    let def = big_tree();
    let mut criterion = Criterion::default().configure_from_args().sample_size(20);
    criterion.bench_function("continue_with_lookahead_10k", |b| {
        let base = positioned(&def);
        b.iter_batched_ref(|| base.clone(), step, BatchSize::SmallInput);
    });
    criterion.bench_function("lookahead_10k", |b| {
        let base = positioned(&def);
        b.iter(|| black_box(base.lookahead().toc.len()));
    });
    percentiles("continue + look-ahead", &def, step);
    percentiles("look-ahead", &def, |seq| seq.lookahead().toc.len());
    criterion.final_summary();
}
