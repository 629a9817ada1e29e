//! `/v1/courses`: read, update and delete. Courses are written by the import worker, one version
//! per import; the upload endpoint (`POST /v1/courses`) is in `imports`.

use crate::api::course_settings::{ContentWindow, StrictnessName};
use crate::api::instances::InstancePolicyName;
use crate::api::{DeletedObject, validate};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{ListParams, list_type};
use crate::state::AppState;
use axum::extract::State;
use larch_store::ids::CourseId;
use larch_store::{Course, CourseDeletion, CourseDetail, CourseFilter, CoursePatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An entry point of a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaunchableObject {
    /// The package's identifier of the entry.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The file it opens, relative to the course root (or an absolute URL).
    pub href: String,
}

/// A course, described by its latest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseObject {
    /// Always `course`.
    #[schema(value_type = String, example = "course")]
    pub object: &'static str,
    /// Your id for the course, or a generated `crs_…`.
    pub id: String,
    /// Title.
    pub title: String,
    /// `scorm12`, `scorm2004`, `aicc`, `cmi5`, `xapi` or `media`.
    pub standard: String,
    /// Edition, e.g. `4th` for SCORM 2004 4th Edition.
    pub edition: Option<String>,
    /// The latest version, from 1.
    pub version: i64,
    /// Entry points of the latest version.
    pub launchables: Vec<LaunchableObject>,
    /// The parser's warnings for the latest version (`[{code, message, location}]`).
    #[schema(value_type = Vec<Object>)]
    pub warnings: serde_json::Value,
    /// Your labels (set with PATCH).
    pub tags: Vec<String>,
    /// When a launch of the course's registrations starts a new registration instance (a
    /// registration's own policy, if it has one, wins). By default, `never`.
    pub instance_policy: InstancePolicyName,
    /// How the run-time validates what the content sets. By default, `forgiving`.
    pub strictness: StrictnessName,
    /// Where the player opens the content. By default, `frame`.
    pub content_window: ContentWindow,
    /// First import, Unix seconds.
    pub created: i64,
    /// Latest import or change, Unix seconds.
    pub updated: i64,
}

impl From<Course> for CourseObject {
    fn from(c: Course) -> Self {
        let launchables = c
            .launchables
            .into_iter()
            .map(|l| LaunchableObject {
                id: l.id,
                title: l.title,
                href: l.href,
            })
            .collect();
        Self {
            object: "course",
            id: c.id.to_string(),
            title: c.title,
            standard: c.standard,
            edition: c.edition,
            version: c.version,
            launchables,
            warnings: c.warnings,
            tags: c.tags,
            instance_policy: InstancePolicyName::parse(&c.instance_policy),
            strictness: StrictnessName::parse(&c.strictness),
            content_window: ContentWindow::parse(&c.content_window),
            created: c.created,
            updated: c.updated,
        }
    }
}

/// One version of a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseVersionObject {
    /// From 1.
    pub version: i64,
    /// The package's title.
    pub title: String,
    /// Its standard.
    pub standard: String,
    /// Its edition.
    pub edition: Option<String>,
    /// Import time, Unix seconds.
    pub created: i64,
}

/// A course with its versions and the latest version's activity tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseDetailObject {
    /// The course, described by its latest version.
    #[serde(flatten)]
    pub course: CourseObject,
    /// Every version, newest first.
    pub versions: Vec<CourseVersionObject>,
    /// The latest version's activity tree: the course as root, `children` in order, each node
    /// with `id`, `title`, `visible`, `launch` (when launchable) and standard-specific `details`.
    #[schema(value_type = Object)]
    pub activity_tree: serde_json::Value,
}

impl From<CourseDetail> for CourseDetailObject {
    fn from(d: CourseDetail) -> Self {
        let versions = d
            .versions
            .into_iter()
            .map(|v| CourseVersionObject {
                version: v.version,
                title: v.title,
                standard: v.standard,
                edition: v.edition,
                created: v.created,
            })
            .collect();
        Self {
            course: d.course.into(),
            versions,
            activity_tree: d.structure.get("root").cloned().unwrap_or_default(),
        }
    }
}

/// Body of `PATCH /v1/courses/{id}`: only the fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourse {
    /// A new title (the next import sets the package's title again).
    pub title: Option<String>,
    /// Labels replacing the current ones: at most 50, each 1 to 64 characters.
    pub tags: Option<Vec<String>>,
    /// When a launch starts a new registration instance, e.g. `on_new_version`: the next
    /// launch of each registration plays the latest version in a new instance.
    pub instance_policy: Option<InstancePolicyName>,
    /// `strict`: the run-time refuses what the specification refuses; `forgiving` (the
    /// default) keeps over-long and loosely formatted values with a warning. From the next
    /// launch.
    pub strictness: Option<StrictnessName>,
    /// `new_window`: the player opens the content in its own window (content that cannot be
    /// framed). From the next launch.
    pub content_window: Option<ContentWindow>,
}

list_type!(
    /// A page of courses.
    CourseList,
    CourseObject
);

/// Retrieve a course.
#[utoipa::path(
    get, path = "/v1/courses/{id}", tag = "courses", operation_id = "get_course",
    params(("id" = String, Path, description = "The course id")),
    responses((status = 200, body = CourseDetailObject), (status = 404, body = ErrorBody)),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
) -> Result<axum::Json<CourseDetailObject>, ApiError> {
    let id = validate::path_id("course", &raw, CourseId::parse)?;
    let course = state.store.courses().detail(caller.scope, &id).await?;
    course
        .map(|c| axum::Json(c.into()))
        .ok_or_else(|| ApiError::not_found("course", &raw))
}

/// Update a course's metadata (title, tags) and player settings (instance policy,
/// strictness, content window).
#[utoipa::path(
    patch, path = "/v1/courses/{id}", tag = "courses", operation_id = "update_course",
    params(("id" = String, Path, description = "The course id")), request_body = UpdateCourse,
    responses(
        (status = 200, body = CourseObject),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Json(body): Json<UpdateCourse>,
) -> Result<axum::Json<CourseObject>, ApiError> {
    let id = validate::path_id("course", &raw, CourseId::parse)?;
    let patch = CoursePatch {
        title: body
            .title
            .map(|t| validate::name("title", &t))
            .transpose()?,
        tags: body.tags.map(|t| tags(&t)).transpose()?,
        instance_policy: body.instance_policy.map(|p| p.as_str().to_owned()),
        strictness: body.strictness.map(|s| s.as_str().to_owned()),
        content_window: body.content_window.map(|w| w.as_str().to_owned()),
    };
    let course = state
        .store
        .courses()
        .update(caller.scope, &id, patch)
        .await?;
    course
        .map(|c| axum::Json(c.into()))
        .ok_or_else(|| ApiError::not_found("course", &raw))
}

fn tags(raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.len() > 50 {
        return Err(ApiError::invalid("tags", "at most 50 tags"));
    }
    raw.iter()
        .enumerate()
        .map(|(i, t)| {
            let t = t.trim();
            if t.is_empty() || t.chars().count() > 64 || t.chars().any(char::is_control) {
                Err(ApiError::invalid(
                    &format!("tags[{i}]"),
                    "tags are 1 to 64 printable characters",
                ))
            } else {
                Ok(t.to_owned())
            }
        })
        .collect()
}

/// Filters of `GET /v1/courses`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseFilterParams {
    /// Only courses of this standard (`scorm12`, `scorm2004`, `aicc`, `cmi5`, `xapi`, `media`).
    pub standard: Option<String>,
    /// Only courses whose title contains this text (case-insensitive).
    pub title: Option<String>,
}

/// List courses, newest first, optionally filtered.
#[utoipa::path(
    get, path = "/v1/courses", tag = "courses", operation_id = "list_courses",
    params(ListParams, CourseFilterParams),
    responses((status = 200, body = CourseList), (status = 400, body = ErrorBody)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
    Query(filter): Query<CourseFilterParams>,
) -> Result<axum::Json<CourseList>, ApiError> {
    if filter
        .title
        .as_ref()
        .is_some_and(|t| t.chars().count() > 255)
    {
        return Err(ApiError::invalid(
            "title",
            "title is at most 255 characters",
        ));
    }
    let filter = CourseFilter {
        standard: filter.standard,
        title_contains: filter.title,
    };
    let page = state
        .store
        .courses()
        .list(caller.scope, filter, params.page()?)
        .await?;
    Ok(axum::Json(CourseList::from_page(page, CourseObject::from)))
}

/// The query of `DELETE /v1/courses/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteCourseParams {
    /// Also delete the course's registrations and their results. Without it, a course with
    /// registrations is left as it is (409).
    pub confirm: Option<bool>,
}

/// Delete a course with all its versions (and, with `confirm=true`, its registrations).
#[utoipa::path(
    delete, path = "/v1/courses/{id}", tag = "courses", operation_id = "delete_course",
    params(("id" = String, Path, description = "The course id"), DeleteCourseParams),
    responses(
        (status = 200, body = DeletedObject),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The course has registrations; repeat with confirm=true", body = ErrorBody),
    ),
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    PathId(raw): PathId,
    Query(params): Query<DeleteCourseParams>,
) -> Result<axum::Json<DeletedObject>, ApiError> {
    let id = validate::path_id("course", &raw, CourseId::parse)?;
    let confirm = params.confirm.unwrap_or(false);
    match state
        .store
        .courses()
        .delete(caller.scope, &id, confirm)
        .await?
    {
        CourseDeletion::Deleted { registrations } => {
            tracing::info!(course.id = %raw, registrations, "course deleted");
            Ok(axum::Json(DeletedObject {
                object: "course",
                id: raw,
                deleted: true,
            }))
        }
        CourseDeletion::HasRegistrations(count) => Err(ApiError::Conflict {
            code: "resource_in_use",
            message: format!(
                "the course has {count} registrations; repeat with ?confirm=true to delete them too"
            ),
            param: Some("confirm".into()),
        }),
        CourseDeletion::NotFound => Err(ApiError::not_found("course", &raw)),
    }
}
