//! The orphan-blob sweeper: deletes content-addressed assets that no course version refers to
//! any more (deleted courses, an import that failed after storing files), once they are older
//! than `orphan_blob_age`, so an import that is about to record a blob never loses it.

use crate::state::AppState;
use object_store::path::Path as BlobPath;
use std::time::Duration;
use tokio::sync::watch;

/// Sweeps every `every` until `stop` turns true.
pub(crate) async fn run(state: AppState, every: Duration, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        match sweep(&state).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "orphan course assets deleted"),
            Err(e) => tracing::warn!(error = %e, "sweeping orphan course assets failed"),
        }
    }
}

/// One pass over `assets/sha256/`; returns how many blobs it deleted.
async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let blobs = state.blobs.object_store();
    let age = i64::try_from(state.config.orphan_blob_age.as_secs()).unwrap_or(i64::MAX);
    let cutoff = larch_now().saturating_sub(age);
    let root = blobs
        .list_with_delimiter(Some(&BlobPath::from("assets/sha256")))
        .await?;
    let mut deleted = 0;
    for prefix in root.common_prefixes {
        for blob in blobs.list_with_delimiter(Some(&prefix)).await?.objects {
            if blob.last_modified.timestamp() > cutoff {
                continue;
            }
            let parts: Vec<_> = blob.location.parts().collect();
            let sha256 = match parts.as_slice() {
                [.., head, tail] => format!("{}{}", head.as_ref(), tail.as_ref()),
                _ => continue,
            };
            if !state.store.imports().asset_in_use(&sha256).await? {
                blobs.delete(&blob.location).await?;
                deleted += 1;
            }
        }
    }
    Ok(deleted)
}

fn larch_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
