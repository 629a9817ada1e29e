//! `POST /v1/courses` (upload a package, or import one from a URL) and `GET /v1/import_jobs/{id}`.
//!
//! An upload is streamed part by part to blob storage (`uploads/<imp_id>`), never held in
//! memory; the job is queued only once the whole file is stored, and an import worker (any
//! process) takes it from there (`crate::import`).

use crate::api::{IdempotencyKeyParam, validate};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{PathId, parse_json};
use crate::idempotency::{FormFingerprint, UploadGate};
use crate::import::Blocked;
use crate::state::AppState;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest as _, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use larch_store::ids::{CourseId, ImportJobId};
use larch_store::{ImportJob, ImportSource, NewImportJob};
use object_store::WriteMultipart;
use object_store::path::Path as BlobPath;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use utoipa::ToSchema;

/// A course import, queued, running or ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobObject {
    /// Always `import_job`.
    #[schema(value_type = String, example = "import_job")]
    pub object: &'static str,
    /// `imp_…`.
    pub id: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    #[schema(example = "queued")]
    pub status: &'static str,
    /// 0 to 100.
    pub progress: i64,
    /// The course the import makes a new version of (created by the first import).
    pub course_id: String,
    /// The course version written, once `succeeded`.
    pub version: Option<i64>,
    /// Why it `failed`: `{code, message, errors: [{code, message, location}]}`; the parser's
    /// error codes are in `errors` (see docs/package-warnings.md).
    #[schema(value_type = Option<Object>)]
    pub error: Option<serde_json::Value>,
    /// The parser's warnings (`[{code, message, location}]`).
    #[schema(value_type = Vec<Object>)]
    pub warnings: serde_json::Value,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last change.
    pub updated: i64,
}

impl From<ImportJob> for ImportJobObject {
    fn from(job: ImportJob) -> Self {
        Self {
            object: "import_job",
            id: job.id.to_string(),
            status: job.status.as_str(),
            progress: job.progress,
            course_id: job.course_id.to_string(),
            version: job.version,
            error: job.error,
            warnings: job.warnings,
            created: job.created,
            updated: job.updated,
        }
    }
}

/// `multipart/form-data` body of `POST /v1/courses`.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the form; the handler streams it")]
pub struct UploadCourse {
    /// The package: a zip, a bare `cmi5.xml`, or a media file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The course id (a new version when it exists); generated (`crs_…`) when absent.
    id: Option<String>,
}

/// JSON body of `POST /v1/courses`: import from a URL.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFromUrl {
    /// An `http(s)` URL of the package, fetched by the import worker.
    pub url: String,
    /// The course id (a new version when it exists); generated (`crs_…`) when absent.
    pub id: Option<String>,
}

/// Import a course: upload a package (`multipart/form-data`, part `file`, optional part `id`)
/// or name one by URL (JSON). Answers 202 with the import job; poll it until it ends.
#[utoipa::path(
    post, path = "/v1/courses", tag = "courses", operation_id = "import_course",
    params(IdempotencyKeyParam),
    request_body(content(
        (UploadCourse = "multipart/form-data"),
        (ImportFromUrl = "application/json"),
    )),
    responses(
        (status = 202, description = "Queued", body = ImportJobObject),
        (status = 400, description = "Invalid field or form", body = ErrorBody),
        (status = 413, description = "Package larger than LARCH_MAX_UPLOAD_BYTES", body = ErrorBody),
        (status = 415, description = "Neither multipart/form-data nor JSON", body = ErrorBody),
    ),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    req: Request,
) -> Result<Response, ApiError> {
    let mime = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let job_id = ImportJobId::generate();
    let new = match mime.as_str() {
        "multipart/form-data" => {
            let gate = req.extensions().get::<UploadGate>().cloned();
            let form = Multipart::from_request(req, &state)
                .await
                .map_err(|e| ApiError::invalid("file", e.body_text()))?;
            let (new, form_hash) = receive_upload(&state, form, job_id).await?;
            if let Some(gate) = gate
                && let Some(early) = claim_upload(&state, &gate, &new, &form_hash).await?
            {
                return Ok(early);
            }
            new
        }
        "application/json" => url_job(&state, req, job_id).await?,
        _ => return Err(ApiError::UnsupportedMediaType),
    };
    let upload = match &new.source {
        ImportSource::Upload { blob } => Some(BlobPath::from(blob.as_str())),
        ImportSource::Url(_) => None,
    };
    let job = match state.store.imports().create(caller.scope, new).await {
        Ok(job) => job,
        Err(e) => {
            // No job will ever read the stored upload (e.g. the database went away meanwhile).
            if let Some(upload) = upload {
                let _ = state.blobs.object_store().delete(&upload).await;
            }
            return Err(e.into());
        }
    };
    tracing::info!(import.id = %job.id, course.id = %job.course_id, "course import queued");
    let body = axum::Json(ImportJobObject::from(job));
    Ok((StatusCode::ACCEPTED, body).into_response())
}

/// Claims the upload's `Idempotency-Key` now that its form is hashed (see `crate::idempotency`);
/// when the request is not to run (a replay or a 409), its stored upload is deleted again.
async fn claim_upload(
    state: &AppState,
    gate: &UploadGate,
    new: &NewImportJob,
    form_hash: &str,
) -> Result<Option<Response>, ApiError> {
    let decision = gate.claim(state, form_hash).await;
    if !matches!(decision, Ok(None))
        && let ImportSource::Upload { blob } = &new.source
    {
        let _ = state
            .blobs
            .object_store()
            .delete(&BlobPath::from(blob.as_str()))
            .await;
    }
    decision
}

/// Retrieve an import job.
#[utoipa::path(
    get, path = "/v1/import_jobs/{id}", tag = "courses", operation_id = "get_import_job",
    params(("id" = String, Path, description = "The import job id")),
    responses((status = 200, body = ImportJobObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<ImportJobObject>, ApiError> {
    let id = validate::path_id("import_job", &raw, ImportJobId::parse)?;
    let job = state.store.imports().get(caller.scope, &id).await?;
    job.map(|j| axum::Json(j.into()))
        .ok_or_else(|| ApiError::not_found("import_job", &raw))
}

async fn url_job(
    state: &AppState,
    req: Request,
    id: ImportJobId,
) -> Result<NewImportJob, ApiError> {
    let limit = state.config.max_body_bytes;
    let bytes = axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| ApiError::TooLarge { limit })?;
    let body: ImportFromUrl = parse_json(&bytes)?;
    let url = url::Url::parse(&body.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ApiError::invalid("url", "url must be an absolute http(s) URL"))?;
    // Refused now when the host is internal; a name that does not resolve yet is left to the
    // import job (DNS may be down for a moment), which checks again, at every redirect.
    if let Err(Blocked::Refused(why)) = state.config.url_policy().check(&url).await {
        return Err(ApiError::Invalid {
            code: "url_not_allowed",
            message: format!("this URL cannot be imported: {why}"),
            param: Some("url".into()),
        });
    }
    let file_name = url
        .path_segments()
        .and_then(|mut s| s.next_back().map(str::to_owned))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "package.zip".to_owned());
    Ok(NewImportJob {
        id,
        course_id: course_id(body.id.as_deref())?,
        source: ImportSource::Url(url.to_string()),
        file_name,
    })
}

fn course_id(raw: Option<&str>) -> Result<CourseId, ApiError> {
    raw.map_or_else(
        || Ok(CourseId::generate()),
        |raw| validate::client_id("id", raw, CourseId::parse),
    )
}

/// Reads the form: `id` (small) and `file` (streamed to blob storage), hashing both on the way
/// (for `Idempotency-Key`). The upload is deleted again if the form turns out invalid.
async fn receive_upload(
    state: &AppState,
    mut form: Multipart,
    id: ImportJobId,
) -> Result<(NewImportJob, String), ApiError> {
    let key = BlobPath::from(format!("uploads/{id}"));
    let mut course = None;
    let mut file_name = None;
    let mut fingerprint = FormFingerprint::default();
    let read = async {
        while let Some(mut field) = form.next_field().await.map_err(|e| form_error(&e))? {
            let part = field.name().unwrap_or_default().to_owned();
            match part.as_str() {
                "file" if file_name.is_none() => {
                    let name = field.file_name().unwrap_or("package.zip").to_owned();
                    let sha256 = store_upload(state, &mut field, &key).await?;
                    fingerprint.part("file", Some(&name), &sha256);
                    file_name = Some(name);
                }
                "id" if course.is_none() => {
                    let text = small_text(field).await?;
                    fingerprint.part("id", None, &Sha256::digest(text.as_bytes()));
                    course = Some(text);
                }
                other => {
                    return Err(ApiError::invalid(
                        other,
                        "unexpected form part (use `file` and `id`)",
                    ));
                }
            }
        }
        let name =
            file_name.ok_or_else(|| ApiError::invalid("file", "the form has no `file` part"))?;
        Ok((course_id(course.as_deref())?, name))
    };
    match read.await {
        Ok((course_id, file_name)) => Ok((
            NewImportJob {
                id,
                course_id,
                source: ImportSource::Upload {
                    blob: key.to_string(),
                },
                file_name,
            },
            fingerprint.finish(),
        )),
        Err(e) => {
            let _ = state.blobs.object_store().delete(&key).await;
            Err(e)
        }
    }
}

/// Streams the `file` part to blob storage within `max_upload_bytes`; returns its SHA-256.
async fn store_upload(
    state: &AppState,
    field: &mut Field<'_>,
    key: &BlobPath,
) -> Result<Vec<u8>, ApiError> {
    let limit = state.config.max_upload_bytes;
    let upload = state
        .blobs
        .object_store()
        .put_multipart(key)
        .await
        .map_err(internal)?;
    let mut writer = WriteMultipart::new(upload);
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return abort(writer, form_error(&e)).await,
        };
        total += chunk.len() as u64;
        if total > limit {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            return abort(writer, ApiError::TooLarge { limit }).await;
        }
        hasher.update(&chunk);
        writer.wait_for_capacity(2).await.map_err(internal)?;
        writer.write(&chunk);
    }
    writer.finish().await.map_err(internal)?;
    Ok(hasher.finalize().to_vec())
}

async fn abort<T>(writer: WriteMultipart, error: ApiError) -> Result<T, ApiError> {
    let _ = writer.abort().await;
    Err(error)
}

/// A short text part (the course id).
async fn small_text(mut field: Field<'_>) -> Result<String, ApiError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| form_error(&e))? {
        text.extend_from_slice(&chunk);
        if text.len() > 255 {
            return Err(ApiError::invalid("id", "ids are at most 255 characters"));
        }
    }
    String::from_utf8(text).map_err(|_| ApiError::invalid("id", "the id is not UTF-8"))
}

fn form_error(e: &MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge { limit: usize::MAX }
    } else {
        ApiError::Invalid {
            code: "body_unreadable",
            message: e.body_text(),
            param: None,
        }
    }
}

fn internal(e: object_store::Error) -> ApiError {
    ApiError::Internal(anyhow::Error::new(e).context("storing an upload failed"))
}
