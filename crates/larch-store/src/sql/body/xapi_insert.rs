// Writing a statement batch (included into each backend module): a handful of multi-row
// INSERTs in the caller's one transaction, whatever the batch size (all or nothing,
// Communication 2.1.2), instead of a few statements per row. Rows per INSERT,
// `XAPI_ROWS_PER_INSERT`, is set per backend (sql/sqlite.rs, sql/postgres.rs). The
// statements, their keys and the Agents seen are written per backend: SQLite's multi-row
// INSERTs (sql/sqlite_statement_rows.rs), PostgreSQL's one statement (sql/pg_statement_rows.rs).

/// The filter keys of a statement (agent, related agent, related activity), each distinct
/// one once (the key table's primary key holds a statement's key once).
fn xapi_key_rows(s: &crate::NewStatement) -> Vec<(&'static str, &str)> {
    let kinds = [
        ("agent", &s.agents),
        ("related_agent", &s.related_agents),
        ("related_activity", &s.related_activities),
    ];
    let mut keys: Vec<(&'static str, &str)> = kinds
        .into_iter()
        .flat_map(|(kind, values)| values.iter().map(move |key| (kind, key.as_str())))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The Agents seen (GET /agents) as rows (IFI key, hash of the Agent, Agent), each distinct
/// one once, sorted so that lanes on PostgreSQL insert them in one order.
fn xapi_agent_rows<'a>(
    agents: impl Iterator<Item = &'a crate::AgentRow>,
) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = agents
        .map(|a| {
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(a.agent.as_bytes()));
            (a.ifi_key.clone(), hash, a.agent.clone())
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}

/// Appends `(v, v, …)` rows to `sql`, one per item, each starting with the scope.
fn xapi_values<T>(sql: &mut XapiSql, items: &[T], mut row: impl FnMut(&mut XapiSql, &T)) {
    for (i, item) in items.iter().enumerate() {
        sql.push(if i == 0 { "($1, $2, $3" } else { ", ($1, $2, $3" });
        row(sql, item);
        sql.push(")");
    }
}

/// Marks these targets of voiding statements voided (Data 2.3.2: a voiding statement cannot
/// itself be voided, it stays visible).
async fn xapi_void_targets(
    tx: &mut Tx,
    scope: Scope,
    targets: &[String],
) -> Result<(), StoreError> {
    for chunk in targets.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new("UPDATE xapi_statements SET voided = 1 WHERE ");
        sql.scope("xapi_statements")
            .push(" AND voids_id IS NULL AND id IN ");
        xapi_in_list(&mut sql, chunk);
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Upserts the merged canonical definitions (one row per activity id).
async fn xapi_upsert_definitions(
    tx: &mut Tx,
    scope: Scope,
    definitions: &[(String, String)],
) -> Result<(), StoreError> {
    for chunk in definitions.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql =
            XapiSql::new("INSERT INTO xapi_activities (tenant_id, app_id, env, id, definition) VALUES ");
        xapi_values(&mut sql, chunk, |sql, (id, definition)| {
            sql.push(", ").arg(XapiArg::Text(id.clone()));
            sql.push(", ").arg(XapiArg::Text(definition.clone()));
        });
        sql.push(
            " ON CONFLICT (tenant_id, app_id, env, id) DO UPDATE SET definition = excluded.definition",
        );
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Attachments by SHA-2 (rare and large: one row per statement of SQL is fine).
async fn xapi_insert_attachments(
    tx: &mut Tx,
    scope: Scope,
    attachments: impl Iterator<Item = &crate::Attachment>,
) -> Result<(), StoreError> {
    for a in attachments {
        scoped(
            "INSERT INTO xapi_attachments (tenant_id, app_id, env, sha2, content_type, content) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, app_id, env, sha2) DO NOTHING",
            scope,
        )
        .bind(a.sha2.clone())
        .bind(a.content_type.clone())
        .bind(a.content.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
