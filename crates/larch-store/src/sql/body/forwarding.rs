// LRS statement forwarding rules, and the outbox messages storing statements writes for them
// (included into each backend module).

const RULE_COLUMNS: &str = "seq, id, url, version, auth_username, auth_password, auth_sealed, \
     filter, enabled, created_at, updated_at";

/// What a rule's sealed password is bound to (the associated data of the AEAD): its scope and
/// id, so a sealed value copied into another rule or scope does not open.
fn rule_seal_context(scope: Scope, id: &str) -> String {
    format!(
        "lrs_forwarding_rules/{}/{}/{}/{id}",
        scope.tenant.0,
        scope.app.0,
        scope.env.as_str()
    )
}

/// The target password of a row: sealed (`auth_sealed = 1`), or plain text written before
/// migration 0102 and not yet sealed.
fn rule_password(
    sealer: &crate::sealing::Sealer,
    scope: Scope,
    row: &DbRow,
) -> Result<crate::ForwardingSecret, StoreError> {
    let stored: String = row.try_get("auth_password")?;
    if row.try_get::<i64, _>("auth_sealed")? == 0 {
        return Ok(crate::ForwardingSecret::new(stored));
    }
    let context = rule_seal_context(scope, row.try_get("id")?);
    sealer.open(&stored, &context).map(crate::ForwardingSecret::new)
}

fn rule_from_row(
    sealer: &crate::sealing::Sealer,
    scope: Scope,
    row: &DbRow,
) -> Result<(i64, crate::ForwardingRule), StoreError> {
    let filter: &str = row.try_get("filter")?;
    let rule = crate::ForwardingRule {
        id: super::super::id_of(row.try_get("id")?, crate::ids::LrsForwardingRuleId::parse)?,
        url: row.try_get("url")?,
        version: row.try_get("version")?,
        auth: crate::BasicAuth {
            username: row.try_get("auth_username")?,
            password: rule_password(sealer, scope, row)?,
        },
        filter: rule_filter(filter)?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        created: row.try_get("created_at")?,
        updated: row.try_get("updated_at")?,
    };
    Ok((row.try_get("seq")?, rule))
}

fn filter_text(filter: &crate::ForwardingFilter) -> String {
    serde_json::to_string(filter).unwrap_or_else(|_| "{}".to_owned())
}

async fn rule_fetch(
    sealer: &crate::sealing::Sealer,
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::LrsForwardingRuleId,
) -> Result<Option<crate::ForwardingRule>, StoreError> {
    let sql = format!(
        "SELECT {RULE_COLUMNS} FROM lrs_forwarding_rules WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
    );
    let row = sqlx::query(&sql)
        .bind(scope.tenant.0)
        .bind(scope.app.0)
        .bind(scope.env.as_str())
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| rule_from_row(sealer, scope, &r).map(|(_, rule)| rule))
        .transpose()
}

/// Seals the target passwords stored in plain text before migration 0102, once, when the
/// store opens (rules written since are sealed as they are written, so later starts find
/// nothing). The pass spans every scope: on PostgreSQL its transaction alone runs with
/// `larch.worker = 'sealing'`, which the table's policy admits. Several nodes starting together
/// seal each row once (`AND auth_sealed = 0`).
async fn seal_plain_passwords(backend: &This) -> Result<usize, StoreError> {
    let sealer = backend.sealer()?;
    let mut tx = backend.unscoped_write().await?;
    if backend.kind_name() == "postgres" {
        sqlx::query("SELECT set_config('larch.worker', 'sealing', true)")
            .execute(&mut *tx)
            .await?;
    }
    let rows = sqlx::query(
        "SELECT seq, tenant_id, app_id, env, id, auth_password FROM lrs_forwarding_rules \
         WHERE auth_sealed = 0",
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &rows {
        let context = rule_seal_context(scope_of(row)?, row.try_get("id")?);
        let plain: &str = row.try_get("auth_password")?;
        sqlx::query(
            "UPDATE lrs_forwarding_rules SET auth_password = $1, auth_sealed = 1 \
             WHERE seq = $2 AND auth_sealed = 0",
        )
        .bind(sealer.seal(plain, &context))
        .bind(row.try_get::<i64, _>("seq")?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// A stored rule's filter.
fn rule_filter(text: &str) -> Result<crate::ForwardingFilter, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("forwarding filter: {e}")))
}

/// What a rule's filter reads of a statement: its verb, Object Activity and registration.
type XapiFilterKeys = (String, Option<String>, Option<String>);

/// The StatementRef targets the writes name that the batch does not carry: whether they match
/// a rule depends on the stored statement, which each backend looks up.
fn xapi_outside_targets<'a>(
    writes: &[&'a crate::sql::statement_commit::InsertWrite],
    batch: &XapiBatchIds<'_>,
) -> Vec<&'a str> {
    let mut targets = Vec::new();
    for (job, write) in writes.iter().enumerate() {
        for target in write.statements.iter().filter_map(|s| s.target.as_deref()) {
            if batch.seen_by(target, job).is_none() {
                targets.push(target);
            }
        }
    }
    targets
}

/// For each job of a combined write in turn, one outbox message per enabled forwarding rule
/// that some statement of the job matches, carrying the matching statement ids in the job's
/// order (the messages of one `insert` call alone, as when each is written in a transaction
/// of its own): each message with its job. `rules`: the scope's enabled rules in creation
/// order; `stored`: the keys of the outside targets found stored (`xapi_outside_targets`).
fn xapi_forward_messages(
    writes: &[&crate::sql::statement_commit::InsertWrite],
    batch: &XapiBatchIds<'_>,
    rules: &[(String, crate::ForwardingFilter)],
    stored: &std::collections::HashMap<&str, XapiFilterKeys>,
) -> Vec<(usize, crate::NewMessage)> {
    let mut messages = Vec::new();
    for (job, write) in writes.iter().enumerate() {
        for (rule, filter) in rules {
            let ids: Vec<&str> = write
                .statements
                .iter()
                .filter(|s| xapi_forwards(filter, s, (batch, job), stored))
                .map(|s| s.id.as_str())
                .collect();
            if !ids.is_empty() {
                let message = crate::NewMessage {
                    topic: crate::FORWARD_TOPIC.to_owned(),
                    target: rule.clone(),
                    payload: serde_json::json!({ "statements": ids }),
                };
                messages.push((job, message));
            }
        }
    }
    messages
}

/// Whether `s`, in job `job` of a combined write, matches `filter`, itself or through the
/// statement its StatementRef names (as that job would see it written alone: a statement of a
/// later job is not stored yet).
fn xapi_forwards(
    filter: &crate::ForwardingFilter,
    s: &crate::NewStatement,
    (batch, job): (&XapiBatchIds<'_>, usize),
    stored: &std::collections::HashMap<&str, XapiFilterKeys>,
) -> bool {
    if filter.matches(&s.verb, s.activity.as_deref(), s.registration.as_deref()) {
        return true;
    }
    let Some(target) = s.target.as_deref() else { return false };
    match batch.seen_by(target, job) {
        Some(in_batch) => in_batch.is_some_and(|t| {
            filter.matches(&t.verb, t.activity.as_deref(), t.registration.as_deref())
        }),
        None => stored.get(target).is_some_and(|(verb, activity, registration)| {
            filter.matches(verb, activity.as_deref(), registration.as_deref())
        }),
    }
}

#[async_trait]
impl crate::ForwardingRuleStore for This {
    async fn create(
        &self,
        scope: Scope,
        new: crate::NewForwardingRule,
    ) -> Result<crate::ForwardingRule, StoreError> {
        let id = crate::ids::LrsForwardingRuleId::generate();
        let sealer = self.sealer()?;
        let sealed = sealer.seal(
            new.auth.password.expose(),
            &rule_seal_context(scope, id.as_str()),
        );
        let mut tx = self.write(scope).await?;
        scoped(
            "INSERT INTO lrs_forwarding_rules (tenant_id, app_id, env, id, url, version, \
             auth_username, auth_password, auth_sealed, filter, enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $11)",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(new.url)
        .bind(new.version)
        .bind(new.auth.username)
        .bind(sealed)
        .bind(filter_text(&new.filter))
        .bind(i64::from(new.enabled))
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let rule = rule_fetch(sealer, &mut tx, scope, &id).await?;
        tx.commit().await?;
        rule.ok_or_else(|| StoreError::Corrupt("forwarding rule vanished".into()))
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::LrsForwardingRuleId,
    ) -> Result<Option<crate::ForwardingRule>, StoreError> {
        let mut tx = self.read(scope).await?;
        let rule = rule_fetch(self.sealer()?, &mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(rule)
    }

    async fn list(
        &self,
        scope: Scope,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::ForwardingRule>, StoreError> {
        let sealer = self.sealer()?;
        let sql = format!(
            "SELECT {RULE_COLUMNS} FROM lrs_forwarding_rules WHERE tenant_id = $1 AND app_id = $2 \
             AND env = $3 AND seq < $4 ORDER BY seq DESC LIMIT $5"
        );
        let mut tx = self.read(scope).await?;
        let rows = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str())
            .bind(crate::model::cursor_bound(page))
            .bind(crate::model::fetch_limit(page))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(|row| rule_from_row(sealer, scope, row))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn update(
        &self,
        scope: Scope,
        id: &crate::ids::LrsForwardingRuleId,
        patch: crate::ForwardingRulePatch,
    ) -> Result<Option<crate::ForwardingRule>, StoreError> {
        let sealer = self.sealer()?;
        let mut tx = self.write(scope).await?;
        let Some(rule) = rule_fetch(sealer, &mut tx, scope, id).await? else {
            return Ok(None);
        };
        let auth = patch.auth.unwrap_or(rule.auth);
        let sealed = sealer.seal(auth.password.expose(), &rule_seal_context(scope, id.as_str()));
        scoped(
            "UPDATE lrs_forwarding_rules SET url = $5, version = $6, auth_username = $7, \
             auth_password = $8, auth_sealed = 1, filter = $9, enabled = $10, updated_at = $11 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(patch.url.unwrap_or(rule.url))
        .bind(patch.version.unwrap_or(rule.version))
        .bind(auth.username)
        .bind(sealed)
        .bind(filter_text(&patch.filter.unwrap_or(rule.filter)))
        .bind(i64::from(patch.enabled.unwrap_or(rule.enabled)))
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let rule = rule_fetch(self.sealer()?, &mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(rule)
    }

    async fn delete(
        &self,
        scope: Scope,
        id: &crate::ids::LrsForwardingRuleId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write(scope).await?;
        let deleted = scoped(
            "DELETE FROM lrs_forwarding_rules WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .execute(&mut *tx)
        .await?;
        for table in ["outbox_messages", "outbox_deliveries"] {
            let sql = format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
                 AND topic = $4 AND target = $5"
            );
            sqlx::query(&sql)
                .bind(scope.tenant.0)
                .bind(scope.app.0)
                .bind(scope.env.as_str())
                .bind(crate::FORWARD_TOPIC)
                .bind(id.as_str().to_owned())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(deleted.rows_affected() == 1)
    }
}
