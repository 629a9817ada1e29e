// Import jobs and course assets (included into each backend module).

const JOB_COLUMNS: &str = "tenant_id, app_id, env, id, course_id, source_kind, source, file_name, status, \
     progress, version, error, warnings, attempts, created_at, updated_at";

/// The claim: the oldest queued job, or a running one whose lease ran out and that has not used
/// up its attempts ($4). On PostgreSQL the candidate row is locked with SKIP LOCKED, so
/// concurrent workers each get a different job; on SQLite the single writer connection
/// serialises claims.
const CLAIM_PG: &str = "UPDATE import_jobs SET status = 'running', locked_by = $1, locked_until = $2, \
     attempts = attempts + 1, updated_at = $3 WHERE seq = (SELECT seq FROM import_jobs \
     WHERE status = 'queued' OR (status = 'running' AND locked_until < $3 AND attempts < $4) \
     ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ";
const CLAIM_SQLITE: &str = "UPDATE import_jobs SET status = 'running', locked_by = $1, locked_until = $2, \
     attempts = attempts + 1, updated_at = $3 WHERE seq = (SELECT seq FROM import_jobs \
     WHERE status = 'queued' OR (status = 'running' AND locked_until < $3 AND attempts < $4) \
     ORDER BY seq LIMIT 1) RETURNING ";
/// Whether the claim would find a job (`$1` now, `$2` the attempts a job may use).
const CLAIMABLE: &str = "SELECT 1 FROM import_jobs WHERE status = 'queued' \
     OR (status = 'running' AND locked_until < $1 AND attempts < $2) LIMIT 1";
/// Whether `FAIL_EXHAUSTED` would end a job (`$1` now, `$2` the attempts a job may use).
const EXHAUSTED: &str = "SELECT 1 FROM import_jobs \
     WHERE status = 'running' AND locked_until < $1 AND attempts >= $2 LIMIT 1";
/// Ends the jobs whose lease ran out on their last attempt: each claim's worker died (or hung)
/// while importing them, so the package itself is the likely cause.
const FAIL_EXHAUSTED: &str = "UPDATE import_jobs SET status = 'failed', error = $1, locked_by = NULL, \
     locked_until = NULL, updated_at = $2 \
     WHERE status = 'running' AND locked_until < $2 AND attempts >= $3 RETURNING ";

fn job_from_row(row: &DbRow) -> Result<crate::ImportJob, StoreError> {
    let kind: &str = row.try_get("source_kind")?;
    let source: String = row.try_get("source")?;
    let source = match kind {
        "upload" => crate::ImportSource::Upload { blob: source },
        _ => crate::ImportSource::Url(source),
    };
    let status: &str = row.try_get("status")?;
    let error: Option<String> = row.try_get("error")?;
    let error = error
        .map(|e| serde_json::from_str(&e))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("error: {e}")))?;
    Ok(crate::ImportJob {
        id: super::super::id_of(row.try_get("id")?, crate::ids::ImportJobId::parse)?,
        course_id: super::super::id_of(row.try_get("course_id")?, crate::ids::CourseId::parse)?,
        source,
        file_name: row.try_get("file_name")?,
        status: crate::ImportStatus::parse(status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        progress: row.try_get("progress")?,
        version: row.try_get("version")?,
        error,
        warnings: json_column(row, "warnings")?,
        attempts: row.try_get("attempts")?,
        created: row.try_get("created_at")?,
        updated: row.try_get("updated_at")?,
    })
}

/// A transaction for the import worker before it knows a job's scope (PostgreSQL: the
/// `import_jobs` policy admits `larch.worker = 'import'`).
async fn worker_tx(backend: &This) -> Result<Tx, StoreError> {
    let mut tx = backend.unscoped_write().await?;
    if backend.kind_name() == "postgres" {
        sqlx::query("SELECT set_config('larch.worker', 'import', true)")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

async fn fetch_job(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::ImportJobId,
) -> Result<Option<crate::ImportJob>, StoreError> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM import_jobs WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4"
    );
    let row = sqlx::query(&sql)
        .bind(scope.tenant.0)
        .bind(scope.app.0)
        .bind(scope.env.as_str())
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| job_from_row(&r)).transpose()
}

/// Whether `worker` still holds the running job (its lease may have passed to another).
async fn holds_job(
    tx: &mut Tx,
    scope: Scope,
    id: &crate::ids::ImportJobId,
    worker: &str,
) -> Result<bool, StoreError> {
    let row = scoped(
        "SELECT 1 FROM import_jobs WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 \
         AND status = 'running' AND locked_by = $5",
        scope,
    )
    .bind(id.as_str().to_owned())
    .bind(worker.to_owned())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

async fn insert_assets(
    tx: &mut Tx,
    scope: Scope,
    course: &crate::ids::CourseId,
    version: i64,
    assets: &[crate::CourseAsset],
) -> Result<(), StoreError> {
    for asset in assets {
        scoped(
            "INSERT INTO course_assets (tenant_id, app_id, env, course_id, version, path, blob_sha256, size, \
             content_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            scope,
        )
        .bind(course.as_str().to_owned())
        .bind(version)
        .bind(asset.path.clone())
        .bind(asset.sha256.clone())
        .bind(asset.size)
        .bind(asset.content_type.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl crate::ImportJobStore for This {
    async fn create(
        &self,
        scope: Scope,
        new: crate::NewImportJob,
    ) -> Result<crate::ImportJob, StoreError> {
        let now = crate::unix_now();
        let (kind, source) = match &new.source {
            crate::ImportSource::Upload { blob } => ("upload", blob.clone()),
            crate::ImportSource::Url(url) => ("url", url.clone()),
        };
        let mut tx = self.write(scope).await?;
        scoped(
            "INSERT INTO import_jobs (tenant_id, app_id, env, id, course_id, source_kind, source, file_name, \
             status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $9)",
            scope,
        )
        .bind(new.id.as_str().to_owned())
        .bind(new.course_id.as_str().to_owned())
        .bind(kind)
        .bind(source)
        .bind(new.file_name.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let job = fetch_job(&mut tx, scope, &new.id).await?;
        tx.commit().await?;
        job.ok_or_else(|| StoreError::Corrupt("import job vanished".into()))
    }

    async fn get(
        &self,
        scope: Scope,
        id: &crate::ids::ImportJobId,
    ) -> Result<Option<crate::ImportJob>, StoreError> {
        let mut tx = self.read(scope).await?;
        let job = fetch_job(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(job)
    }

    async fn claim(
        &self,
        worker: &str,
        lease_secs: i64,
        max_attempts: i64,
    ) -> Result<Option<crate::ClaimedJob>, StoreError> {
        let now = crate::unix_now();
        let probe = sqlx::query(CLAIMABLE).bind(now).bind(max_attempts);
        if !worker_finds(self, "import", probe).await? {
            return Ok(None);
        }
        let head = if self.kind_name() == "postgres" { CLAIM_PG } else { CLAIM_SQLITE };
        let sql = format!("{head}{JOB_COLUMNS}");
        let mut tx = worker_tx(self).await?;
        let row = sqlx::query(&sql)
            .bind(worker.to_owned())
            .bind(now + lease_secs)
            .bind(now)
            .bind(max_attempts)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(crate::ClaimedJob {
            scope: scope_of(&row)?,
            job: job_from_row(&row)?,
        }))
    }

    async fn fail_exhausted(
        &self,
        max_attempts: i64,
    ) -> Result<Vec<crate::ClaimedJob>, StoreError> {
        let now = crate::unix_now();
        let probe = sqlx::query(EXHAUSTED).bind(now).bind(max_attempts);
        if !worker_finds(self, "import", probe).await? {
            return Ok(Vec::new());
        }
        let message = format!(
            "the import stopped {max_attempts} times before it finished (its worker process \
             ended or hung); it is not tried again"
        );
        let error = serde_json::json!({"code": "import_crashed", "message": message, "errors": []});
        let sql = format!("{FAIL_EXHAUSTED}{JOB_COLUMNS}");
        let mut tx = worker_tx(self).await?;
        let rows = sqlx::query(&sql)
            .bind(error.to_string())
            .bind(now)
            .bind(max_attempts)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(crate::ClaimedJob {
                    scope: scope_of(row)?,
                    job: job_from_row(row)?,
                })
            })
            .collect()
    }

    async fn heartbeat(
        &self,
        scope: Scope,
        id: &crate::ids::ImportJobId,
        worker: &str,
        progress: i64,
        lease_secs: i64,
    ) -> Result<bool, StoreError> {
        let now = crate::unix_now();
        let mut tx = self.write(scope).await?;
        let done = scoped(
            "UPDATE import_jobs SET progress = $6, locked_until = $7, updated_at = $8 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 AND status = 'running' AND locked_by = $5",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(worker.to_owned())
        .bind(progress.clamp(0, 100))
        .bind(now + lease_secs)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn succeed(
        &self,
        scope: Scope,
        id: &crate::ids::ImportJobId,
        worker: &str,
        version: crate::NewCourseVersion,
        assets: Vec<crate::CourseAsset>,
    ) -> Result<Option<crate::Course>, StoreError> {
        let mut tx = self.write(scope).await?;
        if !holds_job(&mut tx, scope, id, worker).await? {
            return Ok(None);
        }
        let number = insert_version(&mut tx, scope, &version).await?;
        insert_assets(&mut tx, scope, &version.id, number, &assets).await?;
        scoped(
            "UPDATE import_jobs SET status = 'succeeded', progress = 100, version = $5, warnings = $6, \
             locked_by = NULL, locked_until = NULL, updated_at = $7 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(number)
        .bind(version.warnings.to_string())
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let course = fetch_course(&mut tx, scope, &version.id).await?;
        tx.commit().await?;
        course
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt("course vanished during its own import".into()))
    }

    async fn fail(
        &self,
        scope: Scope,
        id: &crate::ids::ImportJobId,
        worker: &str,
        error: serde_json::Value,
        warnings: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.write(scope).await?;
        scoped(
            "UPDATE import_jobs SET status = 'failed', error = $6, warnings = $7, locked_by = NULL, \
             locked_until = NULL, updated_at = $8 \
             WHERE tenant_id = $1 AND app_id = $2 AND env = $3 AND id = $4 AND status = 'running' AND locked_by = $5",
            scope,
        )
        .bind(id.as_str().to_owned())
        .bind(worker.to_owned())
        .bind(error.to_string())
        .bind(warnings.to_string())
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn asset_in_use(&self, sha256: &str) -> Result<bool, StoreError> {
        let mut tx = worker_tx(self).await?;
        let row = sqlx::query("SELECT 1 FROM course_assets WHERE blob_sha256 = $1 LIMIT 1")
            .bind(sha256.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.is_some())
    }
}
