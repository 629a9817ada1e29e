// Registrations (included into each backend module).

const REGISTRATION_COLUMNS: &str = "seq, id, course_id, course_version, learner_id, instance, instance_policy, completion_status, \
     success_status, score_scaled, score_raw, score_min, score_max, total_time_seconds, attempts, first_access_at, last_access_at, created_at, updated_at";

fn registration_from_row(row: &DbRow) -> Result<(i64, crate::Registration), StoreError> {
    let registration = crate::Registration {
        id: super::super::id_of(row.try_get("id")?, crate::ids::RegistrationId::parse)?,
        course_id: super::super::id_of(row.try_get("course_id")?, crate::ids::CourseId::parse)?,
        course_version: row.try_get("course_version")?,
        learner_id: super::super::id_of(row.try_get("learner_id")?, crate::ids::LearnerId::parse)?,
        instance: row.try_get("instance")?,
        instance_policy: row.try_get("instance_policy")?,
        completion_status: row.try_get("completion_status")?,
        success_status: row.try_get("success_status")?,
        score_scaled: row.try_get("score_scaled")?,
        score_raw: row.try_get("score_raw")?,
        score_min: row.try_get("score_min")?,
        score_max: row.try_get("score_max")?,
        total_time_seconds: row.try_get("total_time_seconds")?,
        attempts: row.try_get("attempts")?,
        first_access: row.try_get("first_access_at")?,
        last_access: row.try_get("last_access_at")?,
        created: row.try_get("created_at")?,
        updated: row.try_get("updated_at")?,
    };
    Ok((row.try_get("seq")?, registration))
}

/// One registration, inside a transaction.
async fn fetch_registration(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::RegistrationId,
) -> Result<Option<crate::Registration>, StoreError> {
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
    );
    let row = sqlx::query(&sql)
        .bind(scope.tenant.0)
        .bind(scope.app.0)
        .bind(scope.env.as_str())
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| registration_from_row(&r).map(|(_, reg)| reg))
        .transpose()
}

/// Makes sure the learner exists (creating it when asked to); returns its id.
async fn ensure_learner(
    tx: &mut Tx,
    scope: Scope,
    learner: crate::LearnerRef,
    now: i64,
) -> Result<crate::ids::LearnerId, StoreError> {
    match learner {
        crate::LearnerRef::CreateIfAbsent(new) => {
            scoped(
                "INSERT INTO learners (tenant_id, app_id, env, id, first_name, last_name, email, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING",
                scope,
            )
            .bind(new.id.as_str().to_owned())
            .bind(new.first_name)
            .bind(new.last_name)
            .bind(new.email)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(new.id)
        }
        crate::LearnerRef::Existing(id) => {
            let found = scoped("SELECT 1 FROM learners WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4", scope)
                .bind(id.as_str().to_owned())
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_some() {
                Ok(id)
            } else {
                Err(StoreError::Missing("learner"))
            }
        }
    }
}

#[async_trait]
impl crate::RegistrationStore for This {
    async fn create(
        &self,
        scope: Scope,
        new: crate::NewRegistration,
    ) -> Result<crate::Registration, StoreError> {
        let now = crate::unix_now();
        let mut tx = self.write(scope).await?;
        let course = fetch_course(&mut tx, scope, &new.course_id)
            .await?
            .ok_or(StoreError::Missing("course"))?;
        let learner_id = ensure_learner(&mut tx, scope, new.learner, now).await?;
        scoped(
            "INSERT INTO registrations (tenant_id, app_id, env, id, course_id, course_version, learner_id, instance, \
             completion_status, success_status, total_time_seconds, attempts, created_at, updated_at, instance_policy) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'unknown', 'unknown', 0, 0, $8, $8, $9)",
            scope,
        )
        .bind(new.id.as_str().to_owned())
        .bind(course.id.as_str().to_owned())
        .bind(course.version)
        .bind(learner_id.as_str().to_owned())
        .bind(now)
        .bind(new.instance_policy)
        .execute(&mut *tx)
        .await?;
        let registration = fetch_registration(&mut tx, scope, &new.id).await?;
        tx.commit().await?;
        registration.ok_or_else(|| StoreError::Corrupt("registration vanished after insert".into()))
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::RegistrationId,
    ) -> Result<Option<crate::Registration>, StoreError> {
        let mut tx = self.read(scope).await?;
        let registration = fetch_registration(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(registration)
    }

    async fn list(
        &self,
        scope: Scope,
        filter: crate::RegistrationFilter,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::Registration>, StoreError> {
        // NULL filters match everything; the same text works on both backends.
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND seq < $4 AND ($5 IS NULL OR course_id = $5) AND ($6 IS NULL OR learner_id = $6) \
             AND ($7 IS NULL OR completion_status = $7) ORDER BY seq DESC LIMIT $8"
        );
        let mut tx = self.read(scope).await?;
        let rows = sqlx::query(&sql)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str())
            .bind(crate::model::cursor_bound(page))
            .bind(filter.course_id.map(|c| c.as_str().to_owned()))
            .bind(filter.learner_id.map(|l| l.as_str().to_owned()))
            .bind(filter.completion_status)
            .bind(crate::model::fetch_limit(page))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(registration_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }

    async fn delete(
        &self,
        scope: Scope,
        id: &crate::ids::RegistrationId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write(scope).await?;
        let done = scoped("DELETE FROM registrations WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4", scope)
            .bind(id.as_str().to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // After the registration's row, so no save can add to its transcript meanwhile.
        forget_transcripts(&mut tx, scope, vec![id.as_str().to_owned()]).await?;
        tx.commit().await?;
        Ok(done > 0)
    }
}
