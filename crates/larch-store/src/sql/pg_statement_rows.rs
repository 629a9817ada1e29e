// PostgreSQL's part of a statement batch (included into sql/postgres.rs's body module; the
// shared rest is body/xapi_commit.rs): one statement writes the statements, their keys and
// the Agents seen, locks and reads the stored definitions of the batch's activities, and
// reads the enabled forwarding rules (docs/xapi.md "Performance"). Every column is bound as
// an array and expanded with `unnest`, as sql/pg_runtime_batch.rs does for run-time saves,
// so a batch of any size is one round trip and one executor start instead of six. The
// statement is all or nothing, as the transaction around it: a failed combined write is
// rewritten job by job (body/xapi_commit.rs).

/// 2.–4. of a statement write, shared by the combined write below and the one-round-trip
/// write (pg_statement_fast.rs): the statements, their keys and the Agents, each insert
/// run only where `$gate` (a boolean SQL expression over the statement's earlier CTEs) holds.
macro_rules! pg_statement_inserts {
    ($gate:literal) => {
        concat!(
            // 2. The statements, in the caller's order (their `seq` keeps it).
            "s AS (INSERT INTO xapi_statements (tenant_id, app_id, env, id, stored_nanos, \
             verb_id, activity_id, registration, voids_id, target_id, authority_key, body) \
             SELECT $1, $2, $3, u.id, u.stored, u.verb, u.activity, u.registration, u.voids, \
             u.target, u.authority, u.body FROM unnest($4::TEXT[], $5::BIGINT[], $6::TEXT[], \
             $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[], $12::TEXT[]) \
             WITH ORDINALITY AS u(id, stored, verb, activity, registration, voids, target, \
             authority, body, n) WHERE ", $gate, " ORDER BY u.n \
             RETURNING id, seq, stored_nanos), ",
            // 3. Their keys, joined to the sequence numbers just assigned (each distinct).
            "k AS (INSERT INTO xapi_statement_keys (tenant_id, app_id, env, statement_seq, \
             stored_nanos, kind, key) SELECT $1, $2, $3, s.seq, s.stored_nanos, k.kind, k.key \
             FROM unnest($13::TEXT[], $14::TEXT[], $15::TEXT[]) AS k(id, kind, key) \
             JOIN s ON s.id = k.id), ",
            // 4. The Agents seen, sorted (one order for every lane).
            "a AS (INSERT INTO xapi_agents (tenant_id, app_id, env, ifi_key, agent_hash, agent) \
             SELECT $1, $2, $3, a.ifi_key, a.hash, a.agent FROM unnest($16::TEXT[], \
             $17::TEXT[], $18::TEXT[]) WITH ORDINALITY AS a(ifi_key, hash, agent, n) \
             WHERE ", $gate, " ORDER BY a.n ON CONFLICT DO NOTHING) "
        )
    };
}

/// `$1`–`$3` the scope; `$4`–`$12` the statements, one array per column; `$13`–`$15` their
/// keys (statement id, kind, key); `$16`–`$18` the Agents (IFI key, hash, Agent); `$19` the
/// activities whose definitions the batch merges.
const PG_STATEMENT_ROWS_SQL: &str = concat!(
    // 1. The definitions first, locked in id order (FOR UPDATE in a CTE), before any row is
    // inserted (the inserts below wait for `d` through their `count(*)`): two lanes merging
    // one definition take turns, and a lane never holds an inserted Agent while it waits for
    // a definition, so lanes cannot deadlock each other.
    "WITH d AS MATERIALIZED (SELECT c.id, c.definition FROM xapi_activities c \
     WHERE c.tenant_id = $1 AND c.app_id = $2 AND c.env = $3 AND c.id = ANY($19::TEXT[]) \
     ORDER BY c.id FOR UPDATE), ",
    pg_statement_inserts!("(SELECT count(*) FROM d) >= 0"),
    // 5. What the rest of the write needs: the rules in creation order, the definitions.
    "SELECT 'rule' AS part, r.seq, r.id, r.filter AS value FROM lrs_forwarding_rules r \
     WHERE r.tenant_id = $1 AND r.app_id = $2 AND r.env = $3 AND r.enabled = 1 \
     UNION ALL SELECT 'definition', 0, d.id, d.definition FROM d ORDER BY part, seq"
);

/// `sql` (either statement write) with the scope and `$4`–`$18` bound: the statements, their
/// keys and the Agents.
fn xapi_rows_query<'q>(
    sql: &'q str,
    scope: Scope,
    statements: &[&'q crate::NewStatement],
    agents: &'q [(String, String, String)],
) -> Query<'q> {
    let text = |f: fn(&crate::NewStatement) -> &str| -> Vec<&'q str> {
        statements.iter().map(|s| f(s)).collect()
    };
    let opt = |f: fn(&crate::NewStatement) -> Option<&str>| -> Vec<Option<&'q str>> {
        statements.iter().map(|s| f(s)).collect()
    };
    let keys: Vec<(&str, &'static str, &str)> = statements
        .iter()
        .flat_map(|s| xapi_key_rows(s).into_iter().map(|(kind, key)| (s.id.as_str(), kind, key)))
        .collect();
    let agent = |f: fn(&(String, String, String)) -> &str| -> Vec<&'q str> {
        agents.iter().map(f).collect()
    };
    scoped(sql, scope)
        .bind(text(|s| &s.id))
        .bind(statements.iter().map(|s| s.stored_nanos).collect::<Vec<_>>())
        .bind(text(|s| &s.verb))
        .bind(opt(|s| s.activity.as_deref()))
        .bind(opt(|s| s.registration.as_deref()))
        .bind(opt(|s| s.voids.as_deref()))
        .bind(opt(|s| s.target.as_deref()))
        .bind(opt(|s| s.authority.as_deref()))
        .bind(text(|s| &s.body))
        .bind(keys.iter().map(|k| k.0).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.1).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.2).collect::<Vec<_>>())
        .bind(agent(|a| &a.0))
        .bind(agent(|a| &a.1))
        .bind(agent(|a| &a.2))
}

/// Writes the statements, their keys and the Agents; reads the stored definitions of
/// `activities` (locked until `COMMIT`) and the enabled forwarding rules. One round trip.
async fn xapi_write_rows(
    conn: &mut sqlx::PgConnection,
    scope: Scope,
    statements: &[&crate::NewStatement],
    activities: &[String],
    agents: &[(String, String, String)],
) -> Result<XapiWritten, StoreError> {
    let rows = xapi_rows_query(PG_STATEMENT_ROWS_SQL, scope, statements, agents)
        .bind(activities)
        .fetch_all(&mut *conn)
        .await?;
    let mut written = XapiWritten {
        definitions: std::collections::HashMap::new(),
        rules: Vec::new(),
    };
    for row in &rows {
        let (id, value): (String, &str) = (row.try_get("id")?, row.try_get("value")?);
        if row.try_get::<&str, _>("part")? == "rule" {
            written.rules.push((id, rule_filter(value)?));
        } else {
            written.definitions.insert(id, value.to_owned());
        }
    }
    Ok(written)
}
