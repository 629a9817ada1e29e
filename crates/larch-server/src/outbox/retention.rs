//! Outbox retention: every `outbox_sweep_interval`, each process deletes the finished messages
//! (delivered, or failed) older than `outbox_retention`, each with its delivery log, so the
//! outbox and its log do not grow for ever (`OutboxStore::purge_finished`). Pending messages
//! stay whatever their age: the delivery workers still owe them an attempt. Several processes
//! may run it at once: a message deleted by one is simply not there for the other.

use crate::state::AppState;
use larch_store::{Purged, StoreError};
use std::time::Duration;
use tokio::sync::watch;

/// Messages per transaction at most: a short write each (SQLite has one writer).
const BATCH: usize = 500;

/// Runs the retention pass every `outbox_sweep_interval` until `stop` turns true; returns at
/// once when retention is off (`outbox_retention` is `None`).
pub(super) async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let Some(keep) = state.config.outbox_retention else {
        return;
    };
    while !*stop.borrow() {
        tokio::select! {
            () = tokio::time::sleep(state.config.outbox_sweep_interval) => {}
            _ = stop.changed() => return,
        }
        match purge(&state, keep).await {
            Ok(Purged { messages: 0, .. }) => {}
            Ok(purged) => tracing::info!(
                messages = purged.messages,
                deliveries = purged.deliveries,
                "finished outbox messages deleted"
            ),
            Err(e) => tracing::warn!(error = %e, "outbox retention pass failed"),
        }
    }
}

/// One pass: deletes every message that finished more than `keep` ago, [`BATCH`] at a time.
async fn purge(state: &AppState, keep: Duration) -> Result<Purged, StoreError> {
    let keep_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
    let before = super::now_ms().saturating_sub(keep_ms);
    let mut total = Purged::default();
    loop {
        let purged = state.store.outbox().purge_finished(before, BATCH).await?;
        total.messages += purged.messages;
        total.deliveries += purged.deliveries;
        if purged.messages < BATCH {
            return Ok(total);
        }
        // Let the other writers in between two batches.
        tokio::task::yield_now().await;
    }
}
