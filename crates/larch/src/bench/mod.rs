//! `larch bench lrs`: load any xAPI LRS (Larch or another) with a Basic credential for a
//! bounded time at a bounded concurrency, and print per scenario the throughput and the
//! p50/p99 latency. Scenarios: single-statement POST, 100-statement batch POST,
//! `GET /statements?limit=10`, GET by agent, GET by activity with `related_activities`, GET by
//! verb, GET by registration, an agent's second page through `more`, and State document PUT
//! then GET.

mod cpu;
mod runtime;
mod scale;
mod scenarios;
mod schedule;
mod seed;
mod seed_direct;

use clap::{Args as ClapArgs, Subcommand};
use scenarios::Scenario;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `larch bench …`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Benchmark an xAPI LRS.
    Lrs(LrsArgs),
    /// Read latency of a Larch LRS at growing store sizes (10 thousand to 10 million).
    LrsScale(scale::ScaleArgs),
    /// Benchmark run-time commits (the player's shim) against a running Larch.
    Runtime(runtime::RuntimeArgs),
}

/// Which LRS to load, as whom, and how hard: shared by `larch bench lrs` and `lrs-scale`.
#[derive(Debug, Clone, ClapArgs)]
pub struct TargetArgs {
    /// The LRS endpoint, e.g. `http://127.0.0.1:8080/xapi` (no trailing slash needed).
    #[arg(long)]
    pub url: String,
    /// HTTP Basic user (for Larch: an LRS credential's `key`).
    #[arg(long)]
    pub user: String,
    /// HTTP Basic password (for Larch: the credential's `secret`).
    #[arg(long)]
    pub password: String,
    /// Requests in flight at once (and seeding workers). By default, 8.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// `X-Experience-API-Version` to send. By default, `1.0.3` (every LRS speaks it).
    #[arg(long, default_value = "1.0.3")]
    pub xapi_version: String,
}

/// What `larch bench lrs` runs.
#[derive(Debug, Clone, ClapArgs)]
pub struct LrsArgs {
    /// The LRS, the credential and the load.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Seconds per scenario. By default, 10.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Only these scenarios (repeatable): post, batch, get, agent, activity, verb,
    /// registration, more, state.
    #[arg(long = "scenario")]
    pub scenarios: Vec<String>,
    /// First store this many background statements (other agents and courses, in batches
    /// of 500), so the scenarios' reads find their matches under them. By default, none.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the `--seed` statements straight into this Larch database (an SQLite file such
    /// as `larch-data/larch.db`, or a `postgres://` URL) instead of POSTing them: the same
    /// rows, many times faster. Only for Larch; the credential must be in that database.
    #[arg(long)]
    pub seed_database: Option<String>,
    /// Requests per second per scenario, all workers together, on a schedule (an open loop,
    /// as in `larch bench runtime --rate`): each latency then counts from the request's due
    /// time. By default none: each worker sends its next request as soon as it is answered.
    #[arg(long, value_parser = schedule::parse_rate)]
    pub rate: Option<f64>,
    /// CPU time per request (`--server-pid`).
    #[command(flatten)]
    pub cpu: cpu::CpuArgs,
}

/// Runs `larch bench`.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match &args.command {
        BenchCommand::Lrs(lrs) => runtime.block_on(bench_lrs(lrs.clone())),
        BenchCommand::LrsScale(scale) => runtime.block_on(scale::bench(scale.clone())),
        BenchCommand::Runtime(rt) => runtime.block_on(runtime::bench(rt.clone())),
    }
}

async fn bench_lrs(args: LrsArgs) -> anyhow::Result<ExitCode> {
    let target = Arc::new(scenarios::Target::new(&args)?);
    let chosen: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|s| args.scenarios.is_empty() || args.scenarios.iter().any(|n| n == s.name()))
        .collect();
    anyhow::ensure!(
        !chosen.is_empty(),
        "no such scenario; use post, batch, get, agent, activity, verb, registration, more or state"
    );
    target.seed().await?;
    match (&args.seed_database, args.seed) {
        (_, 0) => {}
        (Some(database), n) => {
            seed_direct::seed(&args, database, 0..n).await?;
        }
        (None, n) => seed::seed(&target, n, args.target.concurrency).await?,
    }
    if let Some(rate) = args.rate {
        println!("open loop: {rate} requests/s per scenario, latency from each one's due time");
    }
    print_header();
    let (mut failed, probe) = (false, args.cpu.probe());
    for scenario in chosen {
        let before = probe.as_ref().map(cpu::CpuProbe::sample);
        let report = measure(&target, scenario, &args).await;
        failed |= report.errors > 0;
        report.print(scenario);
        cpu::print_since(probe.as_ref(), before, report.latencies.len());
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The header of [`Report::print`]'s lines.
fn print_header() {
    println!(
        "{:<28} {:>9} {:>7} {:>10} {:>9} {:>9}",
        "scenario", "requests", "errors", "req/s", "p50 ms", "p99 ms"
    );
}

/// The `p` quantile (0–1) of sorted latencies, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a sorted list of at most millions of samples"
    )]
    let index = ((last as f64) * p).round() as usize;
    sorted[index.min(last)].as_secs_f64() * 1000.0
}

/// What one scenario measured.
struct Report {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Report {
    fn percentile(&self, p: f64) -> f64 {
        percentile(&self.latencies, p)
    }

    fn print(&self, scenario: Scenario) {
        #[expect(
            clippy::cast_precision_loss,
            reason = "request counts are far below 2^52"
        )]
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{:<28} {:>9} {:>7} {:>10.1} {:>9.2} {:>9.2}",
            scenario.label(),
            self.latencies.len(),
            self.errors,
            rate,
            self.percentile(0.50),
            self.percentile(0.99),
        );
    }
}

/// Runs `scenario` on `concurrency` workers until the duration is up: each request as soon
/// as the last is answered, or on the worker's schedule with `--rate`.
async fn measure(target: &Arc<scenarios::Target>, scenario: Scenario, args: &LrsArgs) -> Report {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.duration);
    let count = args.target.concurrency;
    let workers: Vec<_> = (0..count)
        .map(|worker| {
            let target = Arc::clone(target);
            let schedule = args
                .rate
                .map(|rate| schedule::Schedule::of(worker, count, rate));
            let clock = schedule::Clock {
                start,
                deadline,
                schedule,
            };
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut i = 0_u64;
                while let Some(began) = clock.begin(i).await {
                    match target.call(scenario, worker, i).await {
                        Ok(()) => latencies.push(began.elapsed()),
                        Err(_) => errors += 1,
                    }
                    i += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut report = Report {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for worker in workers {
        if let Ok((latencies, errors)) = worker.await {
            report.latencies.extend(latencies);
            report.errors += errors;
        }
    }
    report.elapsed = start.elapsed();
    report.latencies.sort();
    report
}
