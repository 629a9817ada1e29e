// Learners (included into each backend module).

fn learner_from_row(row: &DbRow) -> Result<(i64, crate::Learner), StoreError> {
    let learner = crate::Learner {
        id: super::super::id_of(row.try_get("id")?, crate::ids::LearnerId::parse)?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        created: row.try_get("created_at")?,
        updated: row.try_get("updated_at")?,
    };
    Ok((row.try_get("seq")?, learner))
}

#[async_trait]
impl crate::LearnerStore for This {
    async fn create(
        &self,
        scope: Scope,
        new: crate::NewLearner,
    ) -> Result<crate::Learner, StoreError> {
        let now = crate::unix_now();
        let mut tx = self.write(scope).await?;
        let row = scoped(
            "INSERT INTO learners (tenant_id, app_id, env, id, first_name, last_name, email, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             RETURNING seq, id, first_name, last_name, email, created_at, updated_at",
            scope,
        )
        .bind(new.id.as_str().to_owned())
        .bind(new.first_name)
        .bind(new.last_name)
        .bind(new.email)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(learner_from_row(&row)?.1)
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::LearnerId,
    ) -> Result<Option<crate::Learner>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT seq, id, first_name, last_name, email, created_at, updated_at FROM learners \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| learner_from_row(&r).map(|(_, l)| l))
            .transpose()
    }

    async fn list(
        &self,
        scope: Scope,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::Learner>, StoreError> {
        self.scoped_page("SELECT seq, id, first_name, last_name, email, created_at, updated_at FROM learners \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND seq < $4 ORDER BY seq DESC LIMIT $5", scope, page, learner_from_row).await
    }

    async fn update(
        &self,
        scope: Scope,
        id: &crate::ids::LearnerId,
        patch: crate::LearnerPatch,
    ) -> Result<Option<crate::Learner>, StoreError> {
        // One statement, so two concurrent patches of different fields both land.
        let (set_email, email) = match patch.email {
            Some(email) => (1_i64, email),
            None => (0, None),
        };
        let mut tx = self.write(scope).await?;
        let row = scoped(
            "UPDATE learners SET first_name = COALESCE($5, first_name), last_name = COALESCE($6, last_name), \
             email = CASE WHEN $7 = 1 THEN $8 ELSE email END, updated_at = $9 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 \
             RETURNING seq, id, first_name, last_name, email, created_at, updated_at",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(patch.first_name)
        .bind(patch.last_name)
        .bind(set_email)
        .bind(email)
        .bind(crate::unix_now())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| learner_from_row(&r).map(|(_, l)| l))
            .transpose()
    }

    async fn delete(&self, scope: Scope, id: &crate::ids::LearnerId) -> Result<bool, StoreError> {
        let mut tx = self.write(scope).await?;
        let done = scoped(
            "DELETE FROM learners WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done > 0)
    }
}
