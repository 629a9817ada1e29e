//! What the player receives: the state document and deliveries with their browser-side
//! details (AICC `aicc_sid`/`aicc_url`), per docs/runtime-protocol.md.

use crate::error::ApiError;
use crate::player::service::unix_now;
use crate::player::session::PlayerCtx;
use crate::player::signing::{AiccClaims, AssetClaims};
use crate::state::AppState;
use larch_cmi::{Edition, ScormVersion};
use larch_runtime::{Next, RuntimeCourse, RuntimeStandard, Step};
use serde::Serialize;

/// The answer of `GET /p/{pid}/api/state`.
#[derive(Debug, Serialize)]
pub(crate) struct PlayerState {
    /// Always `player_state`.
    object: &'static str,
    /// The registration.
    registration_id: String,
    /// Its instance.
    instance: i64,
    /// The course version played.
    course: CourseInfo,
    /// The data model content talks to (`scorm_1_2`, `scorm_2004_4th`, …).
    data_model: &'static str,
    /// `larch_cmi::export_schema` of that data model: the shim validates from it.
    schema: larch_cmi::SchemaExport,
    /// The data-model validation (`strictness`, `forgiving_max_len`, `hard_max_len`): the shim
    /// validates exactly as the server will.
    config: larch_cmi::RuntimeConfig,
    /// Where the content opens: `frame` (the player's iframe) or `new_window`.
    window: String,
    /// Prefix of every course file (signed).
    asset_base: String,
    /// What is delivered now.
    step: Step,
    /// Look and feel hooks.
    branding: Branding,
    /// How long the shim waits after a status or score change before it commits.
    commit_debounce_ms: u64,
}

/// The course as the player shows it.
#[derive(Debug, Serialize)]
struct CourseInfo {
    id: String,
    version: i64,
    title: String,
    standard: RuntimeStandard,
}

/// Per-environment look of the player frame (`/v1/player/branding`).
#[derive(Debug, Serialize)]
struct Branding {
    /// Accent colour (`#rrggbb`).
    color: String,
    /// Logo URL (`https:` or `data:image/…`, validated by the API), when set.
    logo_url: Option<String>,
    /// The organisation's name (the logo's text), when set.
    name: Option<String>,
    /// Title shown in the frame.
    title: String,
}

/// The state document of a player session at `step`.
pub(crate) async fn player_state(
    app: &AppState,
    ctx: &PlayerCtx,
    course: &RuntimeCourse,
    step: Step,
) -> Result<PlayerState, ApiError> {
    let title = course
        .activities
        .first()
        .map(|a| a.title.clone())
        .unwrap_or_default();
    Ok(PlayerState {
        object: "player_state",
        registration_id: ctx.session.registration_id.to_string(),
        instance: ctx.session.instance,
        course: CourseInfo {
            id: ctx.session.course_id.to_string(),
            version: ctx.session.course_version,
            title: title.clone(),
            standard: course.standard,
        },
        data_model: data_model_name(course.version),
        schema: larch_cmi::export_schema(course.version),
        config: course.config.clone(),
        window: ctx.session.content_window.clone(),
        asset_base: asset_base(app, ctx).await?,
        step,
        branding: branding(app, ctx, title).await?,
        commit_debounce_ms: 500,
    })
}

async fn branding(app: &AppState, ctx: &PlayerCtx, title: String) -> Result<Branding, ApiError> {
    let stored = app
        .store
        .branding()
        .get(ctx.scope)
        .await?
        .unwrap_or_default();
    let default = crate::api::branding::DEFAULT_COLOR;
    Ok(Branding {
        color: stored.primary_color.unwrap_or_else(|| default.to_owned()),
        logo_url: stored.logo_url,
        name: stored.name,
        title,
    })
}

fn data_model_name(version: ScormVersion) -> &'static str {
    match version {
        ScormVersion::Scorm12 => "scorm_1_2",
        ScormVersion::Scorm2004(Edition::Second) => "scorm_2004_2nd",
        ScormVersion::Scorm2004(Edition::Third) => "scorm_2004_3rd",
        ScormVersion::Scorm2004(Edition::Fourth) => "scorm_2004_4th",
    }
}

/// `/a/<token>/`: the course version's files until the session expires.
pub(crate) async fn asset_base(app: &AppState, ctx: &PlayerCtx) -> Result<String, ApiError> {
    let claims = AssetClaims {
        t: ctx.scope.tenant.0,
        a: ctx.scope.app.0,
        e: ctx.scope.env.as_str().to_owned(),
        c: ctx.session.course_id.to_string(),
        v: ctx.session.course_version,
        exp: ctx.session.expires_at.max(unix_now()),
    };
    let signer = app.runtime.signer(app).await?;
    Ok(format!("/a/{}/", signer.sign("asset", &claims)))
}

/// `step` with its delivery made ready for the browser.
pub(crate) async fn present_step(
    app: &AppState,
    ctx: &PlayerCtx,
    course: &RuntimeCourse,
    step: Step,
) -> Result<Step, ApiError> {
    let next = present_next(app, ctx, course, step.next).await?;
    Ok(Step {
        next,
        nav: step.nav,
    })
}

/// An AICC AU gets `aicc_sid` and `aicc_url` (CMI001 HACP 6.1): the sid is signed, so the
/// HACP endpoint needs no lookup to reject a forged one.
pub(crate) async fn present_next(
    app: &AppState,
    ctx: &PlayerCtx,
    course: &RuntimeCourse,
    next: Next,
) -> Result<Next, ApiError> {
    let Next::Deliver(mut delivery) = next else {
        return Ok(next);
    };
    if course.standard == RuntimeStandard::Aicc {
        let claims = AiccClaims {
            t: ctx.scope.tenant.0,
            a: ctx.scope.app.0,
            e: ctx.scope.env.as_str().to_owned(),
            exp: ctx.session.expires_at,
            ps: ctx.session.id.clone(),
            s: delivery.session,
            au: delivery.activity.clone(),
        };
        let sid = app.runtime.signer(app).await?.sign("aicc", &claims);
        let hacp = app
            .config
            .content_url
            .join("hacp")
            .map_err(anyhow::Error::from)?;
        let joiner = if delivery.url.contains('?') { '&' } else { '?' };
        delivery.url = format!(
            "{}{joiner}aicc_sid={}&aicc_url={}",
            delivery.url,
            encode(&sid),
            encode(hacp.as_str())
        );
    }
    Ok(Next::Deliver(delivery))
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
