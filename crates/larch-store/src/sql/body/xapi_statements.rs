// xAPI statements, attachments, definitions and agents (included into each backend module).

/// A bind value of a query built at run time.
enum XapiArg {
    Int(i64),
    Text(String),
}

/// SQL text whose parameters are numbered in order of first appearance (SQLite binds `$n`
/// by first appearance), after the scope's `$1, $2, $3`.
struct XapiSql {
    text: String,
    args: Vec<XapiArg>,
}

impl XapiSql {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends `$n` for a new argument.
    fn arg(&mut self, arg: XapiArg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len() + 3));
        self
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn query(&self, scope: Scope) -> Query<'_> {
        let mut query = sqlx::query(&self.text)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str());
        for arg in &self.args {
            query = match arg {
                XapiArg::Int(v) => query.bind(*v),
                XapiArg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

const XAPI_SCOPE_C: &str = "c.tenant_id = $1 AND c.app_id = $2 AND c.env = $3";

fn stored_statement_from_row(row: &DbRow) -> Result<crate::StoredStatement, StoreError> {
    Ok(crate::StoredStatement {
        seq: row.try_get("seq")?,
        stored_nanos: row.try_get("stored_nanos")?,
        voided: row.try_get::<i64, _>("voided")? != 0,
        body: row.try_get("body")?,
    })
}

/// `EXISTS` on one filter key of the statement aliased `alias` (Communication 2.1.3).
fn xapi_key_filter(sql: &mut XapiSql, alias: &str, kind: &str, key: &str) {
    sql.push(" AND EXISTS (SELECT 1 FROM xapi_statement_keys k WHERE k.tenant_id = $1 AND k.app_id = $2 AND k.env = $3 AND k.kind = '")
        .push(kind)
        .push("' AND k.key = ")
        .arg(XapiArg::Text(key.to_owned()))
        .push(&format!(" AND k.statement_seq = {alias}.seq)"));
}

/// The content filters on the statement aliased `alias`.
fn xapi_content_filters(sql: &mut XapiSql, alias: &str, q: &crate::StatementQuery) {
    if let Some(agent) = &q.agent {
        let kind = if q.related_agents { "related_agent" } else { "agent" };
        xapi_key_filter(sql, alias, kind, agent);
    }
    if let Some(verb) = &q.verb {
        sql.push(&format!(" AND {alias}.verb_id = "))
            .arg(XapiArg::Text(verb.clone()));
    }
    if let Some(activity) = &q.activity {
        if q.related_activities {
            xapi_key_filter(sql, alias, "related_activity", activity);
        } else {
            sql.push(&format!(" AND {alias}.activity_id = "))
                .arg(XapiArg::Text(activity.clone()));
        }
    }
    if let Some(registration) = &q.registration {
        sql.push(&format!(" AND {alias}.registration = "))
            .arg(XapiArg::Text(registration.clone()));
    }
}

/// GET /statements as SQL: statements matching the content filters themselves, or whose
/// StatementRef target matches them (Communication 2.1.4, one level), walked in (`stored`,
/// sequence) order so that a page stops as soon as it is full; then the statement's own
/// time, authority and paging filters.
fn xapi_statement_query(q: &crate::StatementQuery) -> XapiSql {
    let mut sql =
        XapiSql::new("SELECT c.seq, c.stored_nanos, c.voided, c.body FROM xapi_statements c WHERE ");
    sql.push(XAPI_SCOPE_C).push(" AND c.voided = 0");
    if q.has_content_filter() {
        sql.push(" AND ((1 = 1");
        xapi_content_filters(&mut sql, "c", q);
        sql.push(") OR (c.target_id IS NOT NULL AND c.target_id IN (SELECT t.id FROM xapi_statements t \
             WHERE t.tenant_id = $1 AND t.app_id = $2 AND t.env = $3");
        xapi_content_filters(&mut sql, "t", q);
        sql.push(")))");
    }
    if let Some(since) = q.since_nanos {
        sql.push(" AND c.stored_nanos > ").arg(XapiArg::Int(since));
    }
    if let Some(until) = q.until_nanos {
        sql.push(" AND c.stored_nanos <= ").arg(XapiArg::Int(until));
    }
    if let Some(authority) = &q.authority {
        sql.push(" AND c.authority_key = ")
            .arg(XapiArg::Text(authority.clone()));
    }
    let (cmp, order) = if q.ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some((nanos, seq)) = q.after {
        let n = sql.args.len() + 4;
        sql.push(&format!(
            " AND (c.stored_nanos {cmp} ${n} OR (c.stored_nanos = ${n} AND c.seq {cmp} ${}))",
            n + 1
        ));
        sql.args.push(XapiArg::Int(nanos));
        sql.args.push(XapiArg::Int(seq));
    }
    sql.push(&format!(
        " ORDER BY c.stored_nanos {order}, c.seq {order} LIMIT "
    ))
    .arg(XapiArg::Int(q.limit + 1));
    sql
}

/// `$4, $5, …` for a list.
fn xapi_in_list(sql: &mut XapiSql, values: &[String]) {
    sql.push("(");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(XapiArg::Text(v.clone()));
    }
    sql.push(")");
}

/// Inserts one statement and its filter keys; returns its sequence number.
async fn xapi_insert_statement(
    tx: &mut Tx,
    scope: Scope,
    s: &crate::NewStatement,
) -> Result<(), StoreError> {
    let row = scoped(
        "INSERT INTO xapi_statements (tenant_id, app_id, env, id, stored_nanos, verb_id, \
         activity_id, registration, voids_id, target_id, authority_key, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq",
        scope,
    )
    .bind(s.id.clone())
    .bind(s.stored_nanos)
    .bind(s.verb.clone())
    .bind(s.activity.clone())
    .bind(s.registration.clone())
    .bind(s.voids.clone())
    .bind(s.target.clone())
    .bind(s.authority.clone())
    .bind(s.body.clone())
    .fetch_one(&mut **tx)
    .await?;
    let seq: i64 = row.try_get("seq")?;
    let keys = [
        ("agent", &s.agents),
        ("related_agent", &s.related_agents),
        ("related_activity", &s.related_activities),
    ];
    let mut sql = XapiSql::new(
        "INSERT INTO xapi_statement_keys (tenant_id, app_id, env, statement_seq, kind, key) VALUES ",
    );
    sql.args.push(XapiArg::Int(seq));
    let mut any = false;
    for (kind, values) in keys {
        for key in values {
            sql.push(if any { ", ($1, $2, $3, $4, " } else { "($1, $2, $3, $4, " })
                .arg(XapiArg::Text(kind.to_owned()))
                .push(", ")
                .arg(XapiArg::Text(key.clone()))
                .push(")");
            any = true;
        }
    }
    if any {
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query(scope).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Attachments, merged definitions and Agents of a batch.
async fn xapi_insert_extras(
    tx: &mut Tx,
    scope: Scope,
    attachments: Vec<crate::Attachment>,
    definitions: Vec<(String, String)>,
    agents: Vec<crate::AgentRow>,
) -> Result<(), StoreError> {
    for a in attachments {
        scoped(
            "INSERT INTO xapi_attachments (tenant_id, app_id, env, sha2, content_type, content) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, app_id, env, sha2) DO NOTHING",
            scope,
        )
        .bind(a.sha2)
        .bind(a.content_type)
        .bind(a.content)
        .execute(&mut **tx)
        .await?;
    }
    for (id, definition) in definitions {
        scoped(
            "INSERT INTO xapi_activities (tenant_id, app_id, env, id, definition) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, app_id, env, id) \
             DO UPDATE SET definition = excluded.definition",
            scope,
        )
        .bind(id)
        .bind(definition)
        .execute(&mut **tx)
        .await?;
    }
    for agent in agents {
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(agent.agent.as_bytes()));
        scoped(
            "INSERT INTO xapi_agents (tenant_id, app_id, env, ifi_key, agent_hash, agent) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            scope,
        )
        .bind(agent.ifi_key)
        .bind(hash)
        .bind(agent.agent)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl crate::StatementStore for This {
    async fn by_ids(
        &self,
        scope: Scope,
        ids: &[String],
    ) -> Result<Vec<crate::StoredStatement>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = XapiSql::new(
            "SELECT c.seq, c.stored_nanos, c.voided, c.body FROM xapi_statements c WHERE ",
        );
        sql.push(XAPI_SCOPE_C).push(" AND c.id IN ");
        xapi_in_list(&mut sql, ids);
        let mut tx = self.read(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(stored_statement_from_row).collect()
    }

    async fn insert(
        &self,
        scope: Scope,
        statements: Vec<crate::NewStatement>,
        attachments: Vec<crate::Attachment>,
        definitions: Vec<(String, String)>,
        agents: Vec<crate::AgentRow>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write(scope).await?;
        for s in &statements {
            xapi_insert_statement(&mut tx, scope, s).await?;
        }
        // Data 2.3.2: a voiding statement cannot itself be voided (it stays visible).
        for target in statements.iter().filter_map(|s| s.voids.clone()) {
            scoped(
                "UPDATE xapi_statements SET voided = 1 WHERE tenant_id = $1 AND app_id = $2 \
                 AND env = $3 AND id = $4 AND voids_id IS NULL",
                scope,
            )
            .bind(target)
            .execute(&mut *tx)
            .await?;
        }
        xapi_insert_extras(&mut tx, scope, attachments, definitions, agents).await?;
        forward_statements(&mut tx, scope, &statements).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn query(
        &self,
        scope: Scope,
        query: &crate::StatementQuery,
    ) -> Result<Vec<crate::StoredStatement>, StoreError> {
        let sql = xapi_statement_query(query);
        let mut tx = self.read(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(stored_statement_from_row).collect()
    }

    async fn attachments(
        &self,
        scope: Scope,
        sha2: &[String],
    ) -> Result<Vec<crate::Attachment>, StoreError> {
        if sha2.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            XapiSql::new("SELECT c.sha2, c.content_type, c.content FROM xapi_attachments c WHERE ");
        sql.push(XAPI_SCOPE_C).push(" AND c.sha2 IN ");
        xapi_in_list(&mut sql, sha2);
        let mut tx = self.read(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(crate::Attachment {
                    sha2: r.try_get("sha2")?,
                    content_type: r.try_get("content_type")?,
                    content: r.try_get("content")?,
                })
            })
            .collect()
    }

    async fn definitions(
        &self,
        scope: Scope,
        ids: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = XapiSql::new("SELECT c.id, c.definition FROM xapi_activities c WHERE ");
        sql.push(XAPI_SCOPE_C).push(" AND c.id IN ");
        xapi_in_list(&mut sql, ids);
        let mut tx = self.read(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("definition")?)))
            .collect()
    }

    async fn agents(&self, scope: Scope, ifi_key: &str) -> Result<Vec<String>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rows = scoped(
            "SELECT agent FROM xapi_agents WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND ifi_key = $4 ORDER BY agent_hash",
            scope,
        )
        .bind(ifi_key.to_owned())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter().map(|r| Ok(r.try_get("agent")?)).collect()
    }
}
