// xAPI statements, attachments, definitions and agents (included into each backend module).

fn stored_statement_from_row(row: &DbRow) -> Result<crate::StoredStatement, StoreError> {
    Ok(crate::StoredStatement {
        seq: row.try_get("seq")?,
        stored_nanos: row.try_get("stored_nanos")?,
        voided: row.try_get::<i64, _>("voided")? != 0,
        body: row.try_get("body")?,
    })
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
        sql.scope("c").push(" AND c.id IN ");
        xapi_in_list(&mut sql, ids);
        let mut read = self.read_one(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *read).await?;
        This::end_read_one(read).await?;
        rows.iter().map(stored_statement_from_row).collect()
    }

    async fn insert(
        &self,
        scope: Scope,
        statements: Vec<crate::NewStatement>,
        attachments: Vec<crate::Attachment>,
        definitions: Vec<crate::IncomingDefinition>,
        agents: Vec<crate::AgentRow>,
    ) -> Result<usize, StoreError> {
        // Queued for the group-commit lanes (sql/statement_commit.rs), which answer after
        // `COMMIT`.
        let stored = statements.len();
        let write = crate::sql::statement_commit::InsertWrite {
            statements,
            attachments,
            definitions,
            agents,
        };
        let messages = self.inserts.submit(scope, write).await?;
        self.statements_stored(stored);
        Ok(messages)
    }

    fn insert_batches(&self) -> crate::InsertBatches {
        let (transactions, inserts) = self.inserts.counts();
        crate::InsertBatches {
            transactions,
            inserts,
        }
    }

    async fn query(
        &self,
        scope: Scope,
        query: &crate::StatementQuery,
    ) -> Result<Vec<crate::StoredStatement>, StoreError> {
        let sql = xapi_statement_query(query);
        // A walk of one filter key's index has one good plan whatever the key (its `LIMIT`
        // is in the text, xapi_query.rs); the other filters' best plans depend on the value.
        let mut read = if xapi_driving_key(query).is_some() {
            self.read_one_generic(scope).await?
        } else {
            self.read_one(scope).await?
        };
        let rows = sql.query(scope).fetch_all(&mut *read).await?;
        This::end_read_one(read).await?;
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
        sql.scope("c").push(" AND c.sha2 IN ");
        xapi_in_list(&mut sql, sha2);
        let mut read = self.read_one(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *read).await?;
        This::end_read_one(read).await?;
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
        sql.scope("c").push(" AND c.id IN ");
        xapi_in_list(&mut sql, ids);
        let mut read = self.read_one(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *read).await?;
        This::end_read_one(read).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("definition")?)))
            .collect()
    }

    async fn agents(&self, scope: Scope, ifi_key: &str) -> Result<Vec<String>, StoreError> {
        let mut read = self.read_one(scope).await?;
        let rows = scoped(
            "SELECT agent FROM xapi_agents WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND ifi_key = $4 ORDER BY agent_hash",
            scope,
        )
        .bind(ifi_key.to_owned())
        .fetch_all(&mut *read)
        .await?;
        This::end_read_one(read).await?;
        rows.iter().map(|r| Ok(r.try_get("agent")?)).collect()
    }

    async fn query_plan(
        &self,
        scope: Scope,
        query: &crate::StatementQuery,
    ) -> Result<Vec<String>, StoreError> {
        let mut sql = xapi_statement_query(query);
        sql.text.insert_str(0, XAPI_EXPLAIN);
        let mut read = self.read_one(scope).await?;
        let rows = sql.query(scope).fetch_all(&mut *read).await?;
        This::end_read_one(read).await?;
        xapi_plan_lines(&rows)
    }
}
