// Writing a statement batch (included into each backend module): a handful of multi-row
// INSERTs in the caller's one transaction, whatever the batch size (all or nothing,
// Communication 2.1.2), instead of a few statements per row. Rows per INSERT,
// `XAPI_ROWS_PER_INSERT`, is set per backend (sql/sqlite.rs, sql/postgres.rs).

/// Appends `(v, v, …)` rows to `sql`, one per item, each starting with the scope.
fn xapi_values<T>(sql: &mut XapiSql, items: &[T], mut row: impl FnMut(&mut XapiSql, &T)) {
    for (i, item) in items.iter().enumerate() {
        sql.push(if i == 0 { "($1, $2, $3" } else { ", ($1, $2, $3" });
        row(sql, item);
        sql.push(")");
    }
}

/// `, $n` for an optional text (NULL when absent).
fn xapi_opt(sql: &mut XapiSql, value: Option<&String>) {
    sql.push(", ").arg(XapiArg::OptText(value.cloned()));
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
type XapiKeyRow<'a> = (i64, i64, &'static str, &'a String);

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
        let kinds = [
            ("agent", &s.agents),
            ("related_agent", &s.related_agents),
            ("related_activity", &s.related_activities),
        ];
        for (kind, values) in kinds {
            keys.extend(values.iter().map(|key| (seq, s.stored_nanos, kind, key)));
        }
    }
    for chunk in keys.chunks(XAPI_ROWS_PER_INSERT) {
        let mut sql = XapiSql::new(
            "INSERT INTO xapi_statement_keys (tenant_id, app_id, env, statement_seq, \
             stored_nanos, kind, key) VALUES ",
        );
        xapi_values(&mut sql, chunk, |sql, (seq, stored, kind, key)| {
            sql.push(", ").arg(XapiArg::Int(*seq));
            sql.push(", ").arg(XapiArg::Int(*stored));
            sql.push(&format!(", '{kind}', ")).arg(XapiArg::Text((*key).clone()));
        });
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
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

/// Records the Agents seen (GET /agents), each distinct one once.
async fn xapi_insert_agents(
    tx: &mut Tx,
    scope: Scope,
    agents: impl Iterator<Item = &crate::AgentRow>,
) -> Result<(), StoreError> {
    let mut rows: Vec<(String, String, String)> = agents
        .map(|a| {
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(a.agent.as_bytes()));
            (a.ifi_key.clone(), hash, a.agent.clone())
        })
        .collect();
    rows.sort();
    rows.dedup();
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
