// The one-round-trip statement write on PostgreSQL (included into sql/postgres.rs's body
// module after pg_statement_commit.rs; docs/xapi.md "Performance").
//
// A combined write (pg_statement_commit.rs) is a transaction: `BEGIN`; the statement that
// writes the rows and reads the stored definitions and the forwarding rules; the merged
// definitions and the forwarding messages when there are any; `COMMIT`. Three round trips at
// least, for what most batches need once: a scope that forwards nothing, and activity
// definitions already stored as they would merge. Such a batch is written by one statement
// that runs as its own transaction and checks both in its own snapshot; when either check
// fails it writes nothing, and the batch is written the combined way.
//
// Which definitions are already stored comes from what this process last saw stored
// ([`DefinitionCache`]), and the statement compares that with the rows: a stale entry, or
// another process's merge, only costs the fallback. A rule enabled while the statement runs
// is seen or not as the combined write's own read of the rules would see it (both read the
// rules in their statement's snapshot).

/// Entries kept at most in a [`DefinitionCache`]; past it, it starts again empty.
const DEFINITION_CACHE_ENTRIES: usize = 10_000;

/// The canonical definitions this process last saw stored, by scope and activity id. A hint
/// only: the one-round-trip write checks each against the stored row.
#[derive(Debug, Default)]
struct DefinitionCache {
    entries: std::sync::Mutex<std::collections::HashMap<(Scope, String), String>>,
}

impl DefinitionCache {
    fn entries(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(Scope, String), String>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The known definitions of these activities in `scope`.
    fn known(&self, scope: Scope, ids: &[String]) -> std::collections::HashMap<String, String> {
        let entries = self.entries();
        ids.iter()
            .filter_map(|id| {
                let stored = entries.get(&(scope, id.clone()))?;
                Some((id.clone(), stored.clone()))
            })
            .collect()
    }

    /// What a combined write left stored: `merged` where it changed, else what it read.
    fn remember(
        &self,
        scope: Scope,
        read: &std::collections::HashMap<String, String>,
        merged: &[(String, String)],
    ) {
        let mut entries = self.entries();
        if entries.len() + read.len() + merged.len() > DEFINITION_CACHE_ENTRIES {
            entries.clear();
        }
        for (id, definition) in read.iter().chain(merged.iter().map(|(id, d)| (id, d))) {
            entries.insert((scope, id.clone()), definition.clone());
        }
    }
}

/// The one-round-trip write: `$19`/`$20` the batch's activities with the definitions they
/// must find stored. The rows are written only if the scope has no enabled forwarding rule
/// and every definition is stored as expected; the answer says whether they were.
const PG_STATEMENT_FAST_SQL: &str = concat!(
    "WITH g AS MATERIALIZED (SELECT NOT EXISTS (SELECT 1 FROM lrs_forwarding_rules r \
     WHERE r.tenant_id = $1 AND r.app_id = $2 AND r.env = $3 AND r.enabled = 1) \
     AND NOT EXISTS (SELECT 1 FROM unnest($19::TEXT[], $20::TEXT[]) AS e(id, definition) \
     LEFT JOIN xapi_activities c ON c.tenant_id = $1 AND c.app_id = $2 AND c.env = $3 \
     AND c.id = e.id WHERE c.definition IS DISTINCT FROM e.definition) AS ok), ",
    pg_statement_inserts!("(SELECT ok FROM g)"),
    "SELECT ok FROM g"
);

/// The definitions a one-scope batch must find stored to be written in one round trip, or
/// `None` when it cannot be: it voids, carries attachments, or would change a definition
/// this process does not know to be stored already.
fn fast_expectations(
    cache: &DefinitionCache,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
) -> Option<Vec<(String, String)>> {
    let plain = writes.iter().all(|w| {
        w.attachments.is_empty() && w.statements.iter().all(|s| s.voids.is_none())
    });
    if !plain {
        return None;
    }
    let known = cache.known(scope, &xapi_definition_ids(writes));
    // An activity the cache does not know counts as changed here.
    if !xapi_merged_definitions(writes, &known).is_empty() {
        return None;
    }
    let mut expected: Vec<_> = known.into_iter().collect();
    expected.sort();
    Some(expected)
}

/// Writes a one-scope batch as one statement in a transaction of its own, if its checks
/// hold; whether it did (nothing is written when it did not).
async fn xapi_write_fast(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    writes: &[&crate::sql::statement_commit::InsertWrite],
    expected: &[(String, String)],
) -> Result<bool, StoreError> {
    let statements: Vec<&crate::NewStatement> =
        writes.iter().flat_map(|w| &w.statements).collect();
    let agents = xapi_agent_rows(writes.iter().flat_map(|w| &w.agents));
    let ids: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
    let definitions: Vec<&str> = expected.iter().map(|(_, d)| d.as_str()).collect();
    let ok: bool = xapi_rows_query(PG_STATEMENT_FAST_SQL, scope, &statements, &agents)
        .bind(ids)
        .bind(definitions)
        .fetch_one(&mut *conn)
        .await?
        .try_get("ok")?;
    Ok(ok)
}
