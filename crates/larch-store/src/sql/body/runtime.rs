// The run-time service's storage (included into each backend module).

const SESSION_COLUMNS: &str = "seq, id, registration_id, instance, course_id, course_version, step, runtime_session, \
     user_agent, started_at, last_seen_at, ended_at, exit_reason, expires_at, strictness, content_window";

fn session_from_row(row: &DbRow) -> Result<(i64, crate::PlayerSession), StoreError> {
    let session = crate::PlayerSession {
        id: row.try_get("id")?,
        registration_id: super::super::id_of(
            row.try_get("registration_id")?,
            crate::ids::RegistrationId::parse,
        )?,
        instance: row.try_get("instance")?,
        course_id: super::super::id_of(row.try_get("course_id")?, crate::ids::CourseId::parse)?,
        course_version: row.try_get("course_version")?,
        step: row.try_get("step")?,
        runtime_session: row.try_get("runtime_session")?,
        user_agent: row.try_get("user_agent")?,
        started: row.try_get("started_at")?,
        last_seen: row.try_get("last_seen_at")?,
        ended: row.try_get("ended_at")?,
        exit_reason: row.try_get("exit_reason")?,
        expires_at: row.try_get("expires_at")?,
        strictness: row.try_get("strictness")?,
        content_window: row.try_get("content_window")?,
    };
    Ok((row.try_get("seq")?, session))
}

impl This {
    /// The unexpired player session with this secret hash (only an open one when `open`).
    async fn session_by_hash(
        &self,
        secret_hash: &str,
        now: i64,
        open: bool,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        let mut tx = self.token_read(secret_hash).await?;
        let sql = format!(
            "SELECT tenant_id, app_id, env, {SESSION_COLUMNS} FROM player_sessions \
             WHERE secret_hash = $1 AND expires_at > $2 AND (ended_at IS NULL OR NOT $3)"
        );
        let row = sqlx::query(&sql)
            .bind(secret_hash.to_owned())
            .bind(now)
            .bind(open)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| Ok((scope_of(&r)?, session_from_row(&r)?.1)))
            .transpose()
    }
}

#[async_trait]
impl crate::RuntimeStore for This {
    async fn load(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        instance: i64,
    ) -> Result<Option<crate::StoredRuntime>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT course_version, state, revision FROM runtime_states \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance = $5",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(instance)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(crate::StoredRuntime {
                course_version: r.try_get("course_version")?,
                state: r.try_get("state")?,
                revision: r.try_get("revision")?,
            })
        })
        .transpose()
    }

    async fn instances(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::StoredInstance>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rows = scoped(
            "SELECT instance, course_version, state, updated_at FROM runtime_states \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND registration_id = $4 AND instance < $5 \
             ORDER BY instance DESC LIMIT $6",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(crate::model::cursor_bound(page))
        .bind(crate::model::fetch_limit(page))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(|r| {
                let instance: i64 = r.try_get("instance")?;
                let stored = crate::StoredInstance {
                    instance,
                    course_version: r.try_get("course_version")?,
                    state: r.try_get("state")?,
                    updated: r.try_get("updated_at")?,
                };
                Ok((instance, stored))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn save(
        &self,
        scope: Scope,
        write: crate::RuntimeWrite,
    ) -> Result<crate::RuntimeSave, StoreError> {
        self.commits.submit(scope, write).await
    }

    fn save_batches(&self) -> crate::SaveBatches {
        let (transactions, saves) = self.commits.counts();
        crate::SaveBatches {
            transactions,
            saves,
        }
    }

    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        self.session_by_hash(secret_hash, now, true).await
    }

    async fn any_session_by_secret(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> Result<Option<(Scope, crate::PlayerSession)>, StoreError> {
        self.session_by_hash(secret_hash, now, false).await
    }

    async fn session(
        &self,
        scope: Scope,
        id: &str,
    ) -> Result<Option<crate::PlayerSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM player_sessions WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
        );
        let mut tx = self.read(scope).await?;
        let row = scoped(&sql, scope)
            .bind(id.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|r| session_from_row(&r).map(|(_, s)| s)).transpose()
    }

    async fn sessions(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::PlayerSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM player_sessions WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND registration_id = $4 AND seq < $5 ORDER BY seq DESC LIMIT $6"
        );
        let mut tx = self.read(scope).await?;
        let rows = scoped(&sql, scope)
            .bind(registration.as_str().to_owned())
            .bind(crate::model::cursor_bound(page))
            .bind(crate::model::fetch_limit(page))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows.iter().map(session_from_row).collect::<Result<_, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn transcript(
        &self,
        scope: Scope,
        registration: &crate::ids::RegistrationId,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::TranscriptRow>, StoreError> {
        // Oldest first. A row is a commit of one or more entries (src/transcript.rs): a page
        // starts in the row of its cursor, and `limit + 1` entries (one more tells whether
        // there is a next page) are in at most `limit + 2` rows, the first perhaps read out.
        let resume = crate::transcript::Resume::after(page.after);
        let mut tx = self.read(scope).await?;
        let rows = scoped(
            "SELECT seq, entries FROM runtime_commits WHERE tenant_id = $1 AND app_id = $2 \
             AND env = $3 AND registration_id = $4 AND seq >= $5 ORDER BY seq LIMIT $6",
            scope,
        )
        .bind(registration.as_str().to_owned())
        .bind(resume.seq)
        .bind(crate::model::fetch_limit(page) + 1)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let wanted = usize::try_from(crate::model::fetch_limit(page)).unwrap_or(usize::MAX);
        let mut entries = Vec::with_capacity(wanted);
        for row in &rows {
            let (seq, text): (i64, String) = (row.try_get("seq")?, row.try_get("entries")?);
            entries.extend(crate::transcript::decode(seq, &text, resume)?);
            if entries.len() >= wanted {
                break;
            }
        }
        entries.truncate(wanted);
        Ok(crate::Page::from_rows(entries, page))
    }

    async fn stale_sessions(
        &self,
        seen_before: i64,
        limit: i64,
    ) -> Result<Vec<crate::StaleSession>, StoreError> {
        let mut tx = self.unscoped_write().await?;
        if self.kind_name() == "postgres" {
            sqlx::query("SELECT set_config('larch.worker', 'runtime', true)")
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!(
            "SELECT tenant_id, app_id, env, {SESSION_COLUMNS} FROM player_sessions \
             WHERE ended_at IS NULL AND last_seen_at < $1 ORDER BY last_seen_at LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(seen_before)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(crate::StaleSession {
                    scope: scope_of(r)?,
                    session: session_from_row(r)?.1,
                })
            })
            .collect()
    }

    async fn server_secret(&self, name: &str, generate: String) -> Result<String, StoreError> {
        let mut tx = self.unscoped_write().await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(name.to_owned())
        .bind(generate)
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name.to_owned())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }
}
