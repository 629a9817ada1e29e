// xAPI documents on SQLite: State, Activity Profile, Agent Profile (included into
// sql/sqlite.rs's body module; PostgreSQL's are sql/pg_documents.rs). Each call is one
// statement: reads run on the calling task on a `rusqlite` reader (sql/sqlite_readers.rs),
// writes go to the one-statement writer thread (sql/sqlite_writer/single.rs), where the writes
// queued at once share a transaction. The statements are PostgreSQL's, with the same
// semantics (docs/xapi.md "Documents").

/// `concat!(before, <the document key's columns, ?1 to ?7>, after)`.
macro_rules! sqlite_doc_sql {
    ($before:literal, $after:literal) => {
        concat!(
            $before,
            "tenant_id = ?1 AND app_id = ?2 AND env = ?3 AND kind = ?4 AND activity_id = ?5 \
             AND agent_key = ?6 AND registration = ?7",
            $after
        )
    };
}

/// `?1` to `?7`: the scope and the document key.
fn sqlite_doc_args(scope: Scope, key: &crate::DocumentKey) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    vec![
        Value::Integer(scope.tenant.0),
        Value::Integer(scope.app.0),
        Value::Text(scope.env.as_str().to_owned()),
        Value::Text(key.kind.as_str().to_owned()),
        Value::Text(key.activity_id.clone()),
        Value::Text(key.agent_key.clone()),
        Value::Text(key.registration.clone()),
    ]
}

/// `?8` to `?11` of a write: id, content, content type, time.
fn sqlite_doc_values(args: &mut Vec<rusqlite::types::Value>, doc: crate::NewDocument) {
    use rusqlite::types::Value;
    args.extend([
        Value::Text(doc.id),
        Value::Blob(doc.content),
        Value::Text(doc.content_type),
        Value::Integer(doc.updated_nanos),
    ]);
}

impl This {
    /// Queues one statement on the writer thread; the rows it changed.
    async fn write_single(
        &self,
        scope: Scope,
        sql: &'static str,
        args: Vec<rusqlite::types::Value>,
    ) -> Result<usize, StoreError> {
        let write = crate::sql::sqlite_writer::single::SingleWrite { sql, args };
        self.singles.submit(scope, write).await
    }
}

/// The statement that makes `change` if the stored version is still `expected` (absent:
/// `None`): INSERT … DO NOTHING when the document was absent, else UPDATE / DELETE at the
/// version read. `None` when there is nothing to do (deleting what is not there).
fn sqlite_doc_change(
    scope: Scope,
    key: &crate::DocumentKey,
    expected: Option<i64>,
    change: crate::DocumentChange,
) -> Option<(&'static str, Vec<rusqlite::types::Value>)> {
    const INSERT: &str = "INSERT INTO xapi_documents (tenant_id, app_id, env, kind, activity_id, \
        agent_key, registration, doc_id, content, content_type, updated_nanos, version) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1) ON CONFLICT DO NOTHING";
    const UPDATE: &str = sqlite_doc_sql!(
        "UPDATE xapi_documents SET content = ?9, content_type = ?10, updated_nanos = ?11, \
         version = version + 1 WHERE ",
        " AND doc_id = ?8 AND version = ?12"
    );
    const DELETE: &str =
        sqlite_doc_sql!("DELETE FROM xapi_documents WHERE ", " AND doc_id = ?8 AND version = ?9");
    let mut args = sqlite_doc_args(scope, key);
    let sql = match (change, expected) {
        (crate::DocumentChange::Write(doc), None) => {
            sqlite_doc_values(&mut args, doc);
            INSERT
        }
        (crate::DocumentChange::Write(doc), Some(version)) => {
            sqlite_doc_values(&mut args, doc);
            args.push(rusqlite::types::Value::Integer(version));
            UPDATE
        }
        (crate::DocumentChange::Delete(_), None) => return None,
        (crate::DocumentChange::Delete(id), Some(version)) => {
            args.push(rusqlite::types::Value::Text(id));
            args.push(rusqlite::types::Value::Integer(version));
            DELETE
        }
    };
    Some((sql, args))
}

/// The stored document `id` under `key`.
fn sqlite_doc_get(
    conn: &rusqlite::Connection,
    args: &[rusqlite::types::Value],
) -> Result<Option<crate::StoredDocument>, StoreError> {
    const SQL: &str = sqlite_doc_sql!(
        "SELECT content, content_type, updated_nanos, version FROM xapi_documents WHERE ",
        " AND doc_id = ?8"
    );
    let mut select = conn.prepare_cached(SQL)?;
    let found = select.query_row(rusqlite::params_from_iter(args), |row| {
        Ok(crate::StoredDocument {
            content: row.get(0)?,
            content_type: row.get(1)?,
            updated_nanos: row.get(2)?,
            version: row.get(3)?,
        })
    });
    Ok(rusqlite::OptionalExtension::optional(found)?)
}

/// The ids under `key` changed after `?8`, in order.
fn sqlite_doc_ids(
    conn: &rusqlite::Connection,
    args: &[rusqlite::types::Value],
) -> Result<Vec<String>, StoreError> {
    const SQL: &str = sqlite_doc_sql!(
        "SELECT doc_id FROM xapi_documents WHERE ",
        " AND updated_nanos > ?8 ORDER BY doc_id"
    );
    let mut select = conn.prepare_cached(SQL)?;
    let rows = select.query_map(rusqlite::params_from_iter(args), |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[async_trait]
impl crate::XapiDocumentStore for This {
    async fn get(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        id: &str,
    ) -> Result<Option<crate::StoredDocument>, StoreError> {
        let mut args = sqlite_doc_args(scope, key);
        args.push(rusqlite::types::Value::Text(id.to_owned()));
        self.readers.read(|conn| sqlite_doc_get(conn, &args))
    }

    async fn ids(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        since_nanos: Option<i64>,
    ) -> Result<Vec<String>, StoreError> {
        let mut args = sqlite_doc_args(scope, key);
        args.push(rusqlite::types::Value::Integer(since_nanos.unwrap_or(i64::MIN)));
        self.readers.read(|conn| sqlite_doc_ids(conn, &args))
    }

    async fn put(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        doc: crate::NewDocument,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO xapi_documents (tenant_id, app_id, env, kind, \
             activity_id, agent_key, registration, doc_id, content, content_type, updated_nanos) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (tenant_id, app_id, env, kind, activity_id, agent_key, registration, doc_id) \
             DO UPDATE SET content = excluded.content, content_type = excluded.content_type, \
             updated_nanos = excluded.updated_nanos, version = xapi_documents.version + 1";
        let mut args = sqlite_doc_args(scope, key);
        sqlite_doc_values(&mut args, doc);
        self.write_single(scope, SQL, args).await?;
        Ok(())
    }

    async fn write_if(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        expected: Option<i64>,
        change: crate::DocumentChange,
    ) -> Result<bool, StoreError> {
        // Deleting what is not there: nothing to race with.
        let Some((sql, args)) = sqlite_doc_change(scope, key, expected, change) else {
            return Ok(true);
        };
        Ok(self.write_single(scope, sql, args).await? == 1)
    }

    async fn delete(
        &self,
        scope: Scope,
        key: &crate::DocumentKey,
        id: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut args = sqlite_doc_args(scope, key);
        let sql = match id {
            Some(id) => {
                args.push(rusqlite::types::Value::Text(id.to_owned()));
                sqlite_doc_sql!("DELETE FROM xapi_documents WHERE ", " AND doc_id = ?8")
            }
            None => sqlite_doc_sql!("DELETE FROM xapi_documents WHERE ", ""),
        };
        self.write_single(scope, sql, args).await?;
        Ok(())
    }
}
