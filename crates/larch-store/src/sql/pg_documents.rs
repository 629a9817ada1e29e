// xAPI documents on PostgreSQL: State, Activity Profile, Agent Profile (included into
// sql/postgres.rs's body module; SQLite's are sql/sqlite_documents.rs).

/// `concat!(before, <the document key's columns, $1 to $7>, after)`.
macro_rules! xapi_doc_sql {
    ($before:literal, $after:literal) => {
        concat!(
            $before,
            "tenant_id = $1 AND app_id = $2 AND env = $3 AND kind = $4 AND activity_id = $5 \
             AND agent_key = $6 AND registration = $7",
            $after
        )
    };
}

fn xapi_doc_query(sql: &'static str, scope: Scope, key: &crate::DocumentKey) -> Query<'static> {
    scoped(sql, scope)
        .bind(key.kind.as_str())
        .bind(key.activity_id.clone())
        .bind(key.agent_key.clone())
        .bind(key.registration.clone())
}

/// One conditional statement, so that the check and the change are atomic: UPDATE / DELETE at
/// the version read (a concurrent writer waits for the row lock, then sees the new version
/// and changes nothing). Creating a document that must be absent is a create-only PUT
/// (pg_document_puts.rs).
async fn xapi_doc_change(
    conn: &mut <Db as sqlx::Database>::Connection,
    scope: Scope,
    key: &crate::DocumentKey,
    version: i64,
    change: crate::DocumentChange,
) -> Result<bool, StoreError> {
    const UPDATE: &str = xapi_doc_sql!(
        "UPDATE xapi_documents SET content = $9, content_type = $10, updated_nanos = $11, \
         version = version + 1 WHERE ",
        " AND doc_id = $8 AND version = $12"
    );
    const DELETE: &str =
        xapi_doc_sql!("DELETE FROM xapi_documents WHERE ", " AND doc_id = $8 AND version = $9");
    let query = match change {
        crate::DocumentChange::Write(doc) => xapi_doc_query(UPDATE, scope, key)
            .bind(doc.id)
            .bind(doc.content)
            .bind(doc.content_type)
            .bind(doc.updated_nanos)
            .bind(version),
        crate::DocumentChange::Delete(id) => {
            xapi_doc_query(DELETE, scope, key).bind(id).bind(version)
        }
    };
    Ok(query.execute(conn).await?.rows_affected() == 1)
}

#[async_trait]
impl crate::XapiDocumentStore for This {
    async fn get(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        id: &str,
    ) -> Result<Option<crate::StoredDocument>, StoreError> {
        const SQL: &str = xapi_doc_sql!(
            "SELECT content, content_type, updated_nanos, version FROM xapi_documents WHERE ",
            " AND doc_id = $8"
        );
        let mut read = self.read_one(scope).await?;
        let row = xapi_doc_query(SQL, scope, key)
            .bind(id.to_owned())
            .fetch_optional(&mut *read)
            .await?;
        This::end_read_one(read).await?;
        row.map(|r| {
            Ok(crate::StoredDocument {
                content: r.try_get("content")?,
                content_type: r.try_get("content_type")?,
                updated_nanos: r.try_get("updated_nanos")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
    }

    async fn ids(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        since_nanos: Option<i64>,
    ) -> Result<Vec<String>, StoreError> {
        const SQL: &str = xapi_doc_sql!(
            "SELECT doc_id FROM xapi_documents WHERE ",
            " AND updated_nanos > $8 ORDER BY doc_id"
        );
        let mut read = self.read_one(scope).await?;
        let rows = xapi_doc_query(SQL, scope, key)
            .bind(since_nanos.unwrap_or(i64::MIN))
            .fetch_all(&mut *read)
            .await?;
        This::end_read_one(read).await?;
        rows.iter().map(|r| Ok(r.try_get("doc_id")?)).collect()
    }

    async fn put(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        doc: crate::NewDocument,
    ) -> Result<(), StoreError> {
        // Group-committed with the PUTs queued at once (pg_document_puts.rs).
        self.put_queued(scope, key, doc, false).await.map(drop)
    }

    async fn write_if(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        expected: Option<i64>,
        change: crate::DocumentChange,
    ) -> Result<bool, StoreError> {
        let (change, version) = match (change, expected) {
            // Created only if absent: a create-only PUT, group-committed like the others.
            (crate::DocumentChange::Write(doc), None) => {
                return self.put_queued(scope, key, doc, true).await;
            }
            // Deleting what is not there: nothing to race with.
            (crate::DocumentChange::Delete(_), None) => return Ok(true),
            (change, Some(version)) => (change, version),
        };
        let mut write = self.write_one(scope).await?;
        let done = xapi_doc_change(&mut write, scope, key, version, change).await?;
        This::end_write_one(write).await?;
        Ok(done)
    }

    async fn delete(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        id: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write(scope).await?;
        match id {
            Some(id) => {
                const SQL: &str =
                    xapi_doc_sql!("DELETE FROM xapi_documents WHERE ", " AND doc_id = $8");
                xapi_doc_query(SQL, scope, key)
                    .bind(id.to_owned())
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                const SQL: &str = xapi_doc_sql!("DELETE FROM xapi_documents WHERE ", "");
                xapi_doc_query(SQL, scope, key).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
