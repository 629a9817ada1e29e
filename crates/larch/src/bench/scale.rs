//! `larch bench lrs-scale`: the read latency of a Larch LRS as its store grows (issue 6:
//! "query latency that stays flat from 10 thousand to 10 million stored statements").
//!
//! The server at `--url` runs on `--database`. The scenarios' own 100 statements are stored
//! first; then, for each size, the database is filled straight (`--seed-database`, the rows
//! a POST writes) up to that many background statements, one in 20 of them matching every
//! read scenario's filter (bench/seed.rs), and each read scenario runs for `--duration`
//! seconds. Printed per size and scenario: req/s, p50 and p99; at the end each scenario's
//! p50 at the largest size over its p50 at the smallest. The machine's load average is
//! printed with each size, since a shared machine's load moves the figures; with
//! `--server-pid`, so is each scenario's CPU time per request (bench/cpu.rs), which it moves
//! much less.

use super::cpu::CpuProbe;
use super::scenarios::{Scenario, Target};
use super::{LrsArgs, Report, TargetArgs, measure, seed_direct};
use clap::Args as ClapArgs;
use std::process::ExitCode;
use std::sync::Arc;

/// The read scenarios, the default of `--scenario`.
const READS: [&str; 6] = ["get", "agent", "activity", "verb", "registration", "more"];

/// Where and how to measure.
#[derive(Debug, Clone, ClapArgs)]
pub struct ScaleArgs {
    /// The LRS endpoint of a Larch server running on `--database`, and an LRS credential
    /// stored there.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The server's database: an SQLite file or a `postgres://` URL. Fresh, or holding only
    /// statements of earlier sizes: each size adds the difference to the previous one.
    #[arg(long)]
    pub database: String,
    /// Background statements at each measurement, ascending.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000_u64, 100_000, 1_000_000, 10_000_000])]
    pub sizes: Vec<u64>,
    /// Seconds per scenario and size. By default, 5.
    #[arg(long, default_value_t = 5)]
    pub duration: u64,
    /// Only these read scenarios (repeatable). By default get, agent, activity, verb,
    /// registration, more.
    #[arg(long = "scenario")]
    pub scenarios: Vec<String>,
    /// The server's process id (Linux): each scenario then also prints the CPU time per
    /// request of the server and, on PostgreSQL, of the database's backends.
    #[arg(long)]
    pub server_pid: Option<u32>,
}

impl ScaleArgs {
    /// The same target and load as `larch bench lrs` arguments.
    fn lrs(&self) -> LrsArgs {
        LrsArgs {
            target: self.target.clone(),
            duration: self.duration,
            scenarios: Vec::new(),
            seed: 0,
            seed_database: Some(self.database.clone()),
            rate: None,
            cpu: super::cpu::CpuArgs::default(),
        }
    }

    fn chosen(&self) -> anyhow::Result<Vec<Scenario>> {
        let names: Vec<&str> = if self.scenarios.is_empty() {
            READS.to_vec()
        } else {
            self.scenarios.iter().map(String::as_str).collect()
        };
        names
            .into_iter()
            .map(|n| {
                Scenario::ALL
                    .into_iter()
                    .find(|s| s.name() == n && READS.contains(&n))
                    .ok_or_else(|| anyhow::anyhow!("no read scenario {n}; use {READS:?}"))
            })
            .collect()
    }
}

/// One size's figures: (scenario, report) in run order.
struct Measured {
    size: u64,
    reports: Vec<(Scenario, Report)>,
}

/// Runs `larch bench lrs-scale`.
pub(super) async fn bench(args: ScaleArgs) -> anyhow::Result<ExitCode> {
    let chosen = args.chosen()?;
    anyhow::ensure!(
        args.sizes.windows(2).all(|w| w[0] < w[1]),
        "--sizes must ascend"
    );
    let lrs = args.lrs();
    let probe = args
        .server_pid
        .map(|pid| CpuProbe::new(pid, &args.database));
    let target = Arc::new(Target::new(&lrs)?);
    target.seed().await?;
    let (mut stored, mut all, mut failed) = (0, Vec::new(), false);
    for &size in &args.sizes {
        let rate = seed_direct::seed(&lrs, &args.database, stored..size).await?;
        stored = size;
        println!(
            "\n{size} statements (seeded at {rate:.0}/s){}, load average {}",
            footprint(&args.database),
            load_average()
        );
        super::print_header();
        let mut reports = Vec::new();
        for &scenario in &chosen {
            let before = probe.as_ref().map(CpuProbe::sample);
            let report = measure(&target, scenario, &lrs).await;
            failed |= report.errors > 0;
            report.print(scenario);
            super::cpu::print_since(probe.as_ref(), before, report.latencies.len());
            reports.push((scenario, report));
        }
        println!("load average {}", load_average());
        all.push(Measured { size, reports });
    }
    summary(&all);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// p50 per scenario and size, and the ratio of the largest size's to the smallest's.
fn summary(all: &[Measured]) {
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return;
    };
    print!("\n{:<28}", "p50 ms");
    for m in all {
        print!(" {:>9}", m.size);
    }
    println!(" {:>9}", "ratio");
    for (i, (scenario, smallest)) in first.reports.iter().enumerate() {
        print!("{:<28}", scenario.label());
        for m in all {
            print!(" {:>9.2}", m.reports[i].1.percentile(0.5));
        }
        let ratio = last.reports[i].1.percentile(0.5) / smallest.percentile(0.5).max(1e-9);
        println!(" {ratio:>9.2}");
    }
}

/// `, N MB on disk` for an SQLite file (with its WAL); nothing for PostgreSQL.
fn footprint(database: &str) -> String {
    if database.starts_with("postgres") {
        return String::new();
    }
    let size = |p: &str| std::fs::metadata(p).map_or(0, |m| m.len());
    let bytes = size(database) + size(&format!("{database}-wal"));
    format!(", {} MB on disk", bytes / 1_000_000)
}

/// The 1, 5 and 15 minute load averages (Linux), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "?".to_owned(),
        |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}
