// SQLite's part of a statement batch (included into sql/sqlite.rs's body module; the shared
// rest is body/xapi_commit.rs): the statements, their keys and the Agents seen as multi-row
// INSERTs, then the stored definitions and the forwarding rules read back. One writer
// connection, in-process: round trips cost nothing, so each is a statement of its own.
// PostgreSQL does the same in one statement (sql/pg_statement_rows.rs).

/// `, $n` for an optional text, `, NULL` when absent.
fn xapi_opt(sql: &mut XapiSql, value: Option<&String>) {
    match value {
        Some(v) => sql.push(", ").arg(XapiArg::Text(v.clone())),
        None => sql.push(", NULL"),
    };
}

/// Writes the statements, their keys and the Agents; reads the stored definitions of
/// `activities` and the enabled forwarding rules.
async fn xapi_write_rows(
    tx: &mut Tx,
    scope: Scope,
    statements: &[&crate::NewStatement],
    activities: &[String],
    agents: &[(String, String, String)],
) -> Result<XapiWritten, StoreError> {
    let seqs = xapi_insert_rows(tx, scope, statements).await?;
    xapi_insert_keys(tx, scope, statements, &seqs).await?;
    xapi_insert_agents(tx, scope, agents).await?;
    Ok(XapiWritten {
        definitions: xapi_stored_definitions(tx, scope, activities).await?,
        rules: forwarding_rules(tx, scope).await?,
    })
}

/// Inserts the statements; returns each one's sequence number by id.
async fn xapi_insert_rows(
    tx: &mut Tx,
    scope: Scope,
    statements: &[&crate::NewStatement],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut seqs = std::collections::HashMap::with_capacity(statements.len());
    for chunk in statements.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new(
            "INSERT INTO xapi_statements (tenant_id, app_id, env, id, stored_nanos, verb_id, \
             activity_id, registration, voids_id, target_id, authority_key, body) VALUES ",
        );
        xapi_values(&mut sql, chunk, |sql, s| {
            sql.push(", ").arg(XapiArg::Text(s.id.clone()));
            sql.push(", ").arg(XapiArg::Int(s.stored_nanos));
            sql.push(", ").arg(XapiArg::Text(s.verb.clone()));
            xapi_opt(sql, s.activity.as_ref());
            xapi_opt(sql, s.registration.as_ref());
            xapi_opt(sql, s.voids.as_ref());
            xapi_opt(sql, s.target.as_ref());
            xapi_opt(sql, s.authority.as_ref());
            sql.push(", ").arg(XapiArg::Text(s.body.clone()));
        });
        sql.push(" RETURNING id, seq");
        for row in sql.query(scope).fetch_all(&mut **tx).await? {
            seqs.insert(row.try_get("id")?, row.try_get("seq")?);
        }
    }
    Ok(seqs)
}

/// One filter key row: statement sequence, `stored`, kind, key.
type XapiKeyRow<'a> = (i64, i64, &'static str, &'a str);

/// Inserts the filter keys (agent, related agent, related activity) of the statements.
async fn xapi_insert_keys(
    tx: &mut Tx,
    scope: Scope,
    statements: &[&crate::NewStatement],
    seqs: &std::collections::HashMap<String, i64>,
) -> Result<(), StoreError> {
    let mut keys: Vec<XapiKeyRow<'_>> = Vec::new();
    for s in statements {
        let seq = *seqs
            .get(&s.id)
            .ok_or_else(|| StoreError::Corrupt(format!("statement {} not inserted", s.id)))?;
        let rows = xapi_key_rows(s).into_iter();
        keys.extend(rows.map(|(kind, key)| (seq, s.stored_nanos, kind, key)));
    }
    for chunk in keys.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new(
            "INSERT INTO xapi_statement_keys (tenant_id, app_id, env, statement_seq, \
             stored_nanos, kind, key) VALUES ",
        );
        xapi_values(&mut sql, chunk, |sql, (seq, stored, kind, key)| {
            sql.push(", ").arg(XapiArg::Int(*seq));
            sql.push(", ").arg(XapiArg::Int(*stored));
            sql.push(&format!(", '{kind}', ")).arg(XapiArg::Text((*key).to_owned()));
        });
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Records the Agents seen (GET /agents), each distinct one once.
async fn xapi_insert_agents(
    tx: &mut Tx,
    scope: Scope,
    rows: &[(String, String, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new(
            "INSERT INTO xapi_agents (tenant_id, app_id, env, ifi_key, agent_hash, agent) VALUES ",
        );
        xapi_values(&mut sql, chunk, |sql, (ifi_key, hash, agent)| {
            sql.push(", ").arg(XapiArg::Text(ifi_key.clone()));
            sql.push(", ").arg(XapiArg::Text(hash.clone()));
            sql.push(", ").arg(XapiArg::Text(agent.clone()));
        });
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The stored canonical definitions of `ids` (sorted). SQLite's one writer serialises the
/// merges; there is nothing to lock.
async fn xapi_stored_definitions(
    tx: &mut Tx,
    scope: Scope,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    let mut stored = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let mut sql = XapiSql::new("SELECT c.id, c.definition FROM xapi_activities c WHERE ");
        sql.scope("c").push(" AND c.id IN ");
        xapi_in_list(&mut sql, chunk);
        for row in sql.query(scope).fetch_all(&mut **tx).await? {
            stored.insert(row.try_get("id")?, row.try_get("definition")?);
        }
    }
    Ok(stored)
}

/// The scope's enabled forwarding rules, in creation order: id and filter.
async fn forwarding_rules(
    tx: &mut Tx,
    scope: Scope,
) -> Result<Vec<(String, crate::ForwardingFilter)>, StoreError> {
    let rows = scoped(
        "SELECT id, filter FROM lrs_forwarding_rules WHERE tenant_id = $1 AND app_id = $2 \
         AND env = $3 AND enabled = 1 ORDER BY seq",
        scope,
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id")?, rule_filter(row.try_get("filter")?)?)))
        .collect()
}
