// Courses and their versions (included into each backend module).

fn json_column<T: serde::de::DeserializeOwned>(row: &DbRow, column: &str) -> Result<T, StoreError> {
    let text: &str = row.try_get(column)?;
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

fn course_from_row(row: &DbRow) -> Result<(i64, crate::Course), StoreError> {
    let course = crate::Course {
        id: super::super::id_of(row.try_get("id")?, crate::ids::CourseId::parse)?,
        title: row.try_get("title")?,
        standard: row.try_get("standard")?,
        edition: row.try_get("edition")?,
        version: row.try_get("latest_version")?,
        launchables: json_column(row, "launchables")?,
        warnings: json_column(row, "warnings")?,
        tags: json_column(row, "tags")?,
        instance_policy: row.try_get("instance_policy")?,
        strictness: row.try_get("strictness")?,
        content_window: row.try_get("content_window")?,
        created: row.try_get("created_at")?,
        updated: row.try_get("updated_at")?,
    };
    Ok((row.try_get("seq")?, course))
}

/// The course's latest version, inside a transaction.
async fn fetch_course(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::CourseId,
) -> Result<Option<crate::Course>, StoreError> {
    const SQL: &str = "SELECT c.seq, c.id, c.title, c.standard, c.edition, c.latest_version, c.created_at, \
         c.updated_at, c.tags, c.instance_policy, c.strictness, c.content_window, v.launchables, v.warnings FROM courses c JOIN course_versions v \
         ON v.tenant_id = c.tenant_id AND v.app_id = c.app_id AND v.env = c.env \
         AND v.course_id = c.id AND v.version = c.latest_version \
         WHERE c.tenant_id = $1 AND c.app_id = $2 AND c.env = $3 AND c.id = $4";
    let row = scoped(SQL, scope)
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| course_from_row(&r).map(|(_, c)| c)).transpose()
}

/// Bumps the course's latest version (or creates the course at version 1); returns the version.
async fn next_course_version(
    tx: &mut Tx,
    scope: Scope,
    new: &crate::NewCourseVersion,
    now: i64,
) -> Result<i64, StoreError> {
    // One atomic upsert, so two imports of one course never get the same number, and two
    // first imports of a new course (on two PostgreSQL connections) do not collide on its row:
    // the second waits for the first's row and increments it.
    let row = scoped(
        "INSERT INTO courses (tenant_id, app_id, env, id, title, standard, edition, latest_version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
         ON CONFLICT (tenant_id, app_id, env, id) DO UPDATE SET latest_version = courses.latest_version + 1, \
         title = excluded.title, standard = excluded.standard, edition = excluded.edition, \
         updated_at = excluded.updated_at RETURNING latest_version",
        scope,
    )
    .bind(new.id.as_str().to_owned())
    .bind(new.title.clone())
    .bind(new.standard.clone())
    .bind(new.edition.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("latest_version")?)
}

/// Writes a new version of `new.id` (creating the course at version 1); returns its number.
/// Shared by [`crate::CourseStore::create_version`] and the import worker's `succeed`.
async fn insert_version(
    tx: &mut Tx,
    scope: Scope,
    new: &crate::NewCourseVersion,
) -> Result<i64, StoreError> {
    let now = crate::unix_now();
    let launchables =
        serde_json::to_string(&new.launchables).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let version = next_course_version(tx, scope, new, now).await?;
    scoped(
        "INSERT INTO course_versions (tenant_id, app_id, env, course_id, version, title, standard, edition, \
         launchables, structure, warnings, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        scope,
    )
    .bind(new.id.as_str().to_owned())
    .bind(version)
    .bind(new.title.clone())
    .bind(new.standard.clone())
    .bind(new.edition.clone())
    .bind(launchables)
    .bind(new.structure.to_string())
    .bind(new.warnings.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(version)
}

/// A course's versions, newest first, and the latest version's model.
async fn fetch_versions(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::CourseId,
) -> Result<(Vec<crate::CourseVersionSummary>, serde_json::Value), StoreError> {
    let rows = scoped(
        "SELECT version, title, standard, edition, created_at, structure FROM course_versions \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND course_id = $4 ORDER BY version DESC",
        scope,
    )
    .bind(id.as_str().to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let structure = match rows.first() {
        Some(row) => json_column(row, "structure")?,
        None => serde_json::Value::Null,
    };
    let versions = rows
        .iter()
        .map(|row| {
            Ok(crate::CourseVersionSummary {
                version: row.try_get("version")?,
                title: row.try_get("title")?,
                standard: row.try_get("standard")?,
                edition: row.try_get("edition")?,
                created: row.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((versions, structure))
}

/// Applies a metadata patch; `false` when there is no such course.
async fn patch_course(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::CourseId,
    patch: &crate::CoursePatch,
) -> Result<bool, StoreError> {
    let tags = patch
        .tags
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let done = scoped(
        "UPDATE courses SET title = COALESCE($5, title), tags = COALESCE($6, tags), updated_at = $7, \
         instance_policy = COALESCE($8, instance_policy), strictness = COALESCE($9, strictness), \
         content_window = COALESCE($10, content_window) WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
        scope,
    )
    .bind(id.as_str().to_owned())
    .bind(patch.title.clone())
    .bind(tags)
    .bind(crate::unix_now())
    .bind(patch.instance_policy.clone())
    .bind(patch.strictness.clone())
    .bind(patch.content_window.clone())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl crate::CourseStore for This {
    async fn version_structure(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
        version: i64,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT structure FROM course_versions \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND course_id = $4 AND version = $5",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| json_column(&r, "structure")).transpose()
    }

    async fn asset(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
        version: i64,
        path: &str,
    ) -> Result<Option<crate::CourseAsset>, StoreError> {
        let mut tx = self.read(scope).await?;
        let row = scoped(
            "SELECT path, blob_sha256, size, content_type FROM course_assets \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND course_id = $4 AND version = $5 AND path = $6",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(version)
        .bind(path.to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(crate::CourseAsset {
                path: r.try_get("path")?,
                sha256: r.try_get("blob_sha256")?,
                size: r.try_get("size")?,
                content_type: r.try_get("content_type")?,
            })
        })
        .transpose()
    }

    async fn create_version(
        &self,
        scope: Scope,
        new: crate::NewCourseVersion,
    ) -> Result<crate::Course, StoreError> {
        let mut tx = self.write(scope).await?;
        insert_version(&mut tx, scope, &new).await?;
        let course = fetch_course(&mut tx, scope, &new.id).await?;
        tx.commit().await?;
        course.ok_or_else(|| StoreError::Corrupt("course vanished during its own import".into()))
    }

    async fn detail(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
    ) -> Result<Option<crate::CourseDetail>, StoreError> {
        let mut tx = self.read(scope).await?;
        let Some(course) = fetch_course(&mut tx, scope, id).await? else {
            return Ok(None);
        };
        let (versions, structure) = fetch_versions(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(Some(crate::CourseDetail {
            course,
            versions,
            structure,
        }))
    }

    async fn update(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
        patch: crate::CoursePatch,
    ) -> Result<Option<crate::Course>, StoreError> {
        let mut tx = self.write(scope).await?;
        if !patch_course(&mut tx, scope, id, &patch).await? {
            return Ok(None);
        }
        let course = fetch_course(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(course)
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
    ) -> Result<Option<crate::Course>, StoreError> {
        let mut tx = self.read(scope).await?;
        let course = fetch_course(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(course)
    }

    async fn delete(
        &self,
        scope: Scope,
        id: &crate::ids::CourseId,
        with_registrations: bool,
    ) -> Result<crate::CourseDeletion, StoreError> {
        let mut tx = self.write(scope).await?;
        let found = scoped(
            "SELECT 1 FROM courses WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Ok(crate::CourseDeletion::NotFound);
        }
        let row = scoped(
            "SELECT COUNT(*) AS n FROM registrations \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND course_id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .fetch_one(&mut *tx)
        .await?;
        let registrations = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
        if registrations > 0 && !with_registrations {
            return Ok(crate::CourseDeletion::HasRegistrations(registrations));
        }
        // Launch tokens go with their registrations, versions with their course (ON DELETE
        // CASCADE); transcripts after their registrations' rows.
        let gone = scoped(
            "DELETE FROM registrations WHERE tenant_id = $1 AND app_id = $2 AND env = $3 \
             AND course_id = $4 RETURNING id",
            scope,
        )
        .bind(id.as_str().to_owned())
        .fetch_all(&mut *tx)
        .await?;
        let gone = gone.iter().map(|row| row.try_get("id")).collect::<Result<_, _>>()?;
        forget_transcripts(&mut tx, scope, gone).await?;
        scoped(
            "DELETE FROM courses WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(crate::CourseDeletion::Deleted { registrations })
    }

    async fn list(
        &self,
        scope: Scope,
        filter: crate::CourseFilter,
        page: crate::PageRequest,
    ) -> Result<crate::Page<crate::Course>, StoreError> {
        const SQL: &str = "SELECT c.seq, c.id, c.title, c.standard, c.edition, c.latest_version, c.created_at, \
             c.updated_at, c.tags, c.instance_policy, c.strictness, c.content_window, v.launchables, v.warnings FROM courses c JOIN course_versions v \
             ON v.tenant_id = c.tenant_id AND v.app_id = c.app_id AND v.env = c.env \
             AND v.course_id = c.id AND v.version = c.latest_version \
             WHERE c.tenant_id = $1 AND c.app_id = $2 AND c.env = $3 AND c.seq < $4 \
             AND ($6 IS NULL OR c.standard = $6) AND ($7 IS NULL OR LOWER(c.title) LIKE $7 ESCAPE '\\') \
             ORDER BY c.seq DESC LIMIT $5";
        let pattern = filter.title_contains.map(|t| {
            let escaped = t.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        let mut tx = self.read(scope).await?;
        let rows = scoped(SQL, scope)
            .bind(crate::model::cursor_bound(page))
            .bind(crate::model::fetch_limit(page))
            .bind(filter.standard)
            .bind(pattern)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = rows
            .iter()
            .map(course_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::Page::from_rows(rows, page))
    }
}
