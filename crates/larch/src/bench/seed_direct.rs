//! `--seed-database`: the background statements of `--seed` written straight into a Larch
//! database (SQLite file or PostgreSQL URL) with the rows a POST writes
//! (`larch_server::seed_statements`), skipping HTTP: millions of statements in minutes.
//!
//! The credential of `--user` / `--password` picks the LRS, as it would over HTTP, and its
//! authority is the one stored. On SQLite the server may keep running (WAL: its readers see
//! the new rows; the two writers take turns through SQLite's lock).

use super::LrsArgs;
use super::seed::background;
use anyhow::Context as _;
use larch_store::{DatabaseConfig, LrsSecret, Store};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Statements per transaction.
const BATCH: u64 = 1_000;

/// Writes background statements `range` (`background(i)` for each `i`) into `database`,
/// printing progress; returns the rate in statements per second.
pub(super) async fn seed(
    args: &LrsArgs,
    database: &str,
    range: std::ops::Range<u64>,
) -> anyhow::Result<f64> {
    let store = open(database, args.target.concurrency).await?;
    let secret = LrsSecret::presented(&args.target.password);
    let credential = store
        .lrs_credentials()
        .authenticate(&args.target.user, &secret)
        .await?
        .context("no live LRS credential with this key and secret in that database")?;
    let home: Arc<str> = Arc::from(args.target.url.trim_end_matches('/'));
    let (credential, version) = (
        Arc::new(credential),
        Arc::<str>::from(args.target.xapi_version.as_str()),
    );
    let (total, next) = (range.end, Arc::new(AtomicU64::new(range.start)));
    let start = Instant::now();
    let workers: Vec<_> = (0..args.target.concurrency.max(1))
        .map(|worker| {
            let (store, next) = (store.clone(), Arc::clone(&next));
            let (home, credential, version) = (
                Arc::clone(&home),
                Arc::clone(&credential),
                Arc::clone(&version),
            );
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
                    larch_server::seed_statements(
                        &store,
                        &home,
                        &credential,
                        &version,
                        &Value::Array(batch),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding failed: {e}"))?;
                    // One progress line per 10 s, not one per worker.
                    if worker == 0 && last_report.elapsed() > Duration::from_secs(10) {
                        last_report = Instant::now();
                        eprintln!(
                            "seeded {first} of {total} ({:.0} s)",
                            start.elapsed().as_secs_f64()
                        );
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok(super::seed::report(range.end - range.start, start))
}

/// The store at `database`: a `postgres://` URL, else an SQLite file path.
async fn open(database: &str, concurrency: usize) -> anyhow::Result<Store> {
    let config = if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        DatabaseConfig::Postgres {
            url: database.to_owned(),
            max_connections: u32::try_from(concurrency.max(1)).unwrap_or(8),
        }
    } else {
        DatabaseConfig::Sqlite {
            path: database.into(),
        }
    };
    Store::open(&config)
        .await
        .context("opening the database to seed")
}
