//! Bulk loading for benchmarks: statements written straight into an LRS's store with exactly
//! the rows a POST writes (`larch bench lrs --seed-database`, docs/xapi.md "Performance"),
//! without HTTP, so that millions of background statements take minutes instead of hours.

use super::statements::{agent_row, authority_at, new_statement};
use larch_store::{LrsCredential, Store};
use larch_xapi::primitives::{Timestamp, Uuid};
use larch_xapi::{Statement, XapiVersion};
use serde_json::Value;

/// Validates `batch` (a JSON array of statements, as a POST carries it) in `version` (an
/// `X-Experience-API-Version` value), assigns
/// ids, `stored` (now) and the authority of `credential` at the LRS endpoint `home` (e.g.
/// `http://127.0.0.1:8080/xapi`), and stores it in one transaction. Canonical Activity
/// definitions are not merged (benchmark statements carry none); forwarding rules apply.
///
/// # Errors
/// A statement the LRS would refuse (the message names it), or the store's error.
pub async fn seed_statements(
    store: &Store,
    home: &str,
    credential: &LrsCredential,
    version: &str,
    batch: &Value,
) -> Result<usize, String> {
    let version = XapiVersion::from_header(Some(version)).map_err(|e| e.to_string())?;
    let mut statements = Statement::parse_batch(batch, version).map_err(|e| e.to_string())?;
    let authority = authority_at(home, credential).map_err(|e| format!("{e:?}"))?;
    let stored = Timestamp::from_unix_nanos(i128::from(super::now_nanos()));
    let mut rows = Vec::with_capacity(statements.len());
    let mut agents = Vec::new();
    for s in &mut statements {
        s.prepare_for_storage(
            Uuid::new_v4(rand::random()),
            stored.clone(),
            authority.clone(),
            version,
        );
        agents.extend(agent_row(s));
        rows.push(new_statement(s));
    }
    let count = rows.len();
    store
        .statements()
        .insert(credential.scope, rows, Vec::new(), Vec::new(), agents)
        .await
        .map_err(|e| e.to_string())?;
    Ok(count)
}
